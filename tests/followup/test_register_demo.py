"""The demo's contract register: every case the register knows, played through the services."""

import pytest
from django.core.management import call_command

from innokop.catalogue.models import ReferenceCase
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.followup.models import ContractChange, ContractOption, ContractRecord
from innokop.followup.models.register import seed_change_limits
from innokop.reference.thresholds import seed_thresholds


@pytest.fixture(autouse=True)
def _dated_configuration(db):
    """The rows data migrations load (thresholds, the limits of LOU 17 kap.): a transactional test elsewhere in
    the suite flushes them."""
    seed_thresholds()
    seed_change_limits()


@pytest.mark.django_db
def test_the_demo_register_has_every_case(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)
    today = local_date(clock.now())
    records = ContractRecord.objects.exclude(registration_number="")
    assert records.count() >= 4
    assert ContractOption.objects.filter(used_at__isnull=False).exists()
    warned = [change.warnings for change in ContractChange.objects.all()]
    assert [] in warned and any(w and w[0]["code"] == "17_9_share" for w in warned)
    assert {record.state(today) for record in records} >= {"running", "expiring", "completed"}
    buyer_cases = ReferenceCase.objects.filter(buyer__isnull=False)
    assert sorted(buyer_cases.values_list("pending", flat=True)) == [False, True]
    count = ContractRecord.objects.count()
    call_command("demo", quiet_logins=True)
    assert ContractRecord.objects.count() == count
