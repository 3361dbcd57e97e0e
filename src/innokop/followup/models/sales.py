"""Sales reports per agreement, supplier and quarter, their rows per buyer, and the dated fee rates (rule 12).

A report is never changed once submitted: a correction is a new version with a reason, and only the
newest version of each (agreement, supplier, quarter) is current. Whether a quarter is reported, due
or overdue is not stored: it is read from the clock (`reporting.quarter_state`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation
from innokop.agreements.models import FrameworkAgreement, Lot

from ..quarters import Quarter


class ReportSource(models.TextChoices):
    PAGE = "page", _("Form")
    UPLOAD = "upload", _("File upload")
    API = "api", _("API")


class SalesReportQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def of_quarter(self, quarter: Quarter):
        return self.filter(year=quarter.year, quarter=quarter.number)


class SalesReport(models.Model):
    agreement = models.ForeignKey(FrameworkAgreement, on_delete=models.PROTECT, related_name="sales_reports")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sales_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(default=True)
    is_zero = models.BooleanField(_("zero report"), default=False)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    source = models.CharField(max_length=10, choices=ReportSource.choices, default=ReportSource.PAGE)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    objects = SalesReportQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "supplier", "-year", "-quarter", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "supplier", "year", "quarter", "version"],
                                    name="sales_report_version_unique"),
            models.UniqueConstraint(fields=["agreement", "supplier", "year", "quarter"], condition=Q(is_current=True),
                                    name="sales_report_one_current"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="sales_report_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def reference(self) -> str:
        """What the supplier quotes: unique per version, readable on the phone."""
        return f"FR-{self.pk:06d}-{self.year}Q{self.quarter}-v{self.version}"

    def total(self):
        return sum((row.amount for row in self.rows.all()), start=0)


class SalesReportRow(models.Model):
    """Turnover excluding VAT with one buyer (and lot) in the quarter."""

    report = models.ForeignKey(SalesReport, on_delete=models.CASCADE, related_name="rows")
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A buyer not in Innoköp: its name and Swedish organisation number (checked with python-stdnum).
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_org_number = models.CharField(_("buyer's organisation number"), max_length=11)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount = models.DecimalField(_("amount excluding VAT (SEK)"), max_digits=14, decimal_places=2)
    # Decided when the report is submitted: True or False for a buyer in Innoköp, None when Innoköp
    # cannot tell (a buyer it does not know): the purchasing body checks it.
    entitled = models.BooleanField(null=True)

    class Meta:
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"{self.buyer_name}: {self.amount}"


class FeeRate(models.Model):
    """The administrative fee in per cent of reported turnover, from a quarter's first day. Never edited:
    a new rate is a new row."""

    agreement = models.ForeignKey(FrameworkAgreement, on_delete=models.PROTECT, related_name="fee_rates")
    rate = models.DecimalField(_("fee rate (%)"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["agreement", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["agreement", "valid_from"], name="fee_rate_one_per_day")]

    def __str__(self) -> str:
        return f"{self.rate} % from {self.valid_from}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Before the due date")
    AFTER = "after", _("After the due date")


class SalesReminder(models.Model):
    """A reminder sent: the row makes sure the same reminder is never sent twice."""

    agreement = models.ForeignKey(FrameworkAgreement, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "supplier", "year", "quarter", "kind"],
                                               name="sales_reminder_once")]
