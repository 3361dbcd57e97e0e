"""The evaluation models of DESIGN.md rule 8, checked against arithmetic done by hand."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from innokop.calloffs.evaluation import (
    Criterion,
    EvaluationError,
    EvaluationModel,
    Method,
    Tender,
    TieRule,
    ValueAdded,
    evaluate,
    fixed_price,
    lowest_price,
    price_quality,
    round_kronor,
    round_points,
    value_added,
)


@pytest.fixture(autouse=True)
def english():
    # Explanations are gettext text; pin the language so the assertions read the msgids.
    with translation.override("en"):
        yield


# The value-added example of DESIGN.md: C1 is worth 100 000 kr, C2 50 000 kr.
VALUES = (ValueAdded("C1", amount=D(100_000)), ValueAdded("C2", amount=D(50_000)))
A_VA = Tender("A", D(1_000_000), meets={"C1"})
B_VA = Tender("B", D(950_000), meets={"C2"})

# The price–quality example of DESIGN.md: price 60 %, one quality criterion 40 %, scale 0–5.
QUALITY = (Criterion("K1", D(40), max_score=D(5)),)
A_PQ = Tender("A", D(100), scores={"K1": D(3)})
B_PQ = Tender("B", D(80), scores={"K1": D(2)})


# --- lowest price ------------------------------------------------------------------------------


def test_lowest_price_wins():
    ranking = lowest_price([Tender("A", D(120)), Tender("B", D(100)), Tender("C", D(110))], tie_rule=TieRule.DRAW_LOTS)
    assert ranking.order == ("B", "C", "A")
    assert [r.rank for r in ranking.results] == [1, 2, 3]
    assert ranking.winner == "B"
    assert ranking.result("B").comparison_price == D(100)
    assert ranking.method is Method.LOWEST_PRICE
    assert ranking.tie_rules == (TieRule.DRAW_LOTS,)
    assert ranking.notes == ()


def test_lowest_price_compares_prices_as_tendered_with_ore():
    # 100.49 < 100.50: no rounding of tendered prices, so there is no artificial tie.
    ranking = lowest_price([Tender("A", D("100.50")), Tender("B", D("100.49"))], tie_rule=TieRule.DRAW_LOTS)
    assert ranking.order == ("B", "A")
    assert ranking.unresolved_groups == ()


def test_lowest_price_tie_goes_to_lots_and_stays_unresolved():
    ranking = lowest_price([Tender("A", D(100)), Tender("B", D(100)), Tender("C", D(90))], tie_rule=TieRule.DRAW_LOTS)
    assert ranking.winner == "C"
    assert [(r.tender_id, r.rank, r.unresolved) for r in ranking.results] == [
        ("C", 1, False),
        ("A", 2, True),
        ("B", 2, True),
    ]
    assert ranking.unresolved_groups == (("A", "B"),)
    assert ranking.lots_required
    assert "lots must be drawn" in ranking.result("A").explanation
    assert "witness" in ranking.result("B").explanation
    assert ranking.notes == ("Place 2 is tied between A, B: draw lots with a witness and record the draw.",)


def test_lowest_price_tie_for_first_place_has_no_winner_until_lots_are_drawn():
    ranking = lowest_price([Tender("A", D(100)), Tender("B", D(100))], tie_rule=TieRule.DRAW_LOTS)
    assert ranking.winner is None
    assert ranking.groups == (("A", "B"),)


def test_a_recorded_lot_draw_decides_and_is_recorded():
    ranking = lowest_price(
        [Tender("A", D(100)), Tender("B", D(100)), Tender("C", D(100))],
        tie_rule=TieRule.DRAW_LOTS,
        lot_draw_order=["C", "A", "B"],
    )
    assert ranking.order == ("C", "A", "B")
    assert [r.rank for r in ranking.results] == [1, 2, 3]
    assert ranking.winner == "C"
    assert not ranking.lots_required
    assert ranking.lot_draw_order == ("C", "A", "B")
    assert all(r.decided_by is TieRule.DRAW_LOTS for r in ranking.results)
    assert "recorded drawing of lots (C, A, B)" in ranking.result("A").explanation
    assert ranking.notes == ("Lot draw recorded as: C, A, B.",)


def test_a_lot_draw_that_misses_a_tied_tender_is_refused():
    with pytest.raises(EvaluationError, match="does not include B"):
        lowest_price([Tender("A", D(100)), Tender("B", D(100))], tie_rule=TieRule.DRAW_LOTS, lot_draw_order=["A"])


def test_lowest_price_tie_rule_lower_price_cannot_separate_equal_prices():
    # The rule is stated but does not decide: the ranking says so instead of guessing.
    ranking = lowest_price([Tender("A", D(100)), Tender("B", D(100))], tie_rule=TieRule.LOWER_PRICE)
    assert ranking.unresolved_groups == (("A", "B"),)
    assert not ranking.lots_required
    assert "do not separate them" in ranking.result("A").explanation
    assert ranking.notes == ("Place 1 is tied between A, B and not resolved.",)


# --- value-added (mervärdesmetoden) ------------------------------------------------------------


def test_value_added_worked_example_with_larger_deduction_rule():
    # A: 1 000 000 − 100 000 (C1) = 900 000.  B: 950 000 − 50 000 (C2) = 900 000.  A tie.
    # Tie rule "the larger quality deduction wins": A's 100 000 > B's 50 000 → A first.
    ranking = value_added([A_VA, B_VA], values=VALUES, tie_rule=TieRule.LARGER_DEDUCTION)
    a, b = ranking.results
    assert (a.tender_id, a.comparison_price, a.deduction, a.rank) == ("A", D(900_000), D(100_000), 1)
    assert (b.tender_id, b.comparison_price, b.deduction, b.rank) == ("B", D(900_000), D(50_000), 2)
    assert a.tied_with == ("B",) and a.decided_by is TieRule.LARGER_DEDUCTION
    assert ranking.tie_rules == (TieRule.LARGER_DEDUCTION,)
    assert a.explanation == (
        "Price 1,000,000 kr; meets: C1 (−100,000 kr); does not meet: C2. Comparison price 900,000 kr. "
        "Tied with B; placed by the tie rule: the larger quality deduction wins."
    )


def test_value_added_same_tie_with_lower_price_rule_goes_to_b():
    # Same tie at 900 000; "the lower price wins": B's 950 000 < A's 1 000 000 → B first.
    ranking = value_added([A_VA, B_VA], values=VALUES, tie_rule=TieRule.LOWER_PRICE)
    assert ranking.order == ("B", "A")
    assert ranking.result("B").decided_by is TieRule.LOWER_PRICE


def test_value_added_higher_quality_means_the_larger_deduction():
    ranking = value_added([B_VA, A_VA], values=VALUES, tie_rule=TieRule.HIGHER_QUALITY)
    assert ranking.order == ("A", "B")


def test_value_added_same_tie_with_lots_is_unresolved_until_drawn():
    ranking = value_added([A_VA, B_VA], values=VALUES, tie_rule=TieRule.DRAW_LOTS)
    assert ranking.winner is None and ranking.lots_required
    drawn = value_added([A_VA, B_VA], values=VALUES, tie_rule=TieRule.DRAW_LOTS, lot_draw_order=("B", "A"))
    assert drawn.order == ("B", "A") and drawn.winner == "B"


def test_value_added_tie_rules_apply_in_order():
    # Equal comparison price and equal deduction: the first rule does not separate, the second does.
    a = Tender("A", D(1_000_000), meets={"C1"})
    b = Tender("B", D(1_000_000), meets={"C1"})
    ranking = value_added(
        [a, b],
        values=VALUES,
        tie_rule=[TieRule.LARGER_DEDUCTION, TieRule.DRAW_LOTS],
        lot_draw_order=["B", "A"],
    )
    assert ranking.order == ("B", "A")
    assert ranking.result("B").decided_by is TieRule.DRAW_LOTS


def test_value_added_percentage_of_price_is_rounded_half_up_to_whole_kronor():
    # 2.5 % of 1 000 020 = 25 000.50 → 25 001 (half up; half-even would give 25 000).
    # Comparison price 1 000 020 − 25 001 = 975 019.
    values = (ValueAdded("C3", percent=D("2.5")),)
    ranking = value_added([Tender("A", D(1_000_020), meets={"C3"})], values=values, tie_rule=TieRule.LOWER_PRICE)
    result = ranking.result("A")
    assert result.deduction == D(25_001)
    assert result.comparison_price == D(975_019)
    assert "C3 (−2.5 %, 25,001 kr)" in result.explanation


def test_value_added_comparison_price_is_whole_kronor():
    # 1 000 000.50 − 100 000 = 900 000.50 → 900 001 (half up).
    ranking = value_added([Tender("A", D("1000000.50"), meets={"C1"})], values=VALUES, tie_rule=TieRule.LOWER_PRICE)
    assert ranking.result("A").comparison_price == D(900_001)


def test_value_added_tender_meeting_nothing_keeps_its_price():
    ranking = value_added([Tender("A", D(800_000))], values=VALUES, tie_rule=TieRule.LOWER_PRICE)
    assert ranking.result("A").comparison_price == D(800_000)
    assert ranking.result("A").deduction == D(0)
    assert "meets: –; does not meet: C1, C2" in ranking.result("A").explanation


# --- price–quality ---------------------------------------------------------------------------


def test_price_quality_worked_example():
    # Lowest price 80.
    # A: 80 ÷ 100 × 60 = 48.00; 3 ÷ 5 × 40 = 24.00; total 72.00.
    # B: 80 ÷ 80 × 60 = 60.00; 2 ÷ 5 × 40 = 16.00; total 76.00 → B wins.
    ranking = price_quality([A_PQ, B_PQ], price_weight=D(60), criteria=QUALITY, tie_rule=TieRule.LOWER_PRICE)
    a, b = ranking.result("A"), ranking.result("B")
    assert (a.price_points, a.quality_points, a.total_points) == (D("48.00"), D("24.00"), D("72.00"))
    assert (b.price_points, b.quality_points, b.total_points) == (D("60.00"), D("16.00"), D("76.00"))
    assert a.criterion_points == {"K1": D("24.00")}
    assert ranking.order == ("B", "A") and ranking.winner == "B"
    assert ranking.weights == {"price": D(60), "K1": D(40)}
    assert a.explanation == (
        "Price points 80 kr ÷ 100 kr × 60 = 48.00. Quality points K1 3/5 × 40 = 24.00 (sum 24.00). Total 72.00 points."
    )


def test_price_quality_with_several_criteria():
    # Weights price 50, K1 30 (0–10), K2 20 (0–5). Lowest price 200.
    # A price 200: 200 ÷ 200 × 50 = 50.00; K1 5/10 × 30 = 15.00; K2 1/5 × 20 = 4.00 → 69.00.
    # B price 250: 200 ÷ 250 × 50 = 40.00; K1 10/10 × 30 = 30.00; K2 4/5 × 20 = 16.00 → 86.00.
    criteria = (Criterion("K1", D(30), max_score=D(10)), Criterion("K2", D(20)))
    a = Tender("A", D(200), scores={"K1": D(5), "K2": D(1)})
    b = Tender("B", D(250), scores={"K1": D(10), "K2": D(4)})
    ranking = price_quality([a, b], price_weight=D(50), criteria=criteria, tie_rule=TieRule.LOWER_PRICE)
    assert ranking.result("A").total_points == D("69.00")
    assert ranking.result("B").total_points == D("86.00")
    assert ranking.result("B").criterion_points == {"K1": D("30.00"), "K2": D("16.00")}
    assert ranking.order == ("B", "A")


def test_price_quality_rounds_each_component_half_up_to_two_decimals():
    # Weights price 25, K1 75 (0–8). Lowest price 1.
    # A price 8: 1 ÷ 8 × 25 = 3.125 → 3.13 (half-even would give 3.12); K1 1/8 × 75 = 9.375 → 9.38.
    # Total = 3.13 + 9.38 = 12.51 (the sum of the published figures, not 12.50 rounded once).
    criteria = (Criterion("K1", D(75), max_score=D(8)),)
    a = Tender("A", D(8), scores={"K1": D(1)})
    b = Tender("B", D(1), scores={"K1": D(0)})
    ranking = price_quality([a, b], price_weight=D(25), criteria=criteria, tie_rule=TieRule.LOWER_PRICE)
    result = ranking.result("A")
    assert result.price_points == D("3.13")
    assert result.criterion_points["K1"] == D("9.38")
    assert result.total_points == D("12.51")


def test_price_quality_repeating_fraction_is_rounded():
    # 3 ÷ 7 × 60 = 25.714… → 25.71.
    ranking = price_quality(
        [Tender("A", D(7), scores={"K1": D(0)}), Tender("B", D(3), scores={"K1": D(0)})],
        price_weight=D(60),
        criteria=QUALITY,
        tie_rule=TieRule.LOWER_PRICE,
    )
    assert ranking.result("A").price_points == D("25.71")


def test_price_quality_tie_on_total_decided_by_higher_quality():
    # Weights price 50, K1 50 (0–5). Lowest price 50.
    # A price 100, K1 5:   50 ÷ 100 × 50 = 25.00 + 5 ÷ 5 × 50 = 50.00   → 75.00.
    # B price 50,  K1 2.5: 50 ÷ 50 × 50 = 50.00  + 2.5 ÷ 5 × 50 = 25.00 → 75.00.
    # A tie; "the higher quality wins": A's 50.00 > B's 25.00 → A first.
    criteria = (Criterion("K1", D(50)),)
    a = Tender("A", D(100), scores={"K1": D(5)})
    b = Tender("B", D(50), scores={"K1": D("2.5")})
    ranking = price_quality([b, a], price_weight=D(50), criteria=criteria, tie_rule=TieRule.HIGHER_QUALITY)
    assert ranking.result("A").total_points == ranking.result("B").total_points == D("75.00")
    assert ranking.order == ("A", "B")
    assert ranking.result("A").decided_by is TieRule.HIGHER_QUALITY
    # The same tie under "the lower price wins" goes to B.
    by_price = price_quality([a, b], price_weight=D(50), criteria=criteria, tie_rule=TieRule.LOWER_PRICE)
    assert by_price.order == ("B", "A")


# --- fixed price, best quality ---------------------------------------------------------------


def test_fixed_price_best_weighted_quality_wins():
    # Weights K1 70 (0–5), K2 30 (0–10).
    # A: 4/5 × 70 = 56.00; 5/10 × 30 = 15.00 → 71.00.
    # B: 3/5 × 70 = 42.00; 10/10 × 30 = 30.00 → 72.00 → B wins.
    criteria = (Criterion("K1", D(70)), Criterion("K2", D(30), max_score=D(10)))
    a = Tender("A", D(500_000), scores={"K1": D(4), "K2": D(5)})
    b = Tender("B", D(500_000), scores={"K1": D(3), "K2": D(10)})
    ranking = fixed_price([a, b], criteria=criteria, price=D(500_000), tie_rule=TieRule.DRAW_LOTS)
    assert ranking.result("A").total_points == D("71.00")
    assert ranking.result("B").total_points == D("72.00")
    assert ranking.result("B").quality_points == D("72.00")
    assert ranking.result("B").price_points is None
    assert ranking.order == ("B", "A")
    assert ranking.weights == {"K1": D(70), "K2": D(30)}


def test_fixed_price_refuses_a_tender_with_another_price():
    criteria = (Criterion("K1", D(100)),)
    with pytest.raises(EvaluationError, match="fixed price is 500000"):
        fixed_price(
            [Tender("A", D(499_000), scores={"K1": D(1)})],
            criteria=criteria,
            price=D(500_000),
            tie_rule=TieRule.DRAW_LOTS,
        )


def test_fixed_price_tie_with_lower_price_rule_stays_unresolved():
    # Equal prices by definition, so "the lower price wins" cannot separate equal quality.
    criteria = (Criterion("K1", D(100)),)
    tenders = [Tender("A", D(10), scores={"K1": D(3)}), Tender("B", D(10), scores={"K1": D(3)})]
    ranking = fixed_price(tenders, criteria=criteria, tie_rule=TieRule.LOWER_PRICE)
    assert ranking.unresolved_groups == (("A", "B"),)
    assert ranking.winner is None


def test_evaluate_dispatches_on_the_model():
    model = EvaluationModel(Method.VALUE_ADDED, (TieRule.LARGER_DEDUCTION,), values=VALUES)
    assert evaluate(model, [B_VA, A_VA]).order == ("A", "B")


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price_weight", "k1_weight"),
    [(D(60), D(30)), (D(70), D(40)), (D(0), D(40))],
)
def test_price_quality_weights_must_sum_to_100(price_weight, k1_weight):
    with pytest.raises(EvaluationError, match="sum to 100"):
        price_quality(
            [A_PQ],
            price_weight=price_weight,
            criteria=[Criterion("K1", k1_weight)],
            tie_rule=TieRule.LOWER_PRICE,
        )


def test_fixed_price_weights_must_sum_to_100():
    with pytest.raises(EvaluationError, match="sum to 100"):
        fixed_price([A_PQ], criteria=[Criterion("K1", D(40))], tie_rule=TieRule.LOWER_PRICE)


@pytest.mark.parametrize("score", [D(-1), D("5.01"), D(6)])
def test_scores_must_be_within_the_scale(score):
    with pytest.raises(EvaluationError, match="the scale is 0–5"):
        price_quality(
            [Tender("A", D(100), scores={"K1": score})],
            price_weight=D(60),
            criteria=QUALITY,
            tie_rule=TieRule.LOWER_PRICE,
        )


def test_scores_at_the_ends_of_the_scale_are_accepted():
    tenders = [Tender("A", D(100), scores={"K1": D(0)}), Tender("B", D(100), scores={"K1": D(5)})]
    ranking = price_quality(tenders, price_weight=D(60), criteria=QUALITY, tie_rule=TieRule.LOWER_PRICE)
    assert ranking.result("B").total_points == D("100.00")


@pytest.mark.parametrize("price", [D(0), D(-100)])
def test_prices_must_be_above_zero(price):
    with pytest.raises(EvaluationError, match="must be above 0"):
        Tender("A", price)


def test_floats_are_refused():
    with pytest.raises(EvaluationError, match="not float"):
        Tender("A", 100.0)  # type: ignore[arg-type]
    with pytest.raises(EvaluationError, match="not float"):
        Criterion("K1", 40.0)  # type: ignore[arg-type]


def test_a_tender_missing_a_criterion_score_is_refused():
    with pytest.raises(EvaluationError, match="no score for K1"):
        price_quality([Tender("A", D(100))], price_weight=D(60), criteria=QUALITY, tie_rule=TieRule.LOWER_PRICE)


def test_a_tender_scored_on_a_criterion_not_in_the_model_is_refused():
    tender = Tender("A", D(100), scores={"K1": D(3), "K9": D(1)})
    with pytest.raises(EvaluationError, match="K9, which is not a criterion"):
        price_quality([tender], price_weight=D(60), criteria=QUALITY, tie_rule=TieRule.LOWER_PRICE)


def test_a_tender_meeting_a_requirement_without_a_value_is_refused():
    with pytest.raises(EvaluationError, match="C7, which has no stated value"):
        value_added([Tender("A", D(100), meets={"C7"})], values=VALUES, tie_rule=TieRule.LOWER_PRICE)


def test_value_added_needs_exactly_one_of_amount_or_percent():
    with pytest.raises(EvaluationError, match="either an amount or a percentage"):
        ValueAdded("C1")
    with pytest.raises(EvaluationError, match="either an amount or a percentage"):
        ValueAdded("C1", amount=D(1), percent=D(1))
    with pytest.raises(EvaluationError, match="0–100"):
        ValueAdded("C1", percent=D(101))
    with pytest.raises(EvaluationError, match="cannot be negative"):
        ValueAdded("C1", amount=D(-1))


def test_duplicate_tenders_criteria_and_requirements_are_refused():
    with pytest.raises(EvaluationError, match="repeated: A"):
        lowest_price([Tender("A", D(1)), Tender("A", D(2))], tie_rule=TieRule.DRAW_LOTS)
    with pytest.raises(EvaluationError, match="repeated: K1"):
        fixed_price([], criteria=[Criterion("K1", D(50)), Criterion("K1", D(50))], tie_rule=TieRule.DRAW_LOTS)
    with pytest.raises(EvaluationError, match="repeated: C1"):
        value_added([A_VA], values=[VALUES[0], VALUES[0]], tie_rule=TieRule.DRAW_LOTS)


def test_there_must_be_tenders():
    with pytest.raises(EvaluationError, match="no tenders"):
        lowest_price([], tie_rule=TieRule.DRAW_LOTS)


def test_weights_have_at_most_two_decimals_and_lie_within_0_to_100():
    with pytest.raises(EvaluationError, match="at most 2 decimals"):
        Criterion("K1", D("33.333"))
    with pytest.raises(EvaluationError, match="0–100"):
        Criterion("K1", D(101))
    with pytest.raises(EvaluationError, match="above 0"):
        Criterion("K1", D(40), max_score=D(0))


def test_tie_rules_must_be_stated_and_fit_the_model():
    with pytest.raises(EvaluationError, match="at least one tie rule"):
        lowest_price([Tender("A", D(1))], tie_rule=[])
    with pytest.raises(EvaluationError, match="only to the value-added method"):
        lowest_price([Tender("A", D(1))], tie_rule=TieRule.LARGER_DEDUCTION)
    with pytest.raises(EvaluationError, match="needs a model that evaluates quality"):
        lowest_price([Tender("A", D(1))], tie_rule=TieRule.HIGHER_QUALITY)
    with pytest.raises(EvaluationError, match="must be the last"):
        lowest_price([Tender("A", D(1))], tie_rule=[TieRule.DRAW_LOTS, TieRule.LOWER_PRICE])
    with pytest.raises(EvaluationError, match="stated twice"):
        lowest_price([Tender("A", D(1))], tie_rule=[TieRule.LOWER_PRICE, TieRule.LOWER_PRICE])


def test_a_lot_draw_order_needs_the_lots_rule_and_unique_tenders():
    with pytest.raises(EvaluationError, match="not a stated tie rule"):
        lowest_price([Tender("A", D(1))], tie_rule=TieRule.LOWER_PRICE, lot_draw_order=["A"])
    with pytest.raises(EvaluationError, match="appears twice"):
        lowest_price([Tender("A", D(1))], tie_rule=TieRule.DRAW_LOTS, lot_draw_order=["A", "A"])


def test_model_parts_that_do_not_belong_to_the_method_are_refused():
    with pytest.raises(EvaluationError, match="Quality criteria are not used"):
        EvaluationModel(Method.LOWEST_PRICE, (TieRule.DRAW_LOTS,), criteria=QUALITY)
    with pytest.raises(EvaluationError, match="only by the value-added method"):
        EvaluationModel(Method.LOWEST_PRICE, (TieRule.DRAW_LOTS,), values=VALUES)
    with pytest.raises(EvaluationError, match="price weight is used only"):
        EvaluationModel(Method.FIXED_PRICE, (TieRule.DRAW_LOTS,), criteria=QUALITY, price_weight=D(60))
    with pytest.raises(EvaluationError, match="names the price weight"):
        EvaluationModel(
            Method.PRICE_QUALITY, (TieRule.DRAW_LOTS,), criteria=(Criterion("price", D(40)),), price_weight=D(60)
        )


def test_a_model_accepts_one_tie_rule_and_refuses_unknown_names():
    model = EvaluationModel(Method.LOWEST_PRICE, TieRule.DRAW_LOTS)  # type: ignore[arg-type]
    assert model.tie_rules == (TieRule.DRAW_LOTS,)
    assert EvaluationModel("lowest_price", ("lower_price",)).tie_rules == (TieRule.LOWER_PRICE,)  # type: ignore[arg-type]
    with pytest.raises(EvaluationError, match="Unknown"):
        EvaluationModel(Method.LOWEST_PRICE, ("coin_toss",))  # type: ignore[arg-type]
    with pytest.raises(EvaluationError, match="Unknown"):
        EvaluationModel("cheapest", (TieRule.DRAW_LOTS,))  # type: ignore[arg-type]


def test_evaluation_error_is_a_value_error():
    assert issubclass(EvaluationError, ValueError)


def test_rounding_helpers_round_half_up():
    assert round_points(D("0.125")) == D("0.13")
    assert round_points(D("0.135")) == D("0.14")
    assert round_kronor(D("0.5")) == D(1)
    assert round_kronor(D("2.5")) == D(3)


def test_input_is_immutable():
    scores = {"K1": D(3)}
    tender = Tender("A", D(100), scores=scores)
    scores["K1"] = D(5)  # the caller's dict changing later does not change the tender
    assert tender.scores["K1"] == D(3)
    with pytest.raises(TypeError):
        tender.scores["K1"] = D(4)  # type: ignore[index]
    with pytest.raises(AttributeError):
        tender.price = D(1)  # type: ignore[misc]


def test_explanations_follow_the_active_language():
    with translation.override("sv"):
        ranking = price_quality([A_PQ, B_PQ], price_weight=D(60), criteria=QUALITY, tie_rule=TieRule.LOWER_PRICE)
    # Swedish number formatting: decimal comma.
    assert "48,00" in ranking.result("A").explanation
