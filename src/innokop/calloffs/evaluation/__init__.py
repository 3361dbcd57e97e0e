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
The package never draws lots itself: a tie that goes to lots stays unresolved until the draw,
witnessed and recorded, is supplied as `lot_draw_order`.

No Django models are used; gettext and number formatting need configured settings only because
the explanations are text a user reads.

Layout, each module depending only on those above it:

- `inputs`: enums, errors, rounding, the model and tenders as given, and their validation;
- `results`: `Result` and `Ranking`, and the scored entries and tie blocks they are built from;
- `explain`: the arithmetic and the tie decisions in words;
- `ranking`: ordering by the deciding figure and the tie rules;
- `methods`: the four models and `evaluate`;
- `sensitivity_analysis`: sensitivity to weights, and whether removing or adding a tender
  changes the order of the others (not named `sensitivity`, which would be shadowed by the
  function of that name).
"""

from .inputs import (
    HUNDRED,
    KRONOR,
    POINTS,
    PRICE,
    Criterion,
    EvaluationError,
    EvaluationModel,
    Method,
    Tender,
    TenderId,
    TieRule,
    ValueAdded,
    round_kronor,
    round_points,
)
from .methods import evaluate, fixed_price, lowest_price, price_quality, value_added
from .results import Ranking, Result
from .sensitivity_analysis import (
    CHEAPER_SHARES,
    MAX_COMBINATIONS,
    OrderChange,
    Outcome,
    PairOrder,
    Sensitivity,
    WeightRange,
    ahead,
    cheaper_tender_effect,
    order_among,
    order_stable,
    pair_order_with_extra,
    removal_effects,
    sensitivity,
)

__all__ = [
    "CHEAPER_SHARES",
    "HUNDRED",
    "KRONOR",
    "MAX_COMBINATIONS",
    "POINTS",
    "PRICE",
    "Criterion",
    "EvaluationError",
    "EvaluationModel",
    "Method",
    "OrderChange",
    "Outcome",
    "PairOrder",
    "Ranking",
    "Result",
    "Sensitivity",
    "Tender",
    "TenderId",
    "TieRule",
    "ValueAdded",
    "WeightRange",
    "ahead",
    "cheaper_tender_effect",
    "evaluate",
    "fixed_price",
    "lowest_price",
    "order_among",
    "order_stable",
    "pair_order_with_extra",
    "price_quality",
    "removal_effects",
    "round_kronor",
    "round_points",
    "sensitivity",
    "value_added",
]
