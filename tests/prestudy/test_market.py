"""The market dialogue: a public request for information, answers seen by the purchasing body and each supplier its
own (DESIGN.md §5), secrecy requests recorded, meetings on equal terms, the equal-treatment log and what some
suppliers were told listed for the procurement documents, the anonymised summary after the deadline, market
entries."""

from datetime import datetime, timedelta, timezone

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innokop.accounts.models import OrganisationKind, Role
from innokop.catalogue.models import Solution, SolutionStatus
from innokop.core.models import AuditEvent, Document, Notification
from innokop.prestudy.models import ContactKind, ContactLogEntry, DialogueStatus, MarketEntry, RfiResponse
from innokop.prestudy.services import PreStudyError, market
from innokop.prestudy.services.market import MarketError
from innokop.reference.models import CpvCode

from ..factories import OrganisationFactory, api_token, member

DEADLINE = datetime(2027, 4, 15, 10, 0, tzinfo=timezone.utc)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft_rfi(prestudy, cpb_manager):
    return market.market_dialogue_create(actor=cpb_manager, prestudy=prestudy, title="Sensorer för avfall",
                                         description="Vi vill veta vad som finns.",
                                         questions="Vilka lösningar finns?\nVad kostar de?", deadline=DEADLINE)


@pytest.fixture
def rfi(draft_rfi, cpb_manager):
    return market.market_dialogue_publish(actor=cpb_manager, dialogue=draft_rfi)


@pytest.fixture
def answer(rfi, supplier, supplier_org):
    return market.rfi_answer(actor=supplier, dialogue=rfi, supplier=supplier_org,
                             answers=["Sensorer i kärlen.", "Abonnemang, 30 kr per kärl och månad."],
                             secrecy_parts="Svar 2, priserna", secrecy_reasons="Priserna är affärshemligheter.")


def _headers(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def test_publishing_tells_the_suppliers_whose_cpv_codes_match_and_logs_it(
        draft_rfi, cpb_manager, supplier, supplier_org, supplier_b, supplier_org_b, supplier_off_lot,
        supplier_org_off_lot, django_capture_on_commit_callbacks):
    solution = Solution.objects.create(supplier=supplier_org, title="Sensor", summary="s", created_by=supplier,
                                       status=SolutionStatus.PUBLISHED)
    solution.cpv_codes.set(CpvCode.objects.filter(code="90511000"))  # the same division as the pre-study's 90500000
    other = Solution.objects.create(supplier=supplier_org_b, title="Möbler", summary="s", created_by=supplier_b,
                                    status=SolutionStatus.PUBLISHED)
    other.cpv_codes.set(CpvCode.objects.filter(code="39100000"))
    draft = Solution.objects.create(supplier=supplier_org_off_lot, title="Utkast", summary="s",
                                    created_by=supplier_off_lot)
    draft.cpv_codes.set(CpvCode.objects.filter(code="90511000"))
    with django_capture_on_commit_callbacks(execute=True):
        market.market_dialogue_publish(actor=cpb_manager, dialogue=draft_rfi)
    draft_rfi.refresh_from_db()
    assert draft_rfi.status == DialogueStatus.PUBLISHED
    told = set(Notification.objects.filter(kind="prestudy.rfi_published").values_list("recipient", flat=True))
    assert told == {supplier.pk}
    entry = ContactLogEntry.objects.get(kind=ContactKind.RFI_PUBLISHED)
    assert entry.details == {"told": ["Leverantör Ett AB"]} and "Leverantör Ett AB" in entry.describe()
    assert AuditEvent.objects.filter(verb="market_dialogue.published").exists()
    with pytest.raises(MarketError) as refused:
        market.market_dialogue_publish(actor=cpb_manager, dialogue=draft_rfi)
    assert refused.value.status == 409


def test_a_document_is_checked_and_public_once_the_request_is(client, draft_rfi, cpb_manager):
    with pytest.raises(ValidationError):  # core.documents refuses an executable named .pdf
        market.market_dialogue_document_add(actor=cpb_manager, dialogue=draft_rfi, title="Fel",
                                            uploaded=SimpleUploadedFile("x.pdf", b"MZ\x90\x00\x03"))
    document = market.market_dialogue_document_add(actor=cpb_manager, dialogue=draft_rfi, title="Bakgrund",
                                                   uploaded=SimpleUploadedFile("bakgrund.pdf", PDF))
    url = reverse("core:document_download", args=[document.pk, 1])
    assert client.get(url).status_code == 404
    assert client.get(reverse("prestudy:rfi_detail", args=[draft_rfi.pk])).status_code == 404
    market.market_dialogue_publish(actor=cpb_manager, dialogue=draft_rfi)
    assert client.get(url).status_code == 200
    page = client.get(reverse("prestudy:rfi_detail", args=[draft_rfi.pk])).content.decode()
    assert "Bakgrund" in page and url in page


def test_an_answer_is_one_per_supplier_changed_until_the_deadline_and_the_secrecy_request_recorded(
        answer, rfi, supplier, supplier_org, clock, cpb_manager, django_capture_on_commit_callbacks):
    assert answer.secrecy_requested and answer.secrecy_parts == "Svar 2, priserna"
    assert answer.answers[1] == {"question": "Vad kostar de?", "answer": "Abonnemang, 30 kr per kärl och månad."}
    with django_capture_on_commit_callbacks(execute=True):
        market.rfi_answer(actor=supplier, dialogue=rfi, supplier=supplier_org, answers=["Ändrat.", ""])
    answer.refresh_from_db()
    assert RfiResponse.objects.count() == 1 and answer.answers[0]["answer"] == "Ändrat."
    assert not answer.secrecy_requested
    assert Notification.objects.filter(recipient=cpb_manager, kind="prestudy.rfi_answered").exists()
    kinds = [(e.kind, e.details.get("changed")) for e in ContactLogEntry.objects.filter(kind=ContactKind.ANSWER)]
    assert kinds == [("answer", False), ("answer", True)]
    with pytest.raises(MarketError) as refused:
        market.rfi_answer(actor=supplier, dialogue=rfi, supplier=supplier_org, answers=["a", "b"],
                          secrecy_parts="Allt")
    assert refused.value.problems[0].field == "secrecy_reasons"
    clock.set(DEADLINE + timedelta(seconds=1))
    with pytest.raises(MarketError) as refused:
        market.rfi_answer(actor=supplier, dialogue=rfi, supplier=supplier_org, answers=["Sent", ""])
    assert refused.value.code == "dialogue_closed"


def test_any_registered_supplier_answers_and_nobody_else(rfi, agency_procurer, agency, supplier_off_lot,
                                                         supplier_org_off_lot, supplier_org):
    response = market.rfi_answer(actor=supplier_off_lot, dialogue=rfi, supplier=supplier_org_off_lot,
                                 answers=["Vi har en lösning.", ""])
    assert response.supplier == supplier_org_off_lot
    for actor, organisation in ((agency_procurer, agency), (supplier_off_lot, supplier_org)):
        with pytest.raises(MarketError) as refused:
            market.rfi_answer(actor=actor, dialogue=rfi, supplier=organisation, answers=["x", ""])
        assert refused.value.status == 403


def test_an_answer_is_read_by_the_purchasing_body_and_its_supplier_only(
        client, login, answer, supplier, supplier_b, agency_procurer, cpb_manager, staff_user):
    url = reverse("prestudy:rfi_response", args=[answer.pk])
    assert login(supplier).get(url).status_code == 200
    page = login(cpb_manager).get(url).content.decode()
    assert 'id="secrecy-request"' in page and "Priserna är affärshemligheter." in page
    for user in (supplier_b, agency_procurer, staff_user):
        assert login(user).get(url).status_code == 404
    answers = reverse("prestudy:rfi_responses", args=[answer.dialogue_id])
    assert login(supplier).get(answers).status_code == 404
    assert login(cpb_manager).get(answers).status_code == 200
    client.logout()
    api = f"/api/rfi-responses/{answer.pk}"
    assert client.get(api, **_headers(supplier)).json()["secrecy_parts"] == "Svar 2, priserna"
    assert client.get(api, **_headers(cpb_manager)).status_code == 200
    for user in (supplier_b, agency_procurer):
        assert client.get(api, **_headers(user)).status_code == 404


def test_a_supplier_answers_through_the_api_with_a_token(client, rfi, supplier, supplier_org, agency_procurer):
    listed = client.get("/api/market-dialogues").json()
    assert [d["id"] for d in listed] == [rfi.pk] and listed[0]["questions"] == ["Vilka lösningar finns?",
                                                                                 "Vad kostar de?"]
    url = f"/api/market-dialogues/{rfi.pk}/answer"
    body = {"answers": ["Sensorer.", "Abonnemang."], "secrecy_parts": "", "secrecy_reasons": ""}
    assert client.put(url, body, content_type="application/json").status_code == 401
    assert client.put(url, body, content_type="application/json", **_headers(agency_procurer)).status_code == 403
    answered = client.put(url, body, content_type="application/json", **_headers(supplier))
    assert answered.status_code == 200 and answered.json()["supplier_id"] == supplier_org.pk
    wrong = client.put(url, body | {"answers": ["Bara ett"]}, content_type="application/json", **_headers(supplier))
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_answer"


def test_a_draft_is_the_purchasing_bodys_only(client, draft_rfi, cpb_manager, supplier):
    assert client.get(f"/api/market-dialogues/{draft_rfi.pk}").status_code == 404
    assert client.get("/api/market-dialogues").json() == []
    assert client.get(f"/api/market-dialogues/{draft_rfi.pk}", **_headers(cpb_manager)).status_code == 200


def test_meetings_are_offered_to_every_answering_supplier_booked_once_and_minuted(
        answer, rfi, cpb_manager, supplier, supplier_org, supplier_b, supplier_org_b, clock,
        django_capture_on_commit_callbacks):
    market.rfi_answer(actor=supplier_b, dialogue=rfi, supplier=supplier_org_b, answers=["Vi med.", ""])
    starts = datetime(2027, 3, 22, 9, 0, tzinfo=timezone.utc)
    with django_capture_on_commit_callbacks(execute=True):
        first = market.meeting_offer(actor=cpb_manager, dialogue=rfi, starts_at=starts, minutes_long=60, place="Teams")
        second = market.meeting_offer(actor=cpb_manager, dialogue=rfi, starts_at=starts + timedelta(hours=2),
                                      minutes_long=60, place="Teams")
    told = set(Notification.objects.filter(kind="prestudy.meeting_offered").values_list("recipient", flat=True))
    assert told == {supplier.pk, supplier_b.pk}
    market.meeting_book(actor=supplier, slot=first, supplier=supplier_org)
    with pytest.raises(MarketError) as refused:
        market.meeting_book(actor=supplier_b, slot=first, supplier=supplier_org_b)
    assert refused.value.code == "slot_taken"
    with pytest.raises(MarketError) as refused:
        market.meeting_book(actor=supplier, slot=second, supplier=supplier_org)
    assert refused.value.code == "already_booked"
    first.refresh_from_db()
    with pytest.raises(MarketError) as refused:
        market.meeting_minutes_record(actor=cpb_manager, slot=first, minutes="För tidigt")
    assert refused.value.code == "meeting_ahead"
    clock.set(starts + timedelta(minutes=70))
    market.meeting_minutes_record(actor=cpb_manager, slot=first, minutes="Vi gick igenom sensorerna.",
                                  shared="Vi berättade att pilotkommunerna är tre.")
    kinds = list(ContactLogEntry.objects.filter(supplier=supplier_org).values_list("kind", flat=True))
    assert kinds == ["answer", "meeting_booked", "meeting"]
    assert [e.shared for e in market.shared_with_some(rfi.prestudy)] == ["Vi berättade att pilotkommunerna är tre."]


def test_a_supplier_that_has_not_answered_cannot_book(rfi, cpb_manager, supplier, supplier_org):
    slot = market.meeting_offer(actor=cpb_manager, dialogue=rfi, starts_at=datetime(2027, 3, 22, 9, tzinfo=timezone.utc),
                                minutes_long=45, place="Kontoret")
    with pytest.raises(MarketError) as refused:
        market.meeting_book(actor=supplier, slot=slot, supplier=supplier_org)
    assert refused.value.code == "answer_first"


def test_a_recorded_contact_with_a_document_is_listed_for_the_procurement_documents(
        login, prestudy, cpb_manager, supplier_org, supplier):
    client = login(cpb_manager)
    response = client.post(reverse("prestudy:contact_log", args=[prestudy.pk]), {
        "supplier": str(supplier_org.pk), "kind": "question", "summary": "Frågade om volymerna per telefon.",
        "shared": "Volymen är cirka 400 kärl.", "document_title": "Volymer",
        "file": SimpleUploadedFile("volymer.pdf", PDF)})
    assert response.status_code == 302
    entry = ContactLogEntry.objects.get()
    assert entry.document.title == "Volymer" and not entry.document.is_public
    page = client.get(reverse("prestudy:contact_log", args=[prestudy.pk])).content.decode()
    assert "Volymen är cirka 400 kärl." in page and "Volymer" in page
    assert login(supplier).get(reverse("prestudy:contact_log", args=[prestudy.pk])).status_code == 404
    assert login(supplier).get(reverse("core:document_download", args=[entry.document.pk, 1])).status_code == 404


def test_the_summary_is_published_after_the_deadline_on_the_public_page(client, rfi, cpb_manager, clock):
    with pytest.raises(MarketError) as refused:
        market.market_dialogue_summary_publish(actor=cpb_manager, dialogue=rfi, summary="För tidigt.")
    assert refused.value.code == "dialogue_open"
    clock.set(DEADLINE + timedelta(hours=1))
    market.market_dialogue_summary_publish(actor=cpb_manager, dialogue=rfi,
                                           summary="Sju leverantörer svarade; flera har mogna lösningar.")
    page = client.get(reverse("prestudy:rfi_detail", args=[rfi.pk])).content.decode()
    assert 'id="summary"' in page and "Sju leverantörer svarade" in page
    assert client.get(f"/api/market-dialogues/{rfi.pk}").json()["summary"].startswith("Sju leverantörer")


def test_a_market_entry_links_a_published_solution_and_its_supplier(prestudy, cpb_manager, supplier, supplier_org,
                                                                    agency_procurer):
    solution = Solution.objects.create(supplier=supplier_org, title="Sensor", summary="s", created_by=supplier,
                                       status=SolutionStatus.PUBLISHED)
    entry = market.market_entry_add(actor=cpb_manager, prestudy=prestudy, kind="test_bed", title="Testbädd Sopor",
                                    description="En testbädd för sensorer.", source="https://example.org/testbadd",
                                    country="dk", solution=solution)
    assert entry.supplier == supplier_org and entry.country == "DK"
    hidden = Solution.objects.create(supplier=supplier_org, title="Utkast", summary="s", created_by=supplier)
    with pytest.raises(MarketError) as refused:
        market.market_entry_add(actor=cpb_manager, prestudy=prestudy, kind="product", title="X", description="Y",
                                source="Z", solution=hidden)
    assert refused.value.problems[0].field == "solution"
    with pytest.raises(PreStudyError):
        market.market_entry_add(actor=agency_procurer, prestudy=prestudy, kind="product", title="X",
                                description="Y", source="Z")
    assert MarketEntry.objects.count() == 1


def test_the_pages_of_a_request_from_draft_to_answer(login, prestudy, cpb_manager, supplier, clock):
    client = login(cpb_manager)
    response = client.post(reverse("prestudy:rfi_create", args=[prestudy.pk]), {
        "title": "Sensorer", "description": "Vad finns?", "questions": "Fråga ett\nFråga två",
        "deadline": "2027-04-15T12:00"})
    assert response.status_code == 302
    dialogue = prestudy.dialogues.get()
    client.post(reverse("prestudy:rfi_publish", args=[dialogue.pk]))
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.PUBLISHED
    supplier_client = login(supplier)
    assert 'id="answer-rfi"' in supplier_client.get(reverse("prestudy:rfi_detail", args=[dialogue.pk])).content.decode()
    response = supplier_client.post(reverse("prestudy:rfi_answer", args=[dialogue.pk]), {
        "answer_1": "Vi har sensorer.", "answer_2": "", "secrecy_parts": "", "secrecy_reasons": ""})
    assert response.status_code == 302
    assert RfiResponse.objects.get().answers[0]["answer"] == "Vi har sensorer."
    assert login(member(OrganisationFactory(kind=OrganisationKind.AGENCY), Role.PROCURER)).get(
        reverse("prestudy:rfi_answer", args=[dialogue.pk])).status_code == 403
    assert Document.objects.count() == 0


def test_the_dashboard_lists_open_requests_for_suppliers(login, rfi, supplier, agency_procurer):
    url = reverse("prestudy:rfi_detail", args=[rfi.pk])
    assert url in login(supplier).get(reverse("core:dashboard")).content.decode()
    assert url not in login(agency_procurer).get(reverse("core:dashboard")).content.decode()


def test_the_wrong_method_is_refused(login, rfi, cpb_manager, supplier):
    assert login(cpb_manager).get(reverse("prestudy:rfi_publish", args=[rfi.pk])).status_code == 405
    assert login(supplier).put(reverse("prestudy:rfi_answer", args=[rfi.pk])).status_code == 405
    assert login(cpb_manager).delete(reverse("prestudy:rfi_detail", args=[rfi.pk])).status_code == 405


@pytest.mark.parametrize("name", ["rfi_list", "rfi_detail", "rfi_responses", "contact_log", "rfi_response"])
def test_the_pages_read_in_english(login, answer, cpb_manager, name):
    from django.utils import translation

    args = {"rfi_detail": [answer.dialogue_id], "rfi_responses": [answer.dialogue_id],
            "contact_log": [answer.dialogue.prestudy_id], "rfi_response": [answer.pk]}.get(name, [])
    client = login(cpb_manager)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        response = client.get(reverse(f"prestudy:{name}", args=args), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


def test_the_answers_and_the_log_read_in_a_fixed_number_of_queries(client, login, rfi, cpb_manager,
                                                                   django_assert_max_num_queries):
    client = login(cpb_manager)

    def measure(url):
        client.get(url)
        with django_assert_max_num_queries(80) as counted:
            client.get(url)
        return len(counted.captured_queries)

    pages = [reverse("prestudy:rfi_responses", args=[rfi.pk]),
             reverse("prestudy:contact_log", args=[rfi.prestudy_id]),
             reverse("prestudy:prestudy_detail", args=[rfi.prestudy_id])]
    before = [measure(url) for url in pages]
    for n in range(4):
        organisation = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=f"Leverantör {n}")
        market.rfi_answer(actor=member(organisation, Role.SUPPLIER_REPRESENTATIVE), dialogue=rfi,
                          supplier=organisation, answers=[f"Svar {n}", ""])
    assert [measure(url) for url in pages] == before


def test_a_draft_request_changes_and_a_published_one_does_not(login, draft_rfi, cpb_manager):
    client = login(cpb_manager)
    url = reverse("prestudy:rfi_edit", args=[draft_rfi.pk])
    response = client.post(url, {"title": "Ny rubrik", "description": "Ny text", "questions": "En fråga",
                                 "deadline": "2027-04-20T12:00"})
    assert response.status_code == 302
    draft_rfi.refresh_from_db()
    assert draft_rfi.title == "Ny rubrik" and draft_rfi.question_list == ["En fråga"]
    market.market_dialogue_publish(actor=cpb_manager, dialogue=draft_rfi)
    refused = client.post(url, {"title": "Igen", "description": "x", "questions": "y", "deadline": "2027-04-20T12:00"})
    assert refused.status_code == 422
    draft_rfi.refresh_from_db()
    assert draft_rfi.title == "Ny rubrik"


def test_the_pre_study_page_lists_what_was_shared_with_some_suppliers(login, prestudy, cpb_manager, supplier_org):
    market.contact_record(actor=cpb_manager, prestudy=prestudy, supplier=supplier_org, kind="question",
                          summary="Fråga om volymer.", shared="Volymen är cirka 400 kärl.")
    market.contact_record(actor=cpb_manager, prestudy=prestudy, supplier=supplier_org, kind="other",
                          summary="Ett samtal utan något nytt.")
    page = login(cpb_manager).get(reverse("prestudy:prestudy_detail", args=[prestudy.pk])).content.decode()
    shared = page.split('id="shared"')[1].split("</ul>")[0]
    assert "Volymen är cirka 400 kärl." in shared and "Ett samtal utan något nytt." not in shared


def test_the_suppliers_that_answered_learn_the_outcome_without_the_internal_reasons(
        answer, prestudy, cpb_manager, supplier, clock, django_capture_on_commit_callbacks):
    from django.utils import translation

    from innokop.prestudy import services as prestudy_services
    from innokop.prestudy.models import PreStudyStatus

    clock.set(DEADLINE + timedelta(days=1))
    for status in (PreStudyStatus.COLLECTING, PreStudyStatus.ANALYSING, PreStudyStatus.CONCLUDED):
        if prestudy.can_move_to(status):
            prestudy_services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status=status)
            prestudy.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        prestudy_services.prestudy_decide(actor=cpb_manager, prestudy=prestudy,
                                          outcome=PreStudyStatus.PROCUREMENT_STARTED, reasons="Budgeten räcker till 2028.")
    notice = Notification.objects.get(recipient=supplier, kind="prestudy.procurement_started.supplier")
    with translation.override("en"):
        assert notice.subject == f"Pre-study {prestudy.reference} leads to a procurement"
        assert "advertised publicly" in notice.body and "Budgeten" not in notice.body
    assert notice.url == reverse("prestudy:rfi_detail", args=[answer.dialogue_id])
