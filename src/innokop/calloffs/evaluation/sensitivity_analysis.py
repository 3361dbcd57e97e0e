"""Sensitivity to weights, and whether removing or adding a tender changes the order of the others."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal
from types import MappingProxyType

from .inputs import HUNDRED, EvaluationError, EvaluationModel, Method, Tender, TenderId, _decimal
from .methods import _evaluate, evaluate
from .results import Ranking

MAX_COMBINATIONS = 2000
"""Sensitivity evaluates at most this many weight combinations (default cap), then stops."""


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


# --- removing or adding a tender, and the order of the others --------------------------------


def order_stable(method: Method) -> bool:
    """Whether removing or adding a tender can never change the order of the others.

    Lowest price, the value-added method and fixed price rank each tender by figures of its own (its
    price, its comparison price, its quality), so the order of two never depends on a third. Under
    price–quality the price points are relative to the lowest price: removing the cheapest tender,
    or adding a cheaper one, rescales everyone's price points while their quality points stay.
    """
    return method is not Method.PRICE_QUALITY


def order_among(ranking: Ranking, ids: Collection[TenderId]) -> tuple[tuple[TenderId, ...], ...]:
    """The ranking's places restricted to `ids`: the order of those tenders among themselves."""
    kept = (tuple(i for i in group if i in ids) for group in ranking.groups)
    return tuple(group for group in kept if group)


@dataclass(frozen=True)
class OrderChange:
    """The order of the other tenders with and without one tender (removed, or a hypothetical one added)."""

    tender: TenderId
    with_tender: tuple[tuple[TenderId, ...], ...]
    without_tender: tuple[tuple[TenderId, ...], ...]
    price: Decimal | None = None  # of a hypothetical tender

    @property
    def reordered(self) -> bool:
        return self.with_tender != self.without_tender


def removal_effects(model: EvaluationModel, tenders: Sequence[Tender]) -> tuple[OrderChange, ...]:
    """For each tender: the order of the others with it and without it (at least two others left).

    A recorded lot draw is left out on both sides: it decided the ties of the tenders as they are,
    and a tie that only appears without a tender is shown as unresolved.
    """
    undrawn = replace(model, lot_draw_order=None)
    full = _evaluate(undrawn, tenders, explain=False)
    changes = []
    for tender in tenders:
        rest = [t for t in tenders if t.id != tender.id]
        if len(rest) >= 2:
            without = _evaluate(undrawn, rest, explain=False)
            changes.append(OrderChange(tender.id, order_among(full, {t.id for t in rest}), without.groups))
    return tuple(changes)


CHEAPER_SHARES = tuple(Decimal(share) / HUNDRED for share in range(95, 0, -5))
"""The prices a hypothetical cheaper tender is tried at: 95 %, 90 % … 5 % of the lowest tendered price."""


def cheaper_tender_effect(model: EvaluationModel, tenders: Sequence[Tender],
                          new_id: TenderId = "new") -> OrderChange | None:
    """The first price, going down from the lowest one, at which a new cheaper tender reorders the others.

    Only the new lowest price matters, not the new tender's quality (it scores 0 here), so this
    answers "could a cheaper tender have changed the order?". None when no price tried does, and
    always None for an order-stable model (`order_stable`).
    """
    if order_stable(model.method) or len(tenders) < 2:
        return None
    ids = {t.id for t in tenders}
    while new_id in ids:
        new_id = f"{new_id}'"
    undrawn = replace(model, lot_draw_order=None)
    current = _evaluate(undrawn, tenders, explain=False).groups
    lowest = min(t.price for t in tenders)
    for share in CHEAPER_SHARES:
        price = (lowest * share).quantize(Decimal("0.01"))
        if price <= 0:
            break
        extra = Tender(new_id, price, scores={c.id: Decimal(0) for c in model.criteria})
        change = OrderChange(new_id, order_among(_evaluate(undrawn, [*tenders, extra], explain=False), ids), current,
                             price)
        if change.reordered:
            return change
    return None
