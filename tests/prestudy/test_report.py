"""The pre-study report: a DOCX with its headings, the key charts as PNG pictures and their tables, the checklist
and the recommendation; the drafted requirements as XLSX; both stored as versioned documents of the pre-study."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document as Docx
from openpyxl import load_workbook

from innokop.core.models import AuditEvent
from innokop.prestudy import report
from innokop.prestudy.services import procurement

from .test_analysis import analysed, checklist  # noqa: F401 (fixtures)
from .test_matching import market, publish  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_report_is_refused_without_the_checklist(analysed, cpb_manager):  # noqa: F811
    with pytest.raises(procurement.PreStudyError) as refused:
        procurement.report_generate(actor=cpb_manager, prestudy=analysed)
    assert refused.value.code == "assessment_missing"


def test_the_report_has_its_headings_charts_and_requirements_and_is_versioned(analysed, cpb_manager):  # noqa: F811
    procurement.assessment_save(actor=cpb_manager, prestudy=analysed, given=checklist())
    with translation.override("en"):
        documents = procurement.report_generate(actor=cpb_manager, prestudy=analysed)
        expected = report.headings()
    docx = Docx(io.BytesIO(documents[0].current.file.read()))
    found = [p.text for p in docx.paragraphs if p.style.name == "Heading 1"]
    assert found == expected
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "Färre överfulla återvinningsstationer" in "\n".join(c.text for t in docx.tables for r in t.rows
                                                              for c in r.cells)
    assert "Genomför en upphandling av ramavtal." in text and "Vilka lösningar finns?" in text
    assert len(docx.inline_shapes) == report.KEY_CHARTS
    png = docx.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert docx.part.related_parts[png].blob.startswith(b"\x89PNG")
    sheet = load_workbook(io.BytesIO(documents[1].current.file.read())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0].startswith("B-") and "Inga överfulla kärl" in rows[1][1]
    assert documents[0].owner == analysed.owner and not documents[0].is_public
    again = procurement.report_generate(actor=cpb_manager, prestudy=analysed)
    assert [d.pk for d in again] == [d.pk for d in documents] and again[0].versions.count() == 2
    assert AuditEvent.objects.filter(verb="prestudy.report_generated").count() == 2


def test_the_chart_png_is_drawn_without_a_browser():
    from innokop.core.charts import Chart, Series

    png = report.chart_png(Chart(title="T", description="D", categories=["a", "b"], series=[Series("S", [1, 3])]))
    assert png.startswith(b"\x89PNG") and len(png) > 500


def test_the_report_is_written_from_the_pre_study_page_and_downloaded(analysed, client, login,  # noqa: F811
                                                                      cpb_manager):
    procurement.assessment_save(actor=cpb_manager, prestudy=analysed, given=checklist())
    login(cpb_manager)
    assert client.post(reverse("prestudy:report_generate", args=[analysed.pk])).status_code == 302
    page = client.get(reverse("prestudy:prestudy_detail", args=[analysed.pk])).content.decode()
    assert 'id="report-documents"' in page and ".docx" in page and ".xlsx" in page
    document = procurement.report_documents(analysed).first()
    download = client.get(reverse("core:document_download", args=[document.pk, 1]))
    assert download.status_code == 200


def test_the_demo_s_concluded_pre_study_has_its_checklist_report_and_agreement(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from innokop.prestudy.models import PreStudy, PreStudyStatus

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)
    concluded = PreStudy.objects.get(status=PreStudyStatus.PROCUREMENT_STARTED)
    assert concluded.assessment.recommendation == "procure" and concluded.assessment.facts["needs"] >= 5
    assert concluded.assessment.facts["thresholds"]
    documents = list(procurement.report_documents(concluded))
    assert len(documents) == 2 and {d.current.safe_name.rsplit(".", 1)[1] for d in documents} == {"docx", "xlsx"}
    assert concluded.agreement.reference == "IK-2026-002"


def test_the_requirements_sheet_is_formula_safe(analysed, need):  # noqa: F811
    from innokop.prestudy.models import Need

    Need.objects.filter(pk=need.pk).update(desired_effects='=HYPERLINK("http://evil.example")\nFärre tömningar.')
    sheet = load_workbook(io.BytesIO(report.requirements_xlsx(analysed))).worksheets[0]
    texts = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert texts[0].startswith("'=HYPERLINK") and texts[1].startswith("Färre tömningar.")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_report_is_read_only_by_those_who_see_the_pre_study(analysed, client, login, cpb, cpb_manager):  # noqa: F811
    """The report carries the needs' budgets: another person of the purchasing body who is neither a framework
    manager nor on the pre-study's team does not read it through the documents' own pages."""
    from innokop.accounts.models import Role
    from tests.conftest import member

    procurement.assessment_save(actor=cpb_manager, prestudy=analysed, given=checklist())
    procurement.report_generate(actor=cpb_manager, prestudy=analysed)
    document = procurement.report_documents(analysed).first()
    colleague = member(cpb, Role.PROCURER, email="kollega@cpb.se")
    login(colleague)
    assert client.get(reverse("core:document_download", args=[document.pk, 1])).status_code == 404
    assert client.get(reverse("core:document_detail", args=[document.pk])).status_code == 404
    analysed.team.add(colleague)
    assert client.get(reverse("core:document_download", args=[document.pk, 1])).status_code == 200
