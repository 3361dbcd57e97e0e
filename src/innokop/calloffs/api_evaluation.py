"""API of the evaluation, the award decision and the contract (changes): what the team does in the pages.

The opening is not here and never will be: two different people of the call-off's team open the
tenders in the pages, each signed in with two-factor authentication (rule 6). Every operation here
needs tenders already opened that way.

The same services as the pages (`services.evaluating`, `services.award`), so the same rules, audit
events and notifications. The call-off's team only, as in the pages: 404 for everyone outside the
agency (suppliers included: these are not their pages), 403 for the agency's people outside the
team. An evaluator declares that they have no conflict of interest before they score. A refusal answers
with the reason, a code and the problems field by field (config/api.py): 400 when the request cannot be
done as asked (`invalid`, `not_qualifiable`, ...), 409 when the call-off's state does not allow it now
(`evaluation_not_open`, `declaration_required`, `ranking_not_ready`, `decision_sent`, `standstill_running`,
...).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from innokop.core import clock
from innokop.core.schemas import BODY, BY_ID, SIGNED_IN, Id, InputSchema, responses

from . import rules
from .api_award import ContractOut, DecisionOut, EvaluationOut, RankingRowOut, award_contract, award_decision_read
from .api_award import award_evaluation as evaluation_read
from .models import CallOff, CallOffStatus, ConsensusScore, Evaluation, Score
from .permissions import get_calloff_for_agency
from .services import CallOffError, evaluating, opening
from .services import award as awarding

router = Router(tags=["call-offs"])

NOT_HERE = ("The tenders must already be opened: the opening is done in Innoköp's pages by two different people "
            "of the call-off's team, each signed in with two-factor authentication, and never through the API.")

Text = Annotated[str, Field(max_length=20000)]


def after_opening(operation):
    """The operation's description says that the tenders are opened in the pages, never through the API."""
    operation.__doc__ = f"{(operation.__doc__ or '').strip()} {NOT_HERE}".strip()
    return operation


# --- schemas ------------------------------------------------------------------------------------------


class RejectIn(InputSchema):
    reason: str = Field("", max_length=4000, description=(
        "Why the tender is rejected; the supplier is sent it with the award decision. Left out: the reason "
        "Innoköp gives when the tender cannot be qualified (a mandatory requirement not met, no price, unreadable), "
        "kept in Swedish, the decision's language."))


class DeclarationIn(InputSchema):
    confirm: StrictBool = Field(False, description=(
        "true: you declare the statement `GET …/evaluation/declaration` shows. If you do have a conflict of "
        "interest, do not evaluate: tell the team."))


class DeclarationOut(Schema):
    calloff: int
    evaluator: str
    statement: str = Field(..., description="The statement declared, or the one you would declare")
    declared_at: datetime | None = Field(..., description="When you declared it; null if you have not")


class ScoreIn(InputSchema):
    score: StrictInt | None = Field(None, description="0 (lowest) to 5 (highest)")
    reason: str = Field("", max_length=4000, description="Your reasons (required for the consensus score)")


class ScoresIn(InputSchema):
    """Every criterion at once, keyed by the criterion's id (`GET …/scores` lists them); scoring again replaces."""

    scores: dict[int, ScoreIn] = {}


class CriterionOut(Schema):
    id: int
    name: str
    weight: int | None


class ScoreOut(Schema):
    criterion: int
    evaluator: str
    score: int
    reason: str
    scored_at: datetime


class ConsensusOut(Schema):
    criterion: int
    score: int
    reason: str
    set_by: str
    set_at: datetime


class TenderScoresOut(Schema):
    calloff: int
    tender: int
    supplier: str
    status: str = Field(..., description="qualified, rejected or undecided; only qualified tenders are scored")
    criteria: list[CriterionOut] = Field(..., description="Empty when the evaluation model does not score quality")
    answers: dict[int, str] = Field(..., description="The tender's answer to each criterion, by criterion id")
    mine: list[ScoreOut] = Field(..., description="Your own scores")
    scores: list[ScoreOut] = Field(..., description="Every evaluator's scores, yours included")
    consensus: list[ConsensusOut]


class TiedTenderOut(Schema):
    tender: int
    supplier: str


class RankingPreviewOut(Schema):
    reference: str
    state: str
    evaluation_model: str
    completed: bool = Field(..., description="Whether the evaluation is completed (then `ranking` is the stored one)")
    problems: list[str] = Field(..., description="What must be done before the tenders can be ranked")
    tied: list[list[TiedTenderOut]] = Field(..., description=(
        "Tenders whose places are decided by drawing lots: `POST …/evaluation/complete` gives each its drawn "
        "place and names the witness"))
    ranking: list[RankingRowOut]
    notes: list[str]


class CompleteIn(InputSchema):
    draw: dict[int, StrictInt] = Field({}, description=(
        "Only when the ranking has tenders tied for drawing lots: each tied tender's id and its drawn place "
        "within its group, 1 to the group's size"))
    witness: str = Field("", max_length=200, description="Who, outside the evaluation, witnessed the draw")


class ReopenIn(InputSchema):
    reason: str = Field("", max_length=4000, description="Why the evaluation is reopened; kept in the record")


class DecisionDraftOut(Schema):
    reference: str
    evaluation: str = Field(..., description="Names the completed evaluation the texts are written from: send it "
                                             "back with the decision")
    reasons: str = Field(..., description=(
        "Written out from the evaluation in the request's language: Swedish, unless the language cookie chooses "
        "English"))
    advantages: str
    winner: str
    standstill_ends: date | None = Field(..., description="When a standstill sent now would end (its last day)")


class DecisionIn(InputSchema):
    standstill: StrictBool | None = Field(None, description=(
        "Required. true: signing is locked for at least 10 days after sending (day 0 is the sending day; a "
        "period ending on a weekend or public holiday ends on the next working day); false: the contract may be "
        "signed once the decision is sent. Optional for call-offs."))
    reasons: Text | None = Field(None, description=(
        "The reasons sent to every tenderer. Left out: the text of `GET …/decision/draft`. Text left as Innoköp "
        "wrote it is kept in Swedish, the decision's legal language, and read in each reader's language; your own "
        "words are kept as written."))
    advantages: Text | None = Field(None, description="The winning tender's relative advantages; as `reasons`")
    evaluation: str = Field("", max_length=100, description=(
        "`evaluation` of `GET …/decision/draft`: if the evaluation has been reopened and completed again since, "
        "nothing is sent"))


class ContractIn(InputSchema):
    value: Annotated[Decimal, Field(max_digits=14, decimal_places=2)] | None = Field(
        None, description="SEK excluding VAT. Left out: the winner's tendered price")
    starts_on: date | None = Field(None, description="Left out: the call-off's contract start")
    ends_on: date | None = Field(None, description="Left out: the call-off's contract end")
    long_contract_reason: str | None = Field(None, max_length=4000, description=(
        "Why a contract runs longer than four years; left out: the call-off's"))


# --- helpers ------------------------------------------------------------------------------------------


def _team_calloff(request, calloff_id: int) -> CallOff:
    """The call-off, for its team: 404 outside the agency, 403 for colleagues outside the team."""
    return get_calloff_for_agency(request.actor, calloff_id, write=True)


def _opened(calloff: CallOff, tender_id: int) -> opening.OpenedTender:
    try:
        return opening.opened_tender(calloff, tender_id)
    except LookupError:
        raise Http404 from None


def _score(row: Score) -> dict:
    return {"criterion": row.criterion_id, "evaluator": row.evaluator.full_name, "score": row.score,
            "reason": row.comment, "scored_at": row.scored_at}


def _scores(request, calloff: CallOff, opened: opening.OpenedTender) -> dict:
    status = opened.tender.status
    scores = list(Score.objects.filter(tender=opened.tender).select_related("evaluator")
                  .order_by("evaluator__full_name", "evaluator_id", "criterion_id"))
    consensus = ConsensusScore.objects.filter(tender=opened.tender).select_related("set_by").order_by("criterion_id")
    return {"calloff": calloff.pk, "tender": opened.pk, "supplier": opened.tender.supplier.name,
            "status": status if status in evaluating.DECIDED else "undecided",
            "criteria": [{"id": c.pk, "name": c.lot_criterion.name, "weight": c.weight}
                         for c in evaluating.scoring_criteria(calloff)],
            "answers": opened.content.criteria if opened.content else {},
            "mine": [_score(s) for s in scores if s.evaluator_id == request.user.pk],
            "scores": [_score(s) for s in scores],
            "consensus": [{"criterion": c.criterion_id, "score": c.score, "reason": c.reason,
                           "set_by": c.set_by.full_name, "set_at": c.set_at} for c in consensus]}


def _service_scores(payload: ScoresIn) -> dict[int, tuple[int | None, str]]:
    return {pk: (given.score, given.reason) for pk, given in payload.scores.items()}


# --- qualification ------------------------------------------------------------------------------------


@router.post("/calloffs/{calloff_id}/evaluation/tenders/{tender_id}/qualify",
             response=responses(EvaluationOut, SIGNED_IN, BY_ID, 400, 409), url_name="evaluation_tender_qualify",
             summary="Qualify an opened tender (the team)")
@after_opening
def evaluation_tender_qualify(request, calloff_id: Id, tender_id: Id):
    """A tender that meets every mandatory requirement, read from its opened content, is qualified; one that does
    not is refused (reject it with the reason instead). Answers the evaluation as it now stands."""
    calloff = _team_calloff(request, calloff_id)
    evaluating.tender_qualify(actor=request.user, tender=_opened(calloff, tender_id).tender)
    return evaluation_read(request, calloff.pk)


@router.post("/calloffs/{calloff_id}/evaluation/tenders/{tender_id}/reject",
             response=responses(EvaluationOut, SIGNED_IN, BY_ID, BODY, 409), url_name="evaluation_tender_reject",
             summary="Reject an opened tender, with the reason the supplier is sent (the team)")
@after_opening
def evaluation_tender_reject(request, calloff_id: Id, tender_id: Id, payload: RejectIn | None = None):
    """The reason goes to that tenderer with the award decision. Answers the evaluation as it now stands."""
    calloff = _team_calloff(request, calloff_id)
    opened = _opened(calloff, tender_id)
    reason = payload.reason if payload and payload.reason.strip() else (
        opened.tender.rejection_reason_text or evaluating.rejection_suggestion(calloff, opened))
    evaluating.tender_reject(actor=request.user, tender=opened.tender, reason=reason)
    return evaluation_read(request, calloff.pk)


# --- the declaration of no conflict of interest -------------------------------------------------------


def _declaration(calloff: CallOff, user) -> dict:
    declaration = evaluating.declaration_of(calloff, user)
    return {"calloff": calloff.pk, "evaluator": user.full_name,
            "statement": declaration.statement if declaration else evaluating.conflict_statement(calloff, user),
            "declared_at": declaration.declared_at if declaration else None}


@router.get("/calloffs/{calloff_id}/evaluation/declaration", response=responses(DeclarationOut, SIGNED_IN, BY_ID),
            url_name="evaluation_declaration_get",
            summary="Your declaration of no conflict of interest, or the statement to declare (the team)")
def evaluation_declaration_get(request, calloff_id: Id):
    calloff = _team_calloff(request, calloff_id)
    if calloff.status not in opening.AFTER_OPENING:
        raise Http404
    return _declaration(calloff, request.user)


@router.post("/calloffs/{calloff_id}/evaluation/declaration",
             response=responses(DeclarationOut, SIGNED_IN, BY_ID, BODY, 409, status=201),
             url_name="evaluation_declare", summary="Declare that you have no conflict of interest (the team)")
@after_opening
def evaluation_declare(request, calloff_id: Id, payload: DeclarationIn | None = None):
    """Each evaluator declares once, before scoring; the statement names every tenderer."""
    calloff = _team_calloff(request, calloff_id)
    evaluating.conflict_declare(actor=request.user, calloff=calloff, confirmed=bool(payload and payload.confirm))
    return Status(201, _declaration(calloff, request.user))


# --- scores and consensus -----------------------------------------------------------------------------


@router.get("/calloffs/{calloff_id}/evaluation/tenders/{tender_id}/scores",
            response=responses(TenderScoresOut, SIGNED_IN, BY_ID), url_name="evaluation_scores_get",
            summary="An opened tender's criteria, answers, every evaluator's scores and the consensus (the team)")
def evaluation_scores_get(request, calloff_id: Id, tender_id: Id):
    """As in the pages, an evaluator sees the scores once they have declared no conflict of interest (403
    before)."""
    calloff = _team_calloff(request, calloff_id)
    opened = _opened(calloff, tender_id)
    if evaluating.declaration_of(calloff, request.user) is None:
        raise PermissionDenied(_("Declare that you have no conflict of interest before you score the tenders."))
    return _scores(request, calloff, opened)


@router.put("/calloffs/{calloff_id}/evaluation/tenders/{tender_id}/scores",
            response=responses(TenderScoresOut, SIGNED_IN, BY_ID, BODY, 409), url_name="evaluation_scores_put",
            summary="Your scores of a qualified tender, every criterion at once (the team)")
@after_opening
def evaluation_scores_put(request, calloff_id: Id, tender_id: Id, payload: ScoresIn | None = None):
    """0 to 5 per criterion, reasons optional; scoring again replaces your scores. Needs your declaration of no
    conflict of interest."""
    calloff = _team_calloff(request, calloff_id)
    opened = _opened(calloff, tender_id)
    evaluating.scores_record(actor=request.user, tender=opened.tender,
                             scores=_service_scores(payload or ScoresIn()))
    return _scores(request, calloff, opened)


@router.put("/calloffs/{calloff_id}/evaluation/tenders/{tender_id}/consensus",
            response=responses(TenderScoresOut, SIGNED_IN, BY_ID, BODY, 409), url_name="evaluation_consensus_put",
            summary="The consensus scores of a qualified tender, with reasons, every criterion at once (the team)")
@after_opening
def evaluation_consensus_put(request, calloff_id: Id, tender_id: Id, payload: ScoresIn | None = None):
    """The score the evaluators agree on, with reasons, per criterion: the ranking uses these. Needs your
    declaration of no conflict of interest."""
    calloff = _team_calloff(request, calloff_id)
    opened = _opened(calloff, tender_id)
    evaluating.consensus_record(actor=request.user, tender=opened.tender,
                                scores=_service_scores(payload or ScoresIn()))
    return _scores(request, calloff, opened)


# --- the ranking --------------------------------------------------------------------------------------


@router.get("/calloffs/{calloff_id}/evaluation/ranking", response=responses(RankingPreviewOut, SIGNED_IN, BY_ID),
            url_name="evaluation_ranking_get",
            summary="The ranking as it stands, computed now, or what stops it (the agency)")
def evaluation_ranking_get(request, calloff_id: Id):
    """While the evaluation is in progress, the ranking computed from the qualification and the consensus
    scores by the call-off's evaluation model, or the problems that stop it; once completed, the stored one."""
    calloff = get_calloff_for_agency(request.actor, calloff_id)
    if calloff.status not in opening.AFTER_OPENING:
        raise Http404
    stored = Evaluation.objects.filter(calloff=calloff).first()
    tied = []
    if calloff.status == CallOffStatus.OPENED or stored is None:
        preview = evaluating.ranking_preview(calloff)
        rows = evaluating.ranking_rows(preview) if preview.ranking else []
        notes = list(preview.ranking.notes) if preview.ranking else []
        problems = preview.problems
        tied = [[{"tender": o.pk, "supplier": o.tender.supplier.name} for o in group]
                for group in preview.tied_groups]
    else:
        (rows, notes), problems = evaluating.stored_ranking(calloff, stored), []
    return {"reference": calloff.reference, "state": calloff.effective_state(clock.now()),
            "evaluation_model": calloff.evaluation_model, "completed": stored is not None,
            "problems": problems, "tied": tied, "ranking": [row | {"explanation": row.get("explanation", "")}
                                                            for row in rows], "notes": notes}


@router.post("/calloffs/{calloff_id}/evaluation/complete",
             response=responses(EvaluationOut, SIGNED_IN, BY_ID, BODY, 409), url_name="evaluation_complete",
             summary="Compute and store the ranking: the evaluation is completed (the team)")
@after_opening
def evaluation_complete(request, calloff_id: Id, payload: CompleteIn | None = None):
    """Refused while a tender is undecided or a qualified tender lacks a consensus score (the problems of
    `GET …/evaluation/ranking`). A tie that goes to drawing lots needs each tied tender's drawn place and the
    witness. Then the award decision is written."""
    calloff = _team_calloff(request, calloff_id)
    payload = payload or CompleteIn()
    evaluating.evaluation_complete(actor=request.user, calloff=calloff, draw=dict(payload.draw) or None,
                                   witness=payload.witness)
    return evaluation_read(request, calloff.pk)


@router.post("/calloffs/{calloff_id}/evaluation/reopen",
             response=responses(EvaluationOut, SIGNED_IN, BY_ID, BODY, 409), url_name="evaluation_reopen",
             summary="Reopen a completed evaluation before the decision is sent, with the reason (the team)")
def evaluation_reopen(request, calloff_id: Id, payload: ReopenIn | None = None):
    """The stored ranking is removed (the record keeps it); qualification and scores stay and can be changed."""
    calloff = _team_calloff(request, calloff_id)
    evaluating.evaluation_reopen(actor=request.user, calloff=calloff, reason=payload.reason if payload else "")
    return evaluation_read(request, calloff.pk)


# --- the award decision -------------------------------------------------------------------------------


def _evaluated(calloff: CallOff) -> None:
    if calloff.status != CallOffStatus.EVALUATED:
        raise CallOffError(_("The award decision is written once the evaluation is completed."),
                           code="evaluation_not_completed", status=409)


@router.get("/calloffs/{calloff_id}/decision/draft", response=responses(DecisionDraftOut, SIGNED_IN, BY_ID, 409),
            url_name="decision_draft",
            summary="The award decision's texts as Innoköp writes them from the completed evaluation (the team)")
def decision_draft(request, calloff_id: Id):
    """What the page prefills: the reasons (the model, the tie rules, the counts and the ranking) and the winner's
    relative advantages, in the request's language; and the evaluation they are written from."""
    calloff = _team_calloff(request, calloff_id)
    _evaluated(calloff)
    stored = Evaluation.objects.select_related("winner__supplier").get(calloff=calloff)
    return awarding.decision_prefill(calloff) | {
        "reference": calloff.reference, "evaluation": awarding.evaluation_version(calloff),
        "winner": stored.winner.supplier.name, "standstill_ends": rules.standstill_end(clock.now())}


@router.post("/calloffs/{calloff_id}/decision/send", response=responses(DecisionOut, SIGNED_IN, BY_ID, BODY, 409,
                                                                         status=201),
             url_name="decision_send", summary="Send the award decision to every tenderer (the team)")
@after_opening
def decision_send(request, calloff_id: Id, payload: DecisionIn | None = None):
    """Sent to every tenderer, each told in Innoköp; a rejected tenderer also reads its own reason. The evaluation
    can no longer change. Answers the decision as the agency reads it."""
    calloff = _team_calloff(request, calloff_id)
    payload = payload or DecisionIn()
    if payload.standstill is None:
        raise ValidationError({"standstill": _("Say whether signing waits for a standstill period: true or "
                                               "false.")})
    _evaluated(calloff)
    written = awarding.decision_prefill(calloff)
    awarding.award_decision_send(
        actor=request.user, calloff=calloff, standstill=payload.standstill, evaluation=payload.evaluation,
        reasons=written["reasons"] if payload.reasons is None else payload.reasons,
        advantages=written["advantages"] if payload.advantages is None else payload.advantages)
    return Status(201, award_decision_read(request, calloff.pk))


# --- the contract -------------------------------------------------------------------------------------


@router.post("/calloffs/{calloff_id}/contract/sign", response=responses(ContractOut, SIGNED_IN, BY_ID, BODY, 409,
                                                                        status=201),
             url_name="contract_sign", summary="Sign the call-off contract (the team)")
def contract_sign(request, calloff_id: Id, payload: ContractIn | None = None):
    """After the award decision, once its standstill has ended (or, in ranking order, after a supplier accepts the
    offer). The contract inherits the call-off's requirements for follow-up, its value is taken from the
    agreement's maximum, and the supplier is told."""
    calloff = _team_calloff(request, calloff_id)
    payload = payload or ContractIn()
    given = {name: value for name, value in payload.model_dump().items() if value is not None}
    awarding.contract_sign(actor=request.user, calloff=calloff, **(awarding.contract_defaults(calloff) | given))
    return Status(201, award_contract(request, calloff.pk))
