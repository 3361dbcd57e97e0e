"""The numbers of the dashboards, as plain functions over querysets.

Counting and summing happen in the database, so a dashboard costs the same few queries whatever the number of
call-offs and contracts; only the median (which SQLite cannot take) is computed here, from one list of dates.
The caller decides what is in a queryset (whose call-offs, contracts and deviations: followup.permissions and
views/dashboards.py); these functions only count it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncQuarter

from innokop.agreements.models import FrameworkAgreement
from innokop.calloffs.models import CallOff, CallOffStatus, Contract, effective_state_expression
from innokop.core.calendar import STOCKHOLM, local_date

from .models import Deviation, DeviationQuerySet, DeviationStatus, SalesReport
from .quarters import Quarter
from .reporting import quarters_to_report

ONE_DECIMAL = Decimal("0.1")


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part of whole in per cent with one decimal; None when there is no whole to take a share of."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def quarters_from(found: list[Quarter]) -> list[Quarter]:
    """Every quarter from the first to the last found, so a chart over time shows the empty quarters too."""
    if not found:
        return []
    quarters, quarter = [], min(found)
    while quarter <= max(found):
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


# ---------------------------------------------------------------------------------------------
# Call-offs by state


def calloffs_by_state(calloffs: QuerySet[CallOff], now: datetime) -> list[tuple[CallOffStatus, int]]:
    """How many call-offs are in each state now, in the order of the call-off's life; states with none left out."""
    counts = dict(calloffs.order_by().annotate(state=effective_state_expression(now))
                  .values_list("state").annotate(n=Count("pk", distinct=True)).values_list("state", "n"))
    return [(status, counts[status.value]) for status in CallOffStatus if counts.get(status.value)]


# ---------------------------------------------------------------------------------------------
# Contracts: value and SME share per quarter of signing, time from publication to contract


@dataclass(frozen=True)
class QuarterContracts:
    quarter: Quarter
    count: int
    value: Decimal
    sme_count: int
    sme_value: Decimal

    @property
    def sme_share_of_value(self) -> Decimal | None:
        return percent(self.sme_value, self.value)

    @property
    def sme_share_of_count(self) -> Decimal | None:
        return percent(self.sme_count, self.count)


def contracts_by_quarter(contracts: QuerySet[Contract]) -> list[QuarterContracts]:
    """Number and value of contracts per quarter of signing (Swedish time), and how much went to SMEs
    (`Organisation.is_sme` of the supplier), every quarter from the first to the last, oldest first."""
    sme = Q(supplier__is_sme=True)
    rows = (contracts.order_by().annotate(signed_in=TruncQuarter("signed_at", tzinfo=STOCKHOLM))
            .values("signed_in")
            .annotate(n=Count("pk"), total=Sum("value"), n_sme=Count("pk", filter=sme), total_sme=Sum("value", filter=sme)))
    found = {}
    for row in rows:
        quarter = Quarter.of(_as_date(row["signed_in"]))
        found[quarter] = QuarterContracts(quarter, row["n"], Decimal(row["total"] or 0), row["n_sme"],
                                          Decimal(row["total_sme"] or 0))
    return [found.get(q, QuarterContracts(q, 0, Decimal(0), 0, Decimal(0))) for q in quarters_from(list(found))]


def _as_date(value: date | datetime) -> date:
    return local_date(value) if isinstance(value, datetime) else value


@dataclass(frozen=True)
class SmeShare:
    count: int
    sme_count: int
    value: Decimal
    sme_value: Decimal

    @property
    def share_of_count(self) -> Decimal | None:
        return percent(self.sme_count, self.count)

    @property
    def share_of_value(self) -> Decimal | None:
        return percent(self.sme_value, self.value)


def sme_share(by_quarter: list[QuarterContracts]) -> SmeShare:
    return SmeShare(
        count=sum(q.count for q in by_quarter), sme_count=sum(q.sme_count for q in by_quarter),
        value=sum((q.value for q in by_quarter), Decimal(0)), sme_value=sum((q.sme_value for q in by_quarter), Decimal(0)),
    )


@dataclass(frozen=True)
class DaysToContract:
    by_quarter: list[tuple[Quarter, Decimal | None, int]]  # quarter of signing, median days, number of contracts
    median: Decimal | None
    count: int


def days_to_contract(contracts: QuerySet[Contract]) -> DaysToContract:
    """The median number of days from a call-off's publication to its contract's signing, per quarter of
    signing and over all, counted in Swedish calendar days. Contracts of call-offs never published are left out."""
    pairs = (contracts.order_by().filter(calloff__published_at__isnull=False)
             .values_list("calloff__published_at", "signed_at"))
    days: dict[Quarter, list[int]] = defaultdict(list)
    for published_at, signed_at in pairs:
        signed = local_date(signed_at)
        days[Quarter.of(signed)].append((signed - local_date(published_at)).days)
    every = [d for found in days.values() for d in found]
    return DaysToContract(
        by_quarter=[(q, _median(days.get(q, [])), len(days.get(q, []))) for q in quarters_from(list(days))],
        median=_median(every),
        count=len(every),
    )


def _median(values: list[int]) -> Decimal | None:
    return Decimal(str(statistics.median(values))).quantize(ONE_DECIMAL) if values else None


# ---------------------------------------------------------------------------------------------
# Open deviations


def open_deviations_by_status(deviations: DeviationQuerySet) -> list[tuple[DeviationStatus, int]]:
    """How many of the deviations are open (`Deviation.objects.open()`: not yet verified closed or escalated),
    per open status in the order of the deviation's life, none counted as 0: no open deviation is an answer."""
    counts = dict(deviations.open().order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    open_statuses = [status for status in DeviationStatus if Deviation(status=status).is_open or status in counts]
    return [(status, counts.get(status.value, 0)) for status in open_statuses]


# ---------------------------------------------------------------------------------------------
# Sales-report compliance (rule 12)


@dataclass(frozen=True)
class QuarterCompliance:
    quarter: Quarter
    due: int  # supplier-quarters whose report was due (the due date has passed, or it is reported)
    on_time: int  # of them, reported on or before the due date
    late: int  # reported after it
    missing: int  # not reported, and past the due date

    @property
    def share_on_time(self) -> Decimal | None:
        return percent(self.on_time, self.due)


def report_compliance(pairs: list[tuple[FrameworkAgreement, int]], today: date) -> list[QuarterCompliance]:
    """For each (agreement, supplier id): the quarters it must report (`reporting.quarters_to_report`) and
    whether its first report of each came by the due date (`Quarter.due`, one month and 15 days after the
    quarter; a correction later does not make a report late). Quarters not yet due and unreported are left
    out. One row per quarter, oldest first."""
    agreement_ids = {agreement.pk for agreement, _ in pairs}
    first = {(r["agreement_id"], r["supplier_id"], Quarter(r["year"], r["quarter"])): r["first"] for r in
             SalesReport.objects.filter(agreement_id__in=agreement_ids).order_by()
             .values("agreement_id", "supplier_id", "year", "quarter").annotate(first=Min("submitted_at"))}
    counts: dict[Quarter, list[int]] = defaultdict(lambda: [0, 0, 0])
    for agreement, supplier_id in pairs:
        for quarter in quarters_to_report(agreement, supplier_id, today):
            submitted = first.get((agreement.pk, supplier_id, quarter))
            if submitted is None:
                if today > quarter.due:
                    counts[quarter][2] += 1
                continue
            counts[quarter][0 if local_date(submitted) <= quarter.due else 1] += 1
    return [QuarterCompliance(q, sum(counts[q]), *counts[q]) for q in sorted(counts) if sum(counts[q])]


def compliance_total(rows: list[QuarterCompliance]) -> QuarterCompliance | None:
    if not rows:
        return None
    return QuarterCompliance(rows[-1].quarter, sum(r.due for r in rows), sum(r.on_time for r in rows),
                             sum(r.late for r in rows), sum(r.missing for r in rows))
