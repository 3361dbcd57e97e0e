"""An agency registers a need, is warned that its text names a supplier, and rewrites it; another agency joins
the need; the purchasing body takes it up in a pre-study and moves the pre-study on."""

import re
from datetime import date, datetime, timezone

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.prestudy import services
from innokop.prestudy.models import Need, NeedInterest, PreStudyStatus
from innokop.reference.models import CpvCode

from ..factories import OrganisationFactory, member
from .helpers import log_in


def test_an_agency_registers_a_need_another_joins_and_the_purchasing_body_takes_it_up(
        page, checker, clock, transactional_db):
    clock.set(datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc))
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    sjostad = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Sjöstads kommun")
    bergvik = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Bergviks kommun")
    member(sjostad, Role.BUSINESS_DEVELOPER, email="lina@sjostad.example", full_name="Lina Verksamhet")
    member(bergvik, Role.PROCURER, email="amira@bergvik.example", full_name="Amira Inköpare")
    OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Norrsken Sensorteknik AB")
    prestudy = services.prestudy_create(actor=manager, owner=cpb, given=services.PreStudyInput(
        title="Smart avfallshantering", area="Tömning efter behov och mindre avfall i kommunerna.",
        questions="Vilka behov finns?\nVilka lösningar finns?", starts_on=date(2027, 3, 1),
        needs_until=date(2027, 5, 31), concludes_on=date(2027, 9, 30),
        cpv_codes=list(CpvCode.objects.filter(code="90500000")), team=[manager]))

    log_in(page, "lina@sjostad.example")
    page.goto("/needs/new/")
    checker.check(page, "prestudy-need-form")
    page.fill("#id_title", "Färre överfulla återvinningsstationer")
    page.fill("#id_problem", "Vi vill ha sensorer från Norrsken Sensorteknik i alla kärl.")
    page.fill("#id_current_situation", "Tömning varannan vecka oavsett fyllnadsgrad.")
    page.fill("#id_desired_effects", "Inga överfulla kärl och färre onödiga tömningar.")
    page.fill("#id_effect_measures", "Andel överfulla kärl vid stickprov; tömningar per månad.")
    page.fill("#id_affected", "Invånare och renhållningsarbetare.")
    page.fill("#id_volume", "420")
    page.fill("#id_volume_unit", "kärl")
    page.fill("#id_budget", "1400000")
    page.fill("#id_needed_year", "2028")
    page.select_option("#id_needed_quarter", "2")
    page.fill("#id_cpv_codes", "90500000-2")
    page.select_option("#id_region", "SE232")
    page.locator("main form button.govuk-button:not([form])").first.click()
    expect(page.locator("#naming-warnings")).to_contain_text("Norrsken Sensorteknik")
    checker.check(page, "prestudy-need-warning")
    assert not Need.objects.exists()
    page.fill("#id_problem", "Kärlen blir överfulla under helger och skräp hamnar utanför.")
    page.locator("main form button.govuk-button:not([form])").first.click()
    expect(page.locator("h1")).to_have_text("Färre överfulla återvinningsstationer")
    expect(page.locator("#budget")).to_be_visible()
    need = Need.objects.get()
    checker.check(page, "prestudy-need")
    page.context.clear_cookies()

    log_in(page, "amira@bergvik.example")
    page.goto(f"/needs/{need.pk}/")
    expect(page.locator("#budget")).to_have_count(0)
    page.locator(f"a[href='/needs/{need.pk}/join/']").click()
    page.fill("#id_volume", "180")
    checker.check(page, "prestudy-need-join")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main table").first).to_contain_text("Bergviks kommun")
    assert NeedInterest.objects.get().volume == 180
    checker.check(page, "prestudy-need-joined")
    page.context.clear_cookies()

    log_in(page, "anna@cpb.example")
    page.goto(f"/needs/{need.pk}/")
    page.locator(f"a[href='/needs/{need.pk}/link/']").click()
    page.select_option("#id_prestudy", str(prestudy.pk))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/prestudies/{prestudy.pk}/$"))
    expect(page.locator("main")).to_contain_text("Färre överfulla återvinningsstationer")
    expect(page.locator("main")).to_contain_text("600")  # 420 + 180 kärl in the totals
    checker.check(page, "prestudy-detail")
    page.locator(f"a[href='/prestudies/{prestudy.pk}/move/collecting/']").click()
    page.fill("#id_note", "Vi samlar behov till och med 31 maj.")
    checker.check(page, "prestudy-move")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/prestudies/{prestudy.pk}/$"))
    expect(page.locator("main ol.govuk-list").last).to_contain_text("31 maj")
    prestudy.refresh_from_db()
    assert prestudy.status == PreStudyStatus.COLLECTING and need.interests.count() == 1
