"""The redacted copy of a public document, written from the stored text of its parts.

The copy is not a PDF painted over: it is generated from `DocumentRequestPart` rows, and a withheld part's text
never enters the layout. `copy_layout` is the whole content of the copy (the blocks the PDF is written from, tested
directly); `copy_pdf` writes it with `core.exports.Report`. The appeal information is given in Swedish and English.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext

from innokop.core import formats
from innokop.core.exports import Report


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "text", "redacted", "facts"
    text: str = ""
    facts: tuple[tuple[str, str], ...] = ()


def redaction_mark(part) -> str:
    return gettext("[Withheld under OSL %(provision)s]") % {"provision": part.provision}


def appeal_text() -> str:
    """How to appeal the decision, in the active language."""
    return gettext("You may appeal the decision to the administrative court of appeal (kammarrätten). Send the appeal "
                   "in writing to the authority that decided, within three weeks of the day you were told of the "
                   "decision; say which decision you appeal and how you want it changed. The authority sends it on "
                   "to the court.")


def appeal_both_languages() -> list[str]:
    texts = []
    for language in ("sv", "en"):
        with translation.override(language):
            texts.append(appeal_text())
    return texts


def copy_layout(request) -> list[Block]:
    """Everything the copy says: the decision, then each part, released as stored or replaced by a marked
    redaction naming the provision. A withheld part's text is not read here."""
    blocks = [Block("facts", facts=(
        (gettext("Request"), request.reference),
        (gettext("Document"), document_title(request)),
        (gettext("Decided"), formats.when(request.decided_at) if request.decided_at else "-"),
        (gettext("Decision"), request.get_status_display()),
        (gettext("Decided by"), request.decided_by.full_name if request.decided_by else "-"),
    ))]
    blocks.append(Block("heading", gettext("Reasons for the decision")))
    blocks.append(Block("text", request.decision_reasons))
    if request.parts.exists():
        blocks.append(Block("heading", gettext("The document")))
    for part in request.parts.all():
        blocks.append(Block("heading", f"{part.number}. {part.heading}"))
        if part.released:
            blocks.append(Block("text", part.text))
        else:
            blocks.append(Block("redacted", redaction_mark(part)))
    blocks.append(Block("heading", gettext("How to appeal")))
    blocks.extend(Block("text", text) for text in appeal_both_languages())
    return blocks


def document_title(request) -> str:
    if request.rfi_response_id:
        response = request.rfi_response
        return gettext("Answer from %(supplier)s to %(reference)s %(title)s") % {
            "supplier": response.supplier.name, "reference": response.dialogue.reference,
            "title": response.dialogue.title}
    if request.tender_id:
        return gettext("Tender from %(supplier)s in %(reference)s %(title)s") % {
            "supplier": request.tender.supplier.name, "reference": request.calloff.reference,
            "title": request.calloff.title}
    if request.dialogue_id:
        return f"{request.dialogue.reference} {request.dialogue.title}"
    return f"{request.calloff.reference} {request.calloff.title}"


def copy_pdf(request) -> bytes:
    report = Report(title=gettext("Copy of a public document"), subtitle=document_title(request),
                    footer=f"Innoköp · {request.reference}")
    for block in copy_layout(request):
        if block.kind == "facts":
            report.facts(block.facts)
        elif block.kind == "heading":
            report.heading(block.text)
        elif block.kind == "redacted":
            report.paragraph(f">>> {block.text} <<<")
        else:
            report.paragraph(block.text)
    return report.output()
