"""The procurement record (upphandlingsdokumentation) of a call-off, exported as one ZIP (rule 11).

The export is built by a background task in steps, saving its progress so the page can show it:
a PDF summary, every document and version, questions and answers, clarifications, dialogue
meetings and minutes, the opening record, the opened tenders, the evaluation, the decision, the
contract and the audit trail. A manifest lists every file with its SHA-256.

Tenders are in the record only after opening, decrypted with the opening's two openers; before
the deadline the record says nothing about tenders at all (rule 6).
"""

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from innokop.accounts.models import User
from innokop.accounts.permissions import Actor, actor_for
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.documents import TEXT, safe_filename
from innokop.core.exports import Report, csv_bytes
from innokop.core.models import AuditEvent, Document
from innokop.core.refusals import Refused

from . import decision_documents, sealing
from .models import DECISION_LANGUAGE, CallOff, CallOffStatus, ConsensusScore, RecordExport, Score, Tender
from .permissions import is_agency_member
from .services import award, opening
from .tender_content import TenderContent, TenderContentError

File = tuple[str, bytes]


class RecordError(Refused):
    """A refused export; the message says why."""

    code = "record_refused"


def record_export_request(*, actor: User, calloff: CallOff) -> RecordExport:
    """Anyone in the agency may export its procurement record; the file is built in the background."""
    if not is_agency_member(actor_for(actor), calloff):
        raise RecordError(_("Only the agency that owns the call-off can export its procurement record."))
    with transaction.atomic():
        export = RecordExport.objects.create(calloff=calloff, requested_by=actor, requested_at=clock.now(),
                                             step=_("Waiting to start"))
        audit_log(actor=actor, verb="calloff.record_exported", obj=calloff, organisation=calloff.agency,
                  payload={"export": export.pk})
        transaction.on_commit(lambda: build_record_export.enqueue(export.pk))
    return export


@task()
def build_record_export(export_id: int) -> None:
    export = RecordExport.objects.select_related("calloff", "requested_by").get(pk=export_id)
    if export.finished_at:
        return  # a retried task must not build twice
    with translation.override(export.requested_by.language or settings.LANGUAGE_CODE):
        try:
            _build(export)
        except Exception as error:  # the page must say it failed rather than spin for ever
            RecordExport.objects.filter(pk=export.pk).update(failed=f"{type(error).__name__}: {error}",
                                                             finished_at=clock.now())
            raise


def _progress(export: RecordExport, percent: int, step: str) -> None:
    RecordExport.objects.filter(pk=export.pk).update(progress=percent, step=step)


def _build(export: RecordExport) -> None:
    calloff = CallOff.objects.select_related("agency", "lot__agreement").get(pk=export.calloff_id)
    parts: list[tuple[str, Callable[[CallOff], list[File]]]] = [
        (_("Summary"), _summary), (_("Documents and versions"), _documents),
        (_("Questions and answers"), _questions), (_("Clarifications"), _clarifications),
        (_("Dialogue meetings"), _meetings), (_("Ranking order offers"), _offers),
        (_("Opening record"), _opening), (_("Tenders"), _tenders), (_("Evaluation"), _evaluation),
        (_("Award decision and contract"), lambda c: _decision(c, actor_for(export.requested_by))),
        (_("Audit trail"), _audit),
    ]
    files: list[File] = []
    for number, (label, build) in enumerate(parts):
        _progress(export, round(number * 95 / len(parts)), label)
        files.extend(build(calloff))
    _progress(export, 95, _("Packing the ZIP file"))
    data = _zip(calloff, files)
    export.file.save(f"{calloff.reference}-{clock.now():%Y%m%d%H%M%S}.zip", ContentFile(data), save=False)
    export.sha256, export.progress, export.step = hashlib.sha256(data).hexdigest(), 100, _("Ready")
    export.finished_at = clock.now()
    export.save(update_fields=["file", "sha256", "progress", "step", "finished_at"])


def _zip(calloff: CallOff, files: list[File]) -> bytes:
    manifest = [{"file": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in files]
    buffer = io.BytesIO()
    root = f"{calloff.reference}/"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(root + name, data)
        archive.writestr(root + "manifest.json", _json({"call_off": calloff.reference, "created_at": clock.now(),
                                                        "files": manifest}))
    return buffer.getvalue()


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_default).encode("utf-8")


def _default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


# --- the parts -------------------------------------------------------------------------------------


def _summary(calloff: CallOff) -> list[File]:
    now = clock.now()
    report = Report(title=_("Procurement record %(reference)s") % {"reference": calloff.reference},
                    subtitle=f"{calloff.title} · {calloff.agency.name}",
                    footer=_("Innoköp, created %(moment)s") % {"moment": _when(now)})
    report.heading(_("The call-off"))
    report.facts([
        (_("Framework agreement"), f"{calloff.lot.agreement.reference} {calloff.lot.agreement.title}"),
        (_("Lot"), str(calloff.lot)), (_("Method"), calloff.get_method_display()),
        (_("Status"), calloff.state_label(now)),
        (_("Estimated value"), f"{calloff.estimated_value} SEK" if calloff.estimated_value is not None else ""),
        (_("Evaluation model"), calloff.get_evaluation_model_display()),
        (_("Published"), _when(calloff.published_at)), (_("Tender deadline"), _when(calloff.tender_deadline)),
        (_("Contract period"), f"{calloff.contract_start or ''} – {calloff.contract_end or ''}"),
    ])
    report.heading(_("The need"))
    report.paragraph(calloff.need)
    if calloff.status == CallOffStatus.CANCELLED:
        report.heading(_("Cancelled"))
        report.paragraph(f"{_when(calloff.cancelled_at)}: {calloff.cancel_reason}")
    invited = [f"{i.supplier.name} ({_when(i.invited_at)})" for i in calloff.invitations.select_related("supplier")]
    if invited:
        report.heading(_("Invited suppliers"))
        report.bullets(invited)
    report.heading(_("Contents of the record"))
    report.paragraph(_("questions_and_answers.csv, clarifications.csv and the documents folder, "
                       "dialogue_meetings.csv, ranking_offers.csv, opening_record.json, the tenders folder, "
                       "evaluation.json and scores.csv, decision.pdf, decision.docx, decision.json and "
                       "contract.json, audit_trail.csv. "
                       "manifest.json lists the SHA-256 of every file."))
    return [("summary.pdf", report.output())]


def _documents(calloff: CallOff) -> list[File]:
    files = []
    documents = Document.objects.filter(attached_to=f"calloffs.calloff:{calloff.pk}").prefetch_related("versions")
    for document in documents:
        for version in sorted(document.versions.all(), key=lambda v: v.number):
            with version.file.open("rb") as handle:
                data = handle.read()
            files.append((f"documents/{_folder(document.title)}/v{version.number}-{version.safe_name}", data))
    return files


def _folder(title: str) -> str:
    """A folder name safe in any ZIP tool: the stem of the document's safe file name."""
    return safe_filename(f"{title}.txt", TEXT).rsplit(".", 1)[0]


def _questions(calloff: CallOff) -> list[File]:
    rows = [(q.pk, q.supplier.name, _when(q.asked_at), q.text, _when(q.answered_at), q.answer)
            for q in calloff.questions.select_related("supplier").order_by("asked_at", "pk")]
    return [("questions_and_answers.csv", csv_bytes(
        [_("No."), _("Asked by (not shown to other suppliers)"), _("Asked"), _("Question"), _("Answered"),
         _("Answer")], rows))]


def _clarifications(calloff: CallOff) -> list[File]:
    rows = [(c.pk, c.get_kind_display(), c.title, c.text, _when(c.published_at),
             c.document_version.safe_name if c.document_version else "",
             c.document_version.number if c.document_version else "")
            for c in calloff.clarifications.select_related("document_version")]
    return [("clarifications.csv", csv_bytes(
        [_("No."), _("Kind"), _("Title"), _("Text"), _("Published"), _("File"), _("Version")], rows))]


def _meetings(calloff: CallOff) -> list[File]:
    rows = [(_when(s.starts_at), _when(s.ends_at), s.place, s.supplier.name if s.supplier else "",
             _when(s.booked_at), s.minutes, _when(s.minutes_shared_at))
            for s in calloff.slots.select_related("supplier")]
    return [("dialogue_meetings.csv", csv_bytes(
        [_("Starts"), _("Ends"), _("Place or link"), _("Booked by"), _("Booked"), _("Minutes"),
         _("Minutes shared")], rows))]


def _offers(calloff: CallOff) -> list[File]:
    rows = [(o.rank, o.supplier.name, _when(o.offered_at), _when(o.answer_by), o.get_status_display(), o.reason,
             _when(o.answered_at)) for o in calloff.offers.select_related("supplier")]
    if not rows:
        return []
    return [("ranking_offers.csv", csv_bytes(
        [_("Rank"), _("Supplier"), _("Offered"), _("Answer by"), _("Answer"), _("Reason"), _("Answered")], rows))]


def _opening_record(calloff: CallOff):
    record = getattr(calloff, "opening", None)
    return record if record is not None and record.opened_at else None


def _opened_ids(record) -> list[int]:
    return [entry["tender"] for entry in opening.opened_entries(record)]


def _opening(calloff: CallOff) -> list[File]:
    record = _opening_record(calloff)
    if record is None:
        return []
    # Withdrawn tenders are only counted, as on the opening page: a supplier that withdrew did not tender.
    return [("opening_record.json", _json({
        "started_by": record.started_by.full_name, "started_at": record.started_at,
        "confirmed_by": record.confirmed_by.full_name, "opened_at": record.opened_at,
        "tenders": opening.opened_entries(record), "withdrawn": opening.withdrawn_count(record)}))]


def _tenders(calloff: CallOff) -> list[File]:
    """The opened tenders as the suppliers sealed them; nothing at all before opening."""
    record = _opening_record(calloff)
    if record is None:
        return []
    key = sealing.unwrap_for_opening(calloff.data_key, deadline=calloff.tender_deadline, now=clock.now(),
                                     openers=record.openers)
    files = []
    for tender in Tender.objects.filter(calloff=calloff, pk__in=_opened_ids(record)).select_related("supplier"):
        submission = tender.submissions.filter(superseded_at__isnull=True, withdrawn_at__isnull=True).first()
        if submission is None:
            continue
        folder = f"tenders/{_folder(tender.supplier.name)}"
        try:
            plaintext = sealing.open_sealed(key, sealing.SealedBlob(submission.sealed, submission.sha256),
                                            calloff_id=calloff.pk, tender_id=tender.pk)
            content = TenderContent.from_bytes(plaintext)
        except (sealing.SealingError, TenderContentError) as error:
            # As at the opening: a tender that does not verify is recorded as such, and the record goes on.
            files.append((f"{folder}/tender.json", _json({
                "supplier": tender.supplier.name, "submission": submission.number, "sha256": submission.sha256,
                "verified": False, "reason": str(error), "sealed": submission.sealed,
                "status": tender.get_status_display(), "rejection_reason": tender.rejection_reason})))
            continue
        files.append((f"{folder}/sealed_content.json", plaintext))
        files.append((f"{folder}/tender.json", _json({
            "supplier": tender.supplier.name, "submission": submission.number, "submitted_at": submission.submitted_at,
            "sha256": submission.sha256, "verified": True, "status": tender.get_status_display(),
            "rejection_reason": tender.rejection_reason,
            "requirements": {pk: {"meets": a.meets, "evidence": a.evidence} for pk, a in content.requirements.items()},
            "criteria": content.criteria, "total_price": content.total_price, "prices": content.prices,
            "attachments": [a.name for a in content.attachments]})))
        files.extend((f"{folder}/attachments/{a.name}", a.data) for a in content.attachments)
    return files


def _evaluation(calloff: CallOff) -> list[File]:
    files = []
    evaluation = getattr(calloff, "evaluation", None)
    if evaluation is not None:
        files.append(("evaluation.json", _json({
            "completed_by": evaluation.completed_by.full_name, "completed_at": evaluation.completed_at,
            "ranking": evaluation.ranking, "notes": evaluation.notes,
            "winner": evaluation.winner.supplier.name if evaluation.winner else None})))
    declarations = [(d.evaluator.full_name, _when(d.declared_at), d.statement)
                    for d in calloff.declarations.select_related("evaluator")]
    if declarations:
        files.append(("conflict_of_interest_declarations.csv",
                      csv_bytes([_("Evaluator"), _("Declared"), _("Statement")], declarations)))
    scores = [(s.tender.supplier.name, s.criterion.lot_criterion.name, s.evaluator.full_name, s.score, s.comment)
              for s in _scores(calloff)]
    consensus = [(s.tender.supplier.name, s.criterion.lot_criterion.name, _("consensus"), s.score, s.reason)
                 for s in ConsensusScore.objects.filter(tender__calloff=calloff).select_related(
                     "tender__supplier", "criterion__lot_criterion")]
    if scores or consensus:
        files.append(("scores.csv", csv_bytes([_("Supplier"), _("Criterion"), _("Evaluator"), _("Score"),
                                               _("Reasons")], scores + consensus)))
    return files


def _scores(calloff: CallOff):
    return Score.objects.filter(tender__calloff=calloff).select_related(
        "tender__supplier", "criterion__lot_criterion", "evaluator").order_by("tender__supplier__name", "criterion")


def _decision(calloff: CallOff, actor: Actor) -> list[File]:
    """The decision as sent (its PDF and DOCX in Swedish, the legal text, as the agency reads them) and the
    contract."""
    files = []
    decision = getattr(calloff, "decision", None)
    if decision is not None:
        with translation.override(DECISION_LANGUAGE):
            content = award.decision_content(calloff, actor)
            files.append(("decision.pdf", decision_documents.decision_pdf(content)))
            files.append(("decision.docx", decision_documents.decision_docx(content)))
        files.append(("decision.json", _json({
            "winner": decision.winner.supplier.name, "reasons": decision.reasons, "advantages": decision.advantages,
            "standstill": decision.standstill, "standstill_ends": decision.standstill_ends,
            "sent_by": decision.sent_by.full_name, "sent_at": decision.sent_at})))
    contract = getattr(calloff, "contract", None)
    if contract is not None:
        files.append(("contract.json", _json({
            "agency": contract.agency.name, "supplier": contract.supplier.name, "value": contract.value,
            "starts_on": contract.starts_on, "ends_on": contract.ends_on, "signed_at": contract.signed_at,
            "signed_by": contract.signed_by.full_name,
            "requirements": [f"{r.identifier} {r.text}" for r in contract.requirements.all()]})))
    return files


def _audit(calloff: CallOff) -> list[File]:
    """Every audit event about the call-off or anything in it, in the order of the hash chain.

    Before opening, the events about tenders are left out: they would show who has tendered.
    """
    related = Q(object_type="calloffs.calloff", object_id=str(calloff.pk))
    # Events about tenders name the bidders: sealed until the tenders are opened (rule 6), and then
    # only those opened; a draft never submitted, or a tender withdrawn, was no tender.
    tenders = _opened_ids(_opening_record(calloff))
    for model_label, ids in (("calloffs.tender", tenders),
                             ("calloffs.calloffquestion", calloff.questions.values_list("pk", flat=True)),
                             ("calloffs.clarification", calloff.clarifications.values_list("pk", flat=True)),
                             ("calloffs.dialogueslot", calloff.slots.values_list("pk", flat=True)),
                             ("calloffs.rankingoffer", calloff.offers.values_list("pk", flat=True))):
        related |= Q(object_type=model_label, object_id__in=[str(pk) for pk in ids])
    rows = [(e.pk, e.created_at.isoformat(), e.actor_label, e.verb, e.object_type, e.object_id,
             json.dumps(e.payload, ensure_ascii=False, default=_default), e.hash)
            for e in AuditEvent.objects.filter(related).order_by("pk")]
    return [("audit_trail.csv", csv_bytes(
        [_("No."), _("Time (UTC)"), _("Who"), _("Event"), _("Object"), _("Object id"), _("Details"), _("Hash")],
        rows))]
