"""`innokop rotate-kek`: every call-off key and draft key rewrapped to the new KEK; the tenders still open."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from innokop.calloffs import sealing
from innokop.calloffs.models import CallOff, Tender
from innokop.calloffs.services import tenders
from innokop.calloffs.tender_content import TenderContent

pytestmark = pytest.mark.django_db

OLD, NEW = sealing.new_kek(), sealing.new_kek()


@pytest.fixture
def under_old_kek(monkeypatch, lot, agency_procurer, supplier, clock, django_capture_on_commit_callbacks):
    """A published call-off whose key, and a supplier's draft key, are wrapped by the old KEK."""
    from innokop.calloffs import services

    from .conftest import prepare, start

    monkeypatch.setenv(sealing.KEK_ENV, sealing.encode_kek(OLD))
    with django_capture_on_commit_callbacks(execute=True):
        calloff = services.calloff_publish(actor=agency_procurer, calloff=prepare(agency_procurer, start(
            agency_procurer, lot)))
    criterion = tenders.tender_scope(calloff).criteria[0].pk  # ids differ between databases
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=TenderContent(criteria={criterion: "Vårt svar"}))
    data_key = sealing.unwrap_key(calloff.data_key, OLD)
    monkeypatch.setenv(sealing.KEK_ENV, sealing.encode_kek(NEW))
    return calloff, data_key


def _rotate(tmp_path, kek=OLD) -> str:
    old_file = tmp_path / "old_kek"
    old_file.write_text(sealing.encode_kek(kek), encoding="ascii")
    out = StringIO()
    call_command("rotate_kek", "--old-kek-file", str(old_file), stdout=out)
    return out.getvalue()


def test_every_key_moves_to_the_new_kek_and_the_content_still_opens(under_old_kek, tmp_path, agency_procurer,
                                                                    agency_colleague, clock):
    calloff, data_key = under_old_kek
    assert "Rewrapped 1 call-off keys and 1 draft keys" in _rotate(tmp_path)
    calloff.refresh_from_db()
    tender = Tender.objects.get(calloff=calloff)
    assert sealing.wrapped_key_id(calloff.data_key) == sealing.wrapped_key_id(tender.draft_key) == sealing.key_id(NEW)
    assert list(tenders.read_draft(tender).criteria.values()) == ["Vårt svar"]  # it reads with the new KEK
    opened = sealing.unwrap_for_opening(calloff.data_key, deadline=calloff.tender_deadline,
                                        now=calloff.tender_deadline + timedelta(seconds=1),
                                        openers=[agency_procurer.pk, agency_colleague.pk])
    assert opened == data_key  # the same data key: sealed tenders need no re-encryption


def test_running_twice_changes_nothing_more(under_old_kek, tmp_path):
    _rotate(tmp_path)
    assert "Rewrapped 0 call-off keys and 0 draft keys" in _rotate(tmp_path)


def test_a_key_under_an_unknown_kek_stops_the_rotation_and_changes_nothing(under_old_kek, tmp_path):
    calloff, _data_key = under_old_kek
    stranger = sealing.new_kek()
    CallOff.objects.filter(pk=calloff.pk).update(data_key=sealing.wrap_key(sealing.new_data_key(), stranger))
    before = Tender.objects.get(calloff=calloff).draft_key
    with pytest.raises(CommandError, match="neither the old"):
        _rotate(tmp_path)
    assert Tender.objects.get(calloff=calloff).draft_key == before


def test_the_old_kek_must_differ_from_the_current_one(under_old_kek, tmp_path):
    with pytest.raises(CommandError, match="are the same"):
        _rotate(tmp_path, kek=NEW)
