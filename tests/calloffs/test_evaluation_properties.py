"""Properties of the evaluation models, the third-tender effect and the sensitivity of weights."""

from decimal import Decimal as D

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from innokop.calloffs.evaluation import (
    PRICE,
    Criterion,
    EvaluationError,
    EvaluationModel,
    Method,
    Tender,
    TieRule,
    ValueAdded,
    WeightRange,
    ahead,
    evaluate,
    lowest_price,
    pair_order_with_extra,
    price_quality,
    sensitivity,
)

PROPERTY = settings(max_examples=60, deadline=None)

# Prices from a coarse grid as well as anywhere, so that ties (the interesting cases) are common.
prices = st.one_of(st.integers(1, 20).map(lambda n: D(n * 50_000)), st.integers(1, 2_000_000).map(D))
requirements = ("C1", "C2", "C3")
VALUES = (
    ValueAdded("C1", amount=D(100_000)),
    ValueAdded("C2", amount=D(50_000)),
    ValueAdded("C3", percent=D("7.5")),
)
value_rules = st.sampled_from(
    [
        (TieRule.LARGER_DEDUCTION,),
        (TieRule.LOWER_PRICE,),
        (TieRule.HIGHER_QUALITY,),
        (TieRule.DRAW_LOTS,),
        (TieRule.LOWER_PRICE, TieRule.DRAW_LOTS),
    ]
)


@st.composite
def va_tender(draw: st.DrawFn, tender_id: str) -> Tender:
    meets = draw(st.frozensets(st.sampled_from(requirements)))
    return Tender(tender_id, draw(prices), meets=meets)


@st.composite
def pq_tender(draw: st.DrawFn, tender_id: str) -> Tender:
    return Tender(tender_id, draw(prices), scores={"K1": D(draw(st.integers(0, 5))), "K2": D(draw(st.integers(0, 10)))})


# --- value-added: the order of two tenders does not depend on a third ---------------------------


@PROPERTY
@given(a=va_tender("A"), b=va_tender("B"), c=va_tender("C"), rules=value_rules)
def test_value_added_order_of_two_never_changes_when_a_third_arrives_or_leaves(a, b, c, rules):
    model = EvaluationModel(Method.VALUE_ADDED, rules, values=VALUES)
    event(f"A and B tied on comparison price: {evaluate(model, [a, b]).result('A').tied_with == ('B',)}")
    shift = pair_order_with_extra(model, [a, b], [c], a="A", b="B")
    assert not shift.reordered
    # And the other way round: removing C from three.
    assert ahead(evaluate(model, [a, b, c]), "A", "B") == ahead(evaluate(model, [b, a]), "A", "B")


@PROPERTY
@given(a=va_tender("A"), b=va_tender("B"), c=va_tender("C"))
def test_value_added_with_recorded_lots_keeps_the_drawn_order_of_two(a, b, c):
    model = EvaluationModel(Method.VALUE_ADDED, (TieRule.DRAW_LOTS,), values=VALUES, lot_draw_order=("B", "C", "A"))
    assert not pair_order_with_extra(model, [a, b], [c], a="A", b="B").reordered


def test_value_added_worked_example_is_unchanged_by_a_much_cheaper_third_tender():
    # A 900 000 and B 900 000 (tie, larger deduction → A). C: 400 000, meets nothing → 400 000.
    a = Tender("A", D(1_000_000), meets={"C1"})
    b = Tender("B", D(950_000), meets={"C2"})
    c = Tender("C", D(400_000))
    model = EvaluationModel(Method.VALUE_ADDED, (TieRule.LARGER_DEDUCTION,), values=VALUES[:2])
    shift = pair_order_with_extra(model, [a, b], [c], a="A", b="B")
    assert (shift.ahead_without, shift.ahead_with, shift.reordered) == ("A", "A", False)
    assert evaluate(model, [a, b, c]).order == ("C", "A", "B")


# --- price–quality: a third tender can reorder two ---------------------------------------------


def test_price_quality_third_tender_reorders_a_and_b():
    # Weights price 60, K1 40 (0–5).
    # Without C (lowest 80):  A 80/100×60 = 48 + 3/5×40 = 24 → 72;  B 80/80×60 = 60 + 16 → 76.  B ahead.
    # With C at price 40, quality 0 (lowest 40):
    #   A 40/100×60 = 24.00 + 24 = 48.00;  B 40/80×60 = 30.00 + 16 = 46.00;  C 60.00 + 0 = 60.00.
    # So C wins, and A is now ahead of B: the price points of A and B are relative to C.
    model = EvaluationModel(
        Method.PRICE_QUALITY, (TieRule.LOWER_PRICE,), criteria=(Criterion("K1", D(40)),), price_weight=D(60)
    )
    a = Tender("A", D(100), scores={"K1": D(3)})
    b = Tender("B", D(80), scores={"K1": D(2)})
    c = Tender("C", D(40), scores={"K1": D(0)})
    shift = pair_order_with_extra(model, [a, b], [c], a="A", b="B")
    assert (shift.ahead_without, shift.ahead_with, shift.reordered) == ("B", "A", True)
    with_c = evaluate(model, [a, b, c])
    assert with_c.order == ("C", "A", "B")
    assert [r.total_points for r in with_c.results] == [D("60.00"), D("48.00"), D("46.00")]


# --- lowest price and price–quality properties -------------------------------------------------


@PROPERTY
@given(st.lists(prices, min_size=1, max_size=8))
def test_lowest_price_ranking_is_sorted_by_price(tender_prices):
    tenders = [Tender(f"T{i}", price) for i, price in enumerate(tender_prices)]
    ranking = lowest_price(tenders, tie_rule=TieRule.DRAW_LOTS)
    ranked_prices = [r.price for r in ranking.results]
    assert ranked_prices == sorted(tender_prices)
    # Equal prices share a rank; different prices never do.
    for first, second in zip(ranking.results, ranking.results[1:], strict=False):
        assert (first.rank == second.rank) == (first.price == second.price)


weights = st.integers(0, 20).map(lambda n: D(n * 5))


@PROPERTY
@given(
    price_weight=weights,
    k1_share=st.integers(0, 100),
    tenders=st.integers(1, 6).flatmap(lambda n: st.tuples(*[pq_tender(f"T{i}") for i in range(n)])),
)
def test_price_quality_points_never_exceed_the_weights(price_weight, k1_share, tenders):
    quality_weight = 100 - price_weight
    k1 = (quality_weight * k1_share / 100).quantize(D(1))
    criteria = (Criterion("K1", k1), Criterion("K2", quality_weight - k1, max_score=D(10)))
    ranking = price_quality(tenders, price_weight=price_weight, criteria=criteria, tie_rule=TieRule.LOWER_PRICE)
    for result in ranking.results:
        assert D(0) <= result.price_points <= price_weight
        for criterion in criteria:
            assert D(0) <= result.criterion_points[criterion.id] <= criterion.weight
        assert result.total_points <= D(100)
    # The lowest price gets the whole price weight.
    cheapest = min(ranking.results, key=lambda r: r.price)
    assert cheapest.price_points == price_weight
    # Ranks follow the totals.
    totals = [r.total_points for r in ranking.results]
    assert totals == sorted(totals, reverse=True)


# --- sensitivity -----------------------------------------------------------------------------

SENSITIVITY_MODEL = EvaluationModel(
    Method.PRICE_QUALITY, (TieRule.LOWER_PRICE,), criteria=(Criterion("K1", D(40)),), price_weight=D(60)
)
A = Tender("A", D(100), scores={"K1": D(3)})
B = Tender("B", D(80), scores={"K1": D(2)})


def test_sensitivity_shows_when_the_winner_changes_within_the_ranges():
    # Price 40–70, K1 30–60, steps of 5, sum 100: (40,60) (45,55) (50,50) (55,45) (60,40)* (65,35) (70,30).
    # A = 80/100 × p + 3/5 × q = 0.8p + 0.6q;  B = p + 0.4q.
    #   p=40: A 32+36=68, B 40+24=64 → A.  p=45: A 36+33=69, B 45+22=67 → A.
    #   p=50: A 40+30=70, B 50+20=70 → tie, lower price → B.  p=55..70: B.
    ranges = {PRICE: WeightRange(D(40), D(70)), "K1": WeightRange(D(30), D(60))}
    result = sensitivity([A, B], SENSITIVITY_MODEL, ranges)
    assert result.combinations == 7 and not result.truncated
    assert result.stated.winner == "B"
    assert result.winner_can_change
    by_winner = {o.winner: o for o in result.outcomes}
    assert sorted(w[PRICE] for w in by_winner["A"].weights) == [D(40), D(45)]
    assert sorted(w[PRICE] for w in by_winner["B"].weights) == [D(50), D(55), D(60), D(65), D(70)]
    assert by_winner["B"].includes_stated and not by_winner["A"].includes_stated
    assert result.outcomes[0].includes_stated  # the stated weights come first


def test_sensitivity_includes_stated_weights_off_the_grid():
    model = SENSITIVITY_MODEL.with_weights({PRICE: D("62.5"), "K1": D("37.5")})
    ranges = {PRICE: WeightRange(D(60), D(65)), "K1": WeightRange(D(35), D(40))}
    result = sensitivity([A, B], model, ranges)
    tried = [dict(w) for o in result.outcomes for w in o.weights]
    assert tried[0] == {PRICE: D("62.5"), "K1": D("37.5")}
    assert {PRICE: D(60), "K1": D(40)} in tried and {PRICE: D(65), "K1": D(35)} in tried
    assert result.combinations == 3


def test_sensitivity_is_capped():
    criteria = tuple(Criterion(f"K{i}", D(15)) for i in range(1, 5))
    model = EvaluationModel(Method.PRICE_QUALITY, (TieRule.LOWER_PRICE,), criteria=criteria, price_weight=D(40))
    ranges = {key: WeightRange(D(0), D(100)) for key in model.weights}
    tenders = [Tender("A", D(100), scores={c.id: D(3) for c in criteria})]
    result = sensitivity(tenders, model, ranges, max_combinations=50)
    assert result.combinations == 50 and result.truncated


def test_sensitivity_applies_a_recorded_lot_draw_to_the_stated_weights_only():
    # Fixed price, K1 and K2 both 0–5. A = (5, 0), B = (0, 5), C = (3, 4).
    # Stated 50/50: A 50, B 50, C 30 + 40 = 70 → C, then A and B tied → the recorded draw (A, B).
    # At 25/75: A 25, B 75, C 15 + 60 = 75 → B and C tied; that draw never happened → unresolved.
    criteria = (Criterion("K1", D(50)), Criterion("K2", D(50)))
    model = EvaluationModel(Method.FIXED_PRICE, (TieRule.DRAW_LOTS,), criteria=criteria, lot_draw_order=("A", "B"))
    tenders = [
        Tender("A", D(1000), scores={"K1": D(5), "K2": D(0)}),
        Tender("B", D(1000), scores={"K1": D(0), "K2": D(5)}),
        Tender("C", D(1000), scores={"K1": D(3), "K2": D(4)}),
    ]
    ranges = {"K1": WeightRange(D(25), D(50)), "K2": WeightRange(D(50), D(75))}
    result = sensitivity(tenders, model, ranges)
    assert result.stated.order == ("C", "A", "B") and not result.stated.unresolved_groups
    by_k1 = {w["K1"]: o for o in result.outcomes for w in o.weights}
    assert by_k1[D(25)].groups == (("B", "C"), ("A",))
    assert by_k1[D(25)].winner is None


def test_sensitivity_refuses_stated_weights_outside_the_ranges_and_missing_ranges():
    with pytest.raises(EvaluationError, match="outside the agreement's range 30–50"):
        sensitivity([A, B], SENSITIVITY_MODEL, {PRICE: WeightRange(D(30), D(50)), "K1": WeightRange(D(0), D(100))})
    with pytest.raises(EvaluationError, match="missing: K1"):
        sensitivity([A, B], SENSITIVITY_MODEL, {PRICE: WeightRange(D(0), D(100))})
    with pytest.raises(EvaluationError, match="no weights to vary"):
        sensitivity([Tender("A", D(1))], EvaluationModel(Method.LOWEST_PRICE, (TieRule.DRAW_LOTS,)), {})
    with pytest.raises(EvaluationError, match="0 ≤ min ≤ max ≤ 100"):
        WeightRange(D(60), D(40))


@st.composite
def stated_weights_and_ranges(draw: st.DrawFn) -> tuple[dict[str, D], dict[str, WeightRange]]:
    """Stated weights on the 5-grid summing to 100, and ranges (any integers) that contain them."""
    price = draw(st.integers(0, 20)) * 5
    k1 = draw(st.integers(0, 20 - price // 5)) * 5
    stated = {PRICE: D(price), "K1": D(k1), "K2": D(100 - price - k1)}
    ranges = {}
    for key, weight in stated.items():
        below, above = draw(st.integers(0, int(weight))), draw(st.integers(0, 100 - int(weight)))
        ranges[key] = WeightRange(weight - below, weight + above)
    return stated, ranges


@PROPERTY
@given(setup=stated_weights_and_ranges(), tenders=st.tuples(pq_tender("A"), pq_tender("B"), pq_tender("C")))
def test_sensitivity_tries_only_weights_within_the_ranges_summing_to_100(setup, tenders):
    stated, ranges = setup
    criteria = (Criterion("K1", D(0)), Criterion("K2", D(0), max_score=D(10)))
    model = EvaluationModel(Method.PRICE_QUALITY, (TieRule.LOWER_PRICE,), criteria=criteria, price_weight=D(100))
    result = sensitivity(list(tenders), model.with_weights(stated), ranges)
    tried = [w for outcome in result.outcomes for w in outcome.weights]
    event(f"winner can change: {result.winner_can_change}")
    assert len(tried) == result.combinations
    assert tried[0] == stated
    for combination in tried:
        assert sum(combination.values()) == D(100)
        assert all(combination[key] in ranges[key] for key in ranges)
    # Every combination lands in exactly one outcome, and each outcome is a distinct ranking.
    assert len({tuple(sorted(w.items())) for w in tried}) == len(tried)
    assert len({o.groups for o in result.outcomes}) == len(result.outcomes)
