"""An anonymous person asks for a supplier's answer to a request for information as a public document; the purchasing
body reviews the secrecy part by part, withholds the prices the supplier asked to keep secret (OSL 31:16), records
the decision and hands out the redacted copy; the requester's page shows the decision, the copy and how to appeal."""

import re
from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.prestudy import services
from innokop.prestudy.models import DocumentRequest, DocumentRequestStatus, PreStudyStatus
from innokop.prestudy.services import market
from innokop.reference.models import CpvCode

from ..factories import OrganisationFactory, member
from ..prestudy.test_public_documents import pdf_text
from .helpers import log_in


def test_an_anonymous_request_is_reviewed_part_by_part_and_a_redacted_copy_handed_out(
        page, checker, clock, transactional_db):
    clock.set(datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc))
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Vårdbryggan Digital AB")
    sofia = member(supplier, Role.SUPPLIER_REPRESENTATIVE, email="sofia@vardbryggan.example",
                   full_name="Sofia Vårdbryggan")
    prestudy = services.prestudy_create(actor=manager, owner=cpb, given=services.PreStudyInput(
        title="Välfärdsteknik i hemmet", area="Trygghet och vård i hemmet.", questions="Vilka behov finns?",
        starts_on=date(2027, 3, 1), needs_until=date(2027, 5, 31), concludes_on=date(2027, 9, 30),
        cpv_codes=list(CpvCode.objects.filter(code="85300000")), team=[manager]))
    services.prestudy_advance(actor=manager, prestudy=prestudy, to_status=PreStudyStatus.COLLECTING)
    dialogue = market.market_dialogue_create(
        actor=manager, prestudy=prestudy, title="Välfärdsteknik för trygghet i hemmet", description="Vad finns?",
        questions="Vilka lösningar erbjuder ni?\nHur prissätts de?",
        deadline=datetime(2027, 4, 15, 10, 0, tzinfo=timezone.utc))
    market.market_dialogue_publish(actor=manager, dialogue=dialogue)
    market.rfi_answer(actor=sofia, dialogue=dialogue, supplier=supplier,
                      answers=["Digital nattillsyn med kamera på begäran.", "Volymtrappa: 412 kr per brukare."],
                      secrecy_parts="Svar 2, priserna", secrecy_reasons="Priserna skulle skada oss i upphandlingar.")

    # Anyone: from the public request for information to the form, without logging in.
    page.goto(f"/market-dialogues/{dialogue.pk}/")
    page.locator("#ask-public-document").click()
    expect(page.locator("#id_dialogue")).to_have_value(str(dialogue.pk))
    page.fill("#id_description", "Vårdbryggans svar på förfrågan.")
    page.fill("#id_email", "granskare@example.se")
    checker.check(page, "public-documents-request")
    page.locator("#send-request").click()
    expect(page).to_have_url(re.compile(r"/public-documents/requests/"))
    expect(page.locator("#request-status")).to_have_text(re.compile("Registrerad|Registered"))
    checker.check(page, "public-documents-registered")
    requester_page = page.url
    request = DocumentRequest.objects.get()

    # The purchasing body reviews part by part.
    log_in(page, "anna@cpb.example")
    page.goto(f"/market-dialogues/{dialogue.pk}/answers/")
    page.locator("a[href='/public-documents/']").click()
    page.locator(f"a[href='/public-documents/{request.pk}/']").click()
    expect(page.locator("#requester")).to_contain_text("granskare@example.se")
    page.check("input[name=document]")
    page.locator("#start-review").click()
    expect(page.locator("#supplier-secrecy")).to_contain_text("Svar 2, priserna")
    first, second = request.parts.order_by("number")
    page.check(f"#id_part{first.pk}-released_0")
    page.locator("#decide-part-1").click()
    page.check(f"#id_part{second.pk}-released_1")
    page.locator("#decide-part-2").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # withheld needs a provision and reasons
    checker.check(page, "public-documents-part-error")
    page.check(f"#id_part{second.pk}-released_1")
    page.select_option(f"#id_part{second.pk}-provision", "31:16")
    page.fill(f"#id_part{second.pk}-reasons", "Prisuppgifterna är leverantörens affärsförhållanden.")
    page.locator("#decide-part-2").click()
    expect(page.locator("#part-2")).to_contain_text("31:16")
    checker.check(page, "public-documents-review")
    page.fill("#id_reasons", "Svaret lämnas ut utom priserna (31 kap. 16 § OSL).")
    page.locator("#decide").click()
    expect(page.locator("#request-status")).to_have_text(re.compile("Delvis utlämnad|Partly released"))
    checker.check(page, "public-documents-decided")
    request.refresh_from_db()
    assert request.status == DocumentRequestStatus.PARTLY_RELEASED
    page.context.clear_cookies()

    # The requester's page: the decision, the copy without the prices, how to appeal.
    clock.set(datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc) + timedelta(hours=2))
    page.goto(requester_page)
    expect(page.locator("main")).to_contain_text("kammarrätten")
    expect(page.locator("main")).not_to_contain_text("granskare@example.se")
    checker.check(page, "public-documents-requester-decided")
    with page.expect_download() as download:
        page.locator("#copy-link").click()
    text = pdf_text(open(download.value.path(), "rb").read())
    assert "Digital nattillsyn" in text and "412 kr" not in text and "31:16" in text
