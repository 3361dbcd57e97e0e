"""Ranking and tie rules: order the scored entries and apply the stated tie rules in order."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from .explain import _explanation
from .inputs import EvaluationError, EvaluationModel, TenderId, TieRule
from .results import Result, _Block, _Entry


def _runs(entries: Iterable[_Entry], key: Callable[[_Entry], Decimal | int]) -> list[tuple[_Entry, ...]]:
    """Entries sorted by key (stable, so input order within equals), grouped by equal keys."""
    ordered = sorted(entries, key=key)
    return [tuple(group) for _key, group in itertools.groupby(ordered, key=key)]


def _rank(entries: Sequence[_Entry], model: EvaluationModel, *, explain: bool) -> tuple[Result, ...]:
    lowest = min(e.tender.price for e in entries)
    results: list[Result] = []
    for tied in _runs(entries, key=lambda e: e.primary):
        for block in _split(tied, model.tie_rules, model.lot_draw_order):
            rank = len(results) + 1  # competition ranking: 1, 1, 3 after an unresolved pair
            for entry in block.entries:
                others = tuple(e.result.tender_id for e in tied if e is not entry)
                explanation = _explanation(model, entry, lowest, others, block) if explain else ""
                results.append(
                    replace(
                        entry.result,
                        rank=rank,
                        tied_with=others,
                        decided_by=block.decided_by,
                        unresolved=block.unresolved,
                        explanation=explanation,
                    )
                )
    return tuple(results)


def _split(group: tuple[_Entry, ...], rules: Sequence[TieRule], lots: Sequence[TenderId] | None) -> list[_Block]:
    """Apply the tie rules in order to tenders tied so far."""
    if len(group) == 1:
        return [_Block(group, None, False)]
    if not rules:
        return [_Block(group, None, True)]
    rule, rest = rules[0], rules[1:]
    if rule is TieRule.DRAW_LOTS and lots is None:
        return [_Block(group, rule, True)]  # never drawn here: a person draws, with a witness
    runs = _runs(group, key=_tie_key(rule, group, lots))
    if len(runs) == 1:
        return _split(group, rest, lots)
    blocks: list[_Block] = []
    for run in runs:
        blocks.extend([_Block(run, rule, False)] if len(run) == 1 else _split(run, rest, lots))
    return blocks


def _tie_key(
    rule: TieRule, group: Sequence[_Entry], lots: Sequence[TenderId] | None
) -> Callable[[_Entry], Decimal | int]:
    if rule is TieRule.LOWER_PRICE:
        return lambda e: e.result.price
    if rule is TieRule.HIGHER_QUALITY:
        return lambda e: -(e.quality or Decimal(0))
    if rule is TieRule.LARGER_DEDUCTION:
        return lambda e: -(e.result.deduction or Decimal(0))
    drawn = list(lots or ())
    missing = [str(e.result.tender_id) for e in group if e.result.tender_id not in drawn]
    if missing:
        raise EvaluationError(f"The recorded lot draw does not include {', '.join(missing)}, which is tied.")
    return lambda e: drawn.index(e.result.tender_id)
