"""The demo's follow-up: plans with rounds in every state, a deviation closed after a corrective action, one
escalated, one with an action planned, and KPI values over several months."""

import pytest
from django.core.management import call_command

from innokop.agreements.models import FrameworkAgreement
from innokop.core import clock
from innokop.followup.models import Deviation, DeviationStatus, FollowUpPlan, FollowUpRound, RoundKind, RoundStatus


@pytest.mark.django_db
def test_the_demo_follows_up_in_every_state(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)
    now = clock.now()
    rounds = list(FollowUpRound.objects.select_related("item"))
    assert {r.status for r in rounds} == set(RoundStatus.values)
    assert any(r.is_overdue(now) for r in rounds)
    assert any(r.status == RoundStatus.REQUESTED and not r.is_overdue(now) for r in rounds)
    assert any(r.kind == RoundKind.AUDIT and r.status == RoundStatus.MET for r in rounds)
    assert {d.status for d in Deviation.objects.all()} >= {DeviationStatus.CLOSED, DeviationStatus.ESCALATED,
                                                           DeviationStatus.ACTION_PLANNED}
    assert Deviation.objects.open().exists()
    measured = [r for r in rounds if r.item.is_kpi and r.value is not None]
    assert len({r.scheduled_on for r in measured}) >= 4
    assert FollowUpPlan.objects.filter(agreement__isnull=False).exists()
    assert FollowUpPlan.objects.filter(contract__isnull=False).exists()
    # the schedule requested rounds by itself, which were answered and assessed; each agreement states its sanctions
    assert any(r.requested_by_id is None and r.status == RoundStatus.MET for r in rounds)
    assert all(agreement.sanctions for agreement in FrameworkAgreement.objects.all())
    assert FrameworkAgreement.objects.exclude(liquidated_damages_terms="").exists()
    count = FollowUpRound.objects.count()
    call_command("demo", quiet_logins=True)
    assert FollowUpRound.objects.count() == count
