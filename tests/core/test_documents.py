import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from innokop.core.documents import DOCX, PDF, TEXT, XLSX, document_add_version, document_create, safe_filename, sniff
from innokop.core.models import AuditEvent

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_sniff_judges_by_content_not_name():
    assert sniff(PDF_BYTES) is PDF
    assert sniff(_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})) is DOCX
    assert sniff(_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"})) is XLSX
    assert sniff("Ärende: ramavtal\n".encode()) is TEXT
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00") is None  # a Windows executable
    assert sniff(_zip({"payload.exe": b"MZ"})) is None


@given(st.text(min_size=1, max_size=300))
def test_safe_filename_never_contains_path_or_control_characters(name):
    safe = safe_filename(name, PDF)
    assert safe.endswith(".pdf")
    assert "/" not in safe and "\\" not in safe and ".." not in safe.removesuffix(".pdf")
    assert all(c.isalnum() or c in "._-" for c in safe)
    assert len(safe) <= 84


def test_safe_filename_keeps_a_readable_name():
    assert safe_filename("Avropsvägledning – version 2.PDF", PDF) == "Avropsvagledning-version-2.pdf"
    assert safe_filename("../../etc/passwd", TEXT) == "passwd.txt"
    assert safe_filename("C:\\Users\\anna\\offert.docx", DOCX) == "offert.docx"


@pytest.mark.django_db
def test_document_create_stores_hash_version_and_audit(agency_procurer, agency):
    upload = SimpleUploadedFile("Behov.pdf", PDF_BYTES)
    document = document_create(actor=agency_procurer, owner=agency, title="Behovsanalys", uploaded=upload)
    version = document.current
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert version.content_type == "application/pdf"
    assert version.file.read() == PDF_BYTES
    second = document_add_version(actor=agency_procurer, document=document,
                                  uploaded=SimpleUploadedFile("Behov v2.pdf", PDF_BYTES + b"%2"), comment="Rättad")
    assert second.number == 2 and document.current == second
    verbs = list(AuditEvent.objects.filter(object_id=str(document.pk)).values_list("verb", flat=True))
    assert verbs == ["document.created", "document.version_added", "document.version_added"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("program.pdf", b"MZ\x90\x00\x03", "bad_type"),
        ("notes.pdf", b"just text, not a PDF", "mismatch"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(agency_procurer, agency, name, content, code):
    with pytest.raises(ValidationError) as error:
        document_create(actor=agency_procurer, owner=agency, title="X", uploaded=SimpleUploadedFile(name, content))
    assert error.value.code == code


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused(agency_procurer, agency, settings):
    settings.INNOKOP_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        document_create(actor=agency_procurer, owner=agency, title="X",
                        uploaded=SimpleUploadedFile("big.txt", b"a" * 2048))
    assert error.value.code == "too_large"


@pytest.fixture
def private_document(agency_procurer, agency):
    return document_create(actor=agency_procurer, owner=agency, title="Internt PM",
                           uploaded=SimpleUploadedFile("pm.pdf", PDF_BYTES))


@pytest.fixture
def public_document(agency_procurer, agency):
    return document_create(actor=agency_procurer, owner=agency, title="Offentlig vägledning", is_public=True,
                           uploaded=SimpleUploadedFile("vagledning.pdf", PDF_BYTES))


def _download(document):
    return reverse("core:document_download", args=[document.pk, 1])


@pytest.mark.django_db
def test_download_answers_owner_and_hides_private_documents_from_others(
    client, login, private_document, agency_colleague, other_agency_procurer
):
    assert client.get(_download(private_document)).status_code == 404
    response = login(agency_colleague).get(_download(private_document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="pm.pdf"' in response["Content-Disposition"]
    assert login(other_agency_procurer).get(_download(private_document)).status_code == 404


@pytest.mark.django_db
def test_public_documents_can_be_read_by_anyone_but_changed_only_by_the_owner(
    client, login, public_document, other_agency_procurer
):
    assert client.get(_download(public_document)).status_code == 200
    other = login(other_agency_procurer)
    detail = reverse("core:document_detail", args=[public_document.pk])
    assert other.get(detail).status_code == 200
    upload = SimpleUploadedFile("v2.pdf", PDF_BYTES)
    assert other.post(detail, {"file": upload}).status_code == 403
    assert public_document.versions.count() == 1


@pytest.mark.django_db
def test_upload_page_shows_errors_and_keeps_nothing_bad(login, agency_procurer):
    client = login(agency_procurer)
    response = client.post(reverse("core:document_list"),
                           {"title": "Skadlig", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(reverse("core:document_list"),
                           {"title": "Bra", "file": SimpleUploadedFile("bra.pdf", PDF_BYTES)}, follow=True)
    assert response.status_code == 200 and "Bra" in response.content.decode()


@pytest.mark.django_db
def test_a_document_attached_to_an_object_is_not_changed_through_the_documents_page(login, agency_procurer, agency):
    attached = document_create(actor=agency_procurer, owner=agency, title="Bilaga", attached_to="elsewhere.thing:1",
                               uploaded=SimpleUploadedFile("bilaga.pdf", PDF_BYTES))
    client = login(agency_procurer)
    detail = reverse("core:document_detail", args=[attached.pk])
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"file": SimpleUploadedFile("ny.pdf", PDF_BYTES)}).status_code == 403
    assert "Bilaga" not in client.get(reverse("core:document_list")).content.decode()


def test_a_zip_whose_mimetype_entry_is_huge_is_refused_without_inflating_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"0" * 10_000_000)
    bomb = buffer.getvalue()
    assert len(bomb) < 100_000
    assert sniff(bomb) is None
