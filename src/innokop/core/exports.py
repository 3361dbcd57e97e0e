"""Files people download and open elsewhere: CSV and XLSX safe from formula injection, and simple PDF reports.

A spreadsheet program runs a cell that starts with = + - @ (or a tab or carriage return that hides
one) as a formula, so text from users is written with a leading apostrophe there (OWASP's advice).

The PDFs use the PDF core font Helvetica, which covers Latin-1 (å, ä, ö, é, ü ...). Typographic
characters outside it are written as their nearest Latin-1 form rather than failing the export.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

from fpdf import FPDF
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads å, ä, ö), every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


LATIN1_EQUIVALENTS = {
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": "\u00ab", "\u2018": "'", "\u2019": "'", "\u201a": "'",
    "\u2026": "...", "\u2022": "*", "\u2192": "->", "\u2264": "<=", "\u2265": ">=", "\u20ac": "EUR",
    "\u202f": "\u00a0", "\u2009": " ", "\u2007": " ", "\u200b": "",
}


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A one-sheet workbook: text cells formula-safe, numbers as numbers."""
    return xlsx_sheets_bytes([(title, header, rows)])


SHEET_NAME_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


def xlsx_sheets_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """A workbook of one sheet per (title, header, rows), written as `xlsx_bytes` writes its one sheet.

    A sheet's name is its title made safe for a spreadsheet (no [ ] : * ? / \\, at most 31 characters,
    unique in the workbook)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(_sheet_name(title, used))
        sheet.append([safe_cell(cell) for cell in header])
        for row in rows:
            sheet.append([cell if isinstance(cell, (int, float, Decimal)) else safe_cell(cell) for cell in row])
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = max(
                12, min(45, max(len(str(c.value or "")) for c in column) + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    base = (safe_cell(title).translate(SHEET_NAME_FORBIDDEN).strip().strip("'") or "Sheet")[:31]
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:31 - len(str(n)) - 1]} {n}"
    used.add(name.lower())
    return name


def latin1(text: str) -> str:
    """Text the PDF core fonts can show: Latin-1 as is, typographic characters mapped, others approximated."""
    out = []
    for char in str(text):
        char = LATIN1_EQUIVALENTS.get(char, char)
        try:
            char.encode("latin-1")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char)[:1]
            char = base if base and base.encode("latin-1", "ignore") else "?"
        out.append(char)
    return "".join(out)


class Report:
    """A plain A4 report: a title, headings, paragraphs and two-column facts, with page numbers."""

    def __init__(self, *, title: str, subtitle: str = "", footer: str = "") -> None:
        self.pdf = _Pdf(footer=latin1(footer))
        self.pdf.set_title(latin1(title))
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.add_page()
        self.pdf.set_font("Helvetica", "B", 18)
        self.pdf.multi_cell(0, 9, latin1(title), new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.pdf.set_font("Helvetica", "", 11)
            self.pdf.multi_cell(0, 6, latin1(subtitle), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(3)

    def heading(self, text: str) -> None:
        self.pdf.ln(2)
        self.pdf.set_font("Helvetica", "B", 13)
        self.pdf.multi_cell(0, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def paragraph(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        self.pdf.multi_cell(0, 5, latin1(text or "-"), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def facts(self, rows: Iterable[tuple[str, object]]) -> None:
        key_width = 55
        for key, value in rows:
            self.pdf.set_font("Helvetica", "B", 10)
            y = self.pdf.get_y()
            self.pdf.multi_cell(key_width, 5, latin1(key), new_x="RIGHT", new_y="TOP")
            self.pdf.set_font("Helvetica", "", 10)
            self.pdf.multi_cell(0, 5, latin1("-" if value in (None, "") else value), new_x="LMARGIN", new_y="NEXT")
            self.pdf.set_y(max(self.pdf.get_y(), y + 5))
        self.pdf.ln(1)

    def bullets(self, items: Iterable[str]) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        for item in items:
            self.pdf.multi_cell(0, 5, latin1(f"- {item}"), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


class _Pdf(FPDF):
    def __init__(self, *, footer: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, f"{self._footer_text}   {self.page_no()}/{{nb}}", align="R")
