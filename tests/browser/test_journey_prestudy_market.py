"""The purchasing body sends a needs survey and an agency answers it; the purchasing body publishes a request for
information and a supplier answers it, asking for secrecy on its prices; the purchasing body reads the answer and
the equal-treatment log."""

from datetime import date, datetime, timezone

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.prestudy import services
from innokop.prestudy.models import PreStudyStatus, RfiResponse, SurveyAnswer
from innokop.reference.models import CpvCode

from ..factories import OrganisationFactory, member
from .helpers import log_in


def _submit(page) -> None:
    page.locator("main form button[type=submit]").last.click()


def test_the_purchasing_body_surveys_the_agencies_and_asks_the_market(page, checker, clock, transactional_db):
    clock.set(datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc))
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    sjostad = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Sjöstads kommun", sector="municipality")
    member(sjostad, Role.PROCURER, email="lina@sjostad.example", full_name="Lina Inköpare")
    supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Vårdbryggan Digital AB")
    member(supplier, Role.SUPPLIER_REPRESENTATIVE, email="sofia@vardbryggan.example", full_name="Sofia Vårdbryggan")
    prestudy = services.prestudy_create(actor=manager, owner=cpb, given=services.PreStudyInput(
        title="Välfärdsteknik i hemmet", area="Trygghet och vård i hemmet.", questions="Vilka behov finns?",
        starts_on=date(2027, 3, 1), needs_until=date(2027, 5, 31), concludes_on=date(2027, 9, 30),
        cpv_codes=list(CpvCode.objects.filter(code="85300000")), team=[manager]))
    services.prestudy_advance(actor=manager, prestudy=prestudy, to_status=PreStudyStatus.COLLECTING)

    log_in(page, "anna@cpb.example")
    page.goto(f"/prestudies/{prestudy.pk}/surveys/new/")
    page.fill("#id_title", "Behov av välfärdsteknik")
    page.fill("#id_introduction", "Vi vill veta vilka behov ni har av trygghet i hemmet.")
    page.fill("#id_deadline", "2027-04-15T12:00")
    page.check(f"input[name=agencies][value='{sjostad.pk}']")
    checker.check(page, "prestudy-survey-form")
    _submit(page)
    expect(page.locator("h1")).to_have_text("Behov av välfärdsteknik")
    page.locator("a[href$='/questions/new/']").click()
    page.check("input[name=kind][value=single]")
    page.fill("#id_text", "Hur brådskande är behovet?")
    page.fill("#id_choices", "Låg\nMedel\nHög")
    page.check("#id_required")
    checker.check(page, "prestudy-survey-question")
    _submit(page)
    page.locator("a[href$='/questions/new/']").click()
    page.check("input[name=kind][value=number]")
    page.fill("#id_text", "Hur många brukare berörs?")
    _submit(page)
    expect(page.locator("#questions")).to_contain_text("Hur många brukare berörs?")
    page.locator("#send-survey").click()
    expect(page.locator("#response-rate")).to_be_visible()
    checker.check(page, "prestudy-survey-sent")
    page.context.clear_cookies()

    log_in(page, "lina@sjostad.example")
    page.locator("a[href*='/answer/']").first.click()
    page.check("input[value='Hög']")
    page.locator("main input[type=text], main input[type=number]").last.fill("1450")
    checker.check(page, "prestudy-survey-answer")
    _submit(page)
    expect(page.locator("#earlier-answer")).to_contain_text("Sjöstads kommun")
    assert SurveyAnswer.objects.get().items.count() == 2
    page.context.clear_cookies()

    log_in(page, "anna@cpb.example")
    page.goto(f"/surveys/{SurveyAnswer.objects.get().survey_id}/")
    expect(page.locator("#results")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1 450")  # the sum of the numbers given
    checker.check(page, "prestudy-survey-results")
    page.goto(f"/prestudies/{prestudy.pk}/market-dialogues/new/")
    page.fill("#id_title", "Välfärdsteknik för trygghet i hemmet")
    page.fill("#id_description", "Vi vill veta vad som finns och vad som utvecklas.")
    page.fill("#id_questions", "Vilka lösningar erbjuder ni?\nHur prissätts de?")
    page.fill("#id_deadline", "2027-04-10T12:00")
    checker.check(page, "prestudy-rfi-form")
    _submit(page)
    page.locator("#publish-rfi").click()
    expect(page.locator("#publish-rfi")).to_have_count(0)
    expect(page.locator("a[href$='/answers/']")).to_be_visible()
    checker.check(page, "prestudy-rfi-published")
    rfi_url = page.url
    page.context.clear_cookies()

    page.goto(rfi_url)  # the public page, read without logging in
    expect(page.locator("h1")).to_have_text("Välfärdsteknik för trygghet i hemmet")
    checker.check(page, "prestudy-rfi-public")
    log_in(page, "sofia@vardbryggan.example")
    page.goto(rfi_url)
    page.locator("#answer-rfi").click()
    page.fill("#id_answer_1", "Digital nattillsyn och trygghetslarm över mobilnätet.")
    page.fill("#id_answer_2", "Abonnemang per brukare och månad.")
    page.fill("#id_secrecy_parts", "Svar 2, priserna")
    page.fill("#id_secrecy_reasons", "Priserna skulle skada oss i kommande upphandlingar.")
    checker.check(page, "prestudy-rfi-answer")
    _submit(page)
    expect(page.locator("#secrecy-request")).to_contain_text("Svar 2, priserna")
    checker.check(page, "prestudy-rfi-own-answer")
    response = RfiResponse.objects.get()
    page.context.clear_cookies()

    log_in(page, "anna@cpb.example")
    page.goto(f"/market-dialogues/{response.dialogue_id}/answers/")
    expect(page.locator("#responses")).to_contain_text("Vårdbryggan Digital AB")
    checker.check(page, "prestudy-rfi-answers")
    page.goto(f"/prestudies/{prestudy.pk}/contacts/")
    expect(page.locator("#log")).to_contain_text("Vårdbryggan Digital AB")
    checker.check(page, "prestudy-contact-log")
