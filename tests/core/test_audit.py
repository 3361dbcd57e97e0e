import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from innokop.core.audit import GENESIS_HASH, audit_log, audit_verify
from innokop.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def _three_events(actor, organisation):
    return [
        audit_log(actor=actor, verb="test.first", obj=organisation, organisation=organisation, payload={"n": 1}),
        audit_log(actor=actor, verb="test.second", obj=organisation, organisation=organisation, payload={"n": "två"}),
        audit_log(actor=None, verb="test.third", payload={"nested": {"list": [1, 2, 3]}}),
    ]


def test_events_are_chained_from_the_genesis_hash(agency_procurer, agency):
    first, second, third = _three_events(agency_procurer, agency)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert third.actor_label == "system"
    result = audit_verify()
    assert result.ok and result.checked == 3


def test_it_records_actor_organisation_object_and_payload(agency_procurer, agency):
    event = audit_log(actor=agency_procurer, verb="test.done", obj=agency, organisation=agency, payload={"a": 1})
    event.refresh_from_db()
    assert (event.actor, event.organisation, event.object_type, event.object_id) == (
        agency_procurer, agency, "accounts.organisation", str(agency.pk))
    assert event.payload == {"a": 1}


def test_changing_a_payload_is_detected_and_named(agency_procurer, agency):
    first, second, third = _three_events(agency_procurer, agency)
    AuditEvent.objects.filter(pk=second.pk).update(payload={"n": "tre"})
    result = audit_verify()
    assert not result.ok
    assert result.broken_id == second.pk
    assert result.checked == 1


def test_removing_an_event_in_the_middle_is_detected(agency_procurer, agency):
    first, second, third = _three_events(agency_procurer, agency)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [second.pk])
    assert audit_verify().broken_id == third.pk


def test_removing_the_last_event_is_detected(agency_procurer, agency):
    first, second, third = _three_events(agency_procurer, agency)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [third.pk])
    result = audit_verify()
    assert not result.ok and result.broken_id is None


def test_events_cannot_be_changed_or_deleted_through_the_model(agency_procurer, agency):
    event = audit_log(actor=agency_procurer, verb="test.x", organisation=agency)
    event.verb = "test.y"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_audit_verify_command_exits_zero_when_intact_and_names_the_broken_event(agency_procurer, agency, capsys):
    first, second, third = _three_events(agency_procurer, agency)
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "3 events verified" in out and third.hash in out
    AuditEvent.objects.filter(pk=third.pk).update(verb="test.forged")
    with pytest.raises(CommandError, match=f"event {third.pk}"):
        call_command("audit_verify")


def test_the_cli_takes_the_hyphenated_name_and_exits_1_on_tampering(agency_procurer, agency):
    from innokop.__main__ import main

    first, *_ = _three_events(agency_procurer, agency)
    AuditEvent.objects.filter(pk=first.pk).update(object_repr="forged")
    with pytest.raises(SystemExit) as exit_info:
        main(["innokop", "audit-verify"])
    assert exit_info.value.code == 1
