"""The procurement record of a call-off (rule 11): one ZIP, built in the background with its progress shown."""

import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.calloffs import record, sealing, services
from innokop.calloffs.models import CallOffStatus, OpeningRecord, RecordExport, Tender, TenderSubmission
from innokop.calloffs.tender_content import Attachment, RequirementAnswer, TenderContent
from innokop.core.models import AuditEvent

from .conftest import start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def questioned(open_calloff, supplier, agency_procurer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_ask(actor=supplier, calloff=open_calloff, text="=HYPERLINK(\"http://x\")")
        services.question_answer(actor=agency_procurer, question=question, answer="Nej.")
    return open_calloff


def _export(actor, calloff, capture) -> RecordExport:
    with capture(execute=True):
        export = record.record_export_request(actor=actor, calloff=calloff)
    export.refresh_from_db()
    return export


def _files(export: RecordExport) -> dict[str, bytes]:
    with export.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        root = f"{export.calloff.reference}/"
        return {name.removeprefix(root): archive.read(name) for name in archive.namelist()}


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_record_is_built_with_a_manifest_of_checksums(questioned, agency_procurer,
                                                          django_capture_on_commit_callbacks):
    export = _export(agency_procurer, questioned, django_capture_on_commit_callbacks)
    assert export.finished_at and export.progress == 100 and not export.failed
    files = _files(export)
    assert files["summary.pdf"].startswith(b"%PDF-")
    manifest = json.loads(files["manifest.json"])
    listed = {entry["file"]: entry["sha256"] for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    assert all(hashlib.sha256(files[name]).hexdigest() == digest for name, digest in listed.items())
    with export.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == export.sha256


def test_questions_keep_the_asker_and_are_safe_from_formula_injection(questioned, agency_procurer, supplier_org,
                                                                      django_capture_on_commit_callbacks):
    rows = _csv(_files(_export(agency_procurer, questioned, django_capture_on_commit_callbacks))[
        "questions_and_answers.csv"])
    assert rows[1][1] == supplier_org.name
    assert rows[1][3] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][5] == "Nej."


def test_the_audit_trail_lists_the_call_offs_events_in_chain_order(questioned, agency_procurer,
                                                                   django_capture_on_commit_callbacks):
    rows = _csv(_files(_export(agency_procurer, questioned, django_capture_on_commit_callbacks))["audit_trail.csv"])
    verbs = [row[3] for row in rows[1:]]
    assert verbs[:2] == ["calloff.started", "calloff.step_saved"]
    assert {"calloff.published", "calloff.question_asked", "calloff.question_answered"} <= set(verbs)
    ids = [int(row[0]) for row in rows[1:]]
    assert ids == sorted(ids)


def test_exporting_is_audited(questioned, agency_colleague, django_capture_on_commit_callbacks):
    export = _export(agency_colleague, questioned, django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(verb="calloff.record_exported")
    assert event.actor == agency_colleague and event.payload == {"export": export.pk}


def test_tenders_are_not_in_the_record_before_opening(questioned, agency_procurer, supplier_org, clock,
                                                      django_capture_on_commit_callbacks):
    _seal(questioned, supplier_org, agency_procurer)
    files = _files(_export(agency_procurer, questioned, django_capture_on_commit_callbacks))
    assert not [name for name in files if name.startswith("tenders/") or name == "opening_record.json"]
    assert supplier_org.name.encode() not in files["audit_trail.csv"]


def test_the_audit_trail_names_only_opened_tenders_and_only_after_opening(
        questioned, agency_procurer, agency_colleague, supplier, supplier_b, supplier_org, supplier_org_b, clock,
        django_capture_on_commit_callbacks):
    from innokop.calloffs.services import tenders as tender_services
    from innokop.core.audit import audit_log

    opened = _seal(questioned, supplier_org, supplier)
    audit_log(actor=supplier, verb="tender.submitted", obj=opened, organisation=supplier_org, payload={"number": 1})
    tender_services.tender_save_draft(actor=supplier_b, calloff=questioned, content=TenderContent())  # never sent
    drafted = Tender.objects.get(supplier=supplier_org_b)

    def tender_rows():
        rows = _csv(_files(_export(agency_procurer, questioned, django_capture_on_commit_callbacks))["audit_trail.csv"])
        return {row[5] for row in rows if row[4] == "calloffs.tender"}

    assert tender_rows() == set()  # sealed: not even who has tendered
    clock.set(questioned.tender_deadline + timedelta(minutes=5))
    OpeningRecord.objects.create(calloff=questioned, started_by=agency_procurer, started_at=clock.now(),
                                 confirmed_by=agency_colleague, opened_at=clock.now(),
                                 tenders=[{"tender": opened.pk, "supplier": supplier_org.name}])
    assert tender_rows() == {str(opened.pk)}
    assert str(drafted.pk) not in tender_rows()


def test_a_tender_that_does_not_verify_is_recorded_and_the_export_goes_on(
        questioned, agency_procurer, agency_colleague, supplier, supplier_org, clock,
        django_capture_on_commit_callbacks):
    tender = _seal(questioned, supplier_org, supplier)
    TenderSubmission.objects.filter(tender=tender).update(sealed="v1:AAAA:AAAA")
    clock.set(questioned.tender_deadline + timedelta(minutes=5))
    OpeningRecord.objects.create(calloff=questioned, started_by=agency_procurer, started_at=clock.now(),
                                 confirmed_by=agency_colleague, opened_at=clock.now(),
                                 tenders=[{"tender": tender.pk, "supplier": supplier_org.name, "verified": False},
                                          {"tender": 0, "supplier": "Återkallat AB", "withdrawn": True}])
    export = _export(agency_procurer, questioned, django_capture_on_commit_callbacks)
    assert export.finished_at and not export.failed
    files = _files(export)
    recorded = json.loads(next(data for name, data in files.items() if name.endswith("/tender.json")))
    assert recorded["verified"] is False and recorded["sha256"] == tender.submissions.get().sha256
    opening_record = json.loads(files["opening_record.json"])
    assert opening_record["withdrawn"] == 1
    assert "Återkallat AB" not in files["opening_record.json"].decode()


def _seal(calloff, supplier_org, user) -> Tender:
    tender = Tender.objects.create(calloff=calloff, supplier=supplier_org, draft_key="-", status="submitted")
    requirement = calloff.requirements.first()
    content = TenderContent(requirements={requirement.pk: RequirementAnswer(meets=True, evidence="Se bilaga")},
                            total_price=Decimal("812000.00"),
                            attachments=(Attachment("bilaga.txt", "text/plain", b"Referenser"),))
    blob = sealing.seal_tender(calloff.data_key, content.to_bytes(), calloff_id=calloff.pk, tender_id=tender.pk,
                               deadline=calloff.tender_deadline, now=calloff.tender_deadline - timedelta(hours=1))
    TenderSubmission.objects.create(tender=tender, number=1, sealed=blob.ciphertext, sha256=blob.sha256,
                                    size=len(content.to_bytes()), submitted_by=user,
                                    submitted_at=calloff.tender_deadline - timedelta(hours=1))
    return tender


def test_opened_tenders_are_in_the_record_as_sealed(questioned, agency_procurer, agency_colleague, supplier,
                                                    supplier_org, clock, django_capture_on_commit_callbacks):
    tender = _seal(questioned, supplier_org, supplier)
    clock.set(questioned.tender_deadline + timedelta(minutes=5))
    OpeningRecord.objects.create(calloff=questioned, started_by=agency_procurer, started_at=clock.now(),
                                 confirmed_by=agency_colleague, opened_at=clock.now(),
                                 tenders=[{"tender": tender.pk, "supplier": supplier_org.name}])
    questioned.status = CallOffStatus.OPENED
    questioned.save(update_fields=["status"])
    files = _files(_export(agency_procurer, questioned, django_capture_on_commit_callbacks))
    folder = next(name.split("/")[1] for name in files if name.startswith("tenders/"))
    sealed = files[f"tenders/{folder}/sealed_content.json"]
    assert hashlib.sha256(sealed).hexdigest() == tender.submissions.get().sha256
    assert json.loads(files[f"tenders/{folder}/tender.json"])["total_price"] == "812000.00"
    assert files[f"tenders/{folder}/attachments/bilaga.txt"] == b"Referenser"
    assert json.loads(files["opening_record.json"])["confirmed_by"] == agency_colleague.full_name


def test_a_failed_build_says_so_instead_of_spinning(questioned, agency_procurer, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    def broken(calloff):
        raise RuntimeError("disk full")

    monkeypatch.setattr(record, "_audit", broken)
    _export(agency_procurer, questioned, django_capture_on_commit_callbacks)  # the task backend logs the error
    export = RecordExport.objects.get()
    assert export.finished_at and "disk full" in export.failed and not export.file


# Pages

def test_the_agency_requests_an_export_and_follows_its_progress(questioned, agency_colleague, login,
                                                                django_capture_on_commit_callbacks):
    client = login(agency_colleague)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calloffs:record_export", args=[questioned.pk]))
    export = RecordExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("calloffs:record_export_status", args=[questioned.pk, export.pk])
    page = client.get(response["Location"])
    assert "Download the ZIP file" in page.content.decode()
    download = client.get(reverse("calloffs:record_export_download", args=[questioned.pk, export.pk]))
    assert download["Content-Type"] == "application/zip"
    assert f"{questioned.reference}-upphandlingsdokumentation.zip" in download["Content-Disposition"]


def test_an_unfinished_export_shows_its_progress_and_polls(questioned, agency_procurer, login, clock):
    export = RecordExport.objects.create(calloff=questioned, requested_by=agency_procurer, requested_at=clock.now(),
                                         progress=40, step="Opening record")
    client = login(agency_procurer)
    url = reverse("calloffs:record_export_status", args=[questioned.pk, export.pk])
    page = client.get(url).content.decode()
    assert '<progress class="innokop-progress" max="100" value="40"' in page
    assert "Check the progress again" in page  # without JavaScript, a link reloads it (no timed refresh)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'hx-trigger="every 1s"' in partial
    assert client.get(reverse("calloffs:record_export_download", args=[questioned.pk, export.pk])).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [
    ("agency_procurer", 200), ("agency_colleague", 200), ("supplier", 404), ("other_agency_procurer", 404),
    ("supplier_off_lot", 404), ("cpb_manager", 404)])
def test_only_the_agency_exports_its_record(questioned, persona, status, login, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:record_export", args=[questioned.pk])).status_code == status


def test_another_call_offs_export_is_not_found(questioned, agency_procurer, login, clock, lot):
    other = start(agency_procurer, lot)
    export = RecordExport.objects.create(calloff=questioned, requested_by=agency_procurer, requested_at=clock.now())
    client = login(agency_procurer)
    assert client.get(reverse("calloffs:record_export_status", args=[other.pk, export.pk])).status_code == 404
