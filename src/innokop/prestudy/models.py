"""Pre-studies of the purchasing body and the agencies' needs, with other agencies joining them (demand
aggregation).

A pre-study is the purchasing body's case: its status moves only through `move_to` and the table below.
A need belongs to one agency and describes a problem, not a product; its budget is for the agency and
the purchasing body only (OSL 19:3, `permissions.may_see_budget`). Surveys, market entries, RFIs and the
report are later parts that hang off `PreStudy` and `Need` in their own models.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.agreements.models import FrameworkAgreement
from innokop.core.states import StateMachine


class PreStudyStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    COLLECTING = "collecting", _("Collecting needs and knowledge")
    ANALYSING = "analysing", _("Analysing")
    CONCLUDED = "concluded", _("Concluded")
    PROCUREMENT_STARTED = "procurement_started", _("Procurement started")
    NOT_PURSUED = "not_pursued", _("Not pursued")


OPEN_STATUSES = {PreStudyStatus.PLANNING, PreStudyStatus.COLLECTING, PreStudyStatus.ANALYSING}
DECIDED_STATUSES = {PreStudyStatus.PROCUREMENT_STARTED, PreStudyStatus.NOT_PURSUED}


class PreStudyQuerySet(models.QuerySet):
    def managed_by(self, actor):
        """The pre-studies of the purchasing bodies where the actor is a framework manager: theirs to change."""
        return self.filter(owner_id__in=actor.managed_organisation_ids)

    def visible_to(self, actor):
        """Its purchasing body's framework managers, and the team while they belong to that body."""
        if not actor.user.is_authenticated:
            return self.none()
        on_team = Q(team=actor.user, owner_id__in=actor.organisation_ids)
        return self.filter(Q(owner_id__in=actor.managed_organisation_ids) | on_team).distinct()


class PreStudy(StateMachine, models.Model):
    # prestudy_advance (planning → collecting → analysing → concluded, analysing back to collecting),
    # prestudy_decide (the go/no-go decision on a concluded pre-study).
    TRANSITIONS = {
        PreStudyStatus.PLANNING: {PreStudyStatus.COLLECTING},
        PreStudyStatus.COLLECTING: {PreStudyStatus.ANALYSING},
        PreStudyStatus.ANALYSING: {PreStudyStatus.CONCLUDED, PreStudyStatus.COLLECTING},
        PreStudyStatus.CONCLUDED: {PreStudyStatus.PROCUREMENT_STARTED, PreStudyStatus.NOT_PURSUED},
        PreStudyStatus.PROCUREMENT_STARTED: set(),
        PreStudyStatus.NOT_PURSUED: set(),
    }

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="prestudies",
                              limit_choices_to={"kind": OrganisationKind.CPB})
    reference = models.CharField(_("reference number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    area = models.TextField(_("area"), help_text=_("What the pre-study covers: the field, the problems and the "
                                                  "development going on in it."))
    cpv_codes = models.ManyToManyField("reference.CpvCode", related_name="prestudies", verbose_name=_("CPV codes"))
    questions = models.TextField(_("questions the pre-study must answer"))
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="prestudies", verbose_name=_("pre-study team"))
    starts_on = models.DateField(_("start"))
    needs_until = models.DateField(_("last day to collect needs"))
    concludes_on = models.DateField(_("planned conclusion"))
    status = models.CharField(_("status"), max_length=20, choices=PreStudyStatus.choices,
                              default=PreStudyStatus.PLANNING, db_index=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    # The framework agreement the procurement led to, where one exists in Innoköp.
    agreement = models.ForeignKey(FrameworkAgreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="prestudies", verbose_name=_("resulting framework agreement"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = PreStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pre-study")
        verbose_name_plural = _("pre-studies")
        constraints = [
            models.CheckConstraint(condition=Q(needs_until__gte=models.F("starts_on"))
                                   & Q(concludes_on__gte=models.F("needs_until")), name="prestudy_timeline_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def question_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.questions.splitlines() if line.strip(" -•\t")]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES


class PreStudyStep(models.Model):
    """A status change of a pre-study as the page shows it; the audit log keeps the same with its hash chain."""

    prestudy = models.ForeignKey(PreStudy, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=20, choices=PreStudyStatus.choices)
    to_status = models.CharField(max_length=20, choices=PreStudyStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["prestudy", "at", "id"]


class Urgency(models.TextChoices):
    LOW = "low", _("Low: within a few years")
    MEDIUM = "medium", _("Medium: within a year or two")
    HIGH = "high", _("High: as soon as possible")


class NeedQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def visible_to(self, actor):
        """Public needs for everyone; internal ones for their agency and the purchasing body (DESIGN.md §5)."""
        if actor.is_framework_manager:
            return self.all()
        return self.filter(Q(is_public=True) | Q(agency_id__in=actor.organisation_ids))

    def of_agencies(self, actor):
        """The needs of the agencies the actor belongs to: theirs to change."""
        agencies = [m.organisation_id for m in actor.memberships if m.organisation.kind == OrganisationKind.AGENCY]
        return self.filter(agency_id__in=agencies)


class Need(models.Model):
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="needs",
                               limit_choices_to={"kind": OrganisationKind.AGENCY})
    title = models.CharField(_("short name of the need"), max_length=200)
    problem = models.TextField(_("the problem"))
    current_situation = models.TextField(_("how it is done today"))
    desired_effects = models.TextField(_("the effects you want"))
    effect_measures = models.TextField(_("how the effects will be measured"))
    affected = models.TextField(_("who is affected"))
    volume = models.PositiveIntegerField(_("volume per year"), validators=[MinValueValidator(1)])
    volume_unit = models.CharField(_("unit of the volume"), max_length=60)
    # Secret: the agency and the purchasing body only (OSL 19:3). Never in a public total.
    budget = models.DecimalField(_("budget per year (SEK, excluding VAT)"), max_digits=14, decimal_places=0,
                                 null=True, blank=True)
    needed_year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000),
                                                                           MaxValueValidator(2100)])
    needed_quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True,
                                                      validators=[MinValueValidator(1), MaxValueValidator(4)])
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    cpv_codes = models.ManyToManyField("reference.CpvCode", related_name="needs", verbose_name=_("CPV codes"))
    # None: the whole of Sweden.
    region = models.ForeignKey("reference.NutsRegion", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="needs", verbose_name=_("region"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    is_public = models.BooleanField(_("public"), default=True)
    prestudy = models.ForeignKey(PreStudy, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs",
                                 verbose_name=_("pre-study"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(condition=Q(needed_quarter__isnull=True) | Q(needed_quarter__gte=1,
                                                                               needed_quarter__lte=4),
                                   name="need_quarter_1_to_4"),
            models.CheckConstraint(condition=Q(volume__gte=1), name="need_volume_positive"),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="need_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"B-{self.pk:05d}"

    @property
    def when(self) -> str:
        if self.needed_quarter:
            return f"{self.needed_year} Q{self.needed_quarter}"
        return str(self.needed_year)


class NeedInterestQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class NeedInterest(models.Model):
    """Another agency that has the same need ("vi har också det här behovet"), with its own volume and time."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="interests")
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="need_interests",
                               limit_choices_to={"kind": OrganisationKind.AGENCY})
    volume = models.PositiveIntegerField(_("your volume per year"), validators=[MinValueValidator(1)])
    needed_year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000),
                                                                           MaxValueValidator(2100)])
    needed_quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True,
                                                      validators=[MinValueValidator(1), MaxValueValidator(4)])
    # None: the need's own region.
    region = models.ForeignKey("reference.NutsRegion", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("your region"))
    comment = models.TextField(_("comment"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    objects = NeedInterestQuerySet.as_manager()

    class Meta:
        ordering = ["need", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "agency"], condition=Q(withdrawn_at__isnull=True),
                                    name="need_interest_one_active_per_agency"),
            models.CheckConstraint(condition=Q(volume__gte=1), name="need_interest_volume_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} → {self.need}"

    @property
    def when(self) -> str:
        if self.needed_quarter:
            return f"{self.needed_year} Q{self.needed_quarter}"
        return str(self.needed_year)
