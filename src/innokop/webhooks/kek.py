"""Webhook secrets in a rotation of the key-encryption key: `innokop rotate_kek` (calloffs) calls `rewrap` of
every app's kek.py, in its transaction, after the call-off and draft keys."""

from django.core.management.base import CommandError

from innokop.calloffs import sealing

from .models import Endpoint
from .signing import rewrap_secret


def rewrap(old: bytes, new: bytes) -> str:
    """Every endpoint's secret from the old KEK to the new; those already under the new one are left. Says what
    it did, for the command's output."""
    old_id, new_id = sealing.key_id(old), sealing.key_id(new)
    count = 0
    for pk, sealed in Endpoint.objects.select_for_update().values_list("pk", "sealed_secret"):
        kid = sealing.wrapped_key_id(sealed)
        if kid == new_id:
            continue
        if kid != old_id:
            raise CommandError(f"Webhook {pk} has a secret sealed by KEK {kid}, which is neither the old ({old_id}) "
                               f"nor the current ({new_id}) one. Nothing was changed.")
        Endpoint.objects.filter(pk=pk).update(sealed_secret=rewrap_secret(sealed, old, new))
        count += 1
    return f"Rewrapped {count} webhook secrets."
