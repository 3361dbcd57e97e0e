"""Notifications: an in-app inbox entry and an e-mail for each recipient, both after commit.

A notification keeps what happened, not a finished sentence: the untranslated subject and body and
their values (`core.messages`), so each reader reads it in the language they read in — the inbox
and the dashboard in the page's language, the e-mail in the recipient's. The e-mail is sent by a
background task, so a slow mail server never holds up a request.
"""

from collections.abc import Iterable

from django.db import transaction

from . import messages
from .models import Notification


def notify(*, recipients: Iterable, kind: str, subject, body, url: str = "", params: dict | None = None,
           confidential: bool = False) -> None:
    """Queue one notification per recipient; nothing is created if the transaction rolls back.

    `subject` and `body` are lazy translatable strings with %(name)s placeholders filled from `params`
    when read. Give values as what they are: a datetime, a date, `messages.money(amount)`, a lazy label;
    they are formatted in the reader's language. A `confidential` notification (a tender receipt) is
    readable by its recipient only: platform staff do not see it, nor its e-mail in the outbox.
    """
    users = list({user.pk: user for user in recipients if user.is_active}.values())
    subject_source, body_source = messages.source(subject), messages.source(body)
    stored = messages.stored_params(params)
    for text in (subject_source, body_source):
        messages.render(text, stored)  # a value missing from `params` fails here, in the service, not in an inbox

    def create() -> None:
        from .tasks import send_notification_email

        for user in users:
            notification = Notification.objects.create(
                recipient=user, kind=kind, subject_source=subject_source, body_source=body_source, params=stored,
                url=url, confidential=confidential)
            send_notification_email.enqueue(notification.pk)

    transaction.on_commit(create)


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    from . import clock

    unread = Notification.objects.unread().filter(recipient=user)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=clock.now())
