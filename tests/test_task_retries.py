"""Every background task says why running it again does no harm, and shows it.

A worker can die after a task's effect and before its result is stored; the task is then run again (a retry, or
the same job queued once more). So every `@task` in src/innokop is listed below, found by reading the source: a
new task makes `test_every_task_says_why_a_retry_does_no_harm` fail until it is listed, with either a scenario
here that runs it twice (a retry after it has done its work) or the test elsewhere that does, or, in
NOT_RETRY_SAFE, why a second run is accepted. Two real worker processes on one queue: tests/core/test_task_workers.py.
"""

import ast
from pathlib import Path

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy

from innokop.core.models import AuditEvent, Notification
from innokop.core.notifications import notify

from .agreements.conftest import agreement, published  # noqa: F401  (fixtures)
from .calloffs.conftest import draft, lot, open_calloff, ready  # noqa: F401  (fixtures)
from .network.conftest import case_item, partner, partner_key, signed, subscription  # noqa: F401  (fixtures)
from .webhooks.conftest import receiver, register  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "innokop"


def registered_tasks() -> set[str]:
    """`module.function` of every function decorated with `@task` or `@task(...)` under src/innokop."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        module = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if isinstance(target, ast.Name) and target.id == "task":
                        found.add(f"{module}.{node.name}")
    return found


# --- the scenarios: each does the task's work, then runs the task again as a retry would ---------------


def notification_email(request, capture):
    user = request.getfixturevalue("agency_procurer")
    with capture(execute=True):
        notify(recipients=[user], kind="test.retry", subject=gettext_lazy("Retry"), body=gettext_lazy("Body"))
    notification = Notification.objects.get(kind="test.retry")
    assert notification.emailed_at is not None and len(mail.outbox) == 1
    from innokop.core.tasks import send_notification_email

    send_notification_email.call(notification.pk)
    assert len(mail.outbox) == 1


def planner_statistics(request, capture):
    from django.db import connection

    from innokop.core.tasks import refresh_planner_statistics

    first, second = refresh_planner_statistics.call(), refresh_planner_statistics.call()
    assert first is second is (connection.vendor == "sqlite")  # statistics refreshed again, nothing else


def _built_again_unchanged(built, build) -> None:
    """A generated file (a bulk file or a record export) built by its task, and the task run again: same file."""
    built.refresh_from_db()
    before = (built.file.name, built.sha256, built.finished_at)
    assert built.sha256 and not built.failed
    build.call(built.pk)
    built.refresh_from_db()
    assert (built.file.name, built.sha256, built.finished_at) == before


def bulk_file(request, capture):
    from innokop.opendata.models import BulkFile
    from innokop.opendata.services import bulk_rebuild_request
    from innokop.opendata.tasks import build_bulk_file

    request.getfixturevalue("published")  # something public to put in the file
    with capture(execute=True):
        bulk = bulk_rebuild_request(actor=None)
    _built_again_unchanged(bulk, build_bulk_file)
    assert BulkFile.objects.count() == 1


def bulk_rebuild(request, capture):
    """The daily request: a second run asks for a second file of the same content; the newest is the one served."""
    from innokop.opendata.models import BulkFile
    from innokop.opendata.tasks import request_bulk_rebuild

    request.getfixturevalue("published")
    with capture(execute=True):
        request_bulk_rebuild.call()
        request_bulk_rebuild.call()
    files = list(BulkFile.objects.values_list("releases", "records", "failed"))
    assert len(files) == 2 and files[0] == files[1] and not files[0][2]


def record_export(request, capture):
    from innokop.calloffs.models import RecordExport
    from innokop.calloffs.record import build_record_export, record_export_request

    calloff, actor = request.getfixturevalue("open_calloff"), request.getfixturevalue("agency_procurer")
    with capture(execute=True):
        export = record_export_request(actor=actor, calloff=calloff)
    _built_again_unchanged(export, build_record_export)
    assert RecordExport.objects.count() == 1


def webhook_delivery(request, capture):
    """The fan-out of an event and the sending of its delivery, each run again after it was done."""
    from innokop.calloffs.services import calloff_publish
    from innokop.webhooks.models import Delivery, DeliveryStatus
    from innokop.webhooks.tasks import deliver_event, send_delivery

    receiver, register = request.getfixturevalue("receiver"), request.getfixturevalue("register")
    request.getfixturevalue("clock")
    register(request.getfixturevalue("supplier"), request.getfixturevalue("supplier_org"))
    with capture(execute=True):
        calloff_publish(actor=request.getfixturevalue("agency_procurer"), calloff=request.getfixturevalue("ready"))
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.received) == 1
    with capture(execute=True):
        assert deliver_event.call(AuditEvent.objects.get(verb="calloff.published").pk) == 0
        assert send_delivery.call(str(delivery.pk)) is None
    assert Delivery.objects.count() == 1 and len(receiver.received) == 1


def partner_feeds(request, capture):
    from innokop.network import services
    from innokop.network.models import NetworkItem
    from innokop.network.tasks import import_partner_feeds

    request.getfixturevalue("subscription")
    key = request.getfixturevalue("partner_key")[0]
    request.getfixturevalue("monkeypatch").setattr(services, "fetch", lambda url: signed([case_item(1)], key))
    with capture(execute=True):
        import_partner_feeds.call()
        import_partner_feeds.call()
    assert NetworkItem.objects.count() == 1


# Each task: a scenario above, or "tests/<file>::<test>" that runs the task (or its service) again after it did
# its work and asserts that nothing happened twice.
RETRY_SAFE = {
    "innokop.core.tasks.send_notification_email": notification_email,
    "innokop.core.tasks.refresh_planner_statistics": planner_statistics,
    "innokop.opendata.tasks.build_bulk_file": bulk_file,
    "innokop.opendata.tasks.request_bulk_rebuild": bulk_rebuild,
    "innokop.calloffs.record.build_record_export": record_export,
    "innokop.webhooks.tasks.deliver_event": webhook_delivery,
    "innokop.webhooks.tasks.send_delivery": webhook_delivery,
    "innokop.network.tasks.import_partner_feeds": partner_feeds,
    "innokop.core.tasks.prune_task_results":
        "tests/core/test_task_results_pruned.py::test_old_finished_results_go_and_the_rest_stay",
    "innokop.core.tasks.requeue_stalled_tasks":
        "tests/core/test_stalled_tasks.py::test_the_daily_job_requeues_and_a_second_run_does_nothing",
    "innokop.webhooks.tasks.send_due_deliveries":
        "tests/webhooks/test_deliveries.py::test_a_failed_delivery_is_tried_again_with_backoff",
    "innokop.calloffs.tasks.advance_ranking_offers":
        "tests/calloffs/test_ranking_order.py::test_the_task_passes_the_offer_on_when_nobody_looks",
    "innokop.calloffs.tasks.send_calloff_invitations":
        "tests/calloffs/test_scheduled_publication.py::test_the_task_sends_the_invitations_once_at_the_moment",
    "innokop.prestudy.tasks.send_survey_reminders": "tests/prestudy/test_surveys.py::"
        "test_reminders_go_a_week_and_a_day_before_once_to_the_agencies_that_have_not_answered",
    "innokop.followup.tasks.send_sales_report_reminders":
        "tests/followup/test_sales_reports.py::test_reminders_go_once_before_and_once_after_the_due_date",
    "innokop.followup.tasks.send_contract_expiry_alerts": "tests/followup/test_register.py::"
        "test_expiry_alerts_go_once_at_90_and_at_30_days_to_the_team_and_the_supplier",
    "innokop.followup.tasks.send_followup_reminders": "tests/followup/test_plans_schedule.py::"
        "test_the_task_sends_each_scheduled_request_once_and_a_person_s_request_is_not_sent_again",
}

# Tasks a second run repeats, and why that is accepted.
NOT_RETRY_SAFE = {
    "innokop.core.tasks.send_email": "a plain e-mail with no row behind it (sign-in, invitation and registration "
                                     "links, a document request's answer): a retry after a crash sends it again, "
                                     "also when a dead worker's task is requeued (core/taskqueue.py): a link "
                                     "twice is better than none",
}


def test_every_task_says_why_a_retry_does_no_harm():
    assert registered_tasks() == set(RETRY_SAFE) | set(NOT_RETRY_SAFE)
    assert not set(RETRY_SAFE) & set(NOT_RETRY_SAFE)


@pytest.mark.parametrize("path", sorted(p for p, proof in RETRY_SAFE.items() if isinstance(proof, str)))
def test_the_test_that_shows_it_elsewhere_exists(path):
    filename, name = RETRY_SAFE[path].split("::")
    assert f"def {name}(" in (ROOT / filename).read_text(encoding="utf-8"), RETRY_SAFE[path]


@pytest.mark.parametrize("path", sorted(p for p, proof in RETRY_SAFE.items() if callable(proof)))
def test_a_retry_after_the_work_is_done_does_it_again_nowhere(path, request, django_capture_on_commit_callbacks):
    RETRY_SAFE[path](request, django_capture_on_commit_callbacks)


class Crash(BaseException):
    """The worker process dies here (nothing in the task catches it)."""


def test_a_notification_e_mail_that_left_just_before_the_worker_died_is_not_sent_again(agency_procurer,
                                                                                      monkeypatch):
    from django.core.mail import EmailMessage

    from innokop.core.tasks import send_notification_email

    notification = Notification.objects.create(recipient=agency_procurer, kind="test.retry", subject_source="Retry",
                                               body_source="Body", params={})
    real_send = EmailMessage.send

    def send_then_die(self, *args, **kwargs):
        real_send(self, *args, **kwargs)
        raise Crash

    monkeypatch.setattr(EmailMessage, "send", send_then_die)
    with pytest.raises(Crash):
        send_notification_email.call(notification.pk)
    monkeypatch.setattr(EmailMessage, "send", real_send)
    send_notification_email.call(notification.pk)  # the retry
    assert len(mail.outbox) == 1


def test_a_notification_e_mail_the_mail_server_refused_is_sent_by_the_retry(agency_procurer, monkeypatch):
    from django.core.mail import EmailMessage

    from innokop.core.tasks import send_notification_email

    notification = Notification.objects.create(recipient=agency_procurer, kind="test.retry", subject_source="Retry",
                                               body_source="Body", params={})
    real_send = EmailMessage.send

    def refused(self, *args, **kwargs):
        raise OSError("the mail server is down")

    monkeypatch.setattr(EmailMessage, "send", refused)
    with pytest.raises(OSError):
        send_notification_email.call(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.setattr(EmailMessage, "send", real_send)
    send_notification_email.call(notification.pk)
    send_notification_email.call(notification.pk)
    assert len(mail.outbox) == 1
