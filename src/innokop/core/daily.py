"""The apps' daily jobs: each app lists the tasks it needs run every day as `DAILY` in its `tasks.py`
(reminders, expiry alerts, the OCDS bulk file); core finds them through INSTALLED_APPS without naming the apps.

`innokop serve` queues them at start and then every `INNOKOP_DAILY_HOURS` hours (`schedule`); a deployment
that sets it to 0 runs `innokop daily` from cron instead. Time is cut into periods of that many hours from
midnight UTC, and a period's `DailyRun` row is unique, so of several nodes only the first queues the jobs in
a period. Every job is idempotent (each notification is sent once, recorded), so a run too many costs nothing.
"""

import logging
import threading
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django_tasks.base import Task

from . import clock
from .discovery import app_functions
from .models import DailyRun

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CHECK_AT_MOST_EVERY = timedelta(hours=1)  # so that a node that wakes late (or a changed clock) is not a period late


def jobs() -> tuple[Task, ...]:
    """Every app's daily tasks, in INSTALLED_APPS order."""
    return tuple(job for daily in app_functions("tasks", "DAILY") for job in daily)


def period_hours() -> int:
    """The length of a period: `INNOKOP_DAILY_HOURS`, or a day when the schedule is off and cron runs the jobs."""
    return settings.INNOKOP_DAILY_HOURS if settings.INNOKOP_DAILY_HOURS > 0 else 24


def period_start(moment: datetime) -> datetime:
    length = timedelta(hours=period_hours())
    return EPOCH + (moment - EPOCH) // length * length


def is_due(moment: datetime | None = None) -> bool:
    """Whether no node has queued the daily jobs in the period of `moment` yet."""
    moment = moment or clock.now()
    return not DailyRun.objects.filter(period_start=period_start(moment)).exists()


def run(moment: datetime | None = None) -> list[tuple[Task, str]] | None:
    """Queues every daily job unless a node already did in this period (then None); returns each job with its
    result id. Queuing is all or nothing: if one job cannot be queued nothing is, and the period stays due."""
    moment = moment or clock.now()
    daily = jobs()
    with transaction.atomic():
        try:
            with transaction.atomic():
                DailyRun.objects.create(period_start=period_start(moment), started_at=clock.now(),
                                        jobs=[job.module_path for job in daily])
        except IntegrityError:
            return None  # another node has claimed this period
        return [(job, job.enqueue().id) for job in daily]


def seconds_to_next_check(moment: datetime) -> float:
    """How long `schedule` sleeps: until the next period starts, and at most an hour."""
    next_start = period_start(moment) + timedelta(hours=period_hours())
    return max(1.0, min(next_start - moment, CHECK_AT_MOST_EVERY).total_seconds())


def schedule(stop: threading.Event) -> None:
    """What `innokop serve` runs beside the web server until `stop` is set: queue the jobs now if due, then at
    the start of every period. A failure is logged and tried again at the next check."""
    while not stop.is_set():
        try:
            if is_due():
                queued = run()
                if queued is not None:
                    log.info("daily jobs queued: %s", ", ".join(job.module_path for job, _ in queued))
        except Exception:
            log.exception("the daily jobs could not be queued; trying again at the next check")
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()  # this thread's own: a connection must not sit open for a period
        stop.wait(seconds_to_next_check(clock.now()))
