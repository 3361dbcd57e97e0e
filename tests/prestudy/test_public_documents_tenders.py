"""Requests for tenders as public documents: absolute secrecy until the award decision (OSL 19:3), so a request
before it is refused with that reason; after it the call-off's team reviews the opened tender part by part, with the
supplier's own secrecy request (OSL 31:16) in view."""

from datetime import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from innokop.calloffs.services import award
from innokop.core.calendar import STOCKHOLM
from innokop.core.models import AuditEvent
from innokop.prestudy import redaction
from innokop.prestudy.models import DocumentRequestStatus, SecrecyProvision, TenderSecrecyRequest
from innokop.prestudy.services import documents
from innokop.prestudy.services.documents import DocumentRequestError

from ..calloffs.award_helpers import (  # noqa: F401  (fixtures)
    award_lot,
    evaluated,
    opened,
    published_calloff,
    qualified,
    scored,
    two_tenders,
)
from ..calloffs.conftest import agreement, lot, published  # noqa: F401  (fixtures)
from .test_public_documents import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The parts' headings are written in the active language: these tests read English."""
    with translation.override("en"):
        yield

SENT = datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM)


def _ask(calloff):
    return documents.document_request_register(actor=AnonymousUser(), calloff_reference=calloff.reference.lower(),
                                               description="Anbudet från Leverantör Ett AB", email="a@example.se")


@pytest.fixture
def awarded(evaluated, agency_procurer, clock):
    clock.set(SENT)
    award.award_decision_send(actor=agency_procurer, calloff=evaluated, reasons="Bäst.", advantages="Pris.",
                              standstill=True)
    evaluated.refresh_from_db()
    return evaluated


def test_before_the_award_decision_the_request_is_refused_under_19_3(opened, agency_procurer, two_tenders,
                                                                      mailoutbox, django_capture_on_commit_callbacks):
    request = _ask(opened)
    assert request.calloff == opened and documents.reviewable_documents(request) == []
    with pytest.raises(DocumentRequestError) as refused:
        documents.document_request_review(actor=agency_procurer, request=request, document_pk=two_tenders[0].pk)
    assert refused.value.code == "sealed"
    with django_capture_on_commit_callbacks(execute=True):
        documents.document_request_refuse_sealed(actor=agency_procurer, request=request)
    request.refresh_from_db()
    assert request.status == DocumentRequestStatus.REFUSED and request.decided_by == agency_procurer
    assert "19 kap. 3 § OSL" in request.decision_reasons and request.copy is None and not request.parts.exists()
    assert AuditEvent.objects.filter(verb="document_request.refused_sealed").exists()
    [sent] = [m for m in mailoutbox if "a@example.se" in m.to]
    assert "19 kap. 3 § OSL" in sent.body and "kammarrätten" in sent.body


def test_after_the_award_decision_the_opened_tender_is_reviewed_part_by_part(awarded, agency_procurer, two_tenders,
                                                                            supplier):
    tender = two_tenders[0]
    TenderSecrecyRequest.objects.create(tender=tender, parts="Priserna", reasons="Affärshemlighet.",
                                        asked_by=supplier, asked_at=SENT)
    request = _ask(awarded)
    with pytest.raises(DocumentRequestError):
        documents.document_request_refuse_sealed(actor=agency_procurer, request=request)
    assert tender in documents.reviewable_documents(request)
    documents.document_request_review(actor=agency_procurer, request=request, document_pk=tender.pk)
    assert documents.secrecy_request_of(request) == ("Priserna", "Affärshemlighet.")
    parts = list(request.parts.all())
    headings = [part.heading for part in parts]
    assert any("Total price" in heading for heading in headings)
    for part in parts:
        withheld = "price" in part.heading.lower()
        documents.document_request_part_decide(actor=agency_procurer, request=request, part=part,
                                               released=not withheld,
                                               provision=SecrecyProvision.BUSINESS_SECRET if withheld else "",
                                               reasons="Priser." if withheld else "")
    decided = documents.document_request_decide(actor=agency_procurer, request=request, reasons="Priserna sekretess.")
    assert decided.status == DocumentRequestStatus.PARTLY_RELEASED
    text = pdf_text(decided.copy.versions.get().file.open("rb").read())
    assert "Bevis f" in text  # the requirement evidence is released
    assert "100" not in " ".join(b.text for b in redaction.copy_layout(decided) if b.kind == "text")


def test_the_team_reviews_tender_requests_nobody_else(opened, login, supplier, agency_procurer, cpb_manager):
    request = _ask(opened)
    url = reverse("prestudy:document_request_detail", args=[request.pk])
    assert login(agency_procurer).get(url).status_code == 200
    for outsider in (supplier, cpb_manager):
        assert login(outsider).get(url).status_code == 404


def test_a_supplier_asks_for_secrecy_on_its_tender(opened, two_tenders, supplier, supplier_b, login):
    tender = two_tenders[0]
    url = reverse("prestudy:tender_secrecy", args=[tender.pk])
    assert login(supplier_b).get(url).status_code == 404
    client = login(supplier)
    assert client.post(url, {"parts": "", "reasons": ""}).status_code == 422
    assert client.post(url, {"parts": "Priserna", "reasons": "Skadar oss."}).status_code == 302
    assert TenderSecrecyRequest.objects.get(tender=tender).parts == "Priserna"
    event = AuditEvent.objects.get(verb="tender.secrecy_requested")
    assert event.sealed_scope  # kept from the agency like the tender itself until opening
