"""How a delivery is signed: HMAC-SHA256 with the endpoint's secret over "<timestamp>.<body>" (docs/webhooks.md),
and how the secret is kept: encrypted at rest with the key-encryption key of calloffs/sealing.py.

A stored secret reads `v1:<key id>:<base64 nonce>:<base64 ciphertext+tag>` (AES-256-GCM, the associated data naming
what it is and the KEK's id), the format of sealing's wrapped keys, so `innokop rotate_kek` rewraps it with them
(`webhooks/kek.py`).
"""

import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from innokop.calloffs import sealing

SECRET_PREFIX = "whsec_"
_CONTEXT = b"innokop/webhook-secret/v1"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The value of the X-Innokop-Signature header."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp, body), header)


# The secret at rest ------------------------------------------------------------------------------------------

def _aad(kid: str) -> bytes:
    return _CONTEXT + b":" + kid.encode("ascii")


def seal_secret(secret: str, *, kek: bytes | None = None) -> str:
    """The secret encrypted by the KEK, for the database."""
    kek = sealing.load_kek() if kek is None else kek
    kid = sealing.key_id(kek)
    nonce = secrets.token_bytes(sealing.NONCE_BYTES)
    ciphertext = AESGCM(kek).encrypt(nonce, secret.encode(), _aad(kid))
    return ":".join((sealing.VERSION, kid, sealing._b64(nonce), sealing._b64(ciphertext)))


def open_secret(sealed: str, *, kek: bytes | None = None) -> str:
    """The secret, to sign a delivery; DecryptionError when sealed by another KEK or changed."""
    kek = sealing.load_kek() if kek is None else kek
    kid, nonce, ciphertext = sealing._parse_wrapped(sealed)
    if kid != sealing.key_id(kek):
        raise sealing.DecryptionError(
            f"The webhook secret was sealed by the KEK with id {kid}, but the KEK given has id {sealing.key_id(kek)}. "
            "Run `innokop rotate_kek` with the old KEK to rewrap it.")
    try:
        return AESGCM(kek).decrypt(nonce, ciphertext, _aad(kid)).decode()
    except InvalidTag as error:
        raise sealing.DecryptionError("The webhook secret does not decrypt: it is not one, or it has been changed.") \
            from error


def rewrap_secret(sealed: str, old_kek: bytes, new_kek: bytes) -> str:
    """The same secret sealed by a new KEK (KEK rotation): receivers keep their secret."""
    return seal_secret(open_secret(sealed, kek=old_kek), kek=new_kek)
