"""API of a call-off's clarifications, dialogue meetings and ranking offers, for integrators.

What each party gets follows the pages: suppliers see every clarification, the free meeting times
and their own meeting (with minutes once shared), never who booked the others; agencies see all.
Offers: the agency sees every step of the ranking, a supplier only the offers made to it.
"""

from datetime import datetime

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from innokop.core import clock
from innokop.core.pagination import DEFAULT_LIMIT, Cursor, Limit, cursor_page
from innokop.core.schemas import BODY, BY_ID, SIGNED_IN, Id, InputSchema, responses

from .models import CallOff, Clarification, DialogueSlot, RankingOffer
from .permissions import (
    get_calloff_for_actor,
    get_calloff_for_supplier,
    get_representing_supplier,
    is_agency_member,
    represented_supplier,
)
from .services import CallOffError
from .services import dialogue as dialogue_services
from .services import ranking as ranking_services

router = Router(tags=["call-offs"])


class DocumentOut(Schema):
    title: str
    version: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class ClarificationOut(Schema):
    id: int
    kind: str
    title: str
    text: str
    published_at: datetime
    document: DocumentOut | None = None


class MeetingOut(Schema):
    """A meeting time; `supplier` and `minutes` only for the agency, and for the supplier's own meeting."""

    id: int
    starts_at: datetime
    ends_at: datetime
    place: str
    booked: bool
    supplier: str | None = None
    minutes: str | None = None
    minutes_shared_at: datetime | None = None


class OfferOut(Schema):
    id: int
    rank: int
    supplier: str
    offered_at: datetime
    answer_by: datetime
    status: str
    reason: str
    answered_at: datetime | None = None


class DeclineIn(InputSchema):
    reason: str


def _clarification(calloff: CallOff, clarification: Clarification) -> dict:
    version = clarification.document_version
    document = None if version is None else {
        "title": version.document.title, "version": version.number, "filename": version.safe_name,
        "content_type": version.content_type, "size": version.size, "sha256": version.sha256,
        "url": reverse("calloffs:clarification_file", args=[calloff.pk, clarification.pk])}
    return {"id": clarification.pk, "kind": clarification.kind, "title": clarification.title,
            "text": clarification.text, "published_at": clarification.published_at, "document": document}


@router.get("/calloffs/{calloff_id}/clarifications", response=responses(list[ClarificationOut], SIGNED_IN, BY_ID),
            url_name="calloff_clarifications", summary="The clarifications published in a call-off")
def calloff_clarifications(request, calloff_id: Id, response: HttpResponse, cursor: Cursor = None,
                           limit: Limit = DEFAULT_LIMIT):
    calloff = get_calloff_for_actor(request.actor, calloff_id)
    clarifications = calloff.clarifications.select_related("document_version__document")
    return [_clarification(calloff, c) for c in cursor_page(request, response, clarifications,
                                                            order=("published_at", "pk"), cursor=cursor, limit=limit)]


def _meeting(slot: DialogueSlot, *, full: bool) -> dict:
    """`full`: the agency, or the supplier of this meeting. Anyone else learns only that a time is free."""
    return {"id": slot.pk, "starts_at": slot.starts_at, "ends_at": slot.ends_at, "place": slot.place,
            "booked": slot.supplier_id is not None, "supplier": slot.supplier.name if full and slot.supplier else None,
            "minutes": (slot.minutes or None) if full else None,
            "minutes_shared_at": slot.minutes_shared_at if full else None}


@router.get("/calloffs/{calloff_id}/meetings", response=responses(list[MeetingOut], SIGNED_IN, BY_ID),
            url_name="calloff_meetings",
            summary="Dialogue meetings: all for the agency; free times and your own meeting for a supplier")
def calloff_meetings(request, calloff_id: Id, response: HttpResponse, cursor: Cursor = None,
                     limit: Limit = DEFAULT_LIMIT):
    calloff = get_calloff_for_actor(request.actor, calloff_id)
    slots = calloff.slots.select_related("supplier")
    agency = is_agency_member(request.actor, calloff)
    if not agency:
        supplier = represented_supplier(request.actor, calloff)
        if supplier is None:
            return []
        slots = slots.filter(Q(supplier=supplier) | Q(supplier__isnull=True, starts_at__gt=clock.now()))
    page = cursor_page(request, response, slots, order=("starts_at", "pk"), cursor=cursor, limit=limit)
    if agency:
        return [_meeting(slot, full=True) for slot in page]
    return [_meeting(slot, full=False) if slot.supplier_id is None else _own_meeting(slot) for slot in page]


def _own_meeting(slot: DialogueSlot) -> dict:
    """The supplier's own meeting: its minutes only once the agency has shared them."""
    row = _meeting(slot, full=True)
    if slot.minutes_shared_at is None:
        row["minutes"] = None
    return row


@router.post("/calloffs/{calloff_id}/meetings/{slot_id}/book", response=responses(MeetingOut, SIGNED_IN, BY_ID, 400),
             url_name="dialogue_slot_book_api",
             summary="Book a free dialogue meeting for your company (one per call-off)")
def dialogue_slot_book_api(request, calloff_id: Id, slot_id: Id):
    calloff, _supplier = get_representing_supplier(request.actor, calloff_id)
    slot = get_object_or_404(calloff.slots, pk=slot_id)
    slot = dialogue_services.dialogue_slot_book(actor=request.user, slot=slot)
    return _own_meeting(DialogueSlot.objects.select_related("supplier").get(pk=slot.pk))


def _offer(offer: RankingOffer, now) -> dict:
    return {"id": offer.pk, "rank": offer.rank, "supplier": offer.supplier.name, "offered_at": offer.offered_at,
            "answer_by": offer.answer_by, "status": ranking_services.offer_state(offer, now), "reason": offer.reason,
            "answered_at": offer.answered_at}


@router.get("/calloffs/{calloff_id}/offers", response=responses(list[OfferOut], SIGNED_IN, BY_ID),
            url_name="calloff_offers",
            summary="Ranking-order offers: every step for the agency, your own offers for a supplier")
def calloff_offers(request, calloff_id: Id, response: HttpResponse, cursor: Cursor = None,
                   limit: Limit = DEFAULT_LIMIT):
    calloff = get_calloff_for_actor(request.actor, calloff_id)
    ranking_services.ranking_offers_advance(calloff=calloff)
    offers = calloff.offers.select_related("supplier", "calloff")
    if not is_agency_member(request.actor, calloff):
        offers = offers.filter(supplier_id__in=request.actor.organisation_ids)
    now = clock.now()
    return [_offer(offer, now) for offer in cursor_page(request, response, offers, order=("rank", "pk"),
                                                        cursor=cursor, limit=limit)]


def _answering(request, calloff_id: int) -> RankingOffer:
    calloff = get_calloff_for_supplier(request.actor, calloff_id)
    offer = ranking_services.answering_offer(request.user, calloff)
    if offer is None:
        raise CallOffError(_("There is no offer waiting for your company's answer in this call-off."))
    return offer


@router.post("/calloffs/{calloff_id}/offer/accept", response=responses(OfferOut, SIGNED_IN, BY_ID, 400),
             url_name="offer_accept",
             summary="Accept the call-off offered to your company")
def offer_accept(request, calloff_id: Id):
    offer = ranking_services.ranking_offer_accept(actor=request.user, offer=_answering(request, calloff_id))
    return _offer(RankingOffer.objects.select_related("supplier", "calloff").get(pk=offer.pk), clock.now())


@router.post("/calloffs/{calloff_id}/offer/decline", response=responses(OfferOut, SIGNED_IN, BY_ID, BODY),
             url_name="offer_decline",
             summary="Decline the call-off offered to your company, with the reason")
def offer_decline(request, calloff_id: Id, payload: DeclineIn):
    offer = ranking_services.ranking_offer_decline(actor=request.user, offer=_answering(request, calloff_id),
                                                   reason=payload.reason)
    return _offer(RankingOffer.objects.select_related("supplier", "calloff").get(pk=offer.pk), clock.now())
