"""API of the call-off procedure up to the tender deadline, for integrators: what the pages do, through the same
services.

The agency starts a call-off from a lot, saves the steps of its draft, publishes it (at once, or scheduled for a
later publication day, which it may take back to a draft) or cancels it, answers the suppliers' questions,
publishes clarifications (and after a late one extends the tender deadline or says why not), offers dialogue
meetings and records their minutes; its team takes in colleagues. An invited supplier's representative asks
questions and cancels its booking; every party reads the questions it may see (rule 5: the asker is the agency's
to know) and the documents of the clarifications.

Access follows the pages (calloffs/permissions.py): a call-off the caller cannot see answers 404; one it sees but
may not change (a colleague outside the team, an invited supplier) answers 403. Refusals answer 400 (409 for a
state that does not allow it now) with their reason and code, through the API's one handler (config/api.py).
The list of questions pages with a cursor (core.pagination).
"""

import base64
import binascii

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from innokop.accounts.models import User
from innokop.agreements.permissions import get_lot_for_actor, may_start
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.pagination import DEFAULT_LIMIT, Cursor, Limit, cursor_page
from innokop.core.ratelimit import check as rate_limit_check
from innokop.core.ratelimit import requester_key
from innokop.core.schemas import BODY, BY_ID, SIGNED_IN, Id, responses

from . import services
from .api_dialogue import ClarificationOut, MeetingOut, _clarification, _meeting
from .models import CallOff, CallOffKind, CallOffQuestion, CallOffStatus, DialogueSlot
from .permissions import (
    current_team,
    get_calloff_for_actor,
    get_calloff_for_agency,
    get_representing_supplier,
    is_agency_member,
)
from .schemas import QuestionOut
from .schemas_procedure import (
    AnswerIn,
    AskIn,
    CallOffSetupOut,
    CancelIn,
    ClarificationIn,
    ContractPeriodIn,
    DeadlineExtendIn,
    DeadlineKeepIn,
    DocumentContentOut,
    EvaluationIn,
    FileIn,
    MinutesIn,
    NeedIn,
    PublishIn,
    SlotsIn,
    TeamAddIn,
    TeamMemberOut,
    TimetableIn,
)
from .services import dialogue as dialogue_services
from .services import ranking as ranking_services
from .services import tenders as tender_services

router = Router(tags=["call-offs"])


def _setup(calloff: CallOff) -> dict:
    calloff = CallOff.objects.select_related("lot__agreement").get(pk=calloff.pk)
    now = clock.now()
    criteria = [{"id": row.lot_criterion_id, "name": row.lot_criterion.name, "min_weight": row.lot_criterion.min_weight,
                 "max_weight": row.lot_criterion.max_weight, "weight": row.weight}
                for row in calloff.criteria.select_related("lot_criterion").order_by("lot_criterion_id")]
    requirements = [{"id": r.pk, "identifier": r.identifier, "text": r.text, "kind": r.kind}
                    for r in calloff.requirements.order_by("identifier")]
    draft = calloff.status == CallOffStatus.DRAFT
    return {field: getattr(calloff, field) for field in (
        "id", "reference", "status", "method", "lot_id", "title", "need", "estimated_value", "evaluation_model",
        "price_weight", "requirement_values", "fixed_price", *services.TIMETABLE_FIELDS, "long_contract_reason",
        "published_at")} | {
        "state": calloff.effective_state(now), "agreement_reference": calloff.lot.agreement.reference,
        "criteria": criteria, "requirements": requirements, "steps_done": calloff.steps_done(),
        "publication_problems": services.publication_problems(calloff) if draft else [],
        "scheduled": calloff.is_scheduled(now)}


# Start and the draft's steps: the agency's team

@router.post("/lots/{lot_id}/calloffs", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, BODY, status=201),
             url_name="calloff_start_api",
             summary="Start a call-off from a lot: a draft with the lot's method, criteria and requirements")
def calloff_start_api(request, lot_id: Id, payload: NeedIn):
    lot = get_lot_for_actor(request.actor, lot_id)
    if not may_start(request.actor, lot, local_date(clock.now())):
        raise PermissionDenied(_("Only procurers and business developers at an agency entitled to the agreement can "
                                 "start a call-off from it, while the agreement is in force."))
    calloff = services.calloff_start(actor=request.user, lot=lot, title=payload.title, need=payload.need,
                                     estimated_value=payload.estimated_value)
    return Status(201, _setup(calloff))


@router.get("/calloffs/{calloff_id}/draft", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID),
            url_name="calloff_setup",
            summary="A call-off as its agency set it up: the steps of the draft, and what stops publication")
def calloff_setup(request, calloff_id: Id):
    return _setup(get_calloff_for_agency(request.actor, calloff_id))


def _save_step(request, calloff_id: int, step: str, data: dict) -> dict:
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    ranking = calloff.method == CallOffKind.RANKING
    if step == "timetable" and ranking:
        raise services.CallOffError(_("A call-off in ranking order has no tender period: give its contract period "
                                      "instead."), code="ranking_order")
    if step == "contract_period" and not ranking:
        raise services.CallOffError(_("Only a call-off in ranking order has a contract period without a tender "
                                      "period: give the whole timetable instead."), code="not_ranking_order")
    services.calloff_update_step(actor=request.user, calloff=calloff, step=step, data=data)
    return _setup(calloff)


@router.put("/calloffs/{calloff_id}/draft/need", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, BODY),
            url_name="calloff_need_api", summary="Save the draft's need: title, need and estimated value")
def calloff_need_api(request, calloff_id: Id, payload: NeedIn):
    return _save_step(request, calloff_id, "need", payload.dict())


@router.put("/calloffs/{calloff_id}/draft/evaluation", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, BODY),
            url_name="calloff_evaluation_api",
            summary="Save the draft's evaluation: the model, and its weights, requirement values or fixed price")
def calloff_evaluation_api(request, calloff_id: Id, payload: EvaluationIn):
    values = {str(pk): {kind: str(figure) for kind, figure in value.items()}
              for pk, value in payload.requirement_values.items()}
    return _save_step(request, calloff_id, "evaluation", {
        "evaluation_model": payload.evaluation_model, "price_weight": payload.price_weight,
        "weights": dict(payload.weights), "requirement_values": values, "fixed_price": payload.fixed_price})


@router.put("/calloffs/{calloff_id}/draft/timetable", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, BODY),
            url_name="calloff_timetable_api",
            summary="Save the draft's timetable (a renewed competition): publication, questions, tenders, contract")
def calloff_timetable_api(request, calloff_id: Id, payload: TimetableIn):
    return _save_step(request, calloff_id, "timetable", payload.dict())


@router.put("/calloffs/{calloff_id}/draft/contract-period",
            response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, BODY), url_name="calloff_contract_period_api",
            summary="Save the draft's contract period (a call-off in ranking order)")
def calloff_contract_period_api(request, calloff_id: Id, payload: ContractPeriodIn):
    return _save_step(request, calloff_id, "contract_period", payload.dict())


# Publication

@router.post("/calloffs/{calloff_id}/publish", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, BODY),
             url_name="calloff_publish_api",
             summary="Publish the draft: every supplier on the lot is invited (on its publication day, when later); "
                     "in ranking order, offered to the first-ranked supplier")
def calloff_publish_api(request, calloff_id: Id, payload: PublishIn | None = None):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    if calloff.method == CallOffKind.RANKING:
        answer_by = (payload.answer_by if payload else None) or ranking_services.default_answer_by(clock.now())
        calloff = ranking_services.ranking_offer_first(actor=request.user, calloff=calloff, answer_by=answer_by)
    else:
        calloff = services.calloff_publish(actor=request.user, calloff=calloff)
    return _setup(calloff)


@router.post("/calloffs/{calloff_id}/unschedule", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, 400, 409),
             url_name="calloff_unschedule_api",
             summary="Take a call-off scheduled for a later publication day back to a draft")
def calloff_unschedule_api(request, calloff_id: Id):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    return _setup(services.calloff_unschedule(actor=request.user, calloff=calloff))


@router.post("/calloffs/{calloff_id}/cancel", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, BODY),
             url_name="calloff_cancel_api",
             summary="Cancel the call-off before the contract (rule 10); every invited supplier is sent the reason")
def calloff_cancel_api(request, calloff_id: Id, payload: CancelIn):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    return _setup(services.calloff_cancel(actor=request.user, calloff=calloff, reason=payload.reason))


def _team(calloff: CallOff) -> list[dict]:
    return [{"id": user.pk, "name": str(user)} for user in current_team(calloff).order_by("full_name", "pk")]


@router.get("/calloffs/{calloff_id}/team", response=responses(list[TeamMemberOut], SIGNED_IN, BY_ID),
            url_name="calloff_team", summary="The call-off's team: the agency's people who may change it")
def calloff_team(request, calloff_id: Id):
    return _team(get_calloff_for_agency(request.actor, calloff_id))


@router.post("/calloffs/{calloff_id}/team", response=responses(list[TeamMemberOut], SIGNED_IN, BY_ID, BODY),
             url_name="calloff_team_add_api", summary="Add a colleague in the agency to the call-off's team")
def calloff_team_add_api(request, calloff_id: Id, payload: TeamAddIn):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    user = User.objects.filter(pk=payload.user_id, memberships__organisation=calloff.agency).distinct().first()
    if user is None:
        raise ValidationError({"user_id": _("Choose a colleague in your organisation.")})
    services.calloff_team_add(actor=request.user, calloff=calloff, user=user)
    return _team(calloff)


# Questions and answers (rule 5)

def _question(question: CallOffQuestion, *, with_asker: bool) -> dict:
    return {"id": question.pk, "question": question.text, "asked_at": question.asked_at,
            "answer": question.answer if question.is_answered else None, "answered_at": question.answered_at,
            "supplier": question.supplier.name if with_asker else None}


@router.get("/calloffs/{calloff_id}/questions", response=responses(list[QuestionOut], SIGNED_IN, BY_ID),
            url_name="calloff_questions",
            summary="Questions in the order asked: all, with who asked, for the agency; every answered question and "
                    "your own for a supplier")
def calloff_questions(request, calloff_id: Id, response: HttpResponse, cursor: Cursor = None,
                      limit: Limit = DEFAULT_LIMIT):
    calloff = get_calloff_for_actor(request.actor, calloff_id)
    agency = is_agency_member(request.actor, calloff)
    questions = (calloff.questions.select_related("supplier") if agency
                 else calloff.questions.for_supplier(request.actor.organisation_ids))
    page = cursor_page(request, response, questions, order=("asked_at", "pk"), cursor=cursor, limit=limit)
    return [_question(q, with_asker=agency) for q in page]


@router.post("/calloffs/{calloff_id}/questions", response=responses(QuestionOut, SIGNED_IN, BY_ID, BODY, 429,
                                                                     status=201),
             url_name="question_ask_api",
             summary="Ask a question for your company; the answer is published to every invited supplier")
def question_ask_api(request, calloff_id: Id, payload: AskIn):
    calloff, _supplier = get_representing_supplier(request.actor, calloff_id)
    rate_limit_check("question", [requester_key(request)])  # as the page: each question notifies the team
    question = services.question_ask(actor=request.user, calloff=calloff, text=payload.text)
    return Status(201, _question(question, with_asker=False))


@router.post("/calloffs/{calloff_id}/questions/{question_id}/answer",
             response=responses(QuestionOut, SIGNED_IN, BY_ID, BODY), url_name="question_answer_api",
             summary="Answer a question: the answer is published to every invited supplier, without the asker")
def question_answer_api(request, calloff_id: Id, question_id: Id, payload: AnswerIn):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    question = get_object_or_404(calloff.questions.select_related("calloff__agency", "supplier"), pk=question_id)
    question = services.question_answer(actor=request.user, question=question, answer=payload.answer)
    return _question(CallOffQuestion.objects.select_related("supplier").get(pk=question.pk), with_asker=True)


# Clarifications and dialogue meetings

class ClarificationPublishedOut(ClarificationOut):
    document_id: str | None = None
    late_change: bool


def _file(given: FileIn):
    if not given.name.strip():
        raise ValidationError({"file": _("Give the file a name.")})
    try:
        data = base64.b64decode(given.data, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"file": _("The file's content is not valid base64.")}) from None
    return tender_services.upload_of(given.name, data)


@router.post("/calloffs/{calloff_id}/clarifications/publish",
             response=responses(ClarificationPublishedOut, SIGNED_IN, BY_ID, BODY, status=201),
             url_name="clarification_publish_api",
             summary="Publish a clarification (an addendum, a document or a new version of one) to every invited "
                     "supplier")
def clarification_publish_api(request, calloff_id: Id, payload: ClarificationIn):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    document = None
    if payload.document_id is not None:
        document = dialogue_services.calloff_documents(calloff).filter(pk=payload.document_id).first()
        if document is None:
            raise ValidationError({"document": _("Choose one of this call-off's own documents.")})
    uploaded = None if payload.file is None else _file(payload.file)
    clarification = dialogue_services.clarification_publish(
        actor=request.user, calloff=calloff, kind=payload.kind, title=payload.title, text=payload.text,
        uploaded=uploaded, document=document, comment=payload.text[:500])
    version = clarification.document_version
    return Status(201, _clarification(calloff, clarification) | {
        "document_id": str(version.document_id) if version else None,
        "late_change": dialogue_services.is_late_change(calloff, clarification.published_at)})


@router.get("/calloffs/{calloff_id}/clarifications/{clarification_id}/document",
            response=responses(DocumentContentOut, SIGNED_IN, BY_ID), url_name="clarification_document_api",
            summary="The document a clarification published, with its content in base64")
def clarification_document_api(request, calloff_id: Id, clarification_id: Id):
    calloff = get_calloff_for_actor(request.actor, calloff_id)
    clarification = get_object_or_404(calloff.clarifications.select_related("document_version__document"),
                                      pk=clarification_id, document_version__isnull=False)
    version = clarification.document_version
    with version.file.open("rb") as stored:
        data = base64.b64encode(stored.read()).decode()
    return {"title": version.document.title, "version": version.number, "filename": version.safe_name,
            "content_type": version.content_type, "size": version.size, "sha256": version.sha256, "data": data}


@router.post("/calloffs/{calloff_id}/deadline/extend", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, BODY),
             url_name="deadline_extend_api",
             summary="Extend the tender deadline (never shorten it); the opening and later steps move with it")
def deadline_extend_api(request, calloff_id: Id, payload: DeadlineExtendIn):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    dialogue_services.calloff_extend_deadline(actor=request.user, calloff=calloff,
                                              tender_deadline=payload.tender_deadline, reason=payload.reason)
    return _setup(calloff)


@router.post("/calloffs/{calloff_id}/deadline/keep", response=responses(CallOffSetupOut, SIGNED_IN, BY_ID, BODY),
             url_name="deadline_keep_api",
             summary="Keep the tender deadline after a late clarification, saying why the suppliers have time enough")
def deadline_keep_api(request, calloff_id: Id, payload: DeadlineKeepIn):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    dialogue_services.calloff_keep_deadline(actor=request.user, calloff=calloff, reason=payload.reason)
    return _setup(calloff)


@router.post("/calloffs/{calloff_id}/meetings/offer",
             response=responses(list[MeetingOut], SIGNED_IN, BY_ID, BODY, status=201),
             url_name="dialogue_slots_offer_api",
             summary="Offer dialogue meeting times to every invited supplier at once (enough for each to book one)")
def dialogue_slots_offer_api(request, calloff_id: Id, payload: SlotsIn):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    slots = [dialogue_services.SlotTime(s.starts_at, s.ends_at, s.place) for s in payload.slots]
    created = dialogue_services.dialogue_slots_offer(actor=request.user, calloff=calloff, slots=slots)
    rows = DialogueSlot.objects.filter(pk__in=[s.pk for s in created]).select_related("supplier")
    return Status(201, [_meeting(slot, full=True) for slot in rows.order_by("starts_at")])


@router.put("/calloffs/{calloff_id}/meetings/{slot_id}/minutes",
            response=responses(MeetingOut, SIGNED_IN, BY_ID, BODY), url_name="dialogue_minutes_api",
            summary="Record the minutes of a held meeting, and share them with its supplier only")
def dialogue_minutes_api(request, calloff_id: Id, slot_id: Id, payload: MinutesIn):
    calloff = get_calloff_for_actor(request.actor, calloff_id, write=True)
    slot = get_object_or_404(calloff.slots.select_related("calloff"), pk=slot_id)
    slot = dialogue_services.dialogue_minutes_record(actor=request.user, slot=slot, minutes=payload.minutes,
                                                     share=payload.share)
    return _meeting(DialogueSlot.objects.select_related("supplier").get(pk=slot.pk), full=True)


@router.post("/calloffs/{calloff_id}/meetings/{slot_id}/cancel",
             response=responses(MeetingOut, SIGNED_IN, BY_ID, 400), url_name="dialogue_booking_cancel_api",
             summary="Cancel your company's booking before the meeting starts: the time is free for the others")
def dialogue_booking_cancel_api(request, calloff_id: Id, slot_id: Id):
    calloff, _supplier = get_representing_supplier(request.actor, calloff_id)
    slot = get_object_or_404(calloff.slots.select_related("calloff"), pk=slot_id)
    slot = dialogue_services.dialogue_booking_cancel(actor=request.user, slot=slot)
    return _meeting(DialogueSlot.objects.select_related("supplier").get(pk=slot.pk), full=False)
