"""Clarifications, the tender deadline's extension and dialogue meetings of an open call-off (rule 5).

Clarifications (addenda and document versions) and dialogue meetings go to every invited supplier
on the same terms. A change published late (less than half the lot's minimum tender period before
the deadline) prompts the agency to extend the deadline; the prompt is derived from the data, so it
disappears once the deadline gives the suppliers that time again, or once the agency records that
it keeps the deadline.
"""

import hashlib
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import User
from innokop.accounts.permissions import actor_for
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.calendar import at_local, local_date, next_working_day, roll_to_working_day
from innokop.core.documents import document_add_version, document_create
from innokop.core.models import AuditEvent, Document
from innokop.core.notifications import notify

from ..models import CallOff, CallOffKind, CallOffStatus, Clarification, ClarificationKind, DialogueSlot
from ..permissions import current_team, is_team_member
from . import CallOffError, _supplier_representatives, asking_supplier, cleaning


def _require_team(actor: User, calloff: CallOff, message: str) -> None:
    if not is_team_member(actor_for(actor), calloff):
        raise CallOffError(message)


def _invited_representatives(calloff: CallOff) -> list:
    return _supplier_representatives(list(calloff.invitations.values_list("supplier_id", flat=True)))


def _detail_url(calloff: CallOff) -> str:
    return reverse("calloffs:calloff_detail", args=[calloff.pk])


def _locked(calloff: CallOff) -> CallOff:
    return (CallOff.objects.select_for_update(no_key=True, of=("self",)).select_related("lot", "agency")
            .get(pk=calloff.pk))


# --- clarifications and the late-change rule -------------------------------------------------------


def calloff_document_key(calloff: CallOff) -> str:
    return f"calloffs.calloff:{calloff.pk}"


def calloff_documents(calloff: CallOff):
    """The call-off's own documents: the ones a clarification may give a new version of."""
    return Document.objects.filter(attached_to=calloff_document_key(calloff), owner=calloff.agency).order_by("title")


def late_change_days(calloff: CallOff) -> int:
    """N: half the lot's minimum tender period, rounded up, and at least one day."""
    return max(1, math.ceil(calloff.lot.min_tender_days / 2))


def is_late_change(calloff: CallOff, moment: datetime) -> bool:
    """A change is late when less than N days are left from it to the tender deadline."""
    return calloff.tender_deadline - moment < timedelta(days=late_change_days(calloff))


def suggested_deadline(calloff: CallOff, now: datetime) -> datetime:
    """N days from now, on a working day at 12:00 Swedish time, and always after the current deadline."""
    day = roll_to_working_day(local_date(now + timedelta(days=late_change_days(calloff))))
    suggestion = at_local(day, 12)
    while suggestion <= calloff.tender_deadline:
        suggestion = at_local(next_working_day(local_date(suggestion)), 12)
    return suggestion


@dataclass(frozen=True)
class LateChange:
    clarification: Clarification
    days: int
    suggestion: datetime


def late_change(calloff: CallOff, now: datetime, clarifications=None) -> LateChange | None:
    """The latest clarification that left the suppliers less than N days, unless it has been dealt with.

    Dealt with means the deadline now gives N days after it (it was extended), or the team recorded
    that it keeps the deadline after that clarification.
    """
    if not calloff.may_clarify(now):
        return None
    if clarifications is None:
        clarifications = calloff.clarifications.all()
    late = [c for c in clarifications if is_late_change(calloff, c.published_at)]
    if not late:
        return None
    latest = max(late, key=lambda c: (c.published_at, c.pk))
    kept = AuditEvent.objects.filter(verb="calloff.deadline_kept", object_type="calloffs.calloff",
                                     object_id=str(calloff.pk), payload__clarification=latest.pk).exists()
    if kept:
        return None
    return LateChange(latest, late_change_days(calloff), suggested_deadline(calloff, now))


def clarification_publish(*, actor: User, calloff: CallOff, kind: str, title: str, text: str = "", uploaded=None,
                          document: Document | None = None, comment: str = "") -> Clarification:
    """An addendum, a new document or a new version of a call-off document, published to every invited supplier."""
    _require_team(actor, calloff, _("Only the call-off's team can publish clarifications. Ask a team member to "
                                    "add you."))
    title, text = title.strip(), text.strip()
    _check_clarification(kind, title, text, uploaded)
    if document is not None and document.attached_to != calloff_document_key(calloff):
        raise ValidationError({"document": _("Choose one of this call-off's own documents.")})
    with transaction.atomic():
        calloff = _locked(calloff)
        now = clock.now()
        if not calloff.may_clarify(now):
            raise CallOffError(_("Clarifications can only be published while the call-off is open, before the "
                                 "tender deadline."))
        version = None
        if kind == ClarificationKind.DOCUMENT:
            version = _store_document(actor, calloff, title, uploaded, document, comment)
        clarification = Clarification.objects.create(calloff=calloff, kind=kind, title=title, text=text,
                                                     document_version=version, published_by=actor, published_at=now)
        late = is_late_change(calloff, now)
        audit_log(actor=actor, verb="calloff.clarification_published", obj=calloff, organisation=calloff.agency,
                  payload={"clarification": clarification.pk, "kind": kind, "title": title, "late": late,
                           "document": str(version.document_id) if version else None,
                           "version": version.number if version else None,
                           "sha256": version.sha256 if version else None})
        notify(recipients=_invited_representatives(calloff), kind="calloff.clarification_published",
               subject=gettext_lazy("Clarification in %(reference)s: %(title)s"),
               body=gettext_lazy("%(agency)s has published a clarification in the call-off “%(calloff)s”: "
                                 "%(title)s. It applies to every invited supplier. Read it in Innoköp."),
               params={"reference": calloff.reference, "agency": calloff.agency.name, "calloff": calloff.title,
                       "title": title},
               url=_detail_url(calloff) + "#clarifications")
    return clarification


def _check_clarification(kind: str, title: str, text: str, uploaded) -> None:
    errors = {}
    if kind not in ClarificationKind.values:
        errors["kind"] = _("Choose whether you publish an addendum or a document.")
    if not title:
        errors["title"] = _("Give the clarification a title.")
    if kind == ClarificationKind.ADDENDUM and not text:
        errors["text"] = _("Write the addendum: what is changed or clarified.")
    if kind == ClarificationKind.DOCUMENT and uploaded is None:
        errors["file"] = _("Choose the file to publish.")
    if errors:
        raise ValidationError(errors)


def _store_document(actor: User, calloff: CallOff, title: str, uploaded, document: Document | None, comment: str):
    try:
        if document is not None:
            return document_add_version(actor=actor, document=document, uploaded=uploaded, comment=comment)
        created = document_create(actor=actor, owner=calloff.agency, title=title, uploaded=uploaded,
                                  attached_to=calloff_document_key(calloff), comment=comment)
        return created.versions.get()
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None


def with_document_history(clarifications: list[Clarification]) -> list[Clarification]:
    """Gives each clarification `earlier`: the earlier published versions of the same document, newest first."""
    by_document: dict = {}
    for clarification in clarifications:
        clarification.earlier = []
        if clarification.document_version_id:
            by_document.setdefault(clarification.document_version.document_id, []).append(clarification)
    for group in by_document.values():
        group.sort(key=lambda c: c.document_version.number)
        for index, clarification in enumerate(group):
            clarification.earlier = list(reversed(group[:index]))
    return clarifications


# --- the tender deadline ---------------------------------------------------------------------------


def _later_steps(calloff: CallOff, old: datetime, new: datetime) -> list[str]:
    """Moves the steps after the deadline by as much where they would now come before it; never earlier."""
    moved = []
    days = timedelta(days=(local_date(new) - local_date(old)).days)
    calloff.tender_deadline = new
    if calloff.opening_at and calloff.opening_at < new:
        calloff.opening_at += new - old
        moved.append("opening_at")
    chain = [("decision_on", lambda: local_date(calloff.opening_at) if calloff.opening_at else None),
             ("contract_start", lambda: calloff.decision_on), ("contract_end", lambda: calloff.contract_start)]
    for field, earliest in chain:
        value, bound = getattr(calloff, field), earliest()
        if value is not None and bound is not None and value < bound:
            setattr(calloff, field, max(value + days, bound))
            moved.append(field)
    return moved


def calloff_extend_deadline(*, actor: User, calloff: CallOff, tender_deadline: datetime, reason: str) -> CallOff:
    """Moves the tender deadline later, and the opening and later steps with it where needed; never shortens."""
    _require_team(actor, calloff, _("Only the call-off's team can extend the tender deadline."))
    tender_deadline = cleaning.one("tender_deadline", tender_deadline, cleaning.moment(local_date(clock.now())))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the extension; every invited supplier is told it.")})
    with transaction.atomic():
        calloff = _locked(calloff)
        now = clock.now()
        if not calloff.may_clarify(now):
            raise CallOffError(_("The tender deadline can only be extended while the call-off is open, before the "
                                 "current deadline."))
        old = calloff.tender_deadline
        if tender_deadline <= old:
            raise ValidationError({"tender_deadline": _(
                "The new deadline must be later than the current one. A deadline is never shortened.")})
        moved = _later_steps(calloff, old, tender_deadline)
        agreement_end = calloff.lot.agreement.end_date
        if calloff.contract_end and calloff.contract_end > agreement_end:
            raise ValidationError({"tender_deadline": _(
                "With this deadline the contract period would run past the framework agreement's end. Choose an "
                "earlier deadline.")})
        calloff.save(update_fields=["tender_deadline", *moved, "updated_at"])
        audit_log(actor=actor, verb="calloff.deadline_extended", obj=calloff, organisation=calloff.agency,
                  payload={"from": old.isoformat(), "to": tender_deadline.isoformat(), "reason": reason.strip(),
                           "moved": {field: getattr(calloff, field).isoformat() for field in moved}})
        notify(recipients=_invited_representatives(calloff), kind="calloff.deadline_extended",
               subject=gettext_lazy("The tender deadline of %(reference)s is extended"),
               body=gettext_lazy("%(agency)s has extended the tender deadline of the call-off “%(title)s” to "
                                 "%(deadline)s. The reason: %(reason)s"),
               params={"reference": calloff.reference, "agency": calloff.agency.name, "title": calloff.title,
                       "deadline": tender_deadline, "reason": reason.strip()},
               url=_detail_url(calloff))
    return calloff


def calloff_keep_deadline(*, actor: User, calloff: CallOff, reason: str) -> None:
    """The team records that a late change does not need more time for the suppliers, and why."""
    _require_team(actor, calloff, _("Only the call-off's team can decide on the tender deadline."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the suppliers have enough time; the reason is kept in the "
                                           "procurement record.")})
    with transaction.atomic():
        calloff = _locked(calloff)
        late = late_change(calloff, clock.now())
        if late is None:
            raise CallOffError(_("There is no late change waiting for a decision on the deadline."))
        audit_log(actor=actor, verb="calloff.deadline_kept", obj=calloff, organisation=calloff.agency,
                  payload={"clarification": late.clarification.pk, "reason": reason.strip(),
                           "tender_deadline": calloff.tender_deadline.isoformat()})


# --- dialogue meetings ---------------------------------------------------------------------------


def uses_dialogue(calloff: CallOff) -> bool:
    return calloff.method == CallOffKind.RENEWED_COMPETITION_DIALOGUE


def may_offer_slots(calloff: CallOff, now: datetime) -> bool:
    """Dialogue happens in the question period: meetings are offered while the call-off is open for questions."""
    return uses_dialogue(calloff) and calloff.effective_state(now) == CallOffStatus.OPEN


def suppliers_without_booking(calloff: CallOff) -> int:
    booked = calloff.slots.filter(supplier__isnull=False).values("supplier_id")
    return calloff.invitations.exclude(supplier_id__in=booked).count()


@dataclass(frozen=True)
class SlotTime:
    starts_at: datetime
    ends_at: datetime
    place: str


def _overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _check_slot_times(calloff: CallOff, slots: list[SlotTime], now: datetime) -> None:
    errors = []
    for slot in slots:
        if slot.ends_at <= slot.starts_at:
            errors.append(_("A meeting must end after it starts."))
        elif slot.starts_at <= now:
            errors.append(_("A meeting must start in the future."))
        elif calloff.questions_close and slot.ends_at > calloff.questions_close:
            errors.append(_("Dialogue meetings take place in the question period, so that what comes up can still "
                            "be asked and answered for every supplier. End each meeting by the last time for "
                            "questions."))
        if not slot.place.strip():
            errors.append(_("Give the place or the link of every meeting."))
    existing = [(s.starts_at, s.ends_at) for s in calloff.slots.all()]
    for index, slot in enumerate(slots):
        others = existing + [(o.starts_at, o.ends_at) for o in slots[index + 1:]]
        if any(_overlaps(slot.starts_at, slot.ends_at, start, end) for start, end in others):
            errors.append(_("Two meetings overlap. Give each meeting its own time."))
            break
    if errors:
        raise ValidationError(" ".join(dict.fromkeys(errors)))


def _cleaned_slots(slots: list[SlotTime], today) -> list[SlotTime]:
    """Every meeting with a date and a time to start and end, timezone-aware (a naive time is Swedish time)."""
    cleaned, problems = [], []
    for slot in slots:
        try:
            times = cleaning.clean({"starts_at": slot.starts_at, "ends_at": slot.ends_at},
                                   {"starts_at": cleaning.moment(today), "ends_at": cleaning.moment(today)})
        except ValidationError as error:
            problems.extend(error.messages)
        else:
            cleaned.append(replace(slot, **times))
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))
    return cleaned


def dialogue_slots_offer(*, actor: User, calloff: CallOff, slots: list[SlotTime]) -> list[DialogueSlot]:
    """Rule 5, equal terms: the times are offered to every invited supplier at once, and enough for each."""
    _require_team(actor, calloff, _("Only the call-off's team can offer dialogue meetings."))
    if not uses_dialogue(calloff):
        raise CallOffError(_("Dialogue meetings are only held in a renewed competition with dialogue."))
    if not slots:
        raise ValidationError(_("Give at least one meeting time."))
    slots = _cleaned_slots(slots, local_date(clock.now()))
    with transaction.atomic():
        calloff = _locked(calloff)
        now = clock.now()
        if not may_offer_slots(calloff, now):
            raise CallOffError(_("Dialogue meetings can only be offered while the call-off is open, before the last "
                                 "time for questions."))
        _check_slot_times(calloff, slots, now)
        waiting = suppliers_without_booking(calloff)
        free = calloff.slots.filter(supplier__isnull=True, starts_at__gt=now).count() + len(slots)
        if free < waiting:
            raise ValidationError(_(
                "%(waiting)s invited suppliers have no meeting yet, but only %(free)s free times would be offered. "
                "Offer at least %(needed)s more, so that every supplier can book one on equal terms.") % {
                "waiting": waiting, "free": free, "needed": waiting - free})
        created = [DialogueSlot.objects.create(calloff=calloff, starts_at=s.starts_at, ends_at=s.ends_at,
                                               place=s.place.strip(), offered_by=actor, offered_at=now)
                   for s in sorted(slots, key=lambda s: s.starts_at)]
        audit_log(actor=actor, verb="calloff.dialogue_offered", obj=calloff, organisation=calloff.agency,
                  payload={"slots": [{"id": s.pk, "starts_at": s.starts_at.isoformat(),
                                      "ends_at": s.ends_at.isoformat(), "place": s.place}
                                     for s in created]})
        notify(recipients=_invited_representatives(calloff), kind="calloff.dialogue_offered",
               subject=gettext_lazy("Book a dialogue meeting in %(reference)s"),
               body=gettext_lazy("%(agency)s offers dialogue meetings in the call-off “%(title)s” to every invited "
                                 "supplier. Book one of the free times in Innoköp; first come, first served."),
               params={"reference": calloff.reference, "agency": calloff.agency.name, "title": calloff.title},
               url=_detail_url(calloff) + "#dialogue")
    return created


def may_book(calloff: CallOff, now: datetime) -> bool:
    return uses_dialogue(calloff) and calloff.status == CallOffStatus.OPEN and calloff.effective_state(now) in {
        CallOffStatus.OPEN, CallOffStatus.TENDERING}


def dialogue_slot_book(*, actor: User, slot: DialogueSlot) -> DialogueSlot:
    """An invited supplier books one free time: first come, first served; one meeting per supplier."""
    calloff = slot.calloff
    supplier = asking_supplier(actor, calloff)
    if supplier is None:
        raise CallOffError(_("Only representatives of the invited suppliers can book dialogue meetings."))
    with transaction.atomic():
        calloff = _locked(calloff)  # bookings in one call-off are made one at a time
        slot = DialogueSlot.objects.select_for_update().get(pk=slot.pk)
        now = clock.now()
        if not may_book(calloff, now):
            raise CallOffError(_("Dialogue meetings can no longer be booked in this call-off."))
        if slot.starts_at <= now:
            raise CallOffError(_("This meeting has already started. Choose a later time."))
        if slot.supplier_id is not None:
            raise CallOffError(_("This time has just been booked by another supplier. Choose another free time."))
        if calloff.slots.filter(supplier=supplier).exists():
            raise CallOffError(_("Your company already has a dialogue meeting in this call-off. Cancel it first if "
                                 "you want another time."))
        slot.supplier, slot.booked_by, slot.booked_at = supplier, actor, now
        try:
            with transaction.atomic():
                slot.save(update_fields=["supplier", "booked_by", "booked_at"])
        except IntegrityError:
            raise CallOffError(_("Your company already has a dialogue meeting in this call-off.")) from None
        audit_log(actor=actor, verb="calloff.dialogue_booked", obj=calloff, organisation=calloff.agency,
                  payload={"slot": slot.pk, "supplier": supplier.pk, "starts_at": slot.starts_at.isoformat()})
        _tell_team(calloff, slot, supplier, booked=True)
    return slot


def _tell_team(calloff: CallOff, slot: DialogueSlot, supplier, *, booked: bool) -> None:
    if booked:
        subject = gettext_lazy("Dialogue meeting booked in %(reference)s")
        body = gettext_lazy("%(supplier)s has booked the dialogue meeting %(starts)s in the call-off “%(title)s”.")
    else:
        subject = gettext_lazy("Dialogue meeting cancelled in %(reference)s")
        body = gettext_lazy("%(supplier)s has cancelled its dialogue meeting %(starts)s in the call-off “%(title)s”. "
                            "The time is free again.")
    notify(recipients=current_team(calloff), kind="calloff.dialogue_booked" if booked else "calloff.dialogue_cancelled",
           subject=subject, body=body,
           params={"reference": calloff.reference, "supplier": supplier.name, "title": calloff.title,
                   "starts": slot.starts_at},
           url=_detail_url(calloff) + "#dialogue")


def dialogue_booking_cancel(*, actor: User, slot: DialogueSlot) -> DialogueSlot:
    """The booking supplier may give its time back until the meeting starts."""
    calloff = slot.calloff
    supplier = asking_supplier(actor, calloff)
    if supplier is None or slot.supplier_id != supplier.pk:
        raise CallOffError(_("Only the supplier that booked the meeting can cancel it."))
    with transaction.atomic():
        calloff = _locked(calloff)
        slot = DialogueSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.supplier_id != supplier.pk:
            raise CallOffError(_("Only the supplier that booked the meeting can cancel it."))
        if calloff.status == CallOffStatus.CANCELLED:
            raise CallOffError(_("The call-off is cancelled, so there is no meeting to cancel."))
        if slot.starts_at <= clock.now():
            raise CallOffError(_("The meeting has started, so the booking can no longer be cancelled."))
        slot.supplier = slot.booked_by = slot.booked_at = None
        slot.save(update_fields=["supplier", "booked_by", "booked_at"])
        audit_log(actor=actor, verb="calloff.dialogue_booking_cancelled", obj=calloff, organisation=calloff.agency,
                  payload={"slot": slot.pk, "supplier": supplier.pk})
        _tell_team(calloff, slot, supplier, booked=False)
    return slot


def dialogue_minutes_record(*, actor: User, slot: DialogueSlot, minutes: str, share: bool) -> DialogueSlot:
    """The team keeps the minutes of a held meeting and shares them with that supplier only.

    Once shared, a correction is shared again at once: the supplier always reads what the record says.
    """
    calloff = slot.calloff
    _require_team(actor, calloff, _("Only the call-off's team can record the minutes."))
    if not minutes.strip():
        raise ValidationError({"minutes": _("Write the minutes of the meeting.")})
    with transaction.atomic():
        slot = DialogueSlot.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=slot.pk)
        now = clock.now()
        if slot.supplier_id is None:
            raise CallOffError(_("No supplier booked this time, so there is no meeting to keep minutes of."))
        if now < slot.starts_at:
            raise CallOffError(_("The meeting has not started yet. Record the minutes when it is held."))
        corrected = slot.minutes_shared_at is not None
        share = share or corrected
        slot.minutes, slot.minutes_by = minutes.strip(), actor
        fields = ["minutes", "minutes_by"]
        if share:
            slot.minutes_shared_at = now
            fields.append("minutes_shared_at")
        slot.save(update_fields=fields)
        payload = {"slot": slot.pk, "supplier": slot.supplier_id, "corrected": corrected,
                   "sha256": hashlib.sha256(slot.minutes.encode()).hexdigest()}
        audit_log(actor=actor, verb="calloff.dialogue_minutes_shared" if share else "calloff.dialogue_minutes_saved",
                  obj=calloff, organisation=calloff.agency,
                  payload=payload | ({"minutes": slot.minutes} if share else {}))
        if share:
            notify(recipients=_supplier_representatives([slot.supplier_id]), kind="calloff.dialogue_minutes",
                   subject=gettext_lazy("Minutes of your dialogue meeting in %(reference)s"),
                   body=gettext_lazy("%(agency)s has shared the minutes of your dialogue meeting %(starts)s in the "
                                     "call-off “%(title)s”. Read them in Innoköp."),
                   params={"reference": calloff.reference, "agency": calloff.agency.name, "title": calloff.title,
                           "starts": slot.starts_at},
                   url=_detail_url(calloff) + "#dialogue")
    return slot
