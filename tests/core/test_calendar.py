from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from innokop.core.calendar import (
    add_working_days,
    at_local,
    end_of_day,
    is_working_day,
    midsummer_eve,
    next_working_day,
    roll_to_working_day,
    statutory_period_end,
    warns_non_working,
)

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))


def test_weekends_and_public_holidays_are_not_working_days():
    assert not is_working_day(date(2027, 3, 27))  # Saturday
    assert not is_working_day(date(2027, 3, 28))  # Easter Sunday
    assert not is_working_day(date(2027, 3, 26))  # Good Friday
    assert not is_working_day(date(2027, 3, 29))  # Easter Monday
    assert not is_working_day(date(2027, 1, 6))  # Epiphany, a Wednesday
    assert not is_working_day(date(2027, 5, 6))  # Ascension Day
    assert not is_working_day(date(2026, 6, 6))  # National Day, a Saturday
    assert is_working_day(date(2027, 3, 30))


def test_the_statutory_eves_are_not_working_days():
    assert midsummer_eve(2027) == date(2027, 6, 25)
    assert midsummer_eve(2026) == date(2026, 6, 19)
    assert not is_working_day(date(2027, 6, 25))  # Midsummer Eve
    assert not is_working_day(date(2027, 12, 24))  # Christmas Eve, a Friday
    assert not is_working_day(date(2027, 12, 31))  # New Year's Eve, a Friday
    assert is_working_day(date(2027, 12, 23))


def test_standstill_example_from_the_design_rolls_past_easter():
    # Sent Tuesday 16 March 2027: day 10 is Good Friday 26 March; Easter Monday is 29 March.
    assert statutory_period_end(date(2027, 3, 16), 10) == date(2027, 3, 30)


def test_a_period_ending_on_a_working_day_is_not_moved():
    assert statutory_period_end(date(2027, 3, 1), 10) == date(2027, 3, 11)


def test_a_period_ending_on_midsummer_eve_moves_to_monday():
    assert statutory_period_end(date(2027, 6, 15), 10) == date(2027, 6, 28)


def test_add_working_days_skips_easter_both_ways():
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert add_working_days(date(2027, 3, 30), -1) == date(2027, 3, 25)
    assert add_working_days(date(2027, 3, 30), 0) == date(2027, 3, 30)
    # Christmas Eve is a Friday; the 25th and 26th fall on the weekend, with no day in lieu.
    assert add_working_days(date(2027, 12, 22), 2) == date(2027, 12, 27)


def test_end_of_day_follows_daylight_saving_time():
    # Summer time starts on 28 March 2027 (CET → CEST) and ends on 31 October 2027.
    assert end_of_day(date(2027, 3, 27)).utcoffset() == timedelta(hours=1)
    assert end_of_day(date(2027, 3, 28)).utcoffset() == timedelta(hours=2)
    assert end_of_day(date(2027, 10, 31)).utcoffset() == timedelta(hours=1)
    assert end_of_day(date(2027, 3, 30)).astimezone(timezone.utc).hour == 21


def test_a_deadline_at_noon_is_noon_in_stockholm_on_both_sides_of_dst():
    winter = at_local(date(2027, 3, 26), 12).astimezone(timezone.utc)
    summer = at_local(date(2027, 3, 29), 12).astimezone(timezone.utc)
    assert (winter.hour, summer.hour) == (11, 10)


def test_deadlines_on_weekends_warn_and_utc_midnight_is_read_in_stockholm():
    assert warns_non_working(at_local(date(2027, 3, 27), 12))
    # 23:30 UTC on Friday 5 March is 00:30 on Saturday 6 March in Stockholm.
    assert warns_non_working(datetime(2027, 3, 5, 23, 30, tzinfo=timezone.utc))
    assert not warns_non_working(datetime(2027, 3, 5, 22, 30, tzinfo=timezone.utc))


@given(dates)
def test_next_working_day_is_later_and_working(day):
    following = next_working_day(day)
    assert following > day
    assert is_working_day(following)
    assert all(not is_working_day(day + timedelta(days=n)) for n in range(1, (following - day).days))


@given(dates)
def test_roll_is_identity_on_working_days_and_idempotent(day):
    rolled = roll_to_working_day(day)
    assert is_working_day(rolled)
    assert roll_to_working_day(rolled) == rolled
    if is_working_day(day):
        assert rolled == day


@given(dates, st.integers(min_value=0, max_value=60))
def test_adding_then_subtracting_working_days_returns_to_a_working_day(day, count):
    start = roll_to_working_day(day)
    assert add_working_days(add_working_days(start, count), -count) == start
