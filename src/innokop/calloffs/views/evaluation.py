"""Pages of the evaluation: qualifying the opened tenders, scoring, consensus, the ranking, reopening.

The agency's pages: 404 to anyone outside the agency (suppliers included), 403 to agency members
outside the call-off's team when they would change something.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.core.forms import add_service_errors, posted, service_button
from innokop.core.refusals import REFUSALS, refusal_message

from .. import evaluation
from ..award_forms import DeclarationForm, LotDrawForm, RejectForm, ReopenForm, ScoresForm
from ..models import CallOff, CallOffStatus, ConsensusScore, Evaluation, Score
from ..permissions import get_calloff_for_agency, is_team_member
from ..services import evaluating, opening
from .opening import opened_or_404


def evaluation_context(request, calloff: CallOff) -> dict:
    """Every opened tender with its qualification and how far its scoring has come; queries do not grow with them."""
    opened = opening.opened_tenders(calloff)
    criteria = evaluating.scoring_criteria(calloff)
    mine, agreed = {}, {}
    for tender_id in Score.objects.filter(tender__calloff=calloff, evaluator=request.user).values_list("tender_id",
                                                                                                        flat=True):
        mine[tender_id] = mine.get(tender_id, 0) + 1
    for tender_id in ConsensusScore.objects.filter(tender__calloff=calloff).values_list("tender_id", flat=True):
        agreed[tender_id] = agreed.get(tender_id, 0) + 1
    declarations = list(calloff.declarations.select_related("evaluator").order_by("declared_at"))
    rows = [{"opened": o, "scored": bool(criteria) and mine.get(o.pk, 0) >= len(criteria),
             "agreed": bool(criteria) and agreed.get(o.pk, 0) >= len(criteria)} for o in opened]
    return {"calloff": calloff, "rows": rows, "criteria": criteria, "declarations": declarations,
            "declared": any(d.evaluator_id == request.user.pk for d in declarations),
            "is_team": is_team_member(request.actor, calloff), "is_opened": calloff.status == CallOffStatus.OPENED,
            "scores_quality": evaluating.scores_quality(calloff),
            "undecided": sum(1 for o in opened if o.tender.status not in evaluating.DECIDED)}


def consensus_context(calloff: CallOff, opened, user, *, consensus: bool) -> dict:
    """The tender's answers next to each criterion; for consensus, every evaluator's score side by side."""
    criteria = evaluating.scoring_criteria(calloff)
    answers = opened.content.criteria if opened.content else {}
    scores = list(Score.objects.filter(tender=opened.tender).select_related("evaluator")
                  .order_by("evaluator__full_name", "evaluator_id"))
    evaluators = list({s.evaluator_id: s.evaluator for s in scores}.values())
    by_key = {(s.criterion_id, s.evaluator_id): s for s in scores}
    table = [{"criterion": c, "answer": answers.get(c.pk, ""),
              "scores": [(e, by_key.get((c.pk, e.pk))) for e in evaluators]} for c in criteria]
    if consensus:
        existing = {row.criterion_id: row for row in ConsensusScore.objects.filter(tender=opened.tender)}
        initial = {}
        for row in table:
            pk, given = row["criterion"].pk, [s.score for _e, s in row["scores"] if s is not None]
            if pk in existing:
                initial |= {f"score_{pk}": str(existing[pk].score), f"reason_{pk}": existing[pk].reason}
            elif given and len(set(given)) == 1:
                initial[f"score_{pk}"] = str(given[0])  # the evaluators agree: a starting point, reasons still asked
    else:
        initial = {}
        for s in scores:
            if s.evaluator_id == user.pk:
                initial |= {f"score_{s.criterion_id}": str(s.score), f"reason_{s.criterion_id}": s.comment}
    return {"calloff": calloff, "opened": opened, "table": table, "evaluators": evaluators, "initial": initial,
            "answers": answers}


def ranking_context(request, calloff: CallOff) -> dict:
    """While opened: the ranking computed now; afterwards: the ranking as stored when the evaluation was completed."""
    stored = Evaluation.objects.filter(calloff=calloff).select_related("winner__supplier", "completed_by").first()
    if calloff.status == CallOffStatus.OPENED or stored is None:
        preview = evaluating.ranking_preview(calloff)
        rows = evaluating.ranking_rows(preview) if preview.ranking else []
        notes = list(preview.ranking.notes) if preview.ranking else []
        problems, tied = preview.problems, preview.tied_groups
    else:
        (rows, notes), problems, tied = evaluating.stored_ranking(calloff, stored), [], []
    draws = [n for n in (stored.notes if stored else []) if isinstance(n, dict) and n.get("kind") == "lot_draw"]
    is_team = is_team_member(request.actor, calloff)
    return {"calloff": calloff, "rows": rows, "problems": problems, "tied_groups": tied, "notes": notes,
            "draws": draws, "stored": stored, "is_team": is_team, "method": calloff.evaluation_model,
            "weights": evaluating.weights_text(calloff),
            "tie_rules": [evaluation.TieRule(r).label for r in calloff.tie_rules],
            "may_complete": is_team and calloff.status == CallOffStatus.OPENED and not problems}


# --- qualification --------------------------------------------------------------------------------


@login_required
@require_POST
def tender_qualify(request, pk: int, tender_pk: int):
    calloff = get_calloff_for_agency(request.actor, pk, write=True)
    opened = opened_or_404(calloff, tender_pk)
    qualified = _("%(supplier)s's tender is qualified.") % {"supplier": opened.tender.supplier.name}
    if service_button(request, evaluating.tender_qualify, qualified, tender=opened.tender):
        return redirect("calloffs:evaluation_overview", pk=calloff.pk)
    return redirect("calloffs:opened_tender", pk=calloff.pk, tender_pk=tender_pk)


@login_required
@require_http_methods(["GET", "POST"])
def tender_reject(request, pk: int, tender_pk: int):
    calloff = get_calloff_for_agency(request.actor, pk, write=True)
    opened = opened_or_404(calloff, tender_pk)
    suggestion = opened.tender.rejection_reason_text or evaluating.rejection_suggestion(calloff, opened)
    form = RejectForm(posted(request), initial={"reason": suggestion})
    if request.method == "POST" and form.is_valid():
        try:
            evaluating.tender_reject(actor=request.user, tender=opened.tender, reason=form.cleaned_data["reason"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(supplier)s's tender is rejected; the reason goes with the award "
                                        "decision.") % {"supplier": opened.tender.supplier.name})
            return redirect("calloffs:evaluation_overview", pk=calloff.pk)
    return render(request, "calloffs/award/reject.html", {"calloff": calloff, "opened": opened, "form": form})


# --- evaluation -----------------------------------------------------------------------------------


@login_required
@require_safe
def evaluation_overview(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk)
    if calloff.status not in opening.AFTER_OPENING:
        return redirect("calloffs:opening", pk=calloff.pk)
    return render(request, "calloffs/award/evaluation.html", evaluation_context(request, calloff))


@login_required
@require_http_methods(["GET", "POST"])
def conflict_declare(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk, write=True)
    form = DeclarationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            evaluating.conflict_declare(actor=request.user, calloff=calloff, confirmed=form.cleaned_data["confirm"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your declaration is recorded. You can score the tenders."))
            return redirect("calloffs:evaluation_overview", pk=calloff.pk)
    return render(request, "calloffs/award/declaration.html", {
        "calloff": calloff, "form": form, "declaration": evaluating.declaration_of(calloff, request.user),
        "statement": evaluating.conflict_statement(calloff, request.user)})


def _scores_page(request, pk: int, tender_pk: int, *, consensus: bool):
    calloff = get_calloff_for_agency(request.actor, pk, write=True)
    opened = opened_or_404(calloff, tender_pk)
    if evaluating.declaration_of(calloff, request.user) is None:
        messages.info(request, _("Declare that you have no conflict of interest before you score the tenders."))
        return redirect("calloffs:conflict_declare", pk=calloff.pk)
    context = consensus_context(calloff, opened, request.user, consensus=consensus)
    form = ScoresForm(posted(request), criteria=evaluating.scoring_criteria(calloff),
                      reasons_required=consensus, initial=context["initial"])
    if request.method == "POST" and form.is_valid():
        service = evaluating.consensus_record if consensus else evaluating.scores_record
        try:
            service(actor=request.user, tender=opened.tender, scores=form.service_data())
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The consensus scores are saved.") if consensus
                             else _("Your scores are saved."))
            return redirect("calloffs:evaluation_overview", pk=calloff.pk)
    template = "calloffs/award/consensus.html" if consensus else "calloffs/award/score.html"
    return render(request, template, context | {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def score_tender(request, pk: int, tender_pk: int):
    return _scores_page(request, pk, tender_pk, consensus=False)


@login_required
@require_http_methods(["GET", "POST"])
def consensus_tender(request, pk: int, tender_pk: int):
    return _scores_page(request, pk, tender_pk, consensus=True)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_ranking(request, pk: int):
    """The ranking as it stands; the team completes the evaluation, with a recorded draw if a tie needs one."""
    calloff = get_calloff_for_agency(request.actor, pk, write=request.method == "POST")
    if calloff.status not in opening.AFTER_OPENING:
        return redirect("calloffs:opening", pk=calloff.pk)
    context = ranking_context(request, calloff)
    form = LotDrawForm(posted(request), groups=context["tied_groups"]) if context["tied_groups"] else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            evaluating.evaluation_complete(actor=request.user, calloff=calloff, draw=form.draw() if form else None,
                                           witness=form.cleaned_data["witness"] if form else "")
        except REFUSALS as error:
            if form is None:
                messages.error(request, refusal_message(error))
                return redirect("calloffs:evaluation_ranking", pk=calloff.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evaluation is completed. Write and send the award decision."))
            return redirect("calloffs:decision_prepare", pk=calloff.pk)
    return render(request, "calloffs/award/ranking.html", context | {"form": form})


@login_required
@require_safe
def evaluation_sensitivity(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk)
    if calloff.status not in opening.AFTER_OPENING:
        return redirect("calloffs:opening", pk=calloff.pk)
    view = evaluating.sensitivity_view(calloff)
    return render(request, "calloffs/award/sensitivity.html", {
        "calloff": calloff, "view": view, "outcomes": view.outcome_rows() if view.result else [],
        "ranges": view.range_rows(), "price_derived": evaluation.PRICE in view.ranges})


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_reopen(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk, write=True)
    form = ReopenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            evaluating.evaluation_reopen(actor=request.user, calloff=calloff, reason=form.cleaned_data["reason"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evaluation is reopened."))
            return redirect("calloffs:evaluation_overview", pk=calloff.pk)
    return render(request, "calloffs/award/reopen.html", {"calloff": calloff, "form": form})


urlpatterns = [
    path("call-offs/<int:pk>/opened/<int:tender_pk>/qualify/", tender_qualify, name="tender_qualify"),
    path("call-offs/<int:pk>/opened/<int:tender_pk>/reject/", tender_reject, name="tender_reject"),
    path("call-offs/<int:pk>/evaluate/", evaluation_overview, name="evaluation_overview"),
    path("call-offs/<int:pk>/evaluate/declaration/", conflict_declare, name="conflict_declare"),
    path("call-offs/<int:pk>/evaluate/scores/<int:tender_pk>/", score_tender, name="score_tender"),
    path("call-offs/<int:pk>/evaluate/consensus/<int:tender_pk>/", consensus_tender, name="consensus_tender"),
    path("call-offs/<int:pk>/evaluate/ranking/", evaluation_ranking, name="evaluation_ranking"),
    path("call-offs/<int:pk>/evaluate/sensitivity/", evaluation_sensitivity, name="evaluation_sensitivity"),
    path("call-offs/<int:pk>/evaluate/reopen/", evaluation_reopen, name="evaluation_reopen"),
]
