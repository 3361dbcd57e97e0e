"""Quarters of the calendar year, the periods suppliers report sales for (DESIGN.md §4, rule 12)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        month = 3 * self.number
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def due(self) -> date:
        return report_due(self)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def overlap_days(self, start: date, end: date) -> int:
        """How many days of [start, end] fall inside the quarter."""
        first, last = max(start, self.start), min(end, self.end)
        return max((last - first).days + 1, 0)

    def __str__(self) -> str:
        return f"{self.year} Q{self.number}"


def report_due(quarter: Quarter) -> date:
    """A sales report is due one month and 15 days after the quarter ends (rule 12). A quarter ends on a
    month's last day, one month later is the next month's last day, and 15 days after that is the 15th
    of the second month (31 March → 30 April → 15 May). Not moved off weekends: it is a contract term."""
    return _last_day_of_next_month(quarter.end) + timedelta(days=15)


def _last_day_of_next_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def quarters_between(first: date, last: date) -> list[Quarter]:
    """Every quarter that has at least one day in [first, last], oldest first."""
    found, quarter = [], Quarter.of(first)
    while quarter.start <= last:
        found.append(quarter)
        quarter = quarter.next()
    return found


def is_quarter_start(day: date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)
