"""The award decision is legal text in Swedish; a supplier who reads English reads a version in English.

What Innoköp wrote from the evaluation (the prefilled reasons and advantages, a reason for rejection
as suggested, the explanations of the ranking) is kept as facts and written in the reader's
language; what the agency wrote in its own words reads as written, and says so.
"""

import io
from datetime import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import OrganisationKind, Role
from innokop.calloffs.models import AwardDecision, Evaluation, Tender
from innokop.calloffs.services import award, evaluating
from innokop.core.calendar import STOCKHOLM

from ..factories import OrganisationFactory, member
from .award_helpers import (  # noqa: F401  (fixtures)
    agree,
    award_lot,
    content_for,
    open_tenders,
    published_calloff,
    submit,
    two_tenders,
)

pytestmark = pytest.mark.django_db

SENT = datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def kept(published_calloff, two_tenders, agency_procurer, agency_colleague, clock,
         django_capture_on_commit_callbacks):
    """The team keeps every text Innoköp wrote: C's reason for rejection and the decision's reasons and advantages.

    The team works in English; the evaluation is completed in Swedish."""
    calloff = published_calloff
    rejected_org = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Nej AB")
    rejected_rep = member(rejected_org, Role.SUPPLIER_REPRESENTATIVE, email="nej@nej.se", full_name="Nils Nej")
    calloff.invitations.create(supplier=rejected_org, invited_at=calloff.published_at)
    c = submit(calloff, rejected_org, rejected_rep, content_for(calloff, price=50, meets={"K2": False}))
    open_tenders(calloff, agency_procurer, agency_colleague, clock)
    a, b = two_tenders
    for tender in (a, b):
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
    suggested = evaluating.rejection_suggestion(calloff, evaluating._opened(calloff, c))
    evaluating.tender_reject(actor=agency_procurer, tender=c, reason=suggested.replace(" ", "\r\n", 1))
    agree(calloff, agency_procurer, a, 3)
    agree(calloff, agency_procurer, b, 2)
    with translation.override("sv"):
        evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff)
    clock.set(SENT)
    prefill = award.decision_prefill(calloff)
    with django_capture_on_commit_callbacks(execute=True):
        award.award_decision_send(actor=agency_procurer, calloff=calloff, reasons=prefill["reasons"],
                                  advantages=prefill["advantages"] + "\n", standstill=True)
    calloff.refresh_from_db()
    return SimpleNamespace(calloff=calloff, c=Tender.objects.get(pk=c.pk), rejected_rep=rejected_rep)


def _page(client, calloff, language: str, query: str = "") -> str:
    client.cookies["innokop_language"] = language
    return client.get(reverse("calloffs:award_decision", args=[calloff.pk]) + query).content.decode()


def test_text_the_team_kept_is_sent_in_swedish_and_marked(kept):
    decision = AwardDecision.objects.get(calloff=kept.calloff)
    assert decision.reasons_generated and decision.advantages_generated
    assert decision.reasons.startswith("Utvärderingen gjordes") or "Anbudet från Leverantör Två AB" in decision.reasons
    assert "Prispoäng" in decision.advantages and "Price points" not in decision.advantages
    assert kept.c.rejection_reason == "Anbudet uppfyller inte ska-kravet K2: Data stannar inom EU."
    assert kept.c.rejection_grounds == [{"kind": "mandatory", "id": "K2", "text": "Data stannar inom EU"}]


def test_a_supplier_reads_the_decision_in_english_and_finds_the_swedish_legal_text(login, kept):
    client = login(kept.rejected_rep)
    english = _page(client, kept.calloff, "en")
    assert "The tender from Leverantör Två AB has the best result" in english
    assert "Price points" in english and "Prispoäng" not in english
    assert "The tender does not meet the mandatory requirement K2: Data stannar inom EU." in english
    assert "the Swedish text, which is the legal one" in english and 'href="?language=sv"' in english
    assert "As the contracting authority wrote it." not in english  # nothing here is the agency's own words
    swedish = _page(client, kept.calloff, "en", "?language=sv")
    assert 'lang="sv"' in swedish and "Anbudet från Leverantör Två AB har det bästa resultatet" in swedish
    assert "Anbudet uppfyller inte ska-kravet K2" in swedish and "Prispoäng" in swedish


def test_a_swedish_page_shows_the_legal_text_and_offers_the_english_version(login, kept):
    page = _page(login(kept.rejected_rep), kept.calloff, "sv")
    assert "Anbudet från Leverantör Två AB har det bästa resultatet" in page
    assert 'href="?language=en"' in page


def test_the_documents_are_the_swedish_legal_text_or_an_english_version(login, kept):
    from docx import Document

    client = login(kept.rejected_rep)
    url = reverse("calloffs:award_decision_docx", args=[kept.calloff.pk])
    legal = client.get(url)
    assert legal["Content-Disposition"] == f'attachment; filename="award-decision-{kept.calloff.reference}.docx"'
    text = "\n".join(p.text for p in Document(io.BytesIO(legal.content)).paragraphs)
    assert "tilldelar Leverantör Två AB avropet" in text and "Prispoäng" in text
    english = client.get(url + "?language=en")
    assert english["Content-Disposition"].endswith(f'award-decision-{kept.calloff.reference}-en.docx"')
    text = "\n".join(p.text for p in Document(io.BytesIO(english.content)).paragraphs)
    assert "awards the call-off to Leverantör Två AB" in text and "Price points" in text
    assert "The award decision is the Swedish text, which is the legal one." in text
    pdf = client.get(reverse("calloffs:award_decision_pdf", args=[kept.calloff.pk]) + "?language=en")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_agencys_own_words_stay_as_written_and_say_so(login, published_calloff, two_tenders, agency_procurer,
                                                          agency_colleague, supplier, clock):
    calloff = published_calloff
    open_tenders(calloff, agency_procurer, agency_colleague, clock)
    a, b = two_tenders
    for tender in (a, b):
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
        agree(calloff, agency_procurer, tender, 3)
    evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff)
    prefill = award.decision_prefill(calloff)
    award.award_decision_send(actor=agency_procurer, calloff=calloff, reasons="Våra egna skäl.",
                              advantages=prefill["advantages"], standstill=False)
    decision = AwardDecision.objects.get(calloff=calloff)
    assert (decision.reasons, decision.reasons_generated, decision.advantages_generated) == (
        "Våra egna skäl.", False, True)
    english = _page(login(supplier), calloff, "en")
    assert "Våra egna skäl." in english and "As the contracting authority wrote it." in english
    assert "Text the contracting authority wrote in its own words is shown as written." in english


def test_a_rejection_reason_the_team_wrote_stays_as_written(published_calloff, two_tenders, agency_procurer,
                                                            agency_colleague, clock):
    open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    a, _b = two_tenders
    evaluating.tender_reject(actor=agency_procurer, tender=a, reason="Vi skrev själva.")
    a.refresh_from_db()
    assert (a.rejection_reason, a.rejection_grounds) == ("Vi skrev själva.", [])
    with translation.override("en"):
        assert a.rejection_reason_text == "Vi skrev själva."


def test_the_ranking_completed_in_swedish_is_explained_in_english(login, kept, agency_procurer):
    stored = Evaluation.objects.get(calloff=kept.calloff)
    assert "Prispoäng" in stored.ranking[0]["explanation"]  # as stored, in the language it was completed in
    with translation.override("en"):
        rows, _notes = evaluating.stored_ranking(kept.calloff, stored)
    assert rows[0]["explanation"].startswith("Price points") and rows[0]["total_points"] == "76.00"
    client = login(agency_procurer)
    client.cookies["innokop_language"] = "en"
    page = client.get(reverse("calloffs:evaluation_ranking", args=[kept.calloff.pk])).content.decode()
    assert "Price points" in page and "Prispoäng" not in page and "Kvalitetspoäng" not in page
    api = client.get(f"/api/calloffs/{kept.calloff.pk}/evaluation").json()
    assert api["ranking"][0]["explanation"].startswith("Price points")
