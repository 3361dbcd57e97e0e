"""Access-matrix rows for the dialogue and ranking URLs of a call-off (see tests/test_access_matrix.py).

The supplier persona's organisation is invited to two open call-offs with dialogue (one where it has
booked a meeting, one with a free time only) and is offered a call-off in ranking order; the
other-lot supplier is invited to none. The agency persona is on the team of all three; the colleague
persona, of the same agency, reads them and may not act (403); the CPB and staff see none of them.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innokop.calloffs.models import CallOffStatus, Clarification, DialogueSlot, RankingOffer
from innokop.core.documents import document_create

from ..access import AGENCY_READS, TEAM_ONLY, Row
from .access import INVITED_READS, _calloff

TEAM_PAGE = TEAM_ONLY | {"supplier": 403}  # the team's own pages: an invited supplier sees the call-off, may not act
TEAM_POST = TEAM_PAGE  # re-renders the empty form for the team
# The invited supplier acts; the agency, team or not, sees the call-off and may not.
SUPPLIER_POST = {"anonymous": 302, "supplier": 302, "agency": 403, "colleague": 403, "*": 404}
OFFERED_ONLY = SUPPLIER_POST | {"supplier": 200}
API_READS = INVITED_READS | {"anonymous": 401}
API_SUPPLIER_POST = SUPPLIER_POST | {"anonymous": 401, "supplier": 200}


def _open(world, now):
    calloff = _calloff(world, status=CallOffStatus.OPEN, published_at=now - timedelta(days=1),
                       questions_close=now + timedelta(days=10), answers_by=now + timedelta(days=12),
                       tender_deadline=now + timedelta(days=20), opening_at=now + timedelta(days=21))
    calloff.invitations.create(supplier=world.extra["supplier_org"], invited_at=calloff.published_at)
    return calloff


def _slot(calloff, world, starts, **fields):
    return DialogueSlot.objects.create(calloff=calloff, starts_at=starts, ends_at=starts + timedelta(hours=1),
                                       place="Rum 1", offered_by=world.agency_admin, offered_at=calloff.published_at,
                                       **fields)


def build(world) -> None:
    # Every deadline is relative to the matrix's fixed moment.
    now = world.now
    supplier_org, supplier = world.extra["supplier_org"], world.users["supplier"]
    booked_calloff, free_calloff = _open(world, now), _open(world, now)
    document = document_create(actor=world.agency_admin, owner=world.extra["agency"], title="Bilaga",
                               uploaded=SimpleUploadedFile("bilaga.txt", b"Nya krav"),
                               attached_to=f"calloffs.calloff:{booked_calloff.pk}")
    clarification = Clarification.objects.create(
        calloff=booked_calloff, kind="document", title="Bilaga", document_version=document.versions.get(),
        published_by=world.agency_admin, published_at=now)
    booked = _slot(booked_calloff, world, now + timedelta(days=2), supplier=supplier_org, booked_by=supplier,
                   booked_at=now)
    free = _slot(free_calloff, world, now + timedelta(days=2))
    ranking = _calloff(world, status=CallOffStatus.OFFERED, published_at=now - timedelta(days=1))
    ranking.method = "ranking"
    ranking.save(update_fields=["method"])
    ranking.invitations.create(supplier=supplier_org, invited_at=ranking.published_at)
    RankingOffer.objects.create(calloff=ranking, supplier=supplier_org, rank=1, offered_at=ranking.published_at,
                                answer_by=now + timedelta(days=5))
    world.extra.update(dialogue_booked=booked_calloff, dialogue_free=free_calloff, clarification=clarification,
                       slot_booked=booked, slot_free=free, ranking_offered=ranking)


def _url(name: str, key: str, *more: str):
    return lambda world: reverse(name, args=[world.extra[key].pk, *(world.extra[k].pk for k in more)])


ROWS = {
    "calloffs:clarification_publish": Row(_url("calloffs:clarification_publish", "dialogue_booked"), TEAM_PAGE),
    "calloffs:clarification_file": Row(_url("calloffs:clarification_file", "dialogue_booked", "clarification"),
                                       INVITED_READS),
    "calloffs:deadline_extend": Row(_url("calloffs:deadline_extend", "dialogue_booked"), TEAM_PAGE),
    "calloffs:deadline_keep": Row(_url("calloffs:deadline_keep", "dialogue_booked"), TEAM_POST, "post"),
    "calloffs:dialogue_slots_offer": Row(_url("calloffs:dialogue_slots_offer", "dialogue_booked"), TEAM_PAGE),
    "calloffs:dialogue_slot_book": Row(_url("calloffs:dialogue_slot_book", "dialogue_free", "slot_free"),
                                       SUPPLIER_POST, "post"),
    "calloffs:dialogue_booking_cancel": Row(_url("calloffs:dialogue_booking_cancel", "dialogue_booked",
                                                 "slot_booked"), SUPPLIER_POST, "post"),
    "calloffs:dialogue_minutes": Row(_url("calloffs:dialogue_minutes", "dialogue_booked", "slot_booked"), TEAM_PAGE),
    "calloffs:ranking_offered": Row(_url("calloffs:ranking_offered", "ranking_offered"), AGENCY_READS),
    "calloffs:offer_answer": Row(_url("calloffs:offer_answer", "ranking_offered"), OFFERED_ONLY),
    "api:calloff_clarifications": Row(_url("api:calloff_clarifications", "dialogue_booked"), API_READS),
    "api:calloff_meetings": Row(_url("api:calloff_meetings", "dialogue_booked"), API_READS),
    "api:dialogue_slot_book_api": Row(_url("api:dialogue_slot_book_api", "dialogue_free", "slot_free"),
                                      API_SUPPLIER_POST, "post", json=True),
    "api:calloff_offers": Row(_url("api:calloff_offers", "ranking_offered"), API_READS),
    "api:offer_accept": Row(_url("api:offer_accept", "ranking_offered"), API_SUPPLIER_POST, "post", json=True),
    "api:offer_decline": Row(_url("api:offer_decline", "ranking_offered"), {"anonymous": 401, "*": 422}, "post",
                             json=True),
}
