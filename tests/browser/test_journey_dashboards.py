"""A framework manager follows the link from the agreement to its dashboard, reads the charts and their tables
(axe-checked), and downloads every table as one XLSX workbook."""

import io
from datetime import date, datetime, timezone
from decimal import Decimal

from openpyxl import load_workbook
from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.agreements.services import agreement_commit
from innokop.calloffs.models import CallOff, CallOffKind, CallOffStatus, Contract
from innokop.followup.quarters import Quarter
from innokop.followup.services import sales as services

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..factories import OrganisationFactory, member
from .helpers import log_in


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=timezone.utc)


def test_a_framework_manager_reads_the_agreement_dashboard_and_downloads_its_tables(
        page, checker, clock, transactional_db, tmp_path):
    clock.set(_at(2026, 11, 20))
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för digital service")
    procurer = member(agency, Role.PROCURER, email="maria@mdss.example")
    norrsken = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Norrsken Sensorteknik AB", is_sme=True)
    molnet = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Nordisk Molntjänst AB")
    seller = member(norrsken, Role.SUPPLIER_REPRESENTATIVE, email="sara@norrsken.example")
    agreement = AgreementFactory(owner=cpb, created_by=manager, reference="IK-2026-042", title="Smart avfallshantering",
                                 start_date=date(2026, 1, 1), end_date=date(2029, 12, 31), max_value=Decimal(20_000_000),
                                 published_at=_at(2025, 12, 1))
    lots = [LotFactory(agreement=agreement, number=1, title="Sensorer"), LotFactory(agreement=agreement, number=2)]
    LotSupplierFactory(lot=lots[0], supplier=norrsken)
    LotSupplierFactory(lot=lots[1], supplier=molnet)
    for n, (supplier, value, published, signed) in enumerate([
            (norrsken, 1_200_000, _at(2026, 1, 12), _at(2026, 3, 2)),
            (molnet, 2_500_000, _at(2026, 3, 2), _at(2026, 4, 28)),
            (norrsken, 800_000, _at(2026, 6, 1), _at(2026, 8, 14))]):
        calloff = CallOff.objects.create(agency=agency, lot=lots[0 if supplier == norrsken else 1], created_by=procurer,
                                         reference=f"AV-2026-{n + 1:03d}", title="Avrop", published_at=published,
                                         status=CallOffStatus.CONTRACTED, method=CallOffKind.RENEWED_COMPETITION)
        contract = Contract.objects.create(calloff=calloff, agency=agency, supplier=supplier, value=Decimal(value),
                                starts_on=signed.date(), ends_on=date(2027, 12, 31), signed_by=procurer, signed_at=signed)
        agreement_commit(actor=procurer, agreement=agreement, amount=Decimal(value), source=f"calloffs.contract:{contract.pk}",
                         label=calloff.reference, buyer=agency)
    for quarter, due in ((Quarter(2026, 1), _at(2026, 5, 5)), (Quarter(2026, 2), _at(2026, 8, 20))):
        clock.set(due)
        services.sales_report_submit(actor=seller, agreement=agreement, supplier=norrsken, quarter=quarter, rows=[],
                                     zero=True)
    clock.set(_at(2026, 11, 20))

    log_in(page, "anna@cpb.example")
    page.goto(f"/agreements/{agreement.pk}/")
    page.locator(f"a[href='/dashboards/agreements/{agreement.pk}/']").click()
    expect(page.locator("h1")).to_be_visible()
    charts = page.locator("main figure.ik-chart svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 6
    value_chart = page.locator("main figure.ik-chart").nth(1)
    expect(value_chart.locator("table")).to_contain_text("2026 Q3")
    expect(value_chart.locator("table")).to_contain_text("2\u00a0500\u00a0000\u00a0kr")
    expect(value_chart.locator("svg rect")).to_have_count(3)
    expect(page.locator("#dashboard-facts")).to_contain_text("4\u00a0500\u00a0000\u00a0kr (22\u00a0%)")
    checker.check(page, "dashboard-agreement")

    with page.expect_download() as download:
        page.locator(f"a[href='/dashboards/agreements/{agreement.pk}/dashboard.xlsx']").click()
    path = tmp_path / "dashboard.xlsx"
    download.value.save_as(path)
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert len(book.sheetnames) == 8
    values = list(book[book.sheetnames[2]].iter_rows(values_only=True))
    assert values[1:] == [("2026 Q1", 1_200_000), ("2026 Q2", 2_500_000), ("2026 Q3", 800_000)]
