"""The audit trail tells webhooks of what happened: once the change is committed, a task makes the deliveries."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from innokop.core.models import AuditEvent

from .events import EVENTS


@receiver(post_save, sender=AuditEvent, dispatch_uid="webhooks_audit_event")
def audit_event_saved(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    # A sealed event (a tender before opening) is never told to anyone outside its organisation.
    if not created or instance.sealed_scope or instance.verb not in EVENTS or not instance.object_id:
        return
    transaction.on_commit(lambda: _enqueue(instance.pk))


def _enqueue(audit_event_id: int) -> None:
    from .models import Endpoint
    from .tasks import deliver_event

    if Endpoint.objects.filter(active=True).exists():
        deliver_event.enqueue(audit_event_id)
