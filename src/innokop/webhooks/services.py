"""Endpoints (register, rotate the secret, deactivate, ping) and deliveries (fan out an event, attempt, retry).

An event in the audit trail is delivered to each active endpoint that subscribes to its verb and whose
organisation may read the object through the API (rendering.api_read). A delivery's body is fixed then; each
attempt signs it with the moment of sending. A failed attempt is tried again after BACKOFF, then given up.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from innokop.accounts.models import Organisation
from innokop.accounts.permissions import actor_for
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.models import AuditEvent
from innokop.core.refusals import Problem, Refused

from . import addresses, sending, signing
from .events import EVENTS, PING
from .models import Attempt, Delivery, DeliveryStatus, Endpoint
from .rendering import api_read, api_url

log = logging.getLogger(__name__)

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM_FOR = timedelta(minutes=2)  # an attempt under way is not started again by the sweep meanwhile
SENDABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class WebhookError(Refused):
    code = "webhook"


def _require_admin(actor, organisation: Organisation) -> None:
    if not actor_for(actor).is_admin_of(organisation):
        raise PermissionDenied


def _clean_events(events) -> list[str]:
    chosen = [verb for verb in EVENTS if verb in set(events or ())]
    if not chosen or len(chosen) != len(set(events)):
        message = _("Choose at least one event, among those listed.")
        raise WebhookError(message, code="webhook_events", problems=[Problem("events", message)])
    return chosen


# Endpoints --------------------------------------------------------------------------------------------------

def endpoint_register(*, actor, organisation: Organisation, url: str, events: list[str]) -> tuple[Endpoint, str]:
    """A new endpoint and its secret, which is shown to the organisation this once."""
    _require_admin(actor, organisation)
    addresses.check_url(url)
    chosen = _clean_events(events)
    secret = signing.new_secret()
    with transaction.atomic():
        endpoint = Endpoint.objects.create(organisation=organisation, url=url, events=chosen,
                                           sealed_secret=signing.seal_secret(secret),
                                           created_by=actor, created_at=clock.now())
        audit_log(actor=actor, verb="webhook.registered", obj=endpoint, organisation=organisation,
                  payload={"url": url, "events": chosen})
    return endpoint, secret


def endpoint_rotate_secret(*, actor, endpoint: Endpoint) -> str:
    """A new secret replaces the old at once; deliveries from now on are signed with it."""
    _require_admin(actor, endpoint.organisation)
    secret = signing.new_secret()
    with transaction.atomic():
        endpoint.sealed_secret, endpoint.secret_rotated_at = signing.seal_secret(secret), clock.now()
        endpoint.save(update_fields=["sealed_secret", "secret_rotated_at"])
        audit_log(actor=actor, verb="webhook.secret_rotated", obj=endpoint, organisation=endpoint.organisation,
                  payload={"url": endpoint.url})
    return secret


def endpoint_deactivate(*, actor, endpoint: Endpoint) -> None:
    """No more deliveries, nor attempts of those waiting; the log stays."""
    _require_admin(actor, endpoint.organisation)
    if not endpoint.active:
        raise WebhookError(_("This webhook is already deactivated."), code="webhook_inactive", status=409)
    with transaction.atomic():
        endpoint.active, endpoint.deactivated_at = False, clock.now()
        endpoint.save(update_fields=["active", "deactivated_at"])
        audit_log(actor=actor, verb="webhook.deactivated", obj=endpoint, organisation=endpoint.organisation,
                  payload={"url": endpoint.url})


def _require_active(endpoint: Endpoint) -> None:
    if not endpoint.active:
        raise WebhookError(_("This webhook is deactivated."), code="webhook_inactive", status=409)


def endpoint_ping(*, actor, endpoint: Endpoint) -> Delivery:
    """A test delivery: the organisation checks that its receiver gets and verifies what Innoköp sends."""
    _require_admin(actor, endpoint.organisation)
    _require_active(endpoint)
    now = clock.now()
    with transaction.atomic():
        delivery = Delivery(endpoint=endpoint, event=PING, created_at=now, updated_at=now, next_attempt_at=now)
        delivery.payload = _body(delivery, now, None, {"organisation": {"id": endpoint.organisation_id,
                                                                         "name": endpoint.organisation.name},
                                                        "endpoint": endpoint.pk})
        delivery.save()
        audit_log(actor=actor, verb="webhook.ping_sent", obj=endpoint, organisation=endpoint.organisation,
                  payload={"delivery": str(delivery.pk)})
        transaction.on_commit(lambda: _send_soon(delivery.pk))
    return delivery


def delivery_resend(*, actor, delivery: Delivery) -> Delivery:
    """The same body once more, with a fresh round of attempts; those made before stay in its log (Attempt)."""
    endpoint = delivery.endpoint
    _require_admin(actor, endpoint.organisation)
    _require_active(endpoint)
    if not delivery.can_move_to(DeliveryStatus.PENDING):
        raise WebhookError(_("This delivery is already waiting to be sent."), code="webhook_waiting", status=409)
    now = clock.now()
    with transaction.atomic():
        delivery.move_to(DeliveryStatus.PENDING)
        delivery.attempts, delivery.next_attempt_at, delivery.updated_at = 0, now, now
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        audit_log(actor=actor, verb="webhook.delivery_resent", obj=endpoint, organisation=endpoint.organisation,
                  payload={"delivery": str(delivery.pk), "event": delivery.event})
        transaction.on_commit(lambda: _send_soon(delivery.pk))
    return delivery


# Deliveries -------------------------------------------------------------------------------------------------

def _body(delivery: Delivery, occurred_at, obj: dict | None, data) -> dict:
    return {"event": delivery.event, "id": str(delivery.pk), "occurred_at": occurred_at.isoformat(),
            "object": obj, "data": data}


def subscribers(verb: str) -> list[Endpoint]:
    """Active endpoints subscribed to `verb` (filtered here: SQLite cannot search inside a JSON list)."""
    return [e for e in Endpoint.objects.filter(active=True).select_related("organisation") if verb in e.events]


def event_fan_out(*, event: AuditEvent) -> list[Delivery]:
    """A delivery for each subscribed endpoint whose organisation may read the event's object now. Safe to run
    again: an endpoint gets one delivery per event."""
    kind = EVENTS.get(event.verb)
    if kind is None or event.sealed_scope or not event.object_id:
        return []
    path = api_url(kind.api_path.format(id=event.object_id))
    obj = {"type": kind.object_type, "id": event.object_id, "url": settings.SITE_URL + path}
    made = []
    for endpoint in subscribers(event.verb):
        if Delivery.objects.filter(endpoint=endpoint, audit_event=event).exists():
            continue
        try:
            status, data = api_read(path, endpoint)
        except Exception:  # one endpoint's failure to render must not keep the event from the others
            log.exception("webhook %s: reading %s failed; not delivered", endpoint.pk, path)
            continue
        if status != 200:
            log.info("webhook %s: %s answers %s for organisation %s; not delivered", endpoint.pk, path, status,
                     endpoint.organisation_id)
            continue
        now = clock.now()
        delivery = Delivery(endpoint=endpoint, event=event.verb, audit_event=event, object_type=kind.object_type,
                            object_id=event.object_id, created_at=now, updated_at=now, next_attempt_at=now)
        delivery.payload = _body(delivery, event.created_at, obj, data)
        try:
            with transaction.atomic():
                delivery.save(force_insert=True)
        except IntegrityError:
            continue  # a fan-out of the same event running at the same time made it
        made.append(delivery)
        transaction.on_commit(lambda pk=delivery.pk: _send_soon(pk))
    return made


def _send_soon(delivery_id) -> None:
    from .tasks import send_delivery

    send_delivery.enqueue(str(delivery_id))


def _schedule_retry(delivery: Delivery) -> None:
    """With a queue that can wait (the database backend) the retry runs when it is due; the sweep
    (`send_due_deliveries`) sends any a queue missed."""
    from .tasks import send_delivery

    if send_delivery.get_backend().supports_defer:
        send_delivery.using(run_after=delivery.next_attempt_at).enqueue(str(delivery.pk))


def delivery_attempt(*, delivery_id, post=sending.post) -> Delivery | None:
    """Sends a delivery that is due; None when it is not (sent already, not due, claimed, endpoint deactivated).
    `post` sends it (sending.post, over the network; the demo loader passes a receiver of its own)."""
    now = clock.now()
    claimed = (Delivery.objects.filter(pk=delivery_id, status__in=SENDABLE, next_attempt_at__lte=now,
                                       endpoint__active=True)
               .update(next_attempt_at=now + CLAIM_FOR))
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    outcome = post(delivery.endpoint, delivery, now)
    code = outcome.status_code
    with transaction.atomic():
        Attempt.objects.create(delivery=delivery, at=now, status_code=code, error=outcome.error,
                               duration_ms=outcome.duration_ms)
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error, delivery.updated_at = code, outcome.error, now
        if code is not None and 200 <= code < 300:
            delivery.move_to(DeliveryStatus.DELIVERED)
            delivery.delivered_at, delivery.next_attempt_at = now, None
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.move_to(DeliveryStatus.GAVE_UP)
            delivery.next_attempt_at = None
        else:
            delivery.move_to(DeliveryStatus.FAILED)
            delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
            transaction.on_commit(lambda: _schedule_retry(delivery))
        delivery.save(update_fields=["status", "attempts", "last_status_code", "last_error", "updated_at",
                                     "delivered_at", "next_attempt_at"])
    return delivery


def deliveries_send_due() -> int:
    """Attempts every delivery whose time has come; returns how many were attempted."""
    due = (Delivery.objects.filter(status__in=SENDABLE, next_attempt_at__lte=clock.now(), endpoint__active=True)
           .order_by("next_attempt_at").values_list("pk", flat=True))
    return sum(delivery_attempt(delivery_id=pk) is not None for pk in list(due))
