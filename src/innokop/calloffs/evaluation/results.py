"""The output of an evaluation: a `Ranking` of `Result`s, and the entries and blocks it is built from."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .inputs import Method, Tender, TenderId, TieRule


@dataclass(frozen=True)
class Result:
    """One tender's place and the figures behind it. Figures a model does not use are None."""

    tender_id: TenderId
    rank: int
    price: Decimal
    comparison_price: Decimal | None = None
    deduction: Decimal | None = None
    price_points: Decimal | None = None
    criterion_points: Mapping[str, Decimal] = field(default_factory=dict, hash=False)
    quality_points: Decimal | None = None
    total_points: Decimal | None = None
    tied_with: tuple[TenderId, ...] = ()
    decided_by: TieRule | None = None
    unresolved: bool = False
    explanation: str = ""


@dataclass(frozen=True)
class Ranking:
    """Results in order. Unresolved ties share a rank and are listed in input order."""

    method: Method
    tie_rules: tuple[TieRule, ...]
    results: tuple[Result, ...]
    weights: Mapping[str, Decimal] = field(default_factory=dict, hash=False)
    lot_draw_order: tuple[TenderId, ...] | None = None
    notes: tuple[str, ...] = ()

    @property
    def order(self) -> tuple[TenderId, ...]:
        return tuple(r.tender_id for r in self.results)

    @property
    def groups(self) -> tuple[tuple[TenderId, ...], ...]:
        """Tender ids by rank; a group of more than one is an unresolved tie."""
        by_rank = itertools.groupby(self.results, key=lambda r: r.rank)
        return tuple(tuple(r.tender_id for r in group) for _rank, group in by_rank)

    @property
    def winner(self) -> TenderId | None:
        """The tender ranked first, or None while first place is an unresolved tie."""
        first = self.groups[0] if self.results else ()
        return first[0] if len(first) == 1 else None

    @property
    def unresolved_groups(self) -> tuple[tuple[TenderId, ...], ...]:
        return tuple(group for group in self.groups if len(group) > 1)

    @property
    def lots_required(self) -> bool:
        """Lots must be drawn (with a witness, recorded) before this ranking is final."""
        return bool(self.unresolved_groups) and TieRule.DRAW_LOTS in self.tie_rules

    def result(self, tender_id: TenderId) -> Result:
        for result in self.results:
            if result.tender_id == tender_id:
                return result
        raise KeyError(tender_id)


# --- scoring: figures per tender, before ranking ---------------------------------------------


@dataclass(frozen=True)
class _Entry:
    tender: Tender
    result: Result  # figures filled in; rank and explanation come with the ranking
    primary: Decimal  # the figure that ranks, lower is better
    quality: Decimal | None  # the figure the "higher quality" tie rule compares


@dataclass(frozen=True)
class _Block:
    """Tenders sharing one place after the tie rules: one tender, or an unresolved tie."""

    entries: tuple[_Entry, ...]
    decided_by: TieRule | None
    unresolved: bool
