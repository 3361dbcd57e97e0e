"""Tasks whose worker died (core/taskqueue.py): a task RUNNING for longer than INNOKOP_TASK_STALLED_MINUTES is put
back in the queue, once, and a worker then runs it; a task still within the threshold, or finished, is left alone.
A worker looks as it starts and then every quarter of the threshold; the daily jobs look too.
The same with real worker processes, the next worker requeueing as it starts: tests/core/test_task_workers.py."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from innokop.core import taskqueue
from innokop.core.models import WorkerHeartbeat
from innokop.core.taskqueue import check_interval, requeue_periodically, stalled_tasks_requeue
from innokop.core.tasks import refresh_planner_statistics, requeue_stalled_tasks

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it claims and finishes


@pytest.fixture(autouse=True)
def tasks_in_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.INNOKOP_TASK_STALLED_MINUTES = 60


def queued() -> DBTaskResult:
    return DBTaskResult.objects.get(pk=refresh_planner_statistics.enqueue().id)


def claimed(worker_id: str, *, minutes_ago: int) -> DBTaskResult:
    """A task a worker claimed `minutes_ago` minutes ago and has not finished."""
    result = queued()
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - timedelta(minutes=minutes_ago))
    return DBTaskResult.objects.get(pk=result.pk)


def run_worker(worker_id: str) -> None:
    """django-tasks-db's worker, in this process, until no task is READY."""
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id=worker_id, excluded_queue_names=[]).run()


def test_a_stalled_task_is_requeued_once_and_run_again_and_the_others_are_left_alone(caplog):
    stalled = claimed("worker-that-died", minutes_ago=61)
    running = claimed("worker-still-busy", minutes_ago=59)
    finished = claimed("worker-done", minutes_ago=180)
    finished.set_successful(True)
    finished = DBTaskResult.objects.get(pk=finished.pk)

    assert stalled_tasks_requeue() == 1
    stalled.refresh_from_db()
    assert (stalled.status, stalled.started_at) == (TaskResultStatus.READY, None)
    assert stalled.worker_ids == ["worker-that-died"]  # its attempts so far
    assert "innokop.core.tasks.refresh_planner_statistics" in caplog.text and "worker-that-died" in caplog.text
    assert stalled_tasks_requeue() == 0  # once: it is READY now

    run_worker("worker-1")

    stalled.refresh_from_db()
    assert stalled.status == TaskResultStatus.SUCCESSFUL and stalled.worker_ids == ["worker-that-died", "worker-1"]
    running_now = DBTaskResult.objects.get(pk=running.pk)
    assert (running_now.status, running_now.started_at, running_now.worker_ids) == (
        TaskResultStatus.RUNNING, running.started_at, ["worker-still-busy"])
    finished_now = DBTaskResult.objects.get(pk=finished.pk)
    assert (finished_now.status, finished_now.started_at, finished_now.finished_at, finished_now.worker_ids) == (
        finished.status, finished.started_at, finished.finished_at, ["worker-done"])


def test_the_threshold_is_the_setting(settings):
    task = claimed("worker-that-died", minutes_ago=30)
    assert stalled_tasks_requeue() == 0
    settings.INNOKOP_TASK_STALLED_MINUTES = 20
    assert stalled_tasks_requeue() == 1
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.READY


def test_the_daily_job_requeues_and_a_second_run_does_nothing():
    stalled = claimed("worker-that-died", minutes_ago=120)
    assert requeue_stalled_tasks.call() == 1
    assert requeue_stalled_tasks.call() == 0
    assert DBTaskResult.objects.get(pk=stalled.pk).status == TaskResultStatus.READY


class LooksTwice(threading.Event):
    """A stop event that lets `requeue_periodically` look twice (without waiting), then stops it."""

    def __init__(self):
        super().__init__()
        self.waits = 0

    def wait(self, timeout=None):
        self.waits += 1
        return self.waits > 2


def test_a_worker_looks_every_quarter_of_the_threshold_and_a_failed_look_does_not_stop_it(settings, monkeypatch,
                                                                                          caplog):
    assert check_interval() == 15 * 60
    settings.INNOKOP_TASK_STALLED_MINUTES = 2
    assert check_interval() == 60  # at least a minute
    stalled = claimed("worker-that-died", minutes_ago=5)
    real, looks = taskqueue.stalled_tasks_requeue, []

    def first_fails():
        looks.append(1)
        if len(looks) == 1:
            raise RuntimeError("database unavailable")
        return real()

    monkeypatch.setattr(taskqueue, "stalled_tasks_requeue", first_fails)
    requeue_periodically(LooksTwice())
    assert len(looks) == 2 and "database unavailable" in caplog.text
    assert DBTaskResult.objects.get(pk=stalled.pk).status == TaskResultStatus.READY


def test_a_long_task_on_a_living_worker_is_not_requeued_until_its_worker_stops_being_seen():
    long = claimed("worker-alive", minutes_ago=90)
    taskqueue.heartbeat("worker-alive")
    assert stalled_tasks_requeue() == 0  # seen just now: still working on it
    long.refresh_from_db()
    assert long.status == TaskResultStatus.RUNNING
    WorkerHeartbeat.objects.filter(worker_id="worker-alive").update(seen_at=timezone.now() - timedelta(minutes=61))
    assert stalled_tasks_requeue() == 1  # not seen within the threshold: taken to have died
    long.refresh_from_db()
    assert long.status == TaskResultStatus.READY


def test_the_heartbeat_forgets_workers_not_seen_for_a_day():
    taskqueue.heartbeat("worker-old")
    WorkerHeartbeat.objects.filter(worker_id="worker-old").update(seen_at=timezone.now() - timedelta(days=2))
    taskqueue.heartbeat("worker-new")
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["worker-new"]
