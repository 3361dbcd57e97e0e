"""The contract register: every call-off contract's registration number, options and their use, changes under
LOU 17 kap., expiry alerts, completion, and the reference case written after it.

The register keeps its own data beside `calloffs.Contract` (one `ContractRecord` per contract, made when first
needed). Entries are never changed: an option is defined, then used once; a change is recorded with the value
before and after. Whether a contract is running, expiring or ended is read from the clock, not stored.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innokop.calloffs.models import Contract
from innokop.catalogue.models import ReferenceCase, Solution

# Expiry alerts go this many days before the end (the contract is "expiring" from the first of them).
ALERT_DAYS = (90, 30)


class ContractState(models.TextChoices):
    RUNNING = "running", _("Running")
    EXPIRING = "expiring", _("Expiring")
    ENDED = "ended", _("Ended, not completed")
    COMPLETED = "completed", _("Completed")


class ContractKind(models.TextChoices):
    """What LOU 17 kap. 9 § measures a change of low value against: 10 % for goods and services, 15 % for works."""

    GOODS_SERVICES = "goods_services", _("Goods or services")
    WORKS = "works", _("Works")


class ChangeReason(models.TextChoices):
    """The grounds in LOU (2016:1145) 17 kap. for changing a contract without a new procurement."""

    LOW_VALUE = "17_9", _("Change of low value (LOU 17 kap. 9 §)")
    REVIEW_CLAUSE = "17_10", _("Review clause in the contract (LOU 17 kap. 10 §)")
    ADDITIONAL = "17_11", _("Additional deliveries (LOU 17 kap. 11 §)")
    UNFORESEEN = "17_12", _("Unforeseeable circumstances (LOU 17 kap. 12 §)")
    NEW_SUPPLIER = "17_13", _("New supplier (LOU 17 kap. 13 §)")
    NON_SUBSTANTIAL = "17_14", _("Change that is not substantial (LOU 17 kap. 14 §)")


class ChangeLimit(models.Model):
    """The limits LOU 17 kap. sets on changes without a new procurement, from a day, with their source. Dated
    configuration: never edited, a new row from a later day (a data migration seeds the first)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    low_value_share_goods_services = models.DecimalField(max_digits=5, decimal_places=2)  # per cent, 17:9
    low_value_share_works = models.DecimalField(max_digits=5, decimal_places=2)  # per cent, 17:9
    per_change_share = models.DecimalField(max_digits=5, decimal_places=2)  # per cent of the original, 17:11-12
    source = models.CharField(max_length=300)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return f"17 kap. limits from {self.valid_from}"

    def save(self, *args, **kwargs):
        from innokop.core.models import AppendOnlyError

        if self.pk is not None:
            raise AppendOnlyError("change limits are never edited: add a new dated row")
        super().save(*args, **kwargs)


LIMITS_SOURCE = ("LOU (2016:1145) 17 kap. 9 § (ändringar av lågt värde: under tröskelvärdet och högst 10 % av det "
                 "ursprungliga värdet för varor och tjänster, 15 % för byggentreprenader) och 11–12 §§ (varje "
                 "ändring högst 50 % av det ursprungliga värdet)")


def seed_change_limits(model=ChangeLimit) -> int:
    """The limits of LOU 17 kap. since the act came into force on 1 January 2017, as the data migration loads
    them (and tests after a flush); returns how many rows were missing."""
    if model.objects.filter(valid_from=date(2017, 1, 1)).exists():
        return 0
    model.objects.create(valid_from=date(2017, 1, 1), low_value_share_goods_services=Decimal(10),
                         low_value_share_works=Decimal(15), per_change_share=Decimal(50), source=LIMITS_SOURCE,
                         created_at=datetime(2017, 1, 1, tzinfo=timezone.utc))
    return 1


class ContractRecordQuerySet(models.QuerySet):
    def with_related(self) -> ContractRecordQuerySet:
        return self.select_related("contract__calloff__lot__agreement", "contract__agency", "contract__supplier")


class ContractRecord(models.Model):
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="register_record")
    registration_number = models.CharField(_("registration number (diarienummer)"), max_length=60, blank=True)
    kind = models.CharField(_("the contract is for"), max_length=20, choices=ContractKind.choices,
                            default=ContractKind.GOODS_SERVICES)
    # The contract's end and value now: the signed ones plus options used and changes (kept by the services).
    ends_on = models.DateField(_("ends"))
    value = models.DecimalField(_("value now (SEK, excluding VAT)"), max_digits=14, decimal_places=2)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    final_amount = models.DecimalField(_("final amount paid (SEK, excluding VAT)"), max_digits=14, decimal_places=2,
                                       null=True, blank=True)
    completion_note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField()

    objects = ContractRecordQuerySet.as_manager()

    class Meta:
        ordering = ["ends_on", "id"]

    def __str__(self) -> str:
        return f"{self.contract}"

    @property
    def agreement(self):
        return self.contract.calloff.lot.agreement

    @property
    def original_value(self) -> Decimal:
        return self.contract.value

    def state(self, today: date) -> str:
        """From the clock when read: expiring from 90 days before the end, ended after it until completed."""
        if self.completed_at is not None:
            return ContractState.COMPLETED
        if today > self.ends_on:
            return ContractState.ENDED
        if today >= self.ends_on - timedelta(days=max(ALERT_DAYS)):
            return ContractState.EXPIRING
        return ContractState.RUNNING

    def days_left(self, today: date) -> int:
        return (self.ends_on - today).days


class ContractOption(models.Model):
    """An option or extension the contract allows, as the agency records it: a longer period and/or more value.
    Used once, with a reason, within what it allows."""

    record = models.ForeignKey(ContractRecord, on_delete=models.CASCADE, related_name="options")
    description = models.CharField(_("description"), max_length=300)
    extension_months = models.PositiveSmallIntegerField(_("extension (months)"), null=True, blank=True)
    value = models.DecimalField(_("value (SEK, excluding VAT)"), max_digits=14, decimal_places=2, null=True,
                                blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    use_reason = models.TextField(_("reason"), blank=True)
    used_months = models.PositiveSmallIntegerField(null=True, blank=True)
    used_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    end_before = models.DateField(null=True, blank=True)
    end_after = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def is_used(self) -> bool:
        return self.used_at is not None


class ContractChange(models.Model):
    """A change of the contract with its ground in LOU 17 kap., the value before and after, and the warnings
    the agency was shown and went ahead with."""

    record = models.ForeignKey(ContractRecord, on_delete=models.CASCADE, related_name="changes")
    reason = models.CharField(_("ground"), max_length=10, choices=ChangeReason.choices)
    description = models.TextField(_("what changes and why"))
    value_before = models.DecimalField(max_digits=14, decimal_places=2)
    value_after = models.DecimalField(max_digits=14, decimal_places=2)
    # The warnings the agency was shown: [{"code", "params"}], worded in the reader's language when read
    # (`services.register.warning_text`).
    warnings = models.JSONField(default=list, blank=True)
    limits = models.ForeignKey(ChangeLimit, on_delete=models.PROTECT, null=True, related_name="+")
    threshold = models.DecimalField(max_digits=14, decimal_places=0, null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.value_before} → {self.value_after}"

    @property
    def difference(self) -> Decimal:
        return self.value_after - self.value_before


class ExpiryAlert(models.Model):
    """An expiry alert sent: the row makes sure each (90 and 30 days) goes once."""

    record = models.ForeignKey(ContractRecord, on_delete=models.CASCADE, related_name="alerts")
    days = models.PositiveSmallIntegerField()
    ends_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at"]
        constraints = [models.UniqueConstraint(fields=["record", "days", "ends_on"], name="expiry_alert_once")]


class ContractReferenceCase(models.Model):
    """The reference case the agency wrote after completing the contract (closing the loop): the case itself
    lives in the catalogue, where the purchasing body reviews it; None once the review has rejected it."""

    record = models.OneToOneField(ContractRecord, on_delete=models.CASCADE, related_name="reference_case_link")
    case = models.OneToOneField(ReferenceCase, on_delete=models.SET_NULL, null=True, related_name="contract_link")
    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="+")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.record}: {self.case}"
