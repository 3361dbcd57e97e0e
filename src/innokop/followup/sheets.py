"""Sales reports as files: the template to fill in, reading an uploaded CSV or XLSX, and the fee basis export.

An upload is read whole and checked row by row; every problem is reported with its line number and
column, and nothing is kept unless the whole file is clean. Cells written from stored text are made
safe from formula injection (`core.exports.safe_cell`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from innokop.agreements.models import FrameworkAgreement, Lot
from innokop.core.documents import TEXT, XLSX, validate_upload
from innokop.core.exports import csv_bytes, safe_cell, xlsx_bytes

from .services.sales import RowInput, SalesReportError, find_buyer, normalise_org_number

COLUMNS = (gettext_lazy("Buyer's organisation number"), gettext_lazy("Buyer"), gettext_lazy("Lot"),
           gettext_lazy("Amount excluding VAT (SEK)"))
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    line: int
    column: int  # an index into COLUMNS
    message: str

    def __str__(self) -> str:
        return _("Row %(line)s, column %(column)s: %(message)s") % {
            "line": self.line, "column": COLUMNS[self.column], "message": self.message}


def template_rows(buyers) -> list[list]:
    """One row per buyer the supplier has a call-off contract with: (organisation, lot) pairs."""
    return [[buyer.org_number, buyer.name, lot.number if lot else "", ""] for buyer, lot in buyers]


def template_csv(buyers) -> bytes:
    """Semicolon-separated, as Swedish Excel reads and writes it; UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in [[str(c) for c in COLUMNS], *template_rows(buyers)]:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(buyers) -> bytes:
    return xlsx_bytes(_("Sales report"), [str(c) for c in COLUMNS], template_rows(buyers))


def read_upload(uploaded) -> list[tuple[int, list[str]]]:
    """The data rows of an uploaded CSV or XLSX as (line number, four cells as text), the header left out."""
    data, kind = validate_upload(uploaded)
    if kind == XLSX:
        lines = _xlsx_lines(data)
    elif kind == TEXT:
        lines = _csv_lines(data)
    else:
        raise ValidationError(_("Upload the report as CSV or Excel (.xlsx)."), code="bad_type")
    if len(lines) > MAX_ROWS + 1:
        raise ValidationError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, code="too_many_rows")
    numbered = [(number, cells) for number, cells in enumerate(lines, start=1) if any(c.strip() for c in cells)]
    return numbered[1:]


def _csv_lines(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    # Swedish Excel writes ; (the comma is the decimal sign); other programs write ,.
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [[cell for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_lines(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("The Excel file cannot be read. Save it again as .xlsx and upload it."),
                              code="bad_xlsx") from None
    sheet = workbook.worksheets[0]
    lines = []
    for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2):
        lines.append([_cell_text(value) for value in row])
    workbook.close()
    return lines


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_amount(text: str) -> Decimal:
    """Amounts as people write them: 12 345,50 or 12345.50 or 12,345.50."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").removesuffix("kr").strip()
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "") if cleaned.rfind(".") > cleaned.rfind(",") else \
            cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", ".")
    amount = Decimal(cleaned)
    if not amount.is_finite():
        raise InvalidOperation
    return amount


def parse_rows(agreement: FrameworkAgreement, lines: list[tuple[int, list[str]]],
               lots: dict[int, Lot]) -> tuple[list[RowInput], list[RowError]]:
    """The rows of a file as the service takes them, and every problem found; `lots` by number (admitted only)."""
    rows, errors = [], []
    for line, cells in lines:
        cells = (cells + ["", "", "", ""])[:4]
        number_text, name, lot_text, amount_text = (cell.strip() for cell in cells)
        found = len(errors)
        buyer, number = None, ""
        if not number_text:
            errors.append(RowError(line, 0, _("Give the buyer's organisation number.")))
        else:
            try:
                number = normalise_org_number(number_text)
            except SalesReportError:
                errors.append(RowError(line, 0, _("%(value)s is not a valid Swedish organisation number.")
                                       % {"value": number_text}))
            else:
                buyer = find_buyer(number)
                if buyer is None and not name:
                    errors.append(RowError(line, 1, _("Give the buyer's name: it is not in Innoköp.")))
        lot = None
        if lot_text:
            lot = lots.get(int(lot_text)) if lot_text.isdigit() else None
            if lot is None:
                errors.append(RowError(line, 2, _("%(value)s is not a lot you are admitted to.")
                                       % {"value": lot_text}))
        amount = None
        if not amount_text:
            errors.append(RowError(line, 3, _("Give the amount excluding VAT.")))
        else:
            try:
                amount = parse_amount(amount_text)
            except (InvalidOperation, ValueError):
                errors.append(RowError(line, 3, _("%(value)s is not an amount.") % {"value": amount_text}))
            else:
                if amount < 0:
                    errors.append(RowError(line, 3, _("The amount must be zero or more.")))
                elif amount.as_tuple().exponent < -2:
                    errors.append(RowError(line, 3, _("Give the amount in kronor and öre (two decimals).")))
        if len(errors) == found:
            rows.append(RowInput(amount=amount, buyer=buyer, buyer_name=name, buyer_org_number=number, lot=lot))
    return rows, errors


FEE_COLUMNS = (gettext_lazy("Supplier"), gettext_lazy("Organisation number"), gettext_lazy("Quarter"),
               gettext_lazy("Turnover excluding VAT (SEK)"), gettext_lazy("Fee rate (%)"), gettext_lazy("Fee (SEK)"),
               gettext_lazy("Report"))


def fee_basis_rows(lines) -> list[list]:
    return [[line.supplier.name, line.supplier.org_number, str(line.quarter), line.turnover,
             line.rate if line.rate is not None else _("no rate"), line.fee if line.fee is not None else "",
             line.report.reference] for line in lines]


def fee_basis_xlsx(lines) -> bytes:
    return xlsx_bytes(_("Fee basis"), [str(c) for c in FEE_COLUMNS], fee_basis_rows(lines))


def fee_basis_csv(lines) -> bytes:
    return csv_bytes([str(c) for c in FEE_COLUMNS], fee_basis_rows(lines))
