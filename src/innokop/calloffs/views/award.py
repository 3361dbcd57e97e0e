"""Pages of the opening, the evaluation, the award decision and the contract.

The agency's pages answer 404 to anyone outside the agency (suppliers included) and 403 to agency
members outside the call-off's team when they would change something. The decision is read by the
agency, by every tenderer and by the purchasing body that owns the agreement; the contract by the
agency and the contracted supplier.
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innokop.core import clock
from innokop.core.documents import safe_filename, sniff
from innokop.core.forms import add_service_errors

from .. import decision_documents, evaluation
from ..award_forms import ContractForm, DecisionForm, DeclarationForm, LotDrawForm, RejectForm, ReopenForm, ScoresForm
from ..models import AwardDecision, CallOff, CallOffStatus, ConsensusScore, Contract, Evaluation, OpeningRecord, Score
from ..permissions import get_calloff_for_actor, is_agency_member, is_team_member
from ..services import CallOffError, evaluating, opening
from ..services import award as awarding

REFUSED = (ValidationError, CallOffError)


def _posted(request):
    """The posted data, or None for a GET: an empty POST still binds the form, so it is validated."""
    return request.POST if request.method == "POST" else None


def _refusal(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _agency_calloff(request, pk: int, *, write: bool = False) -> CallOff:
    """The call-off for its agency: 404 for everyone else, 403 for a change by someone outside the team."""
    calloff = get_calloff_for_actor(request.actor, pk)
    if not is_agency_member(request.actor, calloff):
        raise Http404
    if write and not is_team_member(request.actor, calloff):
        raise PermissionDenied
    return calloff


def _opened(calloff: CallOff, tender_pk: int):
    try:
        return opening.opened_tender(calloff, tender_pk)
    except LookupError:
        raise Http404 from None


def _run(request, service, success: str, **kwargs) -> bool:
    """Calls a service for a button without a form; the refusal or the success is the next page's message."""
    try:
        service(actor=request.user, **kwargs)
    except REFUSED as error:
        messages.error(request, _refusal(error))
        return False
    messages.success(request, success)
    return True


# --- what the pages show -----------------------------------------------------------------------------


def opening_context(request, calloff: CallOff) -> dict:
    """Before the deadline only that the tenders are sealed: no record, no names, no count (rule 6)."""
    now = clock.now()
    sealed = calloff.status in (CallOffStatus.DRAFT, CallOffStatus.OPEN) and not calloff.may_open(now)
    record = None if sealed else (OpeningRecord.objects.filter(calloff=calloff)
                                  .select_related("started_by", "confirmed_by").first())
    entries = [entry | {"submitted": datetime.fromisoformat(entry["submitted_at"])}
               for entry in opening.opened_entries(record)]
    return {"calloff": calloff, "sealed": sealed, "may_open": calloff.may_open(now), "record": record,
            "entries": entries, "withdrawn": opening.withdrawn_count(record),
            "is_team": is_team_member(request.actor, calloff),
            "started_by_me": record is not None and record.started_by_id == request.user.pk}


def opened_tender_context(request, calloff: CallOff, opened) -> dict:
    content = opened.content
    record = OpeningRecord.objects.get(calloff=calloff)
    entry = next(e for e in opening.opened_entries(record) if e["tender"] == opened.pk)
    context = {"calloff": calloff, "opened": opened, "entry": entry, "content": content,
               "failures": evaluating.mandatory_failures(calloff, opened),
               "suggestion": evaluating.rejection_suggestion(calloff, opened),
               "may_decide": calloff.status == CallOffStatus.OPENED and is_team_member(request.actor, calloff)}
    if content is None:
        return context
    return context | {
        "requirement_rows": [(r, content.requirements.get(r.pk)) for r in evaluating.call_off_requirements(calloff)],
        "criterion_rows": [(c, content.criteria.get(c.pk, "")) for c in calloff.criteria.select_related("lot_criterion")],
        "price_rows": [(row, content.prices.get(row.pk)) for row in calloff.lot.price_rows.all()],
        "attachments": list(enumerate(content.attachments))}


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
        rows, problems, tied = stored.ranking, [], []
        notes = [n["text"] for n in stored.notes if isinstance(n, dict) and n.get("kind") == "note"]
    draws = [n for n in (stored.notes if stored else []) if isinstance(n, dict) and n.get("kind") == "lot_draw"]
    is_team = is_team_member(request.actor, calloff)
    return {"calloff": calloff, "rows": rows, "problems": problems, "tied_groups": tied, "notes": notes,
            "draws": draws, "stored": stored, "is_team": is_team, "method": calloff.evaluation_model,
            "weights": evaluating.weights_text(calloff),
            "tie_rules": [evaluation.TieRule(r).label for r in calloff.tie_rules],
            "may_complete": is_team and calloff.status == CallOffStatus.OPENED and not problems}


def _tasks(calloff: CallOff, now, *, is_team: bool) -> list[dict]:
    """The agency's steps from opening to contract, each with where to go and how far it has come.

    Colleagues outside the team get links only to what they may read: no link to write the decision
    or to sign the contract.
    """
    status, after = calloff.status, opening.AFTER_OPENING
    done, todo, later = _("Completed"), _("Not started"), _("Cannot start yet")
    if status in after:
        opened = done
    elif calloff.may_open(now):
        opened = _("Waiting for a second person") if OpeningRecord.objects.filter(calloff=calloff).exists() else todo
    else:
        opened = later
    evaluated = done if status in after - {CallOffStatus.OPENED} else (
        _("In progress") if status == CallOffStatus.OPENED else later)
    decided = done if status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED) else (
        todo if status == CallOffStatus.EVALUATED else later)
    signed = done if status == CallOffStatus.CONTRACTED else (
        todo if status in (CallOffStatus.AWARDED, CallOffStatus.ACCEPTED) else later)
    decision_url = ("calloffs:award_decision" if status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED)
                    else "calloffs:decision_prepare")
    contract_url = "calloffs:contract_detail" if status == CallOffStatus.CONTRACTED else "calloffs:contract_sign"
    tasks = [
        {"key": "opening", "label": _("Open the tenders, two people together"), "url": "calloffs:opening",
         "status": opened},
        {"key": "evaluation", "label": _("Qualify, score and rank the tenders"), "url": "calloffs:evaluation_overview",
         "status": evaluated, "active": status in after},
        {"key": "decision", "label": _("Send the award decision"), "url": decision_url, "status": decided,
         "active": status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED)
         or (is_team and status == CallOffStatus.EVALUATED)},
        {"key": "contract", "label": _("Sign the call-off contract"), "url": contract_url, "status": signed,
         "active": status == CallOffStatus.CONTRACTED
         or (is_team and status in (CallOffStatus.AWARDED, CallOffStatus.ACCEPTED))},
    ]
    tasks[0]["active"] = True
    if not calloff.is_renewed_competition:
        tasks = tasks[3:]
    for task in tasks:
        task["kind"] = "done" if task["status"] == done else "later" if task["status"] == later else "todo"
    return tasks


def detail_context(request, calloff: CallOff, now, *, agency: bool) -> dict:
    """The award section of the call-off page. Before the opening it shows nothing about tenders (rule 6)."""
    if calloff.published_at is None:
        return {"award": None}
    if agency:
        if calloff.status == CallOffStatus.CANCELLED:
            if not OpeningRecord.objects.filter(calloff=calloff, opened_at__isnull=False).exists():
                return {"award": None}
            return {"award": {"tasks": [{"key": "opening", "label": _("Opening record"), "url": "calloffs:opening",
                                         "status": _("Completed"), "active": True, "kind": "done"}]}}
        tasks = _tasks(calloff, now, is_team=is_team_member(request.actor, calloff))
        return {"award": {"tasks": tasks, "deadline": calloff.tender_deadline,
                          "sealed": calloff.status == CallOffStatus.OPEN and not calloff.may_open(now)}}
    ids = request.actor.organisation_ids
    reads_decision = (calloff.status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED)
                      and bool(awarding.tenderer_supplier_ids(calloff) & ids))
    has_contract = (calloff.status == CallOffStatus.CONTRACTED
                    and CallOff.objects.filter(pk=calloff.pk, contract__supplier_id__in=ids).exists())
    if not (reads_decision or has_contract):
        return {"award": None}
    return {"award": {"decision": reads_decision, "contract": has_contract}}


# --- opening --------------------------------------------------------------------------------------


@login_required
@require_GET
def opening_page(request, pk: int):
    calloff = _agency_calloff(request, pk)
    if calloff.published_at is None:
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    return render(request, "calloffs/award/opening.html", opening_context(request, calloff))


@login_required
@require_POST
def opening_start(request, pk: int):
    calloff = _agency_calloff(request, pk, write=True)
    _run(request, opening.opening_start, _("The opening is started. A second team member confirms it."),
         calloff=calloff)
    return redirect("calloffs:opening", pk=calloff.pk)


@login_required
@require_POST
def opening_confirm(request, pk: int):
    calloff = _agency_calloff(request, pk, write=True)
    _run(request, opening.opening_confirm, _("The tenders are opened. The opening record lists them."),
         calloff=calloff)
    return redirect("calloffs:opening", pk=calloff.pk)


# --- an opened tender and its qualification --------------------------------------------------------


@login_required
@require_GET
def opened_tender(request, pk: int, tender_pk: int):
    calloff = _agency_calloff(request, pk)
    opened = _opened(calloff, tender_pk)
    return render(request, "calloffs/award/opened_tender.html", opened_tender_context(request, calloff, opened))


@login_required
@require_GET
def opened_attachment(request, pk: int, tender_pk: int, index: int):
    calloff = _agency_calloff(request, pk)
    opened = _opened(calloff, tender_pk)
    if opened.content is None or not 0 <= index < len(opened.content.attachments):
        raise Http404
    attachment = opened.content.attachments[index]
    kind = sniff(attachment.data)
    response = HttpResponse(attachment.data, content_type=kind.content_type if kind else "application/octet-stream")
    name = safe_filename(attachment.name, kind) if kind else "attachment.bin"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def tender_qualify(request, pk: int, tender_pk: int):
    calloff = _agency_calloff(request, pk, write=True)
    opened = _opened(calloff, tender_pk)
    if _run(request, evaluating.tender_qualify, _("%(supplier)s's tender is qualified.")
            % {"supplier": opened.tender.supplier.name}, tender=opened.tender):
        return redirect("calloffs:evaluation_overview", pk=calloff.pk)
    return redirect("calloffs:opened_tender", pk=calloff.pk, tender_pk=tender_pk)


@login_required
@require_http_methods(["GET", "POST"])
def tender_reject(request, pk: int, tender_pk: int):
    calloff = _agency_calloff(request, pk, write=True)
    opened = _opened(calloff, tender_pk)
    suggestion = opened.tender.rejection_reason or evaluating.rejection_suggestion(calloff, opened)
    form = RejectForm(_posted(request), initial={"reason": suggestion})
    if request.method == "POST" and form.is_valid():
        try:
            evaluating.tender_reject(actor=request.user, tender=opened.tender, reason=form.cleaned_data["reason"])
        except REFUSED as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(supplier)s's tender is rejected; the reason goes with the award "
                                        "decision.") % {"supplier": opened.tender.supplier.name})
            return redirect("calloffs:evaluation_overview", pk=calloff.pk)
    return render(request, "calloffs/award/reject.html", {"calloff": calloff, "opened": opened, "form": form})


# --- evaluation -----------------------------------------------------------------------------------


@login_required
@require_GET
def evaluation_overview(request, pk: int):
    calloff = _agency_calloff(request, pk)
    if calloff.status not in opening.AFTER_OPENING:
        return redirect("calloffs:opening", pk=calloff.pk)
    return render(request, "calloffs/award/evaluation.html", evaluation_context(request, calloff))


@login_required
@require_http_methods(["GET", "POST"])
def conflict_declare(request, pk: int):
    calloff = _agency_calloff(request, pk, write=True)
    form = DeclarationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            evaluating.conflict_declare(actor=request.user, calloff=calloff, confirmed=form.cleaned_data["confirm"])
        except REFUSED as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your declaration is recorded. You can score the tenders."))
            return redirect("calloffs:evaluation_overview", pk=calloff.pk)
    return render(request, "calloffs/award/declaration.html", {
        "calloff": calloff, "form": form, "declaration": evaluating.declaration_of(calloff, request.user),
        "statement": evaluating.conflict_statement(calloff, request.user)})


def _scores_page(request, pk: int, tender_pk: int, *, consensus: bool):
    calloff = _agency_calloff(request, pk, write=True)
    opened = _opened(calloff, tender_pk)
    if evaluating.declaration_of(calloff, request.user) is None:
        messages.info(request, _("Declare that you have no conflict of interest before you score the tenders."))
        return redirect("calloffs:conflict_declare", pk=calloff.pk)
    context = consensus_context(calloff, opened, request.user, consensus=consensus)
    form = ScoresForm(_posted(request), criteria=evaluating.scoring_criteria(calloff),
                      reasons_required=consensus, initial=context["initial"])
    if request.method == "POST" and form.is_valid():
        service = evaluating.consensus_record if consensus else evaluating.scores_record
        try:
            service(actor=request.user, tender=opened.tender, scores=form.service_data())
        except REFUSED as error:
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
    calloff = _agency_calloff(request, pk, write=request.method == "POST")
    if calloff.status not in opening.AFTER_OPENING:
        return redirect("calloffs:opening", pk=calloff.pk)
    context = ranking_context(request, calloff)
    form = LotDrawForm(_posted(request), groups=context["tied_groups"]) if context["tied_groups"] else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            evaluating.evaluation_complete(actor=request.user, calloff=calloff, draw=form.draw() if form else None,
                                           witness=form.cleaned_data["witness"] if form else "")
        except REFUSED as error:
            if form is None:
                messages.error(request, _refusal(error))
                return redirect("calloffs:evaluation_ranking", pk=calloff.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evaluation is completed. Write and send the award decision."))
            return redirect("calloffs:decision_prepare", pk=calloff.pk)
    return render(request, "calloffs/award/ranking.html", context | {"form": form})


@login_required
@require_GET
def evaluation_sensitivity(request, pk: int):
    calloff = _agency_calloff(request, pk)
    if calloff.status not in opening.AFTER_OPENING:
        return redirect("calloffs:opening", pk=calloff.pk)
    view = evaluating.sensitivity_view(calloff)
    return render(request, "calloffs/award/sensitivity.html", {
        "calloff": calloff, "view": view, "outcomes": view.outcome_rows() if view.result else [],
        "ranges": view.range_rows(), "price_derived": evaluation.PRICE in view.ranges})


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_reopen(request, pk: int):
    calloff = _agency_calloff(request, pk, write=True)
    form = ReopenForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            evaluating.evaluation_reopen(actor=request.user, calloff=calloff, reason=form.cleaned_data["reason"])
        except REFUSED as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evaluation is reopened."))
            return redirect("calloffs:evaluation_overview", pk=calloff.pk)
    return render(request, "calloffs/award/reopen.html", {"calloff": calloff, "form": form})


# --- the award decision ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_prepare(request, pk: int):
    """Write the decision, check it as the tenderers will read it, and send it."""
    calloff = _agency_calloff(request, pk, write=True)
    if calloff.status != CallOffStatus.EVALUATED:
        messages.info(request, _("The award decision is written once the evaluation is completed."))
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    initial = awarding.decision_prefill(calloff) | {"standstill": "yes",
                                                    "evaluation": awarding.evaluation_version(calloff)}
    form = DecisionForm(_posted(request), initial=initial)
    action = request.POST.get("action")
    if request.method == "POST" and form.is_valid() and action in ("preview", "send"):
        data = form.cleaned_data
        if action == "preview":
            content = awarding.decision_preview(calloff, request.actor, reasons=data["reasons"],
                                                advantages=data["advantages"], standstill=data["standstill"])
            return render(request, "calloffs/award/decision_preview.html", {
                "calloff": calloff, "form": form, "content": content,
                "standstill_text": decision_documents.standstill_text(content)})
        try:
            awarding.award_decision_send(actor=request.user, calloff=calloff, **data)
        except REFUSED as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The award decision is sent to every tenderer."))
            return redirect("calloffs:award_decision", pk=calloff.pk)
    return render(request, "calloffs/award/decision_prepare.html", {"calloff": calloff, "form": form})


def _decision_calloff(request, pk: int) -> CallOff:
    """The call-off with a sent decision, for the agency, a tenderer or the agreement's purchasing body."""
    calloff = get_object_or_404(CallOff.objects.select_related("agency", "lot__agreement")
                                .filter(decision__isnull=False), pk=pk)
    ids = request.actor.organisation_ids
    if calloff.agency_id in ids or calloff.lot.agreement.owner_id in ids:
        return calloff
    if awarding.tenderer_supplier_ids(calloff) & ids:
        return calloff
    raise Http404


@login_required
@require_GET
def award_decision(request, pk: int):
    calloff = _decision_calloff(request, pk)
    content = awarding.decision_content(calloff, request.actor)
    ids = request.actor.organisation_ids
    is_agency = calloff.agency_id in ids
    return render(request, "calloffs/award/decision.html", {
        "calloff": calloff, "content": content, "is_team": is_agency and is_team_member(request.actor, calloff),
        "may_see_calloff": CallOff.objects.visible_to(request.actor).filter(pk=calloff.pk).exists(),
        "may_read_contract": is_agency or Contract.objects.filter(calloff=calloff, supplier_id__in=ids).exists(),
        "standstill_text": decision_documents.standstill_text(content)})


def _document(request, pk: int, render_document, content_type: str, extension: str) -> HttpResponse:
    calloff = _decision_calloff(request, pk)
    content = awarding.decision_content(calloff, request.actor)
    response = HttpResponse(render_document(content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{decision_documents.filename(content, extension)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def award_decision_pdf(request, pk: int):
    return _document(request, pk, decision_documents.decision_pdf, decision_documents.PDF_CONTENT_TYPE, "pdf")


@login_required
@require_GET
def award_decision_docx(request, pk: int):
    return _document(request, pk, decision_documents.decision_docx, decision_documents.DOCX_CONTENT_TYPE, "docx")


# --- the contract ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contract_sign(request, pk: int):
    calloff = _agency_calloff(request, pk, write=True)
    if calloff.status == CallOffStatus.CONTRACTED:
        return redirect("calloffs:contract_detail", pk=calloff.pk)
    if calloff.status not in (CallOffStatus.AWARDED, CallOffStatus.ACCEPTED):
        messages.info(request, _("The contract is signed after the award decision, or after a supplier accepts "
                                 "the offer in ranking order."))
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    form = ContractForm(_posted(request), initial=awarding.contract_defaults(calloff))
    if request.method == "POST" and form.is_valid():
        try:
            awarding.contract_sign(actor=request.user, calloff=calloff, **form.cleaned_data)
        except REFUSED as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contract is signed and ready for follow-up."))
            return redirect("calloffs:contract_detail", pk=calloff.pk)
    decision = calloff.decision if calloff.status == CallOffStatus.AWARDED else None
    return render(request, "calloffs/award/contract_sign.html", {
        "calloff": calloff, "form": form, "supplier": awarding.contract_supplier(calloff),
        "locked": decision is not None and awarding.signing_locked(decision, clock.now()),
        "opens_at": awarding.signing_opens_at(decision) if decision else None, "decision": decision,
        "requirements": calloff.requirements.order_by("identifier")})


@login_required
@require_GET
def contract_detail(request, pk: int):
    calloff = get_object_or_404(CallOff.objects.select_related("agency", "lot__agreement", "contract__supplier",
                                                               "contract__signed_by")
                                .filter(contract__isnull=False), pk=pk)
    ids = request.actor.organisation_ids
    if calloff.agency_id not in ids and calloff.contract.supplier_id not in ids:
        raise Http404
    return render(request, "calloffs/award/contract.html", {
        "calloff": calloff, "contract": calloff.contract,
        "has_decision": AwardDecision.objects.filter(calloff=calloff).exists(),
        "requirements": calloff.contract.requirements.order_by("identifier")})


urlpatterns = [
    path("call-offs/<int:pk>/opening/", opening_page, name="opening"),
    path("call-offs/<int:pk>/opening/start/", opening_start, name="opening_start"),
    path("call-offs/<int:pk>/opening/confirm/", opening_confirm, name="opening_confirm"),
    path("call-offs/<int:pk>/opened/<int:tender_pk>/", opened_tender, name="opened_tender"),
    path("call-offs/<int:pk>/opened/<int:tender_pk>/attachments/<int:index>/", opened_attachment,
         name="opened_attachment"),
    path("call-offs/<int:pk>/opened/<int:tender_pk>/qualify/", tender_qualify, name="tender_qualify"),
    path("call-offs/<int:pk>/opened/<int:tender_pk>/reject/", tender_reject, name="tender_reject"),
    path("call-offs/<int:pk>/evaluate/", evaluation_overview, name="evaluation_overview"),
    path("call-offs/<int:pk>/evaluate/declaration/", conflict_declare, name="conflict_declare"),
    path("call-offs/<int:pk>/evaluate/scores/<int:tender_pk>/", score_tender, name="score_tender"),
    path("call-offs/<int:pk>/evaluate/consensus/<int:tender_pk>/", consensus_tender, name="consensus_tender"),
    path("call-offs/<int:pk>/evaluate/ranking/", evaluation_ranking, name="evaluation_ranking"),
    path("call-offs/<int:pk>/evaluate/sensitivity/", evaluation_sensitivity, name="evaluation_sensitivity"),
    path("call-offs/<int:pk>/evaluate/reopen/", evaluation_reopen, name="evaluation_reopen"),
    path("call-offs/<int:pk>/decision/prepare/", decision_prepare, name="decision_prepare"),
    path("call-offs/<int:pk>/decision/", award_decision, name="award_decision"),
    path("call-offs/<int:pk>/decision/pdf/", award_decision_pdf, name="award_decision_pdf"),
    path("call-offs/<int:pk>/decision/docx/", award_decision_docx, name="award_decision_docx"),
    path("call-offs/<int:pk>/contract/sign/", contract_sign, name="contract_sign"),
    path("call-offs/<int:pk>/contract/", contract_detail, name="contract_detail"),
]
