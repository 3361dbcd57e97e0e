"""Deadlines in Swedish time: working days, public holidays and statutory periods.

Dates are computed in Europe/Stockholm and stored as UTC. Non-working days follow the act on
computing statutory time (lag 1930:173): Saturdays, Sundays, public holidays, and Midsummer Eve,
Christmas Eve and New Year's Eve.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Sweden(years=year, include_sundays=False).keys())


def midsummer_eve(year: int) -> date:
    """The Friday between 19 and 25 June."""
    day = date(year, 6, 19)
    return day + timedelta(days=(4 - day.weekday()) % 7)


def is_working_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    if day in _public_holidays(day.year):
        return False
    if (day.month, day.day) in {(12, 24), (12, 31)}:
        return False
    return day != midsummer_eve(day.year)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def roll_to_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the next working day."""
    return day if is_working_day(day) else next_working_day(day)


def add_working_days(day: date, count: int) -> date:
    """Count `count` working days forward (or back, when negative) from `day`."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def statutory_period_end(start: date, days: int) -> date:
    """The last day of a period of `days` days counted from `start` (day 0).

    A period whose last day is not a working day ends on the next working day instead.
    """
    return roll_to_working_day(start + timedelta(days=days))


def as_swedish_time(moment: datetime) -> datetime:
    """`moment` made timezone-aware: a naive time is read as Swedish wall-clock time (Europe/Stockholm), as the
    forms read what people type and as a time without an offset in the API is read; an aware one is kept."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=STOCKHOLM)
    return moment


def local_date(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


def end_of_day(day: date) -> datetime:
    """The last instant of `day` in Stockholm (23:59:59.999999 local time), as an aware datetime."""
    return datetime.combine(day, time.max, tzinfo=STOCKHOLM)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=STOCKHOLM)


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Stockholm on `day`; zoneinfo picks the right UTC offset for DST."""
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def warns_non_working(moment: datetime) -> bool:
    """True when a deadline falls on a weekend or holiday in Stockholm: the user should be warned."""
    return not is_working_day(local_date(moment))
