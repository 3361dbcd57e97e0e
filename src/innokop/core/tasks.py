from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from . import clock
from .mail import CONFIDENTIAL_HEADER
from .models import Notification
from .planner import planner_statistics_refresh
from .taskqueue import finished_tasks_prune, stalled_tasks_requeue

__all__ = ["CONFIDENTIAL_HEADER", "prune_task_results", "refresh_planner_statistics", "requeue_stalled_tasks",
           "send_email", "send_notification_email"]


@task()
def send_notification_email(notification_id: int) -> None:
    """Marked as e-mailed before it is sent, in one conditional UPDATE: of two runs only one sends, and a worker
    that dies after sending leaves nothing for a retry to send again (the notification stays in the inbox even if
    it died before). A refused send is unmarked, so that a later run of the task (queued again) can send it."""
    if not Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=clock.now()):
        return  # sent already, or being sent: a retried task must not mail twice
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    user = notification.recipient
    try:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
            footer = "\n\n-- \n" + gettext("Innoköp. You can read all your notifications in your inbox: %(url)s") % {
                "url": f"{settings.SITE_URL}/inbox/"
            }
            message = EmailMessage(notification.subject, notification.body + link + footer, None, [user.email])
            if notification.confidential:
                message.extra_headers[CONFIDENTIAL_HEADER] = "1"
            message.send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise


@task()
def send_email(*, to: list[str], subject: str, body: str, confidential: bool = False) -> None:
    """`confidential` for an e-mail with a link that signs in or creates an account (core/mail.py)."""
    message = EmailMessage(subject, body, None, to)
    if confidential:
        message.extra_headers[CONFIDENTIAL_HEADER] = "1"
    message.send()


@task()
def refresh_planner_statistics() -> bool:
    """SQLite's query-planner statistics, brought up to date every day (core/planner.py); nothing on PostgreSQL."""
    return planner_statistics_refresh()


@task()
def requeue_stalled_tasks() -> int:
    """Tasks whose worker died, RUNNING for longer than INNOKOP_TASK_STALLED_MINUTES, back in the queue
    (core/taskqueue.py); returns how many. Every worker does the same as it starts and every quarter of it."""
    return stalled_tasks_requeue()


@task()
def prune_task_results() -> int:
    """Results of tasks finished long ago deleted (core/taskqueue.py, INNOKOP_TASK_RESULTS_DAYS and
    INNOKOP_FAILED_TASK_RESULTS_DAYS); returns how many."""
    return finished_tasks_prune()


DAILY = [refresh_planner_statistics, requeue_stalled_tasks, prune_task_results]  # core/daily.py
