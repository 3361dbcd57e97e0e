"""Framework agreements, their lots, admitted suppliers, requirements and agencies' questions."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Not yet in force")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class CallOffMethod(models.TextChoices):
    RANKING = "ranking", _("Ranking order")
    RENEWED_COMPETITION = "renewed_competition", _("Renewed competition")
    RENEWED_COMPETITION_DIALOGUE = "renewed_competition_dialogue", _("Renewed competition with dialogue")
    COMBINATION = "combination", _("Ranking order, renewed competition above a value")


class EvaluationModel(models.TextChoices):
    LOWEST_PRICE = "lowest_price", _("Lowest price")
    PRICE_QUALITY = "price_quality", _("Price and quality, weighted points")
    VALUE_ADDED = "value_added", _("Value-added method")
    FIXED_PRICE = "fixed_price", _("Fixed price, best quality")


class BuyerCategory(models.TextChoices):
    ALL_PUBLIC = "all_public", _("All public contracting authorities")
    CENTRAL_GOVERNMENT = "central_government", _("Central government agencies")
    REGION = "region", _("Regions")
    MUNICIPALITY = "municipality", _("Municipalities")


class RequirementKind(models.TextChoices):
    MANDATORY = "mandatory", _("Mandatory (must be met)")
    EVALUATED = "evaluated", _("Evaluated (gives added value)")


class RequirementCategory(models.TextChoices):
    INFORMATION_SECURITY = "information_security", _("Information security")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    INNOVATION = "innovation", _("Innovation")
    DATA_PROTECTION = "data_protection", _("Data protection")
    QUALITY = "quality", _("Quality and delivery")
    OTHER = "other", _("Other")


class FollowUpMethod(models.TextChoices):
    SELF_DECLARATION = "self_declaration", _("Self-declaration by the supplier")
    DOCUMENTATION = "documentation", _("Documentation is submitted")
    AUDIT = "audit", _("Audit")
    SAMPLING = "sampling", _("Random sampling")
    MEETING = "meeting", _("Follow-up meeting")


class FollowUpFrequency(models.TextChoices):
    ONCE = "once", _("Once, at the start")
    QUARTERLY = "quarterly", _("Every quarter")
    ANNUALLY = "annually", _("Every year")
    ON_DELIVERY = "on_delivery", _("At each delivery")
    ON_DEMAND = "on_demand", _("When needed")


class SanctionKind(models.TextChoices):
    """What a framework agreement may provide when a supplier does not remedy a deviation found in follow-up."""

    REMARK = "remark", _("Remark")
    PRICE_REDUCTION = "price_reduction", _("Price reduction")
    LIQUIDATED_DAMAGES = "liquidated_damages", _("Liquidated damages (vite)")
    TERMINATION = "termination", _("Recommendation to terminate")


SANCTIONS_NEEDING_AMOUNT = (SanctionKind.PRICE_REDUCTION, SanctionKind.LIQUIDATED_DAMAGES)


class AgreementQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def visible_to(self, actor):
        """Published agreements for everyone; drafts also for the purchasing body that owns them."""
        return self.filter(Q(published_at__isnull=False) | Q(owner_id__in=actor.organisation_ids))

    def managed_by(self, actor):
        return self.filter(owner_id__in=actor.managed_organisation_ids)


class FrameworkAgreement(models.Model):
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements")
    reference = models.CharField(_("reference number"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    cpv_codes = models.ManyToManyField("reference.CpvCode", related_name="agreements", verbose_name=_("CPV codes"))
    start_date = models.DateField(_("valid from"))
    end_date = models.DateField(_("valid until"))
    special_reasons = models.TextField(_("special reasons for a period over four years"), blank=True)
    max_value = models.DecimalField(_("maximum value (SEK, excluding VAT)"), max_digits=14, decimal_places=0)
    # How long call-off contracts may run (rule 1): they may outlive the agreement, within these limits.
    latest_contract_end = models.DateField(_("call-off contracts may run until at the latest"), null=True, blank=True)
    max_contract_months = models.PositiveSmallIntegerField(_("longest call-off contract period (months)"), null=True,
                                                           blank=True)
    entitled_categories = models.JSONField(_("entitled categories of buyers"), default=list, blank=True)
    entitled_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="entitled_agreements", verbose_name=_("entitled organisations"),
        limit_choices_to={"kind": OrganisationKind.AGENCY},
    )
    call_off_guidance = models.TextField(_("call-off guidance"), blank=True)
    # The sanctions the agreement provides (SanctionKind values): the only ones a deviation can be escalated to.
    sanctions = models.JSONField(_("sanctions the agreement provides"), default=list, blank=True)
    liquidated_damages_terms = models.CharField(_("liquidated damages (vite): the amount or the rule"),
                                                max_length=300, blank=True)
    # The suppliers' reported turnover (current sales reports), kept here by the follow-up app through
    # `services.agreement_reported_turnover_set`: the maximum counts the larger of it and the contracted value.
    reported_turnover = models.DecimalField(_("reported turnover (SEK, excluding VAT)"), max_digits=16,
                                            decimal_places=2, default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "reference"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="agreement_period_positive")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def status(self, today: date) -> str:
        """Derived from the dates every time it is read, so it is never stale."""
        if self.terminated_at is not None:
            return AgreementStatus.TERMINATED
        if self.published_at is None:
            return AgreementStatus.DRAFT
        if today < self.start_date:
            return AgreementStatus.UPCOMING
        if today > self.end_date:
            return AgreementStatus.EXPIRED
        return AgreementStatus.ACTIVE

    @property
    def offered_sanctions(self) -> list[str]:
        """The sanctions a deviation can be escalated to: those the agreement states, in a fixed order, or a remark
        only when it states none."""
        stated = [kind for kind in SanctionKind.values if kind in (self.sanctions or [])]
        return stated or [SanctionKind.REMARK]

    def sanction_labels(self) -> list[str]:
        return [str(SanctionKind(kind).label) for kind in self.offered_sanctions]

    def entitled_category_labels(self) -> list[str]:
        return [BuyerCategory(value).label for value in self.entitled_categories if value in BuyerCategory.values]

    @property
    def document_key(self) -> str:
        return f"agreements.frameworkagreement:{self.pk}"


class Lot(models.Model):
    agreement = models.ForeignKey(FrameworkAgreement, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cpv_codes = models.ManyToManyField("reference.CpvCode", related_name="lots", blank=True, verbose_name=_("CPV codes"))
    call_off_method = models.CharField(_("call-off method"), max_length=40, choices=CallOffMethod.choices)
    value_threshold = models.DecimalField(
        _("value above which renewed competition is required (SEK)"), max_digits=14, decimal_places=0,
        null=True, blank=True,
    )
    evaluation_models = models.JSONField(_("evaluation models a call-off may use"), default=list)
    min_tender_days = models.PositiveSmallIntegerField(_("minimum tender period (days)"), default=10)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="lot_number_unique")]

    def __str__(self) -> str:
        return f"{self.agreement.reference} – {self.number}. {self.title}"

    def evaluation_model_labels(self) -> list[str]:
        return [EvaluationModel(value).label for value in self.evaluation_models if value in EvaluationModel.values]

    @property
    def ranks_suppliers(self) -> bool:
        return self.call_off_method in {CallOffMethod.RANKING, CallOffMethod.COMBINATION}


class LotCriterion(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    min_weight = models.PositiveSmallIntegerField(_("lowest weight (%)"))
    max_weight = models.PositiveSmallIntegerField(_("highest weight (%)"))

    class Meta:
        ordering = ["lot", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.min_weight}–{self.max_weight} %)"


class PriceListRow(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="price_rows")
    label = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50)
    ceiling_price = models.DecimalField(_("ceiling price (SEK, excluding VAT)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["lot", "id"]

    def __str__(self) -> str:
        return f"{self.label} / {self.unit}"


class LotSupplier(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="lot_suppliers")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="lot_admissions",
                                 limit_choices_to={"kind": OrganisationKind.SUPPLIER})
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    agreement_number = models.CharField(_("the supplier's agreement number"), max_length=50)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)

    class Meta:
        ordering = ["lot", "rank", "supplier__name"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "supplier"], name="lot_supplier_unique"),
            models.UniqueConstraint(fields=["lot", "rank"], condition=Q(rank__isnull=False), name="lot_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} ({self.lot})"


class Requirement(models.Model):
    agreement = models.ForeignKey(FrameworkAgreement, on_delete=models.CASCADE, related_name="requirements")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="requirements",
                            verbose_name=_("lot (empty: every lot)"))
    identifier = models.CharField(_("id"), max_length=20)
    text = models.TextField(_("requirement"))
    kind = models.CharField(_("kind"), max_length=20, choices=RequirementKind.choices)
    category = models.CharField(_("category"), max_length=30, choices=RequirementCategory.choices)
    followup_method = models.CharField(_("how it is followed up"), max_length=30, choices=FollowUpMethod.choices)
    followup_frequency = models.CharField(_("how often"), max_length=20, choices=FollowUpFrequency.choices)

    class Meta:
        ordering = ["agreement", "identifier"]
        constraints = [models.UniqueConstraint(fields=["agreement", "identifier"], name="requirement_id_unique")]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.text[:60]}"


class AgreementQuestion(models.Model):
    """Questions from agencies about an agreement; answers are published to every agency."""

    agreement = models.ForeignKey(FrameworkAgreement, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return self.question[:80]


class Commitment(models.Model):
    """Value taken from an agreement's maximum (rule 1, C-216/17): a signed call-off contract, and later
    its options and changes. Append-only; the consumption is their sum, read under a lock on the agreement."""

    agreement = models.ForeignKey(FrameworkAgreement, on_delete=models.PROTECT, related_name="commitments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    # What the value comes from, e.g. "calloffs.contract:12": one commitment per source.
    source = models.CharField(max_length=100, unique=True)
    label = models.CharField(max_length=255)
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.source}: {self.amount}"
