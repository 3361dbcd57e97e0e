"""API of opening, evaluation, the award decision and the contract (reads).

The opening record and the evaluation are the agency's; the decision is read by the agency, every
tenderer and the purchasing body that owns the agreement; the contract by the agency and the
contracted supplier. Everyone else, and everyone before the step has happened, gets 404.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from innokop.core import clock
from innokop.core.schemas import BY_ID, SIGNED_IN, Id, responses

from .models import Evaluation, OpeningRecord, TenderStatus
from .permissions import get_calloff_for_agency, get_contract_for_actor, get_decision_for_actor
from .services import award as awarding
from .services import evaluating, opening

router = Router(tags=["call-offs"])


class OpenedTenderOut(Schema):
    tender: int
    supplier: str
    number: int
    submitted_at: datetime
    sha256: str
    size: int
    verified: bool


class OpeningOut(Schema):
    reference: str
    tender_deadline: datetime
    started_by: str
    started_at: datetime
    confirmed_by: str
    opened_at: datetime
    tenders: list[OpenedTenderOut]
    withdrawn: int


class QualificationOut(Schema):
    tender: int
    supplier: str
    status: str
    rejection_reason: str


class RankingRowOut(Schema):
    position: int
    tender: int
    supplier: str
    price: Decimal
    figure: str
    comparison_price: Decimal | None = None
    price_points: Decimal | None = None
    quality_points: Decimal | None = None
    total_points: Decimal | None = None
    explanation: str


class EvaluationOut(Schema):
    reference: str
    state: str
    evaluation_model: str
    tie_rules: list[str]
    tenders: list[QualificationOut]
    completed: bool
    completed_at: datetime | None = None
    winner: str | None = None
    ranking: list[RankingRowOut]


class DecisionRowOut(Schema):
    position: int
    supplier: str
    figure: str
    price: Decimal
    awarded: bool


class RejectionOut(Schema):
    supplier: str
    reason: str


class DecisionOut(Schema):
    """`rejected` lists every rejection for the agency; a rejected tenderer gets its own reason in `own_rejection`."""

    reference: str
    title: str
    agency: str
    sent_at: datetime
    winner: str
    evaluation_model: str
    tie_rules: list[str]
    ranking: list[DecisionRowOut]
    reasons: str
    advantages: str
    standstill: bool
    standstill_ends: date | None = None
    signing_possible_from: date | None = None
    own_rejection: str | None = None
    rejected: list[RejectionOut]


class RequirementOut(Schema):
    identifier: str
    text: str
    kind: str
    followup_method: str
    followup_frequency: str


class ContractOut(Schema):
    reference: str
    agency: str
    supplier: str
    value: Decimal
    starts_on: date
    ends_on: date
    signed_at: datetime
    requirements: list[RequirementOut]


@router.get("/calloffs/{calloff_id}/opening", response=responses(OpeningOut, SIGNED_IN, BY_ID),
            summary="The opening record (agency, after opening)")
def award_opening(request, calloff_id: Id):
    calloff = get_calloff_for_agency(request.actor, calloff_id)
    record = OpeningRecord.objects.filter(calloff=calloff, opened_at__isnull=False).select_related(
        "started_by", "confirmed_by").first()
    if record is None:
        raise Http404
    return {"reference": calloff.reference, "tender_deadline": calloff.tender_deadline,
            "started_by": record.started_by.full_name, "started_at": record.started_at,
            "confirmed_by": record.confirmed_by.full_name, "opened_at": record.opened_at,
            "tenders": opening.opened_entries(record), "withdrawn": opening.withdrawn_count(record)}


def _ranking_rows(calloff, stored: Evaluation | None) -> list[dict]:
    """The stored ranking, its explanations in the request's language."""
    rows = [] if stored is None else evaluating.stored_ranking(calloff, stored)[0]
    return [row | {"explanation": row.get("explanation", "")} for row in rows]


@router.get("/calloffs/{calloff_id}/evaluation", response=responses(EvaluationOut, SIGNED_IN, BY_ID),
            summary="Qualification of the opened tenders and the completed ranking (agency)")
def award_evaluation(request, calloff_id: Id):
    calloff = get_calloff_for_agency(request.actor, calloff_id)
    if calloff.status not in opening.AFTER_OPENING and not OpeningRecord.objects.filter(
            calloff=calloff, opened_at__isnull=False).exists():
        raise Http404
    stored = Evaluation.objects.filter(calloff=calloff).select_related("winner__supplier").first()
    tenders = [{"tender": o.pk, "supplier": o.tender.supplier.name,
                "status": o.tender.status if o.tender.status in (TenderStatus.QUALIFIED, TenderStatus.REJECTED)
                else "undecided", "rejection_reason": o.tender.rejection_reason_text}
               for o in opening.opened_tenders(calloff)]
    return {"reference": calloff.reference, "state": calloff.effective_state(clock.now()),
            "evaluation_model": calloff.evaluation_model, "tie_rules": list(calloff.tie_rules), "tenders": tenders,
            "completed": stored is not None, "completed_at": stored.completed_at if stored else None,
            "winner": stored.winner.supplier.name if stored else None, "ranking": _ranking_rows(calloff, stored)}


@router.get("/calloffs/{calloff_id}/decision", response=responses(DecisionOut, SIGNED_IN, BY_ID),
            summary="The award decision (the agency, every tenderer and the agreement's purchasing body)")
def award_decision_read(request, calloff_id: Id):
    calloff = get_decision_for_actor(request.actor, calloff_id).calloff
    content = awarding.decision_content(calloff, request.actor)
    return {"reference": content.reference, "title": content.title, "agency": content.agency,
            "sent_at": content.sent_at, "winner": content.winner, "evaluation_model": calloff.evaluation_model,
            "tie_rules": list(calloff.tie_rules),
            "ranking": [{"position": r.position, "supplier": r.supplier, "figure": r.figure, "price": r.price,
                         "awarded": r.is_winner} for r in content.rows],
            "reasons": content.reasons, "advantages": content.advantages, "standstill": content.standstill,
            "standstill_ends": content.standstill_ends, "signing_possible_from": content.signing_from,
            "own_rejection": content.own_rejection or None,
            "rejected": [{"supplier": s, "reason": r} for s, r in content.rejected]}


@router.get("/calloffs/{calloff_id}/contract", response=responses(ContractOut, SIGNED_IN, BY_ID),
            summary="The call-off contract (the agency and the contracted supplier)")
def award_contract(request, calloff_id: Id):
    contract = get_contract_for_actor(request.actor, calloff_id)
    return {"reference": contract.calloff.reference, "agency": contract.agency.name,
            "supplier": contract.supplier.name, "value": contract.value, "starts_on": contract.starts_on,
            "ends_on": contract.ends_on, "signed_at": contract.signed_at,
            "requirements": list(contract.requirements.order_by("identifier"))}
