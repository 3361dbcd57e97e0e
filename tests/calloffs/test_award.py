"""The award decision (rule 9): reasons and advantages to every tenderer, a standstill, PDF and DOCX."""

import io
import re
import zlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from innokop.accounts.models import OrganisationKind, Role
from innokop.calloffs import decision_documents, rules, services
from innokop.calloffs.models import AwardDecision, CallOffStatus
from innokop.calloffs.services import award, evaluating
from innokop.core.calendar import STOCKHOLM
from innokop.core.models import AuditEvent, Notification

from ..factories import OrganisationFactory, member
from .award_helpers import (  # noqa: F401  (fixtures)
    agree,
    award_lot,
    content_for,
    evaluated,
    open_tenders,
    opened,
    published_calloff,
    qualified,
    scored,
    submit,
    two_tenders,
)

pytestmark = pytest.mark.django_db

SENT = datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM)  # Tuesday 16 March 2027, the example of rule 9



@pytest.fixture
def world(published_calloff, two_tenders, agency_procurer, agency_colleague, clock,
          django_capture_on_commit_callbacks):
    """A and B tender; C tenders but says no to K2 and is rejected; D is invited and does not tender."""
    return _world(published_calloff, two_tenders, agency_procurer, agency_colleague, clock,
                  reason=lambda calloff, c: "Uppfyller inte K2: data stannar inom EU.")


def _world(calloff, two_tenders, agency_procurer, agency_colleague, clock, *, reason) -> SimpleNamespace:
    rejected_org = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Nej AB")
    rejected_rep = member(rejected_org, Role.SUPPLIER_REPRESENTATIVE, email="nej@nej.se", full_name="Nils Nej")
    idle_org = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Tyst AB")
    idle_rep = member(idle_org, Role.SUPPLIER_REPRESENTATIVE, email="tyst@tyst.se", full_name="Tora Tyst")
    for org in (rejected_org, idle_org):
        calloff.invitations.create(supplier=org, invited_at=calloff.published_at)
    c = submit(calloff, rejected_org, rejected_rep, content_for(calloff, price=50, meets={"K2": False}))
    open_tenders(calloff, agency_procurer, agency_colleague, clock)
    a, b = two_tenders
    for tender in (a, b):
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
    evaluating.tender_reject(actor=agency_procurer, tender=c, reason=reason(calloff, c))
    agree(calloff, agency_procurer, a, 3)
    agree(calloff, agency_procurer, b, 2)
    evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff)
    calloff.refresh_from_db()
    return SimpleNamespace(calloff=calloff, a=a, b=b, c=c, rejected_rep=rejected_rep, idle_rep=idle_rep)


@pytest.fixture
def sent(world, agency_procurer, clock, django_capture_on_commit_callbacks):
    clock.set(SENT)
    with django_capture_on_commit_callbacks(execute=True):
        award.award_decision_send(actor=agency_procurer, calloff=world.calloff, reasons="Bäst totalt.",
                                  advantages="Lägre pris.", standstill=True)
    world.calloff.refresh_from_db()
    return world


# --- sending ----------------------------------------------------------------------------------------


def test_the_standstill_of_rule_9_ends_at_the_end_of_tuesday_30_march(sent, supplier_org_b):
    """Sent Tuesday 16 March 2027: day 10 is Good Friday 26 March; Easter Monday is 29 March → Tuesday 30 March."""
    decision = sent.calloff.decision
    assert decision.sent_at == SENT and decision.standstill_ends == date(2027, 3, 30)
    assert decision.winner == sent.b and sent.calloff.status == CallOffStatus.AWARDED


@pytest.mark.parametrize(("sent_on", "ends"), [
    (date(2027, 3, 16), date(2027, 3, 30)),  # Good Friday, Easter weekend and Easter Monday
    (date(2027, 3, 1), date(2027, 3, 11)),  # day 10 is a working Thursday
    (date(2027, 6, 15), date(2027, 6, 28)),  # day 10 is Friday 25 June 2027, Midsummer Eve
    (date(2027, 12, 21), date(2028, 1, 3)),  # day 10 is New Year's Eve; 1–2 January are a holiday and a Sunday
])
def test_the_standstill_end_is_rolled_to_the_next_working_day(sent_on, ends):
    assert rules.standstill_end(datetime(sent_on.year, sent_on.month, sent_on.day, 23, 30, tzinfo=STOCKHOLM)) == ends


def test_the_sending_day_is_the_day_in_sweden(sent):
    # 23:30 UTC on Monday 15 March is already Tuesday 16 March in Stockholm.
    from datetime import timezone

    assert rules.standstill_end(datetime(2027, 3, 15, 23, 30, tzinfo=timezone.utc)) == date(2027, 3, 30)


def test_the_decision_goes_to_every_tenderer_rejected_ones_included(sent, supplier, supplier_b, agency_procurer):
    notified = set(Notification.objects.filter(kind="calloff.award_decision").values_list("recipient", flat=True))
    assert notified == {supplier.pk, supplier_b.pk, sent.rejected_rep.pk}
    assert sent.idle_rep.pk not in notified
    note = Notification.objects.filter(kind="calloff.award_decision", recipient=supplier).get()
    assert "Leverantör Två AB" in note.body and note.url == reverse("calloffs:award_decision", args=[sent.calloff.pk])


def test_sending_is_audited(sent, supplier_org, supplier_org_b):
    event = AuditEvent.objects.get(verb="calloff.award_decision_sent")
    assert event.payload == {"decision": sent.calloff.decision.pk, "winner": sent.b.pk,
                             "tenderers": sorted([supplier_org.pk, supplier_org_b.pk, sent.c.supplier_id]),
                             "standstill_ends": "2027-03-30"}


def test_without_a_standstill_there_is_no_end_date(world, agency_procurer, clock):
    clock.set(SENT)
    decision = award.award_decision_send(actor=agency_procurer, calloff=world.calloff, reasons="R", advantages="A",
                                         standstill=False)
    assert decision.standstill is False and decision.standstill_ends is None
    assert award.signing_opens_at(decision) == SENT


def test_the_decision_needs_a_completed_evaluation(scored, agency_procurer):
    with pytest.raises(services.CallOffError, match="Complete the evaluation"):
        award.award_decision_send(actor=agency_procurer, calloff=scored, reasons="R", advantages="A", standstill=True)


def test_a_decision_written_before_the_evaluation_changed_is_not_sent(world, agency_procurer, agency_colleague, clock):
    written_for = award.evaluation_version(world.calloff)
    evaluating.evaluation_reopen(actor=agency_colleague, calloff=world.calloff, reason="Fel poäng för A.")
    clock.set(clock.now() + timedelta(minutes=5))
    evaluating.evaluation_complete(actor=agency_colleague, calloff=world.calloff)
    with pytest.raises(services.CallOffError, match="reopened and completed again"):
        award.award_decision_send(actor=agency_procurer, calloff=world.calloff, reasons="R", advantages="A",
                                  standstill=True, evaluation=written_for)
    decision = award.award_decision_send(actor=agency_procurer, calloff=world.calloff, reasons="R", advantages="A",
                                         standstill=True, evaluation=award.evaluation_version(world.calloff))
    assert decision.winner == world.calloff.evaluation.winner


def test_the_decision_needs_reasons_and_advantages(world, agency_procurer):
    with pytest.raises(ValidationError) as error:
        award.award_decision_send(actor=agency_procurer, calloff=world.calloff, reasons=" ", advantages="",
                                  standstill=True)
    assert set(error.value.error_dict) == {"reasons", "advantages"}
    assert not AwardDecision.objects.exists()


def test_only_the_team_sends_the_decision(world, supplier):
    for actor in (member(world.calloff.agency, "procurer"), supplier):
        with pytest.raises(services.CallOffError, match="Only the call-off's team"):
            award.award_decision_send(actor=actor, calloff=world.calloff, reasons="R", advantages="A",
                                      standstill=True)


def test_the_decision_is_sent_once_and_then_the_evaluation_is_fixed(sent, agency_procurer):
    with pytest.raises(services.CallOffError, match="already sent"):
        award.award_decision_send(actor=agency_procurer, calloff=sent.calloff, reasons="R", advantages="A",
                                  standstill=False)
    with pytest.raises(services.CallOffError, match="can no longer be reopened"):
        evaluating.evaluation_reopen(actor=agency_procurer, calloff=sent.calloff, reason="Ångrar oss.")


def test_the_prefilled_text_gives_the_ranking_and_the_winners_advantages(world):
    text = award.decision_prefill(world.calloff)
    assert "The tender from Leverantör Två AB has the best result" in text["reasons"]
    assert "1. Leverantör Två AB – 76.00 points" in text["reasons"]
    assert "2. Leverantör Ett AB – 72.00 points" in text["reasons"]
    assert "Tenders opened: 3. Evaluated, having met every mandatory requirement: 2. Rejected: 1." in text["reasons"]
    assert "Uppfyller inte K2" not in text["reasons"]  # a rejection reason goes to that tenderer only
    assert "Leverantör Två AB has 4.00 points more than Leverantör Ett AB (76.00 against 72.00)" in text["advantages"]
    assert "better on: price" in text["advantages"]


# --- who reads it -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), [
    ("agency_procurer", 200), ("agency_colleague", 200), ("supplier", 200), ("supplier_b", 200),
    ("rejected_rep", 200), ("idle_rep", 404), ("supplier_off_lot", 404), ("other_agency_procurer", 404),
    ("cpb_manager", 200)])
def test_who_reads_the_decision(login, sent, persona, status, request):
    user = getattr(sent, persona, None) or request.getfixturevalue(persona)
    client = login(user)
    for name in ("calloffs:award_decision", "calloffs:award_decision_pdf", "calloffs:award_decision_docx"):
        assert client.get(reverse(name, args=[sent.calloff.pk])).status_code == status, name
    assert client.get(f"/api/calloffs/{sent.calloff.pk}/decision").status_code == status


def test_nobody_reads_the_decision_before_it_is_sent(login, world, agency_procurer, supplier):
    for user in (agency_procurer, supplier):
        client = login(user)
        assert client.get(reverse("calloffs:award_decision", args=[world.calloff.pk])).status_code == 404
        assert client.get(f"/api/calloffs/{world.calloff.pk}/decision").status_code == 404


def test_the_decision_page_shows_winner_ranking_reasons_and_when_signing_is_possible(login, sent, supplier):
    page = login(supplier).get(reverse("calloffs:award_decision", args=[sent.calloff.pk])).content.decode()
    for text in ("awards the call-off to Leverantör Två AB", "76.00 points", "72.00 points", "Bäst totalt.",
                 "Lägre pris.", "Tuesday 30 March 2027", "signing is possible from Wednesday 31 March 2027",
                 "1 tender was rejected at qualification"):
        assert text in page, text
    assert "Uppfyller inte K2" not in page and "Nej AB" not in page


def test_a_rejected_tenderer_reads_its_own_reason(login, sent):
    page = login(sent.rejected_rep).get(reverse("calloffs:award_decision", args=[sent.calloff.pk])).content.decode()
    assert "Your tender was rejected" in page and "Uppfyller inte K2: data stannar inom EU." in page


def test_the_agency_reads_every_rejection_reason(login, sent, agency_colleague):
    page = login(agency_colleague).get(reverse("calloffs:award_decision", args=[sent.calloff.pk])).content.decode()
    assert "Nej AB" in page and "Uppfyller inte K2: data stannar inom EU." in page


def test_the_purchasing_body_reads_the_decision_without_rejection_reasons(login, sent, cpb_manager):
    page = login(cpb_manager).get(reverse("calloffs:award_decision", args=[sent.calloff.pk])).content.decode()
    assert "awards the call-off to Leverantör Två AB" in page and "Uppfyller inte K2" not in page
    assert f'href="{reverse("calloffs:calloff_detail", args=[sent.calloff.pk])}"' not in page


def test_a_tenderer_finds_the_decision_on_the_call_off_page(login, sent, supplier, clock):
    url = reverse("calloffs:calloff_detail", args=[sent.calloff.pk])
    decision_url = reverse("calloffs:award_decision", args=[sent.calloff.pk])
    assert decision_url in login(supplier).get(url).content.decode()
    assert decision_url not in login(sent.idle_rep).get(url).content.decode()


def test_the_api_decision_for_the_agency_and_a_rejected_tenderer(login, sent, agency_procurer):
    url = f"/api/calloffs/{sent.calloff.pk}/decision"
    agency = login(agency_procurer).get(url).json()
    assert agency["winner"] == "Leverantör Två AB" and agency["standstill_ends"] == "2027-03-30"
    assert agency["signing_possible_from"] == "2027-03-31"
    assert agency["rejected"] == [{"supplier": "Nej AB", "reason": "Uppfyller inte K2: data stannar inom EU."}]
    assert [row["supplier"] for row in agency["ranking"]] == ["Leverantör Två AB", "Leverantör Ett AB"]
    rejected = login(sent.rejected_rep).get(url).json()
    assert rejected["own_rejection"] == "Uppfyller inte K2: data stannar inom EU." and rejected["rejected"] == []


# --- PDF and DOCX -----------------------------------------------------------------------------------


def pdf_text(data: bytes) -> bytes:
    """The PDF's content streams, inflated: enough to find the text fpdf2 wrote with the core fonts."""
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            chunks.append(match.group(1))
    return b"\n".join(chunks)


def test_the_pdf_starts_with_the_pdf_header_and_contains_the_reference(login, sent, supplier):
    response = login(supplier).get(reverse("calloffs:award_decision_pdf", args=[sent.calloff.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="award-decision-{sent.calloff.reference}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert sent.calloff.reference.encode() in text and "Leverantör Två AB".encode("latin-1") in text


def test_the_docx_opens_and_names_the_winner(login, sent, agency_procurer):
    from docx import Document

    url = reverse("calloffs:award_decision_docx", args=[sent.calloff.pk])
    response = login(agency_procurer).get(url + "?language=en")
    assert response["Content-Type"] == decision_documents.DOCX_CONTENT_TYPE
    document = Document(io.BytesIO(response.content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "awards the call-off to Leverantör Två AB" in paragraphs
    assert "Leverantör Två AB" in cells and "Uppfyller inte K2: data stannar inom EU." in cells
    assert document.core_properties.title == f"Award decision {sent.calloff.reference}"


def _content(**changes) -> award.DecisionContent:
    values = {
        "reference": "AV-2027-0042", "title": "Åtgärd för ökad tillgänglighet – steg 2", "agency": "Myndigheten för test",
        "agreement": "IK-1 Ramavtal", "lot": "1: AI", "sent_at": SENT, "sent_by": "Maria Upphandlare",
        "model": "Lowest price", "tie_rules": ["drawing lots"], "winner": "Öresund Älvdata AB",
        "rows": [award.RankRow(1, "Öresund Älvdata AB", "100 kr", Decimal(100), True)],
        "reasons": "“Bäst” — enligt modellen… ‘säger’ vi", "advantages": "Lägst pris − 5 kr → bäst",
        "standstill": True, "standstill_ends": date(2027, 3, 30), "signing_from": date(2027, 3, 31)}
    return award.DecisionContent(**(values | changes))


def test_the_pdf_writes_swedish_letters_and_maps_typographic_characters_to_latin_1():
    text = pdf_text(decision_documents.decision_pdf(_content()))
    assert "Åtgärd för ökad tillgänglighet - steg 2".encode("latin-1") in text
    assert "Öresund Älvdata AB".encode("latin-1") in text
    assert '"Bäst" - enligt modellen... \'säger\' vi'.encode("latin-1") in text
    assert "Lägst pris - 5 kr -> bäst".encode("latin-1") in text


def test_latin_1_mapping():
    assert decision_documents.latin1("Åäö – “x” ‘y’ … — € ≤ ☃") == "Åäö - \"x\" 'y' ... - EUR <= ?"


def test_the_docx_keeps_the_text_as_written():
    from docx import Document

    document = Document(io.BytesIO(decision_documents.decision_docx(_content())))
    assert "“Bäst” — enligt modellen… ‘säger’ vi" in [p.text for p in document.paragraphs]


# --- the pages that write and send it ---------------------------------------------------------------


def test_the_team_writes_checks_and_sends_the_decision(login, world, agency_procurer, clock,
                                                       django_capture_on_commit_callbacks):
    clock.set(SENT)
    client = login(agency_procurer)
    url = reverse("calloffs:decision_prepare", args=[world.calloff.pk])
    form = client.get(url)
    assert form.status_code == 200 and "The tender from Leverantör Två AB has the best result" in form.content.decode()
    data = {"reasons": "Våra skäl.", "advantages": "Bättre pris.", "standstill": "yes"}
    check = client.post(url, data | {"action": "preview"}).content.decode()
    assert "Check the award decision before sending it" in check and "Våra skäl." in check
    assert "signing is possible from Wednesday 31 March 2027" in check
    world.calloff.refresh_from_db()
    assert world.calloff.status == CallOffStatus.EVALUATED
    change = client.post(url, data | {"action": "change"}).content.decode()
    assert "Våra skäl." in change and "Write the award decision" in change
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data | {"action": "send"})
    assert response["Location"] == reverse("calloffs:award_decision", args=[world.calloff.pk])
    decision = AwardDecision.objects.get()
    assert (decision.reasons, decision.advantages, decision.standstill) == ("Våra skäl.", "Bättre pris.", True)


def test_a_decision_without_reasons_is_shown_again_with_the_text_kept(login, world, agency_procurer):
    url = reverse("calloffs:decision_prepare", args=[world.calloff.pk])
    page = login(agency_procurer).post(url, {"reasons": "", "advantages": "Kvar.", "standstill": "no",
                                             "action": "preview"}).content.decode()
    assert "govuk-error-summary" in page and "Kvar." in page
    assert not AwardDecision.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 403), ("supplier", 404), ("other_agency_procurer", 404)])
def test_only_the_team_writes_the_decision(login, world, persona, status, request):
    user = member(world.calloff.agency, "procurer") if persona == "outsider" else request.getfixturevalue(persona)
    assert login(user).get(reverse("calloffs:decision_prepare", args=[world.calloff.pk])).status_code == status


def test_a_colleague_outside_the_team_is_not_led_to_write_the_decision(login, world, agency_procurer):
    url = reverse("calloffs:calloff_detail", args=[world.calloff.pk])
    prepare = reverse("calloffs:decision_prepare", args=[world.calloff.pk])
    assert prepare in login(agency_procurer).get(url).content.decode()
    assert prepare not in login(member(world.calloff.agency, "procurer")).get(url).content.decode()


def test_the_procurement_record_holds_the_decision_as_sent(sent, agency_procurer, django_capture_on_commit_callbacks):
    import io
    import zipfile

    from innokop.calloffs import record

    with django_capture_on_commit_callbacks(execute=True):
        export = record.record_export_request(actor=agency_procurer, calloff=sent.calloff)
    export.refresh_from_db()
    with export.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        names = {name.split("/", 1)[1] for name in archive.namelist()}
        pdf = archive.read(f"{sent.calloff.reference}/decision.pdf")
    assert {"decision.pdf", "decision.docx", "decision.json", "opening_record.json", "evaluation.json"} <= names
    assert pdf.startswith(b"%PDF-") and sent.calloff.reference.encode() in pdf_text(pdf)
