"""The market in a pre-study: requests for information (RFI, "tidig dialog"), the suppliers' answers, one-to-one
meetings offered on equal terms, the equal-treatment log and what was shared with some suppliers only, and
entries of ongoing development.

Every contact with a supplier goes into the equal-treatment log (`ContactLogEntry`) in the same transaction as the
change: the RFI published (to whom it was told), each answer received or changed, meetings offered, booked and
held, and contacts the purchasing body records itself (a question by telephone). What one supplier was told or
given that the others were not is listed for the procurement documents, so every tenderer gets it (article 41 of
directive 2014/24: `shared_with_some`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.accounts.permissions import actor_for
from innokop.agreements.models import LotSupplier
from innokop.catalogue.models import Solution
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.documents import document_create
from innokop.core.models import Document
from innokop.core.notifications import notify
from innokop.core.refusals import Problem
from innokop.reference.models import CpvCode

from ..models import (
    ContactKind,
    ContactLogEntry,
    DialogueStatus,
    MarketDialogue,
    MarketEntry,
    MarketEntryKind,
    MeetingSlot,
    PreStudy,
    RfiResponse,
)
from ..permissions import represented_suppliers
from . import PreStudyError, _members, _require_manager, current_team


class MarketError(PreStudyError):
    code = "market_refused"


def _log(*, prestudy: PreStudy, kind: str, summary: str = "", actor=None, supplier: Organisation | None = None,
         dialogue: MarketDialogue | None = None, shared: str = "", document: Document | None = None,
         details: dict | None = None) -> ContactLogEntry:
    return ContactLogEntry.objects.create(prestudy=prestudy, dialogue=dialogue, supplier=supplier, kind=kind,
                                          summary=summary, details=details or {}, shared=shared.strip(),
                                          document=document, actor=actor, at=clock.now())


def _require_open_prestudy(prestudy: PreStudy) -> None:
    if not prestudy.is_open:
        raise MarketError(_("The pre-study is concluded: its market dialogue is over."), code="prestudy_closed",
                          status=409)


# --- requests for information ----------------------------------------------------------------------------------


def _clean_dialogue(*, title: str, description: str, questions: str, deadline: datetime) -> None:
    problems = []
    if not title.strip():
        problems.append(Problem("title", _("Give the request a title.")))
    if not description.strip():
        problems.append(Problem("description", _("Describe what you want to know and why.")))
    if not [line for line in questions.splitlines() if line.strip(" -•\t")]:
        problems.append(Problem("questions", _("Write at least one question, one per line.")))
    if deadline is None or deadline <= clock.now():
        problems.append(Problem("deadline", _("The last time to answer is in the future.")))
    if problems:
        raise MarketError(problems[0].message, code="invalid_dialogue", problems=problems)


def market_dialogue_create(*, actor, prestudy: PreStudy, title: str, description: str, questions: str,
                           deadline: datetime) -> MarketDialogue:
    """A draft request for information; documents are added to it, then it is published."""
    _require_manager(actor, prestudy)
    _require_open_prestudy(prestudy)
    _clean_dialogue(title=title, description=description, questions=questions, deadline=deadline)
    with transaction.atomic():
        dialogue = MarketDialogue.objects.create(prestudy=prestudy, title=title.strip(), description=description.strip(),
                                                 questions=questions.strip(), deadline=deadline, created_by=actor,
                                                 created_at=clock.now())
        audit_log(actor=actor, verb="market_dialogue.created", obj=dialogue, organisation=prestudy.owner,
                  payload={"prestudy": prestudy.reference, "title": dialogue.title, "deadline": deadline.isoformat(),
                           "questions": dialogue.question_list})
    return dialogue


def market_dialogue_update(*, actor, dialogue: MarketDialogue, title: str, description: str, questions: str,
                           deadline: datetime) -> MarketDialogue:
    """Changes a draft request. A published one keeps its questions and deadline: every supplier answers the same
    request."""
    _require_manager(actor, dialogue.prestudy)
    _clean_dialogue(title=title, description=description, questions=questions, deadline=deadline)
    with transaction.atomic():
        locked = MarketDialogue.objects.select_for_update(no_key=True).get(pk=dialogue.pk)
        if locked.status != DialogueStatus.DRAFT:
            raise MarketError(_("The request is published: it no longer changes, so every supplier answers the same "
                                "request."), code="already_published", status=409)
        locked.title, locked.description = title.strip(), description.strip()
        locked.questions, locked.deadline = questions.strip(), deadline
        locked.save(update_fields=["title", "description", "questions", "deadline"])
        audit_log(actor=actor, verb="market_dialogue.updated", obj=locked, organisation=locked.prestudy.owner,
                  payload={"title": locked.title, "deadline": deadline.isoformat(), "questions": locked.question_list})
    dialogue.refresh_from_db()
    return dialogue


def market_dialogue_document_add(*, actor, dialogue: MarketDialogue, title: str, uploaded) -> Document:
    """A document of the request, checked by content (`core.documents`): public once the request is."""
    _require_manager(actor, dialogue.prestudy)
    if not title.strip():
        raise MarketError(_("Give the document a title."), code="invalid_document",
                          problems=[Problem("title", _("Give the document a title."))])
    with transaction.atomic():
        document = document_create(actor=actor, owner=dialogue.prestudy.owner, title=title.strip(), uploaded=uploaded,
                                   is_public=dialogue.status == DialogueStatus.PUBLISHED,
                                   attached_to=dialogue.document_key)
        audit_log(actor=actor, verb="market_dialogue.document_added", obj=dialogue,
                  organisation=dialogue.prestudy.owner, payload={"document": str(document.pk), "title": document.title})
    return document


def dialogue_documents(dialogue: MarketDialogue):
    return (Document.objects.filter(attached_to=dialogue.document_key, owner_id=dialogue.prestudy.owner_id)
            .prefetch_related("versions").order_by("created_at"))


def matching_suppliers(prestudy: PreStudy) -> list[Organisation]:
    """Suppliers whose CPV codes share a division with the pre-study's: through their published solutions or the
    lots they are admitted to."""
    divisions = sorted({code.division for code in prestudy.cpv_codes.all()})
    if not divisions:
        return []
    same = Q()
    for division in divisions:
        same |= Q(code__startswith=division)
    codes = CpvCode.objects.filter(same).values("code")
    by_solution = Solution.objects.published().filter(cpv_codes__in=codes).values("supplier_id")
    by_lot = LotSupplier.objects.filter(lot__cpv_codes__in=codes).values("supplier_id")
    return list(Organisation.objects.filter(Q(pk__in=by_solution) | Q(pk__in=by_lot),
                                            kind=OrganisationKind.SUPPLIER).order_by("name", "pk"))


def market_dialogue_publish(*, actor, dialogue: MarketDialogue) -> MarketDialogue:
    """Publishes the request on its public page; its documents become public; the suppliers whose CPV codes match
    are told (any registered supplier may answer). Logged as a contact with the market."""
    _require_manager(actor, dialogue.prestudy)
    _require_open_prestudy(dialogue.prestudy)
    with transaction.atomic():
        locked = MarketDialogue.objects.select_for_update(no_key=True).select_related("prestudy__owner").get(pk=dialogue.pk)
        if not locked.can_move_to(DialogueStatus.PUBLISHED):
            raise MarketError(_("The request is already published."), code="already_published", status=409)
        if locked.deadline <= clock.now():
            raise MarketError(_("The last time to answer has passed: a request is published with time to answer."),
                              code="deadline_passed", status=409)
        locked.move_to(DialogueStatus.PUBLISHED)
        locked.published_at = clock.now()
        locked.save(update_fields=["status", "published_at"])
        made_public = Document.objects.filter(attached_to=locked.document_key,
                                              owner_id=locked.prestudy.owner_id).update(is_public=True)
        suppliers = matching_suppliers(locked.prestudy)
        _log(prestudy=locked.prestudy, dialogue=locked, kind=ContactKind.RFI_PUBLISHED, actor=actor,
             details={"told": [s.name for s in suppliers]})
        audit_log(actor=actor, verb="market_dialogue.published", obj=locked, organisation=locked.prestudy.owner,
                  payload={"told": [s.pk for s in suppliers], "deadline": locked.deadline.isoformat(),
                           "documents_made_public": made_public})
        notify(recipients=_members([s.pk for s in suppliers]), kind="prestudy.rfi_published",
               subject=gettext_lazy("Request for information: %(title)s"),
               body=gettext_lazy("%(body)s asks the market about %(title)s, in your field. Any registered supplier "
                                 "may answer by %(deadline)s. Your answer is read by the purchasing body only."),
               params={"body": locked.prestudy.owner.name, "title": locked.title, "deadline": locked.deadline},
               url=reverse("prestudy:rfi_detail", args=[locked.pk]))
    dialogue.refresh_from_db()
    return dialogue


def _clean_answers(dialogue: MarketDialogue, answers: list[str], secrecy_parts: str,
                   secrecy_reasons: str) -> list[dict]:
    questions = dialogue.question_list
    problems = []
    if len(answers) != len(questions):
        problems.append(Problem("answers", _("Give one answer per question (%(count)s).") % {"count": len(questions)}))
    elif not any(str(a or "").strip() for a in answers):
        problems.append(Problem("answer_1", _("Answer at least one question.")))
    elif any(len(str(a or "")) > 20000 for a in answers):
        problems.append(Problem("answers", _("An answer is at most 20000 characters.")))
    if secrecy_parts.strip() and not secrecy_reasons.strip():
        problems.append(Problem("secrecy_reasons", _("Say why disclosing these parts would harm your business.")))
    if secrecy_reasons.strip() and not secrecy_parts.strip():
        problems.append(Problem("secrecy_parts", _("Say which parts of your answer should be secret.")))
    if problems:
        raise MarketError(problems[0].message, code="invalid_answer", problems=problems)
    return [{"question": q, "answer": str(a or "").strip()} for q, a in zip(questions, answers, strict=True)]


def rfi_answer(*, actor, dialogue: MarketDialogue, supplier: Organisation, answers: list[str],
               secrecy_parts: str = "", secrecy_reasons: str = "") -> RfiResponse:
    """A supplier answers a published request (one answer per supplier, changed until the deadline, read from the
    clock). It may ask for secrecy on parts of it, saying which and why (OSL 31:16): recorded, and reviewed when
    someone asks for the document. The purchasing body's team is told; the answer is logged."""
    if supplier not in represented_suppliers(actor_for(actor)):
        raise MarketError(_("Only the supplier's representatives answer for it."), code="not_representative",
                          status=403)
    if not dialogue.is_open(clock.now()):
        raise MarketError(_("The request is not open for answers."), code="dialogue_closed", status=409)
    cleaned = _clean_answers(dialogue, answers, secrecy_parts, secrecy_reasons)
    now = clock.now()
    with transaction.atomic():
        response = RfiResponse.objects.select_for_update(no_key=True).filter(dialogue=dialogue, supplier=supplier).first()
        created = response is None
        if created:
            response = RfiResponse(dialogue=dialogue, supplier=supplier, created_at=now)
        response.answers, response.answered_by, response.updated_at = cleaned, actor, now
        response.secrecy_parts, response.secrecy_reasons = secrecy_parts.strip(), secrecy_reasons.strip()
        response.secrecy_requested = bool(response.secrecy_parts)
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            raise MarketError(_("Your colleague answered at the same moment: open the answer and change it."),
                              code="answered_twice", status=409) from None
        _log(prestudy=dialogue.prestudy, dialogue=dialogue, supplier=supplier, kind=ContactKind.ANSWER, actor=actor,
             details={"changed": not created, "secrecy": response.secrecy_requested})
        audit_log(actor=actor, verb="rfi.answered" if created else "rfi.answer_changed", obj=dialogue,
                  organisation=supplier, payload={"supplier": supplier.name, "response": response.pk,
                                                  "secrecy_requested": response.secrecy_requested})
        notify(recipients=current_team(dialogue.prestudy), kind="prestudy.rfi_answered",
               subject=gettext_lazy("%(supplier)s answered %(title)s"),
               body=gettext_lazy("%(supplier)s has answered the request for information “%(title)s”."),
               params={"supplier": supplier.name, "title": dialogue.title},
               url=reverse("prestudy:rfi_response", args=[response.pk]))
    return response


def market_dialogue_summary_publish(*, actor, dialogue: MarketDialogue, summary: str) -> MarketDialogue:
    """After the deadline, the purchasing body publishes what the market said, anonymised, on the public page."""
    _require_manager(actor, dialogue.prestudy)
    if dialogue.status != DialogueStatus.PUBLISHED or dialogue.is_open(clock.now()):
        raise MarketError(_("A summary is published after the last time to answer."), code="dialogue_open", status=409)
    if not summary.strip():
        raise MarketError(_("Write the summary."), code="invalid_summary",
                          problems=[Problem("summary", _("Write the summary."))])
    with transaction.atomic():
        first = dialogue.summary_published_at is None
        dialogue.summary, dialogue.summary_published_at = summary.strip(), clock.now()
        dialogue.save(update_fields=["summary", "summary_published_at"])
        audit_log(actor=actor, verb="market_dialogue.summary_published" if first else "market_dialogue.summary_changed",
                  obj=dialogue, organisation=dialogue.prestudy.owner, payload={"summary": dialogue.summary})
    return dialogue


# --- meetings --------------------------------------------------------------------------------------------------


def answering_suppliers(dialogue: MarketDialogue) -> list[Organisation]:
    return list(Organisation.objects.filter(rfi_responses__dialogue=dialogue).order_by("name", "pk"))


def meeting_offer(*, actor, dialogue: MarketDialogue, starts_at: datetime, minutes_long: int,
                  place: str) -> MeetingSlot:
    """A meeting time offered on equal terms: every supplier that has answered may book it, and each is told."""
    _require_manager(actor, dialogue.prestudy)
    _require_open_prestudy(dialogue.prestudy)
    if dialogue.status != DialogueStatus.PUBLISHED:
        raise MarketError(_("Meetings are offered once the request is published."), code="not_published", status=409)
    problems = []
    if starts_at is None or starts_at <= clock.now():
        problems.append(Problem("starts_at", _("The meeting is in the future.")))
    if not minutes_long or not 15 <= minutes_long <= 480:
        problems.append(Problem("minutes_long", _("A meeting is 15 to 480 minutes long.")))
    if not place.strip():
        problems.append(Problem("place", _("Say where the meeting is, or give the link.")))
    if problems:
        raise MarketError(problems[0].message, code="invalid_meeting", problems=problems)
    suppliers = answering_suppliers(dialogue)
    with transaction.atomic():
        slot = MeetingSlot.objects.create(dialogue=dialogue, starts_at=starts_at, minutes_long=minutes_long,
                                          place=place.strip(), created_at=clock.now())
        _log(prestudy=dialogue.prestudy, dialogue=dialogue, kind=ContactKind.MEETING_OFFERED, actor=actor,
             details={"told": [s.name for s in suppliers], "starts": starts_at.isoformat()})
        audit_log(actor=actor, verb="meeting.offered", obj=dialogue, organisation=dialogue.prestudy.owner,
                  payload={"slot": slot.pk, "starts_at": starts_at.isoformat(), "minutes": minutes_long,
                           "told": [s.pk for s in suppliers]})
        notify(recipients=_members([s.pk for s in suppliers]), kind="prestudy.meeting_offered",
               subject=gettext_lazy("A meeting time about %(title)s"),
               body=gettext_lazy("%(body)s offers one-to-one meetings about “%(title)s” to every supplier that "
                                 "answered. A time is free: %(starts)s. Each supplier books one meeting."),
               params={"body": dialogue.prestudy.owner.name, "title": dialogue.title, "starts": starts_at},
               url=reverse("prestudy:rfi_detail", args=[dialogue.pk]))
    return slot


def meeting_book(*, actor, slot: MeetingSlot, supplier: Organisation) -> MeetingSlot:
    """A supplier that has answered books one free meeting time of the request."""
    if supplier not in represented_suppliers(actor_for(actor)):
        raise MarketError(_("Only the supplier's representatives book for it."), code="not_representative", status=403)
    dialogue = slot.dialogue
    if not RfiResponse.objects.filter(dialogue=dialogue, supplier=supplier).exists():
        raise MarketError(_("Meetings are for the suppliers that answered the request: answer first."),
                          code="answer_first", status=409)
    try:
        with transaction.atomic():
            locked = MeetingSlot.objects.select_for_update(no_key=True).get(pk=slot.pk)
            if locked.supplier_id is not None:
                raise MarketError(_("The time is already booked: choose another."), code="slot_taken", status=409)
            if locked.starts_at <= clock.now():
                raise MarketError(_("The time has passed."), code="slot_passed", status=409)
            locked.supplier, locked.booked_by, locked.booked_at = supplier, actor, clock.now()
            locked.save(update_fields=["supplier", "booked_by", "booked_at"])
            _log(prestudy=dialogue.prestudy, dialogue=dialogue, supplier=supplier, kind=ContactKind.MEETING_BOOKED,
                 actor=actor, details={"starts": locked.starts_at.isoformat()})
            audit_log(actor=actor, verb="meeting.booked", obj=dialogue, organisation=supplier,
                      payload={"slot": locked.pk, "supplier": supplier.name})
            notify(recipients=current_team(dialogue.prestudy), kind="prestudy.meeting_booked",
                   subject=gettext_lazy("%(supplier)s booked a meeting"),
                   body=gettext_lazy("%(supplier)s booked the meeting of %(starts)s about “%(title)s”."),
                   params={"supplier": supplier.name, "starts": locked.starts_at, "title": dialogue.title},
                   url=reverse("prestudy:rfi_responses", args=[dialogue.pk]))
    except IntegrityError:
        raise MarketError(_("%(supplier)s has already booked a meeting about this request.") % {
            "supplier": supplier.name}, code="already_booked", status=409) from None
    return locked


def meeting_minutes_record(*, actor, slot: MeetingSlot, minutes: str, shared: str = "") -> MeetingSlot:
    """The purchasing body's minutes of a booked meeting once it has begun; what the supplier was told or given
    that others were not goes to the list for the procurement documents."""
    dialogue = slot.dialogue
    _require_manager(actor, dialogue.prestudy)
    if slot.supplier_id is None:
        raise MarketError(_("Nobody booked this time: there is nothing to record."), code="not_booked", status=409)
    if slot.starts_at > clock.now():
        raise MarketError(_("Minutes are recorded once the meeting has begun."), code="meeting_ahead", status=409)
    if not minutes.strip():
        raise MarketError(_("Write the minutes."), code="invalid_minutes",
                          problems=[Problem("minutes", _("Write the minutes."))])
    with transaction.atomic():
        first = slot.minutes_at is None
        slot.minutes, slot.shared, slot.minutes_at = minutes.strip(), shared.strip(), clock.now()
        slot.save(update_fields=["minutes", "shared", "minutes_at"])
        _log(prestudy=dialogue.prestudy, dialogue=dialogue, supplier=slot.supplier, kind=ContactKind.MEETING,
             actor=actor, summary=slot.minutes, shared=slot.shared)
        audit_log(actor=actor, verb="meeting.minutes_recorded" if first else "meeting.minutes_changed", obj=dialogue,
                  organisation=dialogue.prestudy.owner, payload={"slot": slot.pk, "supplier": slot.supplier.name,
                                                                 "shared": bool(slot.shared)})
    return slot


# --- the equal-treatment log ------------------------------------------------------------------------------------

RECORDED_KINDS = (ContactKind.QUESTION, ContactKind.MEETING, ContactKind.OTHER)


def contact_record(*, actor, prestudy: PreStudy, supplier: Organisation, kind: str, summary: str, shared: str = "",
                   document_title: str = "", uploaded=None) -> ContactLogEntry:
    """A contact with a supplier outside the platform's own steps (a question by telephone, a visit), with what it
    was told or given that others were not, and a document given to it (checked by `core.documents`)."""
    _require_manager(actor, prestudy)
    problems = []
    if supplier is None or supplier.kind != OrganisationKind.SUPPLIER:
        problems.append(Problem("supplier", _("Choose the supplier.")))
    if kind not in RECORDED_KINDS:
        problems.append(Problem("kind", _("Choose the kind of contact.")))
    if not summary.strip():
        problems.append(Problem("summary", _("Say what the contact was about.")))
    if uploaded is not None and not document_title.strip():
        problems.append(Problem("document_title", _("Give the document a title.")))
    if problems:
        raise MarketError(problems[0].message, code="invalid_contact", problems=problems)
    with transaction.atomic():
        document = None
        if uploaded is not None:
            document = document_create(actor=actor, owner=prestudy.owner, title=document_title.strip(),
                                       uploaded=uploaded, attached_to=f"prestudy.prestudy:{prestudy.pk}")
        entry = _log(prestudy=prestudy, supplier=supplier, kind=kind, summary=summary.strip(), shared=shared,
                     document=document, actor=actor)
        audit_log(actor=actor, verb="contact.recorded", obj=prestudy, organisation=prestudy.owner,
                  payload={"supplier": supplier.name, "kind": kind, "shared": bool(entry.shared),
                           "document": str(document.pk) if document else None})
    return entry


def shared_with_some(prestudy: PreStudy):
    """What some suppliers were told or given during the pre-study that others were not: for the procurement
    documents, so that every tenderer gets it (article 41 of directive 2014/24)."""
    return (prestudy.contacts.filter(Q(shared__gt="") | Q(document__isnull=False))
            .select_related("supplier", "document", "dialogue").prefetch_related("document__versions"))


# --- market entries --------------------------------------------------------------------------------------------


def market_entry_add(*, actor, prestudy: PreStudy, kind: str, title: str, description: str, source: str,
                     country: str = "SE", solution: Solution | None = None,
                     supplier: Organisation | None = None) -> MarketEntry:
    """Ongoing development in the area (a project, a product, research, a test bed, another country's procurement)
    with its source as text (never fetched), linked to a published solution and its supplier where they exist."""
    _require_manager(actor, prestudy)
    problems = []
    if kind not in MarketEntryKind.values:
        problems.append(Problem("kind", _("Choose the kind of entry.")))
    for name, value in (("title", title), ("description", description), ("source", source)):
        if not value.strip():
            problems.append(Problem(name, _("Fill this in.")))
    if not (len(country) == 2 and country.isalpha()):
        problems.append(Problem("country", _("Give the country as two letters, for example SE.")))
    if solution is not None and not Solution.objects.published().filter(pk=solution.pk).exists():
        problems.append(Problem("solution", _("Link a published solution of the catalogue.")))
    if supplier is not None and supplier.kind != OrganisationKind.SUPPLIER:
        problems.append(Problem("supplier", _("Link a supplier.")))
    if problems:
        raise MarketError(problems[0].message, code="invalid_entry", problems=problems)
    if solution is not None and supplier is None:
        supplier = solution.supplier
    with transaction.atomic():
        entry = MarketEntry.objects.create(prestudy=prestudy, kind=kind, title=title.strip(),
                                           description=description.strip(), source=source.strip(),
                                           country=country.upper(), solution=solution, supplier=supplier,
                                           created_by=actor, created_at=clock.now())
        audit_log(actor=actor, verb="market_entry.added", obj=prestudy, organisation=prestudy.owner,
                  payload={"entry": entry.pk, "kind": kind, "title": entry.title, "source": entry.source,
                           "solution": solution.pk if solution else None,
                           "supplier": supplier.pk if supplier else None})
    return entry
