"""Who sees webhooks: the admins of the endpoint's organisation, and nobody else (404 for everyone else: an
organisation's integrations are not disclosed to its other members either)."""

from django.db.models import QuerySet
from django.http import Http404

from innokop.accounts.models import Organisation
from innokop.accounts.permissions import Actor
from innokop.core import ratelimit
from innokop.core.permissions import get_for_actor

from .models import Delivery, Endpoint


def administered_organisation_ids(actor: Actor) -> set[int]:
    return {organisation.pk for organisation in actor.admin_organisations()}


def get_organisation_for_admin(actor: Actor, pk: int) -> Organisation:
    if pk not in administered_organisation_ids(actor):
        raise Http404
    return Organisation.objects.get(pk=pk)


def visible_endpoints(actor: Actor) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(organisation_id__in=administered_organisation_ids(actor))


def get_endpoint_for_actor(actor: Actor, pk: int) -> Endpoint:
    visible = visible_endpoints(actor).select_related("organisation")
    return get_for_actor(visible, visible, pk)


def get_delivery_for_actor(actor: Actor, pk) -> Delivery:
    visible = Delivery.objects.filter(endpoint__in=visible_endpoints(actor)).select_related("endpoint__organisation")
    return get_for_actor(visible, visible, pk)


def check_send_rate(request, endpoint: Endpoint) -> None:
    """Counts a test ping or a "send again" (settings.INNOKOP_RATE_LIMITS["webhook_send"]) for the person and for
    the webhook, so that several admins together cannot flood a receiver either; raises core.ratelimit.RateLimited
    when either has had too many lately. Called after the permission check: who may not see the webhook gets 404."""
    ratelimit.check("webhook_send", [ratelimit.requester_key(request), f"webhook:{endpoint.pk}"])
