"""The rules a call-off must follow (DESIGN.md §4, rules 2–4), as checks that explain a refusal.

Each check raises `ValidationError` keyed by the form field it concerns, with a message that says
why and what to do. `timetable_warnings` only warns: a deadline on a weekend or holiday is allowed.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from innokop.agreements.models import CallOffMethod, EvaluationModel, Lot
from innokop.core.calendar import (
    add_working_days,
    at_local,
    is_working_day,
    local_date,
    next_working_day,
    roll_to_working_day,
    start_of_day,
    statutory_period_end,
    warns_non_working,
)
from innokop.core.formats import sek, when

from .models import WEIGHTED_MODELS, CallOffKind


def decide_method(lot: Lot, estimated_value: Decimal | None) -> str:
    """The lot's method; for a combination lot, renewed competition at or above the threshold."""
    if lot.call_off_method != CallOffMethod.COMBINATION:
        return lot.call_off_method
    if estimated_value is not None and lot.value_threshold is not None and estimated_value >= lot.value_threshold:
        return CallOffKind.RENEWED_COMPETITION
    return CallOffKind.RANKING


def check_method(lot: Lot, method: str, estimated_value: Decimal | None) -> None:
    """Rule 2: the method is fixed per lot; below a combination lot's threshold, ranking order applies."""
    if lot.call_off_method == CallOffMethod.COMBINATION:
        allowed = {CallOffKind.RANKING, CallOffKind.RENEWED_COMPETITION}
    else:
        allowed = {lot.call_off_method}
    if method not in allowed:
        raise ValidationError({"method": _(
            "Lot %(number)s is called off by %(method)s only. Use that method, or choose another lot.") % {
            "number": lot.number, "method": CallOffMethod(lot.call_off_method).label.lower()}})
    if method != CallOffKind.RANKING and decide_method(lot, estimated_value) == CallOffKind.RANKING:
        raise ValidationError({"estimated_value": _(
            "Below %(threshold)s this lot is called off in ranking order, not by renewed competition. Call off "
            "in ranking order, or check the estimated value if the call-off is larger.") % {
            "threshold": sek(lot.value_threshold)}})


def check_evaluation_model(lot: Lot, model: str) -> None:
    if model not in lot.evaluation_models:
        allowed = ", ".join(str(label).lower() for label in lot.evaluation_model_labels()) or _("none")
        raise ValidationError({"evaluation_model": _(
            "The agreement does not allow that evaluation model for this lot. Choose one it allows: %(allowed)s.")
            % {"allowed": allowed}})


def check_weights(lot: Lot, model: str, price_weight: int | None, weights: dict[int, int | None]) -> None:
    """Rule 4: only the lot's criteria, each weight within its range, and all weights summing to 100."""
    criteria = {c.pk: c for c in lot.criteria.all()}
    unknown = set(weights) - set(criteria)
    if unknown:
        raise ValidationError(_("Only the criteria of the framework agreement may be used; criteria cannot be "
                                "added in a call-off. Remove the others."))
    if model not in WEIGHTED_MODELS:
        return
    errors = {}
    for pk, criterion in criteria.items():
        weight = weights.get(pk)
        if weight is None or not criterion.min_weight <= weight <= criterion.max_weight:
            errors[f"weight_{pk}"] = _("Give %(name)s a weight from %(min)s to %(max)s %%, as the agreement allows.") % {
                "name": criterion.name, "min": criterion.min_weight, "max": criterion.max_weight}
    if errors:
        raise ValidationError(errors)
    price = 0 if model == EvaluationModel.FIXED_PRICE else (price_weight or 0)
    total = price + sum(weights.values())
    if total != 100:
        raise ValidationError({"price_weight": _(
            "The weights add up to %(total)s %%; they must add up to 100 %%. Change the price weight or the "
            "criteria's weights.") % {"total": total}})


# The tie rules a call-off states with its evaluation model (DESIGN.md rule 8): quality first where the
# model measures it, then price; drawing lots, witnessed and recorded, only when all else is equal.
DEFAULT_TIE_RULES = {
    EvaluationModel.LOWEST_PRICE: ["draw_lots"],
    EvaluationModel.VALUE_ADDED: ["larger_deduction", "lower_price", "draw_lots"],
    EvaluationModel.PRICE_QUALITY: ["higher_quality", "lower_price", "draw_lots"],
    EvaluationModel.FIXED_PRICE: ["draw_lots"],
}


def default_tie_rules(model: str) -> list[str]:
    return list(DEFAULT_TIE_RULES.get(model, ["draw_lots"]))


def tie_rules_of(calloff) -> list[str]:
    """The tie rules the call-off states: its own, or the default of its evaluation model."""
    return list(calloff.tie_rules) or (default_tie_rules(calloff.evaluation_model) if calloff.evaluation_model else [])


def tie_rule_labels(calloff) -> list[str]:
    from .evaluation import TieRule

    return [TieRule(rule).label for rule in tie_rules_of(calloff)]


def middle_weights(lot: Lot) -> tuple[int, dict[int, int]]:
    """The prefill: the middle of each criterion's range, and the price weight that makes 100 where it can."""
    weights = {c.pk: (c.min_weight + c.max_weight) // 2 for c in lot.criteria.all()}
    return max(0, 100 - sum(weights.values())), weights


@dataclass(frozen=True)
class Timetable:
    publish_on: date
    questions_close: datetime
    answers_by: datetime
    tender_deadline: datetime
    opening_at: datetime
    decision_on: date
    contract_start: date
    contract_end: date


def _months_after(day: date, months: int) -> date:
    """The last day of a period of `months` months starting on `day` (a missing day counts as the month's last)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1])) - timedelta(days=1)


MAX_CONTRACT_YEARS = 4  # a call-off contract, as a main rule (rule 1)


def award_after_agreement_message(agreement) -> str:
    return _("A call-off contract must be awarded while the framework agreement is in force, which is until "
             "%(end)s. Plan the award decision for that day or earlier.") % {
        "end": date_format(agreement.end_date, "j F Y")}


def contract_period_problems(agreement, start: date | None, end: date | None, *, long_reason: str = "",
                             today: date | None = None) -> dict[str, str]:
    """Rule 1 for a call-off contract's period, keyed "contract_start", "contract_end" or "long_contract_reason".

    The contract starts once the agreement has begun and ends after it starts. Awarded while the agreement is
    in force, it may run past the agreement's end (recital 62 of directive 2014/24), but not past the latest end
    the agreement states for its contracts, nor longer than its longest contract period; and as a main rule for
    at most four years, longer only with recorded reasons. A contract still being planned (`today` given)
    starts today or later.
    """
    if start is None or end is None:
        return {"contract_start" if start is None else "contract_end": _("Give the contract period.")}
    if today is not None and start < today:
        return {"contract_start": _("The contract cannot start before today. Choose a later date.")}
    if end < start:
        return {"contract_end": _("The contract must end after it starts.")}
    if start < agreement.start_date:
        return {"contract_start": _("The contract cannot start before the framework agreement does, on %(start)s.")
                % {"start": date_format(agreement.start_date, "j F Y")}}
    latest = agreement.latest_contract_end
    if latest and end > latest:
        return {"contract_end": _("Contracts called off from this framework agreement may run until %(latest)s at "
                                  "the latest. End the contract on that day or earlier.") % {
            "latest": date_format(latest, "j F Y")}}
    months = agreement.max_contract_months
    if months and end > _months_after(start, months):
        return {"contract_end": ngettext(
            "Contracts called off from this framework agreement may run for at most %(months)s month: starting on "
            "%(start)s, the contract can end on %(last)s at the latest.",
            "Contracts called off from this framework agreement may run for at most %(months)s months: starting on "
            "%(start)s, the contract can end on %(last)s at the latest.", months) % {
            "months": months, "start": date_format(start, "j F Y"),
            "last": date_format(_months_after(start, months), "j F Y")}}
    if end > _months_after(start, 12 * MAX_CONTRACT_YEARS) and not long_reason.strip():
        return {"long_contract_reason": _(
            "A call-off contract runs for at most four years as a main rule: starting on %(start)s it would end on "
            "%(last)s. Shorten the contract, or record the reasons for a longer contract.") % {
            "start": date_format(start, "j F Y"),
            "last": date_format(_months_after(start, 12 * MAX_CONTRACT_YEARS), "j F Y")}}
    return {}


def publication_moment(publish_on: date | None, now: datetime) -> datetime:
    """When a call-off published now becomes public: at once when its publication day is today (or has passed),
    else at the start of that day in Swedish time (a scheduled publication)."""
    if publish_on is None or publish_on <= local_date(now):
        return now
    return start_of_day(publish_on)


def suggest_timetable(lot: Lot, today: date) -> Timetable:
    """Dates that each land on a working day (core.calendar: weekends, public holidays and the statutory eves).

    Publication today, or on the next working day; the tender period is the lot's minimum in calendar days, as
    `check_timetable` counts it, with the deadline moved on to a working day at 12:00; questions close after
    about 40 % of it and the answers follow two working days later, at least a working day before the deadline;
    the opening the working day after the deadline; the decision five working days later; the contract starts
    on the first working day on which it may be signed, after the standstill (`standstill_end`, rule 9). The
    contract's end is the last day of its period, not a day anyone must act on, so it is not moved.
    """
    publish = roll_to_working_day(today)
    deadline_day = roll_to_working_day(publish + timedelta(days=lot.min_tender_days))
    questions_day = roll_to_working_day(publish + timedelta(days=round((deadline_day - publish).days * 0.4)))
    # Holidays can push the 40 % onto the deadline: the answers still come a working day before it.
    latest_answers = add_working_days(deadline_day, -1)
    questions_day = max(min(questions_day, add_working_days(latest_answers, -1)), next_working_day(publish))
    answers_day = max(min(add_working_days(questions_day, 2), latest_answers), questions_day)
    opening_day = add_working_days(deadline_day, 1)
    decision = add_working_days(opening_day, 5)
    # The standstill after the decision (rule 9), then the contract, signed the working day after it ends.
    start = next_working_day(standstill_end(decision))
    end = _months_after(start, 24)
    if lot.agreement.latest_contract_end:
        end = min(end, lot.agreement.latest_contract_end)
    if lot.agreement.max_contract_months:
        end = min(end, _months_after(start, lot.agreement.max_contract_months))
    return Timetable(publish, at_local(questions_day, 12), at_local(answers_day, 12), at_local(deadline_day, 12),
                     at_local(opening_day, 10), decision, start, end)


def check_timetable(lot: Lot, t: Timetable, *, long_reason: str = "") -> None:
    """Rule 3: a tender period of at least the lot's minimum; dates in order; the award while the agreement is in
    force and the contract period as rule 1 allows (`contract_period_problems`)."""
    days = (local_date(t.tender_deadline) - t.publish_on).days
    if days < lot.min_tender_days:
        minimum = lot.min_tender_days
        raise ValidationError({"tender_deadline": " ".join([
            ngettext("The tender period is %(days)s day.", "The tender period is %(days)s days.", days) % {
                "days": days},
            ngettext("The agreement requires at least %(min)s day for this lot.",
                     "The agreement requires at least %(min)s days for this lot.", minimum) % {"min": minimum},
            _("Move the tender deadline to %(earliest)s or later.") % {
                "earliest": date_format(t.publish_on + timedelta(days=minimum), "l j F Y")}])})
    order = [("questions_close", local_date(t.questions_close), t.publish_on),
             ("answers_by", local_date(t.answers_by), local_date(t.questions_close)),
             ("tender_deadline", t.tender_deadline, t.answers_by),
             ("opening_at", t.opening_at, t.tender_deadline),
             ("decision_on", t.decision_on, local_date(t.opening_at)),
             ("contract_start", t.contract_start, t.decision_on),
             ("contract_end", t.contract_end, t.contract_start)]
    for field, value, earliest in order:
        if value < earliest:
            raise ValidationError({field: _(
                "This date comes before the step before it. Put the dates in the order of the timeline.")})
    agreement = lot.agreement
    if t.decision_on > agreement.end_date:
        raise ValidationError({"decision_on": award_after_agreement_message(agreement)})
    problems = contract_period_problems(agreement, t.contract_start, t.contract_end, long_reason=long_reason)
    if problems:
        raise ValidationError(problems)


def timetable_warnings(t: Timetable) -> list[str]:
    """Deadlines on a weekend or public holiday are allowed, but the agency is told (rule 3)."""
    warnings = []
    labels = [(_("Last time for questions"), t.questions_close), (_("Last time for answers"), t.answers_by),
              (_("Tender deadline"), t.tender_deadline), (_("Opening of tenders"), t.opening_at)]
    for label, moment in labels:
        if warns_non_working(moment):
            warnings.append(_("%(what)s falls on a weekend or public holiday (%(when)s). Suppliers may need a "
                              "working day: consider moving it.") % {"what": label, "when": when(moment)})
    for label, day in [(_("Planned award decision"), t.decision_on), (_("Contract start"), t.contract_start)]:
        if not is_working_day(day):
            warnings.append(_("%(what)s falls on a weekend or public holiday (%(when)s).") % {
                "what": label, "when": date_format(day, "l j F Y")})
    return warnings


# --- evaluation settings: the value-added method and fixed price (rule 8) ------------------------------

VALUE_KINDS = ("amount", "percent")


def _number(figure) -> Decimal | None:
    try:
        number = Decimal(str(figure))
    except (ArithmeticError, ValueError):
        return None
    return number if number.is_finite() else None


def requirement_value_problems(requirement, kind: str | None, figure) -> dict[str, str]:
    """The value-added method: what an evaluated requirement is worth when a tender meets it, an amount in
    SEK or a percentage of the tender price, above 0 (a percentage at most 100). Keyed by the form's fields."""
    names = {"identifier": requirement.identifier}
    problems = {}
    if kind not in VALUE_KINDS:
        problems[f"value_kind_{requirement.pk}"] = _(
            "Choose whether %(identifier)s is worth an amount or a percentage.") % names
    number = _number(figure)
    if number is None or number <= 0:
        problems[f"value_{requirement.pk}"] = _("Give what %(identifier)s is worth, above 0.") % names
    elif kind == "percent" and number > 100:
        problems[f"value_{requirement.pk}"] = _("A percentage of the price can be at most 100.")
    return problems


def fixed_price_problems(price) -> dict[str, str]:
    """Fixed price, best quality: the agency states the price every tender is for, above 0."""
    number = _number(price)
    if number is None or number <= 0:
        return {"fixed_price": _("State the fixed price in SEK excluding VAT, above 0.")}
    return {}


# --- prices in a tender (rule 4) ---------------------------------------------------------------------


def ceiling_price_refusal(row, price: Decimal | None) -> str | None:
    """Rule 4: a price above the framework agreement's ceiling price is refused; None when it is within."""
    if price is None or price <= row.ceiling_price:
        return None
    return _("The price for %(item)s, %(price)s per %(unit)s, is above the framework agreement's ceiling price of "
             "%(ceiling)s. Give at most %(ceiling)s.") % {
        "item": row.label, "price": sek(price), "unit": row.unit, "ceiling": sek(row.ceiling_price)}


# --- standstill (rule 9) -------------------------------------------------------------------------------

STANDSTILL_DAYS = 10  # after sending the award decision electronically, as Innoköp does


def standstill_end(sent: date | datetime) -> date:
    """The standstill's last day: day 0 is the sending day (in Swedish time), and a last day that is not a
    working day moves to the next one (lag 1930:173). Signing is locked until the end of that day."""
    day = local_date(sent) if isinstance(sent, datetime) else sent
    return statutory_period_end(day, STANDSTILL_DAYS)
