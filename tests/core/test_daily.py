"""The apps' daily jobs (core/daily.py): found per app, queued once per period by whichever node comes first,
by `innokop daily` and by the schedule `innokop serve` runs."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from innokop.core import daily
from innokop.core.models import DailyRun, Notification
from innokop.followup.models import SalesReminder
from innokop.opendata.models import BulkFile

from ..followup.conftest import at, sales_agreement  # noqa: F401 (a fixture)

JOBS = {
    "innokop.core.tasks.refresh_planner_statistics",
    "innokop.core.tasks.requeue_stalled_tasks",
    "innokop.core.tasks.prune_task_results",
    "innokop.followup.tasks.send_sales_report_reminders",
    "innokop.followup.tasks.send_followup_reminders",
    "innokop.followup.tasks.send_contract_expiry_alerts",
    "innokop.prestudy.tasks.send_survey_reminders",
    "innokop.opendata.tasks.request_bulk_rebuild",
    "innokop.network.tasks.import_partner_feeds",
    "innokop.webhooks.tasks.send_due_deliveries",
}


def run_command() -> str:
    out = StringIO()
    call_command("daily", stdout=out)
    return out.getvalue()


def test_every_apps_daily_jobs_are_found():
    assert {job.module_path for job in daily.jobs()} == JOBS


def test_periods_start_at_midnight_utc_and_follow_the_setting(clock):
    clock.set(at(2026, 5, 20, 17))
    assert daily.period_start(clock.now()) == at(2026, 5, 20, 0)
    with override_settings(INNOKOP_DAILY_HOURS=6):
        assert daily.period_start(clock.now()) == at(2026, 5, 20, 12)
    with override_settings(INNOKOP_DAILY_HOURS=0):  # cron runs `innokop daily`: still once a day
        assert daily.period_start(clock.now()) == at(2026, 5, 20, 0)


def test_the_command_queues_each_job_once_per_period(db, clock, django_capture_on_commit_callbacks):
    clock.set(at(2026, 5, 20, 3))
    assert daily.is_due()
    with django_capture_on_commit_callbacks(execute=True):
        out = run_command()
    assert {line.split()[1] for line in out.splitlines() if line.startswith("queued ")} == JOBS
    assert f"{len(JOBS)} daily jobs queued" in out
    [done] = DailyRun.objects.all()
    assert done.period_start == at(2026, 5, 20, 0) and set(done.jobs) == JOBS
    assert BulkFile.objects.count() == 1  # the OCDS job ran (the test backend runs tasks at once)
    assert not daily.is_due()

    clock.set(at(2026, 5, 20, 23))  # later the same day, on another node
    with django_capture_on_commit_callbacks(execute=True):
        out = run_command()
    assert "nothing queued" in out and "queued innokop" not in out
    assert DailyRun.objects.count() == 1 and BulkFile.objects.count() == 1

    clock.set(at(2026, 5, 21, 0) + timedelta(minutes=1))  # the next period
    assert daily.is_due()
    with django_capture_on_commit_callbacks(execute=True):
        assert f"{len(JOBS)} daily jobs queued" in run_command()
    assert DailyRun.objects.count() == 2 and BulkFile.objects.count() == 2


def test_a_node_that_finds_the_period_claimed_queues_nothing(db, clock):
    DailyRun.objects.create(period_start=daily.period_start(clock.now()), started_at=clock.now())
    assert daily.run() is None
    assert not BulkFile.objects.exists()


class Broken:
    module_path = "tests.broken"

    def enqueue(self):
        raise RuntimeError("the queue is down")


def test_if_a_job_cannot_be_queued_none_is_and_the_period_stays_due(db, clock, monkeypatch):
    monkeypatch.setattr(daily, "jobs", lambda: (Broken(),))
    with pytest.raises(CommandError, match="the queue is down"):
        run_command()
    assert daily.is_due() and not DailyRun.objects.exists()


class OneCheck:
    """Stands in for the stop event of `innokop serve`: the schedule checks once, then is stopped."""

    def __init__(self):
        self.waited = []

    def is_set(self) -> bool:
        return bool(self.waited)

    def wait(self, seconds: float) -> None:
        self.waited.append(seconds)


def test_the_schedule_queues_due_jobs_and_sleeps_until_the_next_period_at_most_an_hour(db, clock):
    clock.set(at(2026, 5, 20, 23) + timedelta(minutes=45))
    check = OneCheck()
    daily.schedule(check)
    assert DailyRun.objects.count() == 1 and check.waited == [15 * 60]
    check = OneCheck()
    daily.schedule(check)  # not due again in the same period
    assert DailyRun.objects.count() == 1 and check.waited == [15 * 60]
    assert daily.seconds_to_next_check(at(2026, 5, 20, 1)) == 3600


def test_the_schedule_survives_a_failure(db, clock, monkeypatch):
    monkeypatch.setattr(daily, "jobs", lambda: (Broken(),))
    check = OneCheck()
    daily.schedule(check)
    assert check.waited and daily.is_due()


def test_a_due_sales_reminder_goes_out_by_notification_and_email(sales_agreement, supplier_b, supplier_org_b,  # noqa: F811
                                                                  clock, django_capture_on_commit_callbacks):
    clock.set(at(2026, 6, 1))  # Q1 2026 was due 15 May and supplier B has not reported
    with django_capture_on_commit_callbacks(execute=True):
        run_command()
    [notification] = Notification.objects.filter(recipient=supplier_b, kind="followup.sales_reminder_after")
    assert notification.emailed_at is not None
    assert [message.to for message in mail.outbox if message.subject == notification.subject] == [[supplier_b.email]]
    assert SalesReminder.objects.filter(supplier=supplier_org_b).count() == 1
