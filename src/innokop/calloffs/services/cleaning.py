"""What a call-off service is given, cleaned before any rule is checked.

A service refuses with a reason, never with a database error or a type error. So the values a step
of the draft, an offer in ranking order or a new deadline comes with are checked here first: the
right type, within what the database holds, and each problem named by its field
(`ValidationError({field: message})`). A time without a time zone is read as Swedish time
(Europe/Stockholm, `core.calendar.as_swedish_time`), as the forms read what people type and as the
API reads a time given without an offset.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from innokop.core.calendar import as_swedish_time, local_date

YEARS_AWAY = 100
"""A date further than this from today is a typing error, and would overflow the arithmetic of dates."""


class _Problem(Exception):
    """What is wrong with one value; `clean` keys it by the field."""


def clean(data: Mapping, cleaners: Mapping[str, Callable[[object], object]]) -> dict:
    """Each field of `data` through its cleaner (a missing field is None); every problem at once, by field."""
    if not isinstance(data, Mapping):
        raise ValidationError(_("The step was given no values."))
    cleaned, errors = {}, {}
    for field, cleaner in cleaners.items():
        try:
            cleaned[field] = cleaner(data.get(field))
        except _Problem as problem:
            errors[field] = str(problem)
    if errors:
        raise ValidationError(errors)
    return cleaned


def one(field: str, value, cleaner: Callable[[object], object]):
    """A single value through its cleaner, a problem keyed by `field`."""
    return clean({field: value}, {field: cleaner})[field]


def _check_year(value: date, today: date) -> None:
    if abs(value.year - today.year) > YEARS_AWAY:
        raise _Problem(_("Check the year: %(year)s is more than %(years)s years from now.") % {
            "year": value.year, "years": YEARS_AWAY})


def moment(today: date) -> Callable[[object], datetime]:
    """A date and a time, made timezone-aware (a naive one is Swedish time)."""
    def cleaner(value) -> datetime:
        if isinstance(value, datetime):
            _check_year(value, today)
            return as_swedish_time(value)
        if isinstance(value, date):
            raise _Problem(_("Give the time of day as well as the date."))
        raise _Problem(_("Give a date and a time."))
    return cleaner


def day(today: date) -> Callable[[object], date]:
    """A date; a date and time counts as its day in Sweden."""
    def cleaner(value) -> date:
        if not isinstance(value, date):
            raise _Problem(_("Give a date."))
        _check_year(value, today)
        return local_date(as_swedish_time(value)) if isinstance(value, datetime) else value
    return cleaner


def optional(cleaner: Callable[[object], object]) -> Callable[[object], object]:
    return lambda value: None if value is None else cleaner(value)


def text(*, required: bool = True, max_length: int | None = None) -> Callable[[object], str]:
    def cleaner(value) -> str:
        value = "" if value is None else value
        if not isinstance(value, str):
            raise _Problem(_("Give it as text."))
        if "\x00" in value:  # no database stores it as text (PostgreSQL refuses it)
            raise _Problem(_("Text may not contain the NUL character."))
        if required and not value.strip():
            raise _Problem(_("This field is required."))
        if max_length is not None and len(value) > max_length:
            raise _Problem(_("Shorten it to at most %(max)s characters.") % {"max": max_length})
        return value
    return cleaner


def percent(value) -> int:
    """A whole percentage, 0 to 100 (a weight)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise _Problem(_("Give a whole number from 0 to 100."))
    return value


def amount(*, max_digits: int, places: int) -> Callable[[object], Decimal]:
    """An amount in SEK, 0 or more, rounded half up to `places` decimals, with at most `max_digits` digits in all."""
    def cleaner(value) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
            raise _Problem(_("Give the amount as a number."))
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            raise _Problem(_("Give the amount as a number.")) from None
        if not number.is_finite():
            raise _Problem(_("Give the amount as a number."))
        if number < 0:
            raise _Problem(_("The amount cannot be negative."))
        if number >= Decimal(10) ** (max_digits - places):
            raise _Problem(_("Check the amount: it has more digits than Innoköp can keep (at most %(digits)s before "
                             "the decimal point).") % {"digits": max_digits - places})
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return cleaner


def mapping(value) -> dict:
    """A mapping (weights, values of requirements); none given is empty."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _Problem(_("Give the values field by field."))
    return dict(value)
