"""Two task workers (`innokop db_worker`, real processes) on one database: each queued task runs exactly once.

The tasks are queued through the application's own path (`notify` queues one e-mail task per notification on
commit) into the database backend production uses, and each once more beside it, as a retry would be, so that the
two copies may run at the same moment in the two workers. The workers run with tests/multi_process_settings.py,
which keeps e-mail in the outbox table: every e-mail a worker sends is a row the test can count. Runs on
PostgreSQL (a worker claims with SELECT ... FOR UPDATE SKIP LOCKED) and on SQLite in WAL mode (a worker claims
inside an exclusive transaction).
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from innokop.accounts.models import OrganisationKind, Role
from innokop.core.models import Notification, OutboxMessage
from innokop.core.notifications import notify
from innokop.core.tasks import send_notification_email

from ..factories import OrganisationFactory, member
from ..multi_process import WAIT, innokop, shared_database, stop  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE, ROUNDS = 20, 5  # 100 notifications, each e-mail task queued twice: 200 tasks


@pytest.fixture
def tasks_in_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_workers(database: str, count: int, tmp_path) -> list[str]:
    """`count` workers at once, each until the queue is empty; their output, after every one has exited 0."""
    logs = [tmp_path / f"worker-{n}.log" for n in range(count)]
    workers = [innokop("db_worker", "--batch", "--no-startup-delay", "--interval", "0.05", "--no-reload",
                       "--worker-id", f"worker-{n}", "--verbosity", "0", database=database,
                       stdout=log.open("wb"), stderr=log.open("ab"))
               for n, log in enumerate(logs)]
    try:
        codes = [worker.wait(timeout=WAIT) for worker in workers]
    finally:
        for worker in workers:
            stop(worker)
    output = [log.read_text() for log in logs]
    assert codes == [0] * count, output
    return output


def test_two_workers_run_each_task_once_and_send_each_e_mail_once(shared_database, tasks_in_database, tmp_path):  # noqa: F811
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY)
    people = [member(agency, Role.PROCURER, email=f"person{n}@agency.se", language="sv") for n in range(PEOPLE)]
    for round_ in range(ROUNDS):
        with transaction.atomic():
            notify(recipients=people, kind="test.load", subject=gettext_lazy("Message %(round)s"),
                   body=gettext_lazy("Body %(round)s"), params={"round": round_})
    for notification in Notification.objects.all():  # a retry queued beside each: the two may run at once
        send_notification_email.enqueue(notification.pk)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2 * PEOPLE * ROUNDS

    run_workers(shared_database, 2, tmp_path)

    results = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    assert Counter(status for status, _ in results) == {TaskResultStatus.SUCCESSFUL: 2 * PEOPLE * ROUNDS}
    assert all(len(worker_ids) == 1 for _, worker_ids in results)  # claimed once, by one worker
    sent = Counter(OutboxMessage.objects.values_list("to", "subject"))
    assert sent == Counter({(f"person{n}@agency.se", f"Message {r}"): 1 for n in range(PEOPLE) for r in range(ROUNDS)})
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    by_worker = Counter(worker_ids[0] for _, worker_ids in results)
    assert set(by_worker) <= {"worker-0", "worker-1"}, by_worker


def test_a_task_whose_worker_died_is_run_again_by_another(shared_database, tasks_in_database, tmp_path):  # noqa: F811
    """django-tasks-db runs only READY tasks: one a dead worker left RUNNING is put back in the queue, here by the
    next worker as it starts (core/taskqueue.py), since it has been RUNNING for longer than
    INNOKOP_TASK_STALLED_MINUTES (60)."""
    person = member(OrganisationFactory(kind=OrganisationKind.AGENCY), Role.PROCURER, email="person@agency.se")
    with transaction.atomic():
        notify(recipients=[person], kind="test.crash", subject=gettext_lazy("Message"), body=gettext_lazy("Body"))
    claimed = DBTaskResult.objects.get()
    claimed.claim("worker-that-died")  # as a worker claims it, before it was killed
    DBTaskResult.objects.filter(pk=claimed.pk).update(started_at=timezone.now() - timedelta(hours=2))

    run_workers(shared_database, 1, tmp_path)

    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["person@agency.se"]
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids == ["worker-that-died", "worker-0"]  # both attempts recorded
