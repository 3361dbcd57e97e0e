"""Sealed tenders: envelope encryption with a per-call-off data key (DESIGN.md "Sealed tenders").

- Each call-off has its own random 256-bit data key. Tender content is encrypted with it using
  AES-256-GCM, a random 96-bit nonce, and associated data naming the call-off and the tender, so a
  ciphertext copied onto another tender (or call-off) does not decrypt.
- The data key is stored only wrapped (AES-256-GCM again) by a key-encryption key (KEK) that lives
  outside the database: the environment variable INNOKOP_KEK (base64 of 32 bytes), else the file
  `<INNOKOP_VAR_DIR or VAR_DIR>/tender_kek`, created once with mode 0600.
- Reading needs the data key, and `unwrap_for_opening` is the one way to get it: it refuses until
  the server clock is past the deadline and two distinct people open. Writing goes through
  `seal_tender`, which unwraps inside this module and refuses after the deadline.

Text formats (versioned, so the scheme can change without guessing):
  wrapped data key  v1:<key id>:<base64 nonce>:<base64 ciphertext+tag>
  sealed content    v1:<base64 nonce>:<base64 ciphertext+tag>
The key id is the first 8 hex digits of SHA-256 of the KEK; it tells which KEK wrapped a key, so
rotation (`rewrap`) can find keys still under the old one. docs/sealed-tenders.md says what this
protects against and what it does not.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the size GCM is designed for
KEK_ENV = "INNOKOP_KEK"
KEK_FILENAME = "tender_kek"
MIN_OPENERS = 2
_WRAP_CONTEXT = b"innokop/data-key/v1"


def audit_scope(calloff_id: int) -> str:
    """The audit scope of a call-off's tender events: sealed from all but the supplier until opening."""
    return f"calloff:{calloff_id}"


class SealingError(Exception):
    """Something about sealed content or its keys is wrong (base class)."""


class SealedError(SealingError):
    """The tenders are still sealed: the deadline has not passed or too few people are opening."""


class DecryptionError(SealingError):
    """Content or a key did not decrypt: wrong key, wrong call-off or tender, or changed data."""


class LateTenderError(SealingError):
    """The deadline has passed: no more tenders may be sealed."""


@dataclass(frozen=True)
class SealedBlob:
    """Sealed tender content, and the SHA-256 of the plaintext for the supplier's receipt."""

    ciphertext: str
    sha256: str


# --- the key-encryption key ------------------------------------------------------------------


def new_kek() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_kek(kek: bytes) -> str:
    """The text form used in INNOKOP_KEK and the KEK file."""
    return base64.b64encode(_check_key(kek, "The KEK")).decode("ascii")


def decode_kek(text: str, source: str = "the KEK") -> bytes:
    try:
        kek = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise SealingError(f"{source} is not valid base64.") from error
    if len(kek) != KEY_BYTES:
        raise SealingError(f"{source} must be {KEY_BYTES} bytes (base64), not {len(kek)}.")
    return kek


def key_id(kek: bytes) -> str:
    """Names a KEK without revealing it: the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(_check_key(kek, "The KEK")).hexdigest()[:8]


def kek_path() -> Path:
    """Where the KEK file lives: settings.INNOKOP_VAR_DIR if set, else settings.VAR_DIR."""
    from django.conf import settings

    var_dir = getattr(settings, "INNOKOP_VAR_DIR", None) or settings.VAR_DIR
    return Path(var_dir) / KEK_FILENAME


def load_kek(*, path: Path | None = None, environ: Mapping[str, str] | None = None) -> bytes:
    """The KEK from INNOKOP_KEK, else from the KEK file, which is created (0600) the first time."""
    environ = os.environ if environ is None else environ
    if environ.get(KEK_ENV):
        return decode_kek(environ[KEK_ENV], KEK_ENV)
    path = kek_path() if path is None else path
    if not path.exists():
        _create_kek_file(path)
    return decode_kek(path.read_text(encoding="ascii"), str(path))


def _create_kek_file(path: Path) -> None:
    # Written under a temporary name and linked into place: the link fails if another process
    # created the file first, and nobody ever reads a half-written key.
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # the umask could only remove bits; say exactly what we want
        os.write(descriptor, encode_kek(new_kek()).encode("ascii") + b"\n")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process won the race; its key is the one
    finally:
        temporary.unlink()


# --- data keys -------------------------------------------------------------------------------


def new_data_key() -> bytes:
    """A fresh random 256-bit data key for one call-off."""
    return secrets.token_bytes(KEY_BYTES)


def wrap_key(data_key: bytes, kek: bytes) -> str:
    """The data key encrypted by the KEK, as `v1:<key id>:<nonce>:<ciphertext>`."""
    _check_key(data_key, "The data key")
    kid = key_id(kek)
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(kek).encrypt(nonce, data_key, _wrap_aad(kid))
    return ":".join((VERSION, kid, _b64(nonce), _b64(ciphertext)))


def wrapped_key_id(wrapped: str) -> str:
    """The id of the KEK that wrapped this key (to find keys still under an old KEK)."""
    return _parse_wrapped(wrapped)[0]


def unwrap_key(wrapped: str, kek: bytes) -> bytes:
    """The data key, without any deadline check.

    For key rotation and this module only. To read tenders use `unwrap_for_opening`; to write
    them use `seal_tender`.
    """
    kid, nonce, ciphertext = _parse_wrapped(wrapped)
    if kid != key_id(kek):
        raise DecryptionError(
            f"The data key was wrapped by the KEK with id {kid}, but the KEK given has id {key_id(kek)}. "
            "Use the KEK it was wrapped with, or rewrap the key after a rotation."
        )
    try:
        return AESGCM(kek).decrypt(nonce, ciphertext, _wrap_aad(kid))
    except InvalidTag as error:
        raise DecryptionError("The wrapped data key does not decrypt: it has been changed.") from error


def rewrap(wrapped: str, old_kek: bytes, new_kek: bytes) -> str:
    """The same data key wrapped by a new KEK (KEK rotation); the tenders need no re-encryption."""
    return wrap_key(unwrap_key(wrapped, old_kek), new_kek)


def _wrap_aad(kid: str) -> bytes:
    return _WRAP_CONTEXT + b":" + kid.encode("ascii")


def _parse_wrapped(wrapped: str) -> tuple[str, bytes, bytes]:
    parts = wrapped.split(":")
    if len(parts) != 4 or parts[0] != VERSION:
        raise DecryptionError(f"Not a wrapped data key in the {VERSION} format.")
    return parts[1], _nonce(parts[2]), _unb64(parts[3])


# --- tender content --------------------------------------------------------------------------


def seal(data_key: bytes, plaintext: bytes, *, calloff_id: int | str, tender_id: int | str) -> SealedBlob:
    """Encrypt tender content for one tender of one call-off."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(_check_key(data_key, "The data key")).encrypt(
        nonce, plaintext, _tender_aad(calloff_id, tender_id)
    )
    return SealedBlob(
        ciphertext=":".join((VERSION, _b64(nonce), _b64(ciphertext))),
        sha256=hashlib.sha256(plaintext).hexdigest(),
    )


def open_sealed(data_key: bytes, blob: SealedBlob | str, *, calloff_id: int | str, tender_id: int | str) -> bytes:
    """Decrypt tender content; fails for another tender's or call-off's content or changed data."""
    text = blob.ciphertext if isinstance(blob, SealedBlob) else blob
    parts = text.split(":")
    if len(parts) != 3 or parts[0] != VERSION:
        raise DecryptionError(f"Not sealed content in the {VERSION} format.")
    nonce = _nonce(parts[1])
    try:
        plaintext = AESGCM(_check_key(data_key, "The data key")).decrypt(
            nonce, _unb64(parts[2]), _tender_aad(calloff_id, tender_id)
        )
    except InvalidTag as error:
        raise DecryptionError(
            f"The sealed content does not decrypt as tender {tender_id} of call-off {calloff_id}: "
            "wrong key, content of another tender, or changed data."
        ) from error
    if isinstance(blob, SealedBlob) and hashlib.sha256(plaintext).hexdigest() != blob.sha256:
        raise DecryptionError("The content decrypts but does not match the SHA-256 in the receipt.")
    return plaintext


def _tender_aad(calloff_id: int | str, tender_id: int | str) -> bytes:
    # JSON keeps the fields apart unambiguously whatever characters the ids contain.
    return json.dumps(["innokop/tender/v1", str(calloff_id), str(tender_id)]).encode("utf-8")


# --- the guards: the only ways to use a call-off's data key ------------------------------------


def deadline_passed(deadline: datetime, now: datetime) -> bool:
    """Rule 6, the one predicate of the deadline: it has passed strictly after the deadline instant.

    At the instant itself a tender is still taken, so the tenders are still sealed and cannot be
    opened; the call-off's state (`CallOff.is_past_deadline`, `effective_state`), the taking of
    tenders (`seal_tender`, `CallOff.may_tender`) and the opening (`unwrap_for_opening`,
    `CallOff.may_open`) all ask this, so they turn together one microsecond after the deadline.
    """
    _check_aware(deadline, now)
    return now > deadline


def unwrap_for_opening(
    wrapped: str, *, deadline: datetime, now: datetime, openers: Collection[int], kek: bytes | None = None
) -> bytes:
    """The data key for reading tenders: only after the deadline, and with two distinct openers.

    `now` must come from the server clock (`innokop.core.clock.now()`), never from a request. A
    call at exactly the deadline is refused: tenders may still arrive at that instant.
    """
    if not deadline_passed(deadline, now):
        raise SealedError(
            f"The tenders are sealed until the deadline {deadline.isoformat()} has passed; it is now {now.isoformat()}."
        )
    distinct = set(openers)
    if len(distinct) < MIN_OPENERS:
        raise SealedError(f"Opening needs {MIN_OPENERS} different people of the agency; {len(distinct)} given.")
    return unwrap_key(wrapped, load_kek() if kek is None else kek)


def seal_tender(
    wrapped: str,
    plaintext: bytes,
    *,
    calloff_id: int | str,
    tender_id: int | str,
    deadline: datetime,
    now: datetime,
    kek: bytes | None = None,
) -> SealedBlob:
    """Seal a tender with the call-off's key; refused once the deadline has passed (late tender).

    The data key is unwrapped here and never returned, so the write path cannot read tenders.
    """
    if deadline_passed(deadline, now):
        raise LateTenderError(
            f"The deadline {deadline.isoformat()} has passed (it is now {now.isoformat()}); "
            "tenders can no longer be submitted."
        )
    data_key = unwrap_key(wrapped, load_kek() if kek is None else kek)
    return seal(data_key, plaintext, calloff_id=calloff_id, tender_id=tender_id)


def _check_aware(*moments: datetime) -> None:
    # A naive time is ambiguous by an hour or two around a deadline in Swedish time.
    if any(m.tzinfo is None or m.utcoffset() is None for m in moments):
        raise SealingError("The deadline and the current time must be timezone-aware.")


# --- helpers ---------------------------------------------------------------------------------


def _check_key(key: bytes, what: str) -> bytes:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise SealingError(f"{what} must be {KEY_BYTES} bytes.")
    return key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _nonce(text: str) -> bytes:
    """A nonce read back from stored text; a wrong length means changed data (cryptography would raise ValueError)."""
    nonce = _unb64(text)
    if len(nonce) != NONCE_BYTES:
        raise DecryptionError("A nonce has the wrong length: the sealed data has been changed.")
    return nonce


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise DecryptionError("Sealed data is not valid base64: it has been changed.") from error


# --- drafts: the supplier's working copy ---------------------------------------------------------
#
# A draft is encrypted at rest too, but with a key of its own per tender (`Tender.draft_key`), never
# with the call-off's data key: the supplier must read its draft before the deadline, and the
# call-off's key may not be used for reading then. Draft keys are wrapped by the KEK under their own
# associated data, and draft content is encrypted under its own associated data, so neither a draft
# key nor a draft ciphertext can stand in for a call-off's key or a sealed tender, nor the other way
# round.

_DRAFT_WRAP_CONTEXT = b"innokop/draft-key/v1"


def new_draft_key(*, kek: bytes | None = None) -> str:
    """A fresh random draft key for one tender, wrapped by the KEK (`v1:<key id>:<nonce>:<ciphertext>`)."""
    kek = load_kek() if kek is None else kek
    kid = key_id(kek)
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(kek).encrypt(nonce, secrets.token_bytes(KEY_BYTES), _draft_wrap_aad(kid))
    return ":".join((VERSION, kid, _b64(nonce), _b64(ciphertext)))


def seal_draft(wrapped_draft_key: str, plaintext: bytes, *, calloff_id: int | str, tender_id: int | str,
               kek: bytes | None = None) -> str:
    """Encrypt a tender's draft with its draft key; the result is `v1:<nonce>:<ciphertext>`."""
    draft_key = _unwrap_draft_key(wrapped_draft_key, load_kek() if kek is None else kek)
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(draft_key).encrypt(nonce, plaintext, _draft_aad(calloff_id, tender_id))
    return ":".join((VERSION, _b64(nonce), _b64(ciphertext)))


def open_draft(wrapped_draft_key: str, sealed_draft: str, *, calloff_id: int | str, tender_id: int | str,
               kek: bytes | None = None) -> bytes:
    """Decrypt a tender's draft; fails for a sealed submission, another tender's draft or changed data."""
    draft_key = _unwrap_draft_key(wrapped_draft_key, load_kek() if kek is None else kek)
    parts = sealed_draft.split(":")
    if len(parts) != 3 or parts[0] != VERSION:
        raise DecryptionError(f"Not an encrypted draft in the {VERSION} format.")
    try:
        return AESGCM(draft_key).decrypt(_nonce(parts[1]), _unb64(parts[2]), _draft_aad(calloff_id, tender_id))
    except InvalidTag as error:
        raise DecryptionError(
            f"The draft does not decrypt as the draft of tender {tender_id} of call-off {calloff_id}: "
            "wrong key, not a draft, or changed data."
        ) from error


def rewrap_draft_key(wrapped: str, old_kek: bytes, new_kek: bytes) -> str:
    """The same draft key wrapped by a new KEK (KEK rotation); the draft needs no re-encryption."""
    draft_key = _unwrap_draft_key(wrapped, old_kek)
    kid = key_id(_check_key(new_kek, "The KEK"))
    nonce = secrets.token_bytes(NONCE_BYTES)
    return ":".join((VERSION, kid, _b64(nonce), _b64(AESGCM(new_kek).encrypt(nonce, draft_key, _draft_wrap_aad(kid)))))


def _unwrap_draft_key(wrapped: str, kek: bytes) -> bytes:
    kid, nonce, ciphertext = _parse_wrapped(wrapped)
    if kid != key_id(kek):
        raise DecryptionError(
            f"The draft key was wrapped by the KEK with id {kid}, but the KEK given has id {key_id(kek)}. "
            "Use the KEK it was wrapped with, or rewrap the key after a rotation."
        )
    try:
        return _check_key(AESGCM(kek).decrypt(nonce, ciphertext, _draft_wrap_aad(kid)), "The draft key")
    except InvalidTag as error:
        raise DecryptionError("The wrapped draft key does not decrypt: it is not a draft key, or it has been "
                              "changed.") from error


def _draft_wrap_aad(kid: str) -> bytes:
    return _DRAFT_WRAP_CONTEXT + b":" + kid.encode("ascii")


def _draft_aad(calloff_id: int | str, tender_id: int | str) -> bytes:
    return json.dumps(["innokop/draft/v1", str(calloff_id), str(tender_id)]).encode("utf-8")
