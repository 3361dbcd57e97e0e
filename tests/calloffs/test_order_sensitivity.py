"""Whether removing or adding a tender reorders the others (issue 9, point 24; DESIGN.md §4, evaluation models).

DESIGN.md's worked example: weights 60/40, A price 100 and quality 3/5 (72 points), B price 80 and
quality 2/5 (76 points): B wins. Price points are relative to the lowest price, so a third tender C
at a low price can put A ahead of B. With C at price 50 and quality 1/5 the lowest price is 50:
A 30 + 24 = 54, B 37,50 + 16 = 53,50, C 60 + 8 = 68. Without C, B is ahead again. The
value-added method (and lowest price, and fixed price) never reorders: each tender's figure is its own.
"""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from innokop.calloffs.evaluation import (
    Criterion,
    EvaluationModel,
    Method,
    Tender,
    TieRule,
    ValueAdded,
    cheaper_tender_effect,
    evaluate,
    order_stable,
    removal_effects,
)
from innokop.calloffs.models import CallOff
from innokop.calloffs.services import evaluating

from ..factories import OrganisationFactory
from .award_helpers import (  # noqa: F401  (fixtures)
    agree,
    award_lot,
    content_for,
    open_tenders,
    published_calloff,
    submit,
    two_tenders,
)

pytestmark = pytest.mark.django_db

WORKED = EvaluationModel(Method.PRICE_QUALITY, (TieRule.HIGHER_QUALITY, TieRule.LOWER_PRICE),
                         criteria=(Criterion("K", D(40)),), price_weight=D(60))
A = Tender("A", D(100), scores={"K": D(3)})
B = Tender("B", D(80), scores={"K": D(2)})
C = Tender("C", D(50), scores={"K": D(1)})


# --- the pure functions ----------------------------------------------------------------------------------


def test_the_worked_example_with_c_puts_a_ahead_of_b():
    ranking = evaluate(WORKED, [A, B, C])
    assert ranking.order == ("C", "A", "B")
    assert [r.total_points for r in ranking.results] == [D("68.00"), D("54.00"), D("53.50")]
    assert evaluate(WORKED, [A, B]).order == ("B", "A")


def test_removing_c_reorders_a_and_b_and_removing_either_of_them_reorders_nothing():
    changes = {change.tender: change for change in removal_effects(WORKED, [A, B, C])}
    assert changes["C"].with_tender == (("A",), ("B",)) and changes["C"].without_tender == (("B",), ("A",))
    assert changes["C"].reordered
    assert not changes["A"].reordered and changes["A"].with_tender == (("C",), ("B",))
    assert not changes["B"].reordered and changes["B"].with_tender == (("C",), ("A",))


def test_a_cheaper_tender_at_65_percent_of_the_lowest_price_puts_a_ahead_of_b():
    """A overtakes B once the lowest price is below 53,33 (0,15 × L < 8): tried in steps of 5 %, first at 52."""
    change = cheaper_tender_effect(WORKED, [A, B])
    assert change.price == D("52.00")
    assert change.without_tender == (("B",), ("A",)) and change.with_tender == (("A",), ("B",))


def test_the_value_added_method_is_order_stable():
    values = (ValueAdded("C1", amount=D(100_000)), ValueAdded("C2", amount=D(50_000)))
    model = EvaluationModel(Method.VALUE_ADDED, (TieRule.LARGER_DEDUCTION,), values=values)
    a, b = Tender("A", D(1_000_000), meets={"C1"}), Tender("B", D(950_000), meets={"C2"})
    cheap = Tender("C", D(400_000))
    assert order_stable(Method.VALUE_ADDED) and not order_stable(Method.PRICE_QUALITY)
    assert not any(change.reordered for change in removal_effects(model, [a, b, cheap]))
    assert cheaper_tender_effect(model, [a, b]) is None


prices = st.integers(1, 40).map(lambda n: D(n * 25_000))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(prices, st.frozensets(st.sampled_from(["C1", "C2"]))), min_size=3, max_size=5))
def test_removing_a_tender_never_reorders_the_others_under_the_value_added_method(given_tenders):
    values = (ValueAdded("C1", amount=D(100_000)), ValueAdded("C2", percent=D(5)))
    model = EvaluationModel(Method.VALUE_ADDED, (TieRule.LARGER_DEDUCTION, TieRule.LOWER_PRICE), values=values)
    tenders = [Tender(f"T{i}", price, meets=meets) for i, (price, meets) in enumerate(given_tenders)]
    assert not any(change.reordered for change in removal_effects(model, tenders))


# --- the sensitivity view of a call-off -------------------------------------------------------------------


@pytest.fixture
def three_scored(published_calloff, two_tenders, supplier_off_lot, agency_procurer, agency_colleague, clock,
                 django_capture_on_commit_callbacks):
    """The worked example in a call-off: A (Leverantör Ett) 100, B (Leverantör Två) 80, C (Leverantör Tre) 50."""
    third = OrganisationFactory(kind="supplier", name="Leverantör Tre AB")
    c = submit(published_calloff, third, supplier_off_lot, content_for(published_calloff, price=50))
    with django_capture_on_commit_callbacks(execute=True):
        calloff = open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    for tender, score in ((two_tenders[0], 3), (two_tenders[1], 2), (c, 1)):
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
        agree(calloff, agency_procurer, tender, score)
    return calloff


def test_the_view_shows_that_removing_c_reorders_a_and_b(three_scored):
    order = evaluating.sensitivity_view(three_scored).order
    assert order.summary.startswith("Removing one tender changes the order of the others in 1 of 3 cases")
    rows = {row["tender"]: row for row in order.rows}
    assert rows["Leverantör Tre AB"]["changed"] and not rows["Leverantör Ett AB"]["changed"]
    assert rows["Leverantör Tre AB"]["with"] == "Leverantör Ett AB · Leverantör Två AB"
    assert rows["Leverantör Tre AB"]["without"] == "Leverantör Två AB · Leverantör Ett AB"
    assert order.lines == [row["sentence"] for row in order.rows]
    # A still cheaper tender, at 25 (50 % of 50), puts A ahead of C: A 39, C 38, B 34,75.
    assert order.cheaper == ("A new tender cheaper than all of these can change their order: at 25\u00a0kr (50 % of "
                             "the lowest price), whatever its quality, the order would be Leverantör Ett AB · "
                             "Leverantör Tre AB · Leverantör Två AB instead of Leverantör Tre AB · Leverantör Ett AB "
                             "· Leverantör Två AB.")


def test_the_page_shows_the_same_data_as_text_and_as_a_table(login, three_scored, agency_colleague):
    page = login(agency_colleague).get(reverse("calloffs:evaluation_sensitivity", args=[three_scored.pk]))
    html = page.content.decode()
    sentence = ("Without Leverantör Tre AB the order of the others would be Leverantör Två AB · Leverantör Ett AB "
                "instead of Leverantör Ett AB · Leverantör Två AB.")
    assert sentence in html
    table = html[html.index('id="order-table"'):html.index("</table>", html.index('id="order-table"'))]
    row = table[table.index("Leverantör Tre AB</th>"):]
    assert row.index("Leverantör Ett AB · Leverantör Två AB") < row.index("Leverantör Två AB · Leverantör Ett AB")
    assert "Yes" in row[:row.index("</tr>")]
    assert 'id="sensitivity-sentence"' in html and 'id="order-cheaper"' in html


def test_the_ranking_page_links_to_the_order_section(login, three_scored, agency_colleague):
    html = login(agency_colleague).get(reverse("calloffs:evaluation_ranking", args=[three_scored.pk])).content.decode()
    assert reverse("calloffs:evaluation_sensitivity", args=[three_scored.pk]) + "#order" in html


def test_the_view_says_the_value_added_method_is_order_stable(three_scored, login, agency_colleague):
    agreement = three_scored.lot.agreement
    extra = agreement.requirements.create(identifier="B1", text="Svar inom en timme", kind="evaluated",
                                          category="other", followup_method="audit", followup_frequency="once")
    three_scored.requirements.add(extra)
    CallOff.objects.filter(pk=three_scored.pk).update(
        evaluation_model="value_added", price_weight=None, requirement_values={str(extra.pk): {"amount": "10"}},
        tie_rules=["larger_deduction", "lower_price", "draw_lots"])
    calloff = CallOff.objects.get(pk=three_scored.pk)
    view = evaluating.sensitivity_view(calloff)
    assert view.result is None and view.order.rows == [] and view.order.cheaper == ""
    assert view.order.summary == ("Value-added method ranks each tender by figures of its own, so removing or adding "
                                  "a tender never changes the order of the others.")
    html = login(agency_colleague).get(reverse("calloffs:evaluation_sensitivity", args=[calloff.pk])).content.decode()
    assert "never changes the order of the others" in html and 'id="order-table"' not in html

