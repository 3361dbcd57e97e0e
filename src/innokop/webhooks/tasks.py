"""Background work of webhooks: fan an audit event out to the endpoints, send a delivery, send what is due."""

from django_tasks import task


@task()
def deliver_event(audit_event_id: int) -> int:
    """Makes the deliveries of one audit event (services.event_fan_out); returns how many."""
    from innokop.core.models import AuditEvent

    from .services import event_fan_out

    event = AuditEvent.objects.filter(pk=audit_event_id).first()
    return len(event_fan_out(event=event)) if event else 0


@task()
def send_delivery(delivery_id: str) -> str | None:
    """One attempt of a delivery if it is due; returns its status afterwards (None when nothing was sent)."""
    from .services import delivery_attempt

    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else None


@task()
def send_due_deliveries() -> int:
    """Every delivery whose next attempt is due, for queues that cannot wait and for retries a queue missed."""
    from .services import deliveries_send_due

    return deliveries_send_due()


DAILY = [send_due_deliveries]  # core/daily.py
