"""A supplier uploads a sales report with an error, then the corrected file; the purchasing body sees the
overdue list and downloads the fee basis (rule 12)."""

import io
import re
from datetime import date, datetime, timezone
from decimal import Decimal

from openpyxl import load_workbook
from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.followup.services import sales as services

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..factories import OrganisationFactory, member
from .helpers import log_in


def _log_out(page) -> None:
    page.context.clear_cookies()


def test_a_supplier_uploads_a_sales_report_and_the_purchasing_body_downloads_the_fee_basis(
        page, checker, clock, transactional_db, tmp_path):
    clock.set(datetime(2026, 5, 20, 8, 0, tzinfo=timezone.utc))  # Q1 2026 was due on 15 May
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för digital service")
    norrsken = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Norrsken Sensorteknik AB")
    fjallvind = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Fjällvind Analys AB")
    member(norrsken, Role.SUPPLIER_REPRESENTATIVE, email="sara@norrsken.example", full_name="Sara Säljare")
    agreement = AgreementFactory(owner=cpb, created_by=manager, reference="IK-2026-042", title="Smart avfallshantering",
                                 start_date=date(2026, 1, 1), end_date=date(2029, 12, 31),
                                 published_at=datetime(2025, 12, 1, tzinfo=timezone.utc))
    LotSupplierFactory(lot=LotFactory(agreement=agreement, number=1, title="Sensorer"), supplier=norrsken)
    LotSupplierFactory(lot=LotFactory(agreement=agreement, number=2, title="Tömning"), supplier=fjallvind)
    services.fee_rate_add(actor=manager, agreement=agreement, rate=Decimal("0.70"), valid_from=date(2026, 1, 1))

    log_in(page, "sara@norrsken.example")
    page.goto("/sales-reports/")
    checker.check(page, "sales-my-reports")
    page.locator("a[href$='/2026/q1/']").first.click()
    expect(page.locator("h1")).to_contain_text("2026 Q1")
    checker.check(page, "sales-report-form")
    page.locator("a[href$='/upload/']").click()
    header = "Organisationsnummer;Köpare;Anbudsområde;Belopp exkl. moms\n"
    bad = header + f"{agency.org_number};;1;120 000\n2120000143;Småstads kommun;;15 000\n"
    page.set_input_files("#id_file", {"name": "forsaljning.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#row-errors li")).to_have_count(1)
    expect(page.locator("#row-errors")).to_contain_text("2120000143")
    checker.check(page, "sales-upload-error")
    good = header + f"{agency.org_number};;1;120 000\n2120000142;Småstads kommun;;15 000\n"
    page.set_input_files("#id_file", {"name": "forsaljning.csv", "mimeType": "text/csv", "buffer": good.encode()})
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/check/$"))
    checker.check(page, "sales-check")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-panel__title")).to_be_visible()
    checker.check(page, "sales-confirmation")
    _log_out(page)

    log_in(page, "anna@cpb.example")
    page.goto("/sales-reports/overdue/")
    expect(page.locator("main table")).to_contain_text("Fjällvind Analys AB")
    checker.check(page, "sales-overdue")
    page.goto(f"/sales-reports/agreements/{agreement.pk}/")
    expect(page.locator("main")).to_contain_text("Småstads kommun")
    checker.check(page, "sales-agreement")
    page.goto(f"/sales-reports/agreements/{agreement.pk}/fees/")
    checker.check(page, "sales-fee-basis")
    with page.expect_download() as download:
        page.locator("a[href$='/fees.xlsx']").click()
    path = tmp_path / "fees.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    assert rows[1][0] == "Norrsken Sensorteknik AB" and rows[1][2] == "2026 Q1" and rows[1][5] == 945
