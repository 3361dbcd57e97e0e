"""The API of follow-up plans and rounds: a supplier reads its follow-up requests, answers them and proposes
corrective actions; an agency and the purchasing body read the plans and rounds they follow up. Access is decided
by the same helpers as the pages (`followup.permissions`); refusals come from the same services."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from innokop.core import clock
from innokop.core.models import Document
from innokop.core.pagination import DEFAULT_LIMIT, Cursor, Limit, cursor_page
from innokop.core.schemas import BODY, BY_ID, SIGNED_IN, Id, InputSchema, responses

from .models import FollowUpRound, RoundEvent
from .permissions import (
    get_plan_for_actor,
    get_round_for_actor,
    get_round_for_supplier,
    plans_visible_to,
    rounds_visible_to,
)
from .services import plans as services

router = Router(tags=["follow-up"])


class EventOut(Schema):
    kind: str
    at: datetime
    organisation: str | None
    text: str


class DeviationOut(Schema):
    status: str = Field(description="open, action_planned, closed or escalated")
    description: str
    action: str
    action_deadline: date | None
    action_late: bool = Field(description="From the clock when read")
    sanction: str
    sanction_amount: Decimal | None


class RoundOut(Schema):
    id: int
    reference: str
    plan_id: int
    item_identifier: str
    item_text: str
    method: str
    unit: str
    supplier_id: int
    kind: str = Field(description="regular, or audit (a commissioned audit answered by the auditor's report)")
    status: str = Field(description="requested, answered, met or deviation")
    overdue: bool = Field(description="Requested and not answered by the deadline, from the clock when read")
    scheduled_on: date
    question: str
    deadline: datetime
    answer: str
    value: Decimal | None
    assessment: str
    deviation: DeviationOut | None
    history: list[EventOut]
    documents: list[str] = Field(description="The titles of the evidence and reports attached, oldest first")


class ItemOut(Schema):
    id: int
    identifier: str
    source: str
    text: str
    method: str
    frequency: str
    target: Decimal | None
    target_direction: str
    unit: str
    active: bool


class PlanOut(Schema):
    id: int
    agreement_id: int | None
    contract_id: int | None
    buyer: str
    items: list[ItemOut]


class AnswerIn(InputSchema):
    answer: str = Field(min_length=1, max_length=8000, description="How the requirement is met; the evidence")
    value: Decimal | None = Field(None, max_digits=14, decimal_places=2,
                                  description="The measured value, required for a KPI measurement")


class ActionIn(InputSchema):
    action: str = Field(min_length=1, max_length=4000)
    deadline: date = Field(description="The day the corrective action is done by; today or later")


def _round_out(followup_round: FollowUpRound, documents: dict[str, list[str]] | None = None) -> dict:
    """`documents`: the titles of the rounds' documents by key, read for a whole page at once."""
    now = clock.now()
    deviation = getattr(followup_round, "deviation", None)
    return {
        **{name: getattr(followup_round, name) for name in (
            "id", "reference", "plan_id", "supplier_id", "kind", "status", "scheduled_on", "question", "deadline",
            "answer", "value", "assessment")},
        "item_identifier": followup_round.item.identifier, "item_text": followup_round.item.text,
        "method": followup_round.item.method, "unit": followup_round.item.unit,
        "overdue": followup_round.is_overdue(now),
        "deviation": None if deviation is None else {
            **{name: getattr(deviation, name) for name in (
                "status", "description", "action", "action_deadline", "sanction", "sanction_amount")},
            "action_late": deviation.is_action_late(now)},
        "documents": (_documents([followup_round]) if documents is None else documents).get(
            followup_round.document_key, []),
        "history": [{"kind": e.kind, "at": e.at, "organisation": e.organisation.name if e.organisation else None,
                     "text": e.text} for e in _events(followup_round)],
    }


def _documents(rounds) -> dict[str, list[str]]:
    titles: dict[str, list[str]] = {}
    keys = [followup_round.document_key for followup_round in rounds]
    for key, title in (Document.objects.filter(attached_to__in=keys).order_by("created_at", "pk")
                       .values_list("attached_to", "title")):
        titles.setdefault(key, []).append(title)
    return titles


def _events(followup_round: FollowUpRound):
    if "events" in getattr(followup_round, "_prefetched_objects_cache", {}):
        return followup_round.events.all()
    return followup_round.events.select_related("organisation")


@router.get("/follow-up/rounds", response=responses(list[RoundOut], SIGNED_IN, 422),
            summary="Follow-up rounds: a supplier's own requests, or the rounds of the plans you follow up, "
                    "the latest scheduled first")
def followup_rounds(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    services.rounds_open_for(request.actor)
    rounds = cursor_page(request, response, rounds_visible_to(request.actor).select_related("deviation"),
                         order=("-scheduled_on", "-pk"), cursor=cursor, limit=limit)
    prefetch_related_objects(rounds, Prefetch("events", queryset=RoundEvent.objects.select_related("organisation")))
    documents = _documents(rounds)
    return [_round_out(r, documents) for r in rounds]


@router.get("/follow-up/rounds/{round_id}", response=responses(RoundOut, SIGNED_IN, BY_ID),
            summary="A follow-up round with its deviation and the history both sides read")
def followup_round(request, round_id: Id):
    return _round_out(get_round_for_actor(request.actor, round_id))


@router.post("/follow-up/rounds/{round_id}/answer", response=responses(RoundOut, SIGNED_IN, BY_ID, BODY, 409),
             summary="Answer a follow-up request (the supplier's representatives); with documents, see "
                     "answer-with-evidence")
def followup_round_answer(request, round_id: Id, body: AnswerIn):
    followup_round = get_round_for_supplier(request.actor, round_id)
    return _round_out(services.round_answer(actor=request.user, followup_round=followup_round, answer=body.answer,
                                            value=body.value))


@router.post("/follow-up/rounds/{round_id}/answer-with-evidence",
             response=responses(RoundOut, SIGNED_IN, BY_ID, BODY, 409),
             summary="Answer a follow-up request with evidence documents (multipart/form-data)",
             description="The fields of the JSON answer (`answer`, and `value` for a KPI) as form fields, and up to "
                         "ten files named `evidence`, checked as the page checks them: at most the upload size (413), "
                         "a kind accepted by its content, not its name (PDF, Word, Excel, OpenDocument, PNG, JPEG, "
                         "plain text; 422), stored under a safe name. Nothing is saved when one file is refused.")
def followup_round_answer_with_evidence(request, round_id: Id, body: Form[AnswerIn],
                                        evidence: File[list[UploadedFile]] = None):
    followup_round = get_round_for_supplier(request.actor, round_id)
    return _round_out(services.round_answer(actor=request.user, followup_round=followup_round, answer=body.answer,
                                            value=body.value, files=list(evidence or [])))


@router.post("/follow-up/rounds/{round_id}/corrective-action",
             response=responses(RoundOut, SIGNED_IN, BY_ID, BODY, 409),
             summary="Propose a corrective action for the round's open deviation (the supplier's representatives)")
def followup_corrective_action(request, round_id: Id, body: ActionIn):
    followup_round = get_round_for_supplier(request.actor, round_id)
    deviation = getattr(followup_round, "deviation", None)
    if deviation is None:
        raise services.FollowUpError(_("The round has no deviation."), code="no_deviation", status=409)
    services.deviation_action_propose(actor=request.user, deviation=deviation, action=body.action,
                                      deadline=body.deadline)
    return _round_out(get_round_for_actor(request.actor, round_id))


def _plan_out(plan) -> dict:
    return {"id": plan.pk, "agreement_id": plan.agreement_id, "contract_id": plan.contract_id, "buyer": plan.buyer.name,
            "items": [{name: getattr(item, name) for name in ItemOut.model_fields} for item in plan.items.all()]}


@router.get("/follow-up/plans", response=responses(list[PlanOut], SIGNED_IN, 422),
            summary="The follow-up plans you follow up: your agency's contracts, or your agreements, newest first")
def followup_plans(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    plans = cursor_page(request, response, plans_visible_to(request.actor).prefetch_related("items"),
                        order=("-created_at", "-pk"), cursor=cursor, limit=limit)
    return [_plan_out(plan) for plan in plans]


@router.get("/follow-up/plans/{plan_id}", response=responses(PlanOut, SIGNED_IN, BY_ID),
            summary="A follow-up plan with its items")
def followup_plan(request, plan_id: Id):
    return _plan_out(get_plan_for_actor(request.actor, plan_id))
