"""Every change to sales reports and fee rates (rule 12): one service each, audited, notified on commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import exceptions as stdnum_errors
from stdnum.se import orgnr

from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role
from innokop.accounts.permissions import actor_for
from innokop.agreements.models import FrameworkAgreement, Lot, LotSupplier
from innokop.agreements.permissions import is_entitled
from innokop.agreements.services import agreement_reported_turnover_set
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.calendar import local_date
from innokop.core.notifications import notify
from innokop.core.refusals import Problem, Refused

from ..models import FeeRate, ReminderKind, ReportSource, SalesReminder, SalesReport, SalesReportRow
from ..permissions import reporting_supplier_ids
from ..quarters import Quarter, is_quarter_start
from ..reporting import quarter_lines, reported_turnover

REMIND_DAYS_BEFORE = 14


class SalesReportError(Refused):
    code = "sales_report_refused"


@dataclass(frozen=True)
class RowInput:
    """One buyer's turnover as a supplier gives it: an organisation in Innoköp, or a name and organisation number."""

    amount: Decimal
    buyer: Organisation | None = None
    buyer_name: str = ""
    buyer_org_number: str = ""
    lot: Lot | None = None


def normalise_org_number(value: str) -> str:
    """A Swedish organisation number as NNNNNN-NNNN; raises `SalesReportError` when it is not one."""
    try:
        return orgnr.format(orgnr.validate(value))
    except stdnum_errors.ValidationError:
        raise SalesReportError(_("%(value)s is not a valid Swedish organisation number (NNNNNN-NNNN).")
                               % {"value": value}, code="invalid_org_number") from None


def find_buyer(org_number: str) -> Organisation | None:
    return Organisation.objects.filter(org_number=org_number, kind=OrganisationKind.AGENCY).first()


def _row(agreement: FrameworkAgreement, admitted_lot_ids: set[int], index: int, given: RowInput) -> SalesReportRow:
    field = f"rows.{index}"
    if given.amount is None or given.amount < 0:
        raise SalesReportError(_("Row %(n)s: the amount must be zero or more.") % {"n": index + 1},
                               code="invalid_amount", problems=[Problem(f"{field}.amount", _("Give zero or more."))])
    if given.lot is not None and given.lot.pk not in admitted_lot_ids:
        raise SalesReportError(_("Row %(n)s: the supplier is not admitted to lot %(lot)s of the agreement.")
                               % {"n": index + 1, "lot": given.lot.number}, code="lot_not_admitted",
                               problems=[Problem(f"{field}.lot", _("Choose a lot you are admitted to."))])
    buyer = given.buyer
    if buyer is None:
        number = normalise_org_number(given.buyer_org_number)
        buyer = find_buyer(number)
        if buyer is None and not given.buyer_name.strip():
            raise SalesReportError(_("Row %(n)s: give the buyer's name.") % {"n": index + 1}, code="buyer_name_missing",
                                   problems=[Problem(f"{field}.buyer_name", _("Give the buyer's name."))])
    elif buyer.kind != OrganisationKind.AGENCY:
        raise SalesReportError(_("Row %(n)s: %(name)s is not a buyer.") % {"n": index + 1, "name": buyer.name},
                               code="not_a_buyer")
    if buyer is not None:
        return SalesReportRow(buyer=buyer, buyer_name=buyer.name, buyer_org_number=buyer.org_number,
                              lot=given.lot, amount=given.amount, entitled=is_entitled(agreement, buyer))
    return SalesReportRow(buyer_name=given.buyer_name.strip()[:200], buyer_org_number=number, lot=given.lot,
                          amount=given.amount, entitled=None)


def _require_reporting(actor, agreement: FrameworkAgreement, supplier: Organisation, quarter: Quarter) -> None:
    if supplier.pk not in reporting_supplier_ids(actor_for(actor)):
        raise SalesReportError(_("Only the supplier's representatives report its sales."), code="not_representative",
                               status=403)
    today = local_date(clock.now())
    if quarter not in {line.quarter for line in quarter_lines(agreement, supplier, today)}:
        raise SalesReportError(
            _("%(supplier)s has no sales report to make for %(quarter)s on this agreement: a quarter is reported "
              "after it ends, while the supplier is admitted or a call-off contract runs.")
            % {"supplier": supplier.name, "quarter": quarter}, code="no_report_due", status=409)


def sales_report_submit(*, actor, agreement: FrameworkAgreement, supplier: Organisation, quarter: Quarter,
                        rows: list[RowInput], zero: bool = False, correction_reason: str = "",
                        source: str = ReportSource.PAGE) -> SalesReport:
    """Submits the supplier's sales for the quarter: its turnover excluding VAT per buyer, or a zero report.

    A report for a quarter already reported is a correction: a new version with a reason, and the old one
    is kept. A sale to a buyer that is not entitled is taken and flagged for the purchasing body.
    """
    _require_reporting(actor, agreement, supplier, quarter)
    if zero and rows:
        raise SalesReportError(_("A zero report has no rows. Remove the rows or report the sales."),
                               code="zero_with_rows")
    if not zero and not rows:
        raise SalesReportError(_("Add at least one buyer with an amount, or submit a zero report if you sold "
                                 "nothing in the quarter."), code="no_rows")
    admitted = set(LotSupplier.objects.filter(lot__agreement=agreement, supplier=supplier).values_list("lot_id", flat=True))
    built = [_row(agreement, admitted, index, given) for index, given in enumerate(rows)]
    try:
        with transaction.atomic():
            report = _store(actor, agreement, supplier, quarter, built, zero, correction_reason.strip(), source)
            # Rule 1: the maximum counts the larger of the contracted value and the reported turnover.
            agreement_reported_turnover_set(actor=actor, agreement=agreement, reported=reported_turnover(agreement))
    except IntegrityError:
        raise SalesReportError(_("Someone else submitted this report at the same moment. Reload the page and "
                                 "check the report."), code="conflict", status=409) from None
    return report


def _store(actor, agreement, supplier, quarter, rows, zero, reason, source) -> SalesReport:
    previous = (SalesReport.objects.select_for_update(no_key=True).of_quarter(quarter)
                .filter(agreement=agreement, supplier=supplier).order_by("-version").first())
    if previous is not None and not reason:
        raise SalesReportError(_("%(quarter)s is already reported. A correction needs a reason.")
                               % {"quarter": quarter}, code="correction_needs_reason",
                               problems=[Problem("correction_reason", _("Say why you correct the report."))])
    if previous is not None:
        SalesReport.objects.filter(pk=previous.pk).update(is_current=False)
    report = SalesReport.objects.create(
        agreement=agreement, supplier=supplier, year=quarter.year, quarter=quarter.number,
        version=previous.version + 1 if previous else 1, is_zero=zero, correction_reason=reason if previous else "",
        source=source, submitted_by=actor, submitted_at=clock.now())
    for row in rows:
        row.report = report
    SalesReportRow.objects.bulk_create(rows)
    total = sum((row.amount for row in rows), Decimal(0))
    audit_log(actor=actor, verb="sales_report.corrected" if previous else "sales_report.submitted", obj=report,
              organisation=supplier, payload={
                  "agreement": agreement.reference, "quarter": str(quarter), "version": report.version,
                  "zero": zero, "total": str(total), "rows": len(rows), "source": source,
                  "not_entitled": sum(1 for row in rows if row.entitled is False), "reason": report.correction_reason})
    if previous is not None:
        notify(recipients=_managers(agreement), kind="followup.sales_report_corrected",
               subject=gettext_lazy("%(supplier)s corrected its sales report for %(quarter)s"),
               body=gettext_lazy("%(supplier)s corrected its sales report for %(quarter)s on %(agreement)s "
                                 "(version %(version)s). Reason: %(reason)s"),
               params={"supplier": supplier.name, "quarter": str(quarter), "agreement": agreement.reference,
                       "version": report.version, "reason": reason},
               url=reverse("followup:report_detail", args=[report.pk]))
    return report


def _managers(agreement: FrameworkAgreement):
    return [m.user for m in Membership.objects.filter(organisation=agreement.owner, role=Role.FRAMEWORK_MANAGER)
            .select_related("user")]


def _representatives(supplier: Organisation):
    return [m.user for m in Membership.objects.filter(organisation=supplier, role=Role.SUPPLIER_REPRESENTATIVE)
            .select_related("user")]


def fee_rate_add(*, actor, agreement: FrameworkAgreement, rate: Decimal, valid_from: date) -> FeeRate:
    """A new dated fee rate. It starts on a quarter's first day, never earlier than the current quarter (a fee
    already invoiced does not change), and rates are never edited: a change is a new row."""
    who = actor_for(actor)
    if agreement.owner_id not in who.managed_organisation_ids:
        raise SalesReportError(_("Only the purchasing body that manages the agreement sets its fee."),
                               code="not_manager", status=403)
    if not is_quarter_start(valid_from):
        raise SalesReportError(
            _("A fee rate changes only at the start of a quarter: choose 1 January, 1 April, 1 July or 1 October. "
              "%(day)s is inside %(quarter)s.") % {"day": valid_from.isoformat(), "quarter": Quarter.of(valid_from)},
            code="rate_inside_quarter", problems=[Problem("valid_from", _("Choose the first day of a quarter."))])
    if not Decimal(0) <= rate <= Decimal(100):
        raise SalesReportError(_("The fee rate is a percentage from 0 to 100."), code="invalid_rate",
                               problems=[Problem("rate", _("Give a percentage from 0 to 100."))])
    if agreement.fee_rates.exists() and valid_from < Quarter.of(local_date(clock.now())).start:
        raise SalesReportError(_("A fee rate cannot start in a past quarter: fees already invoiced would change."),
                               code="rate_in_the_past", problems=[Problem("valid_from", _("Choose this quarter or a later one."))])
    with transaction.atomic():
        FrameworkAgreement.objects.select_for_update(no_key=True).filter(pk=agreement.pk).first()
        if agreement.fee_rates.filter(valid_from=valid_from).exists():
            raise SalesReportError(_("There is already a rate from %(day)s. Rates are never changed; add one from "
                                     "a later quarter.") % {"day": valid_from.isoformat()}, code="rate_exists",
                                   status=409)
        fee_rate = FeeRate.objects.create(agreement=agreement, rate=rate, valid_from=valid_from, created_by=actor,
                                          created_at=clock.now())
        audit_log(actor=actor, verb="fee_rate.added", obj=agreement, organisation=agreement.owner,
                  payload={"rate": str(rate), "valid_from": valid_from.isoformat()})
    return fee_rate


def sales_reminders_send(*, today: date | None = None) -> int:
    """Reminds suppliers of reports due within two weeks and of overdue ones; returns how many were sent.

    Each reminder (before, after) goes once per supplier, agreement and quarter: the row in
    `SalesReminder` is written in the same transaction as the notification, so a task run twice, or
    two workers at once, send it once.
    """
    today = today or local_date(clock.now())
    sent = 0
    for agreement in FrameworkAgreement.objects.published():
        suppliers = {a.supplier for a in LotSupplier.objects.filter(lot__agreement=agreement).select_related("supplier")}
        for supplier in suppliers:
            for line in quarter_lines(agreement, supplier, today):
                kind = _reminder_kind(line.quarter, line.report, today)
                if kind and _remind(agreement, supplier, line.quarter, kind):
                    sent += 1
    return sent


def _reminder_kind(quarter: Quarter, report, today: date) -> str | None:
    if report is not None:
        return None
    if today > quarter.due:
        return ReminderKind.AFTER
    if today >= quarter.due - timedelta(days=REMIND_DAYS_BEFORE):
        return ReminderKind.BEFORE
    return None


def _remind(agreement, supplier, quarter: Quarter, kind: str) -> bool:
    if kind == ReminderKind.BEFORE:
        subject = gettext_lazy("Sales report for %(quarter)s due %(due)s")
        body = gettext_lazy("Report your sales on %(agreement)s for %(quarter)s by %(due)s: your turnover "
                            "excluding VAT per buyer, or a zero report if you sold nothing.")
    else:
        subject = gettext_lazy("Sales report for %(quarter)s is overdue")
        body = gettext_lazy("Your sales report on %(agreement)s for %(quarter)s was due %(due)s. Report now: "
                            "your turnover excluding VAT per buyer, or a zero report if you sold nothing.")
    try:
        with transaction.atomic():
            SalesReminder.objects.create(agreement=agreement, supplier=supplier, year=quarter.year,
                                         quarter=quarter.number, kind=kind, sent_at=clock.now())
            notify(recipients=_representatives(supplier), kind=f"followup.sales_reminder_{kind}", subject=subject,
                   body=body, params={"quarter": str(quarter), "due": quarter.due, "agreement": agreement.reference},
                   url=reverse("followup:report_form", args=[agreement.pk, supplier.pk, quarter.year, quarter.number]))
            audit_log(actor=None, verb=f"sales_report.reminded_{kind}", obj=agreement, organisation=supplier,
                      payload={"quarter": str(quarter)})
    except IntegrityError:
        return False
    return True
