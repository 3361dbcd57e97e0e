"""Tenders (rule 6): the supplier's encrypted draft, sealing and submitting it, withdrawing and replacing it.

A tender is one row per (call-off, supplier). Its draft is the supplier's working copy, encrypted
with the tender's own draft key; only the supplier's representatives ever read it. Submitting seals
the draft's `TenderContent` with the call-off's data key into a new `TenderSubmission`; the current
submission is the one neither superseded nor withdrawn. Every submission, replacement and withdrawal
is decided by the server clock read once, inside a transaction that holds the call-off's row lock,
so a tender racing the deadline is judged exactly once: at the deadline it is taken, one microsecond
after it is refused.

Nothing here tells the agency anything: notifications go to the supplier's representatives only, and
audit events belong to the supplier's organisation and carry ids, numbers and checksums, never
content or prices.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import User
from innokop.agreements.models import EvaluationModel, RequirementKind
from innokop.core import clock, messages, refusals
from innokop.core.audit import audit_log
from innokop.core.calendar import STOCKHOLM
from innokop.core.documents import safe_filename, validate_upload
from innokop.core.formats import sek, when
from innokop.core.notifications import notify

from .. import rules, sealing
from ..models import CallOff, CallOffStatus, Tender, TenderStatus, TenderSubmission
from ..tender_content import Attachment, RequirementAnswer, TenderContent
from . import CallOffError, _supplier_representatives, asking_supplier

# Attachments travel inside the sealed content, so they are kept modest: a file fits in one API
# request (base64 in JSON under the 5 MB request limit), and a whole tender stays small enough to
# encrypt on every save.
ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
ATTACHMENTS_MAX_TOTAL_BYTES = 10 * 1024 * 1024
ATTACHMENTS_MAX_COUNT = 10

CURRENT = Q(superseded_at__isnull=True, withdrawn_at__isnull=True)


class TenderIncomplete(CallOffError):
    """The draft cannot be submitted yet; `problems` says what is missing, field by field."""

    code = "tender_incomplete"

    def __init__(self, problems: list[Problem]):
        super().__init__(_("The tender cannot be submitted yet: %(problems)s") % {
            "problems": " ".join(p.message for p in problems)}, problems=problems)


@dataclass(frozen=True)
class Problem(refusals.Problem):
    """Something that stops submission, or a warning; `field` names the form field it concerns."""

    @property
    def anchor(self) -> str:
        """The id of the input to focus: the first radio of a yes/no question, else the field itself."""
        return f"id_{self.field}_0" if self.field.startswith("meets_") else f"id_{self.field}"


@dataclass(frozen=True)
class Scope:
    """What the call-off asks a tender for: requirements, the criteria that count, the price list."""

    calloff: CallOff
    requirements: list
    criteria: list
    price_rows: list

    @property
    def fixed_price(self) -> Decimal | None:
        if self.calloff.evaluation_model == EvaluationModel.FIXED_PRICE:
            return self.calloff.fixed_price
        return None


def tender_scope(calloff: CallOff) -> Scope:
    """Every requirement of the call-off (mandatory and evaluated), the weighted criteria, the lot's price list."""
    criteria = [row for row in calloff.criteria.select_related("lot_criterion") if calloff.uses_weights and row.weight]
    return Scope(calloff=calloff, requirements=list(calloff.requirements.order_by("identifier", "pk")),
                 criteria=criteria, price_rows=list(calloff.lot.price_rows.all()))


# --- who may tender, and when ---------------------------------------------------------------------


def tendering_supplier(actor: User, calloff: CallOff):
    """The invited supplier the actor represents, or a refusal: only its representatives tender."""
    supplier = asking_supplier(actor, calloff)
    if supplier is None:
        raise CallOffError(_("Only representatives of the suppliers invited to the call-off can tender in it."))
    return supplier


def _require_tendering(calloff: CallOff, now: datetime) -> None:
    if calloff.status == CallOffStatus.CANCELLED:
        raise CallOffError(_("The call-off is cancelled, so tenders can no longer be submitted or changed."))
    if (calloff.status != CallOffStatus.OPEN or calloff.is_scheduled(now) or calloff.tender_deadline is None
            or not calloff.data_key):
        raise CallOffError(_("The call-off is not open for tenders."))
    if calloff.is_past_deadline(now):
        raise CallOffError(_("The tender deadline %(deadline)s has passed (the server's time is %(now)s), so "
                             "tenders can no longer be submitted, changed or withdrawn.") % {
            "deadline": _exact(calloff.tender_deadline), "now": _exact(now)})


def _fresh(calloff: CallOff) -> CallOff:
    """The call-off as stored now: it may have been cancelled since the caller read it."""
    return CallOff.objects.get(pk=calloff.pk)


def _exact(moment: datetime) -> str:
    """A moment to the second, in Swedish time: refusals at the deadline must show the seconds."""
    return f"{when(moment)}:{moment.astimezone(STOCKHOLM):%S}"


# --- the draft --------------------------------------------------------------------------------


def tender_of(calloff: CallOff, supplier) -> Tender | None:
    return Tender.objects.filter(calloff=calloff, supplier=supplier).first()


def read_draft(tender: Tender | None) -> TenderContent:
    """The draft's content (empty when nothing is saved). Only for the supplier's own representatives."""
    if tender is None or not tender.draft:
        return TenderContent()
    return TenderContent.from_bytes(sealing.open_draft(tender.draft_key, tender.draft, calloff_id=tender.calloff_id,
                                                       tender_id=tender.pk))


def _write_draft(tender: Tender, content: TenderContent, now: datetime) -> None:
    tender.draft = sealing.seal_draft(tender.draft_key, content.to_bytes(), calloff_id=tender.calloff_id,
                                      tender_id=tender.pk)
    tender.draft_saved_at = now
    tender.save(update_fields=["draft", "draft_saved_at"])


def _locked_tender(*, actor: User, calloff: CallOff, supplier) -> Tender:
    """The supplier's tender, locked; made (with its own draft key) the first time anything is saved."""
    tender, created = Tender.objects.select_for_update(no_key=True).get_or_create(
        calloff=calloff, supplier=supplier, defaults={"draft_key": sealing.new_draft_key()})
    if created:
        audit_log(actor=actor, verb="tender.started", obj=tender, organisation=supplier,
                  payload={"calloff": calloff.pk, "tender": tender.pk}, sealed_scope=sealing.audit_scope(calloff.pk))
    return tender


def _check_ids(scope: Scope, content: TenderContent) -> None:
    """Answers may only be given to what the call-off asks (an API caller could send other ids)."""
    known = {
        "requirements": ({r.pk for r in scope.requirements},
                         _("The call-off asks for no requirement with the id(s) %(ids)s. Use the ids it gives.")),
        "criteria": ({c.pk for c in scope.criteria},
                     _("The call-off asks for no criterion with the id(s) %(ids)s. Use the ids it gives.")),
        "prices": ({row.pk for row in scope.price_rows},
                   _("The price list has no row with the id(s) %(ids)s. Use the ids it gives.")),
    }
    errors = {}
    for part, (ids, message) in known.items():
        unknown = sorted(set(getattr(content, part)) - ids)
        if unknown:
            errors[part] = message % {"ids": ", ".join(map(str, unknown))}
    if content.total_price is not None and content.total_price < 0:
        errors["total_price"] = _("The total price cannot be negative.")
    errors |= {f"price_{pk}": _("A price cannot be negative.") for pk, price in content.prices.items() if price < 0}
    if errors:
        raise ValidationError(errors)


def tender_save_draft(*, actor: User, calloff: CallOff, content: TenderContent,
                      attachments: tuple[Attachment, ...] | None = None) -> Tender:
    """Saves the supplier's answers as its encrypted draft; the stored attachments stay unless given.

    The draft may be incomplete and may even hold a price above the ceiling: nothing typed is lost,
    and `submission_problems` says what stops submission. Draft saves are not audited: they come
    with every autosave, and a working copy is not a procurement event (starting, submitting,
    replacing and withdrawing are).
    """
    supplier = tendering_supplier(actor, calloff)
    _check_ids(tender_scope(calloff), content)
    if attachments is not None:
        check_attachments(attachments)
    with transaction.atomic():
        now = clock.now()
        _require_tendering(_fresh(calloff), now)
        tender = _locked_tender(actor=actor, calloff=calloff, supplier=supplier)
        kept = read_draft(tender).attachments if attachments is None else attachments
        _write_draft(tender, replace(content, attachments=tuple(kept)), now)
    return tender


def check_attachments(attachments: tuple[Attachment, ...] | list[Attachment]) -> None:
    """The caps of a tender's attachments, said on the page: per file, in total, and how many."""
    if len(attachments) > ATTACHMENTS_MAX_COUNT:
        raise ValidationError({"file": _("A tender may have at most %(count)s attachments. Remove one first, or "
                                         "combine documents into one file.") % {"count": ATTACHMENTS_MAX_COUNT}})
    total = sum(a.size for a in attachments)
    if total > ATTACHMENTS_MAX_TOTAL_BYTES:
        raise ValidationError({"file": _("The attachments would be %(size)s MB together; a tender may carry at most "
                                         "%(limit)s MB. Remove an attachment or make the file smaller.") % {
            "size": _megabytes(total), "limit": _megabytes(ATTACHMENTS_MAX_TOTAL_BYTES)}})
    digests = [a.sha256 for a in attachments]
    if len(set(digests)) != len(digests):
        raise ValidationError({"file": _("The same file is attached twice. Attach each file once.")})


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}".rstrip("0").rstrip(".")


def attachment_from_upload(uploaded, existing: tuple[Attachment, ...] = ()) -> Attachment:
    """A validated attachment: size capped, type judged by content, a safe name that no other file has."""
    if uploaded.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("The file is %(size)s MB. Each attachment may be at most %(limit)s MB.") % {
            "size": _megabytes(uploaded.size), "limit": _megabytes(ATTACHMENT_MAX_BYTES)}})
    try:
        data, kind = validate_upload(uploaded)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    duplicate = next((a for a in existing if a.sha256 == hashlib.sha256(data).hexdigest()), None)
    if duplicate is not None:
        raise ValidationError({"file": _("This file is already attached as %(name)s.") % {"name": duplicate.name}})
    name, taken, number = safe_filename(uploaded.name, kind), {a.name for a in existing}, 2
    stem, _dot, extension = name.rpartition(".")
    while name in taken:
        name, number = f"{stem}-{number}.{extension}", number + 1
    return Attachment(name=name, content_type=kind.content_type, data=data)


def tender_attachment_add(*, actor: User, calloff: CallOff, uploaded) -> Attachment:
    """Adds a file to the draft; it is sealed with the rest of the tender when it is submitted."""
    supplier = tendering_supplier(actor, calloff)
    with transaction.atomic():
        now = clock.now()
        _require_tendering(_fresh(calloff), now)
        tender = _locked_tender(actor=actor, calloff=calloff, supplier=supplier)
        content = read_draft(tender)
        attachment = attachment_from_upload(uploaded, content.attachments)
        attachments = (*content.attachments, attachment)
        check_attachments(attachments)
        _write_draft(tender, replace(content, attachments=attachments), now)
    return attachment


def upload_of(name: str, data: bytes) -> SimpleUploadedFile:
    """A file given as bytes (the API's base64), so it takes exactly the checks of an upload."""
    return SimpleUploadedFile(name or "attachment", data)


def attachment_from_base64(name: str, data: bytes, existing: tuple[Attachment, ...] = ()) -> Attachment:
    return attachment_from_upload(upload_of(name, data), existing)


def tender_attachment_remove(*, actor: User, calloff: CallOff, sha256: str) -> Attachment:
    supplier = tendering_supplier(actor, calloff)
    with transaction.atomic():
        now = clock.now()
        _require_tendering(_fresh(calloff), now)
        tender = _locked_tender(actor=actor, calloff=calloff, supplier=supplier)
        content = read_draft(tender)
        removed = next((a for a in content.attachments if a.sha256 == sha256), None)
        if removed is None:
            raise CallOffError(_("The attachment is no longer in your draft."))
        _write_draft(tender, replace(content, attachments=tuple(a for a in content.attachments if a is not removed)),
                     now)
    return removed


# --- what stops submission ------------------------------------------------------------------------


def submission_problems(scope: Scope, content: TenderContent) -> list[Problem]:
    """Everything that must be answered before submission, in the order of the form, in words to act on."""
    problems = []
    for requirement in scope.requirements:
        answer = content.requirements.get(requirement.pk, RequirementAnswer())
        if answer.meets is None:
            problems.append(Problem(f"meets_{requirement.pk}", _(
                "Answer requirement %(id)s: does your tender meet it, yes or no?") % {"id": requirement.identifier}))
    for criterion in scope.criteria:
        if not content.criteria.get(criterion.pk, "").strip():
            problems.append(Problem(f"criterion_{criterion.pk}", _("Answer the criterion %(name)s.") % {
                "name": criterion.lot_criterion.name}))
    problems.extend(_price_problems(scope, content))
    return problems


def _price_problems(scope: Scope, content: TenderContent) -> list[Problem]:
    problems = []
    fixed = scope.fixed_price
    if content.total_price is None:
        problems.append(Problem("total_price", _("Give the total price, in kronor excluding VAT.")))
    elif fixed is not None and content.total_price != fixed:
        problems.append(Problem("total_price", _("The call-off has a fixed price of %(price)s. Give exactly that as "
                                                 "the total price.") % {"price": sek(fixed)}))
    elif content.total_price <= 0:
        problems.append(Problem("total_price", _("The total price must be more than 0 kr.")))
    for row in scope.price_rows:
        price = content.prices.get(row.pk)
        refusal = rules.ceiling_price_refusal(row, price)
        if price is None:
            problems.append(Problem(f"price_{row.pk}", _("Give a price for %(item)s (per %(unit)s).") % {
                "item": row.label, "unit": row.unit}))
        elif refusal:
            problems.append(Problem(f"price_{row.pk}", refusal))
    return problems


def price_refusals(scope: Scope, content: TenderContent) -> list[Problem]:
    """The prices above their ceiling (rule 4): shown at once when a draft is saved, and refused at submission."""
    refusals = [(row, rules.ceiling_price_refusal(row, content.prices.get(row.pk))) for row in scope.price_rows]
    return [Problem(f"price_{row.pk}", refusal) for row, refusal in refusals if refusal]


def submission_warnings(scope: Scope, content: TenderContent) -> list[Problem]:
    """A mandatory requirement answered no may be submitted, but the tender will be rejected at qualification."""
    return [Problem(f"meets_{r.pk}", _("You answer no to the mandatory requirement %(id)s. You can submit, but a "
                                       "tender that does not meet a mandatory requirement is rejected when the "
                                       "tenders are qualified.") % {"id": r.identifier})
            for r in scope.requirements
            if r.kind == RequirementKind.MANDATORY
            and content.requirements.get(r.pk, RequirementAnswer()).meets is False]


# --- submitting, replacing, withdrawing ----------------------------------------------------------


def current_submission(tender: Tender | None) -> TenderSubmission | None:
    return None if tender is None else tender.submissions.filter(CURRENT).first()


def tender_submit(*, actor: User, calloff: CallOff, expected_sha256: str | None = None) -> TenderSubmission:
    """Seals the saved draft with the call-off's key and gives the receipt; a second submission replaces the first.

    `expected_sha256` is the checksum of the draft the supplier checked: if the draft has changed
    since (another tab, a colleague), nothing is sealed and they are asked to check it again.
    """
    supplier = tendering_supplier(actor, calloff)
    with transaction.atomic():
        # FOR NO KEY UPDATE, as every lock of a call-off: it serialises the submissions as FOR UPDATE would, but
        # lets another supplier's first draft commit meanwhile (PostgreSQL checks its new tender's foreign key
        # with FOR KEY SHARE at commit, holding the audit chain's head that this waits for: FOR UPDATE deadlocks).
        calloff = CallOff.objects.select_for_update(no_key=True).select_related("lot").get(pk=calloff.pk)
        now = clock.now()  # read once, holding the call-off's lock: the server clock decides
        _require_tendering(calloff, now)
        tender = Tender.objects.select_for_update(no_key=True).filter(calloff=calloff, supplier=supplier).first()
        content = read_draft(tender)
        if expected_sha256 and content.sha256() != expected_sha256:
            raise CallOffError(_("Your draft has changed since you checked it. Check your tender again before you "
                                 "submit it."))
        problems = submission_problems(tender_scope(calloff), content)
        if problems:
            raise TenderIncomplete(problems)
        submission = _seal(actor=actor, calloff=calloff, tender=tender, content=content, now=now)
    return submission


def _seal(*, actor: User, calloff: CallOff, tender: Tender, content: TenderContent, now: datetime) -> TenderSubmission:
    plaintext = content.to_bytes()
    try:
        blob = sealing.seal_tender(calloff.data_key, plaintext, calloff_id=calloff.pk, tender_id=tender.pk,
                                   deadline=calloff.tender_deadline, now=now)
    except sealing.LateTenderError:
        raise CallOffError(_("The tender deadline has passed, so the tender was not submitted.")) from None
    previous = tender.submissions.select_for_update().filter(CURRENT).first()
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    number = (tender.submissions.aggregate(last=Max("number"))["last"] or 0) + 1
    submission = TenderSubmission.objects.create(
        tender=tender, number=number, sealed=blob.ciphertext, sha256=blob.sha256, size=len(plaintext),
        submitted_by=actor, submitted_at=now)
    tender.move_to(TenderStatus.SUBMITTED)
    tender.save(update_fields=["status"])
    audit_log(actor=actor, verb="tender.replaced" if previous else "tender.submitted", obj=tender,
              organisation=tender.supplier, payload={"tender": tender.pk, "number": number, "sha256": blob.sha256,
                                                     "replaces": previous.number if previous else None},
              sealed_scope=sealing.audit_scope(calloff.pk))
    _tell_supplier(tender, submission, kind="tender.submitted",
                   subject=gettext_lazy("Receipt for your tender in %(reference)s"),
                   body=gettext_lazy("Your tender no. %(number)s in the call-off “%(title)s” was sealed at "
                                     "%(moment)s (Swedish time). Its SHA-256 checksum is %(sha256)s. Keep this "
                                     "receipt: after opening, the agency's opening record shows the same checksum."))
    return submission


def tender_withdraw(*, actor: User, calloff: CallOff) -> TenderSubmission:
    """Withdraws the current submission before the deadline; the supplier may submit again until then."""
    supplier = tendering_supplier(actor, calloff)
    with transaction.atomic():
        calloff = CallOff.objects.select_for_update(no_key=True).get(pk=calloff.pk)
        now = clock.now()
        _require_tendering(calloff, now)
        tender = Tender.objects.select_for_update(no_key=True).filter(calloff=calloff, supplier=supplier).first()
        submission = current_submission(tender)
        if submission is None:
            raise CallOffError(_("You have no submitted tender in this call-off to withdraw."))
        submission.withdrawn_at, submission.withdrawn_by = now, actor
        submission.save(update_fields=["withdrawn_at", "withdrawn_by"])
        tender.move_to(TenderStatus.WITHDRAWN)
        tender.save(update_fields=["status"])
        audit_log(actor=actor, verb="tender.withdrawn", obj=tender, organisation=supplier,
                  payload={"tender": tender.pk, "number": submission.number, "sha256": submission.sha256},
                  sealed_scope=sealing.audit_scope(calloff.pk))
        _tell_supplier(tender, submission, kind="tender.withdrawn",
                       subject=gettext_lazy("Your tender in %(reference)s is withdrawn"),
                       body=gettext_lazy("Your tender no. %(number)s in the call-off “%(title)s” is withdrawn. It "
                                         "will not be opened. You can submit a new tender until the deadline."))
    return submission


def _tell_supplier(tender: Tender, submission: TenderSubmission, *, kind: str, subject, body) -> None:
    """Rule 6: only the supplier is told; the agency learns nothing of tenders before opening."""
    calloff = tender.calloff
    notify(recipients=_supplier_representatives([tender.supplier_id]), kind=kind, subject=subject, body=body,
           params={"reference": calloff.reference, "title": calloff.title, "number": submission.number,
                   "sha256": submission.sha256, "moment": messages.exact(submission.submitted_at)},
           url=reverse("calloffs:tender_receipt", args=[calloff.pk, submission.number]), confidential=True)


def receipt(submission: TenderSubmission) -> dict:
    """What the receipt says, for the page and the API."""
    tender = submission.tender
    return {"calloff": tender.calloff_id, "reference": tender.calloff.reference, "title": tender.calloff.title,
            "agency": tender.calloff.agency.name, "supplier": tender.supplier.name, "number": submission.number,
            "submitted_at": submission.submitted_at, "submitted_by": submission.submitted_by.full_name,
            "sha256": submission.sha256, "size": submission.size, "status": submission_status(submission),
            "superseded_at": submission.superseded_at, "withdrawn_at": submission.withdrawn_at}


def submission_status(submission: TenderSubmission) -> str:
    if submission.withdrawn_at:
        return "withdrawn"
    return "replaced" if submission.superseded_at else "current"

