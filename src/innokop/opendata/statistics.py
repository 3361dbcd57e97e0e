"""Innoköp's own public statistics: call-offs per year and per framework agreement, and verified solutions by TRL.

Not the official procurement statistics under lag (2019:668), which the Swedish Competition Authority collects
through registered advertising databases: these are the figures of this service, computed from exactly what its
OCDS data publishes. A call-off counts once its contract is signed and its releases are public by
`mapping.calloff_public_from` (the one rule of what is public when; nothing of a draft, of a scheduled call-off or
of one cancelled before its publication), so the counts and values here are those of the OCDS contracts
(tests/opendata/test_statistics.py compares the two on the demo data).

A call-off belongs to the year its contract was signed (the Swedish calendar date). The SME share is the share of
the call-offs whose contract went to a supplier that is a small or medium-sized enterprise; the dialogue share the
share that used renewed competition with dialogue; the time to contract is counted in calendar days from the
call-off's publication to the signing of its contract.
"""

from __future__ import annotations

import statistics as pystatistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from innokop.calloffs.models import CallOff, CallOffKind, CallOffStatus
from innokop.catalogue.models import Solution
from innokop.core.calendar import local_date
from innokop.core.charts import Chart, Series

from .mapping import calloff_public_from

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Contracted:
    """One public, contracted call-off as the statistics count it."""

    reference: str  # the call-off's
    year: int
    agreement_reference: str
    agreement_title: str
    value: Decimal
    sme: bool
    dialogue: bool
    days: int


@dataclass(frozen=True)
class Figures:
    """The figures of a group of call-offs (a year, or a year and an agreement)."""

    count: int
    value: Decimal
    sme_share: Decimal | None
    dialogue_share: Decimal | None
    median_days: Decimal | None

    @classmethod
    def of(cls, calloffs: list[Contracted]) -> Figures:
        count = len(calloffs)
        return cls(
            count=count,
            value=sum((calloff.value for calloff in calloffs), start=Decimal(0)),
            sme_share=_percent(sum(1 for calloff in calloffs if calloff.sme), count),
            dialogue_share=_percent(sum(1 for calloff in calloffs if calloff.dialogue), count),
            median_days=(Decimal(str(pystatistics.median([c.days for c in calloffs]))).quantize(ONE_DECIMAL)
                         if calloffs else None),
        )


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def public_contracted(now: datetime) -> list[Contracted]:
    """The call-offs whose signed contract the OCDS data publishes at `now`, in the order of their signing."""
    calloffs = (CallOff.objects.filter(status=CallOffStatus.CONTRACTED, published_at__lte=now,
                                       contract__signed_at__lte=now)
                .select_related("lot__agreement", "contract__supplier", "decision")
                .order_by("contract__signed_at", "pk"))
    found = []
    for calloff in calloffs:
        public_from = calloff_public_from(calloff)
        if public_from is None or public_from > now:
            continue
        contract, agreement = calloff.contract, calloff.lot.agreement
        signed = local_date(contract.signed_at)
        found.append(Contracted(
            reference=calloff.reference, year=signed.year, agreement_reference=agreement.reference, agreement_title=agreement.title,
            value=Decimal(contract.value), sme=contract.supplier.is_sme,
            dialogue=calloff.method == CallOffKind.RENEWED_COMPETITION_DIALOGUE,
            days=(signed - local_date(calloff.published_at)).days,
        ))
    return found


@dataclass(frozen=True)
class Statistics:
    years: list[tuple[int, Figures]]  # every year from the first to the last with a contract, empty ones too
    by_agreement: list[tuple[int, str, str, Figures]]  # year, agreement reference and title, figures
    trl: list[tuple[int | None, int]]  # TRL 1..9, then None (not stated): verified published solutions

    @property
    def is_empty(self) -> bool:
        return not self.years and not any(count for _level, count in self.trl)


def compute(now: datetime) -> Statistics:
    calloffs = public_contracted(now)
    by_year: dict[int, list[Contracted]] = defaultdict(list)
    by_pair: dict[tuple[int, str], list[Contracted]] = defaultdict(list)
    titles: dict[str, str] = {}
    for calloff in calloffs:
        by_year[calloff.year].append(calloff)
        by_pair[(calloff.year, calloff.agreement_reference)].append(calloff)
        titles[calloff.agreement_reference] = calloff.agreement_title
    years = list(range(min(by_year), max(by_year) + 1)) if by_year else []
    return Statistics(
        years=[(year, Figures.of(by_year.get(year, []))) for year in years],
        by_agreement=[(year, reference, titles[reference], Figures.of(by_pair[(year, reference)]))
                      for year, reference in sorted(by_pair)],
        trl=verified_by_trl(now),
    )


def verified_by_trl(now: datetime) -> list[tuple[int | None, int]]:
    """Published solutions the purchasing body has verified, per technology readiness level (counted in the
    database); the catalogue shows the same solutions to everyone."""
    counts = dict(Solution.objects.published().filter(verified_at__isnull=False, verified_at__lte=now)
                  .order_by().values_list("trl").annotate(n=Count("pk")).values_list("trl", "n"))
    return [(level, counts.get(level, 0)) for level in [*range(1, 10), None]]


# --- tables and charts ------------------------------------------------------------------------------------

TABLES = ("years", "agreements", "trl")


def trl_label(level: int | None) -> str:
    return f"TRL {level}" if level is not None else _("Not stated")


def table(stats: Statistics, name: str) -> tuple[list[str], list[list]]:
    """One of the page's tables as a header and rows (the HTML table, and the CSV download)."""
    figures_header = [_("Call-offs"), _("Contracted value (kr)"), _("Share won by SMEs (%)"),
                      _("Share with dialogue (%)"), _("Median days from publication to contract")]
    if name == "years":
        return ([_("Year")] + figures_header,
                [[year, *_figures_row(figures)] for year, figures in stats.years])
    if name == "agreements":
        return ([_("Year"), _("Framework agreement"), _("Title")] + figures_header,
                [[year, reference, title, *_figures_row(figures)]
                 for year, reference, title, figures in stats.by_agreement])
    if name == "trl":
        return ([_("Technology readiness level"), _("Verified solutions")],
                [[trl_label(level), count] for level, count in stats.trl])
    raise KeyError(name)


def _figures_row(figures: Figures) -> list:
    return [figures.count, figures.value, figures.sme_share, figures.dialogue_share, figures.median_days]


def charts(stats: Statistics) -> list[Chart]:
    """The yearly figures as pictures, each followed by its table (the core chart component)."""
    if stats.is_empty:
        return []
    years = [str(year) for year, _figures in stats.years]
    figures = [f for _year, f in stats.years]
    found = []
    if years:
        found += [
            Chart(title=_("Call-offs with a signed contract, per year"),
                  description=_("The number of call-offs whose contract was signed each year."),
                  categories=years, series=[Series(_("Call-offs"), [f.count for f in figures])],
                  category_label=_("Year")),
            Chart(title=_("Contracted value per year"),
                  description=_("The total value of the contracts signed each year, in kronor."),
                  categories=years, series=[Series(_("Contracted value"), [f.value for f in figures])],
                  unit="kr", category_label=_("Year")),
            Chart(title=_("Share won by SMEs and share with dialogue, per year"),
                  description=_("Of each year's call-offs, the share whose contract went to a small or medium-sized "
                                "enterprise and the share that used renewed competition with dialogue."),
                  categories=years, series=[Series(_("Won by SMEs"), [f.sme_share for f in figures]),
                                            Series(_("With dialogue"), [f.dialogue_share for f in figures])],
                  unit="%", category_label=_("Year")),
            Chart(title=_("Median time from publication to contract, per year"),
                  description=_("The median number of calendar days from a call-off's publication to the signing "
                                "of its contract, per year of signing."),
                  categories=years, series=[Series(_("Median days"), [f.median_days for f in figures])],
                  kind="line", unit=_("days"), category_label=_("Year")),
        ]
    found.append(Chart(title=_("Verified solutions by technology readiness level"),
                       description=_("The number of published solutions that the purchasing body has verified, per "
                                     "technology readiness level (TRL)."),
                       categories=[trl_label(level) for level, _count in stats.trl],
                       series=[Series(_("Verified solutions"), [count for _level, count in stats.trl])],
                       category_label=_("Technology readiness level")))
    return found
