"""The four evaluation models, `evaluate` (their shared entry point) and the scoring of each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .explain import _notes
from .inputs import (
    Criterion,
    EvaluationModel,
    Method,
    Tender,
    TenderId,
    TieRule,
    ValueAdded,
    _check_tenders,
    round_kronor,
    round_points,
)
from .ranking import _rank
from .results import Ranking, Result, _Entry


def lowest_price(
    tenders: Sequence[Tender],
    *,
    tie_rule: TieRule | Sequence[TieRule],
    lot_draw_order: Sequence[TenderId] | None = None,
) -> Ranking:
    """The lowest total price wins."""
    return evaluate(_model(Method.LOWEST_PRICE, tie_rule, lot_draw_order), tenders)


def value_added(
    tenders: Sequence[Tender],
    *,
    values: Sequence[ValueAdded],
    tie_rule: TieRule | Sequence[TieRule],
    lot_draw_order: Sequence[TenderId] | None = None,
) -> Ranking:
    """Mervärdesmetoden: each evaluated requirement met is deducted from the price; lowest wins."""
    return evaluate(_model(Method.VALUE_ADDED, tie_rule, lot_draw_order, values=tuple(values)), tenders)


def price_quality(
    tenders: Sequence[Tender],
    *,
    price_weight: Decimal,
    criteria: Sequence[Criterion],
    tie_rule: TieRule | Sequence[TieRule],
    lot_draw_order: Sequence[TenderId] | None = None,
) -> Ranking:
    """Weighted points: lowest price ÷ price × price weight, plus score ÷ max × weight per criterion."""
    model = _model(Method.PRICE_QUALITY, tie_rule, lot_draw_order, criteria=tuple(criteria), price_weight=price_weight)
    return evaluate(model, tenders)


def fixed_price(
    tenders: Sequence[Tender],
    *,
    criteria: Sequence[Criterion],
    tie_rule: TieRule | Sequence[TieRule],
    price: Decimal | None = None,
    lot_draw_order: Sequence[TenderId] | None = None,
) -> Ranking:
    """The agency fixes the price (checked when given); the highest weighted quality wins."""
    model = _model(Method.FIXED_PRICE, tie_rule, lot_draw_order, criteria=tuple(criteria), fixed_price=price)
    return evaluate(model, tenders)


def _model(
    method: Method, tie_rule: TieRule | Sequence[TieRule], lot_draw_order: Sequence[TenderId] | None, **parts: Any
) -> EvaluationModel:
    rules = (tie_rule,) if isinstance(tie_rule, TieRule) else tuple(tie_rule)
    lots = None if lot_draw_order is None else tuple(lot_draw_order)
    return EvaluationModel(method, rules, lot_draw_order=lots, **parts)


def evaluate(model: EvaluationModel, tenders: Sequence[Tender]) -> Ranking:
    """Rank the tenders by the model; the one entry point the four model functions share."""
    return _evaluate(model, tenders, explain=True)


def _evaluate(model: EvaluationModel, tenders: Sequence[Tender], *, explain: bool) -> Ranking:
    # Sensitivity ranks thousands of weight combinations and reads only the order, so it skips
    # the explanations, which cost more than the arithmetic.
    _check_tenders(model, tenders)
    entries = _SCORERS[model.method](model, tenders)
    results = _rank(entries, model, explain=explain)
    return Ranking(
        method=model.method,
        tie_rules=model.tie_rules,
        results=results,
        weights=model.weights,
        lot_draw_order=model.lot_draw_order,
        notes=_notes(results, model) if explain else (),
    )


# --- scoring: figures per tender, before ranking ---------------------------------------------


def _score_lowest_price(model: EvaluationModel, tenders: Sequence[Tender]) -> list[_Entry]:
    return [_Entry(t, Result(t.id, 0, t.price, comparison_price=t.price), t.price, None) for t in tenders]


def _score_value_added(model: EvaluationModel, tenders: Sequence[Tender]) -> list[_Entry]:
    entries = []
    for tender in tenders:
        met = [v for v in model.values if v.requirement_id in tender.meets]
        deduction = sum((v.deduction(tender.price) for v in met), Decimal(0))
        comparison = round_kronor(tender.price - deduction)
        result = Result(tender.id, 0, tender.price, comparison_price=comparison, deduction=deduction)
        entries.append(_Entry(tender, result, primary=comparison, quality=deduction))
    return entries


def _quality_points(criteria: Sequence[Criterion], tender: Tender) -> dict[str, Decimal]:
    return {c.id: round_points(tender.scores[c.id] / c.max_score * c.weight) for c in criteria}


def _score_price_quality(model: EvaluationModel, tenders: Sequence[Tender]) -> list[_Entry]:
    lowest = min(t.price for t in tenders)
    entries = []
    for tender in tenders:
        price_points = round_points(lowest / tender.price * model.price_weight)
        points = _quality_points(model.criteria, tender)
        quality = sum(points.values(), Decimal(0))
        result = Result(
            tender.id,
            0,
            tender.price,
            price_points=price_points,
            criterion_points=MappingProxyType(points),
            quality_points=quality,
            total_points=price_points + quality,
        )
        entries.append(_Entry(tender, result, primary=-(price_points + quality), quality=quality))
    return entries


def _score_fixed_price(model: EvaluationModel, tenders: Sequence[Tender]) -> list[_Entry]:
    entries = []
    for tender in tenders:
        points = _quality_points(model.criteria, tender)
        quality = sum(points.values(), Decimal(0))
        result = Result(
            tender.id,
            0,
            tender.price,
            criterion_points=MappingProxyType(points),
            quality_points=quality,
            total_points=quality,
        )
        entries.append(_Entry(tender, result, primary=-quality, quality=quality))
    return entries


_SCORERS: dict[Method, Callable[[EvaluationModel, Sequence[Tender]], list[_Entry]]] = {
    Method.LOWEST_PRICE: _score_lowest_price,
    Method.VALUE_ADDED: _score_value_added,
    Method.PRICE_QUALITY: _score_price_quality,
    Method.FIXED_PRICE: _score_fixed_price,
}
