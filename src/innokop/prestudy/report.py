"""The pre-study report (förstudierapport) as an editable DOCX, and the drafted requirements as XLSX.

Written with python-docx and openpyxl (through `core.exports`). The key charts go in as PNG pictures drawn with
Pillow (no browser, no matplotlib): simple bars with their values written on them, each followed by the same
numbers as a table, as on the page. Everything is in the language active when the report is made.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document as DocxDocument
from docx.shared import Cm
from PIL import Image, ImageDraw, ImageFont

from innokop.core import formats
from innokop.core.charts import Chart, format_value
from innokop.core.exports import xlsx_sheets_bytes

from . import aggregation, analysis
from .models import Assessment, PreStudy
from .services.market import shared_with_some

KEY_CHARTS = 4  # the first charts of the dashboard go into the report as pictures
PNG_WIDTH, PNG_HEIGHT, MARGIN, LABEL_SPACE = 900, 420, 40, 110


def headings() -> list[str]:
    """The report's headings, in order (the test opens the DOCX and checks them)."""
    return [_("Background"), _("Questions"), _("Needs and aggregated demand"), _("Market overview"),
            _("Summary of the requests for information"), _("Matching solutions"), _("Key charts"),
            _("Checklist of preconditions"), _("Recommendation")]


def chart_png(chart: Chart) -> bytes:
    """A bar picture of the chart's first series: one bar per category, its value above it, its label below."""
    image = Image.new("RGB", (PNG_WIDTH, PNG_HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    values = [float(value or 0) for value in (chart.series[0].values if chart.series else [])]
    top = max(values, default=0) or 1
    plot_height = PNG_HEIGHT - MARGIN - LABEL_SPACE
    base = MARGIN + plot_height
    draw.line([(MARGIN, base), (PNG_WIDTH - MARGIN, base)], fill="black", width=1)
    count = max(len(values), 1)
    slot = (PNG_WIDTH - 2 * MARGIN) / count
    for index, (category, value) in enumerate(zip(chart.categories, values, strict=False)):
        left = MARGIN + index * slot + slot * 0.15
        right = MARGIN + (index + 1) * slot - slot * 0.15
        height = plot_height * value / top
        draw.rectangle([(left, base - height), (right, base)], fill=(29, 112, 184))
        draw.text((left, base - height - 14), format_value(value, chart.unit), fill="black", font=font)
        draw.text((left, base + 6), str(category)[:18], fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _table(document, header: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def _paragraphs(document, text: str) -> None:
    for line in (text or "").splitlines():
        if line.strip():
            document.add_paragraph(line.strip())


def report_docx(prestudy: PreStudy, assessment: Assessment) -> bytes:
    needs = analysis.prestudy_needs(prestudy)
    found = analysis.facts(prestudy, needs=needs, years=assessment.contract_years)
    charts = analysis.dashboard(prestudy, needs=needs, found=found)
    totals = aggregation.totals(needs, public=False, with_budget=True)
    titles = headings()
    document = DocxDocument()
    document.add_heading(_("Pre-study report: %(title)s") % {"title": prestudy.title}, level=0)
    document.add_paragraph(f"{prestudy.reference} · {prestudy.owner.name} · {formats.day(prestudy.concludes_on)}")

    document.add_heading(titles[0], level=1)
    _paragraphs(document, prestudy.area)
    document.add_heading(titles[1], level=1)
    for question in prestudy.question_list:
        document.add_paragraph(question, style="List Number")

    document.add_heading(titles[2], level=1)
    _table(document, [_("Need"), _("Agency"), _("Volume per year"), _("When"), _("Region")],
           [[f"{need.reference} {need.title}", need.agency.name, f"{need.volume} {need.volume_unit}", need.when,
             str(need.region.label) if need.region else str(aggregation.WHOLE_COUNTRY)] for need in needs])
    document.add_paragraph(_("%(needs)s needs from %(agencies)s agencies.") % {"needs": totals.needs,
                                                                               "agencies": totals.agencies})
    _table(document, [_("CPV division"), _("Volume per year"), _("Agencies")],
           [[row.label, f"{row.volume} {row.unit}", row.agency_count] for row in totals.by_division])

    document.add_heading(titles[3], level=1)
    entries = list(prestudy.market_entries.all())
    for entry in entries:
        document.add_paragraph(f"{entry.title} ({entry.get_kind_display()}): {entry.description} [{entry.source}]",
                               style="List Bullet")
    if not entries:
        document.add_paragraph(_("No ongoing development was recorded."))

    document.add_heading(titles[4], level=1)
    dialogues = list(prestudy.dialogues.filter(status="published"))
    for dialogue in dialogues:
        document.add_heading(f"{dialogue.reference} {dialogue.title}", level=2)
        document.add_paragraph(_("%(count)s answers.") % {"count": dialogue.responses.count()})
        _paragraphs(document, dialogue.summary or _("No anonymised summary has been published."))
    if not dialogues:
        document.add_paragraph(_("No request for information was published."))
    shared = list(shared_with_some(prestudy))
    if shared:
        document.add_paragraph(_("Information shared with some suppliers only, to be given to every tenderer:"))
        for item in shared:
            document.add_paragraph(f"{item.supplier or ''}: {item.shared or item.document}", style="List Bullet")

    document.add_heading(titles[5], level=1)
    _table(document, [_("Solution"), _("Supplier"), _("TRL"), _("Why it matches")],
           [[item.solution.title, item.solution.supplier.name, item.solution.trl or "–", "; ".join(item.reasons)]
            for item in found.solutions[:20]])

    document.add_heading(titles[6], level=1)
    for chart in charts[:KEY_CHARTS]:
        document.add_heading(chart.title, level=2)
        if chart.is_empty:
            document.add_paragraph(_("No data yet."))
            continue
        document.add_picture(io.BytesIO(chart_png(chart)), width=Cm(16))
        document.add_paragraph(chart.description)
        header, rows = chart.table()
        _table(document, header, rows)

    document.add_heading(titles[7], level=1)
    facts = assessment.facts
    _table(document, [_("Precondition"), _("Assessment")], [
        [_("Procurement route"), f"{assessment.get_route_display()}: {assessment.route_reasons}"],
        [_("Competition"), _("%(suppliers)s potential suppliers, of which %(smes)s SMEs.") % {
            "suppliers": facts.get("suppliers", 0), "smes": facts.get("smes", 0)} + " " + assessment.competition],
        [_("Estimated value"), _("%(value)s over %(years)s years.") % {
            "value": formats.sek(found.estimated_value), "years": assessment.contract_years} + " " + " ".join(
            analysis.threshold_sentence(row, found.estimated_value) for row in found.thresholds)
            + (" " + assessment.value_note if assessment.value_note else "")],
        [_("Risks"), assessment.risks],
    ])
    document.add_heading(titles[8], level=1)
    document.add_paragraph(assessment.get_recommendation_display())
    _paragraphs(document, assessment.recommendation_text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def requirements_xlsx(prestudy: PreStudy) -> bytes:
    """The drafted requirements, one row per desired effect of each need, the basis for the procurement
    documents; a second sheet lists the needs they come from."""
    needs = analysis.prestudy_needs(prestudy)
    rows = [[item["identifier"], item["text"], str(item["kind"].label), str(item["category"].label),
             str(item["followup_method"].label), str(item["followup_frequency"].label)]
            for item in analysis.drafted_requirements(needs)]
    need_rows = [[need.reference, need.title, need.agency.name, need.volume, need.volume_unit, need.when]
                 for need in needs]
    return xlsx_sheets_bytes([
        (_("Requirements"), [_("Id"), _("Requirement"), _("Kind"), _("Category"), _("How it is followed up"),
                             _("How often")], rows),
        (_("Needs"), [_("Need"), _("Title"), _("Agency"), _("Volume per year"), _("Unit"), _("When")], need_rows),
    ])
