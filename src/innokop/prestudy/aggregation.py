"""Demand aggregation: the volumes of needs and of the agencies that joined them, totalled by region, CPV
division and year.

Totals count volumes only, in each need's own unit (a total never adds litres to licences). A public total
leaves internal needs out and never holds a budget (OSL 19:3); the purchasing body's totals on a pre-study
may include internal needs and the sum of the budgets, and say so. A need with CPV codes in two divisions
counts in both rows of the division table.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from innokop.reference.models import CpvCode

from .models import Need

WHOLE_COUNTRY = _("The whole of Sweden")


@dataclass(frozen=True)
class Contribution:
    """One agency's demand: a need's own, or an agency that joined it."""

    need_id: int
    agency_id: int
    volume: int
    unit: str
    year: int
    region_code: str  # "" for the whole of Sweden
    region_label: str
    divisions: tuple[str, ...]


@dataclass
class TotalRow:
    key: str
    label: str
    unit: str
    volume: int = 0
    agencies: set = field(default_factory=set)

    @property
    def agency_count(self) -> int:
        return len(self.agencies)


@dataclass
class Totals:
    by_region: list[TotalRow]
    by_division: list[TotalRow]
    by_year: list[TotalRow]
    needs: int
    agencies: int
    budget: Decimal | None = None  # only in the purchasing body's totals, never in a public one

    @property
    def is_empty(self) -> bool:
        return not self.needs


def contributions(needs: Iterable[Need]) -> list[Contribution]:
    """The needs' own demand and that of every agency that joined them and has not withdrawn."""
    found = []
    for need in needs:
        divisions = tuple(sorted({code.division for code in need.cpv_codes.all()}))
        region = need.region
        found.append(Contribution(need.pk, need.agency_id, need.volume, need.volume_unit, need.needed_year,
                                  region.code if region else "", str(region.label if region else WHOLE_COUNTRY),
                                  divisions))
        for interest in need.interests.all():
            if interest.withdrawn_at is not None:
                continue
            own = interest.region or region
            found.append(Contribution(need.pk, interest.agency_id, interest.volume, need.volume_unit,
                                      interest.needed_year, own.code if own else "",
                                      str(own.label if own else WHOLE_COUNTRY), divisions))
    return found


def _table(items: Iterable[tuple[str, str, Contribution]]) -> list[TotalRow]:
    rows: dict[tuple[str, str], TotalRow] = {}
    for key, label, item in items:
        row = rows.setdefault((key, item.unit), TotalRow(key=key, label=label, unit=item.unit))
        row.volume += item.volume
        row.agencies.add(item.agency_id)
    return sorted(rows.values(), key=lambda row: (row.key or "~", row.unit))


def totals(needs: Iterable[Need], *, public: bool, with_budget: bool = False) -> Totals:
    """Totals of the needs. `public`: internal needs are left out. `with_budget` (the purchasing body only,
    never with `public`): the sum of the budgets given."""
    if public and with_budget:
        raise ValueError("a public total never holds a budget")
    chosen = [need for need in needs if need.is_public or not public]
    items = contributions(chosen)
    division_labels = {code.code[:2]: code.label for code in CpvCode.objects.filter(
        level=1, code__in=[f"{d}000000" for item in items for d in item.divisions])}
    budget = None
    if with_budget:
        budget = sum((need.budget for need in chosen if need.budget is not None), Decimal(0))
    return Totals(
        by_region=_table((item.region_code, item.region_label, item) for item in items),
        by_division=_table((division, f"{division} {division_labels.get(division, '')}".strip(), item)
                           for item in items for division in item.divisions),
        by_year=_table((str(item.year), str(item.year), item) for item in items),
        needs=len(chosen), agencies=len({item.agency_id for item in items}), budget=budget)


def prefetched(queryset):
    """What `totals` reads, fetched in a fixed number of queries."""
    return queryset.select_related("region").prefetch_related("cpv_codes", "interests__region")
