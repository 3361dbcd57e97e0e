"""The call-off's ranking section: publishing by offering to the first-ranked supplier, and the answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from innokop.core import clock
from innokop.core.calendar import warns_non_working
from innokop.core.formats import when
from innokop.core.forms import add_service_errors
from innokop.core.refusals import REFUSALS

from ..dialogue_forms import OfferAnswerForm, RankingPublishForm
from ..models import CallOff, CallOffKind, CallOffStatus, OfferStatus
from ..permissions import get_calloff_for_agency, get_calloff_for_supplier
from ..services import publication_problems
from ..services import ranking as services


def _offer_rows(offers, now) -> list[dict]:
    return [{"offer": offer, "state": services.offer_state(offer, now),
             "label": OfferStatus(services.offer_state(offer, now)).label} for offer in offers]


def detail_context(request, calloff: CallOff, now, *, agency: bool) -> dict:
    if calloff.method != CallOffKind.RANKING or calloff.published_at is None:
        return {}
    services.ranking_offers_advance(calloff=calloff)  # a missed answer deadline passes on when read
    offers = list(calloff.offers.select_related("supplier", "answered_by", "calloff"))
    if agency:
        asked = {offer.supplier_id for offer in offers}
        waiting = [a for a in services.ranked_suppliers(calloff) if a.supplier_id not in asked]
        is_open = any(offer.status == OfferStatus.OFFERED for offer in offers)
        return {"ranking_offers": _offer_rows(offers, now), "ranking_waiting": waiting,
                "ranking_exhausted": calloff.status == CallOffStatus.OFFERED and not is_open and not waiting}
    own = {m.organisation_id for m in request.actor.memberships}
    mine = [offer for offer in offers if offer.supplier_id in own]
    open_offer = next((o for o in mine if services.offer_state(o, now) == OfferStatus.OFFERED), None)
    return {"ranking_offers": _offer_rows(mine, now), "open_offer": open_offer,
            "may_answer_offer": open_offer is not None and services.answering_offer(request.user, calloff) is not None}


def ranking_check(request, calloff: CallOff, *, step: int, steps: int):
    """Step 4 of a call-off in ranking order: check, choose the answer deadline, and offer it to rank 1."""
    now = clock.now()
    form = RankingPublishForm(request.POST or None, initial={"answer_by": services.default_answer_by(now)})
    warning = None
    if request.method == "POST" and form.is_valid():
        answer_by = form.cleaned_data["answer_by"]
        if warns_non_working(answer_by) and not form.cleaned_data["accept_non_working"]:
            warning = _("The answer deadline falls on a weekend or public holiday (%(when)s). Suppliers may need a "
                        "working day: move it, or tick the box to keep it.") % {"when": when(answer_by)}
        else:
            try:
                services.ranking_offer_first(actor=request.user, calloff=calloff, answer_by=answer_by)
            except REFUSALS as error:
                add_service_errors(form, error)
            else:
                return redirect("calloffs:ranking_offered", pk=calloff.pk)
    return render(request, "calloffs/ranking/check.html", {
        "calloff": calloff, "lot": calloff.lot, "step": step, "steps": steps, "form": form, "warning": warning,
        "problems": publication_problems(calloff), "suppliers": services.ranked_suppliers(calloff),
        "requirements": calloff.requirements.all()})


@login_required
@require_safe
def ranking_offered(request, pk: int):
    """The confirmation after publishing: the reference, who has the offer and what happens next."""
    calloff = get_calloff_for_agency(request.actor, pk)
    if calloff.method != CallOffKind.RANKING or calloff.published_at is None:
        raise Http404
    first = calloff.offers.select_related("supplier").order_by("rank").first()
    return render(request, "calloffs/ranking/offered.html", {"calloff": calloff, "offer": first})


@login_required
@require_http_methods(["GET", "POST"])
def offer_answer(request, pk: int):
    """The offered supplier accepts, or declines with a reason; the agency's own people may only read (403)."""
    calloff = get_calloff_for_supplier(request.actor, pk)
    offer = services.answering_offer(request.user, calloff)
    if offer is None:
        messages.error(request, _("There is no offer waiting for your company's answer in this call-off."))
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    form = OfferAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == OfferAnswerForm.ACCEPT
        try:
            if accept:
                services.ranking_offer_accept(actor=request.user, offer=offer)
            else:
                services.ranking_offer_decline(actor=request.user, offer=offer, reason=form.cleaned_data["reason"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("You have accepted the call-off. The agency is told and prepares the "
                                        "contract.") if accept else
                             _("You have declined the call-off. The agency is told your reason."))
            return redirect("calloffs:calloff_detail", pk=calloff.pk)
    return render(request, "calloffs/ranking/answer.html", {"calloff": calloff, "offer": offer, "form": form,
                                                            "expired": clock.now() >= offer.answer_by})


urlpatterns = [
    path("call-offs/<int:pk>/offered/", ranking_offered, name="ranking_offered"),
    path("call-offs/<int:pk>/offer/", offer_answer, name="offer_answer"),
]
