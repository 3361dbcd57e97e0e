"""Ed25519 signatures over the canonical bytes of a feed (the `cryptography` package).

The canonical bytes of a JSON value are its UTF-8 encoding with sorted keys and no spaces, so that a receiver
that parses the feed and encodes the payload again gets exactly the bytes that were signed. Keys travel as the
base64 of their 32 raw bytes."""

import base64
import binascii
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from innokop.accounts.identifiers import ed25519_key_bytes


class BadKey(ValueError):
    """Not the base64 of a 32-byte Ed25519 key."""


def canonical_bytes(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _raw(text: str) -> bytes:
    try:
        return ed25519_key_bytes(text)
    except ValueError as error:  # the same check as a partner body's key (accounts.identifiers)
        raise BadKey(str(error)) from error


def private_key(text: str | None = None) -> Ed25519PrivateKey:
    """This instance's signing key (INNOKOP_NETWORK_SIGNING_KEY: environment or the 0600 file in VAR_DIR)."""
    return Ed25519PrivateKey.from_private_bytes(_raw(text or settings.INNOKOP_NETWORK_SIGNING_KEY))


def public_key_text(key: Ed25519PrivateKey | None = None) -> str:
    """The public key that partners enter to subscribe to this instance's feed."""
    raw = (key or private_key()).public_key().public_bytes_raw()
    return base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_raw(text))


def sign(payload, key: Ed25519PrivateKey | None = None) -> str:
    return base64.b64encode((key or private_key()).sign(canonical_bytes(payload))).decode("ascii")


def verify(payload, signature: str, public_key: str) -> bool:
    """Whether `signature` (base64) is `public_key`'s over the canonical bytes of `payload`."""
    try:
        raw_signature = base64.b64decode(signature, validate=True)
        parse_public_key(public_key).verify(raw_signature, canonical_bytes(payload))
    except (InvalidSignature, BadKey, binascii.Error, ValueError, TypeError):
        return False
    return True


def digest(value) -> str:
    """SHA-256 of the canonical bytes: tells a changed item from an unchanged one."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


ALGORITHM = "Ed25519"


def key_id(public_key: str) -> str:
    """A short, stable name for a public key: the first 16 hex digits of SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(_raw(public_key)).hexdigest()[:16]


def new_private_key_text() -> str:
    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    return base64.b64encode(raw).decode("ascii")
