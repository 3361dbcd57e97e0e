"""A partner body carries its public key (accounts.Organisation.public_key): a partner followed before that gets the
newest key trusted for its feed, as `services.newest_trusted_key` decides it, from its newest subscription that
still trusts a key. A partner that already has a key, or whose feed is not followed, is left as it is.
"""

from django.db import migrations
from django.utils import timezone


def newest_trusted(subscription, now) -> str | None:
    """The key subscribed with, then the keys learnt from the feed in the order they were recorded, less those no
    longer trusted at `now`: the last one (services.trusted_keys, frozen here)."""
    trusted = {subscription.public_key: True}
    for key in subscription.keys.order_by("recorded_at", "id"):
        if key.valid_until is not None and key.valid_until <= now:
            trusted.pop(key.public_key, None)
        else:
            trusted[key.public_key] = True
    return next(reversed(trusted), None)


def fill_partner_keys(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Subscription = apps.get_model("network", "Subscription")
    now = timezone.now()
    for partner in Organisation.objects.filter(kind="partner", public_key=""):
        for subscription in Subscription.objects.filter(partner=partner).order_by("-created_at", "-id"):
            key = newest_trusted(subscription, now)
            if key:
                partner.public_key = key
                partner.save(update_fields=["public_key"])
                break


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0002_signing_keys'),
        ('accounts', '0006_organisation_public_key'),
    ]

    operations = [
        migrations.RunPython(fill_partner_keys, migrations.RunPython.noop),
    ]
