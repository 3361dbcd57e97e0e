"""Access-matrix rows for opening, evaluation, the award decision and the contract (see tests/test_access_matrix.py).

The agency persona (a procurer, not admin) is on the team of every call-off here; the colleague
persona, of the same agency, is on none: they read the opening record, the evaluation, the decision
and the contract, and change nothing (403). The supplier persona's organisation is invited to them
and has tendered in them, and it is the contracted supplier; the other-lot supplier is invited to
none. The CPB persona owns the framework agreement, so it may read award decisions (DESIGN.md §5)
but nothing else of the call-off; platform staff see none of it. Deadlines are relative to the
matrix's fixed moment, `world.now`.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.urls import reverse

from innokop.calloffs import sealing
from innokop.calloffs.models import (
    AwardDecision,
    CallOff,
    CallOffCriterion,
    CallOffStatus,
    ConflictDeclaration,
    Contract,
    Evaluation,
    OpeningRecord,
    Tender,
    TenderStatus,
    TenderSubmission,
)
from innokop.calloffs.tender_content import Attachment, TenderContent

from ..access import AGENCY_READS, TEAM_ONLY, Row
from ..agreements.factories import LotFactory

AGENCY_PAGE = AGENCY_READS  # what the agency reads: every member
TEAM_PAGE = TEAM_ONLY  # a form that changes the call-off: its team only
TEAM_POST = TEAM_ONLY | {"agency": 302}
DECISION_READERS = {"anonymous": 302, "supplier": 200, "agency": 200, "colleague": 200, "cpb": 200, "*": 404}
CONTRACT_READERS = {"anonymous": 302, "supplier": 200, "agency": 200, "colleague": 200, "*": 404}
API_AGENCY = AGENCY_READS | {"anonymous": 401}


def _calloff(world, key: str, status: str, *, deadline: datetime) -> CallOff:
    now = world.now
    lot = world.extra["award_lot"]
    calloff = CallOff.objects.create(
        agency=world.extra["agency"], lot=lot, created_by=world.agency_admin,
        reference=f"AW-{CallOff.objects.count() + 1:04d}", method="renewed_competition_dialogue",
        title=f"Avrop {key}", status=status, evaluation_model="price_quality", price_weight=60,
        tie_rules=["higher_quality", "lower_price", "draw_lots"], published_at=now - timedelta(days=30),
        questions_close=deadline - timedelta(days=5), answers_by=deadline - timedelta(days=3),
        tender_deadline=deadline, opening_at=deadline + timedelta(hours=1),
        contract_start=now.date() + timedelta(days=30), contract_end=now.date() + timedelta(days=400),
        data_key=sealing.wrap_key(sealing.new_data_key(), sealing.load_kek()))
    calloff.team.add(world.agency_admin, world.users["agency"])
    calloff.invitations.create(supplier=world.extra["supplier_org"], invited_at=calloff.published_at)
    CallOffCriterion.objects.create(calloff=calloff, lot_criterion=lot.criteria.get(), weight=40)
    return calloff


def _tender(world, calloff: CallOff, status: str = TenderStatus.SUBMITTED) -> tuple[Tender, TenderSubmission]:
    supplier_org = world.extra["supplier_org"]
    tender = Tender.objects.create(calloff=calloff, supplier=supplier_org, status=status, draft_key="access")
    content = TenderContent(total_price=Decimal(100), criteria={c.pk: "Svar" for c in calloff.criteria.all()},
                            attachments=(Attachment("bilaga.txt", "text/plain", b"Referenser"),))
    at = calloff.tender_deadline - timedelta(hours=1)
    blob = sealing.seal_tender(calloff.data_key, content.to_bytes(), calloff_id=calloff.pk, tender_id=tender.pk,
                               deadline=calloff.tender_deadline, now=at)
    submission = TenderSubmission.objects.create(tender=tender, number=1, sealed=blob.ciphertext, sha256=blob.sha256,
                                                 size=len(content.to_bytes()), submitted_by=world.users["supplier"],
                                                 submitted_at=at)
    return tender, submission


def _opened(world, key: str, status: str) -> tuple[CallOff, Tender]:
    """A call-off whose tenders two team members have opened, with the supplier's tender qualified."""
    now = world.now
    calloff = _calloff(world, key, status, deadline=now - timedelta(days=2))
    tender, submission = _tender(world, calloff, TenderStatus.QUALIFIED)
    OpeningRecord.objects.create(
        calloff=calloff, started_by=world.agency_admin, started_at=now - timedelta(days=1),
        confirmed_by=world.users["agency"], opened_at=now - timedelta(days=1),
        tenders=[{"tender": tender.pk, "supplier": tender.supplier.name, "supplier_id": tender.supplier_id,
                  "number": 1, "submitted_at": submission.submitted_at.isoformat(), "sha256": submission.sha256,
                  "size": submission.size, "verified": True}])
    ConflictDeclaration.objects.create(calloff=calloff, evaluator=world.users["agency"], statement="Ingen jäv.",
                                       declared_at=now)
    return calloff, tender


def _evaluated(world, key: str, status: str) -> tuple[CallOff, Tender]:
    calloff, tender = _opened(world, key, status)
    Evaluation.objects.create(calloff=calloff, completed_by=world.agency_admin, completed_at=world.now,
                              winner=tender, ranking=[{
                                  "tender": tender.pk, "supplier": tender.supplier.name, "position": 1, "price": "100",
                                  "total_points": "100.00", "price_points": "60.00", "quality_points": "40.00",
                                  "comparison_price": None, "criterion_points": [], "figure": "100,00 poäng",
                                  "explanation": "Ensamt anbud."}])
    return calloff, tender


def _awarded(world, key: str, status: str) -> CallOff:
    calloff, tender = _evaluated(world, key, status)
    AwardDecision.objects.create(calloff=calloff, winner=tender, reasons="Bäst.", advantages="Enda anbudet.",
                                 standstill=False, sent_by=world.agency_admin,
                                 sent_at=world.now - timedelta(hours=1))
    return calloff


def build(world) -> None:
    # A lot of its own on the CPB's published agreement, so no other row's changes to a lot reach these call-offs.
    # Lot 3: lots 1 and 2 are tests/agreements/access.py's.
    lot = LotFactory(agreement=world.extra["agreement"], number=3)
    lot.criteria.create(name="Kvalitet", min_weight=20, max_weight=60)
    world.extra["award_lot"] = lot
    now = world.now
    due = _calloff(world, "due", CallOffStatus.OPEN, deadline=now - timedelta(hours=1))
    _tender(world, due)
    opened, opened_tender = _opened(world, "opened", CallOffStatus.OPENED)
    evaluated, _winner = _evaluated(world, "evaluated", CallOffStatus.EVALUATED)
    awarded = _awarded(world, "awarded", CallOffStatus.AWARDED)
    contracted = _awarded(world, "contracted", CallOffStatus.CONTRACTED)
    Contract.objects.create(calloff=contracted, agency=contracted.agency, supplier=world.extra["supplier_org"],
                            value=Decimal(100), starts_on=contracted.contract_start, ends_on=contracted.contract_end,
                            signed_by=world.agency_admin, signed_at=now)
    world.extra.update(award_due=due, award_opened=opened, award_opened_tender=opened_tender,
                       award_evaluated=evaluated, award_awarded=awarded, award_contracted=contracted)


def _url(name: str, key: str):
    return lambda world: reverse(name, args=[world.extra[key].pk])


def _tender_url(name: str, *extra):
    return lambda world: reverse(name, args=[world.extra["award_opened"].pk, world.extra["award_opened_tender"].pk,
                                             *extra])


ROWS = {
    "calloffs:opening": Row(_url("calloffs:opening", "award_due"), AGENCY_PAGE),
    "calloffs:opening_start": Row(_url("calloffs:opening_start", "award_due"), TEAM_POST, "post"),
    "calloffs:opening_confirm": Row(_url("calloffs:opening_confirm", "award_due"), TEAM_POST, "post"),
    "calloffs:opened_tender": Row(_tender_url("calloffs:opened_tender"), AGENCY_PAGE),
    "calloffs:opened_attachment": Row(_tender_url("calloffs:opened_attachment", 0), AGENCY_PAGE),
    "calloffs:tender_qualify": Row(_tender_url("calloffs:tender_qualify"), TEAM_POST, "post"),
    "calloffs:tender_reject": Row(_tender_url("calloffs:tender_reject"), TEAM_PAGE),
    "calloffs:evaluation_overview": Row(_url("calloffs:evaluation_overview", "award_opened"), AGENCY_PAGE),
    "calloffs:conflict_declare": Row(_url("calloffs:conflict_declare", "award_opened"), TEAM_PAGE),
    "calloffs:score_tender": Row(_tender_url("calloffs:score_tender"), TEAM_PAGE),
    "calloffs:consensus_tender": Row(_tender_url("calloffs:consensus_tender"), TEAM_PAGE),
    "calloffs:evaluation_ranking": Row(_url("calloffs:evaluation_ranking", "award_opened"), AGENCY_PAGE),
    "calloffs:evaluation_sensitivity": Row(_url("calloffs:evaluation_sensitivity", "award_opened"), AGENCY_PAGE),
    "calloffs:evaluation_reopen": Row(_url("calloffs:evaluation_reopen", "award_evaluated"), TEAM_PAGE),
    "calloffs:decision_prepare": Row(_url("calloffs:decision_prepare", "award_evaluated"), TEAM_PAGE),
    "calloffs:award_decision": Row(_url("calloffs:award_decision", "award_awarded"), DECISION_READERS),
    "calloffs:award_decision_pdf": Row(_url("calloffs:award_decision_pdf", "award_awarded"), DECISION_READERS),
    "calloffs:award_decision_docx": Row(_url("calloffs:award_decision_docx", "award_awarded"), DECISION_READERS),
    "calloffs:contract_sign": Row(_url("calloffs:contract_sign", "award_awarded"), TEAM_PAGE),
    "calloffs:contract_detail": Row(_url("calloffs:contract_detail", "award_contracted"), CONTRACT_READERS),
    "api:award_opening": Row(_url("api:award_opening", "award_opened"), API_AGENCY),
    "api:award_evaluation": Row(_url("api:award_evaluation", "award_opened"), API_AGENCY),
    "api:award_decision_read": Row(_url("api:award_decision_read", "award_awarded"),
                                   DECISION_READERS | {"anonymous": 401}),
    "api:award_contract": Row(_url("api:award_contract", "award_contracted"), CONTRACT_READERS | {"anonymous": 401}),
}
