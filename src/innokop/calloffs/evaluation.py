"""Evaluation models for call-offs (DESIGN.md rule 8), as pure functions over immutable input.

Four models: lowest price, value-added (mervärdesmetoden), price–quality weighted points and
fixed price best quality. Each returns a `Ranking`: the results in order, with the figures that
decided them and a sentence per tender that a procurer can put in the evaluation report.

Rounding is part of the rule, because the published figures must be reproducible by hand:

- Points are rounded half up (ROUND_HALF_UP) to 2 decimals *per component*: the price points and
  each criterion's quality points. Totals are sums of the rounded components, so the figures in
  the report add up, and the ranking compares exactly the figures that are published.
- Amounts the system computes (a deduction given as a percentage, a comparison price) are rounded
  half up to whole kronor. Tendered prices are compared as given (öre included).
- Weights have at most 2 decimals, so that rounded points can never exceed their weight.

Ties are decided by the tie rules stated before opening (in order; drawing lots, if used, last).
The module never draws lots itself: a tie that goes to lots stays unresolved until the draw,
witnessed and recorded, is supplied as `lot_draw_order`.

No Django models are used; gettext and number formatting need configured settings only because
the explanations are text a user reads.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

TenderId = str | int

HUNDRED = Decimal(100)
POINTS = Decimal("0.01")
KRONOR = Decimal(1)
PRICE = "price"
"""The key of the price weight in weight ranges and weight combinations."""

MAX_COMBINATIONS = 2000
"""Sensitivity evaluates at most this many weight combinations (default cap), then stops."""


class EvaluationError(ValueError):
    """The input cannot be evaluated as given; the message says what to correct."""


class Method(StrEnum):
    LOWEST_PRICE = "lowest_price"
    VALUE_ADDED = "value_added"
    PRICE_QUALITY = "price_quality"
    FIXED_PRICE = "fixed_price"

    @property
    def label(self) -> str:
        return _(_METHOD_LABELS[self])


class TieRule(StrEnum):
    LOWER_PRICE = "lower_price"
    HIGHER_QUALITY = "higher_quality"
    LARGER_DEDUCTION = "larger_deduction"
    DRAW_LOTS = "draw_lots"

    @property
    def label(self) -> str:
        return _(_TIE_RULE_LABELS[self])


_METHOD_LABELS = {
    Method.LOWEST_PRICE: gettext_noop("lowest price"),
    Method.VALUE_ADDED: gettext_noop("value-added method"),
    Method.PRICE_QUALITY: gettext_noop("price and quality, weighted points"),
    Method.FIXED_PRICE: gettext_noop("fixed price, best quality"),
}
_TIE_RULE_LABELS = {
    TieRule.LOWER_PRICE: gettext_noop("the lower price wins"),
    TieRule.HIGHER_QUALITY: gettext_noop("the higher quality wins"),
    TieRule.LARGER_DEDUCTION: gettext_noop("the larger quality deduction wins"),
    TieRule.DRAW_LOTS: gettext_noop("drawing lots"),
}


def _decimal(value: Decimal | int | str, what: str) -> Decimal:
    # Floats are refused: a binary fraction in a price or weight makes the arithmetic unverifiable.
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise EvaluationError(f"{what} must be a Decimal (or int or str), not {type(value).__name__}.")
    try:
        result = Decimal(value)
    except ArithmeticError as error:
        raise EvaluationError(f"{what} is not a number: {value!r}.") from error
    if not result.is_finite():
        raise EvaluationError(f"{what} must be a finite number, not {value!r}.")
    return result


def round_points(value: Decimal) -> Decimal:
    """Points as published: half up to 2 decimals."""
    return value.quantize(POINTS, rounding=ROUND_HALF_UP)


def round_kronor(value: Decimal) -> Decimal:
    """Computed amounts as published: half up to whole kronor."""
    return value.quantize(KRONOR, rounding=ROUND_HALF_UP)


# --- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tender:
    """A tender as evaluated: total price, a score per criterion, evaluated requirements met."""

    id: TenderId
    price: Decimal
    scores: Mapping[str, Decimal] = field(default_factory=dict, hash=False)
    meets: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        price = _decimal(self.price, f"The price of tender {self.id}")
        if price <= 0:
            raise EvaluationError(f"The price of tender {self.id} must be above 0, not {price}.")
        scores = {key: _decimal(v, f"The score of tender {self.id} for {key}") for key, v in self.scores.items()}
        object.__setattr__(self, "price", price)
        object.__setattr__(self, "scores", MappingProxyType(scores))
        object.__setattr__(self, "meets", frozenset(self.meets))


@dataclass(frozen=True)
class Criterion:
    """A quality criterion of the framework agreement, with its weight in percent."""

    id: str
    weight: Decimal
    max_score: Decimal = Decimal(5)
    name: str = ""

    def __post_init__(self) -> None:
        weight = _decimal(self.weight, f"The weight of criterion {self.id}")
        max_score = _decimal(self.max_score, f"The maximum score of criterion {self.id}")
        _check_weight(weight, f"criterion {self.id}")
        if max_score <= 0:
            raise EvaluationError(f"The maximum score of criterion {self.id} must be above 0.")
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "max_score", max_score)

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class ValueAdded:
    """What meeting an evaluated requirement is worth: an amount in SEK or a percent of the price."""

    requirement_id: str
    amount: Decimal | None = None
    percent: Decimal | None = None

    def __post_init__(self) -> None:
        if (self.amount is None) == (self.percent is None):
            raise EvaluationError(
                f"Requirement {self.requirement_id} must be worth either an amount or a percentage, "
                "not both or neither."
            )
        if self.amount is not None:
            amount = _decimal(self.amount, f"The value of requirement {self.requirement_id}")
            if amount < 0:
                raise EvaluationError(f"The value of requirement {self.requirement_id} cannot be negative.")
            object.__setattr__(self, "amount", amount)
        else:
            assert self.percent is not None  # the check above leaves exactly one of the two
            percent = _decimal(self.percent, f"The percentage of requirement {self.requirement_id}")
            if not 0 <= percent <= HUNDRED:
                raise EvaluationError(f"The percentage of requirement {self.requirement_id} must be 0–100.")
            object.__setattr__(self, "percent", percent)

    def deduction(self, price: Decimal) -> Decimal:
        """The amount deducted from a tender's price when it meets this requirement."""
        if self.amount is not None:
            return round_kronor(self.amount)
        return round_kronor(price * (self.percent or Decimal(0)) / HUNDRED)


def _check_weight(weight: Decimal, what: str) -> None:
    if not 0 <= weight <= HUNDRED:
        raise EvaluationError(f"The weight of {what} must be 0–100 percent, not {weight}.")
    # Two decimals at most, so that points rounded to 2 decimals never exceed the weight.
    if weight != weight.quantize(POINTS):
        raise EvaluationError(f"The weight of {what} may have at most 2 decimals, not {weight}.")


@dataclass(frozen=True)
class EvaluationModel:
    """A call-off's evaluation model as stated before opening, tie rules included."""

    method: Method
    tie_rules: tuple[TieRule, ...]
    criteria: tuple[Criterion, ...] = ()
    price_weight: Decimal = Decimal(0)
    values: tuple[ValueAdded, ...] = ()
    fixed_price: Decimal | None = None
    lot_draw_order: tuple[TenderId, ...] | None = None

    def __post_init__(self) -> None:
        # A single rule is accepted for convenience; a str would otherwise iterate as letters.
        rules = (self.tie_rules,) if isinstance(self.tie_rules, str) else tuple(self.tie_rules)
        try:
            object.__setattr__(self, "method", Method(self.method))
            object.__setattr__(self, "tie_rules", tuple(TieRule(rule) for rule in rules))
        except ValueError as error:
            raise EvaluationError(f"Unknown evaluation method or tie rule: {error}") from error
        object.__setattr__(self, "criteria", tuple(self.criteria))
        object.__setattr__(self, "values", tuple(self.values))
        object.__setattr__(self, "price_weight", _decimal(self.price_weight, "The price weight"))
        if self.fixed_price is not None:
            object.__setattr__(self, "fixed_price", _decimal(self.fixed_price, "The fixed price"))
        if self.lot_draw_order is not None:
            object.__setattr__(self, "lot_draw_order", tuple(self.lot_draw_order))
        _check_tie_rules(self)
        _check_parts(self)
        _check_weights(self)

    @property
    def weights(self) -> Mapping[str, Decimal]:
        """The weights in use, price first (price–quality only), keyed as in weight ranges."""
        weights = {PRICE: self.price_weight} if self.method is Method.PRICE_QUALITY else {}
        weights.update((c.id, c.weight) for c in self.criteria)
        return MappingProxyType(weights)

    def with_weights(self, weights: Mapping[str, Decimal]) -> EvaluationModel:
        """The same model with other weights (keys as in `weights`)."""
        criteria = tuple(replace(c, weight=weights[c.id]) for c in self.criteria)
        price_weight = weights.get(PRICE, self.price_weight)
        return replace(self, criteria=criteria, price_weight=price_weight)


def _check_tie_rules(model: EvaluationModel) -> None:
    rules = model.tie_rules
    if not rules:
        raise EvaluationError("State at least one tie rule before the tenders are opened.")
    if len(set(rules)) != len(rules):
        raise EvaluationError("A tie rule is stated twice.")
    if TieRule.DRAW_LOTS in rules[:-1]:
        raise EvaluationError("Drawing lots decides every tie it reaches, so it must be the last tie rule.")
    if TieRule.LARGER_DEDUCTION in rules and model.method is not Method.VALUE_ADDED:
        raise EvaluationError("The tie rule 'larger quality deduction wins' applies only to the value-added method.")
    if TieRule.HIGHER_QUALITY in rules and model.method is Method.LOWEST_PRICE:
        raise EvaluationError("The tie rule 'higher quality wins' needs a model that evaluates quality.")
    if model.lot_draw_order is not None:
        if TieRule.DRAW_LOTS not in rules:
            raise EvaluationError("A lot draw order is given, but drawing lots is not a stated tie rule.")
        if len(set(model.lot_draw_order)) != len(model.lot_draw_order):
            raise EvaluationError("A tender appears twice in the lot draw order.")


def _check_parts(model: EvaluationModel) -> None:
    weighted = model.method in (Method.PRICE_QUALITY, Method.FIXED_PRICE)
    if model.criteria and not weighted:
        raise EvaluationError(f"Quality criteria are not used by the model '{model.method.label}'.")
    if model.values and model.method is not Method.VALUE_ADDED:
        raise EvaluationError("Values of requirements are used only by the value-added method.")
    if model.fixed_price is not None and model.method is not Method.FIXED_PRICE:
        raise EvaluationError("A fixed price is used only by the model 'fixed price, best quality'.")
    if model.method is not Method.PRICE_QUALITY and model.price_weight:
        raise EvaluationError("A price weight is used only by the price–quality model.")
    _check_unique([c.id for c in model.criteria], "criterion")
    _check_unique([v.requirement_id for v in model.values], "requirement")
    if model.method is Method.PRICE_QUALITY and PRICE in {c.id for c in model.criteria}:
        raise EvaluationError(f"A criterion may not have the id '{PRICE}', which names the price weight.")
    if model.fixed_price is not None and model.fixed_price <= 0:
        raise EvaluationError("The fixed price must be above 0.")


def _check_unique(ids: Sequence[str], what: str) -> None:
    duplicates = sorted({str(i) for i in ids if ids.count(i) > 1})
    if duplicates:
        raise EvaluationError(f"Each {what} may be stated once; repeated: {', '.join(duplicates)}.")


def _check_weights(model: EvaluationModel) -> None:
    if model.method not in (Method.PRICE_QUALITY, Method.FIXED_PRICE):
        return
    _check_weight(model.price_weight, "the price")
    total = sum(model.weights.values(), Decimal(0))
    if total != HUNDRED:
        parts = " + ".join(f"{key} {weight}" for key, weight in model.weights.items())
        raise EvaluationError(f"The weights must sum to 100 percent; they sum to {total} ({parts}).")


# --- output ----------------------------------------------------------------------------------


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


# --- the four models -------------------------------------------------------------------------


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


def _check_tenders(model: EvaluationModel, tenders: Sequence[Tender]) -> None:
    if not tenders:
        raise EvaluationError("There are no tenders to evaluate.")
    _check_unique([str(t.id) for t in tenders], "tender")
    for tender in tenders:
        if model.method in (Method.PRICE_QUALITY, Method.FIXED_PRICE):
            _check_scores(tender, model.criteria)
        if model.method is Method.VALUE_ADDED:
            unknown = tender.meets - {v.requirement_id for v in model.values}
            if unknown:
                raise EvaluationError(
                    f"Tender {tender.id} is marked as meeting {', '.join(sorted(unknown))}, "
                    "which has no stated value in this call-off."
                )
        if model.fixed_price is not None and tender.price != model.fixed_price:
            raise EvaluationError(
                f"Tender {tender.id} states the price {tender.price}, but the fixed price is {model.fixed_price}."
            )


def _check_scores(tender: Tender, criteria: Sequence[Criterion]) -> None:
    expected = {c.id for c in criteria}
    missing, extra = expected - tender.scores.keys(), tender.scores.keys() - expected
    if missing:
        raise EvaluationError(f"Tender {tender.id} has no score for {', '.join(sorted(missing))}.")
    if extra:
        raise EvaluationError(
            f"Tender {tender.id} has a score for {', '.join(sorted(extra))}, which is not a criterion of this call-off."
        )
    for criterion in criteria:
        score = tender.scores[criterion.id]
        if not 0 <= score <= criterion.max_score:
            raise EvaluationError(
                f"Tender {tender.id} scores {score} on {criterion.label}; the scale is 0–{criterion.max_score}."
            )


# --- scoring: figures per tender, before ranking ---------------------------------------------


@dataclass(frozen=True)
class _Entry:
    tender: Tender
    result: Result  # figures filled in; rank and explanation come with the ranking
    primary: Decimal  # the figure that ranks, lower is better
    quality: Decimal | None  # the figure the "higher quality" tie rule compares


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


# --- explanations: the arithmetic in words, built only when a ranking is explained --------------


def _kr(amount: Decimal) -> str:
    places = 0 if amount == amount.to_integral_value() else 2
    return _("%(amount)s kr") % {"amount": number_format(amount, places, force_grouping=True)}


def _pt(points: Decimal) -> str:
    return number_format(points, 2, force_grouping=True)


def _num(value: Decimal) -> str:
    """A score, weight or percentage without trailing zeros: 40, 2,5."""
    if value == value.to_integral_value():
        return number_format(value.quantize(KRONOR), 0)
    return number_format(value.normalize())


def _figures(model: EvaluationModel, entry: _Entry, lowest: Decimal) -> str:
    tender, result = entry.tender, entry.result
    if model.method is Method.LOWEST_PRICE:
        return _("Price %(price)s.") % {"price": _kr(tender.price)}
    if model.method is Method.VALUE_ADDED:
        return _value_added_figures(model, tender, result)
    quality = _quality_figures(model.criteria, tender, result)
    if model.method is Method.FIXED_PRICE:
        return quality
    return (
        _("Price points %(lowest)s ÷ %(price)s × %(weight)s = %(points)s.")
        % {
            "lowest": _kr(lowest),
            "price": _kr(tender.price),
            "weight": _num(model.price_weight),
            "points": _pt(result.price_points or Decimal(0)),
        }
        + " "
        + quality
    )


def _value_added_figures(model: EvaluationModel, tender: Tender, result: Result) -> str:
    met, not_met = [], []
    for value in model.values:
        if value.requirement_id not in tender.meets:
            not_met.append(value.requirement_id)
            continue
        amount = _kr(value.deduction(tender.price))
        worth = amount if value.percent is None else f"{_num(value.percent)} %, {amount}"
        met.append(f"{value.requirement_id} (−{worth})")
    text = _("Price %(price)s; meets: %(met)s; does not meet: %(not_met)s. Comparison price %(comparison)s.")
    return text % {
        "price": _kr(tender.price),
        "met": ", ".join(met) or "–",
        "not_met": ", ".join(not_met) or "–",
        "comparison": _kr(result.comparison_price or Decimal(0)),
    }


def _quality_figures(criteria: Sequence[Criterion], tender: Tender, result: Result) -> str:
    lines = [
        f"{c.label} {_num(tender.scores[c.id])}/{_num(c.max_score)} × {_num(c.weight)} = "
        f"{_pt(result.criterion_points[c.id])}"
        for c in criteria
    ]
    return _("Quality points %(lines)s (sum %(quality)s). Total %(total)s points.") % {
        "lines": "; ".join(lines) or "–",
        "quality": _pt(result.quality_points or Decimal(0)),
        "total": _pt(result.total_points or Decimal(0)),
    }


# --- ranking and tie rules -------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """Tenders sharing one place after the tie rules: one tender, or an unresolved tie."""

    entries: tuple[_Entry, ...]
    decided_by: TieRule | None
    unresolved: bool


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


def _explanation(
    model: EvaluationModel, entry: _Entry, lowest: Decimal, others: Sequence[TenderId], block: _Block
) -> str:
    figures = _figures(model, entry, lowest)
    return f"{figures} {_tie_sentence(others, block, model)}" if others else figures


def _tie_sentence(others: Sequence[TenderId], block: _Block, model: EvaluationModel) -> str:
    names = ", ".join(str(o) for o in others)
    if block.unresolved and block.decided_by is TieRule.DRAW_LOTS:
        return _(
            "Tied with %(others)s. The tie rule is drawing lots: lots must be drawn and the draw recorded "
            "with a witness before the ranking is final."
        ) % {"others": names}
    if block.unresolved:
        return _("Tied with %(others)s; the stated tie rules do not separate them, so the ranking is not final.") % {
            "others": names
        }
    if block.decided_by is TieRule.DRAW_LOTS:
        return _("Tied with %(others)s; placed by the recorded drawing of lots (%(order)s).") % {
            "others": names,
            "order": ", ".join(str(i) for i in model.lot_draw_order or ()),
        }
    return _("Tied with %(others)s; placed by the tie rule: %(rule)s.") % {
        "others": names,
        "rule": block.decided_by.label if block.decided_by else "",
    }


def _notes(results: Sequence[Result], model: EvaluationModel) -> tuple[str, ...]:
    notes = []
    for rank, group in itertools.groupby(results, key=lambda r: r.rank):
        ids = [str(r.tender_id) for r in group]
        if len(ids) > 1 and TieRule.DRAW_LOTS in model.tie_rules:
            notes.append(
                _("Place %(rank)s is tied between %(ids)s: draw lots with a witness and record the draw.")
                % {"rank": rank, "ids": ", ".join(ids)}
            )
        elif len(ids) > 1:
            text = _("Place %(rank)s is tied between %(ids)s and not resolved.")
            notes.append(text % {"rank": rank, "ids": ", ".join(ids)})
    if any(r.decided_by is TieRule.DRAW_LOTS and not r.unresolved for r in results):
        drawn = ", ".join(str(i) for i in model.lot_draw_order or ())
        notes.append(_("Lot draw recorded as: %(order)s.") % {"order": drawn})
    return tuple(notes)


# --- sensitivity to weights ------------------------------------------------------------------


@dataclass(frozen=True)
class WeightRange:
    """The weight range for one criterion (or the price), in percent, from the framework agreement."""

    min: Decimal
    max: Decimal

    def __post_init__(self) -> None:
        low, high = _decimal(self.min, "A minimum weight"), _decimal(self.max, "A maximum weight")
        if not 0 <= low <= high <= HUNDRED:
            raise EvaluationError(f"A weight range must satisfy 0 ≤ min ≤ max ≤ 100, not {low}–{high}.")
        object.__setattr__(self, "min", low)
        object.__setattr__(self, "max", high)

    def __contains__(self, weight: object) -> bool:
        return isinstance(weight, Decimal | int) and self.min <= weight <= self.max


@dataclass(frozen=True)
class Outcome:
    """One distinct ranking and every weight combination tried that produces it."""

    groups: tuple[tuple[TenderId, ...], ...]
    winner: TenderId | None
    weights: tuple[Mapping[str, Decimal], ...] = field(hash=False)
    includes_stated: bool = False


@dataclass(frozen=True)
class Sensitivity:
    stated: Ranking
    outcomes: tuple[Outcome, ...]
    combinations: int
    truncated: bool
    step: Decimal

    @property
    def winners(self) -> tuple[TenderId | None, ...]:
        return tuple(dict.fromkeys(o.winner for o in self.outcomes))

    @property
    def winner_can_change(self) -> bool:
        return len(self.winners) > 1


def sensitivity(
    tenders: Sequence[Tender],
    model: EvaluationModel,
    ranges: Mapping[str, WeightRange],
    *,
    step: Decimal = Decimal(5),
    max_combinations: int = MAX_COMBINATIONS,
) -> Sensitivity:
    """How the ranking changes when the weights move within the agreement's ranges.

    Tries every combination of weights that are multiples of `step` within each range and sum
    to 100, plus the stated weights, and groups them by the ranking they produce. At most
    `max_combinations` are tried (the stated weights first); `truncated` says if more existed.
    `ranges` is keyed by criterion id, and by `PRICE` for the price weight (price–quality).
    A recorded lot draw applies to the stated weights only: it was drawn for the ties those
    weights produced, so ties under other weights that go to lots are shown as unresolved.
    """
    stated = evaluate(model, tenders)
    keys = _check_ranges(model, ranges)
    grid, truncated = _weight_grid(keys, ranges, _decimal(step, "The step"), max_combinations, model.weights)
    undrawn = replace(model, lot_draw_order=None)
    outcomes: dict[tuple[tuple[TenderId, ...], ...], Outcome] = {}
    for weights in grid:
        is_stated = weights == dict(model.weights)
        ranking = stated if is_stated else _evaluate(undrawn.with_weights(weights), tenders, explain=False)
        seen = outcomes.get(ranking.groups) or Outcome(ranking.groups, ranking.winner, ())
        outcomes[ranking.groups] = replace(
            seen,
            weights=(*seen.weights, MappingProxyType(weights)),
            includes_stated=seen.includes_stated or ranking is stated,
        )
    return Sensitivity(stated, tuple(outcomes.values()), len(grid), truncated, step)


def _check_ranges(model: EvaluationModel, ranges: Mapping[str, WeightRange]) -> list[str]:
    if model.method not in (Method.PRICE_QUALITY, Method.FIXED_PRICE):
        raise EvaluationError(f"The model '{model.method.label}' has no weights to vary.")
    keys = list(model.weights)
    missing, extra = set(keys) - ranges.keys(), ranges.keys() - set(keys)
    if missing or extra:
        raise EvaluationError(
            f"Give a weight range for exactly the weights of the model ({', '.join(keys)}); "
            f"missing: {', '.join(sorted(missing)) or '–'}; unknown: {', '.join(sorted(extra)) or '–'}."
        )
    for key, weight in model.weights.items():
        if weight not in ranges[key]:
            bounds = ranges[key]
            raise EvaluationError(
                f"The stated weight of {key} is {weight}, outside the agreement's range {bounds.min}–{bounds.max}."
            )
    return keys


def _weight_grid(
    keys: Sequence[str], ranges: Mapping[str, WeightRange], step: Decimal, cap: int, stated: Mapping[str, Decimal]
) -> tuple[list[dict[str, Decimal]], bool]:
    """The stated weights, then the combinations on the step grid, at most `cap` in all."""
    if step <= 0 or cap < 1:
        raise EvaluationError("The step must be above 0 and the cap at least 1.")
    options = [_multiples(ranges[key], step) for key in keys]
    grid = [dict(stated)]
    for combination in _sums_to_hundred(options, ranges, keys):
        weights = dict(zip(keys, combination, strict=True))
        if weights == grid[0]:
            continue
        if len(grid) == cap:
            return grid, True
        grid.append(weights)
    return grid, False


def _multiples(bounds: WeightRange, step: Decimal) -> list[Decimal]:
    first = (bounds.min / step).to_integral_value(rounding=ROUND_CEILING) * step
    count = int((bounds.max - first) // step) + 1 if first <= bounds.max else 0
    return [first + i * step for i in range(count)]


def _sums_to_hundred(
    options: Sequence[Sequence[Decimal]], ranges: Mapping[str, WeightRange], keys: Sequence[str]
) -> Iterable[tuple[Decimal, ...]]:
    """Combinations (one option per key) summing to 100, generated lazily with pruning."""
    # What the keys after position i can still add, so hopeless branches are cut early.
    low_after = [sum((ranges[k].min for k in keys[i + 1 :]), Decimal(0)) for i in range(len(keys))]
    high_after = [sum((ranges[k].max for k in keys[i + 1 :]), Decimal(0)) for i in range(len(keys))]

    def walk(i: int, chosen: tuple[Decimal, ...], total: Decimal) -> Iterable[tuple[Decimal, ...]]:
        if i == len(options):
            if total == HUNDRED:
                yield chosen
            return
        for weight in options[i]:
            if low_after[i] <= HUNDRED - total - weight <= high_after[i]:
                yield from walk(i + 1, (*chosen, weight), total + weight)

    return walk(0, (), Decimal(0))


# --- a third tender and the order of two ------------------------------------------------------


@dataclass(frozen=True)
class PairOrder:
    """Which of two tenders is ahead without and with further tenders (None: tied, unresolved)."""

    a: TenderId
    b: TenderId
    ahead_without: TenderId | None
    ahead_with: TenderId | None

    @property
    def reordered(self) -> bool:
        return self.ahead_without != self.ahead_with


def ahead(ranking: Ranking, a: TenderId, b: TenderId) -> TenderId | None:
    """Which of a and b ranks higher, or None when they share an unresolved place."""
    rank_a, rank_b = ranking.result(a).rank, ranking.result(b).rank
    if rank_a == rank_b:
        return None
    return a if rank_a < rank_b else b


def pair_order_with_extra(
    model: EvaluationModel, tenders: Sequence[Tender], extra: Sequence[Tender], *, a: TenderId, b: TenderId
) -> PairOrder:
    """Does adding `extra` tenders change the order of a and b?

    Under price–quality it can: price points are relative to the lowest price, so a new low
    price shrinks the price gap between a and b in points while their quality gap stays. Under
    the value-added method (and lowest price) it cannot: a comparison price depends only on the
    tender itself. The sensitivity view uses this to show the difference.
    """
    without = evaluate(model, tenders)
    with_extra = evaluate(model, [*tenders, *extra])
    return PairOrder(a, b, ahead(without, a, b), ahead(with_extra, a, b))
