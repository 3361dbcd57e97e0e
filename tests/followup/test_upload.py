"""The sales report as a file: CSV (; or ,, with or without BOM) and XLSX, errors per row and column, nothing
saved unless the whole file is clean; the template and the fee basis export."""

import io
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from innokop.followup.models import SalesReport
from innokop.followup.quarters import Quarter
from innokop.followup.services import sales as services
from innokop.followup.sheets import parse_amount, parse_rows, read_upload

from .conftest import contract, report

HEADER = "Organisationsnummer;Köpare;Anbudsområde;Belopp exkl. moms\n"


def _lines(agreement, text: str, name="rapport.csv"):
    lines = read_upload(SimpleUploadedFile(name, text.encode("utf-8")))
    return parse_rows(agreement, lines, {lot.number: lot for lot in agreement.lots.filter(number=1)})


def test_amounts_are_read_as_people_write_them():
    assert parse_amount("12 345,50") == Decimal("12345.50")
    assert parse_amount("12,345.50") == Decimal("12345.50")
    assert parse_amount("12.345,50") == Decimal("12345.50")
    assert parse_amount("1000") == Decimal(1000)


def test_a_semicolon_csv_with_a_byte_order_mark_is_read(sales_agreement, agency):
    rows, errors = _lines(sales_agreement, "\ufeff" + HEADER + f"{agency.org_number};;1;120 000,50\n\n"
                          "2120000142;Småstads kommun;;5000\n")
    assert errors == []
    assert [(r.buyer, r.buyer_org_number, r.lot.number if r.lot else None, r.amount) for r in rows] == [
        (agency, agency.org_number, 1, Decimal("120000.50")), (None, "212000-0142", None, Decimal(5000))]


def test_a_comma_csv_is_read(sales_agreement, agency):
    rows, errors = _lines(sales_agreement, "org,name,lot,amount\n" + f'{agency.org_number},,,"1,5"\n')
    assert errors == [] and rows[0].amount == Decimal("1.5")


def test_every_error_is_named_by_its_row_and_column(sales_agreement, agency):
    with translation.override("en"):
        rows, errors = _lines(sales_agreement, HEADER + f"{agency.org_number};;1;100\n"
                              "212000-0143;Kommunen;;100\n"
                              f"{agency.org_number};;7;tusen\n"
                              "2120000142;;;-5\n")
        shown = [str(e) for e in errors]
    assert shown == [
        "Row 3, column Buyer's organisation number: 212000-0143 is not a valid Swedish organisation number.",
        "Row 4, column Lot: 7 is not a lot you are admitted to.",
        "Row 4, column Amount excluding VAT (SEK): tusen is not an amount.",
        "Row 5, column Buyer: Give the buyer's name: it is not in Innoköp.",
        "Row 5, column Amount excluding VAT (SEK): The amount must be zero or more.",
    ]
    assert len(rows) == 1


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_is_read_with_numbers_as_numbers(sales_agreement, agency):
    data = _xlsx([["org", "name", "lot", "amount"], [agency.org_number, None, 1, 2500.5], [5560000001, "X", None, 10]])
    lines = read_upload(SimpleUploadedFile("rapport.xlsx", data))
    assert lines[0] == (2, [agency.org_number, "", "1", "2500.5"]) and lines[1][1][0] == "5560000001"


def test_upload_with_an_error_saves_nothing_then_the_corrected_file_goes_to_check(
        sales_agreement, supplier, supplier_org, agency, login):
    client = login(supplier)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    base = [sales_agreement.pk, supplier_org.pk, 2026, 1]
    bad = HEADER + f"{agency.org_number};;1;100\n;Utan nummer;;50\n"
    response = client.post(reverse("followup:report_upload", args=base),
                           {"file": SimpleUploadedFile("r.csv", bad.encode())})
    assert response.status_code == 200
    assert "Row 3, column Buyer&#x27;s organisation number: Give the buyer&#x27;s organisation number." in \
        response.content.decode()
    assert not SalesReport.objects.exists()
    good = HEADER + f"{agency.org_number};;1;100\n"
    response = client.post(reverse("followup:report_upload", args=base),
                           {"file": SimpleUploadedFile("r.csv", good.encode())})
    assert response.status_code == 302 and response["Location"] == reverse("followup:report_check", args=base)
    response = client.post(reverse("followup:report_check", args=base))
    saved = SalesReport.objects.get()
    assert response["Location"] == reverse("followup:report_detail", args=[saved.pk])
    assert saved.source == "upload" and saved.rows.get().amount == Decimal(100)


def test_a_file_that_is_not_csv_or_xlsx_is_refused(sales_agreement, supplier, supplier_org, login):
    client = login(supplier)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("followup:report_upload", args=[sales_agreement.pk, supplier_org.pk, 2026, 1]),
        {"file": SimpleUploadedFile("r.pdf", b"%PDF-1.4 x")})
    assert "Upload the report as CSV or Excel" in response.content.decode()


def test_the_template_has_the_columns_and_the_contracted_buyers(sales_agreement, supplier, supplier_org, agency,
                                                                agency_procurer, login):
    contract(sales_agreement, supplier_org, agency, agency_procurer, value=100_000, starts=date(2026, 2, 1),
             ends=date(2026, 12, 31))
    client = login(supplier)
    args = [sales_agreement.pk, supplier_org.pk, 2026, 1]
    response = client.get(reverse("followup:report_template", args=args + ["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 4 and rows[0][0]
    assert rows[1] == (agency.org_number, agency.name, 1, None)
    csv_text = client.get(reverse("followup:report_template", args=args + ["csv"])).content.decode("utf-8-sig")
    assert csv_text.splitlines()[1] == f"{agency.org_number};{agency.name};1;"


def test_the_fee_basis_xlsx_is_safe_from_formula_injection(sales_agreement, supplier, supplier_org, cpb_manager,
                                                           login, clock):
    supplier_org.name = "=HYPERLINK(\"http://evil\")"
    supplier_org.save()
    services.sales_report_submit(actor=supplier, agreement=sales_agreement, supplier=supplier_org,
                                 quarter=Quarter(2026, 1), rows=[services.RowInput(
                                     amount=Decimal(1000), buyer_name="K", buyer_org_number="2120000142")])
    response = login(cpb_manager).get(reverse("followup:fee_basis_download", args=[sales_agreement.pk, "xlsx"]))
    assert response["Content-Disposition"].startswith("attachment")
    row = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1]
    assert row[0].startswith("'=") and row[3] == 1000


def test_report_helper_and_upload_agree(sales_agreement, supplier, supplier_org, agency):
    assert report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "1")]).source == "page"
