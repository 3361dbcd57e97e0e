"""The contract register in OCDS: options used and changes of a published contract are `contractAmendment`
releases with the contract's value (and end) after them; a completed contract is a `contractTermination`; the
record compiles the amendments; the agency's own reasons and notes are never published."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from innokop.core import clock
from innokop.followup.models import ChangeReason, ContractRecord
from innokop.followup.services import register
from innokop.opendata import mapping, publishing
from innokop.opendata.validation import package_errors

from .test_demo import libcove_errors

SECRET_REASON = "Handläggaren Kalle Svensson är sjukskriven"


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)


def _with_option_and_changes() -> ContractRecord:
    return next(record for record in ContractRecord.objects.with_related().order_by("pk")
                if record.options.filter(used_at__isnull=False).exists() and record.changes.exists())


def _process(ocid: str) -> list[mapping.Release]:
    return [release for release in mapping.all_releases(clock.now()) if release.ocid == ocid]


def test_options_used_and_changes_are_contract_amendments_compiled_in_the_record(demo,
                                                                                django_capture_on_commit_callbacks):
    record = _with_option_and_changes()
    contract = record.contract
    agency_user = contract.signed_by
    # One more change now, with a reason the agency keeps to itself.
    clock_now = clock.now() + timedelta(days=1)
    with clock.travel_to(clock_now), django_capture_on_commit_callbacks(execute=True):
        change = register.contract_change_record(actor=agency_user, record=record, reason=ChangeReason.ADDITIONAL,
                                                 description=SECRET_REASON, value_after=record.value + 10_000)
    record.refresh_from_db()
    ocid = mapping.calloff_ocid(contract.calloff)
    with clock.travel_to(clock_now):
        releases = _process(ocid)
    amending = [r.data for r in releases if r.data["tag"] == ["contractAmendment"]]
    options = list(record.options.filter(used_at__isnull=False))
    changes = list(record.changes.all())
    assert [a["id"] for a in amending] == [f"{ocid}-contract-amendment-{n:03d}" for n in range(1, len(amending) + 1)]
    assert [a["contracts"][0]["amendments"][0]["id"] for a in amending] == (
        [f"option-{o.pk}" for o in options] + [f"change-{c.pk}" for c in changes])
    # Each amendment names the release before it and its own; the value after it is the contract's value.
    previous = f"{ocid}-contract"
    for data in amending:
        (amendment,) = data["contracts"][0]["amendments"]
        assert amendment["amendsReleaseID"] == previous and amendment["releaseID"] == data["id"]
        assert amendment["rationale"] and amendment["description"]
        previous = data["id"]
    option = options[0]
    first = amending[0]["contracts"][0]
    assert first["value"]["amount"] == float(contract.value + option.used_value)
    assert first["period"] == {"endDate": mapping.when(option.end_after)}
    assert "17 kap. 10 §" in first["amendments"][0]["rationale"]
    last = amending[-1]["contracts"][0]
    assert last["value"]["amount"] == float(change.value_after)
    assert "17 kap. 11 §" in last["amendments"][0]["rationale"]
    # The record holds them all, and the contract as it is now.
    compiled = publishing.records(releases)[0]["compiledRelease"]["contracts"][0]
    assert [a["id"] for a in compiled["amendments"]] == [f"option-{o.pk}" for o in options] + [
        f"change-{c.pk}" for c in changes]
    assert compiled["value"] == mapping.money(record.value)
    assert compiled["period"]["endDate"] == mapping.when(record.ends_on)
    assert compiled["period"]["startDate"] == mapping.when(contract.starts_on)
    assert compiled["status"] == "active"
    # Both packages validate; nothing the agency wrote for itself is published.
    packages = [publishing.release_package(releases, uri="/api/ocds/releases", published=clock_now),
                publishing.record_package(releases, uri="/api/ocds/records", published=clock_now)]
    for package in packages:
        assert package_errors(package) == []
        assert libcove_errors(package) == {}
    text = json.dumps(packages, ensure_ascii=False)
    assert SECRET_REASON not in text and "Kalle" not in text
    for entry in options:
        assert entry.use_reason not in text
    for entry in changes:
        assert entry.description not in text
        assert all(warning["code"] not in text for warning in entry.warnings)


def test_an_amendment_is_published_only_once_made_and_never_before_the_contract(demo):
    record = _with_option_and_changes()
    ocid = mapping.calloff_ocid(record.contract.calloff)
    first_change = record.changes.first()
    before = first_change.created_at - timedelta(seconds=1)
    amended = {r.data["contracts"][0]["amendments"][0]["id"] for r in mapping.all_releases(before)
               if r.ocid == ocid and r.data["tag"] == ["contractAmendment"]}
    assert f"change-{first_change.pk}" not in amended
    amended = {r.data["contracts"][0]["amendments"][0]["id"] for r in mapping.all_releases(first_change.created_at)
               if r.ocid == ocid and r.data["tag"] == ["contractAmendment"]}
    assert f"change-{first_change.pk}" in amended
    amending = [r for r in _process(ocid) if r.data["tag"] == ["contractAmendment"]]
    assert amending and all(release.public_from >= record.contract.signed_at for release in amending)


def test_a_completed_contract_is_terminated_without_its_note_or_final_amount(demo):
    record = ContractRecord.objects.filter(completed_at__isnull=False).with_related().order_by("pk").first()
    assert record.completion_note
    record.completion_note, record.final_amount = SECRET_REASON, Decimal("123457.25")
    record.save(update_fields=["completion_note", "final_amount"])
    ocid = mapping.calloff_ocid(record.contract.calloff)
    releases = _process(ocid)
    termination = next(r.data for r in releases if r.data["tag"] == ["contractTermination"])
    assert termination["id"] == f"{ocid}-completion" and termination["date"] == mapping.when(record.completed_at)
    assert termination["contracts"] == [{"id": "1", "awardID": "1", "status": "terminated"}]
    compiled = publishing.records(releases)[0]["compiledRelease"]["contracts"][0]
    assert compiled["status"] == "terminated" and compiled["value"] == mapping.money(record.contract.value)
    text = json.dumps([r.data for r in releases], ensure_ascii=False)
    assert SECRET_REASON not in text
    assert "123457" not in text and "123\u00a0457" not in text
