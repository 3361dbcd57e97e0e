"""Documents with version history: every upload is checked by content, hashed and audited."""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_log
from .models import Document, DocumentVersion


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileKind("application/pdf", ("pdf",), "PDF")
PNG = FileKind("image/png", ("png",), "PNG")
JPEG = FileKind("image/jpeg", ("jpg", "jpeg"), "JPEG")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel")
ODT = FileKind("application/vnd.oasis.opendocument.text", ("odt",), "OpenDocument")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", ("ods",), "OpenDocument")
TEXT = FileKind("text/plain", ("txt", "csv", "md"), "text")
ALLOWED_KINDS = (PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TEXT)


def sniff(data: bytes) -> FileKind | None:
    """The kind of file the bytes are, judged by content alone; None when not an allowed kind."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return TEXT
    return None


def _sniff_zip(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.getinfo("mimetype").file_size > 200:  # a real one is ~50 bytes; never inflate a bomb
                    return None
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(mimetype)
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def safe_filename(name: str, kind: FileKind) -> str:
    """A name safe on any file system and in a Content-Disposition header, with the right extension."""
    name = re.split(r"[\\/]", name)[-1]  # never a path: the last component only
    stem, _dot, extension = name.rpartition(".")
    if not stem:
        stem, extension = extension, ""
    stem = unicodedata.normalize("NFKD", stem)
    stem = stem.encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip("-._")[:80] or "document"  # no "..", even from "‥" after NFKD
    extension = extension.lower()
    if extension not in kind.extensions:
        extension = kind.extensions[0]
    return f"{stem}.{extension}"


def validate_upload(uploaded) -> tuple[bytes, FileKind]:
    limit = settings.INNOKOP_MAX_UPLOAD_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB. Files may be at most %(limit)s MB."),
            params={"size": round(uploaded.size / 1_048_576, 1), "limit": limit // 1_048_576},
            code="too_large",
        )
    data = uploaded.read()
    if not data:
        raise ValidationError(_("The file is empty. Choose a file with content."), code="empty")
    kind = sniff(data)
    if kind is None:
        raise ValidationError(
            _("The file is not of a kind we accept. Upload PDF, Word, Excel, OpenDocument, PNG, JPEG or plain text."),
            code="bad_type",
        )
    extension = uploaded.name.rpartition(".")[2].lower() if "." in uploaded.name else ""
    if extension and extension not in kind.extensions:
        raise ValidationError(
            _("The file is named .%(extension)s but its content is %(label)s. Check that you chose the right file."),
            params={"extension": extension, "label": kind.label},
            code="mismatch",
        )
    return data, kind


def _add_version(*, document: Document, uploaded, data: bytes, kind: FileKind, actor, comment: str) -> DocumentVersion:
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=uploaded.name[:255],
        safe_name=safe_filename(uploaded.name, kind),
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        comment=comment,
    )
    version.file.save(version.safe_name, ContentFile(data), save=False)
    version.save()
    audit_log(
        actor=actor,
        verb="document.version_added",
        obj=document,
        organisation=document.owner,
        payload={"version": number, "sha256": version.sha256, "size": version.size, "name": version.safe_name},
    )
    return version


def document_create(
    *, actor, owner, title: str, uploaded, is_public: bool = False, attached_to: str = "", comment: str = ""
) -> Document:
    data, kind = validate_upload(uploaded)
    with transaction.atomic():
        document = Document.objects.create(
            title=title, owner=owner, is_public=is_public, attached_to=attached_to, created_by=actor
        )
        audit_log(actor=actor, verb="document.created", obj=document, organisation=owner, payload={"title": title})
        _add_version(document=document, uploaded=uploaded, data=data, kind=kind, actor=actor, comment=comment)
    return document


def document_add_version(*, actor, document: Document, uploaded, comment: str = "") -> DocumentVersion:
    data, kind = validate_upload(uploaded)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        return _add_version(document=locked, uploaded=uploaded, data=data, kind=kind, actor=actor, comment=comment)
