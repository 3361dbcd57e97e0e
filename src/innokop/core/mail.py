"""The in-app outbox: the embedded default keeps e-mail where a platform admin can read it."""

from django.core.mail.backends.base import BaseEmailBackend


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        from .models import OutboxMessage
        from .tasks import CONFIDENTIAL_HEADER

        for message in email_messages:
            OutboxMessage.objects.create(
                from_email=message.from_email,
                to=", ".join(message.to),
                subject=message.subject,
                body=message.body,
                confidential=message.extra_headers.get(CONFIDENTIAL_HEADER) == "1",
            )
        return len(email_messages)
