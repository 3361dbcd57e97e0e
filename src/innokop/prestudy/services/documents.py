"""Requests for public documents (begäran om allmän handling) and the secrecy review.

Anyone, anonymous allowed, asks for an answer to a published request for information or for a tender in a
call-off. The request is registered with a deadline of `settings.INNOKOP_DOCUMENT_REQUEST_DAYS` working days
("skyndsamt"). The reviewers (the purchasing body's framework managers for RFI answers, the call-off's team for
tenders) take up one document, decide each part (released, or withheld under an OSL provision with reasons), and
decide the request; the copy is generated from the stored text of the released parts (`prestudy.redaction`) and
kept as a versioned document. Tenders are secret until the award decision (OSL 19:3): a request before it is
refused with that reason, and a tender's content is read only through the opening service, after opening.

The decision is a public act and audited; the requester's name and e-mail are personal data, kept out of the audit
payloads and shown only to the reviewers.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Membership, Organisation, Role
from innokop.accounts.permissions import actor_for
from innokop.calloffs import sealing
from innokop.calloffs.models import AwardDecision, CallOff, CallOffStatus, Tender
from innokop.calloffs.permissions import current_team
from innokop.calloffs.services.opening import opened_tender
from innokop.core import calendar, clock
from innokop.core.audit import audit_log
from innokop.core.documents import document_create
from innokop.core.notifications import notify
from innokop.core.refusals import Problem, Refused
from innokop.core.tasks import send_email

from .. import redaction
from ..models import (
    DialogueStatus,
    DocumentRequest,
    DocumentRequestPart,
    DocumentRequestStatus,
    MarketDialogue,
    RfiResponse,
    SecrecyProvision,
    TenderSecrecyRequest,
)
from ..permissions import represented_suppliers


class DocumentRequestError(Refused):
    code = "document_request_refused"


SEALED_REASONS = gettext_lazy(
    "Tenders are covered by absolute secrecy until the award decision is made (OSL 19:3). The call-off has no award "
    "decision yet, so the tenders cannot be released. Ask again after the decision.")


def _owner(request: DocumentRequest) -> Organisation:
    return request.dialogue.prestudy.owner if request.dialogue_id else request.calloff.agency


def reviewers(request: DocumentRequest) -> list:
    """Who reviews the request: the purchasing body's framework managers (RFI answers), the call-off's team
    (tenders)."""
    if request.dialogue_id:
        members = Membership.objects.filter(organisation_id=request.dialogue.prestudy.owner_id,
                                            role=Role.FRAMEWORK_MANAGER, user__is_active=True).select_related("user")
        return list({m.user.pk: m.user for m in members}.values())
    return list(current_team(request.calloff))


def _supplier_people(supplier: Organisation) -> list:
    members = Membership.objects.filter(organisation=supplier, role=Role.SUPPLIER_REPRESENTATIVE,
                                        user__is_active=True).select_related("user")
    return list({m.user.pk: m.user for m in members}.values())


def has_award_decision(calloff: CallOff) -> bool:
    return AwardDecision.objects.filter(calloff=calloff).exists()


def due_on(registered_at):
    return calendar.add_working_days(calendar.local_date(registered_at), settings.INNOKOP_DOCUMENT_REQUEST_DAYS)


def find_calloff(reference: str) -> CallOff | None:
    """A published call-off by its reference (drafts are nobody's business yet)."""
    reference = reference.strip()
    if not reference:
        return None
    return (CallOff.objects.filter(reference__iexact=reference, published_at__isnull=False)
            .exclude(status=CallOffStatus.DRAFT).select_related("agency").first())


def _payload(request: DocumentRequest, **extra) -> dict:
    """What the audit keeps: never the requester's name or e-mail."""
    return {"reference": request.reference, "dialogue": request.dialogue_id, "calloff": request.calloff_id,
            "status": request.status, **extra}


# --- registration ----------------------------------------------------------------------------------------------


def document_request_register(*, actor, description: str, dialogue: MarketDialogue | None = None,
                              calloff_reference: str = "", name: str = "", email: str = "",
                              language: str = "sv") -> DocumentRequest:
    """Registers a request from anyone: for the answers to a published request for information, or for the
    tenders in a call-off named by its reference."""
    problems = []
    if not description.strip():
        problems.append(Problem("description", _("Say which document you ask for.")))
    calloff = None
    if dialogue is None:
        calloff = find_calloff(calloff_reference)
        if calloff is None:
            problems.append(Problem("calloff_reference", _("Innoköp has no published call-off with this reference. "
                                                           "Check the reference, or describe the document and "
                                                           "choose a request for information.")))
    elif dialogue.status != DialogueStatus.PUBLISHED:
        problems.append(Problem("dialogue", _("Choose a published request for information.")))
    if problems:
        raise DocumentRequestError(problems[0].message, code="invalid", problems=problems, status=422)
    now = clock.now()
    with transaction.atomic():
        request = DocumentRequest.objects.create(
            dialogue=dialogue, calloff=calloff, description=description.strip(), requester_name=name.strip(),
            requester_email=email.strip(), language=language[:10] or "sv", registered_at=now, due_on=due_on(now))
        audit_log(actor=actor, verb="document_request.registered", obj=request, organisation=_owner(request),
                  payload=_payload(request, due_on=request.due_on.isoformat(), anonymous=not request.requester_name))
        notify(recipients=reviewers(request), kind="prestudy.document_request",
               subject=gettext_lazy("Request for a public document %(reference)s"),
               body=gettext_lazy("Someone asks for a public document: %(document)s. Review the secrecy and decide by "
                                 "%(due)s."),
               params={"reference": request.reference, "document": redaction.document_title(request),
                       "due": request.due_on},
               url=reverse("prestudy:document_request_detail", args=[request.pk]))
    return request


# --- the review ------------------------------------------------------------------------------------------------


def _require_state(request: DocumentRequest, status: str) -> None:
    if request.status != status:
        raise DocumentRequestError(_("The request is %(status)s: this cannot be done now.") % {
            "status": request.get_status_display().lower()}, code="wrong_state", status=409)


def _rfi_parts(response: RfiResponse) -> list[tuple[str, str]]:
    return [(item.get("question", ""), item.get("answer", "")) for item in response.answers]


def _tender_parts(calloff: CallOff, tender: Tender) -> list[tuple[str, str]]:
    """A tender's parts, read through the opening service (after opening); never by unsealing here."""
    try:
        opened = opened_tender(calloff, tender.pk)
    except LookupError:
        raise DocumentRequestError(_("This tender was not opened, so it cannot be reviewed."), code="not_opened",
                                   status=409) from None
    content = opened.content
    if content is None:
        raise DocumentRequestError(_("This tender could not be read when it was opened."), code="unreadable",
                                   status=409)
    parts = []
    criteria = {c.pk: str(c) for c in calloff.criteria.select_related("lot_criterion")}
    for pk, answer in sorted(content.criteria.items()):
        parts.append((criteria.get(pk, _("Criterion %(pk)s") % {"pk": pk}), answer))
    requirements = {r.pk: f"{r.identifier} {r.text}" for r in calloff.requirements.all()}
    for pk, answer in sorted(content.requirements.items()):
        meets = {True: _("Meets the requirement."), False: _("Does not meet the requirement."), None: ""}[answer.meets]
        parts.append((requirements.get(pk, str(pk)), f"{meets} {answer.evidence}".strip()))
    if content.total_price is not None:
        parts.append((_("Total price (SEK, excluding VAT)"), str(content.total_price)))
    if content.prices:
        parts.append((_("Unit prices"), "\n".join(f"{pk}: {price}" for pk, price in sorted(content.prices.items()))))
    for attachment in content.attachments:
        parts.append((_("Attachment %(name)s") % {"name": attachment.name},
                      _("An attachment of %(size)s bytes (SHA-256 %(sha)s); a copy of it is given on paper after a "
                        "separate review.") % {"size": attachment.size, "sha": attachment.sha256}))
    return parts


def reviewable_documents(request: DocumentRequest) -> list:
    """The documents the reviewers may take up for the request: the answers to the dialogue, or the tenders opened in
    the call-off (none before the award decision)."""
    if request.dialogue_id:
        return list(request.dialogue.responses.select_related("supplier"))
    if not has_award_decision(request.calloff):
        return []
    return list(request.calloff.tenders.exclude(status__in=["draft", "withdrawn"]).select_related("supplier"))


def document_request_review(*, actor, request: DocumentRequest, document_pk: int) -> DocumentRequest:
    """registered → under review: the reviewers take up one document; its parts are stored for the decision, and the
    supplier concerned is told its document was asked for."""
    _require_state(request, DocumentRequestStatus.REGISTERED)
    if request.calloff_id and not has_award_decision(request.calloff):
        raise DocumentRequestError(_("The call-off has no award decision: its tenders are secret (OSL 19:3). Refuse "
                                     "the request instead."), code="sealed", status=409)
    document = next((d for d in reviewable_documents(request) if d.pk == document_pk), None)
    if document is None:
        raise DocumentRequestError(_("Choose one of the documents of the request."), code="invalid",
                                   problems=[Problem("document", _("Choose one of the documents of the request."))],
                                   status=422)
    if request.dialogue_id:
        request.rfi_response, parts = document, _rfi_parts(document)
    else:
        request.tender, parts = document, _tender_parts(request.calloff, document)
    now = clock.now()
    with transaction.atomic():
        request.move_to(DocumentRequestStatus.UNDER_REVIEW)
        request.review_started_at = now
        request.save(update_fields=["status", "review_started_at", "rfi_response", "tender"])
        DocumentRequestPart.objects.bulk_create(
            DocumentRequestPart(request=request, number=number, heading=heading[:500], text=text)
            for number, (heading, text) in enumerate(parts, start=1))
        audit_log(actor=actor, verb="document_request.review_started", obj=request, organisation=_owner(request),
                  payload=_payload(request, supplier=document.supplier_id, parts=len(parts)))
        notify(recipients=_supplier_people(document.supplier), kind="prestudy.document_requested",
               subject=gettext_lazy("Your document is asked for as a public document (%(reference)s)"),
               body=gettext_lazy("Someone asks for %(document)s. %(owner)s reviews the secrecy part by part, with the "
                                 "secrecy you asked for (OSL 31:16), and decides by %(due)s. You will be told the "
                                 "decision."),
               params={"reference": request.reference, "document": redaction.document_title(request),
                       "owner": _owner(request).name, "due": request.due_on})
    return request


def secrecy_request_of(request: DocumentRequest) -> tuple[str, str] | None:
    """What the supplier asked to keep secret and why (OSL 31:16), for the reviewers."""
    if request.rfi_response_id and request.rfi_response.secrecy_requested:
        return request.rfi_response.secrecy_parts, request.rfi_response.secrecy_reasons
    if request.tender_id:
        asked = TenderSecrecyRequest.objects.filter(tender_id=request.tender_id).first()
        if asked:
            return asked.parts, asked.reasons
    return None


def document_request_part_decide(*, actor, request: DocumentRequest, part: DocumentRequestPart, released: bool,
                                 provision: str = "", reasons: str = "") -> DocumentRequestPart:
    """One part: released, or withheld under an OSL provision with reasons."""
    _require_state(request, DocumentRequestStatus.UNDER_REVIEW)
    if part.request_id != request.pk:
        raise DocumentRequestError(_("The part is not in this request."), code="invalid", status=422)
    if not released:
        problems = []
        if provision not in SecrecyProvision.values:
            problems.append(Problem("provision", _("Choose the provision the part is withheld under.")))
        if not reasons.strip():
            problems.append(Problem("reasons", _("Give the reasons for withholding the part.")))
        if problems:
            raise DocumentRequestError(problems[0].message, code="invalid", problems=problems, status=422)
    with transaction.atomic():
        part.released = released
        part.provision = "" if released else provision
        part.reasons = "" if released else reasons.strip()
        part.save(update_fields=["released", "provision", "reasons"])
        audit_log(actor=actor, verb="document_request.part_decided", obj=request, organisation=_owner(request),
                  payload=_payload(request, part=part.number, released=released, provision=part.provision))
    return part


def _tell_requester(request: DocumentRequest) -> None:
    """The decision and how to appeal, by e-mail when the requester gave an address: in their language, the appeal
    information in Swedish and English."""
    if not request.requester_email:
        return
    with translation.override(request.language):
        link = f"{settings.SITE_URL}{reverse('prestudy:document_request_status', args=[request_token(request)])}"
        body = "\n\n".join([
            _("Your request %(reference)s for a public document (%(document)s) is decided: %(status)s.") % {
                "reference": request.reference, "document": redaction.document_title(request),
                "status": request.get_status_display().lower()},
            request.decision_reasons,
            _("The decision and the copy: %(link)s") % {"link": link},
            *redaction.appeal_both_languages()])
        subject = _("Decision on your request %(reference)s") % {"reference": request.reference}
    send_email.enqueue(to=[request.requester_email], subject=subject, body=body)


def _record_decision(*, actor, request: DocumentRequest, status: str, reasons: str, now) -> None:
    request.move_to(status)
    request.decision_reasons = reasons.strip()
    request.decided_at = now
    request.decided_by = actor
    request.save(update_fields=["status", "decision_reasons", "decided_at", "decided_by"])


def document_request_decide(*, actor, request: DocumentRequest, reasons: str) -> DocumentRequest:
    """under review → released, partly released or refused, from the parts; the copy is generated and stored."""
    _require_state(request, DocumentRequestStatus.UNDER_REVIEW)
    parts = list(request.parts.all())
    if any(part.released is None for part in parts):
        raise DocumentRequestError(_("Decide every part first: released, or withheld with the provision and "
                                     "reasons."), code="parts_open", status=409)
    if not reasons.strip():
        raise DocumentRequestError(_("Give the reasons for the decision."), code="invalid",
                                   problems=[Problem("reasons", _("Give the reasons for the decision."))], status=422)
    withheld = sum(1 for part in parts if not part.released)
    status = (DocumentRequestStatus.RELEASED if not withheld else DocumentRequestStatus.REFUSED
              if withheld == len(parts) else DocumentRequestStatus.PARTLY_RELEASED)
    now = clock.now()
    supplier = request.rfi_response.supplier if request.rfi_response_id else request.tender.supplier
    with transaction.atomic():
        _record_decision(actor=actor, request=request, status=status, reasons=reasons, now=now)
        if status != DocumentRequestStatus.REFUSED:
            with translation.override(request.language):
                data = redaction.copy_pdf(request)
            request.copy = document_create(
                actor=actor, owner=_owner(request), title=_("Copy of %(reference)s") % {"reference": request.reference},
                uploaded=SimpleUploadedFile(f"{request.reference}.pdf", data, content_type="application/pdf"),
                attached_to=f"prestudy.documentrequest:{request.pk}")
            request.save(update_fields=["copy"])
        audit_log(actor=actor, verb="document_request.decided", obj=request, organisation=_owner(request),
                  payload=_payload(request, withheld=[p.number for p in parts if not p.released],
                                   provisions=sorted({p.provision for p in parts if not p.released})))
        notify(recipients=_supplier_people(supplier), kind="prestudy.document_request_decided",
               subject=gettext_lazy("Decision on the request for your document (%(reference)s)"),
               body=gettext_lazy("%(owner)s has decided the request for %(document)s: %(status)s. %(withheld)s "
                                 "part(s) withheld."),
               params={"reference": request.reference, "owner": _owner(request).name,
                       "document": redaction.document_title(request), "status": request.get_status_display(),
                       "withheld": withheld})
        transaction.on_commit(lambda: _tell_requester(request))
    return request


def document_request_refuse_sealed(*, actor, request: DocumentRequest) -> DocumentRequest:
    """registered → refused: a tender asked for before the award decision is secret (OSL 19:3); the refusal is
    recorded with that reason and the requester told how to appeal."""
    _require_state(request, DocumentRequestStatus.REGISTERED)
    if not request.calloff_id or has_award_decision(request.calloff):
        raise DocumentRequestError(_("Only a request for tenders before the award decision is refused without a "
                                     "review."), code="not_sealed", status=409)
    with transaction.atomic():
        with translation.override(request.language):
            reasons = str(SEALED_REASONS)
        _record_decision(actor=actor, request=request, status=DocumentRequestStatus.REFUSED, reasons=reasons,
                         now=clock.now())
        audit_log(actor=actor, verb="document_request.refused_sealed", obj=request, organisation=_owner(request),
                  payload=_payload(request, provisions=[SecrecyProvision.PROCUREMENT.value]))
        transaction.on_commit(lambda: _tell_requester(request))
    return request


# --- the requester's link, and the suppliers' secrecy requests on tenders ----------------------------------------


def request_token(request: DocumentRequest) -> str:
    return signing.dumps(request.pk, salt="prestudy.document_request")


def request_from_token(token: str) -> DocumentRequest | None:
    try:
        pk = signing.loads(token, salt="prestudy.document_request")
    except signing.BadSignature:
        return None
    return DocumentRequest.objects.filter(pk=pk).first()


def tender_secrecy_request(*, actor, tender: Tender, parts: str, reasons: str) -> TenderSecrecyRequest:
    """The supplier asks for secrecy on parts of its tender (OSL 31:16): which parts and why. Kept until the review
    after the award decision; changed until that decision."""
    if tender.supplier_id not in {s.pk for s in represented_suppliers(actor_for(actor))}:
        raise DocumentRequestError(_("Only the supplier's representatives ask for secrecy on its tender."),
                                   code="forbidden", status=403)
    problems = []
    if not parts.strip():
        problems.append(Problem("parts", _("Say which parts of the tender should be secret.")))
    if not reasons.strip():
        problems.append(Problem("reasons", _("Say why disclosing them would harm the supplier.")))
    if problems:
        raise DocumentRequestError(problems[0].message, code="invalid", problems=problems, status=422)
    if has_award_decision(tender.calloff):
        raise DocumentRequestError(_("The award decision is made: ask the agency directly."), code="decided",
                                   status=409)
    with transaction.atomic():
        asked, _created = TenderSecrecyRequest.objects.update_or_create(
            tender=tender, defaults={"parts": parts.strip(), "reasons": reasons.strip(), "asked_by": actor,
                                     "asked_at": clock.now()})
        audit_log(actor=actor, verb="tender.secrecy_requested", obj=tender, organisation=tender.supplier,
                  payload={"calloff": tender.calloff_id}, sealed_scope=sealing.audit_scope(tender.calloff_id))
    return asked


