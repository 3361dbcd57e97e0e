"""The ocid prefix is the setting's, in every process and every reference to one; and a call-off in each state the
clock decides (scheduled, open for questions, tendering with questions closed, awaiting the opening) publishes
nothing, on the demo data."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from innokop.calloffs.models import CallOff, CallOffStatus
from innokop.core import clock
from innokop.opendata import mapping
from innokop.opendata.validation import package_errors


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)


def test_every_ocid_and_every_reference_to_one_carries_the_configured_prefix(demo, client, settings):
    settings.INNOKOP_OCDS_PREFIX = "ocds-k7q2zp"
    releases = mapping.all_releases(clock.now())
    assert releases and all(release.ocid.startswith("ocds-k7q2zp-") for release in releases)
    assert all(release.data["ocid"] == release.ocid for release in releases)
    related = [process for release in releases for process in release.data.get("relatedProcesses", [])]
    assert related and all(process["identifier"].startswith("ocds-k7q2zp-") for process in related
                           if process["scheme"] == "ocid")
    package = client.get(reverse("api:ocds_releases")).json()
    assert package_errors(package) == []
    assert "ocds-xxxxxx" not in json.dumps(package)


def _clock_states(now) -> dict[str, CallOff]:
    """One open call-off of the demo in each state the clock gives it, and the moment it is in that state."""
    found = {}
    for calloff in CallOff.objects.filter(status=CallOffStatus.OPEN).exclude(questions_close=None):
        if calloff.is_scheduled(now):
            found.setdefault(CallOffStatus.SCHEDULED, (calloff, now))
            continue
        moments = {CallOffStatus.OPEN: calloff.questions_close - timedelta(minutes=1),
                   CallOffStatus.TENDERING: calloff.questions_close + timedelta(minutes=1),
                   CallOffStatus.AWAITING_OPENING: calloff.tender_deadline + timedelta(minutes=1)}
        for state, moment in moments.items():
            if moment >= calloff.published_at and calloff.effective_state(moment) == state:
                found.setdefault(state, (calloff, moment))
    return found


def test_a_call_off_publishes_nothing_in_any_state_the_clock_decides(demo):
    found = _clock_states(clock.now())
    assert set(found) == {CallOffStatus.SCHEDULED, CallOffStatus.OPEN, CallOffStatus.TENDERING,
                          CallOffStatus.AWAITING_OPENING}
    for state, (calloff, moment) in found.items():
        ocids = {release.ocid for release in mapping.all_releases(moment)}
        assert mapping.calloff_ocid(calloff) not in ocids, (state, calloff.reference)
        assert ocids - {mapping.calloff_ocid(calloff)}, state  # while other processes are public at that moment
