"""The award decision as PDF and DOCX, generated on request from the stored decision.

Both documents are rendered from the same blocks (`decision_blocks`), built from the
`DecisionContent` the page shows, so the page, the PDF and the DOCX say the same thing. They are
written in the active language: in Swedish the decision is the legal text as sent; in another
language it is a version for information that says so (`DECISION_LANGUAGE`). The PDF uses
fpdf2's core fonts, which cover Latin-1 only: Swedish letters are in it, typographic characters
(dashes, curly quotes, the ellipsis) are mapped to their Latin-1 equivalents rather than failing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from innokop.core.exports import latin1
from innokop.core.formats import sek, when

from .services.award import DecisionContent

PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

@dataclass(frozen=True)
class Block:
    kind: str  # title, heading, text, facts (label/value rows), table (header + rows)
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


def _day(day) -> str:
    return date_format(day, "l j F Y")


def standstill_text(content: DecisionContent) -> str:
    if content.standstill and content.standstill_ends:
        return _("A standstill period applies: it ends at the end of %(end)s. The contract cannot be signed before "
                 "then; signing is possible from %(opens)s.") % {"end": _day(content.standstill_ends),
                                                                "opens": _day(content.signing_from)}
    return _("No standstill period applies to this call-off: the contract may be signed once the decision is sent.")


def version_note(content: DecisionContent) -> str:
    """What a version in another language than Swedish is: for information, the Swedish text being the legal one."""
    if content.legal:
        return ""
    return _("This version is for information. The award decision is the Swedish text, which is the legal one.")


def _as_written(content: DecisionContent, part: str) -> list[Block]:
    """In a version for information, the parts the agency wrote in its own words say that they read as written."""
    return [Block("text", _("As the contracting authority wrote it."))] if part in content.as_written else []


def decision_blocks(content: DecisionContent) -> list[Block]:
    blocks = [
        Block("title", _("Award decision")),
        Block("text", f"{content.reference} {content.title}"),
        *([Block("text", version_note(content))] if not content.legal else []),
        Block("facts", rows=(
            (_("Contracting authority"), content.agency),
            (_("Framework agreement"), content.agreement),
            (_("Lot"), content.lot),
            (_("Decision sent"), when(content.sent_at)),
            (_("Evaluation model"), content.model),
            (_("Tie rules, in order"), ", ".join(content.tie_rules) or "-"),
        )),
        Block("heading", _("Decision")),
        Block("text", _("%(agency)s awards the call-off to %(winner)s.") % {"agency": content.agency,
                                                                          "winner": content.winner}),
        Block("heading", _("Ranking of the evaluated tenders")),
        Block("table", header=(_("Place"), _("Tenderer"), _("Result"), _("Tendered price")),
              rows=tuple((str(r.position), r.supplier, r.figure, sek(r.price)) for r in content.rows)),
        Block("heading", _("Reasons for the decision")),
        *_as_written(content, "reasons"),
        Block("text", content.reasons),
        Block("heading", _("The winning tender's relative advantages")),
        *_as_written(content, "advantages"),
        Block("text", content.advantages),
    ]
    if content.own_rejection:
        blocks += [Block("heading", _("Your tender was rejected")), *_as_written(content, "rejection"),
                   Block("text", content.own_rejection)]
    if content.rejected:
        blocks += [Block("heading", _("Rejected tenders")), *_as_written(content, "rejection"),
                   Block("table", header=(_("Tenderer"), _("Reason")), rows=tuple(content.rejected))]
    blocks += [Block("heading", _("Standstill period")), Block("text", standstill_text(content)),
               Block("text", _("Sent by %(name)s, %(moment)s, through Innoköp.") % {
                   "name": content.sent_by, "moment": when(content.sent_at)})]
    return blocks


def filename(content: DecisionContent, extension: str) -> str:
    """The Swedish legal text under the decision's name; a version in another language says which."""
    suffix = "" if content.legal else f"-{translation.get_language()}"
    return f"award-decision-{content.reference}{suffix}.{extension}"


# --- PDF ------------------------------------------------------------------------------------------


def decision_pdf(content: DecisionContent) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"{_('Award decision')} {content.reference}"))
    pdf.set_author(latin1(content.agency))
    pdf.set_creator("Innoköp")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    for block in decision_blocks(content):
        _PDF_RENDERERS[block.kind](pdf, block)
    return bytes(pdf.output())


def _pdf_title(pdf, block: Block) -> None:
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 10, latin1(block.text), new_x="LMARGIN", new_y="NEXT")


def _pdf_heading(pdf, block: Block) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, latin1(block.text), new_x="LMARGIN", new_y="NEXT")


def _pdf_text(pdf, block: Block) -> None:
    pdf.set_font("Helvetica", "", 10.5)
    pdf.multi_cell(0, 5.5, latin1(block.text), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1)


def _pdf_table(pdf, block: Block) -> None:
    pdf.set_font("Helvetica", "", 10)
    rows = ((block.header,) if block.header else ()) + block.rows
    widths = (45, 115) if block.kind == "facts" else None
    with pdf.table(col_widths=widths, first_row_as_headings=bool(block.header), line_height=5.5,
                   text_align="LEFT") as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(latin1(cell))
    pdf.ln(2)


_PDF_RENDERERS = {"title": _pdf_title, "heading": _pdf_heading, "text": _pdf_text, "facts": _pdf_table,
                  "table": _pdf_table}


# --- DOCX -----------------------------------------------------------------------------------------


def decision_docx(content: DecisionContent) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = f"{_('Award decision')} {content.reference}"
    document.core_properties.author = content.agency
    for block in decision_blocks(content):
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=1)
        elif block.kind == "text":
            for paragraph in block.text.split("\n"):
                document.add_paragraph(paragraph)
        else:
            _docx_table(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, block: Block) -> None:
    rows = ((block.header,) if block.header else ()) + block.rows
    table = document.add_table(rows=0, cols=len(rows[0]) if rows else 1)
    table.style = "Table Grid"
    for index, cells in enumerate(rows):
        row = table.add_row().cells
        for cell, text in zip(row, cells, strict=True):
            cell.text = text
            if index == 0 and block.header:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
