"""Evaluation (rule 8): qualification, declarations of no conflict of interest, scores, consensus, ranking.

Qualification decides each opened tender: qualified, or rejected with a reason. A tender that does
not meet a mandatory requirement cannot be qualified. Evaluators declare that they have no conflict
of interest before they score; each scores every qualified tender 0–5 per criterion (only in the
models that score quality), and the team sets a consensus score with reasons. The ranking is the
evaluation package's, computed from the call-off's model as stated before opening; a tie that goes
to drawing lots is decided by a draw recorded with a witness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from innokop.accounts.models import User
from innokop.accounts.permissions import actor_for
from innokop.agreements.models import EvaluationModel, RequirementKind
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.formats import sek, when

from .. import evaluation, rules
from ..models import (
    DECISION_LANGUAGE,
    CallOff,
    CallOffCriterion,
    CallOffStatus,
    ConflictDeclaration,
    ConsensusScore,
    Evaluation,
    Score,
    Tender,
    TenderStatus,
    rejection_grounds_text,
)
from ..permissions import is_team_member
from . import CallOffError
from .opening import OpenedTender, opened_tender, opened_tenders

MAX_SCORE = 5
NOT_OPEN = "evaluation_not_open"
"""The code of a refusal because the evaluation is not in progress (not opened yet, completed, decided, cancelled)."""
SCORED_MODELS = {EvaluationModel.PRICE_QUALITY, EvaluationModel.FIXED_PRICE}
DECIDED = {TenderStatus.QUALIFIED, TenderStatus.REJECTED}


# --- guards -------------------------------------------------------------------------------------


def _require_team(actor: User, calloff: CallOff) -> None:
    if not is_team_member(actor_for(actor), calloff):
        raise CallOffError(_("Only the call-off's team evaluates the tenders. Ask a team member to add you."))


def _require_opened(calloff: CallOff) -> None:
    if calloff.status == CallOffStatus.OPENED:
        return
    if calloff.status == CallOffStatus.EVALUATED:
        raise CallOffError(_("The evaluation is completed. Reopen it to change the qualification or the scores."),
                           code=NOT_OPEN, status=409)
    if calloff.status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED):
        raise CallOffError(_("The award decision is sent, so the evaluation can no longer change."), code=NOT_OPEN,
                           status=409)
    if calloff.status == CallOffStatus.CANCELLED:
        raise CallOffError(_("The call-off is cancelled."), code=NOT_OPEN, status=409)
    raise CallOffError(_("The tenders are not opened yet. Open them first."), code=NOT_OPEN, status=409)


def _locked(calloff: CallOff) -> CallOff:
    """The call-off row locked for this transaction, so two evaluators' changes are serialised."""
    return CallOff.objects.select_for_update(no_key=True).select_related("agency", "lot__agreement").get(pk=calloff.pk)


def _opened(calloff: CallOff, tender: Tender) -> OpenedTender:
    try:
        return opened_tender(calloff, tender.pk)
    except LookupError:
        raise CallOffError(_("That tender was not opened in this call-off.")) from None


# --- qualification ------------------------------------------------------------------------------


def call_off_requirements(calloff: CallOff) -> list:
    cached = getattr(calloff, "_requirements", None)
    if cached is None:
        cached = calloff._requirements = list(calloff.requirements.order_by("identifier"))
    return cached


def mandatory_failures(calloff: CallOff, opened: OpenedTender) -> list:
    """The mandatory requirements the tender does not say yes to (a "no", or no answer at all)."""
    if opened.content is None:
        return []
    answers = opened.content.requirements
    return [r for r in call_off_requirements(calloff) if r.kind == RequirementKind.MANDATORY
            and not (r.pk in answers and answers[r.pk].meets is True)]


def rejection_grounds(calloff: CallOff, opened: OpenedTender) -> list[dict]:
    """Why a tender cannot be qualified, as facts (`Tender.rejection_grounds`); empty when it can."""
    if not opened.verified:
        return [{"kind": "unreadable", "problem": str(opened.problem)}]
    failures = mandatory_failures(calloff, opened)
    if failures:
        return [{"kind": "mandatory", "id": r.identifier, "text": r.text} for r in failures]
    if opened.content.total_price is None:
        return [{"kind": "no_price"}]
    return []


def rejection_suggestion(calloff: CallOff, opened: OpenedTender) -> str:
    """The reason to prefill when a tender cannot be qualified, in the active language; empty when it can."""
    return rejection_grounds_text(rejection_grounds(calloff, opened))


def _same_text(a: str, b: str) -> bool:
    """The same words, however a form's line breaks and spaces came back."""
    return a.split() == b.split()


def tender_qualify(*, actor: User, tender: Tender) -> Tender:
    """A tender that meets every mandatory requirement, read from its opened content, is qualified."""
    _require_team(actor, tender.calloff)
    with transaction.atomic():
        calloff = _locked(tender.calloff)
        _require_opened(calloff)
        opened = _opened(calloff, tender)
        problem = rejection_suggestion(calloff, opened)
        if problem:
            raise CallOffError(_("The tender cannot be qualified. %(problem)s Reject it with the reason instead.")
                               % {"problem": problem}, code="not_qualifiable")
        tender = Tender.objects.select_for_update(no_key=True).get(pk=tender.pk)
        tender.move_to(TenderStatus.QUALIFIED)
        tender.rejection_reason, tender.rejection_grounds = "", []
        tender.qualified_by, tender.qualified_at = actor, clock.now()
        tender.save(update_fields=["status", "rejection_reason", "rejection_grounds", "qualified_by",
                                   "qualified_at"])
        audit_log(actor=actor, verb="calloff.tender_qualified", obj=calloff, organisation=calloff.agency,
                  payload={"tender": tender.pk, "supplier": tender.supplier_id})
    return tender


def tender_reject(*, actor: User, tender: Tender, reason: str) -> Tender:
    """Rejected with a reason; the reason goes to that tenderer with the award decision.

    A reason as Innoköp suggested it (`rejection_suggestion`, in the team's language) is kept as its grounds
    and in Swedish, the decision's language; a reason the team wrote is kept as written.
    """
    _require_team(actor, tender.calloff)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for rejecting the tender; the supplier is told it "
                                           "with the award decision.")})
    with transaction.atomic():
        calloff = _locked(tender.calloff)
        _require_opened(calloff)
        grounds = rejection_grounds(calloff, _opened(calloff, tender))
        if not (grounds and _same_text(reason, rejection_grounds_text(grounds))):
            grounds = []
        tender = Tender.objects.select_for_update(no_key=True).get(pk=tender.pk)
        tender.move_to(TenderStatus.REJECTED)
        if grounds:
            with translation.override(DECISION_LANGUAGE):
                reason = rejection_grounds_text(grounds)
        tender.rejection_reason, tender.rejection_grounds = reason.strip(), grounds
        tender.qualified_by, tender.qualified_at = actor, clock.now()
        tender.save(update_fields=["status", "rejection_reason", "rejection_grounds", "qualified_by",
                                   "qualified_at"])
        audit_log(actor=actor, verb="calloff.tender_rejected", obj=calloff, organisation=calloff.agency,
                  payload={"tender": tender.pk, "supplier": tender.supplier_id, "reason": tender.rejection_reason})
    return tender


# --- declarations of no conflict of interest -----------------------------------------------------


def conflict_statement(calloff: CallOff, user) -> str:
    tenderers = ", ".join(o.tender.supplier.name for o in opened_tenders(calloff)) or "–"
    return _("I, %(name)s, declare that I have no conflict of interest in the call-off %(reference)s: no personal "
             "or financial ties to any of the tenderers (%(tenderers)s) that could call my impartiality into "
             "question. If that changes, I will tell the team at once and stop evaluating.") % {
        "name": user.full_name, "reference": calloff.reference, "tenderers": tenderers}


def declaration_of(calloff: CallOff, user) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(calloff=calloff, evaluator=user).first()


def conflict_declare(*, actor: User, calloff: CallOff, confirmed: bool) -> ConflictDeclaration:
    _require_team(actor, calloff)
    if not confirmed:
        raise ValidationError({"confirm": _("Tick the box to confirm that you have no conflict of interest. If "
                                            "you do have one, do not evaluate: tell the team.")})
    with transaction.atomic():
        calloff = _locked(calloff)
        _require_opened(calloff)
        earlier = declaration_of(calloff, actor)
        if earlier is not None:
            raise CallOffError(_("You declared that you have no conflict of interest %(moment)s.")
                               % {"moment": when(earlier.declared_at)}, code="already_declared", status=409)
        declaration = ConflictDeclaration.objects.create(calloff=calloff, evaluator=actor,
                                                         statement=conflict_statement(calloff, actor),
                                                         declared_at=clock.now())
        audit_log(actor=actor, verb="calloff.conflict_declared", obj=calloff, organisation=calloff.agency,
                  payload={"declaration": declaration.pk})
    return declaration


def _require_declared(actor: User, calloff: CallOff) -> None:
    if declaration_of(calloff, actor) is None:
        raise CallOffError(_("Declare that you have no conflict of interest before you score the tenders."),
                           code="declaration_required", status=409)


# --- scores and consensus -----------------------------------------------------------------------


def scores_quality(calloff: CallOff) -> bool:
    """Price–quality and fixed price score the criteria; lowest price and value-added do not."""
    return calloff.evaluation_model in SCORED_MODELS


def scoring_criteria(calloff: CallOff) -> list[CallOffCriterion]:
    if not scores_quality(calloff):
        return []
    cached = getattr(calloff, "_scoring_criteria", None)
    if cached is None:
        cached = calloff._scoring_criteria = list(calloff.criteria.select_related("lot_criterion"))
    return cached


def _check_scores(calloff: CallOff, scores: Mapping[int, tuple[int, str]], *, reasons_required: bool) -> None:
    criteria = {c.pk: c for c in scoring_criteria(calloff)}
    if not criteria:
        raise CallOffError(_("The evaluation model %(model)s does not score quality, so there is nothing to score.")
                           % {"model": calloff.get_evaluation_model_display()})
    errors = {}
    for pk, criterion in criteria.items():
        score, text = scores.get(pk, (None, ""))
        if score is None or not 0 <= score <= MAX_SCORE:
            errors[f"score_{pk}"] = _("Give %(name)s a score from 0 to %(max)s.") % {
                "name": criterion.lot_criterion.name, "max": MAX_SCORE}
        elif reasons_required and not text.strip():
            errors[f"reason_{pk}"] = _("Give the reasons for the consensus score on %(name)s.") % {
                "name": criterion.lot_criterion.name}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise CallOffError(_("Only the call-off's criteria can be scored."))
    if errors:
        raise ValidationError(errors)


def _require_qualified(tender: Tender) -> None:
    if tender.status != TenderStatus.QUALIFIED:
        raise CallOffError(_("Only qualified tenders are scored. Qualify the tender first, or reject it."),
                           code="not_qualified", status=409)


def _scoring(actor: User, tender: Tender, scores: Mapping[int, tuple[int, str]], *,
             reasons_required: bool) -> tuple[CallOff, Tender]:
    """The guards of scoring, inside the caller's transaction: the call-off locked and opened, the
    actor on the team with a declaration, the tender qualified, every score on the scale."""
    calloff = _locked(tender.calloff)
    _require_opened(calloff)
    _require_declared(actor, calloff)
    tender = Tender.objects.get(pk=tender.pk)
    _require_qualified(tender)
    _check_scores(calloff, scores, reasons_required=reasons_required)
    return calloff, tender


def _audit_scores(actor: User, calloff: CallOff, tender: Tender, verb: str,
                  scores: Mapping[int, tuple[int, str]]) -> None:
    audit_log(actor=actor, verb=verb, obj=calloff, organisation=calloff.agency,
              payload={"tender": tender.pk, "scores": {str(pk): s for pk, (s, _t) in scores.items()}})


def scores_record(*, actor: User, tender: Tender, scores: Mapping[int, tuple[int, str]]) -> list[Score]:
    """One evaluator's scores of one tender, every criterion at once; scoring again replaces them."""
    _require_team(actor, tender.calloff)
    with transaction.atomic():
        calloff, tender = _scoring(actor, tender, scores, reasons_required=False)
        now = clock.now()
        saved = [Score.objects.update_or_create(tender=tender, criterion_id=pk, evaluator=actor, defaults={
            "score": score, "comment": text.strip(), "scored_at": now})[0] for pk, (score, text) in scores.items()]
        _audit_scores(actor, calloff, tender, "calloff.scores_recorded", scores)
    return saved


def consensus_record(*, actor: User, tender: Tender, scores: Mapping[int, tuple[int, str]]) -> list[ConsensusScore]:
    """The score the evaluators agree on, with reasons, per criterion; the ranking uses these."""
    _require_team(actor, tender.calloff)
    with transaction.atomic():
        calloff, tender = _scoring(actor, tender, scores, reasons_required=True)
        now = clock.now()
        saved = [ConsensusScore.objects.update_or_create(tender=tender, criterion_id=pk, defaults={
            "score": score, "reason": text.strip(), "set_by": actor, "set_at": now})[0]
            for pk, (score, text) in scores.items()]
        _audit_scores(actor, calloff, tender, "calloff.consensus_recorded", scores)
    return saved


# --- the ranking --------------------------------------------------------------------------------


def _tender_ids(opened: Sequence[OpenedTender]) -> dict[int, str]:
    """The supplier's name identifies a tender in the ranking and its explanations; made unique if needed."""
    names = [o.tender.supplier.name for o in opened]
    return {o.pk: (o.tender.supplier.name if names.count(o.tender.supplier.name) == 1
                   else f"{o.tender.supplier.name} ({o.pk})") for o in opened}


def _valued_requirements(calloff: CallOff) -> list[tuple]:
    """Evaluated requirements with a stated value (value-added method): (requirement, ValueAdded)."""
    valued = []
    for requirement in call_off_requirements(calloff):
        value = (calloff.requirement_values or {}).get(str(requirement.pk))
        if requirement.kind != RequirementKind.EVALUATED or not value:
            continue
        valued.append((requirement, evaluation.ValueAdded(requirement.identifier, amount=value.get("amount"),
                                                          percent=value.get("percent"))))
    return valued


def build_model(calloff: CallOff, lot_draw_order: Sequence[str] | None = None) -> evaluation.EvaluationModel:
    """The call-off's evaluation model as stated before opening, tie rules included."""
    method = evaluation.Method(calloff.evaluation_model)
    criteria = tuple(evaluation.Criterion(str(c.pk), Decimal(c.weight or 0), Decimal(MAX_SCORE), c.lot_criterion.name)
                     for c in scoring_criteria(calloff))
    return evaluation.EvaluationModel(
        method,
        tuple(calloff.tie_rules or rules.default_tie_rules(calloff.evaluation_model)),
        criteria=criteria,
        price_weight=Decimal(calloff.price_weight or 0) if method is evaluation.Method.PRICE_QUALITY else Decimal(0),
        values=tuple(value for _r, value in _valued_requirements(calloff)) if method is evaluation.Method.VALUE_ADDED
        else (),
        fixed_price=calloff.fixed_price if method is evaluation.Method.FIXED_PRICE else None,
        lot_draw_order=None if lot_draw_order is None else tuple(lot_draw_order),
    )


def _consensus_by_tender(calloff: CallOff) -> dict[int, dict[int, ConsensusScore]]:
    found: dict[int, dict[int, ConsensusScore]] = {}
    for row in ConsensusScore.objects.filter(tender__calloff=calloff):
        found.setdefault(row.tender_id, {})[row.criterion_id] = row
    return found


def _evaluation_tender(calloff: CallOff, opened: OpenedTender, tender_id: str, consensus: dict) -> evaluation.Tender:
    content = opened.content
    price = content.total_price
    if price is None and calloff.evaluation_model == EvaluationModel.FIXED_PRICE:
        price = calloff.fixed_price
    meets = {value.requirement_id for requirement, value in _valued_requirements(calloff)
             if requirement.pk in content.requirements and content.requirements[requirement.pk].meets is True}
    if calloff.evaluation_model != EvaluationModel.VALUE_ADDED:
        meets = set()
    scores = {str(pk): Decimal(row.score) for pk, row in consensus.get(opened.pk, {}).items()}
    return evaluation.Tender(tender_id, price, scores=scores, meets=frozenset(meets))


@dataclass
class Preview:
    """The ranking as it stands, or what stops it; with the tenders behind each evaluation id."""

    ranking: evaluation.Ranking | None
    problems: list[str]
    by_id: dict[str, OpenedTender] = field(default_factory=dict)
    ids: dict[int, str] = field(default_factory=dict)
    model: evaluation.EvaluationModel | None = None
    tenders: list[evaluation.Tender] = field(default_factory=list)

    def supplier(self, tender_id) -> str:
        return self.by_id[tender_id].tender.supplier.name

    @property
    def tied_groups(self) -> list[list[OpenedTender]]:
        """Tenders whose places must be decided by drawing lots."""
        if self.ranking is None or not self.ranking.lots_required:
            return []
        return [[self.by_id[i] for i in group] for group in self.ranking.unresolved_groups]


def ranking_problems(calloff: CallOff) -> list[str]:
    """What must be done before the tenders can be ranked, in words the team can act on."""
    opened = opened_tenders(calloff)
    problems = [_("Decide on the tender from %(supplier)s: qualify it or reject it.")
                % {"supplier": o.tender.supplier.name} for o in opened if o.tender.status not in DECIDED]
    qualified = [o for o in opened if o.tender.status == TenderStatus.QUALIFIED]
    if not qualified:
        problems.append(_("No tender is qualified, so there is nothing to rank. If no tender can be qualified, "
                          "cancel the call-off."))
    consensus = _consensus_by_tender(calloff)
    for o in qualified:
        if o.content is None or (o.content.total_price is None
                                 and calloff.evaluation_model != EvaluationModel.FIXED_PRICE):
            problems.append(_("The tender from %(supplier)s has no total price; reject it instead.")
                            % {"supplier": o.tender.supplier.name})
        for criterion in scoring_criteria(calloff):
            if criterion.pk not in consensus.get(o.pk, {}):
                problems.append(_("Set the consensus score for %(supplier)s on %(criterion)s.") % {
                    "supplier": o.tender.supplier.name, "criterion": criterion.lot_criterion.name})
    return problems


def ranking_preview(calloff: CallOff, lot_draw_order: Sequence[int] | None = None) -> Preview:
    """The ranking of the qualified tenders by the call-off's model; `lot_draw_order` is tender pks."""
    problems = ranking_problems(calloff)
    if problems:
        return Preview(None, problems)
    qualified = [o for o in opened_tenders(calloff) if o.tender.status == TenderStatus.QUALIFIED]
    ids = _tender_ids(qualified)
    consensus = _consensus_by_tender(calloff)
    draw = None if lot_draw_order is None else [ids[pk] for pk in lot_draw_order if pk in ids]
    try:
        model = build_model(calloff, draw)
        tenders = [_evaluation_tender(calloff, o, ids[o.pk], consensus) for o in qualified]
        ranking = evaluation.evaluate(model, tenders)
    except evaluation.EvaluationError as error:
        return Preview(None, [str(error)])
    return Preview(ranking, [], {ids[o.pk]: o for o in qualified}, ids, model, tenders)


def figure(method: str, row: Mapping) -> str:
    """The figure that decided a place, as people read it (from a stored ranking row)."""
    if method == EvaluationModel.LOWEST_PRICE:
        return sek(Decimal(row["price"]))
    if method == EvaluationModel.VALUE_ADDED:
        return _("comparison price %(amount)s") % {"amount": sek(Decimal(row["comparison_price"]))}
    return _("%(points)s points") % {"points": number_format(Decimal(row["total_points"]), 2)}


def _optional(value) -> str | None:
    return None if value is None else str(value)


def ranking_rows(preview: Preview) -> list[dict]:
    """The ranking as stored in `Evaluation.ranking` (and shown before it is stored).

    Each row keeps what the tender was evaluated with (`evaluated_as`, `scores`, `meets`, with `price`),
    so that its explanation can be written again in the reader's language (`stored_ranking`).
    """
    criteria = {c.id: c.label for c in preview.model.criteria}
    tenders = {t.id: t for t in preview.tenders}
    rows = []
    for result in preview.ranking.results:
        opened = preview.by_id[result.tender_id]
        evaluated = tenders[result.tender_id]
        row = {"tender": opened.pk, "supplier": opened.tender.supplier.name, "position": result.rank,
               "price": str(result.price), "comparison_price": _optional(result.comparison_price),
               "deduction": _optional(result.deduction), "price_points": _optional(result.price_points),
               "quality_points": _optional(result.quality_points), "total_points": _optional(result.total_points),
               "criterion_points": [{"criterion": int(key), "name": criteria.get(key, key), "points": str(points)}
                                    for key, points in result.criterion_points.items()],
               "tied_with": [preview.supplier(i) for i in result.tied_with],
               "decided_by": result.decided_by.value if result.decided_by else None,
               "unresolved": result.unresolved, "explanation": result.explanation,
               "evaluated_as": str(result.tender_id),
               "scores": {key: str(score) for key, score in evaluated.scores.items()},
               "meets": sorted(evaluated.meets)}
        row["figure"] = figure(preview.ranking.method.value, row)
        rows.append(row)
    return rows


def stored_ranking(calloff: CallOff, stored: Evaluation) -> tuple[list[dict], list[str]]:
    """The completed ranking and its notes, explained in the active language.

    The explanations are written again from what each tender was evaluated with, kept in its row; the
    figures are those stored. Rows stored before those values were kept, or a ranking that no longer
    comes out the same, keep the text they were stored with.
    """
    rows = stored.ranking
    notes = [n["text"] for n in stored.notes if isinstance(n, dict) and n.get("kind") == "note"]
    if not rows or any("evaluated_as" not in row for row in rows):
        return rows, notes
    ids = {row["tender"]: row["evaluated_as"] for row in rows}
    drawn = next((n["tenders"] for n in stored.notes if isinstance(n, dict) and n.get("kind") == "lot_draw"), None)
    try:
        model = build_model(calloff, None if drawn is None else [ids[pk] for pk in drawn if pk in ids])
        ranking = evaluation.evaluate(model, [
            evaluation.Tender(row["evaluated_as"], Decimal(row["price"]), scores=row["scores"],
                              meets=frozenset(row["meets"])) for row in rows])
    except evaluation.EvaluationError:
        return rows, notes
    results = {result.tender_id: result for result in ranking.results}
    if [(r.tender_id, r.rank) for r in ranking.results] != [(row["evaluated_as"], row["position"]) for row in rows]:
        return rows, notes
    return [row | {"explanation": results[row["evaluated_as"]].explanation} for row in rows], list(ranking.notes)


def _draw_order(preview: Preview, draw: Mapping[int, int] | None) -> list[int] | None:
    """Tender pks in the drawn order, group by group; a position is asked for every tied tender."""
    groups = preview.tied_groups
    if not groups:
        return None
    draw = draw or {}
    errors = {}
    order: list[int] = []
    for group in groups:
        positions = [draw.get(o.pk) for o in group]
        if None in positions or sorted(positions) != list(range(1, len(group) + 1)):
            for o in group:
                errors[f"position_{o.pk}"] = _("Give each tied tender its place in the draw, 1 to %(n)s, each "
                                               "place once.") % {"n": len(group)}
            continue
        order.extend(o.pk for _p, o in sorted(zip(positions, group, strict=True), key=lambda pair: pair[0]))
    if errors:
        raise ValidationError(errors)
    return order


def evaluation_complete(*, actor: User, calloff: CallOff, draw: Mapping[int, int] | None = None,
                        witness: str = "") -> Evaluation:
    """Stores the ranking as computed and moves the call-off to evaluated.

    When a tie goes to drawing lots, `draw` gives each tied tender (pk) its drawn place within its
    group, and `witness` names who witnessed the draw; both are recorded.
    """
    _require_team(actor, calloff)
    with transaction.atomic():
        calloff = _locked(calloff)
        _require_opened(calloff)
        preview = ranking_preview(calloff)
        if preview.problems:
            raise CallOffError(" ".join(preview.problems), code="ranking_not_ready", status=409)
        order = _draw_order(preview, draw)
        lot_draw = None
        if order is not None:
            if not witness.strip():
                raise ValidationError({"witness": _("Name the witness of the draw; the draw is recorded with "
                                                    "them.")})
            preview = ranking_preview(calloff, order)
            lot_draw = {"kind": "lot_draw", "order": [preview.supplier(preview.ids[pk]) for pk in order],
                        "tenders": order, "witness": witness.strip(), "recorded_by": actor.full_name,
                        "recorded_at": clock.now().isoformat()}
        ranking = preview.ranking
        if ranking.winner is None:
            raise CallOffError(_("First place is tied and the stated tie rules do not separate the tenders, so "
                                 "there is no winner. Check the scores, or cancel the call-off."),
                                 code="no_winner", status=409)
        rows = ranking_rows(preview)
        notes = [{"kind": "note", "text": text} for text in ranking.notes] + ([lot_draw] if lot_draw else [])
        winner = preview.by_id[ranking.winner].tender
        result, _created = Evaluation.objects.update_or_create(calloff=calloff, defaults={
            "completed_by": actor, "completed_at": clock.now(), "ranking": rows, "notes": notes, "winner": winner})
        calloff.move_to(CallOffStatus.EVALUATED)
        calloff.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, verb="calloff.evaluation_completed", obj=calloff, organisation=calloff.agency,
                  payload={"winner": winner.pk, "order": [row["tender"] for row in rows], "lot_draw": lot_draw})
    return result


def evaluation_reopen(*, actor: User, calloff: CallOff, reason: str) -> CallOff:
    """Back to opened, before the decision is sent: the stored ranking is dropped (the audit keeps it)."""
    _require_team(actor, calloff)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening the evaluation; it is kept in the "
                                           "procurement record.")})
    with transaction.atomic():
        calloff = _locked(calloff)
        if calloff.status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED):
            raise CallOffError(_("The award decision is sent, so the evaluation can no longer be reopened."),
                               code="not_reopenable", status=409)
        if calloff.status != CallOffStatus.EVALUATED:
            raise CallOffError(_("Only a completed evaluation can be reopened."), code="not_reopenable", status=409)
        previous = Evaluation.objects.filter(calloff=calloff).first()
        payload = {"reason": reason.strip(), "previous_winner": previous.winner_id if previous else None,
                   "previous_order": [row["tender"] for row in previous.ranking] if previous else []}
        if previous is not None:
            previous.delete()
        calloff.move_to(CallOffStatus.OPENED)
        calloff.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, verb="calloff.evaluation_reopened", obj=calloff, organisation=calloff.agency,
                  payload=payload)
    return calloff


# --- sensitivity to the weights ----------------------------------------------------------------


def weights_text(calloff: CallOff) -> str:
    """The stated weights in words, price first: "Price 60 %, Quality 40 %"; empty for models without weights."""
    parts = [(_("Price"), calloff.price_weight or 0)] if calloff.evaluation_model == EvaluationModel.PRICE_QUALITY else []
    parts += [(c.lot_criterion.name, c.weight or 0) for c in scoring_criteria(calloff)]
    return ", ".join(f"{name} {weight} %" for name, weight in parts)


def weight_ranges(calloff: CallOff) -> dict[str, evaluation.WeightRange]:
    """The agreement's range for each criterion; the price weight may be whatever the criteria leave.

    The lot states ranges for its criteria only (`rules.check_weights`): the price weight of the
    price–quality model is what makes 100, so its range follows from theirs.
    """
    criteria = scoring_criteria(calloff)
    ranges = {}
    if calloff.evaluation_model == EvaluationModel.PRICE_QUALITY:
        low = max(0, 100 - sum(c.lot_criterion.max_weight for c in criteria))
        high = max(low, min(100, 100 - sum(c.lot_criterion.min_weight for c in criteria)))
        ranges[evaluation.PRICE] = evaluation.WeightRange(Decimal(low), Decimal(high))
    return ranges | {str(c.pk): evaluation.WeightRange(Decimal(c.lot_criterion.min_weight),
                                                       Decimal(c.lot_criterion.max_weight)) for c in criteria}


def _span(low: Decimal, high: Decimal) -> str:
    low, high = number_format(low.normalize(), 0), number_format(high.normalize(), 0)
    return low if low == high else f"{low}–{high}"


@dataclass
class OrderEffects:
    """Whether removing a tender, or adding a cheaper one, changes the order of the others.

    The same data twice, as people read it: a sentence per removed tender (`lines`) and a row each
    (`rows`); `summary` says it in one sentence and `cheaper` is the note on a new, cheaper tender.
    """

    summary: str
    rows: list[dict] = field(default_factory=list)
    cheaper: str = ""

    @property
    def lines(self) -> list[str]:
        return [row["sentence"] for row in self.rows]


def _order_text(groups) -> str:
    return " · ".join(" = ".join(str(i) for i in group) for group in groups)


def order_effects(preview: Preview, label: str) -> OrderEffects:
    """DESIGN.md §4: price–quality points are relative to the lowest price, so removing a tender, or adding a
    cheaper one, can reorder the others; every other model ranks a tender by its own figures and never does.
    `label` names the model as the call-off states it."""
    model = preview.model
    if evaluation.order_stable(model.method):
        return OrderEffects(_("%(model)s ranks each tender by figures of its own, so removing or adding a tender "
                              "never changes the order of the others.") % {"model": label})
    rows = []
    for change in evaluation.removal_effects(model, preview.tenders):
        names = {"tender": change.tender, "with": _order_text(change.with_tender),
                 "without": _order_text(change.without_tender)}
        sentence = (_("Without %(tender)s the order of the others would be %(without)s instead of %(with)s.")
                    if change.reordered else _("Without %(tender)s the others keep their order: %(with)s.")) % names
        rows.append(names | {"changed": change.reordered, "sentence": sentence})
    changed = sum(row["changed"] for row in rows)
    if not rows:
        summary = _("With fewer than three tenders, removing one leaves no order to change.")
    elif changed:
        summary = _("Removing one tender changes the order of the others in %(changed)s of %(total)s cases: price "
                    "points are relative to the lowest price, so the cheapest tender sets the scale for all.") % {
            "changed": changed, "total": len(rows)}
    else:
        summary = _("Removing any one tender leaves the order of the others as it is.")
    return OrderEffects(summary, rows, _cheaper_note(model, preview.tenders))


def _cheaper_note(model: evaluation.EvaluationModel, tenders: Sequence[evaluation.Tender]) -> str:
    if len(tenders) < 2:
        return ""
    change = evaluation.cheaper_tender_effect(model, tenders)
    if change is None:
        return _("A new tender cheaper than all of these would not change their order (tried down to %(share)s %% "
                 "of the lowest price).") % {"share": number_format(evaluation.CHEAPER_SHARES[-1] * 100, 0)}
    lowest = min(t.price for t in tenders)
    return _("A new tender cheaper than all of these can change their order: at %(price)s (%(share)s %% of the "
             "lowest price), whatever its quality, the order would be %(with)s instead of %(without)s.") % {
        "price": sek(change.price), "share": number_format(round(change.price / lowest * 100), 0),
        "with": _order_text(change.with_tender), "without": _order_text(change.without_tender)}


@dataclass
class SensitivityView:
    result: evaluation.Sensitivity | None
    problems: list[str]
    preview: Preview | None = None
    labels: dict[str, str] = field(default_factory=dict)
    ranges: dict[str, evaluation.WeightRange] = field(default_factory=dict)
    order: OrderEffects | None = None

    def range_rows(self) -> list[tuple[str, Decimal, Decimal]]:
        return [(self.labels.get(key, key), bounds.min, bounds.max) for key, bounds in self.ranges.items()]

    def weights_text(self, weights: Mapping[str, Decimal]) -> str:
        return ", ".join(f"{self.labels.get(key, key)} {number_format(weight.normalize(), 0)} %"
                         for key, weight in weights.items())

    def outcome_rows(self, shown: int = 50) -> list[dict]:
        """One row per distinct ranking: its winner, the order, and the weight combinations that give it."""
        rows = []
        for outcome in self.result.outcomes:
            order = [" = ".join(group) for group in outcome.groups]
            spans = [(key, min(w[key] for w in outcome.weights), max(w[key] for w in outcome.weights))
                     for key in self.ranges]
            rows.append({"winner": outcome.winner or _("no one (a tie)"), "order": order, "count": len(outcome.weights),
                         "stated": outcome.includes_stated,
                         "spans": ", ".join(f"{self.labels.get(key, key)} {_span(low, high)} %" for key, low, high in spans),
                         "combinations": [self.weights_text(w) for w in outcome.weights[:shown]],
                         "more": max(0, len(outcome.weights) - shown)})
        return rows

    @property
    def sentence(self) -> str:
        result = self.result
        if result is None:
            return ""
        names = [self.preview.supplier(w) if w is not None else _("no one (a tie)") for w in result.winners]
        extra = (" " + _("Only the first %(n)s combinations were tried.") % {"n": result.combinations}
                 if result.truncated else "")
        if result.winner_can_change:
            return _("The winner changes within the agreement's ranges: depending on the weights, %(names)s could "
                     "win.") % {"names": ", ".join(names)} + extra
        return _("The winner does not change within the agreement's ranges: %(name)s wins with every combination "
                 "of weights tried (%(n)s, in steps of %(step)s percentage points).") % {
            "name": names[0], "n": result.combinations, "step": number_format(result.step, 0)} + extra


def _recorded_draw(calloff: CallOff) -> list[int] | None:
    stored = Evaluation.objects.filter(calloff=calloff).first()
    for note in stored.notes if stored else []:
        if isinstance(note, dict) and note.get("kind") == "lot_draw":
            return list(note["tenders"])
    return None


def sensitivity_view(calloff: CallOff) -> SensitivityView:
    """How the ranking changes if the weights move within the agreement's ranges (price–quality, fixed price),
    and whether removing or adding a tender changes the order of the others (every model, `order_effects`)."""
    no_weights = [] if scores_quality(calloff) else [
        _("The model %(model)s has no weights, so the ranking cannot change with them.") % {
            "model": calloff.get_evaluation_model_display()}]
    preview = ranking_preview(calloff, _recorded_draw(calloff))
    if preview.problems:
        return SensitivityView(None, no_weights + preview.problems)
    order = order_effects(preview, calloff.get_evaluation_model_display())
    if no_weights:
        return SensitivityView(None, no_weights, preview, order=order)
    ranges = weight_ranges(calloff)
    labels = {str(c.pk): c.lot_criterion.name for c in scoring_criteria(calloff)} | {evaluation.PRICE: _("Price")}
    try:
        result = evaluation.sensitivity(preview.tenders, preview.model, ranges)
    except evaluation.EvaluationError as error:
        return SensitivityView(None, [str(error)], order=order)
    return SensitivityView(result, [], preview, labels, ranges, order)
