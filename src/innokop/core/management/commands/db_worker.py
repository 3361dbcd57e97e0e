"""`innokop db_worker`: django-tasks-db's worker, which also puts back in the queue the tasks a dead worker left
RUNNING (core/taskqueue.py): as it starts, and then in a thread beside its work. It replaces django_tasks_db's
command of the same name (core comes first in INSTALLED_APPS); its options are the same."""

import logging
import os
import threading

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from innokop.core.taskqueue import heartbeat, requeue_periodically, stalled_tasks_requeue

log = logging.getLogger(__name__)


class Command(DatabaseWorkerCommand):
    def handle(self, *args, **options) -> None:
        worker_id = options.get("worker_id")
        try:
            if worker_id:
                heartbeat(worker_id)
            stalled_tasks_requeue()
        except Exception:  # the next look tries again; a worker must not fail to start over it
            log.exception("the stalled tasks could not be put back in the queue")
        if not options.get("batch") and (not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"):
            # a long-lived worker (not --batch), and with --reload only the child that does the work
            threading.Thread(target=requeue_periodically, args=(threading.Event(), worker_id),
                             name="innokop-stalled-tasks", daemon=True).start()
        super().handle(*args, **options)
