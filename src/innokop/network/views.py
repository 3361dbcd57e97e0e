"""The network pages: good-practice cases (public once published), this instance's signed feed, what was
imported from partners (read-only), and the purchasing body's subscriptions to partners' feeds."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.core import clock
from innokop.core.forms import add_service_errors, posted, service_button
from innokop.core.refusals import refusal_message

from . import feed, keys, services
from .forms import CASE_FIELDS, CaseForm, SubscriptionForm
from .models import CaseStatus, GoodPracticeCase, ItemKind, NetworkItem, SigningKey, Subscription
from .permissions import (
    case_author_organisations,
    get_case_for_actor,
    get_case_for_review,
    get_item_for_actor,
    get_subscription_for_actor,
    may_manage_keys,
    may_subscribe,
    may_write_cases,
    visible_cases,
)


@require_safe
def home(request):
    actor = request.actor
    cases = GoodPracticeCase.objects.published().select_related("organisation")
    own = visible_cases(actor).exclude(status=CaseStatus.PUBLISHED)
    items = NetworkItem.objects.select_related("subscription__partner")
    return render(request, "network/home.html", {
        "cases": cases, "own_cases": own, "items": items, "kinds": ItemKind,
        "public_key": keys.current_public_key(clock.now()), "may_write": may_write_cases(actor),
        "may_subscribe": may_subscribe(actor), "may_manage_keys": may_manage_keys(actor)})


@require_safe
def feed_json(request):
    """The signed feed, for partners' instances to import."""
    response = JsonResponse(feed.build(request.build_absolute_uri("/")), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def case_detail(request, pk: int):
    case = get_case_for_actor(request.actor, pk)
    return render(request, "network/case_detail.html", {
        "case": case, "parts": [(part, case.text(part)) for part in CASE_FIELDS[1:]],
        "may_edit": case.status == CaseStatus.DRAFT and case.organisation in case_author_organisations(request.actor),
        "may_review": case.status == CaseStatus.IN_REVIEW and request.actor.is_framework_manager})


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    organisations = case_author_organisations(request.actor)
    if not organisations:
        raise PermissionDenied
    form = CaseForm(posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, organisation=form.cleaned_data["organisation"],
                                        fields=form.case_fields())
        except services.NetworkError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case is saved as a draft."))
            return redirect("network:case_detail", case.pk)
    return render(request, "network/case_form.html", {"form": form}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    case = get_case_for_actor(request.actor, pk, write=True)
    initial = {name: getattr(case, name) for name in CaseForm(organisations=()).fields if name != "organisation"}
    initial["organisation"] = case.organisation_id
    form = CaseForm(posted(request), initial=initial, organisations=[case.organisation])
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(actor=request.user, case=case, fields=form.case_fields())
        except services.NetworkError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case is saved."))
            return redirect("network:case_detail", case.pk)
    return render(request, "network/case_form.html", {"form": form, "case": case},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def case_submit(request, pk: int):
    case = get_case_for_actor(request.actor, pk, write=True)
    service_button(request, services.case_submit, _("The case is sent to the purchasing body for review."), case=case)
    return redirect("network:case_detail", case.pk)


@login_required
@require_POST
def case_review(request, pk: int):
    case = get_case_for_review(request.actor, pk)
    publish = request.POST.get("decision") == "publish"
    service_button(request, services.case_review, _("The case is published.") if publish
                   else _("The case is returned to its author."), case=case, publish=publish)
    return redirect("network:case_detail", case.pk)


@require_safe
def item_detail(request, pk: int):
    item = get_item_for_actor(request.actor, pk)
    parts = [(part, item.text(part)) for part in CASE_FIELDS[1:]] if item.kind == ItemKind.CASE else []
    return render(request, "network/item_detail.html", {"item": item, "parts": parts})


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    if not may_subscribe(request.actor):
        raise PermissionDenied
    form = SubscriptionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.subscribe(actor=request.user, **form.cleaned_data)
        except services.NetworkError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("You now follow %(partner)s's feed. It is imported every day; import it now "
                                        "to see its cases.") % {"partner": subscription.partner})
            return redirect("network:subscriptions")
    return render(request, "network/subscriptions.html", {
        "form": form, "subscriptions": Subscription.objects.select_related("partner").prefetch_related("keys"),
        "partners": Organisation.objects.filter(kind=OrganisationKind.PARTNER)},
        status=422 if form.errors else 200)


@login_required
@require_POST
def subscription_import(request, pk: int):
    subscription = get_subscription_for_actor(request.actor, pk)
    try:
        counts = services.import_feed(subscription)
    except services.FeedRefused as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("The feed is imported: %(added)s new, %(updated)s changed, %(removed)s removed.")
                         % counts)
    return redirect("network:subscriptions")


@login_required
@require_POST
def subscription_delete(request, pk: int):
    subscription = get_subscription_for_actor(request.actor, pk)
    service_button(request, services.unsubscribe, _("You no longer follow the feed."), subscription=subscription)
    return redirect("network:subscriptions")


@require_safe
def keys_json(request):
    """The public keys signing the feed, with their ids and validity (a well-known address)."""
    response = JsonResponse(keys.keys_document(clock.now()), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
@require_safe
def signing_keys(request):
    if not may_manage_keys(request.actor):
        raise PermissionDenied
    now = clock.now()
    signing_now = {key.key_id for key in keys.signing_keys(now)}
    return render(request, "network/keys.html", {
        "recorded": SigningKey.objects.all(), "settings_key": keys.settings_key(), "signing_now": signing_now,
        "transition_days": settings.INNOKOP_NETWORK_KEY_TRANSITION_DAYS, "may_end": len(signing_now) > 1})


@login_required
@require_POST
def signing_key_rotate(request):
    if not may_manage_keys(request.actor):
        raise PermissionDenied
    service_button(request, services.signing_key_rotate, _("A new key signs the feed. The previous key signs it too "
                                                           "until the transition ends."))
    return redirect("network:keys")


@login_required
@require_POST
def signing_key_transition_end(request):
    if not may_manage_keys(request.actor):
        raise PermissionDenied
    service_button(request, services.signing_key_transition_end, _("Only the current key signs the feed now."))
    return redirect("network:keys")
