"""Notifications: an in-app inbox entry and an e-mail for each recipient, both after commit.

Subject and body are rendered in each recipient's own language. The e-mail is sent by a
background task, so a slow mail server never holds up a request.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation

from .models import Notification


def notify(*, recipients: Iterable, kind: str, subject, body, url: str = "", params: dict | None = None,
           confidential: bool = False) -> None:
    """Queue one notification per recipient; nothing is created if the transaction rolls back.

    `subject` and `body` are (lazy) translatable strings with %(name)s placeholders filled from `params`.
    A `confidential` notification (a tender receipt) is readable by its recipient only: platform staff
    do not see it, nor its e-mail in the outbox.
    """
    users = list({user.pk: user for user in recipients if user.is_active}.values())
    params = params or {}

    def create() -> None:
        from .tasks import send_notification_email

        for user in users:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                notification = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    subject=str(subject) % params,
                    body=str(body) % params,
                    url=url,
                    confidential=confidential,
                )
            send_notification_email.enqueue(notification.pk)

    transaction.on_commit(create)


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    from . import clock

    unread = Notification.objects.unread().filter(recipient=user)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=clock.now())
