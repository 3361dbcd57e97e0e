"""Every change to the catalogue goes through here: one transaction, one audit event, notifications on commit.

Suppliers' representatives write their own solutions; framework managers of the purchasing body publish,
return, verify, review evidence and changes, and curate collections.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind, Role, User
from innokop.accounts.permissions import actor_for
from innokop.agreements.models import Lot, LotSupplier
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.documents import JPEG, PNG, document_create, validate_upload
from innokop.core.html import sanitise_html
from innokop.core.models import Document
from innokop.core.notifications import notify
from innokop.core.refusals import Problem, Refused

from . import indexing
from .models import (
    AttachmentKind,
    Collection,
    CollectionItem,
    Evidence,
    ReferenceCase,
    ReviewDecision,
    ReviewStatus,
    Solution,
    SolutionAttachment,
    SolutionReview,
    SolutionStatus,
    represented_suppliers,
)


class CatalogueError(Refused):
    """A refused change; the message says why and what to do."""

    code = "catalogue_refused"


SCALAR_FIELDS = ("title", "summary", "problem", "how_it_works", "effects", "nationwide", "trl", "pricing_model",
                 "pricing_details", "accessibility", "data_location")
RICH_FIELDS = ("problem", "how_it_works", "effects", "accessibility")
RELATION_FIELDS = ("cpv_codes", "regions", "lots")
EDITABLE_FIELDS = SCALAR_FIELDS + RELATION_FIELDS


# --- who may do what -------------------------------------------------------------------------------------------

def _require_representative(user: User, supplier: Organisation) -> None:
    if supplier.kind != OrganisationKind.SUPPLIER or supplier.pk not in represented_suppliers(actor_for(user)):
        raise CatalogueError(_("Only the supplier's own representatives may change its solutions."))


def _require_manager(user: User) -> None:
    if not actor_for(user).is_framework_manager:
        raise CatalogueError(_("Only framework managers of the purchasing body may do this."))


def _require_status(solution: Solution, *allowed: str) -> None:
    if solution.status not in allowed:
        raise CatalogueError(
            _("This cannot be done while the solution is “%(status)s”.") % {"status": solution.get_status_display()}
        )


def _require_reason(reason: str, *, field: str = "reason") -> str:
    """The reason the supplier is told; a missing one is refused on its `field` (the page marks that field)."""
    reason = (reason or "").strip()
    if not reason:
        message = str(_("Give a reason: the supplier will see it."))
        raise CatalogueError(message, problems=[Problem(field, message)])
    return reason


def _locked(solution: Solution) -> Solution:
    return Solution.objects.select_for_update(no_key=True).select_related("supplier").get(pk=solution.pk)


# --- recipients and messages -----------------------------------------------------------------------------------

def supplier_representatives(supplier: Organisation) -> models.QuerySet[User]:
    return User.objects.filter(
        memberships__organisation=supplier,
        memberships__role__in=[Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN],
    ).distinct()


def framework_managers() -> models.QuerySet[User]:
    return User.objects.filter(
        memberships__role=Role.FRAMEWORK_MANAGER, memberships__organisation__kind=OrganisationKind.CPB
    ).distinct()


def _tell_supplier(solution: Solution, *, kind: str, subject, body, reason: str = "") -> None:
    notify(
        recipients=supplier_representatives(solution.supplier), kind=kind, subject=subject, body=body,
        url=reverse("catalogue:solution_tasks", args=[solution.pk]),
        params={"title": solution.title, "reason": reason},
    )


def _tell_managers(solution: Solution, *, kind: str, subject, body) -> None:
    notify(
        recipients=framework_managers(), kind=kind, subject=subject, body=body,
        url=reverse("catalogue:review_solution", args=[solution.pk]),
        params={"title": solution.title, "supplier": solution.supplier.name},
    )


def _record(solution: Solution, *, actor: User, decision: str, reason: str = "", payload: dict | None = None) -> None:
    SolutionReview.objects.create(solution=solution, decision=decision, reason=reason, actor=actor,
                                  created_at=clock.now())
    audit_log(actor=actor, verb=f"solution.{decision}", obj=solution, organisation=solution.supplier,
              payload={"reason": reason, **(payload or {})})


# --- the values of a solution ----------------------------------------------------------------------------------

def _pks(items: Iterable[Any]) -> list:
    return sorted({getattr(item, "pk", item) for item in items or []}, key=str)


def _check_lots(supplier: Organisation, lot_ids: list) -> None:
    admitted = set(LotSupplier.objects.filter(
        supplier=supplier, lot_id__in=lot_ids, lot__agreement__published_at__isnull=False,
        lot__agreement__terminated_at__isnull=True).values_list("lot_id", flat=True))
    if set(int(pk) for pk in lot_ids) - admitted:
        raise CatalogueError(_("A solution can only be offered through lots the supplier is admitted to."))


def clean_values(supplier: Organisation, values: dict) -> tuple[dict, dict]:
    """Split the values into fields and relations (as primary keys), sanitise rich text, check the lots."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise CatalogueError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    scalars = {name: values[name] for name in SCALAR_FIELDS if name in values}
    for name in RICH_FIELDS:
        if name in scalars:
            scalars[name] = sanitise_html(scalars[name] or "")
    for name in ("title", "summary", "pricing_details"):
        if name in scalars:
            scalars[name] = (scalars[name] or "").strip()
    if "title" in scalars and not scalars["title"]:
        raise CatalogueError(_("Enter the name of the solution."))
    if scalars.get("trl") is not None and not 1 <= int(scalars["trl"]) <= 9:
        raise CatalogueError(_("The technology readiness level is a number from 1 to 9."))
    relations = {name: _pks(values[name]) for name in RELATION_FIELDS if name in values}
    for name in ("cpv_codes", "regions"):
        known = Solution._meta.get_field(name).related_model.objects.filter(pk__in=relations.get(name, []))
        if name in relations and known.count() != len(relations[name]):
            raise CatalogueError(_("Unknown CPV codes or regions: check the codes."))
    if relations.get("lots"):
        _check_lots(supplier, relations["lots"])
    return scalars, relations


def _apply(solution: Solution, scalars: dict, relations: dict) -> None:
    for name, value in scalars.items():
        setattr(solution, name, value)
    try:
        solution.full_clean(exclude=["supplier", "created_by", "cpv_codes", "regions", "lots"])
    except ValidationError as error:
        raise CatalogueError(" ".join(error.messages)) from error
    solution.save(update_fields=[*scalars, "updated_at"])
    for name, pks in relations.items():
        getattr(solution, name).set(pks)


def current_values(solution: Solution) -> dict:
    """The solution's values as a service takes them, with any proposed changes laid over them."""
    return {**_published_values(solution), **(solution.pending_changes or {})}


# --- solutions -------------------------------------------------------------------------------------------------

def solution_create(*, actor: User, supplier: Organisation, **values: Any) -> Solution:
    _require_representative(actor, supplier)
    scalars, relations = clean_values(supplier, values)
    with transaction.atomic():
        solution = Solution(supplier=supplier, created_by=actor, title=scalars.pop("title", ""),
                            summary=scalars.pop("summary", ""))
        if not solution.title:
            raise CatalogueError(_("Enter the name of the solution."))
        solution.save()
        _apply(solution, scalars, relations)
        audit_log(actor=actor, verb="solution.created", obj=solution, organisation=supplier,
                  payload={"title": solution.title})
    return solution


def solution_update(*, actor: User, solution: Solution, **values: Any) -> Solution:
    """A draft changes at once; a published solution keeps its text until the proposed changes are approved."""
    _require_representative(actor, solution.supplier)
    scalars, relations = clean_values(solution.supplier, values)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.DRAFT, SolutionStatus.PUBLISHED)
        if solution.status == SolutionStatus.DRAFT:
            _apply(solution, scalars, relations)
            audit_log(actor=actor, verb="solution.updated", obj=solution, organisation=solution.supplier,
                      payload={"fields": sorted([*scalars, *relations])})
            return solution
        _propose(solution, actor=actor, changes={**scalars, **relations})
    return solution


def _published_values(solution: Solution) -> dict:
    values = {name: getattr(solution, name) for name in SCALAR_FIELDS}
    values.update({name: _pks(getattr(solution, name).all()) for name in RELATION_FIELDS})
    return values


def _propose(solution: Solution, *, actor: User, changes: dict) -> None:
    """Lay the changes over earlier proposals; a value set back to the published one is no change."""
    published = _published_values(solution)
    proposed = {**(solution.pending_changes or {}), **changes}
    proposed = {name: value for name, value in proposed.items() if value != published[name]}
    if not proposed and solution.pending_changes is None:
        return
    first = not solution.has_pending_changes
    solution.pending_changes = proposed or None
    solution.pending_submitted_at = clock.now()
    solution.save(update_fields=["pending_changes", "pending_submitted_at", "updated_at"])
    audit_log(actor=actor, verb="solution.changes_proposed", obj=solution, organisation=solution.supplier,
              payload={"fields": sorted(changes)})
    if first:
        _tell_managers(solution, kind="catalogue.changes_proposed",
                       subject=_("Changes to review: %(title)s"),
                       body=_("%(supplier)s proposes changes to the published solution “%(title)s”."))


def _mark_pending(solution: Solution) -> None:
    """Something added to a published solution: it waits for the framework manager like an edit."""
    first = not solution.has_pending_changes
    solution.pending_submitted_at = clock.now()
    solution.save(update_fields=["pending_submitted_at", "updated_at"])
    if first:
        _tell_managers(solution, kind="catalogue.changes_proposed",
                       subject=_("Changes to review: %(title)s"),
                       body=_("%(supplier)s proposes changes to the published solution “%(title)s”."))


def missing_sections(solution: Solution) -> list[str]:
    """What must be filled in before the solution can be submitted (the task list shows the same)."""
    missing = []
    if not solution.summary or not solution.problem or not solution.how_it_works:
        missing.append(str(_("Describe the solution: summary, the problem it solves and how it works.")))
    if not solution.effects:
        missing.append(str(_("Describe the effects and the evidence behind them.")))
    if solution.trl is None or not solution.cpv_codes.exists():
        missing.append(str(_("Choose the technology readiness level and at least one CPV code.")))
    if not solution.nationwide and not solution.regions.exists():
        missing.append(str(_("Choose the regions where the solution is available, or all of Sweden.")))
    if not solution.pricing_model or not solution.data_location:
        missing.append(str(_("Give the pricing model and where data is stored.")))
    return missing


def solution_submit(*, actor: User, solution: Solution) -> Solution:
    _require_representative(actor, solution.supplier)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.DRAFT)
        missing = missing_sections(solution)
        if missing:
            raise CatalogueError(" ".join(missing))
        solution.move_to(SolutionStatus.SUBMITTED)
        solution.submitted_at = clock.now()
        solution.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_log(actor=actor, verb="solution.submitted", obj=solution, organisation=solution.supplier)
        _tell_managers(solution, kind="catalogue.submitted", subject=_("New solution to review: %(title)s"),
                       body=_("%(supplier)s has submitted “%(title)s” for review."))
    return solution


def _set_documents_public(solution: Solution, public: bool) -> None:
    attachments = solution.attachments.filter(pending=False).values_list("document_id", flat=True)
    evidence = solution.evidence.exclude(document=None)
    if public:
        evidence = evidence.filter(status=ReviewStatus.ACCEPTED)
    evidence = evidence.values_list("document_id", flat=True)
    Document.objects.filter(pk__in=[*attachments, *evidence]).update(is_public=public)


def solution_publish(*, actor: User, solution: Solution, reason: str = "") -> Solution:
    _require_manager(actor)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.SUBMITTED)
        solution.move_to(SolutionStatus.PUBLISHED)
        solution.published_at = clock.now()
        solution.save(update_fields=["status", "published_at", "updated_at"])
        _set_documents_public(solution, True)
        _record(solution, actor=actor, decision=ReviewDecision.PUBLISHED, reason=reason.strip())
        indexing.solution_index(solution)
        _tell_supplier(solution, kind="catalogue.published", reason=reason.strip(),
                       subject=_("Your solution is published: %(title)s"),
                       body=_("The purchasing body has published “%(title)s” in the catalogue. %(reason)s"))
    return solution


def solution_return(*, actor: User, solution: Solution, reason: str) -> Solution:
    _require_manager(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.SUBMITTED)
        solution.move_to(SolutionStatus.DRAFT)
        solution.save(update_fields=["status", "updated_at"])
        _record(solution, actor=actor, decision=ReviewDecision.RETURNED, reason=reason)
        _tell_supplier(solution, kind="catalogue.returned", reason=reason,
                       subject=_("Your solution needs changes: %(title)s"),
                       body=_("The purchasing body has returned “%(title)s” to you. The reason: %(reason)s"))
    return solution


def solution_verify(*, actor: User, solution: Solution, reason: str) -> Solution:
    _require_manager(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.PUBLISHED)
        if solution.is_verified:
            raise CatalogueError(_("The solution is already verified."))
        if not solution.evidence.filter(status=ReviewStatus.ACCEPTED).exists():
            raise CatalogueError(_("A solution can be verified only when at least one piece of evidence is accepted."))
        solution.verified_at = clock.now()
        solution.verified_by = actor
        solution.verification_reason = reason
        solution.save(update_fields=["verified_at", "verified_by", "verification_reason", "updated_at"])
        indexing.solution_index_only(solution)  # the "verified" facet value
        _record(solution, actor=actor, decision=ReviewDecision.VERIFIED, reason=reason)
        _tell_supplier(solution, kind="catalogue.verified", reason=reason,
                       subject=_("Your solution is verified: %(title)s"),
                       body=_("The purchasing body has verified “%(title)s”. The reason: %(reason)s"))
    return solution


def solution_unverify(*, actor: User, solution: Solution, reason: str) -> Solution:
    _require_manager(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        solution = _locked(solution)
        if not solution.is_verified:
            raise CatalogueError(_("The solution is not verified."))
        solution.verified_at = None
        solution.verified_by = None
        solution.verification_reason = ""
        solution.save(update_fields=["verified_at", "verified_by", "verification_reason", "updated_at"])
        if solution.status == SolutionStatus.PUBLISHED:
            indexing.solution_index_only(solution)  # the "verified" facet value
        _record(solution, actor=actor, decision=ReviewDecision.UNVERIFIED, reason=reason)
        _tell_supplier(solution, kind="catalogue.unverified", reason=reason,
                       subject=_("The verification of your solution is withdrawn: %(title)s"),
                       body=_("The purchasing body has withdrawn the verification of “%(title)s”. "
                              "The reason: %(reason)s"))
    return solution


def solution_changes_approve(*, actor: User, solution: Solution, reason: str = "") -> Solution:
    _require_manager(actor)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.PUBLISHED)
        if not solution.has_pending_changes:
            raise CatalogueError(_("There are no changes to review."))
        changes = solution.pending_changes or {}
        _apply(solution, {k: v for k, v in changes.items() if k in SCALAR_FIELDS},
               {k: v for k, v in changes.items() if k in RELATION_FIELDS})
        solution.reference_cases.filter(pending=True).update(pending=False)
        added = list(solution.attachments.filter(pending=True).values_list("document_id", flat=True))
        solution.attachments.filter(pending=True).update(pending=False)
        Document.objects.filter(pk__in=added).update(is_public=True)
        _clear_pending(solution)
        _record(solution, actor=actor, decision=ReviewDecision.CHANGES_APPROVED, reason=reason.strip(),
                payload={"fields": sorted(changes)})
        indexing.solution_index(solution)
        _tell_supplier(solution, kind="catalogue.changes_approved", reason=reason.strip(),
                       subject=_("Your changes are published: %(title)s"),
                       body=_("The purchasing body has approved your changes to “%(title)s”. %(reason)s"))
    return solution


def solution_changes_reject(*, actor: User, solution: Solution, reason: str) -> Solution:
    _require_manager(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        solution = _locked(solution)
        if not solution.has_pending_changes:
            raise CatalogueError(_("There are no changes to review."))
        fields = sorted(solution.pending_changes or {})
        solution.reference_cases.filter(pending=True).delete()
        solution.attachments.filter(pending=True).delete()  # the documents stay, private, for the record
        _clear_pending(solution)
        _record(solution, actor=actor, decision=ReviewDecision.CHANGES_REJECTED, reason=reason,
                payload={"fields": fields})
        _tell_supplier(solution, kind="catalogue.changes_rejected", reason=reason,
                       subject=_("Your changes were not approved: %(title)s"),
                       body=_("The purchasing body did not approve your changes to “%(title)s”. "
                              "The reason: %(reason)s"))
    return solution


def _clear_pending(solution: Solution) -> None:
    solution.pending_changes = None
    solution.pending_submitted_at = None
    solution.save(update_fields=["pending_changes", "pending_submitted_at", "updated_at"])


def solution_archive(*, actor: User, solution: Solution, reason: str = "") -> Solution:
    """The supplier withdraws its solution, or the purchasing body takes it out of the catalogue."""
    manager = actor_for(actor).is_framework_manager
    if not manager:
        _require_representative(actor, solution.supplier)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.DRAFT, SolutionStatus.SUBMITTED, SolutionStatus.PUBLISHED)
        solution.move_to(SolutionStatus.ARCHIVED)
        solution.archived_at = clock.now()
        solution.featured = False
        solution.save(update_fields=["status", "archived_at", "featured", "updated_at"])
        _set_documents_public(solution, False)
        _record(solution, actor=actor, decision=ReviewDecision.ARCHIVED, reason=reason.strip())
        indexing.solution_remove(solution)
        if manager:
            _tell_supplier(solution, kind="catalogue.archived", reason=reason.strip(),
                           subject=_("Your solution is archived: %(title)s"),
                           body=_("The purchasing body has taken “%(title)s” out of the catalogue. %(reason)s"))
    return solution


def solution_feature(*, actor: User, solution: Solution, featured: bool) -> Solution:
    _require_manager(actor)
    with transaction.atomic():
        solution = _locked(solution)
        if featured:
            _require_status(solution, SolutionStatus.PUBLISHED)
        solution.featured = featured
        solution.save(update_fields=["featured", "updated_at"])
        audit_log(actor=actor, verb="solution.featured" if featured else "solution.unfeatured", obj=solution,
                  organisation=solution.supplier)
    return solution


# --- evidence, reference cases, files --------------------------------------------------------------------------

def evidence_add(*, actor: User, solution: Solution, kind: str, provided_by: str, date: date, description: str,
                 uploaded: Any = None) -> Evidence:
    _require_representative(actor, solution.supplier)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.DRAFT, SolutionStatus.SUBMITTED, SolutionStatus.PUBLISHED)
        document = None
        if uploaded is not None:
            document = document_create(actor=actor, owner=solution.supplier, title=f"{provided_by}: {kind}",
                                       uploaded=uploaded, attached_to=solution.document_key)
        evidence = Evidence.objects.create(solution=solution, kind=kind, provided_by=provided_by.strip(), date=date,
                                           description=description.strip(), document=document)
        audit_log(actor=actor, verb="evidence.added", obj=evidence, organisation=solution.supplier,
                  payload={"solution": solution.pk, "kind": kind})
        if solution.is_published:
            _tell_managers(solution, kind="catalogue.evidence_added", subject=_("New evidence to review: %(title)s"),
                           body=_("%(supplier)s has added evidence to “%(title)s”."))
    return evidence


def evidence_review(*, actor: User, evidence: Evidence, status: str, note: str = "") -> Evidence:
    _require_manager(actor)
    if status not in {ReviewStatus.ACCEPTED, ReviewStatus.REJECTED}:
        raise CatalogueError(_("Choose whether the evidence is accepted or not."))
    if status == ReviewStatus.REJECTED:
        note = _require_reason(note, field="note")
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update(no_key=True).select_related("solution__supplier").get(pk=evidence.pk)
        if evidence.solution.status == SolutionStatus.DRAFT:
            raise CatalogueError(_("Evidence of a draft cannot be reviewed; wait until the supplier submits it."))
        evidence.move_to(status)
        evidence.review_note = note.strip()
        evidence.reviewed_by = actor
        evidence.reviewed_at = clock.now()
        evidence.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
        if evidence.document_id:
            public = status == ReviewStatus.ACCEPTED and evidence.solution.is_published
            Document.objects.filter(pk=evidence.document_id).update(is_public=public)
        audit_log(actor=actor, verb=f"evidence.{status}", obj=evidence, organisation=evidence.solution.supplier,
                  payload={"solution": evidence.solution_id, "note": evidence.review_note})
        _tell_supplier(evidence.solution, kind="catalogue.evidence_reviewed", reason=evidence.review_note,
                       subject=_("Your evidence has been reviewed: %(title)s"),
                       body=_("The purchasing body has reviewed evidence for “%(title)s”. %(reason)s"))
    return evidence


def reference_case_add(*, actor: User, solution: Solution, customer: str, title: str, story: str,
                       year: int) -> ReferenceCase:
    _require_representative(actor, solution.supplier)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.DRAFT, SolutionStatus.PUBLISHED)
        case = ReferenceCase.objects.create(solution=solution, customer=customer.strip(), title=title.strip(),
                                            story=sanitise_html(story), year=year, pending=solution.is_published)
        audit_log(actor=actor, verb="reference_case.added", obj=case, organisation=solution.supplier,
                  payload={"solution": solution.pk, "pending": case.pending})
        if case.pending:
            _mark_pending(solution)
    return case


def reference_case_write_by_buyer(*, actor: User, solution: Solution, buyer: Organisation, title: str, story: str,
                                  effects: str, assessment: str, year: int) -> ReferenceCase:
    """A buyer's own reference case on a published solution (closing the loop after a call-off contract): what
    was bought, the effects achieved and the buyer's assessment. It waits for the purchasing body's review of the
    solution's changes, like a case the supplier adds, and shows once approved. The caller decides that the buyer
    may write it (the follow-up app: a completed contract with this supplier)."""
    if buyer.pk not in actor_for(actor).organisation_ids or buyer.kind != OrganisationKind.AGENCY:
        raise CatalogueError(_("Only the buyer's own members write its reference case."), status=403)
    problems = [Problem(name, _("Fill this in.")) for name, value in
                (("title", title), ("story", story), ("effects", effects), ("assessment", assessment))
                if not value.strip()]
    if problems:
        raise CatalogueError(_("Say what was bought, the effects achieved and your assessment."), problems=problems)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.PUBLISHED)
        case = ReferenceCase.objects.create(
            solution=solution, customer=buyer.name[:200], title=title.strip()[:200], story=sanitise_html(story),
            effects=effects.strip(), assessment=assessment.strip(), year=year, buyer=buyer, pending=True)
        audit_log(actor=actor, verb="reference_case.written_by_buyer", obj=case, organisation=buyer,
                  payload={"solution": solution.pk, "supplier": solution.supplier_id})
        solution.pending_submitted_at = solution.pending_submitted_at or clock.now()
        solution.save(update_fields=["pending_submitted_at", "updated_at"])
        _tell_managers(solution, kind="catalogue.reference_case_to_review",
                       subject=_("A buyer's reference case to review: %(title)s"),
                       body=_("A buyer has written a reference case on “%(title)s” by %(supplier)s. Review it with "
                              "the solution's changes; it shows once approved."))
        _tell_supplier(solution, kind="catalogue.reference_case_by_buyer",
                       subject=_("A buyer wrote a reference case on %(title)s"),
                       body=_("A buyer has written a reference case on “%(title)s”. It shows on the solution page "
                              "once the purchasing body approves it."))
    return case


def attachment_add(*, actor: User, solution: Solution, kind: str, title: str, uploaded: Any,
                   alt_text: str = "") -> SolutionAttachment:
    """Images must be PNG or JPEG; on a published solution the file waits for the changes to be approved."""
    _require_representative(actor, solution.supplier)
    if kind == AttachmentKind.IMAGE:
        _data, file_kind = validate_upload(uploaded)
        uploaded.seek(0)
        if file_kind not in (PNG, JPEG):
            raise ValidationError(_("An image must be a PNG or JPEG file."), code="not_image")
        if not alt_text.strip():
            raise ValidationError(_("Describe the image for people who cannot see it."), code="alt_text")
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.DRAFT, SolutionStatus.PUBLISHED)
        document = document_create(actor=actor, owner=solution.supplier, title=title.strip(), uploaded=uploaded,
                                   attached_to=solution.document_key, is_public=False)
        attachment = SolutionAttachment.objects.create(solution=solution, document=document, kind=kind,
                                                       alt_text=alt_text.strip(), pending=solution.is_published)
        audit_log(actor=actor, verb="solution.attachment_added", obj=solution, organisation=solution.supplier,
                  payload={"document": str(document.pk), "kind": kind, "pending": attachment.pending})
        if attachment.pending:
            _mark_pending(solution)
    return attachment


# --- collections -----------------------------------------------------------------------------------------------

COLLECTION_FIELDS = ("slug", "title", "introduction", "published", "featured")


def collection_save(*, actor: User, collection: Collection | None = None, **values: Any) -> Collection:
    """Create a collection (no `collection`) or change one; the introduction is sanitised rich text."""
    _require_manager(actor)
    unknown = set(values) - set(COLLECTION_FIELDS)
    if unknown:
        raise CatalogueError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "introduction" in values:
        values["introduction"] = sanitise_html(values["introduction"])
    with transaction.atomic():
        created = collection is None
        collection = Collection() if created else Collection.objects.select_for_update(no_key=True).get(pk=collection.pk)
        for name, value in values.items():
            setattr(collection, name, value)
        if Collection.objects.filter(slug=collection.slug).exclude(pk=collection.pk).exists():
            raise CatalogueError(_("Another collection already has this address."))
        collection.save()
        audit_log(actor=actor, verb="collection.created" if created else "collection.updated", obj=collection,
                  payload={"fields": sorted(values)})
    return collection


def collection_add_solution(*, actor: User, collection: Collection, solution: Solution) -> CollectionItem:
    _require_manager(actor)
    with transaction.atomic():
        solution = _locked(solution)
        _require_status(solution, SolutionStatus.PUBLISHED)
        last = collection.items.aggregate(models.Max("position"))["position__max"]
        item, created = CollectionItem.objects.get_or_create(
            collection=collection, solution=solution, defaults={"position": (last or 0) + 1}
        )
        if not created:
            raise CatalogueError(_("The solution is already in the collection."))
        audit_log(actor=actor, verb="collection.solution_added", obj=collection, payload={"solution": solution.pk})
    return item


def collection_remove_solution(*, actor: User, collection: Collection, solution_id: int) -> None:
    _require_manager(actor)
    with transaction.atomic():
        deleted, _rows = collection.items.filter(solution_id=solution_id).delete()
        if not deleted:
            raise CatalogueError(_("The solution is not in the collection."))
        audit_log(actor=actor, verb="collection.solution_removed", obj=collection, payload={"solution": solution_id})


def collection_move_solution(*, actor: User, collection: Collection, solution_id: int, step: int) -> None:
    """Move a solution one place up (step -1) or down (+1) in the collection's order."""
    _require_manager(actor)
    with transaction.atomic():
        items = list(collection.items.select_for_update(no_key=True).order_by("position", "id"))
        index = next((i for i, item in enumerate(items) if item.solution_id == solution_id), None)
        if index is None:
            raise CatalogueError(_("The solution is not in the collection."))
        target = index + (1 if step > 0 else -1)
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        for position, item in enumerate(items, start=1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
        audit_log(actor=actor, verb="collection.reordered", obj=collection,
                  payload={"order": [item.solution_id for item in items]})


def solutions_unlink_lot(*, actor: User, lot: Lot, supplier: Organisation) -> int:
    """A supplier that leaves a lot can no longer be called off through it: its solutions (and their
    pending changes) stop naming the lot. Called inside the agreements service's transaction, through
    the signal agreements.signals.lot_supplier_removed (catalogue/receivers.py)."""
    unlinked = 0
    for solution in Solution.objects.select_for_update(no_key=True).filter(supplier=supplier, lots=lot):
        solution.lots.remove(lot)
        pending_lots = (solution.pending_changes or {}).get("lots", [])
        if any(str(pk) == str(lot.pk) for pk in pending_lots):
            solution.pending_changes["lots"] = [pk for pk in pending_lots if str(pk) != str(lot.pk)]
            solution.save(update_fields=["pending_changes"])
        audit_log(actor=actor, verb="solution.lot_unlinked", obj=solution, organisation=supplier,
                  payload={"lot": lot.pk})
        if solution.status == SolutionStatus.PUBLISHED:
            indexing.solution_index(solution)
        unlinked += 1
    return unlinked
