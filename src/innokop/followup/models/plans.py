"""Follow-up of requirements (DESIGN.md §3, §5): a plan per framework agreement (the purchasing body follows up
the admitted suppliers) or per call-off contract (the agency follows up its supplier), its items (what is
followed up, how, how often, by whom, and for a KPI its target), the rounds that ask a supplier for evidence,
and the deviations an assessment finds.

Whether a round is overdue, or a corrective action late, is never stored: it is read from the clock
(`FollowUpRound.is_overdue`, `Deviation.is_action_late`). The history both sides read is `RoundEvent`.
"""

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation
from innokop.agreements.models import (
    FollowUpFrequency,
    FollowUpMethod,
    FrameworkAgreement,
    Requirement,
    SanctionKind,
)
from innokop.calloffs.models import Contract
from innokop.core.calendar import local_date
from innokop.core.states import StateMachine


class PlanMethod(models.TextChoices):
    SELF_DECLARATION = "self_declaration", _("Self-declaration")
    DOCUMENT = "document", _("Document")
    AUDIT = "audit", _("Audit")
    KPI = "kpi", _("KPI measurement")
    USER_SURVEY = "user_survey", _("User survey")


# How the agreement's requirement catalogue says a requirement is followed up, in the plan's words.
METHOD_FROM_AGREEMENT = {
    FollowUpMethod.SELF_DECLARATION: PlanMethod.SELF_DECLARATION,
    FollowUpMethod.DOCUMENTATION: PlanMethod.DOCUMENT,
    FollowUpMethod.AUDIT: PlanMethod.AUDIT,
    FollowUpMethod.SAMPLING: PlanMethod.DOCUMENT,  # the sampled documents are the evidence
    FollowUpMethod.MEETING: PlanMethod.SELF_DECLARATION,  # the supplier's account, recorded at the meeting
}


class PlanFrequency(models.TextChoices):
    ONCE = "once", _("Once, at the start")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    HALF_YEARLY = "half_yearly", _("Every six months")
    ANNUALLY = "annually", _("Every year")
    ON_DEMAND = "on_demand", _("When needed (no schedule)")


FREQUENCY_FROM_AGREEMENT = {
    FollowUpFrequency.ONCE: PlanFrequency.ONCE,
    FollowUpFrequency.QUARTERLY: PlanFrequency.QUARTERLY,
    FollowUpFrequency.ANNUALLY: PlanFrequency.ANNUALLY,
    FollowUpFrequency.ON_DELIVERY: PlanFrequency.ON_DEMAND,
    FollowUpFrequency.ON_DEMAND: PlanFrequency.ON_DEMAND,
}


class ItemSource(models.TextChoices):
    REQUIREMENT = "requirement", _("Requirement of the agreement")
    PROMISE = "promise", _("Promised in the tender")
    TARGET = "target", _("Target set by the buyer")


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class AuditArea(models.TextChoices):
    INFORMATION_SECURITY = "information_security", _("Information security")
    ENVIRONMENT = "environment", _("Environment")
    SOCIAL = "social", _("Social sustainability")


class FollowUpPlanQuerySet(models.QuerySet):
    def for_buyer(self, actor):
        """The plans the actor's organisation follows up: its agencies' contracts, its agreements as their CPB."""
        return self.filter(Q(contract__agency_id__in=actor.organisation_ids)
                           | Q(agreement__owner_id__in=actor.managed_organisation_ids))


class FollowUpPlan(models.Model):
    """One per agreement or per call-off contract: exactly one of the two is set."""

    agreement = models.OneToOneField(FrameworkAgreement, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="followup_plan")
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="followup_plan")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = FollowUpPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(
            condition=Q(agreement__isnull=False, contract__isnull=True) | Q(agreement__isnull=True, contract__isnull=False),
            name="followup_plan_agreement_or_contract")]

    def __str__(self) -> str:
        if self.contract_id:
            return f"{self.contract.calloff.reference}: {self.contract.supplier.name}"
        return self.agreement.reference

    @property
    def buyer(self) -> Organisation:
        """Who follows up: the agency of the contract, or the purchasing body that owns the agreement."""
        return self.contract.agency if self.contract_id else self.agreement.owner

    @property
    def framework(self) -> FrameworkAgreement:
        return self.agreement if self.agreement_id else self.contract.calloff.lot.agreement

    @property
    def starts_on(self) -> date:
        return self.contract.starts_on if self.contract_id else self.agreement.start_date

    @property
    def ends_on(self) -> date:
        return self.contract.ends_on if self.contract_id else self.agreement.end_date

    @property
    def light(self):
        """The plan's traffic light with its reasons (`traffic.lights`, computed now), for a page that has only the
        plan, such as the contract register's."""
        from innokop.core import clock

        from ..services.plans import rounds_open_due
        from ..traffic import lights, rounds_for_lights

        now = clock.now()
        rounds_open_due([self], now)  # a scheduled round whose day has come counts as requested
        return lights(rounds_for_lights(self.rounds.all()), now)["all"]


class PlanItem(models.Model):
    """One thing followed up: a requirement, a promise from the winning tender, or a target the buyer set."""

    plan = models.ForeignKey(FollowUpPlan, on_delete=models.CASCADE, related_name="items")
    source = models.CharField(_("source"), max_length=20, choices=ItemSource.choices)
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    identifier = models.CharField(_("id"), max_length=30)
    text = models.TextField(_("what is followed up"))
    method = models.CharField(_("method"), max_length=20, choices=PlanMethod.choices)
    frequency = models.CharField(_("frequency"), max_length=20, choices=PlanFrequency.choices)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("person responsible"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_direction = models.CharField(_("the value should be"), max_length=10, choices=TargetDirection.choices,
                                        default=TargetDirection.AT_LEAST)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    audit_area = models.CharField(_("audit area"), max_length=30, choices=AuditArea.choices, blank=True)
    active = models.BooleanField(_("followed up"), default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.text[:80]}"

    @property
    def is_kpi(self) -> bool:
        return self.method == PlanMethod.KPI

    def meets_target(self, value) -> bool | None:
        if self.target is None or value is None:
            return None
        return value >= self.target if self.target_direction == TargetDirection.AT_LEAST else value <= self.target


class PlanItemChange(models.Model):
    """A change to an item, with the reason and the values before and after: the history on the item's page."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    reason = models.TextField(_("reason for the change"))
    # {"field": [before, after]} as people read them
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def rows(self) -> list[tuple[str, str, str]]:
        """(what, before, after) in the reader's language: choices are kept as their values and named when read."""
        shown = []
        for name, (before, after) in self.changes.items():
            try:
                field = PlanItem._meta.get_field(name)
            except LookupError:
                shown.append((str(name), str(before), str(after)))
                continue
            choices = dict(field.choices or ())
            if isinstance(field, models.BooleanField):
                choices = {"True": _("yes"), "False": _("no")}
            shown.append((str(field.verbose_name), str(choices.get(before, before)), str(choices.get(after, after))))
        return shown


class RoundKind(models.TextChoices):
    REGULAR = "regular", _("Follow-up round")
    AUDIT = "audit", _("Commissioned audit")


class RoundStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ANSWERED = "answered", _("Answered")
    MET = "met", _("Met")
    DEVIATION = "deviation", _("Deviation")


class FollowUpRoundQuerySet(models.QuerySet):
    def of_supplier(self, organisation_ids):
        return self.filter(supplier_id__in=organisation_ids)

    def overdue(self, now: datetime):
        """Requested and not answered by the deadline: read from the clock, never stored."""
        return self.filter(status=RoundStatus.REQUESTED, deadline__lt=now)


class FollowUpRound(StateMachine, models.Model):
    """A request to one supplier for evidence on one plan item and period: requested → answered → met | deviation.

    A round the supplier has not answered by the deadline may be assessed as a deviation directly. For a
    commissioned audit the evidence is the external auditor's report, recorded by the buyer.
    """

    TRANSITIONS = {
        RoundStatus.REQUESTED: {RoundStatus.ANSWERED, RoundStatus.DEVIATION},
        RoundStatus.ANSWERED: {RoundStatus.MET, RoundStatus.DEVIATION},
        RoundStatus.MET: set(),
        RoundStatus.DEVIATION: set(),
    }

    plan = models.ForeignKey(FollowUpPlan, on_delete=models.PROTECT, related_name="rounds")
    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="rounds")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="followup_rounds")
    kind = models.CharField(_("kind"), max_length=10, choices=RoundKind.choices, default=RoundKind.REGULAR)
    audit_area = models.CharField(_("audit area"), max_length=30, choices=AuditArea.choices, blank=True)
    auditor = models.CharField(_("external auditor"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.REQUESTED)
    # The date of the schedule this round answers (a working day); one round per item, supplier and date.
    scheduled_on = models.DateField(_("scheduled for"))
    question = models.TextField(_("what the supplier is asked for"))
    deadline = models.DateTimeField(_("answer by"))
    # None for a round the schedule requested by itself (`services.plans.rounds_open_due`): requested from the
    # start of its working day, whoever reads it first.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    value = models.DecimalField(_("measured value"), max_digits=14, decimal_places=2, null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    assessment = models.TextField(_("reasons for the assessment"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    assessed_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["item", "supplier", "scheduled_on"],
                                               name="followup_round_once_per_date")]

    def __str__(self) -> str:
        return f"{self.reference}"

    @property
    def reference(self) -> str:
        return f"UP-{self.pk:06d}"

    @property
    def document_key(self) -> str:
        """Evidence and auditor's reports are core documents attached to the round under this key."""
        return f"followup.round:{self.pk}"

    def is_overdue(self, now: datetime) -> bool:
        return self.status == RoundStatus.REQUESTED and now > self.deadline

    @property
    def is_audit(self) -> bool:
        return self.kind == RoundKind.AUDIT


class DeviationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTION_PLANNED = "action_planned", _("Action planned")
    CLOSED = "closed", _("Verified closed")
    ESCALATED = "escalated", _("Escalated")


# What a deviation can be escalated to: the agreement states which of these it provides
# (`FrameworkAgreement.offered_sanctions`).
Sanction = SanctionKind


class DeviationQuerySet(models.QuerySet):
    def open(self):
        """Deviations not yet verified closed or escalated."""
        return self.filter(status__in=[DeviationStatus.OPEN, DeviationStatus.ACTION_PLANNED])


class Deviation(StateMachine, models.Model):
    """What an assessment found not met: open → action planned → verified closed | escalated.

    The supplier proposes a corrective action with a deadline; the buyer verifies it closed, sends the
    proposal back (open again), or escalates to a sanction.
    """

    TRANSITIONS = {
        DeviationStatus.OPEN: {DeviationStatus.ACTION_PLANNED, DeviationStatus.ESCALATED},
        DeviationStatus.ACTION_PLANNED: {DeviationStatus.CLOSED, DeviationStatus.ESCALATED, DeviationStatus.OPEN},
        DeviationStatus.CLOSED: set(),
        DeviationStatus.ESCALATED: set(),
    }

    round = models.OneToOneField(FollowUpRound, on_delete=models.PROTECT, related_name="deviation")
    status = models.CharField(_("status"), max_length=20, choices=DeviationStatus.choices, default=DeviationStatus.OPEN)
    description = models.TextField(_("what is not met"))
    opened_at = models.DateTimeField()
    action = models.TextField(_("corrective action"), blank=True)
    action_deadline = models.DateField(_("action completed by"), null=True, blank=True)
    action_proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+")
    action_proposed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sanction = models.CharField(_("sanction"), max_length=20, choices=Sanction.choices, blank=True)
    sanction_amount = models.DecimalField(_("amount (SEK)"), max_digits=14, decimal_places=2, null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = DeviationQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.round.reference}: {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in (DeviationStatus.OPEN, DeviationStatus.ACTION_PLANNED)

    def is_action_late(self, now: datetime) -> bool:
        return (self.status == DeviationStatus.ACTION_PLANNED and self.action_deadline is not None
                and local_date(now) > self.action_deadline)


class EventKind(models.TextChoices):
    REQUESTED = "requested", _("Evidence requested")
    SCHEDULED = "scheduled", _("Evidence requested by the schedule")
    REQUEST_SENT = "request_sent", _("Request sent to the supplier")
    ANSWERED = "answered", _("Answered")
    AUDIT_REPORT = "audit_report", _("Auditor's report recorded")
    MET = "met", _("Assessed as met")
    DEVIATION = "deviation", _("Assessed as a deviation")
    ACTION_PROPOSED = "action_proposed", _("Corrective action proposed")
    ACTION_REJECTED = "action_rejected", _("Corrective action sent back")
    CLOSED = "closed", _("Verified closed")
    ESCALATED = "escalated", _("Escalated")
    REMINDED_BEFORE = "reminded_before", _("Reminder before the deadline")
    REMINDED_AFTER = "reminded_after", _("Reminder after the deadline")
    ASSESS_REMINDED = "assess_reminded", _("Reminder to assess")


# Steps the background task takes once per round at most (a unique constraint, so two runs never both send).
ONCE_PER_ROUND = ["reminded_before", "reminded_after", "request_sent", "assess_reminded"]


class RoundEvent(models.Model):
    """One step of a round and its deviation, as both sides read it on the round's page (the audit log
    keeps the same steps, hash-chained). `text` is what the person wrote; `data` values such as a deadline."""

    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "kind"],
                                               condition=Q(kind__in=ONCE_PER_ROUND),
                                               name="followup_round_reminder_once")]

    @property
    def deadline_day(self) -> date | None:
        """The deadline the step names (an answer's or a corrective action's), as a date to show."""
        value = self.data.get("deadline")
        return date.fromisoformat(value) if value else None
