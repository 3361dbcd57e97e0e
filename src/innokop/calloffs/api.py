from django.http import HttpResponse
from ninja import Router

from innokop.core import clock
from innokop.core.pagination import DEFAULT_LIMIT, Cursor, Limit, cursor_page
from innokop.core.schemas import BY_ID, SIGNED_IN, Id, responses

from .models import CallOff, CallOffKind, CallOffQuestion
from .permissions import get_calloff_for_actor
from .schemas import CallOffDetailOut, CallOffOut
from .services import calloffs_invitations_send_due
from .services.ranking import ranking_offers_advance

router = Router(tags=["call-offs"])


def _visible(request):
    return CallOff.objects.visible_to(request.actor).select_related("agency", "lot__agreement")


def _with_state(calloff: CallOff) -> CallOff:
    calloff.state = calloff.effective_state(clock.now())
    return calloff


@router.get("/calloffs", response=responses(list[CallOffOut], SIGNED_IN, 422),
            summary="Your call-offs: your agency's own, or the ones your company is invited to, newest first")
def calloff_list(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    calloffs = cursor_page(request, response, _visible(request), order=("-created_at", "-pk"), cursor=cursor,
                           limit=limit)
    calloffs_invitations_send_due(calloffs)  # a scheduled publication's invitations, if a task missed them
    return [_with_state(c) for c in calloffs]


@router.get("/calloffs/{calloff_id}", response=responses(CallOffDetailOut, SIGNED_IN, BY_ID), summary="A call-off")
def calloff_detail(request, calloff_id: Id):
    calloff = get_calloff_for_actor(request.actor, calloff_id)
    calloffs_invitations_send_due([calloff])
    if calloff.method == CallOffKind.RANKING and calloff.published_at:
        ranking_offers_advance(calloff=calloff)  # a missed answer deadline passes on when read
        calloff.refresh_from_db()
    calloff = _with_state(calloff)
    is_agency = calloff.agency_id in request.actor.organisation_ids
    if is_agency:
        calloff.invited_suppliers = [i.supplier.name for i in calloff.invitations.select_related("supplier")]
        questions = calloff.questions.select_related("supplier").unanswered_first()
    else:
        # Invited suppliers see the call-off, never who else is invited, nor the agency's estimate.
        calloff.estimated_value = None
        questions = calloff.questions.for_supplier(request.actor.organisation_ids)
    calloff.questions_out = [_question(q, with_asker=is_agency) for q in questions]
    return calloff


def _question(question: CallOffQuestion, *, with_asker: bool) -> dict:
    """Rule 5: the asker is for the agency only; other suppliers get the question and its answer."""
    return {"id": question.pk, "question": question.text, "asked_at": question.asked_at,
            "answer": question.answer if question.is_answered else None, "answered_at": question.answered_at,
            "supplier": question.supplier.name if with_asker else None}


# The sections of a call-off keep their endpoints in modules of their own.
from .api_award import router as award_router  # noqa: E402
from .api_dialogue import router as dialogue_router  # noqa: E402
from .api_tenders import router as tenders_router  # noqa: E402

router.add_router("/", dialogue_router)
router.add_router("/", tenders_router)
router.add_router("/", award_router)
