"""Webhook pages for an organisation's admins: the endpoints, registering one (its secret shown once), rotating
the secret, deactivating, a test ping, and the log of deliveries with "send again"."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.accounts.models import Membership
from innokop.core.forms import add_service_errors, posted, service_button
from innokop.core.ratelimit import RateLimited
from innokop.core.refusals import REFUSALS

from . import demo, services
from .forms import EndpointForm
from .models import Endpoint
from .permissions import (
    check_send_rate,
    get_delivery_for_actor,
    get_endpoint_for_actor,
    get_organisation_for_admin,
)

LOG_LENGTH = 100
"""Deliveries on a page of the log, newest first; older ones on the next pages."""


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_list(request, pk: int):
    organisation = get_organisation_for_admin(request.actor, pk)
    form = EndpointForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_register(actor=request.user, organisation=organisation,
                                                          **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            return _detail(request, endpoint, new_secret=secret)
    endpoints = Endpoint.objects.filter(organisation=organisation)
    return render(request, "webhooks/endpoint_list.html",
                  {"organisation": organisation, "endpoints": endpoints, "form": form})


def _detail(request, endpoint: Endpoint, *, new_secret: str | None = None, status: int = 200,
            rate_limited: RateLimited | None = None):
    deliveries = Paginator(endpoint.deliveries.prefetch_related("attempt_log").order_by("-created_at", "-pk"),
                           LOG_LENGTH).get_page(request.GET.get("page"))
    # Deliveries read as the creator within the organisation (rendering.py): without them it sees nothing.
    creator_left = not Membership.objects.filter(user_id=endpoint.created_by_id,
                                                 organisation_id=endpoint.organisation_id,
                                                 user__is_active=True).exists()
    return render(request, "webhooks/endpoint_detail.html",
                  {"endpoint": endpoint, "organisation": endpoint.organisation, "deliveries": deliveries,
                   "new_secret": new_secret, "creator_left": creator_left,
                   "rate_limited": rate_limited.message if rate_limited else None,
                   "demo_log": settings.INNOKOP_DEMO and endpoint.url == demo.URL}, status=status)


@login_required
@require_safe
def endpoint_detail(request, pk: int):
    return _detail(request, get_endpoint_for_actor(request.actor, pk))


@login_required
@require_POST
def endpoint_rotate(request, pk: int):
    endpoint = get_endpoint_for_actor(request.actor, pk)
    secret = services.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
    return _detail(request, endpoint, new_secret=secret)


@login_required
@require_POST
def endpoint_deactivate(request, pk: int):
    endpoint = get_endpoint_for_actor(request.actor, pk)
    service_button(request, services.endpoint_deactivate, _("The webhook is deactivated: nothing more is sent to it."),
                   endpoint=endpoint)
    return redirect("webhooks:endpoint", pk=endpoint.pk)


def _too_often(request, endpoint: Endpoint):
    """The page again, status 429, saying how long to wait, when pings and resends come too often (per person and
    per webhook: a receiver is not flooded by several admins either); None when the request may go on."""
    try:
        check_send_rate(request, endpoint)
    except RateLimited as error:
        response = _detail(request, endpoint, status=429, rate_limited=error)
        response["Retry-After"] = str(error.retry_after)
        return response
    return None


@login_required
@require_POST
def endpoint_ping(request, pk: int):
    endpoint = get_endpoint_for_actor(request.actor, pk)
    if refused := _too_often(request, endpoint):
        return refused
    service_button(request, services.endpoint_ping, _("A test ping has been sent: see the log below."),
                   endpoint=endpoint)
    return redirect("webhooks:endpoint", pk=endpoint.pk)


@login_required
@require_POST
def delivery_resend(request, pk):
    delivery = get_delivery_for_actor(request.actor, pk)
    if refused := _too_often(request, delivery.endpoint):
        return refused
    service_button(request, services.delivery_resend, _("The delivery is sent again: see its status below."),
                   delivery=delivery)
    return redirect("webhooks:endpoint", pk=delivery.endpoint_id)
