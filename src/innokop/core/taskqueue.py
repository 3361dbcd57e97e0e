"""Tasks whose worker died, put back in the queue (issue 13).

django-tasks-db runs only READY tasks: a worker claims one by setting it RUNNING (with `started_at` and its id
appended to `worker_ids`) and marks it SUCCESSFUL or FAILED when it is done. A worker that dies in between
(killed, out of memory, its machine gone) leaves the task RUNNING, and nothing would ever run it again. The
queue has no heartbeat of its own, so Innoköp's workers keep one (`core.WorkerHeartbeat`, written as a worker
starts and at every look below): a task is taken to be stalled when it has been RUNNING for longer than
`INNOKOP_TASK_STALLED_MINUTES` and the worker that claimed it has not been seen within that time either. A task
that runs longer than the threshold on a living worker is therefore never run a second time beside it. Every task is safe to run again
(tests/test_task_retries.py); `send_email` may send its e-mail a second time, which is accepted: a sign-in or
invitation link twice is better than none.

The requeue is one UPDATE of the rows that are still RUNNING and still stale, so two nodes running it at once,
or a worker that claims the task again in between, do no harm. Every task worker (`innokop db_worker`, also
under `innokop serve`) runs it as it starts and then every quarter of the threshold beside its work
(`requeue_periodically`), and it is one of the daily jobs (`core.tasks.requeue_stalled_tasks`), so a stalled
task is back in the queue at most about 1¼ thresholds after it was claimed while any worker lives. `worker_ids`
is kept: it is the task's list of attempts (`TaskResult.attempts`), and shows which worker had it.

Finished task results are kept for `INNOKOP_TASK_RESULTS_DAYS` (14 by default) after they finished, failed ones
for `INNOKOP_FAILED_TASK_RESULTS_DAYS` (90), and then deleted by a daily job (`finished_tasks_prune`): a task's
arguments can hold e-mail addresses and sign-in links, and the table would otherwise grow with every e-mail sent.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

log = logging.getLogger(__name__)


def stalled_tasks_requeue() -> int:
    """Puts every task RUNNING for longer than `INNOKOP_TASK_STALLED_MINUTES` back in the queue; returns how many.

    The time is the database rows' own (`timezone.now()`, as the worker that set `started_at`), not the
    application's clock, which tests and the demo move."""
    cutoff = timezone.now() - timedelta(minutes=settings.INNOKOP_TASK_STALLED_MINUTES)
    long_running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    # The claiming worker is the last of `worker_ids` (a JSON list, read here rather than in SQL, which SQLite
    # and PostgreSQL index differently); only a few tasks are ever RUNNING.
    seen = [(pk, path, ids) for pk, path, ids in long_running.values_list("id", "task_path", "worker_ids")
            if not ids or ids[-1] not in alive]
    if not seen:
        return 0
    requeued = long_running.filter(pk__in=[pk for pk, _path, _ids in seen]).update(status=TaskResultStatus.READY,
                                                                                 started_at=None)
    if requeued:
        log.warning("%d task(s) RUNNING for more than %d minutes put back in the queue (their worker is taken to "
                    "have died): %s", requeued, settings.INNOKOP_TASK_STALLED_MINUTES,
                    ", ".join(f"{path} {pk} (worker {ids[-1] if ids else '?'})" for pk, path, ids in seen))
    return requeued


def finished_tasks_prune() -> int:
    """Deletes the results of tasks that finished more than `INNOKOP_TASK_RESULTS_DAYS` ago (failed ones: more
    than `INNOKOP_FAILED_TASK_RESULTS_DAYS`); returns how many. Queued and running tasks are never touched. The
    time is the rows' own, as in `stalled_tasks_requeue`."""
    now = timezone.now()
    successful = Q(status=TaskResultStatus.SUCCESSFUL,
                   finished_at__lt=now - timedelta(days=settings.INNOKOP_TASK_RESULTS_DAYS))
    failed = Q(status=TaskResultStatus.FAILED,
               finished_at__lt=now - timedelta(days=settings.INNOKOP_FAILED_TASK_RESULTS_DAYS))
    deleted, _by_model = DBTaskResult.objects.filter(successful | failed).delete()
    if deleted:
        log.info("%d finished task result(s) deleted", deleted)
    return deleted


def heartbeat(worker_id: str) -> None:
    """Records that the worker `worker_id` is alive now; forgets workers not seen for a day."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now})
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


def check_interval() -> float:
    """Seconds between two looks by a worker: a quarter of the threshold, at least a minute."""
    return max(60.0, settings.INNOKOP_TASK_STALLED_MINUTES * 60 / 4)


def requeue_periodically(stop: threading.Event, worker_id: str | None = None) -> None:
    """What a task worker runs in a thread beside its work until `stop` is set (or the process ends): its heartbeat
    and the requeue every `check_interval()` seconds. A failure is logged and tried again at the next look."""
    while not stop.wait(check_interval()):
        try:
            if worker_id:
                heartbeat(worker_id)
            stalled_tasks_requeue()
        except Exception:
            log.exception("the stalled tasks could not be put back in the queue; trying again at the next look")
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()  # this thread's own: a connection must not sit open between looks
