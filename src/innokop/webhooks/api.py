"""Webhooks in the API, for integrators: an organisation's admins list and register endpoints, send a test ping,
read the delivery log and send a delivery again (the pages do the rest: rotate the secret, deactivate).

Operations: webhook_list, webhook_register, webhook_ping, webhook_deliveries, webhook_delivery_resend."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from innokop.core.pagination import DEFAULT_LIMIT, Cursor, Limit, cursor_page
from innokop.core.schemas import BODY, BY_ID, SIGNED_IN, Id, responses

from . import services
from .permissions import (
    administered_organisation_ids,
    check_send_rate,
    get_delivery_for_actor,
    get_endpoint_for_actor,
    get_organisation_for_admin,
    visible_endpoints,
)
from .schemas import DeliveryOut, EndpointCreatedOut, EndpointIn, EndpointOut

router = Router(tags=["webhooks"])


@router.get("/webhooks", response=responses(list[EndpointOut], SIGNED_IN, 422), url_name="webhooks",
            summary="The webhooks of the organisations you administer, newest first")
def webhook_list(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    return cursor_page(request, response, visible_endpoints(request.actor), order=("-created_at", "-pk"),
                       cursor=cursor, limit=limit)


@router.post("/webhooks", response=responses(EndpointCreatedOut, SIGNED_IN, BY_ID, BODY, status=201),
             url_name="webhook_register", summary="Register a webhook; the answer holds its secret, this once")
def webhook_register(request, body: EndpointIn):
    administered = administered_organisation_ids(request.actor)
    if body.organisation_id is None and len(administered) != 1:
        if not administered:
            raise PermissionDenied(_("Only an organisation's admins manage its webhooks."))
        raise services.WebhookError(_("Say which organisation the webhook is for."), code="organisation_required")
    organisation_id = body.organisation_id if body.organisation_id is not None else next(iter(administered))
    organisation = get_organisation_for_admin(request.actor, organisation_id)
    endpoint, secret = services.endpoint_register(actor=request.user, organisation=organisation, url=body.url,
                                                  events=body.events)
    endpoint.secret = secret
    return Status(201, endpoint)


@router.get("/webhooks/{webhook_id}/deliveries", response=responses(list[DeliveryOut], SIGNED_IN, BY_ID),
            url_name="webhook_deliveries", summary="A webhook's deliveries, newest first, with their status")
def webhook_deliveries(request, webhook_id: Id, response: HttpResponse, cursor: Cursor = None,
                       limit: Limit = DEFAULT_LIMIT):
    endpoint = get_endpoint_for_actor(request.actor, webhook_id)
    deliveries = endpoint.deliveries.prefetch_related("attempt_log")
    return cursor_page(request, response, deliveries, order=("-created_at", "-pk"), cursor=cursor, limit=limit)


@router.post("/webhooks/{webhook_id}/ping", response=responses(DeliveryOut, SIGNED_IN, BY_ID, 409, 429, status=202),
             url_name="webhook_ping",
             summary="Send a test ping to a webhook; the answer is the delivery, sent in the background")
def webhook_ping(request, webhook_id: Id):
    endpoint = get_endpoint_for_actor(request.actor, webhook_id)
    check_send_rate(request, endpoint)
    return Status(202, services.endpoint_ping(actor=request.user, endpoint=endpoint))


@router.post("/webhooks/deliveries/{delivery_id}/resend",
             response=responses(DeliveryOut, SIGNED_IN, BY_ID, 409, 429, status=202), url_name="webhook_delivery_resend",
             summary="Send a delivery again: the same body, a new round of attempts; the earlier attempts stay listed")
def webhook_delivery_resend(request, delivery_id: UUID):
    delivery = get_delivery_for_actor(request.actor, delivery_id)
    check_send_rate(request, delivery.endpoint)
    return Status(202, services.delivery_resend(actor=request.user, delivery=delivery))
