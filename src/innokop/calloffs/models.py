"""Call-offs from a lot of a framework agreement, and the suppliers invited to them.

The stored status only moves through services (see `TRANSITIONS`); the time-driven states are
derived from the clock when read (`CallOff.effective_state(now)`), so they never depend on a
scheduler having run.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation
from innokop.agreements.models import EvaluationModel, Lot, LotCriterion, Requirement


class CallOffKind(models.TextChoices):
    """The method a call-off uses: a lot's method, or for a combination lot the one its value decides."""

    RANKING = "ranking", _("Ranking order")
    RENEWED_COMPETITION = "renewed_competition", _("Renewed competition")
    RENEWED_COMPETITION_DIALOGUE = "renewed_competition_dialogue", _("Renewed competition with dialogue")


class CallOffStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for questions and dialogue")
    TENDERING = "tendering", _("Questions closed, awaiting tenders")
    AWAITING_OPENING = "awaiting_opening", _("Tender deadline passed, awaiting opening")
    CANCELLED = "cancelled", _("Cancelled")


# Stored transitions and the service that makes each one. Tendering and awaiting opening are not
# stored: they follow from the clock (see `effective_state`). Later slices add opened → evaluated →
# awarded → contracted, with cancelled allowed from every state before contracted.
TRANSITIONS: dict[str, set[str]] = {
    CallOffStatus.DRAFT: {CallOffStatus.OPEN, CallOffStatus.CANCELLED},  # calloff_publish, calloff_cancel
    CallOffStatus.OPEN: {CallOffStatus.CANCELLED},  # calloff_cancel
    CallOffStatus.CANCELLED: set(),
}

# Evaluation models whose criteria carry weights that, with the price weight, sum to 100.
WEIGHTED_MODELS = {EvaluationModel.PRICE_QUALITY, EvaluationModel.FIXED_PRICE}


class CallOffQuerySet(models.QuerySet):
    def of_agencies(self, organisation_ids):
        return self.filter(agency_id__in=organisation_ids)

    def invitations_of(self, organisation_ids):
        """Published call-offs a supplier is invited to; drafts are never shown to suppliers."""
        return self.filter(invitations__supplier_id__in=organisation_ids, published_at__isnull=False).distinct()

    def visible_to(self, actor):
        ids = actor.organisation_ids
        invited = CallOffInvitation.objects.filter(supplier_id__in=ids).values("calloff_id")
        return self.filter(Q(agency_id__in=ids) | Q(pk__in=invited, published_at__isnull=False))

    def changeable_by(self, actor):
        """Only the call-off's team changes it; colleagues in the agency may read it."""
        return self.filter(team=actor.user) if actor.user.is_authenticated else self.none()


class CallOff(models.Model):
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calloffs")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="calloffs")
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="calloff_teams", verbose_name=_("team"))
    method = models.CharField(_("call-off method"), max_length=40, choices=CallOffKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=CallOffStatus.choices, default=CallOffStatus.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    need = models.TextField(_("the need"), blank=True)
    estimated_value = models.DecimalField(_("estimated value (SEK, excluding VAT)"), max_digits=14, decimal_places=0,
                                          null=True, blank=True)
    evaluation_model = models.CharField(_("evaluation model"), max_length=30, choices=EvaluationModel.choices,
                                        blank=True)
    price_weight = models.PositiveSmallIntegerField(_("price weight (%)"), null=True, blank=True)
    requirements = models.ManyToManyField(Requirement, blank=True, related_name="calloffs",
                                          verbose_name=_("requirements of the agreement"))
    publish_on = models.DateField(_("publication date"), null=True, blank=True)
    questions_close = models.DateTimeField(_("last time for questions"), null=True, blank=True)
    answers_by = models.DateTimeField(_("last time for answers"), null=True, blank=True)
    tender_deadline = models.DateTimeField(_("tender deadline"), null=True, blank=True)
    opening_at = models.DateTimeField(_("opening of tenders"), null=True, blank=True)
    decision_on = models.DateField(_("planned award decision"), null=True, blank=True)
    contract_start = models.DateField(_("contract starts"), null=True, blank=True)
    contract_end = models.DateField(_("contract ends"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallOffQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("call-off")
        verbose_name_plural = _("call-offs")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def effective_state(self, now: datetime) -> str:
        """The stored status, moved on by the clock where time decides."""
        if self.status != CallOffStatus.OPEN:
            return self.status
        if self.tender_deadline and now >= self.tender_deadline:
            return CallOffStatus.AWAITING_OPENING
        if self.questions_close and now >= self.questions_close:
            return CallOffStatus.TENDERING
        return CallOffStatus.OPEN

    def state_label(self, now: datetime) -> str:
        return CallOffStatus(self.effective_state(now)).label

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, set())

    @property
    def is_renewed_competition(self) -> bool:
        return self.method != CallOffKind.RANKING

    @property
    def uses_weights(self) -> bool:
        return self.evaluation_model in WEIGHTED_MODELS

    def steps_done(self) -> dict[str, bool]:
        """Which steps of the guided flow have been saved (the task list shows them)."""
        return {
            "need": bool(self.title and self.need and self.estimated_value is not None),
            "evaluation": bool(self.evaluation_model),
            "timetable": self.tender_deadline is not None and self.contract_start is not None,
        }


class CallOffCriterion(models.Model):
    """One of the lot's criteria as this call-off uses it: a weight in the lot's range, maybe made more precise."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="criteria")
    lot_criterion = models.ForeignKey(LotCriterion, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight (%)"), null=True, blank=True)

    class Meta:
        ordering = ["calloff", "lot_criterion_id"]
        constraints = [models.UniqueConstraint(fields=["calloff", "lot_criterion"], name="calloff_criterion_unique")]

    def __str__(self) -> str:
        return f"{self.lot_criterion.name} {self.weight} %"


class CallOffInvitation(models.Model):
    """The written invitation of one admitted supplier (rule 3: every supplier of the lot)."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calloff_invitations")
    invited_at = models.DateTimeField()

    class Meta:
        ordering = ["calloff", "supplier__name"]
        constraints = [models.UniqueConstraint(fields=["calloff", "supplier"], name="calloff_invitation_unique")]

    def __str__(self) -> str:
        return f"{self.supplier} ({self.calloff.reference})"


class CallOffQuestionQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)

    def for_supplier(self, organisation_ids):
        """What a supplier sees (rule 5): every published answer, and its own questions still unanswered."""
        return self.filter(Q(answered_at__isnull=False) | Q(supplier_id__in=organisation_ids))

    def unanswered_first(self):
        return self.order_by(models.F("answered_at").asc(nulls_first=True), "asked_at", "pk")


class CallOffQuestion(models.Model):
    """A supplier's question in an open call-off; its answer is published to every invited supplier (rule 5).

    Who asked is kept for the agency and the procurement record, never shown to other suppliers.
    """

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="questions")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calloff_questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    # The answer is published to every invited supplier the moment it is given.
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = CallOffQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["calloff", "asked_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.calloff.reference}: {self.text[:50]}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
