"""This instance's feed keys (docs/user-guide.md, key rotation): which keys sign the feed now, the newest first, and
what the feed and `/.well-known/innokop-network-keys.json` announce of them.

Before the first rotation the feed is signed with the key of the settings alone. A rotation (`services.
signing_key_rotate`) generates a key whose private half goes into a 0600 file in INNOKOP_NETWORK_KEY_DIR (the
database keeps only the public half) and gives the keys signing until then a last day: until it passes the feed
carries a signature by each, so a partner that trusts the old key learns the new one from a feed it can verify."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import signing
from .models import SigningKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedKey:
    key_id: str
    public_key: str
    private: Ed25519PrivateKey
    valid_from: datetime | None
    valid_until: datetime | None


def key_dir() -> Path:
    return Path(settings.INNOKOP_NETWORK_KEY_DIR)


def store_private(key_id: str, text: str) -> Path:
    """Writes a generated private key to its own file, readable by the owner only (0600, in a 0700 directory);
    an existing file is never overwritten."""
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / key_id
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, text.encode("ascii"))
    finally:
        os.close(descriptor)
    return path


def settings_key() -> FeedKey:
    private = signing.private_key()
    public = signing.public_key_text(private)
    return FeedKey(signing.key_id(public), public, private, None, None)


def _private(row: SigningKey) -> Ed25519PrivateKey | None:
    """The private half of a recorded key, or None when it is missing or is not the recorded key's."""
    if row.source == SigningKey.Source.SETTINGS:
        text = settings.INNOKOP_NETWORK_SIGNING_KEY
    else:
        path = key_dir() / row.key_id
        if not path.is_file():
            log.error("network signing key %s: no file %s", row.key_id, path)
            return None
        text = path.read_text().strip()
    try:
        private = signing.private_key(text)
    except signing.BadKey:
        return None
    if signing.public_key_text(private) != row.public_key:
        log.error("network signing key %s: the private key does not match the recorded public key", row.key_id)
        return None
    return private


def signing_keys(now: datetime) -> list[FeedKey]:
    """The keys that sign the feed at `now`, the current one first."""
    if not SigningKey.objects.exists():
        return [settings_key()]
    keys = []
    for row in SigningKey.objects.active(now):
        private = _private(row)
        if private is not None:
            keys.append(FeedKey(row.key_id, row.public_key, private, row.valid_from, row.valid_until))
    if not keys:
        raise ImproperlyConfigured("No network signing key can be read: see docs/user-guide.md, key rotation.")
    return keys


def current_public_key(now: datetime) -> str:
    return signing_keys(now)[0].public_key


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def announcement(key: FeedKey) -> dict:
    return {"key_id": key.key_id, "alg": signing.ALGORITHM, "public_key": key.public_key,
            "valid_from": _stamp(key.valid_from), "valid_until": _stamp(key.valid_until)}


def signatures(payload: dict, keys: list[FeedKey]) -> list[dict]:
    return [{"key_id": key.key_id, "alg": signing.ALGORITHM, "value": signing.sign(payload, key.private)}
            for key in keys]


def keys_document(now: datetime) -> dict:
    """What `/.well-known/innokop-network-keys.json` answers: the public keys signing the feed, with their ids
    and validity. Informative: a subscriber trusts a new key only from a feed signed by a key it trusts."""
    return {"publisher": settings.INNOKOP_NETWORK_NAME,
            "keys": [announcement(key) for key in signing_keys(now)]}
