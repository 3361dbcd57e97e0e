"""The in-app outbox: the embedded default keeps e-mail where a platform admin can read it.

A confidential e-mail (the header `X-Innokop-Confidential: 1`: tender receipts, password-reset,
invitation and registration links) is kept out of the outbox page, and its links are cut before it
is stored: a link that signs someone in or creates an account is never kept where it can be read.
Without a real mail server nobody could then follow such a link, so the embedded demo
(`INNOKOP_CONFIDENTIAL_MAIL_TO_CONSOLE`) also prints the whole e-mail on the server's console, which
only the person running the server sees.
"""

import re
import sys

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

CONFIDENTIAL_HEADER = "X-Innokop-Confidential"
REMOVED = "[removed]"
_LINK = re.compile(r"(https?://[^/\s]+)(/[^/\s?#]*)?\S*")


def without_links(body: str) -> str:
    """Every link cut after its first path segment: `https://host/password-reset/[removed]`."""
    return _LINK.sub(lambda link: f"{link.group(1)}{link.group(2) or ''}/{REMOVED}", body)


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        from .models import OutboxMessage

        for message in email_messages:
            confidential = message.extra_headers.get(CONFIDENTIAL_HEADER) == "1"
            OutboxMessage.objects.create(
                from_email=message.from_email,
                to=", ".join(message.to),
                subject=message.subject,
                body=without_links(message.body) if confidential else message.body,
                confidential=confidential,
            )
            if confidential and settings.INNOKOP_CONFIDENTIAL_MAIL_TO_CONSOLE:
                sys.stderr.write(f"\n----- E-mail to {', '.join(message.to)}: {message.subject}\n"
                                 f"{message.body}\n-----\n")
        return len(email_messages)
