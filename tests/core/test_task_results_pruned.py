"""Finished task results are deleted by a daily job (core/taskqueue.py finished_tasks_prune): successful ones after
INNOKOP_TASK_RESULTS_DAYS, failed ones after INNOKOP_FAILED_TASK_RESULTS_DAYS; queued and running tasks never."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from innokop.core.tasks import prune_task_results, refresh_planner_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_in_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.INNOKOP_TASK_RESULTS_DAYS = 14
    settings.INNOKOP_FAILED_TASK_RESULTS_DAYS = 90


def result(status: str | None, *, days_ago: int) -> int:
    """A task result in `status` that finished (or, if it has not, was queued) `days_ago` days ago."""
    pk = refresh_planner_statistics.enqueue().id
    moment = timezone.now() - timedelta(days=days_ago)
    DBTaskResult.objects.filter(pk=pk).update(enqueued_at=moment)
    if status == TaskResultStatus.RUNNING:
        DBTaskResult.objects.filter(pk=pk).update(status=status, started_at=moment)
    elif status is not None:
        DBTaskResult.objects.filter(pk=pk).update(status=status, started_at=moment, finished_at=moment)
    return str(pk)


def test_old_finished_results_go_and_the_rest_stay():
    kept = {
        result(TaskResultStatus.SUCCESSFUL, days_ago=13),
        result(TaskResultStatus.FAILED, days_ago=89),
        result(None, days_ago=400),  # queued long ago and never run: still to do
        result(TaskResultStatus.RUNNING, days_ago=400),  # left to the stalled-task requeue
    }
    gone = {result(TaskResultStatus.SUCCESSFUL, days_ago=15), result(TaskResultStatus.FAILED, days_ago=91)}

    assert prune_task_results.call() == 2
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == kept
    assert not DBTaskResult.objects.filter(pk__in=gone).exists()
    assert prune_task_results.call() == 0  # a second run (a retry) finds nothing more


def test_the_periods_are_the_settings(settings):
    recent = result(TaskResultStatus.SUCCESSFUL, days_ago=3)
    failed = result(TaskResultStatus.FAILED, days_ago=20)
    assert prune_task_results.call() == 0
    settings.INNOKOP_TASK_RESULTS_DAYS = 2
    settings.INNOKOP_FAILED_TASK_RESULTS_DAYS = 19
    assert prune_task_results.call() == 2
    assert not DBTaskResult.objects.filter(pk__in=[recent, failed]).exists()
