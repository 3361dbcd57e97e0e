"""Explanations: the arithmetic in words, built only when a ranking is explained."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .inputs import KRONOR, Criterion, EvaluationModel, Method, Tender, TenderId, TieRule
from .results import Result, _Block, _Entry


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
