"""The input of an evaluation: the model as stated before opening, and the tenders.

Enums, the error raised for input that cannot be evaluated, the rounding rules, and the
validation of a model and of tenders against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innokop.core.refusals import Refused

TenderId = str | int

HUNDRED = Decimal(100)
POINTS = Decimal("0.01")
KRONOR = Decimal(1)
PRICE = "price"
"""The key of the price weight in weight ranges and weight combinations."""


class EvaluationError(Refused, ValueError):
    """The input cannot be evaluated as given; the message says what to correct.

    Still a ValueError, as it was before refusals had one type: callers of this pure package may
    catch bad input as such.
    """

    code = "evaluation_invalid"


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
