"""API tokens get a scope (read, or read and write) and the one organisation they act for.

The tokens that exist already keep working as they did for their integrations, as narrowly as that allows:
each becomes read and write (they could write before) and is limited to its user's first organisation (the
membership made first). A token whose user belongs to no organisation any more could reach nothing; it is
revoked, keeps no organisation, and is never accepted. A buyer's read-and-write token writes only while its
user has a confirmed two-factor device (the token middleware checks at each use), so a buyer without one must
set it up, or create a read token, to go on.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def limit_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    Membership = apps.get_model("accounts", "Membership")
    now = timezone.now()
    for token in ApiToken.objects.filter(organisation__isnull=True):
        first = Membership.objects.filter(user_id=token.user_id).order_by("pk").first()
        if first is None:
            token.scope = "read"
            token.revoked_at = token.revoked_at or now
            token.save(update_fields=["scope", "revoked_at"])
        else:
            token.scope = "read_write"
            token.organisation_id = first.organisation_id
            token.save(update_fields=["scope", "organisation"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_outbox_links_removed'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='organisation',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to='accounts.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='scope',
            field=models.CharField(choices=[('read', 'Only read'), ('read_write', 'Read and write')], default='read', max_length=20, verbose_name='scope'),
        ),
        migrations.RunPython(limit_existing_tokens, migrations.RunPython.noop),
    ]
