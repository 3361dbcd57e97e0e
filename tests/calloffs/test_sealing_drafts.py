"""Encrypted drafts: a per-tender draft key, kept apart from call-off keys and sealed tenders."""

import base64
from datetime import datetime, timedelta, timezone

import pytest

from innokop.calloffs import sealing
from innokop.calloffs.sealing import (
    DecryptionError,
    key_id,
    new_data_key,
    new_draft_key,
    new_kek,
    open_draft,
    open_sealed,
    rewrap_draft_key,
    seal,
    seal_draft,
    unwrap_for_opening,
    wrap_key,
)

CONTENT = b'{"total_price":"950000","criteria":{"1":"Hemlig metod"}}'
DEADLINE = datetime(2027, 3, 26, 11, 0, tzinfo=timezone.utc)


@pytest.fixture
def kek() -> bytes:
    return new_kek()


@pytest.fixture
def draft_key(kek) -> str:
    return new_draft_key(kek=kek)


def test_a_draft_round_trips(draft_key, kek):
    text = seal_draft(draft_key, CONTENT, calloff_id=7, tender_id=42, kek=kek)
    assert open_draft(draft_key, text, calloff_id=7, tender_id=42, kek=kek) == CONTENT
    assert open_draft(draft_key, text, calloff_id="7", tender_id="42", kek=kek) == CONTENT


def test_a_draft_is_versioned_ciphertext_with_a_fresh_nonce(draft_key, kek):
    first = seal_draft(draft_key, CONTENT, calloff_id=7, tender_id=42, kek=kek)
    second = seal_draft(draft_key, CONTENT, calloff_id=7, tender_id=42, kek=kek)
    assert first != second
    version, nonce, ciphertext = first.split(":")
    assert version == "v1" and len(base64.b64decode(nonce)) == 12
    assert b"Hemlig" not in base64.b64decode(ciphertext) and "Hemlig" not in first


def test_the_wrapped_draft_key_names_its_kek_and_hides_the_key(draft_key, kek):
    version, kid, _nonce, ciphertext = draft_key.split(":")
    assert (version, kid) == ("v1", key_id(kek))
    assert len(base64.b64decode(ciphertext)) == 32 + 16
    assert new_draft_key(kek=kek) != draft_key


@pytest.mark.parametrize(("calloff_id", "tender_id"), [(8, 42), (7, 43)])
def test_a_draft_moved_to_another_tender_fails(draft_key, kek, calloff_id, tender_id):
    text = seal_draft(draft_key, CONTENT, calloff_id=7, tender_id=42, kek=kek)
    with pytest.raises(DecryptionError, match="does not decrypt as the draft"):
        open_draft(draft_key, text, calloff_id=calloff_id, tender_id=tender_id, kek=kek)


def test_another_tenders_draft_key_fails(draft_key, kek):
    text = seal_draft(draft_key, CONTENT, calloff_id=7, tender_id=42, kek=kek)
    with pytest.raises(DecryptionError):
        open_draft(new_draft_key(kek=kek), text, calloff_id=7, tender_id=42, kek=kek)


def test_a_changed_draft_fails(draft_key, kek):
    version, nonce, ciphertext = seal_draft(draft_key, CONTENT, calloff_id=7, tender_id=42, kek=kek).split(":")
    raw = bytearray(base64.b64decode(ciphertext))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError):
        open_draft(draft_key, f"{version}:{nonce}:{base64.b64encode(bytes(raw)).decode()}", calloff_id=7,
                   tender_id=42, kek=kek)
    with pytest.raises(DecryptionError, match="format"):
        open_draft(draft_key, "v2:x:y", calloff_id=7, tender_id=42, kek=kek)


def test_a_draft_never_opens_as_a_sealed_tender_nor_the_other_way_round(draft_key, kek):
    # Even under the very same key, the associated data keeps drafts and submissions apart.
    raw_key = sealing._unwrap_draft_key(draft_key, kek)
    draft = seal_draft(draft_key, CONTENT, calloff_id=7, tender_id=42, kek=kek)
    with pytest.raises(DecryptionError):
        open_sealed(raw_key, draft, calloff_id=7, tender_id=42)
    sealed = seal(raw_key, CONTENT, calloff_id=7, tender_id=42)
    with pytest.raises(DecryptionError):
        open_draft(draft_key, sealed.ciphertext, calloff_id=7, tender_id=42, kek=kek)


def test_a_draft_key_is_not_a_call_off_key_nor_the_other_way_round(draft_key, kek):
    # Copying a draft key into a call-off (or a call-off's key into a tender's draft key) gets nobody
    # past the deadline guard: the wrapping itself says which kind of key it is.
    with pytest.raises(DecryptionError):
        unwrap_for_opening(draft_key, deadline=DEADLINE, now=DEADLINE + timedelta(seconds=1), openers=[1, 2],
                           kek=kek)
    calloff_key = wrap_key(new_data_key(), kek)
    with pytest.raises(DecryptionError, match="not a draft key"):
        seal_draft(calloff_key, CONTENT, calloff_id=7, tender_id=42, kek=kek)
    with pytest.raises(DecryptionError, match="not a draft key"):
        open_draft(calloff_key, "v1:AAAA:AAAA", calloff_id=7, tender_id=42, kek=kek)


def test_a_draft_key_under_another_kek_says_so(draft_key, kek):
    other = new_kek()
    with pytest.raises(DecryptionError, match=f"wrapped by the KEK with id {key_id(kek)}"):
        seal_draft(draft_key, CONTENT, calloff_id=7, tender_id=42, kek=other)


def test_rotating_the_kek_keeps_drafts_readable(draft_key, kek):
    text = seal_draft(draft_key, CONTENT, calloff_id=7, tender_id=42, kek=kek)
    replacement = new_kek()
    rewrapped = rewrap_draft_key(draft_key, kek, replacement)
    assert rewrapped.split(":")[1] == key_id(replacement)
    assert open_draft(rewrapped, text, calloff_id=7, tender_id=42, kek=replacement) == CONTENT
    with pytest.raises(DecryptionError):
        rewrap_draft_key(draft_key, replacement, new_kek())


def test_drafts_use_the_configured_kek_when_none_is_given(settings, tmp_path, monkeypatch):
    monkeypatch.delenv(sealing.KEK_ENV, raising=False)
    settings.VAR_DIR = tmp_path
    settings.INNOKOP_VAR_DIR = None
    wrapped = new_draft_key()
    text = seal_draft(wrapped, CONTENT, calloff_id=1, tender_id=2)
    assert open_draft(wrapped, text, calloff_id=1, tender_id=2) == CONTENT
    assert wrapped.split(":")[1] == key_id(sealing.load_kek())
