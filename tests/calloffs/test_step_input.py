"""The services refuse with a reason, never with a database error or a type error (issue 9, point 22).

Whatever a step of the draft is given, of the right types or None, negative or naive, it is saved or
refused with a `ValidationError` (or a `Refused`) that names the field. A time without a time zone
is read as Swedish time (Europe/Stockholm), as the forms read what people type.
"""

from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from innokop.agreements.models import EvaluationModel
from innokop.calloffs import rules, services
from innokop.calloffs.models import CallOff, CallOffKind, RankingOffer
from innokop.calloffs.services import dialogue, ranking
from innokop.core.calendar import STOCKHOLM, at_local, local_date
from innokop.core.refusals import Refused

from .conftest import start

pytestmark = pytest.mark.django_db

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def naive(moment: datetime) -> datetime:
    """What an integrator sends without an offset: the Swedish wall-clock time, no time zone."""
    return moment.astimezone(STOCKHOLM).replace(tzinfo=None)


def weights_of(calloff: CallOff) -> dict[str, int]:
    return {c.name: c.pk for c in calloff.lot.criteria.all()}


# --- the findings, one by one -------------------------------------------------------------------------


def test_a_negative_price_weight_is_refused_with_a_reason(draft, agency_procurer):
    criteria = weights_of(draft)
    # -10 + 50 + 60 makes 100, and every criterion is within its range: only the price weight is wrong.
    data = {"evaluation_model": "price_quality", "price_weight": -10,
            "weights": {criteria["Pris"]: 50, criteria["Kvalitet"]: 60}}
    with pytest.raises(ValidationError) as refused:
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="evaluation", data=data)
    assert "from 0 to 100" in refused.value.message_dict["price_weight"][0]
    draft.refresh_from_db()
    assert draft.evaluation_model == ""


def test_a_naive_deadline_in_the_timetable_is_read_as_swedish_time(draft, agency_procurer, clock):
    timetable = rules.suggest_timetable(draft.lot, local_date(clock.now()))
    data = asdict(timetable) | {"tender_deadline": naive(timetable.tender_deadline),
                                "opening_at": naive(timetable.opening_at)}
    services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable", data=data)
    draft.refresh_from_db()
    assert draft.tender_deadline == timetable.tender_deadline  # 12:00 Swedish time, whatever the offset that day
    assert draft.tender_deadline.astimezone(STOCKHOLM).hour == 12
    assert draft.opening_at == timetable.opening_at


def test_a_missing_time_in_the_timetable_is_refused_by_name(draft, agency_procurer, clock):
    data = asdict(rules.suggest_timetable(draft.lot, local_date(clock.now()))) | {"tender_deadline": None}
    with pytest.raises(ValidationError) as refused:
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable", data=data)
    assert set(refused.value.message_dict) == {"tender_deadline"}


def test_a_date_where_a_time_is_asked_is_refused_by_name(draft, agency_procurer, clock):
    timetable = rules.suggest_timetable(draft.lot, local_date(clock.now()))
    data = asdict(timetable) | {"tender_deadline": local_date(timetable.tender_deadline)}
    with pytest.raises(ValidationError) as refused:
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable", data=data)
    assert set(refused.value.message_dict) == {"tender_deadline"}


def test_a_year_far_away_is_refused_rather_than_overflowing(draft, agency_procurer, clock):
    timetable = rules.suggest_timetable(draft.lot, local_date(clock.now()))
    data = asdict(timetable) | {"contract_end": date(9999, 12, 31)}
    with pytest.raises(ValidationError) as refused:
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable", data=data)
    assert "Check the year" in refused.value.message_dict["contract_end"][0]


def test_an_unknown_step_is_refused(draft, agency_procurer):
    with pytest.raises(Refused, match="no step called “colour”"):
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="colour", data={})


@pytest.fixture
def ranking_draft(published, agency_procurer, clock):
    """Lot 2, in ranking order, with its first-ranked supplier (tests/agreements/conftest.py)."""
    lot = published.lots.get(number=2)
    calloff = start(agency_procurer, lot, estimated_value=Decimal(400_000))
    timetable = asdict(rules.suggest_timetable(lot, local_date(clock.now())))
    services.calloff_update_step(actor=agency_procurer, calloff=calloff, step="timetable", data=timetable)
    assert calloff.method == CallOffKind.RANKING
    return calloff


def test_a_naive_answer_deadline_in_ranking_order_is_read_as_swedish_time(ranking_draft, agency_procurer):
    answer_by = at_local(date(2027, 3, 22), 12)
    ranking.ranking_offer_first(actor=agency_procurer, calloff=ranking_draft, answer_by=naive(answer_by))
    assert RankingOffer.objects.get().answer_by == answer_by


@pytest.mark.parametrize("answer_by", [None, date(2027, 3, 22)], ids=["none", "a date"])
def test_an_answer_deadline_that_is_not_a_time_is_refused_by_name(ranking_draft, agency_procurer, answer_by):
    with pytest.raises(ValidationError) as refused:
        ranking.ranking_offer_first(actor=agency_procurer, calloff=ranking_draft, answer_by=answer_by)
    assert set(refused.value.message_dict) == {"answer_by"}
    assert not RankingOffer.objects.exists()


def test_a_naive_new_tender_deadline_is_read_as_swedish_time(open_calloff, agency_procurer):
    later = open_calloff.tender_deadline + timedelta(days=7)
    calloff = dialogue.calloff_extend_deadline(actor=agency_procurer, calloff=open_calloff,
                                               tender_deadline=naive(later), reason="Mer tid")
    calloff.refresh_from_db()
    assert calloff.tender_deadline == later


def test_naive_meeting_times_are_read_as_swedish_time(open_calloff, agency_procurer):
    day = date(2027, 3, 16)
    slots = [dialogue.SlotTime(naive(at_local(day, hour)), naive(at_local(day, hour + 1)), f"Rum {hour}")
             for hour in (10, 11)]
    made = dialogue.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff, slots=slots)
    assert [slot.starts_at for slot in made] == [at_local(day, 10), at_local(day, 11)]


# --- the property: a reason or a saved step, nothing else ---------------------------------------------


class _Undo(Exception):
    """Rolls back what an accepted example saved, so every example starts from the same draft."""


def outcome(call) -> Exception | None:
    """The refusal `call` answers with, or None when it was taken; anything else fails the test."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        event("taken")
        return None
    except (ValidationError, Refused) as refusal:
        fields = sorted(refusal.message_dict) if getattr(refusal, "error_dict", None) else ["-"]
        event(f"refused: {', '.join(fields)}")
        return refusal


def maybe(strategy):
    return st.one_of(st.none(), strategy)


# Anywhere in the calendar, near the test's clock (so that checks further in are reached), aware or naive.
near = st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2031, 12, 31))
moments = st.one_of(
    near, near.map(lambda m: m.replace(tzinfo=STOCKHOLM)), near.map(lambda m: m.replace(tzinfo=timezone.utc)),
    st.datetimes(), st.datetimes(timezones=st.just(timezone.utc)))
days = st.one_of(st.dates(min_value=date(2027, 1, 1), max_value=date(2035, 12, 31)), st.dates())
numbers = st.one_of(st.integers(-200, 200), st.integers())
amounts = st.one_of(st.decimals(), st.integers().map(Decimal), st.integers(-10**6, 10**16).map(Decimal))
texts = st.text(max_size=250)


MISSING = object()


@st.composite
def perturbed(draw: st.DrawFn, valid: dict, options: dict) -> dict:
    """A valid input with a few of its values replaced by another of the field's type, or None, or left out.

    Only a few: with every field changed at once the first check would refuse nearly every example,
    and the rules further in would never be reached.
    """
    changed = draw(st.sets(st.sampled_from(sorted(valid)), max_size=3))
    given = dict(valid)
    for field in changed:
        given[field] = draw(st.one_of(st.just(MISSING), maybe(options[field])))
    return {field: value for field, value in given.items() if value is not MISSING}


@PROPERTY
@given(data=st.data())
def test_the_need_step_never_fails_but_with_a_reason(draft, agency_procurer, data):
    valid = {"title": "AI-stöd", "need": "Stöd.", "estimated_value": Decimal(3_000_000), "method": None}
    options = {"title": texts, "need": texts, "estimated_value": amounts,
               "method": st.sampled_from([*CallOffKind.values, "auction"])}
    step = data.draw(perturbed(valid, options))
    outcome(lambda: services.calloff_update_step(actor=agency_procurer, calloff=CallOff.objects.get(pk=draft.pk),
                                                 step="need", data=step))


def test_a_nul_character_in_the_need_is_refused_by_name(draft, agency_procurer):
    """Found on PostgreSQL, which stores no text with NUL in it: refused as the field's problem, not a 500."""
    with pytest.raises(ValidationError) as refused:
        services.calloff_update_step(actor=agency_procurer, calloff=CallOff.objects.get(pk=draft.pk), step="need",
                                     data={"title": "AI-stöd", "need": "\x00", "estimated_value": Decimal(3_000_000)})
    assert list(refused.value.message_dict) == ["need"]


@PROPERTY
@given(data=st.data())
def test_the_evaluation_step_never_fails_but_with_a_reason(draft, agency_procurer, data):
    criteria = weights_of(draft)
    valid = {"evaluation_model": "price_quality", "price_weight": 40,
             "weights": {criteria["Pris"]: 30, criteria["Kvalitet"]: 30}, "requirement_values": {},
             "fixed_price": None}
    keys = st.one_of(st.sampled_from(sorted(criteria.values())), st.integers())
    options = {"evaluation_model": st.sampled_from([*EvaluationModel.values, "guesswork"]), "price_weight": numbers,
               "weights": st.dictionaries(keys, maybe(numbers), max_size=3),
               "requirement_values": st.dictionaries(st.text(max_size=5), st.dictionaries(
                   st.sampled_from(["amount", "percent", "x"]), maybe(amounts), max_size=2), max_size=2),
               "fixed_price": amounts}
    step = data.draw(perturbed(valid, options))
    outcome(lambda: services.calloff_update_step(actor=agency_procurer, calloff=CallOff.objects.get(pk=draft.pk),
                                                 step="evaluation", data=step))


@PROPERTY
@given(data=st.data())
def test_the_timetable_step_never_fails_but_with_a_reason(draft, agency_procurer, clock, data):
    timetable = rules.suggest_timetable(draft.lot, local_date(clock.now()))
    valid = asdict(timetable) | {"long_contract_reason": ""}
    moment_fields = {"questions_close", "answers_by", "tender_deadline", "opening_at"}
    options = {field: (st.one_of(moments, st.just(naive(getattr(timetable, field))), days) if field in moment_fields
                       else st.one_of(days, moments)) for field in asdict(timetable)}
    options["long_contract_reason"] = texts
    step = data.draw(perturbed(valid, options))
    refusal = outcome(lambda: services.calloff_update_step(
        actor=agency_procurer, calloff=CallOff.objects.get(pk=draft.pk), step="timetable", data=step))
    if step == valid | {field: naive(getattr(timetable, field)) for field in moment_fields}:
        assert refusal is None  # naive times alone are read as Swedish time, not refused


@PROPERTY
@given(data=st.data())
def test_the_contract_period_step_never_fails_but_with_a_reason(draft, agency_procurer, clock, data):
    timetable = rules.suggest_timetable(draft.lot, local_date(clock.now()))
    valid = {"contract_start": timetable.contract_start, "contract_end": timetable.contract_end,
             "long_contract_reason": ""}
    options = {"contract_start": st.one_of(days, moments), "contract_end": st.one_of(days, moments),
               "long_contract_reason": texts}
    step = data.draw(perturbed(valid, options))
    outcome(lambda: services.calloff_update_step(actor=agency_procurer, calloff=CallOff.objects.get(pk=draft.pk),
                                                 step="contract_period", data=step))


@PROPERTY
@given(answer_by=maybe(st.one_of(moments, days)))
def test_the_ranking_offer_never_fails_but_with_a_reason(ranking_draft, agency_procurer, answer_by):
    outcome(lambda: ranking.ranking_offer_first(actor=agency_procurer, calloff=CallOff.objects.get(pk=ranking_draft.pk),
                                                answer_by=answer_by))


@PROPERTY
@given(new=maybe(st.one_of(moments, days)))
def test_the_deadline_extension_never_fails_but_with_a_reason(open_calloff, agency_procurer, new):
    outcome(lambda: dialogue.calloff_extend_deadline(actor=agency_procurer,
                                                     calloff=CallOff.objects.get(pk=open_calloff.pk),
                                                     tender_deadline=new, reason="Mer tid"))


# Hours of a day in the question period, aware or naive, so that some offers are taken.
meeting_hours = st.integers(8, 17).map(lambda hour: at_local(date(2027, 3, 16), hour))
meeting_times = maybe(st.one_of(moments, days, meeting_hours, meeting_hours.map(naive)))


@PROPERTY
@given(times=st.lists(st.tuples(meeting_times, meeting_times), min_size=1, max_size=3))
def test_meeting_times_never_fail_but_with_a_reason(open_calloff, agency_procurer, times):
    slots = [dialogue.SlotTime(start_at, end_at, "Rum 1") for start_at, end_at in times]
    outcome(lambda: dialogue.dialogue_slots_offer(actor=agency_procurer,
                                                  calloff=CallOff.objects.get(pk=open_calloff.pk), slots=slots))

