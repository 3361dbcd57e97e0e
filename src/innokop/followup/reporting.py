"""What suppliers must report and what they reported, read from the data and the clock (rule 12).

Nothing here is stored: the state of a quarter (not reported, reported, overdue) is computed when read,
so it never depends on the reminder task having run (DESIGN.md §3).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation
from innokop.agreements.models import FrameworkAgreement, LotSupplier
from innokop.calloffs.models import Contract
from innokop.core.calendar import local_date

from .models import FeeRate, SalesReport, SalesReportRow
from .quarters import Quarter, quarters_between

NOT_REPORTED, REPORTED, OVERDUE = "not_reported", "reported", "overdue"
STATE_LABELS = {NOT_REPORTED: _("Not reported"), REPORTED: _("Reported"), OVERDUE: _("Overdue")}
CENT = Decimal("0.01")


def under_reporting_share() -> Decimal:
    return Decimal(str(getattr(settings, "INNOKOP_SALES_UNDER_REPORTING_SHARE", "0.5")))


def agreement_last_day(agreement: FrameworkAgreement) -> date:
    """The last day the agreement is in force: its end date, or the day it was terminated."""
    if agreement.terminated_at is not None:
        return min(agreement.end_date, local_date(agreement.terminated_at))
    return agreement.end_date


def supplier_contracts(agreement: FrameworkAgreement, supplier_id: int):
    return Contract.objects.filter(calloff__lot__agreement=agreement, supplier_id=supplier_id)


def quarters_to_report(agreement: FrameworkAgreement, supplier_id: int, today: date) -> list[Quarter]:
    """Every ended quarter the supplier must report for, oldest first.

    From the agreement's start while it is in force; after it, each quarter in which one of the
    supplier's call-off contracts on the agreement runs (contracts may outlive the agreement, rule 1).
    A quarter is reported once it has ended.
    """
    if agreement.published_at is None or not LotSupplier.objects.filter(
            lot__agreement=agreement, supplier_id=supplier_id).exists():
        return []
    last_ended = Quarter.of(today).previous()
    in_force = set(quarters_between(agreement.start_date, agreement_last_day(agreement)))
    for starts_on, ends_on in supplier_contracts(agreement, supplier_id).values_list("starts_on", "ends_on"):
        in_force.update(quarters_between(starts_on, ends_on))
    return sorted(q for q in in_force if q <= last_ended and q.end >= agreement.start_date)


def quarter_state(quarter: Quarter, report: SalesReport | None, today: date) -> str:
    if report is not None:
        return REPORTED
    return OVERDUE if today > quarter.due else NOT_REPORTED


@dataclass
class QuarterLine:
    agreement: FrameworkAgreement
    supplier: Organisation
    quarter: Quarter
    report: SalesReport | None
    state: str

    @property
    def due(self) -> date:
        return self.quarter.due

    @property
    def state_label(self):
        return STATE_LABELS[self.state]


def quarter_lines(agreement: FrameworkAgreement, supplier: Organisation, today: date) -> list[QuarterLine]:
    """The supplier's quarters on the agreement, newest first, with the current report where there is one."""
    current = {r.period: r for r in SalesReport.objects.current().filter(agreement=agreement, supplier=supplier)}
    return [QuarterLine(agreement, supplier, q, current.get(q), quarter_state(q, current.get(q), today))
            for q in reversed(quarters_to_report(agreement, supplier.pk, today))]


def overdue_lines(agreements, today: date) -> list[QuarterLine]:
    """Every quarter not reported after its due date, for the agreements' admitted suppliers."""
    found = []
    for agreement in agreements:
        suppliers = {a.supplier_id: a.supplier for a in LotSupplier.objects.filter(lot__agreement=agreement)
                     .select_related("supplier")}
        for supplier in sorted(suppliers.values(), key=lambda s: s.name):
            found += [line for line in quarter_lines(agreement, supplier, today) if line.state == OVERDUE]
    return found


def current_rows(agreement: FrameworkAgreement):
    return SalesReportRow.objects.filter(report__agreement=agreement, report__is_current=True)


def reported_turnover(agreement: FrameworkAgreement) -> Decimal:
    """The turnover suppliers have reported on the agreement (current versions), excluding VAT. The sales
    service keeps it on the agreement, where `agreements.consumption` counts the larger of it and the contracted
    value against the maximum."""
    return current_rows(agreement).aggregate(total=Sum("amount"))["total"] or Decimal(0)


@dataclass
class Totals:
    by_quarter: list[tuple[Quarter, Decimal]]
    by_lot: list[tuple[str, Decimal]]
    by_buyer: list[tuple[str, str, Decimal]]
    total: Decimal


def agreement_totals(agreement: FrameworkAgreement) -> Totals:
    rows = current_rows(agreement).select_related("report", "lot")
    quarters, lots, buyers = defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal)
    for row in rows:
        quarters[row.report.period] += row.amount
        lots[str(row.lot.number) + ". " + row.lot.title if row.lot else ""] += row.amount
        buyers[(row.buyer_name, row.buyer_org_number)] += row.amount
    return Totals(
        by_quarter=sorted(quarters.items()),
        by_lot=sorted(lots.items()),
        by_buyer=sorted(((name, number, amount) for (name, number), amount in buyers.items()), key=lambda b: b[0]),
        total=sum(quarters.values(), Decimal(0)),
    )


def rate_for(agreement: FrameworkAgreement, quarter: Quarter, rates: list[FeeRate] | None = None) -> Decimal | None:
    """The fee rate in force for the quarter: the newest dated on or before its first day."""
    rates = rates if rates is not None else list(agreement.fee_rates.all())
    applicable = [r for r in rates if r.valid_from <= quarter.start]
    return max(applicable, key=lambda r: r.valid_from).rate if applicable else None


def fee(turnover: Decimal, rate: Decimal) -> Decimal:
    return (turnover * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class FeeLine:
    supplier: Organisation
    quarter: Quarter
    turnover: Decimal
    rate: Decimal | None
    fee: Decimal | None
    report: SalesReport


def fee_basis(agreement: FrameworkAgreement) -> list[FeeLine]:
    """The administrative fee per supplier and quarter, from the current reports and the dated rates."""
    rates = list(agreement.fee_rates.all())
    reports = (SalesReport.objects.current().filter(agreement=agreement).select_related("supplier")
               .annotate(turnover=Sum("rows__amount")).order_by("year", "quarter", "supplier__name"))
    lines = []
    for report in reports:
        turnover = report.turnover or Decimal(0)
        rate = rate_for(agreement, report.period, rates)
        lines.append(FeeLine(report.supplier, report.period, turnover, rate,
                             fee(turnover, rate) if rate is not None else None, report))
    return lines


@dataclass
class Flag:
    kind: str
    supplier: Organisation
    quarter: Quarter
    buyer: str
    reported: Decimal
    expected: Decimal | None = None
    report: SalesReport | None = None
    extra: dict = field(default_factory=dict)

    @property
    def label(self):
        return FLAG_LABELS[self.kind]


FLAG_LABELS = {
    "not_entitled": _("Sale to a buyer that is not entitled"),
    "unknown_buyer": _("Buyer not in Innoköp: check that it is entitled"),
    "under_reported": _("Less reported than the call-off contract's share"),
}


def flags(agreement: FrameworkAgreement) -> list[Flag]:
    """What the purchasing body should look into: sales to buyers not entitled (accepted, not refused:
    refusing them would hide an unlawful purchase) or unknown, and under-reporting against contracts."""
    found = []
    for row in current_rows(agreement).filter(entitled__isnull=False, entitled=False).select_related(
            "report__supplier"):
        found.append(Flag("not_entitled", row.report.supplier, row.report.period, row.buyer_name, row.amount,
                          report=row.report))
    for row in current_rows(agreement).filter(entitled__isnull=True).select_related("report__supplier"):
        found.append(Flag("unknown_buyer", row.report.supplier, row.report.period, row.buyer_name, row.amount,
                          report=row.report))
    return found + under_reporting(agreement)


def under_reporting(agreement: FrameworkAgreement) -> list[Flag]:
    """A submitted report that gives a buyer with a running call-off contract less than the configured share
    of the contract's value for the days of the quarter it ran (nothing at all included)."""
    share = under_reporting_share()
    reports = {(r.supplier_id, r.period): r for r in SalesReport.objects.current().filter(agreement=agreement)
               .select_related("supplier").prefetch_related("rows")}
    expected: dict[tuple, Decimal] = defaultdict(Decimal)
    buyers = {}
    contracts = Contract.objects.filter(calloff__lot__agreement=agreement).select_related("agency")
    for contract in contracts:
        length = (contract.ends_on - contract.starts_on).days + 1
        for quarter in quarters_between(contract.starts_on, contract.ends_on):
            if (contract.supplier_id, quarter) in reports:
                key = (contract.supplier_id, quarter, contract.agency_id)
                expected[key] += contract.value * quarter.overlap_days(contract.starts_on, contract.ends_on) / length
                buyers[contract.agency_id] = contract.agency
    found = []
    for (supplier_id, quarter, agency_id), value in sorted(expected.items(), key=lambda item: (item[0][1], item[0][0])):
        report = reports[(supplier_id, quarter)]
        reported = sum((row.amount for row in report.rows.all() if row.buyer_id == agency_id), Decimal(0))
        if reported < value * share:
            found.append(Flag("under_reported", report.supplier, quarter, buyers[agency_id].name, reported,
                              expected=value.quantize(CENT, rounding=ROUND_HALF_UP), report=report))
    return found


def contracted_buyers(agreement: FrameworkAgreement, supplier_id: int, quarter: Quarter) -> list[tuple]:
    """(agency, lot) of each of the supplier's call-off contracts on the agreement that runs in the quarter."""
    contracts = (supplier_contracts(agreement, supplier_id)
                 .filter(starts_on__lte=quarter.end, ends_on__gte=quarter.start)
                 .select_related("agency", "calloff__lot").order_by("agency__name"))
    return list(dict.fromkeys((contract.agency, contract.calloff.lot) for contract in contracts))
