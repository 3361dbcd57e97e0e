"""An agency opens its contract register, records a change that gives the LOU 17 kap. 9 § warning and confirms
it, uses an option, completes the contract and writes a reference case; the purchasing body approves the case
and it shows on the solution's page."""

from datetime import date, datetime, timezone
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.calloffs.models import CallOff, CallOffKind, Contract
from innokop.catalogue.models import SolutionStatus
from innokop.followup.models import ContractOption
from innokop.followup.services import register

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..catalogue.factories import SolutionFactory
from ..factories import OrganisationFactory, member
from .helpers import log_in


def test_an_agency_keeps_its_contract_register_and_closes_the_loop_with_a_reference_case(
        page, checker, clock, transactional_db):
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc))
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för digital service")
    maria = member(agency, Role.PROCURER, email="maria@mdss.example", full_name="Maria Upphandlare")
    supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Tillgänglig Webb AB")
    member(supplier, Role.SUPPLIER_REPRESENTATIVE, email="sara@tillganglig.example", full_name="Sara Säljare")
    agreement = AgreementFactory(owner=cpb, created_by=manager, reference="IK-2026-001",
                                 title="Innovativa digitala tjänster", start_date=date(2026, 1, 1),
                                 end_date=date(2029, 12, 31), latest_contract_end=date(2031, 6, 30),
                                 published_at=datetime(2025, 12, 1, tzinfo=timezone.utc))
    lot = LotFactory(agreement=agreement, number=1, title="Tillgängliga e-tjänster")
    LotSupplierFactory(lot=lot, supplier=supplier)
    solution = SolutionFactory(supplier=supplier, status=SolutionStatus.PUBLISHED, title="Tillgänglighetsgranskning")
    calloff = CallOff.objects.create(agency=agency, lot=lot, reference="AV-2026-0007", created_by=maria,
                                     method=CallOffKind.RANKING, title="Granskning av Mina sidor")
    contract = Contract.objects.create(calloff=calloff, agency=agency, supplier=supplier, value=Decimal(1_000_000),
                                       starts_on=date(2026, 2, 1), ends_on=date(2027, 1, 31), signed_by=maria,
                                       signed_at=datetime(2026, 1, 20, 10, tzinfo=timezone.utc))
    ContractOption.objects.create(record=register.record_of(contract), description="Förlängning 6 månader",
                                  extension_months=6, created_by=maria,
                                  created_at=datetime(2026, 1, 20, 10, tzinfo=timezone.utc))

    log_in(page, "maria@mdss.example")
    page.goto(reverse("followup:contract_register") + "?state=expiring")
    expect(page.locator("#register")).to_contain_text("AV-2026-0007")
    checker.check(page, "register-list")
    page.locator("#register a", has_text="AV-2026-0007").click()
    expect(page.locator("h1")).to_contain_text("Granskning av Mina sidor")

    page.locator("a[href$='/changes/']").click()
    page.locator("input[name=reason][value='17_9']").check()
    page.fill("#id_description", "Granskning av ytterligare tre e-tjänster.")
    page.fill("#id_value_after", "1150000")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#change-warnings")).to_contain_text("17 kap. 9 §")
    checker.check(page, "register-change-warning")
    page.locator("#id_confirm").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#changes")).to_contain_text("17 kap. 9 §")
    checker.check(page, "register-contract")

    page.locator("#options a[href$='/use/']").click()
    page.fill("#id_reason", "Granskningen behöver följa lanseringen av nya Mina sidor.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#options")).to_contain_text("31 juli 2027")

    page.locator("a[href$='/complete/']").click()
    page.fill("#id_final_amount", "1140000")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1 .govuk-tag--grey")).to_be_visible()  # completed

    page.locator("a[href$='/reference-case/']").click()
    page.fill("#id_title", "Tillgängliga Mina sidor")
    page.fill("#id_story", "Vi avropade granskning och åtgärdsförslag för Mina sidor.")
    page.fill("#id_effects", "Inga anmälningar om bristande tillgänglighet sedan lanseringen.")
    page.fill("#id_assessment", "Kunnig leverantör som höll tidsplanen.")
    checker.check(page, "register-reference-case")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .govuk-tag--yellow")).to_be_visible()  # waiting for the purchasing body
    page.context.clear_cookies()

    log_in(page, "anna@cpb.example")
    page.goto(reverse("catalogue:review_solution", args=[solution.pk]))
    expect(page.locator("main")).to_contain_text("Tillgängliga Mina sidor")
    page.locator("form.ik-review-action:has(input[value=approve_changes]) button").click()
    page.context.clear_cookies()

    page.goto(reverse("catalogue:solution_detail", args=[solution.pk]))
    expect(page.locator("main")).to_contain_text("Tillgängliga Mina sidor")
    expect(page.locator("main")).to_contain_text("Inga anmälningar om bristande tillgänglighet")
    checker.check(page, "register-reference-case-published")
