"""Opening the tenders (rule 7): after the deadline, by two named people of the agency.

One team member starts the opening; a different one confirms it. Only then is the call-off's data
key unwrapped (`sealing.unwrap_for_opening`, with both as openers), every current submission
decrypted and its SHA-256 checked against the supplier's receipt. The opening record lists what was
opened. Decrypted content is never stored: it is decrypted again whenever it is read, with the
record's openers as the proof that the opening happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import User
from innokop.accounts.permissions import actor_for
from innokop.core import clock
from innokop.core.audit import audit_log, audit_release
from innokop.core.formats import when
from innokop.core.notifications import notify

from .. import sealing
from ..models import CallOff, CallOffStatus, OpeningRecord, Tender, TenderSubmission
from ..permissions import current_team, is_team_member
from ..tender_content import TenderContent, TenderContentError
from . import CallOffError

AFTER_OPENING = {CallOffStatus.OPENED, CallOffStatus.EVALUATED, CallOffStatus.AWARDED, CallOffStatus.CONTRACTED}


@dataclass(frozen=True)
class OpenedTender:
    """A tender as opened: its submission, and its content when it decrypts and matches its checksum."""

    tender: Tender
    submission: TenderSubmission
    content: TenderContent | None
    problem: str = ""

    @property
    def verified(self) -> bool:
        return self.content is not None

    @property
    def pk(self) -> int:
        return self.tender.pk


def _require_team(actor: User, calloff: CallOff) -> None:
    if not is_team_member(actor_for(actor), calloff):
        raise CallOffError(_("Only the call-off's team can open the tenders. Ask a team member to add you."))


def _require_openable(calloff: CallOff, now: datetime) -> None:
    if calloff.status in AFTER_OPENING:
        raise CallOffError(_("The tenders are already opened."))
    if calloff.status != CallOffStatus.OPEN:
        raise CallOffError(_("Only a published call-off that is not cancelled has tenders to open."))
    if not calloff.may_open(now):
        raise CallOffError(_("The tenders are sealed until the tender deadline, %(deadline)s, has passed. Open "
                             "them after that.") % {"deadline": when(calloff.tender_deadline)})


def opening_start(*, actor: User, calloff: CallOff) -> OpeningRecord:
    """The first of the two openers: recorded, and the team is asked for a second person."""
    _require_team(actor, calloff)
    with transaction.atomic():
        calloff = CallOff.objects.select_for_update(no_key=True).get(pk=calloff.pk)
        now = clock.now()
        _require_openable(calloff, now)
        record = OpeningRecord.objects.filter(calloff=calloff).select_related("started_by").first()
        if record is not None:
            if record.started_by_id == actor.pk:
                raise CallOffError(_("You have already started the opening. A different team member must "
                                     "confirm it: tenders are opened by two people."))
            raise CallOffError(_("%(name)s started the opening %(moment)s. Confirm it as the second person "
                                 "instead.") % {"name": record.started_by.full_name, "moment": when(record.started_at)})
        record = OpeningRecord.objects.create(calloff=calloff, started_by=actor, started_at=now)
        audit_log(actor=actor, verb="calloff.opening_started", obj=calloff, organisation=calloff.agency,
                  payload={"record": record.pk})
        notify(recipients=current_team(calloff).exclude(pk=actor.pk), kind="calloff.opening_started",
               subject=gettext_lazy("Confirm the opening of %(reference)s"),
               body=gettext_lazy("%(name)s has started opening the tenders in “%(title)s”. Tenders are opened "
                                 "by two people: a second team member confirms the opening in Innoköp."),
               params={"reference": calloff.reference, "title": calloff.title, "name": actor.full_name},
               url=reverse("calloffs:opening", args=[calloff.pk]))
    return record


def current_submissions(calloff: CallOff):
    """Every tender's current submission: submitted, neither replaced nor withdrawn."""
    return (TenderSubmission.objects.filter(tender__calloff=calloff, superseded_at__isnull=True,
                                            withdrawn_at__isnull=True)
            .select_related("tender__supplier").order_by("tender__supplier__name", "tender_id"))


def _withdrawn_tenders(calloff: CallOff):
    """Tenders whose last submission was withdrawn before the deadline: counted, never opened."""
    current = current_submissions(calloff).values("tender_id")
    return (Tender.objects.filter(calloff=calloff, submissions__withdrawn_at__isnull=False)
            .exclude(pk__in=current).select_related("supplier").distinct())


def _verify(key: bytes, calloff: CallOff, submission: TenderSubmission) -> tuple[TenderContent | None, str]:
    """The content of a submission, or None and why it could not be read."""
    try:
        plaintext = sealing.open_sealed(key, sealing.SealedBlob(submission.sealed, submission.sha256),
                                        calloff_id=calloff.pk, tender_id=submission.tender_id)
        return TenderContent.from_bytes(plaintext), ""
    except sealing.SealingError:
        return None, _("The sealed content does not decrypt, or does not match the checksum in the supplier's "
                       "receipt: it has been changed since it was submitted.")
    except TenderContentError:
        return None, _("The content decrypts but is not a tender in a format Innoköp can read.")


def _record_entry(submission: TenderSubmission, verified: bool) -> dict:
    return {"tender": submission.tender_id, "supplier": submission.tender.supplier.name,
            "supplier_id": submission.tender.supplier_id, "number": submission.number,
            "submitted_at": submission.submitted_at.isoformat(), "sha256": submission.sha256,
            "size": submission.size, "verified": verified}


def _unwrap(calloff: CallOff, openers, now: datetime) -> bytes:
    try:
        return sealing.unwrap_for_opening(calloff.data_key, deadline=calloff.tender_deadline, now=now,
                                          openers=openers)
    except sealing.SealedError as error:
        raise CallOffError(_("The tenders are still sealed: %(why)s") % {"why": error}) from error
    except sealing.SealingError as error:
        raise CallOffError(_("The call-off's key could not be unwrapped, so the tenders cannot be opened. Ask "
                             "the administrator of Innoköp to check the key-encryption key. (%(why)s)")
                           % {"why": error}) from error


def opening_confirm(*, actor: User, calloff: CallOff) -> OpeningRecord:
    """The second opener: the tenders are decrypted, verified against their receipts and listed."""
    _require_team(actor, calloff)
    with transaction.atomic():
        calloff = CallOff.objects.select_for_update(no_key=True).get(pk=calloff.pk)
        now = clock.now()
        _require_openable(calloff, now)
        record = OpeningRecord.objects.select_for_update().filter(calloff=calloff).first()
        if record is None:
            raise CallOffError(_("Nobody has started the opening yet. Start it, then ask a second team member "
                                 "to confirm it."))
        if record.started_by_id == actor.pk:
            raise CallOffError(_("You started the opening, so you cannot also confirm it. Tenders are opened by "
                                 "two different people: ask another team member to confirm."))
        record.confirmed_by, record.opened_at = actor, now
        key = _unwrap(calloff, record.openers, now)
        entries = [_record_entry(sub, _verify(key, calloff, sub)[0] is not None)
                   for sub in current_submissions(calloff)]
        withdrawn = [{"tender": t.pk, "supplier": t.supplier.name, "withdrawn": True}
                     for t in _withdrawn_tenders(calloff)]
        record.tenders = entries + withdrawn
        record.save(update_fields=["confirmed_by", "opened_at", "tenders"])
        calloff.move_to(CallOffStatus.OPENED)
        calloff.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, verb="calloff.opened", obj=calloff, organisation=calloff.agency,
                  payload={"openers": record.openers, "tenders": [e["tender"] for e in entries],
                           "sha256": [e["sha256"] for e in entries],
                           "not_verified": [e["tender"] for e in entries if not e["verified"]],
                           "withdrawn": len(withdrawn)})
        audit_release(sealing.audit_scope(calloff.pk))
        notify(recipients=current_team(calloff), kind="calloff.opened",
               subject=gettext_lazy("The tenders in %(reference)s are opened"),
               body=gettext_lazy("%(first)s and %(second)s have opened the tenders in “%(title)s”. Read the "
                                 "opening record and start the evaluation in Innoköp."),
               params={"reference": calloff.reference, "title": calloff.title,
                       "first": record.started_by.full_name, "second": actor.full_name},
               url=reverse("calloffs:opening", args=[calloff.pk]))
    return record


def opened_entries(record: OpeningRecord | None) -> list[dict]:
    """The record's opened tenders (withdrawn ones are only counted)."""
    if record is None or record.opened_at is None:
        return []
    return [entry for entry in record.tenders if not entry.get("withdrawn")]


def withdrawn_count(record: OpeningRecord | None) -> int:
    return 0 if record is None else sum(1 for entry in record.tenders if entry.get("withdrawn"))


def opened_tenders(calloff: CallOff) -> list[OpenedTender]:
    """Every opened tender with its content, decrypted now; kept on the instance for the rest of the request."""
    cached = getattr(calloff, "_opened_tenders", None)
    if cached is not None:
        return cached
    record = OpeningRecord.objects.filter(calloff=calloff).first()
    entries = opened_entries(record)
    if not entries:
        calloff._opened_tenders = []
        return []
    numbers = {entry["tender"]: entry["number"] for entry in entries}
    submissions = {sub.tender_id: sub for sub in TenderSubmission.objects.filter(tender_id__in=numbers)
                   .select_related("tender__supplier", "tender__qualified_by")
                   if sub.number == numbers[sub.tender_id]}
    key = _unwrap(calloff, record.openers, clock.now())
    opened = []
    for entry in entries:
        submission = submissions[entry["tender"]]
        content, problem = _verify(key, calloff, submission)
        opened.append(OpenedTender(submission.tender, submission, content, problem))
    calloff._opened_tenders = opened
    return opened


def opened_tender(calloff: CallOff, tender_pk: int) -> OpenedTender:
    """One opened tender; LookupError when the call-off has no such opened tender."""
    for opened in opened_tenders(calloff):
        if opened.pk == tender_pk:
            return opened
    raise LookupError(tender_pk)
