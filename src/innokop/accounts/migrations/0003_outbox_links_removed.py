"""Reset and invitation links the outbox kept readable before they were confidential: cut them (core/mail.py)."""

import re

from django.db import migrations

LINK = re.compile(r"(https?://[^/\s]+)(/[^/\s?#]*)?\S*")
SECRET_PATHS = ("/password-reset/", "/invitations/")


def cut_links(apps, schema_editor):
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    for message in OutboxMessage.objects.filter(confidential=False).only("pk", "body").iterator():
        if any(path in message.body for path in SECRET_PATHS):
            message.body = LINK.sub(lambda link: f"{link.group(1)}{link.group(2) or ''}/[removed]", message.body)
            message.confidential = True
            message.save(update_fields=["body", "confidential"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organisation_description_organisation_sector"),
        ("core", "0004_sealed_audit_and_confidential_mail"),
    ]

    operations = [migrations.RunPython(cut_links, migrations.RunPython.noop)]
