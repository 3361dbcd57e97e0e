"""Building blocks for the opening, evaluation, award and contract tests.

Tenders are made directly here (a Tender and a sealed TenderSubmission, sealed the way the tender
service seals them), so these tests do not depend on the supplier-side pages.

The call-off is published on Friday 26 February 2027 with the lot's single quality criterion
"Kvalitet" (20–60 %) at 40 % and the price at 60 %: the weights of DESIGN.md's worked example. Its
tender deadline is Monday 8 March 2027 at 12:00 Swedish time.
"""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from innokop.calloffs import sealing, services
from innokop.calloffs.models import CallOff, Tender, TenderStatus, TenderSubmission
from innokop.calloffs.services import evaluating, opening
from innokop.calloffs.tender_content import Attachment, RequirementAnswer, TenderContent
from innokop.core.calendar import STOCKHOLM

from .conftest import prepare, start

PUBLISHED_AT = datetime(2027, 2, 26, 9, 0, tzinfo=timezone.utc)
DEADLINE = datetime(2027, 3, 8, 12, 0, tzinfo=STOCKHOLM)
AFTER_DEADLINE = datetime(2027, 3, 9, 10, 0, tzinfo=STOCKHOLM)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def publish(actor, lot, clock, *, colleague=None, **overrides) -> CallOff:
    """A renewed competition published on 26 February 2027; the colleague (if any) joins the team."""
    clock.set(PUBLISHED_AT)
    calloff = prepare(actor, start(actor, lot, **overrides))
    calloff = services.calloff_publish(actor=actor, calloff=calloff)
    if colleague is not None:
        services.calloff_team_add(actor=actor, calloff=calloff, user=colleague)
    assert calloff.tender_deadline == DEADLINE
    return calloff


def content_for(calloff: CallOff, *, price, meets: dict | None = None, answers: dict | None = None,
                attachments=()) -> TenderContent:
    """A complete tender: yes to every requirement unless `meets` says otherwise ({identifier: bool | None})."""
    meets = meets or {}
    requirements = {r.pk: RequirementAnswer(meets=meets.get(r.identifier, True), evidence=f"Bevis för {r.identifier}")
                    for r in calloff.requirements.all()}
    criteria = {c.pk: (answers or {}).get(c.lot_criterion.name, f"Vårt svar om {c.lot_criterion.name}")
                for c in calloff.criteria.select_related("lot_criterion")}
    prices = {row.pk: row.ceiling_price for row in calloff.lot.price_rows.all()}
    return TenderContent(requirements=requirements, criteria=criteria,
                         total_price=None if price is None else Decimal(price), prices=prices,
                         attachments=tuple(attachments))


def submit(calloff: CallOff, supplier_org, user, content: TenderContent, *, number: int = 1,
           tender: Tender | None = None) -> Tender:
    """A sealed submission an hour before the deadline, as the tender service makes it."""
    tender = tender or Tender.objects.create(calloff=calloff, supplier=supplier_org, status=TenderStatus.SUBMITTED,
                                             draft_key="test-draft-key")
    at = calloff.tender_deadline - timedelta(hours=1, minutes=number)
    plaintext = content.to_bytes()
    blob = sealing.seal_tender(calloff.data_key, plaintext, calloff_id=calloff.pk, tender_id=tender.pk,
                               deadline=calloff.tender_deadline, now=at)
    TenderSubmission.objects.create(tender=tender, number=number, sealed=blob.ciphertext, sha256=blob.sha256,
                                    size=len(plaintext), submitted_by=user, submitted_at=at)
    return tender


def open_tenders(calloff: CallOff, first, second, clock) -> CallOff:
    clock.set(AFTER_DEADLINE)
    opening.opening_start(actor=first, calloff=calloff)
    opening.opening_confirm(actor=second, calloff=calloff)
    calloff.refresh_from_db()
    return calloff


def quality(calloff: CallOff):
    return calloff.criteria.select_related("lot_criterion").get(lot_criterion__name="Kvalitet")


def agree(calloff: CallOff, actor, tender: Tender, score: int, reason: str = "Enig bedömning") -> None:
    """The evaluator declares (once), scores, and sets the consensus on every criterion."""
    if evaluating.declaration_of(calloff, actor) is None:
        evaluating.conflict_declare(actor=actor, calloff=calloff, confirmed=True)
    scores = {c.pk: (score, reason) for c in evaluating.scoring_criteria(CallOff.objects.get(pk=calloff.pk))}
    evaluating.scores_record(actor=actor, tender=tender, scores=scores)
    evaluating.consensus_record(actor=actor, tender=tender, scores=scores)


@pytest.fixture
def award_lot(lot):
    """The dialogue lot with one quality criterion, Kvalitet 20–60 %: the price weight is what is left."""
    lot.criteria.filter(name="Pris").delete()
    return lot


@pytest.fixture
def published_calloff(award_lot, agency_procurer, agency_colleague, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return publish(agency_procurer, award_lot, clock, colleague=agency_colleague)


@pytest.fixture
def two_tenders(published_calloff, supplier_org, supplier_org_b, supplier, supplier_b):
    """DESIGN.md's worked example: A (Leverantör Ett) price 100, B (Leverantör Två) price 80."""
    a = submit(published_calloff, supplier_org, supplier, content_for(published_calloff, price=100,
               attachments=[Attachment("Bilaga – referenser.pdf", "application/pdf", PDF_BYTES)]))
    b = submit(published_calloff, supplier_org_b, supplier_b, content_for(published_calloff, price=80))
    return a, b


@pytest.fixture
def opened(published_calloff, two_tenders, agency_procurer, agency_colleague, clock,
           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return open_tenders(published_calloff, agency_procurer, agency_colleague, clock)


@pytest.fixture
def qualified(opened, two_tenders, agency_procurer):
    for tender in two_tenders:
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
    return opened


@pytest.fixture
def scored(qualified, two_tenders, agency_procurer):
    a, b = two_tenders
    agree(qualified, agency_procurer, a, 3)
    agree(qualified, agency_procurer, b, 2)
    return qualified


@pytest.fixture
def evaluated(scored, agency_procurer):
    evaluating.evaluation_complete(actor=agency_procurer, calloff=scored)
    scored.refresh_from_db()
    return scored
