"""Sealed tenders: envelope encryption, the KEK, and the guard that keeps tenders sealed."""

import base64
import hashlib
import os
import re
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from innokop.calloffs import sealing
from innokop.calloffs.sealing import (
    DecryptionError,
    LateTenderError,
    SealedBlob,
    SealedError,
    SealingError,
    decode_kek,
    encode_kek,
    kek_path,
    key_id,
    load_kek,
    new_data_key,
    new_kek,
    open_sealed,
    rewrap,
    seal,
    seal_tender,
    unwrap_for_opening,
    unwrap_key,
    wrap_key,
    wrapped_key_id,
)

DEADLINE = datetime(2027, 3, 26, 11, 0, tzinfo=timezone.utc)  # 12:00 Swedish time
ONE_MICROSECOND = timedelta(microseconds=1)
CONTENT = b"Anbud: pris 950 000 kr, uppfyller C2."


@pytest.fixture
def kek() -> bytes:
    return new_kek()


@pytest.fixture
def data_key() -> bytes:
    return new_data_key()


@pytest.fixture
def no_kek_env(monkeypatch):
    monkeypatch.delenv(sealing.KEK_ENV, raising=False)


# --- sealing and opening content --------------------------------------------------------------


def test_it_round_trips(data_key):
    blob = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    assert open_sealed(data_key, blob, calloff_id=7, tender_id=42) == CONTENT
    assert open_sealed(data_key, blob.ciphertext, calloff_id="7", tender_id="42") == CONTENT


def test_the_ciphertext_is_versioned_text_and_hides_the_content(data_key):
    blob = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    version, nonce, ciphertext = blob.ciphertext.split(":")
    assert version == "v1"
    assert len(base64.b64decode(nonce)) == 12  # 96-bit nonce
    assert len(base64.b64decode(ciphertext)) == len(CONTENT) + 16  # GCM tag
    assert b"950" not in base64.b64decode(ciphertext)


def test_sealing_twice_gives_different_ciphertexts(data_key):
    # A fresh nonce each time: equal tenders do not look equal in the database.
    first = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    second = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    assert first.ciphertext != second.ciphertext


def test_receipt_sha256_is_the_sha256_of_the_plaintext(data_key):
    blob = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    assert blob.sha256 == hashlib.sha256(CONTENT).hexdigest()


def test_empty_content_round_trips(data_key):
    blob = seal(data_key, b"", calloff_id=1, tender_id=1)
    assert open_sealed(data_key, blob, calloff_id=1, tender_id=1) == b""


@pytest.mark.parametrize(("calloff_id", "tender_id"), [(8, 42), (7, 43), (42, 7)])
def test_ciphertext_moved_to_another_tender_or_calloff_fails(data_key, calloff_id, tender_id):
    blob = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    with pytest.raises(DecryptionError, match="does not decrypt"):
        open_sealed(data_key, blob, calloff_id=calloff_id, tender_id=tender_id)


def test_ids_cannot_be_shifted_between_calloff_and_tender(data_key):
    # "1" + "23" and "12" + "3" must not give the same associated data.
    blob = seal(data_key, CONTENT, calloff_id="1", tender_id="23")
    with pytest.raises(DecryptionError):
        open_sealed(data_key, blob, calloff_id="12", tender_id="3")


def test_tampered_ciphertext_fails(data_key):
    blob = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    version, nonce, ciphertext = blob.ciphertext.split(":")
    raw = bytearray(base64.b64decode(ciphertext))
    raw[0] ^= 1
    tampered = ":".join((version, nonce, base64.b64encode(bytes(raw)).decode()))
    with pytest.raises(DecryptionError):
        open_sealed(data_key, tampered, calloff_id=7, tender_id=42)


def test_tampered_nonce_or_format_fails(data_key):
    blob = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    version, _nonce, ciphertext = blob.ciphertext.split(":")
    other_nonce = base64.b64encode(bytes(12)).decode()
    with pytest.raises(DecryptionError):
        open_sealed(data_key, f"{version}:{other_nonce}:{ciphertext}", calloff_id=7, tender_id=42)
    with pytest.raises(DecryptionError, match="format"):
        open_sealed(data_key, f"v2:{other_nonce}:{ciphertext}", calloff_id=7, tender_id=42)
    with pytest.raises(DecryptionError, match="base64"):
        open_sealed(data_key, f"v1:{other_nonce}:not*base64", calloff_id=7, tender_id=42)


def test_a_receipt_hash_that_does_not_match_fails(data_key):
    blob = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    forged = SealedBlob(blob.ciphertext, hashlib.sha256(b"something else").hexdigest())
    with pytest.raises(DecryptionError, match="receipt"):
        open_sealed(data_key, forged, calloff_id=7, tender_id=42)


def test_another_calloffs_data_key_fails(data_key):
    blob = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    with pytest.raises(DecryptionError):
        open_sealed(new_data_key(), blob, calloff_id=7, tender_id=42)


def test_keys_must_be_32_bytes():
    with pytest.raises(SealingError, match="32 bytes"):
        seal(b"short", CONTENT, calloff_id=1, tender_id=1)
    with pytest.raises(SealingError, match="32 bytes"):
        wrap_key(b"short", new_kek())
    assert len(new_data_key()) == 32 and new_data_key() != new_data_key()


# --- wrapping data keys ------------------------------------------------------------------------


def test_wrap_and_unwrap(data_key, kek):
    wrapped = wrap_key(data_key, kek)
    assert unwrap_key(wrapped, kek) == data_key
    assert re.fullmatch(r"v1:[0-9a-f]{8}:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+", wrapped)
    assert wrapped_key_id(wrapped) == key_id(kek) == hashlib.sha256(kek).hexdigest()[:8]
    assert base64.b64encode(data_key).decode() not in wrapped


def test_wrong_kek_fails_with_a_clear_message(data_key, kek):
    wrapped = wrap_key(data_key, kek)
    with pytest.raises(DecryptionError, match=f"wrapped by the KEK with id {key_id(kek)}"):
        unwrap_key(wrapped, new_kek())


def test_tampered_wrapped_key_fails(data_key, kek):
    version, kid, nonce, ciphertext = wrap_key(data_key, kek).split(":")
    raw = bytearray(base64.b64decode(ciphertext))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError, match="changed"):
        unwrap_key(":".join((version, kid, nonce, base64.b64encode(bytes(raw)).decode())), kek)


def test_a_wrapped_key_with_a_forged_key_id_fails(data_key, kek):
    # Relabelling a key as wrapped by another KEK does not get past the authentication tag.
    other = new_kek()
    _version, _kid, nonce, ciphertext = wrap_key(data_key, kek).split(":")
    with pytest.raises(DecryptionError):
        unwrap_key(f"v1:{key_id(other)}:{nonce}:{ciphertext}", other)


def test_rewrap_moves_a_data_key_to_a_new_kek(data_key, kek):
    # After rotation the same data key opens the tenders already sealed; only the wrapping changes.
    blob = seal(data_key, CONTENT, calloff_id=7, tender_id=42)
    old_wrapped = wrap_key(data_key, kek)
    replacement = new_kek()
    new_wrapped = rewrap(old_wrapped, kek, replacement)
    assert wrapped_key_id(new_wrapped) == key_id(replacement) != wrapped_key_id(old_wrapped)
    assert open_sealed(unwrap_key(new_wrapped, replacement), blob, calloff_id=7, tender_id=42) == CONTENT
    with pytest.raises(DecryptionError):
        unwrap_key(new_wrapped, kek)
    with pytest.raises(DecryptionError):
        rewrap(old_wrapped, replacement, new_kek())  # the wrong old KEK


# --- where the KEK comes from ----------------------------------------------------------------


def test_kek_file_is_created_once_with_mode_0600(settings, tmp_path, no_kek_env):
    settings.VAR_DIR = tmp_path / "var"
    path = kek_path()
    assert path == tmp_path / "var" / "tender_kek"
    first = load_kek()
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 32
    assert load_kek() == first  # read, not replaced
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_innokop_var_dir_setting_wins_over_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.INNOKOP_VAR_DIR = tmp_path / "elsewhere"
    assert kek_path() == tmp_path / "elsewhere" / "tender_kek"


def test_kek_file_mode_ignores_a_permissive_umask(tmp_path, no_kek_env):
    previous = os.umask(0)
    try:
        load_kek(path=tmp_path / "tender_kek")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "tender_kek").stat().st_mode) == 0o600


def test_an_existing_kek_file_is_used(tmp_path, no_kek_env):
    kek = new_kek()
    path: Path = tmp_path / "tender_kek"
    path.write_text(encode_kek(kek) + "\n")
    assert load_kek(path=path) == kek


def test_kek_from_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    kek = new_kek()
    monkeypatch.setenv("INNOKOP_KEK", encode_kek(kek))
    assert load_kek(path=tmp_path / "tender_kek") == kek
    assert not (tmp_path / "tender_kek").exists()
    assert load_kek(path=tmp_path / "x", environ={"INNOKOP_KEK": encode_kek(kek)}) == kek


@pytest.mark.parametrize(
    ("text", "message"),
    [("not base64!", "not valid base64"), (base64.b64encode(bytes(16)).decode(), "must be 32 bytes")],
)
def test_a_bad_kek_is_refused_clearly(text, message):
    with pytest.raises(SealingError, match=message):
        load_kek(environ={"INNOKOP_KEK": text})
    with pytest.raises(SealingError, match=message):
        decode_kek(text)


# --- the opening guard ---------------------------------------------------------------------------


@pytest.fixture
def wrapped(data_key, kek) -> str:
    return wrap_key(data_key, kek)


def test_opening_at_the_deadline_is_refused(wrapped, kek):
    with pytest.raises(SealedError, match="sealed until the deadline"):
        unwrap_for_opening(wrapped, deadline=DEADLINE, now=DEADLINE, openers={1, 2}, kek=kek)


def test_opening_one_microsecond_before_the_deadline_is_refused(wrapped, kek):
    with pytest.raises(SealedError, match="sealed until the deadline"):
        unwrap_for_opening(wrapped, deadline=DEADLINE, now=DEADLINE - ONE_MICROSECOND, openers={1, 2}, kek=kek)


def test_opening_with_one_opener_is_refused(wrapped, kek):
    after = DEADLINE + timedelta(hours=1)
    with pytest.raises(SealedError, match="2 different people"):
        unwrap_for_opening(wrapped, deadline=DEADLINE, now=after, openers={1}, kek=kek)
    with pytest.raises(SealedError, match="2 different people"):
        unwrap_for_opening(wrapped, deadline=DEADLINE, now=after, openers=[1, 1], kek=kek)
    with pytest.raises(SealedError, match="2 different people"):
        unwrap_for_opening(wrapped, deadline=DEADLINE, now=after, openers=set(), kek=kek)


def test_opening_one_microsecond_after_the_deadline_with_two_openers_works(wrapped, data_key, kek):
    key = unwrap_for_opening(wrapped, deadline=DEADLINE, now=DEADLINE + ONE_MICROSECOND, openers={1, 2}, kek=kek)
    assert key == data_key


def test_opening_compares_instants_not_wall_clocks(wrapped, data_key, kek):
    # 12:00:00.000001 in Stockholm (UTC+1 in March before DST) is after an 11:00 UTC deadline.
    stockholm = timezone(timedelta(hours=1))
    now = datetime(2027, 3, 26, 12, 0, 0, 1, tzinfo=stockholm)
    assert unwrap_for_opening(wrapped, deadline=DEADLINE, now=now, openers={1, 2}, kek=kek) == data_key
    with pytest.raises(SealedError):
        unwrap_for_opening(wrapped, deadline=DEADLINE, now=now.replace(microsecond=0), openers={1, 2}, kek=kek)


def test_naive_times_are_refused(wrapped, kek):
    with pytest.raises(SealingError, match="timezone-aware"):
        unwrap_for_opening(
            wrapped, deadline=DEADLINE.replace(tzinfo=None), now=DEADLINE + timedelta(days=1), openers={1, 2}, kek=kek
        )


def test_opening_uses_the_configured_kek_when_none_is_given(settings, tmp_path, no_kek_env, data_key):
    settings.VAR_DIR = tmp_path
    wrapped = wrap_key(data_key, load_kek())
    key = unwrap_for_opening(wrapped, deadline=DEADLINE, now=DEADLINE + ONE_MICROSECOND, openers={1, 2})
    assert key == data_key


# --- sealing through the guard ---------------------------------------------------------------------


def test_seal_tender_up_to_and_at_the_deadline(wrapped, data_key, kek):
    for now in (DEADLINE - timedelta(days=3), DEADLINE):
        blob = seal_tender(wrapped, CONTENT, calloff_id=7, tender_id=42, deadline=DEADLINE, now=now, kek=kek)
        assert open_sealed(data_key, blob, calloff_id=7, tender_id=42) == CONTENT


def test_a_late_tender_is_refused(wrapped, kek):
    with pytest.raises(LateTenderError, match="has passed"):
        seal_tender(
            wrapped, CONTENT, calloff_id=7, tender_id=42, deadline=DEADLINE, now=DEADLINE + ONE_MICROSECOND, kek=kek
        )


def test_only_the_sealing_module_unwraps_data_keys():
    # The guard is the one way to get a data key for reading: no other application code may call
    # unwrap_key directly (tests may, to check the primitives).
    source = Path(sealing.__file__).resolve().parent.parent
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if path.name != "sealing.py" and "unwrap_key(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


@pytest.mark.parametrize("changed", ["v1:AAAA:AAAA", "v1::", "v1:" + "A" * 24 + ":AAAA"])
def test_changed_sealed_content_is_a_decryption_error_not_a_crash(changed):
    from innokop.calloffs.sealing import DecryptionError, new_data_key, open_sealed

    with pytest.raises(DecryptionError):
        open_sealed(new_data_key(), changed, calloff_id=1, tender_id=1)
