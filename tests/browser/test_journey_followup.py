"""An agency makes the follow-up plan of its contract, runs a round, records a deviation; the supplier answers and
proposes a corrective action; the agency verifies it and closes the deviation. The plan shows a KPI chart."""

from datetime import date, datetime, timezone
from decimal import Decimal

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.agreements.models import (
    FollowUpFrequency,
    FollowUpMethod,
    Requirement,
    RequirementCategory,
    RequirementKind,
)
from innokop.calloffs.models import CallOff, CallOffKind, Contract
from innokop.followup.models import DeviationStatus, FollowUpRound
from innokop.followup.services import plans as services

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..factories import OrganisationFactory, member
from .helpers import log_in


def _contract(agency, supplier, procurer, cpb, manager) -> Contract:
    agreement = AgreementFactory(owner=cpb, created_by=manager, reference="IK-2027-007", title="Digitala tjänster",
                                 start_date=date(2027, 1, 1), end_date=date(2030, 12, 31),
                                 published_at=datetime(2026, 12, 1, tzinfo=timezone.utc))
    lot = LotFactory(agreement=agreement, number=1, title="E-tjänster")
    LotSupplierFactory(lot=lot, supplier=supplier)
    requirement = Requirement.objects.create(
        agreement=agreement, identifier="K2", text="Tjänsten ska uppfylla WCAG 2.1 nivå AA.",
        kind=RequirementKind.MANDATORY, category=RequirementCategory.ACCESSIBILITY,
        followup_method=FollowUpMethod.DOCUMENTATION, followup_frequency=FollowUpFrequency.QUARTERLY)
    calloff = CallOff.objects.create(agency=agency, lot=lot, reference="AV-2027-0042", created_by=procurer,
                                     method=CallOffKind.RENEWED_COMPETITION, title="E-tjänst för bygglov")
    calloff.team.add(procurer)
    contract = Contract.objects.create(calloff=calloff, agency=agency, supplier=supplier, value=Decimal(1_200_000),
                                       starts_on=date(2027, 2, 1), ends_on=date(2029, 1, 31), signed_by=procurer,
                                       signed_at=datetime(2027, 1, 25, 10, tzinfo=timezone.utc))
    contract.requirements.set([requirement])
    return contract


def test_an_agency_follows_up_a_deviation_to_its_closing(page, checker, clock, transactional_db):
    clock.set(datetime(2027, 8, 10, 7, 0, tzinfo=timezone.utc))  # Tuesday 10 August 2027
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för digital service")
    procurer = member(agency, Role.PROCURER, email="maria@agency.example", full_name="Maria Upphandlare")
    supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Klartext AB")
    seller = member(supplier, Role.SUPPLIER_REPRESENTATIVE, email="sara@klartext.example", full_name="Sara Säljare")
    contract = _contract(agency, supplier, procurer, cpb, manager)

    log_in(page, "maria@agency.example")
    page.goto("/follow-up/")
    checker.check(page, "followup-home")
    page.locator(f"form[action$='/contracts/{contract.pk}/plan/'] button").click()
    expect(page.locator("#plan-items")).to_contain_text("K2")
    plan = contract.followup_plan
    page.locator(f"a[href$='/plans/{plan.pk}/items/new/']").click()
    page.fill("#id_text", "Tjänstens tillgänglighet per månad")
    page.select_option("#id_method", "kpi")
    page.select_option("#id_frequency", "monthly")
    page.fill("#id_target", "99,5")
    page.fill("#id_unit", "%")
    page.fill("#id_reason", "Servicenivån i avtalet följs upp varje månad.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#plan-items")).to_contain_text("M1")
    kpi = plan.items.get(identifier="M1")
    for day, value in ((date(2027, 3, 1), "99.8"), (date(2027, 4, 1), "99.1"), (date(2027, 5, 3), "99.6"),
                       (date(2027, 6, 1), "99.7")):  # the supplier's earlier measurements
        measured = services.round_request(actor=procurer, item=kpi, supplier=supplier, scheduled_on=day)
        services.round_answer(actor=seller, followup_round=measured, answer="Drifttid enligt övervakningen.",
                              value=Decimal(value))
    page.reload()
    expect(page.locator("main figure svg[role=img]")).to_have_count(1)
    checker.check(page, "followup-plan-kpi-chart")

    page.locator("#due-rounds a").filter(has_text="K2").first.click()
    checker.check(page, "followup-request")
    page.fill("#id_question", "Skicka er senaste tillgänglighetsgranskning av e-tjänsten.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#round-state")).to_be_visible()
    followup_round = FollowUpRound.objects.get(item__identifier="K2")

    log_in(page, "sara@klartext.example")
    page.goto("/follow-up/")
    page.locator(f"a[href$='/rounds/{followup_round.pk}/']").click()
    page.locator(f"a[href$='/rounds/{followup_round.pk}/answer/']").click()
    page.fill("#id_answer", "Granskningen från juni bifogas. Två formulär saknar felmeddelanden.")
    page.set_input_files("#id_evidence", {"name": "granskning.pdf", "mimeType": "application/pdf",
                                          "buffer": b"%PDF-1.4 granskning"})
    checker.check(page, "followup-answer")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#history")).to_contain_text("Granskningen från juni")

    log_in(page, "maria@agency.example")
    page.goto(f"/follow-up/rounds/{followup_round.pk}/assess/")
    page.locator("input[value=deviation]").check()
    page.fill("#id_reason", "Två formulär uppfyller inte WCAG 3.3.1 (felmeddelanden).")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#deviation-state")).to_be_visible()

    log_in(page, "sara@klartext.example")
    page.goto(f"/follow-up/rounds/{followup_round.pk}/")
    page.locator(f"a[href$='/rounds/{followup_round.pk}/action/']").click()
    page.fill("#id_action", "Felmeddelanden läggs till i båda formulären och granskas igen.")
    page.fill("#id_deadline", "2027-09-10")
    checker.check(page, "followup-corrective-action")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#history")).to_contain_text("Felmeddelanden läggs till")

    log_in(page, "maria@agency.example")
    page.goto(f"/follow-up/rounds/{followup_round.pk}/")
    checker.check(page, "followup-round-history")
    page.locator(f"a[href$='/rounds/{followup_round.pk}/verify/']").click()
    page.locator("input[value=close]").check()
    page.fill("#id_note", "Ny granskning visar att felmeddelandena finns.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#history li")).to_have_count(5)
    checker.check(page, "followup-deviation-closed")
    followup_round.refresh_from_db()
    assert followup_round.deviation.status == DeviationStatus.CLOSED
