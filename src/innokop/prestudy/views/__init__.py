"""Pages of pre-studies (the purchasing body) and needs (the agencies, and the public for public needs)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.core.forms import add_service_errors, posted, service_button
from innokop.core.refusals import REFUSALS

from .. import aggregation, matching, services
from ..forms import AdvanceForm, DecideForm, JoinForm, LinkForm, NeedForm, PreStudyForm
from ..models import Assessment, Need, NeedInterest, PreStudy, PreStudyStatus
from ..permissions import (
    agency_memberships,
    get_interest_for_actor,
    get_need_for_actor,
    get_need_for_cpb,
    get_need_to_join,
    get_prestudy_for_actor,
    joining_agencies,
    managing_cpb,
    may_see_budget,
    may_see_matches,
    may_see_prestudy_of,
)
from ..services.market import shared_with_some
from ..services.procurement import need_agencies, report_documents
from ..wording import naming_warnings

# --- pre-studies (the purchasing body) -------------------------------------------------------------------------


@login_required
@require_safe
def prestudy_list(request):
    actor = request.actor
    if not actor.is_framework_manager and not actor.is_cpb:
        raise PermissionDenied
    prestudies = PreStudy.objects.visible_to(actor).select_related("owner").prefetch_related("needs")
    return render(request, "prestudy/prestudy_list.html", {"prestudies": prestudies,
                                                           "can_create": actor.is_framework_manager})


@login_required
@require_http_methods(["GET", "POST"])
def prestudy_create(request):
    owner = managing_cpb(request.actor)
    if owner is None:
        raise PermissionDenied
    form = PreStudyForm(posted(request), owner=owner, initial={"team": [request.user]})
    if request.method == "POST" and form.is_valid():
        try:
            prestudy = services.prestudy_create(actor=request.user, owner=owner, given=form.prestudy_input())
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The pre-study is created. Move it to collecting when you start gathering "
                                        "needs."))
            return redirect("prestudy:prestudy_detail", prestudy.pk)
    return render(request, "prestudy/prestudy_form.html", {"form": form})


@login_required
@require_safe
def prestudy_detail(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk)
    needs = list(aggregation.prefetched(prestudy.needs.select_related("agency")))
    manages = PreStudy.objects.managed_by(request.actor).filter(pk=prestudy.pk).exists()
    divisions = {code.division for code in prestudy.cpv_codes.all()}
    candidates = []
    if manages and prestudy.is_open:
        same_division = Q()
        for division in sorted(divisions):
            same_division |= Q(cpv_codes__code__startswith=division)
        candidates = list(Need.objects.visible_to(request.actor).filter(same_division, prestudy__isnull=True)
                          .distinct().select_related("agency")[:50]) if divisions else []
    moves = [status for status in services.ADVANCES if prestudy.can_move_to(status)]
    return render(request, "prestudy/prestudy_detail.html", {
        "prestudy": prestudy, "needs": needs, "manages": manages, "candidates": candidates,
        "surveys": prestudy.surveys.annotate(asked=Count("recipients", distinct=True),
                                             answered=Count("answers", distinct=True)),
        "dialogues": prestudy.dialogues.annotate(answered=Count("responses")),
        "market_entries": prestudy.market_entries.select_related("solution", "supplier"),
        "shared": list(shared_with_some(prestudy)),
        "totals": aggregation.totals(needs, public=False, with_budget=True),
        "moves": [(status, PreStudyStatus(status).label) for status in sorted(moves, key=_order)],
        "can_decide": manages and prestudy.status == PreStudyStatus.CONCLUDED,
        "assessment": Assessment.objects.filter(prestudy=prestudy).first(),
        "report_documents": report_documents(prestudy),
        "steps": prestudy.steps.select_related("actor"), "team": prestudy.team.all()})


def _order(status: str) -> int:
    return list(PreStudyStatus.values).index(status)


@login_required
@require_http_methods(["GET", "POST"])
def prestudy_edit(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=True)
    form = PreStudyForm(posted(request), owner=prestudy.owner, initial=PreStudyForm.initial_from(prestudy))
    if request.method == "POST" and form.is_valid():
        try:
            services.prestudy_update(actor=request.user, prestudy=prestudy, given=form.prestudy_input())
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The pre-study is saved."))
            return redirect("prestudy:prestudy_detail", prestudy.pk)
    return render(request, "prestudy/prestudy_form.html", {"form": form, "prestudy": prestudy})


@login_required
@require_http_methods(["GET", "POST"])
def prestudy_advance(request, pk: int, status: str):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=True)
    if status not in services.ADVANCES:
        raise Http404
    form = AdvanceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.prestudy_advance(actor=request.user, prestudy=prestudy, to_status=status,
                                      note=form.cleaned_data["note"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The pre-study is now: %(status)s.") % {"status": PreStudyStatus(status).label})
            return redirect("prestudy:prestudy_detail", prestudy.pk)
    return render(request, "prestudy/prestudy_advance.html", {
        "prestudy": prestudy, "form": form, "target": PreStudyStatus(status).label,
        "possible": prestudy.can_move_to(status)}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def prestudy_decide(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=True)
    form = DecideForm(posted(request), actor=request.actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.prestudy_decide(actor=request.user, prestudy=prestudy, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded and the agencies concerned are told."))
            return redirect("prestudy:prestudy_detail", prestudy.pk)
    return render(request, "prestudy/prestudy_decide.html", {
        "prestudy": prestudy, "form": form, "possible": prestudy.status == PreStudyStatus.CONCLUDED},
        status=422 if form.errors else 200)


# --- needs -----------------------------------------------------------------------------------------------------


@require_safe
def need_list(request):
    """Public needs for everyone (internal ones too for their agency and the purchasing body); the totals are
    public totals: public needs only, volumes only."""
    visible = Need.objects.visible_to(request.actor).select_related("agency", "region").prefetch_related("cpv_codes")
    public = aggregation.prefetched(Need.objects.public())
    return render(request, "prestudy/need_list.html", {
        "needs": visible[:200], "totals": aggregation.totals(public, public=True),
        "is_agency": bool(agency_memberships(request.actor))})


@login_required
@require_safe
def my_needs(request):
    agencies = agency_memberships(request.actor)
    if not agencies:
        raise PermissionDenied
    ids = [agency.pk for agency in agencies]
    return render(request, "prestudy/my_needs.html", {
        "agencies": agencies,
        "needs": Need.objects.filter(agency_id__in=ids).select_related("agency", "prestudy").annotate(
            joined_count=Count("interests", filter=Q(interests__withdrawn_at__isnull=True))),
        "joined": NeedInterest.objects.active().filter(agency_id__in=ids).select_related("need__agency", "agency")})


def _need_form_page(request, form, *, need=None, save):
    warnings = []
    if request.method == "POST" and form.is_valid():
        warnings = naming_warnings(*form.texts())
        if not warnings or "save_anyway" in request.POST:
            try:
                saved = save(form.need_input())
            except REFUSALS as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The need is saved."))
                return redirect("prestudy:need_detail", saved.pk)
    return render(request, "prestudy/need_form.html", {"form": form, "need": need, "warnings": warnings},
                  status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request):
    agencies = agency_memberships(request.actor)
    if not agencies:
        raise PermissionDenied
    form = NeedForm(posted(request), agencies=agencies, initial={"urgency": "medium", "is_public": "1"})
    return _need_form_page(request, form, save=lambda given: services.need_create(
        actor=request.user, agency=form.cleaned_data.get("agency") or agencies[0], given=given))


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request, pk: int):
    need = get_need_for_actor(request.actor, pk, write=True)
    form = NeedForm(posted(request), initial=NeedForm.initial_from(need))
    return _need_form_page(request, form, need=need, save=lambda given: services.need_update(
        actor=request.user, need=need, given=given))


@require_safe
def need_detail(request, pk: int):
    need = get_need_for_actor(request.actor, pk)
    one = list(aggregation.prefetched(Need.objects.filter(pk=need.pk)))
    actor = request.actor
    interests = need.interests.active().select_related("agency", "region")
    own_interests = [i for i in interests if i.agency_id in actor.organisation_ids]
    return render(request, "prestudy/need_detail.html", {
        "need": need, "cpv_codes": need.cpv_codes.all(), "interests": interests, "own_interests": own_interests,
        "totals": aggregation.totals(one, public=need.is_public),
        "sees_budget": may_see_budget(actor, need), "owns": need.agency_id in actor.organisation_ids,
        "may_join": need.is_public and bool(joining_agencies(actor, need)) and not own_interests,
        "may_link": actor.is_framework_manager and not (need.prestudy and need.prestudy.is_decided),
        "shows_prestudy": bool(need.prestudy_id) and may_see_prestudy_of(actor, need),
        "prestudy_visible": need.prestudy_id and PreStudy.objects.visible_to(actor).filter(
            pk=need.prestudy_id).exists(),
        "matches": matching.matches_for(actor, need) if may_see_matches(actor, need) else None,
        **_need_met(actor, need)})


def _need_met(actor, need: Need) -> dict:
    """The call-offs named as answering the need (the need is met once one is contracted), and whether the actor's
    agency may name one: an agency whose need it is, once the need's pre-study led to an agreement."""
    own = {agency.pk for agency in agency_memberships(actor)}
    links = list(need.calloff_links.select_related("calloff__agency"))
    return {"calloff_links": links, "actor_organisations": actor.organisation_ids,
            "may_name_calloff": bool(own & need_agencies(need)) and bool(need.prestudy_id and
                                                                         need.prestudy.agreement_id)}


@login_required
@require_http_methods(["GET", "POST"])
def need_join(request, pk: int):
    need = get_need_to_join(request.actor, pk)
    agencies = joining_agencies(request.actor, need)
    form = JoinForm(posted(request), agencies=agencies, need=need,
                    initial={"needed_year": need.needed_year, "needed_quarter": need.needed_quarter})
    if request.method == "POST" and form.is_valid():
        try:
            services.need_join(actor=request.user, need=need, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your agency has joined the need. Its agency is told."))
            return redirect("prestudy:need_detail", need.pk)
    return render(request, "prestudy/need_join.html", {"need": need, "form": form},
                  status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def interest_withdraw(request, pk: int):
    interest = get_interest_for_actor(request.actor, pk, write=True)
    if interest.withdrawn_at is not None:
        raise Http404
    if request.method == "POST":
        service_button(request, services.need_interest_withdraw, _("Your agency no longer joins the need."),
                       interest=interest)
        return redirect("prestudy:need_detail", interest.need_id)
    return render(request, "prestudy/interest_withdraw.html", {"interest": interest})


@login_required
@require_http_methods(["GET", "POST"])
def need_link(request, pk: int):
    need = get_need_for_cpb(request.actor, pk)
    form = LinkForm(posted(request), actor=request.actor, initial={"prestudy": need.prestudy_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.need_link(actor=request.user, need=need, prestudy=form.cleaned_data["prestudy"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The need is part of the pre-study. Its agency is told."))
            return redirect("prestudy:prestudy_detail", form.cleaned_data["prestudy"].pk)
    return render(request, "prestudy/need_link.html", {"need": need, "form": form},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def need_unlink(request, pk: int):
    need = get_need_for_cpb(request.actor, pk)
    service_button(request, services.need_link, _("The need is no longer part of the pre-study."), need=need,
                   prestudy=None)
    return redirect("prestudy:need_detail", need.pk)
