"""The catalogue of good solutions: solutions, their evidence, reference cases and curated collections."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind, Role
from innokop.core.states import StateMachine


class SolutionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class PricingModel(models.TextChoices):
    LICENCE = "licence", _("Licence")
    SUBSCRIPTION = "subscription", _("Subscription")
    PER_UNIT = "per_unit", _("Price per unit")
    FIXED_PRICE = "fixed_price", _("Fixed price")
    PER_USER = "per_user", _("Price per user")
    OTHER = "other", _("Other")


class DataLocation(models.TextChoices):
    SWEDEN = "sweden", _("In Sweden")
    EU_EEA = "eu_eea", _("In the EU/EEA")
    OUTSIDE_EU_EEA = "outside_eu_eea", _("Outside the EU/EEA")
    NO_PERSONAL_DATA = "no_personal_data", _("No personal data is processed")


# The EU's definitions of technology readiness levels (Horizon 2020, General Annex G).
TRL_DEFINITIONS = {
    1: _("basic principles observed"),
    2: _("technology concept formulated"),
    3: _("experimental proof of concept"),
    4: _("technology validated in lab"),
    5: _("technology validated in relevant environment"),
    6: _("technology demonstrated in relevant environment"),
    7: _("system prototype demonstration in operational environment"),
    8: _("system complete and qualified"),
    9: _("actual system proven in operational environment"),
}
TRL_CHOICES = [(level, format_lazy("TRL {} – {}", level, text)) for level, text in TRL_DEFINITIONS.items()]


def represented_suppliers(actor) -> list[int]:
    """The supplier organisations whose solutions the actor may edit."""
    roles = {Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN}
    return sorted({m.organisation_id for m in actor.memberships
                   if m.role in roles and m.organisation.kind == OrganisationKind.SUPPLIER})


class SolutionQuerySet(models.QuerySet):
    def published(self) -> "SolutionQuerySet":
        return self.filter(status=SolutionStatus.PUBLISHED)

    def visible_to(self, actor) -> "SolutionQuerySet":
        """Published for everyone; drafts only for the supplier; everything but drafts for the CPB."""
        condition = Q(status=SolutionStatus.PUBLISHED) | Q(supplier_id__in=actor.organisation_ids)
        if actor.is_framework_manager:
            condition |= ~Q(status=SolutionStatus.DRAFT)
        return self.filter(condition)

    def editable_by(self, actor) -> "SolutionQuerySet":
        return self.filter(supplier_id__in=represented_suppliers(actor))

    def reviewable_by(self, actor) -> "SolutionQuerySet":
        return self.exclude(status=SolutionStatus.DRAFT) if actor.is_framework_manager else self.none()


class Solution(StateMachine, models.Model):
    # solution_submit, solution_publish, solution_return (back to the supplier), solution_archive.
    # Verified is a mark on a published solution, not a status.
    TRANSITIONS = {
        SolutionStatus.DRAFT: {SolutionStatus.SUBMITTED, SolutionStatus.ARCHIVED},
        SolutionStatus.SUBMITTED: {SolutionStatus.PUBLISHED, SolutionStatus.DRAFT, SolutionStatus.ARCHIVED},
        SolutionStatus.PUBLISHED: {SolutionStatus.ARCHIVED},
        SolutionStatus.ARCHIVED: set(),
    }

    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="solutions",
                                 limit_choices_to={"kind": OrganisationKind.SUPPLIER})
    title = models.CharField(_("name of the solution"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400)
    problem = models.TextField(_("the problem it solves"), blank=True)
    how_it_works = models.TextField(_("how it works"), blank=True)
    effects = models.TextField(_("effects, and the evidence behind them"), blank=True)
    cpv_codes = models.ManyToManyField("reference.CpvCode", blank=True, related_name="solutions",
                                       verbose_name=_("CPV codes"))
    regions = models.ManyToManyField("reference.NutsRegion", blank=True, related_name="solutions",
                                     verbose_name=_("regions"))
    nationwide = models.BooleanField(_("available in all of Sweden"), default=False)
    trl = models.PositiveSmallIntegerField(_("technology readiness level (TRL)"), choices=TRL_CHOICES, null=True, blank=True,
                                           validators=[MinValueValidator(1), MaxValueValidator(9)])
    pricing_model = models.CharField(_("pricing model"), max_length=20, choices=PricingModel.choices, blank=True)
    pricing_details = models.TextField(_("pricing details"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    data_location = models.CharField(_("where data is stored"), max_length=20, choices=DataLocation.choices,
                                     blank=True)
    lots = models.ManyToManyField("agreements.Lot", blank=True, related_name="solutions",
                                  verbose_name=_("lots it can be called off through"))
    status = models.CharField(_("status"), max_length=20, choices=SolutionStatus.choices,
                              default=SolutionStatus.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verification_reason = models.TextField(blank=True)
    featured = models.BooleanField(_("featured on the start page"), default=False)
    # Proposed edits to a published solution, shown only after a framework manager approves them.
    pending_changes = models.JSONField(null=True, blank=True)
    pending_submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SolutionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        constraints = [
            models.CheckConstraint(condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9), name="solution_trl_1_9"),
        ]
        # The catalogue without a query lists the newest published first: read in this index's order, it
        # takes the first page without sorting the catalogue (issue 13).
        # The start page's featured solutions, newest first: only the featured few are in the second index, so
        # the page reads six rows whatever the size of the catalogue (issue 13).
        indexes = [models.Index(fields=["status", "published_at", "id"], name="solution_status_published"),
                   models.Index(fields=["status", "published_at", "id"], condition=Q(featured=True),
                                name="solution_featured")]

    def __str__(self) -> str:
        return self.title

    @property
    def document_key(self) -> str:
        return f"catalogue.solution:{self.pk}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_published(self) -> bool:
        return self.status == SolutionStatus.PUBLISHED

    @property
    def has_pending_changes(self) -> bool:
        return self.pending_submitted_at is not None

    @property
    def trl_definition(self) -> str:
        return str(TRL_DEFINITIONS.get(self.trl, ""))


class EvidenceKind(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    TEST_BED = "test_bed", _("Test bed")
    THIRD_PARTY_TEST = "third_party_test", _("Third-party test")
    CERTIFICATION = "certification", _("Certification")
    REFERENCE_CUSTOMER = "reference_customer", _("Reference customer")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Not yet reviewed")
    ACCEPTED = "accepted", _("Accepted by the purchasing body")
    REJECTED = "rejected", _("Not accepted")


class Evidence(StateMachine, models.Model):
    # evidence_review: the purchasing body may review again, with a new note, but never back to pending.
    TRANSITIONS = {
        ReviewStatus.PENDING: {ReviewStatus.ACCEPTED, ReviewStatus.REJECTED},
        ReviewStatus.ACCEPTED: {ReviewStatus.ACCEPTED, ReviewStatus.REJECTED},
        ReviewStatus.REJECTED: {ReviewStatus.ACCEPTED, ReviewStatus.REJECTED},
    }

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind of evidence"), max_length=30, choices=EvidenceKind.choices)
    provided_by = models.CharField(_("by whom"), max_length=200)
    date = models.DateField(_("when"))
    description = models.TextField(_("what was shown"))
    document = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    status = models.CharField(_("review"), max_length=20, choices=ReviewStatus.choices,
                              default=ReviewStatus.PENDING, db_index=True)
    review_note = models.TextField(_("note from the purchasing body"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.provided_by}"


class ReviewDecision(models.TextChoices):
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned to the supplier")
    VERIFIED = "verified", _("Verified")
    UNVERIFIED = "unverified", _("Verification withdrawn")
    CHANGES_APPROVED = "changes_approved", _("Changes approved")
    CHANGES_REJECTED = "changes_rejected", _("Changes rejected")
    ARCHIVED = "archived", _("Archived")


class SolutionReview(models.Model):
    """The history of review decisions, with the reasons the supplier sees on its solution page."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(max_length=30, choices=ReviewDecision.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.solution}: {self.get_decision_display()}"


class ReferenceCase(models.Model):
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="reference_cases")
    customer = models.CharField(_("customer"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    story = models.TextField(_("what was done and what it gave"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    # Added to a published solution: shown after the purchasing body approves the changes.
    pending = models.BooleanField(default=False)
    # Written by the buyer itself (after a completed call-off contract) rather than by the supplier: the effects
    # it achieved and its own assessment. Shown, like every case, once the purchasing body approves it.
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("written by the buyer"))
    effects = models.TextField(_("effects achieved"), blank=True)
    assessment = models.TextField(_("the buyer's assessment"), blank=True)

    class Meta:
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return f"{self.customer}: {self.title}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Image")
    DOCUMENT = "document", _("Document")


class SolutionAttachment(models.Model):
    """An image or a document of a solution; public when the solution is (core Document.is_public)."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="attachments")
    document = models.OneToOneField("core.Document", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    alt_text = models.CharField(_("description of the image"), max_length=300, blank=True)
    pending = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.document)


class CollectionQuerySet(models.QuerySet):
    def published(self) -> "CollectionQuerySet":
        return self.filter(published=True)


class Collection(models.Model):
    """Good solutions on a theme ("goda lösningar"), curated by the purchasing body."""

    slug = models.SlugField(_("address (slug)"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    featured = models.BooleanField(_("featured on the start page"), default=False)
    solutions = models.ManyToManyField(Solution, through="CollectionItem", related_name="collections")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        # The start page's featured collections, by title, without reading the others (issue 13).
        indexes = [models.Index(fields=["title"], condition=Q(published=True, featured=True),
                                name="collection_featured")]

    def __str__(self) -> str:
        return self.title


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["collection", "solution"], name="collection_item_unique")]
