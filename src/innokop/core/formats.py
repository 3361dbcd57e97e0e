"""Dates, money and numbers as people read them, in Swedish or English.

Services, forms and documents call these for their messages; the template filters in
`core/templatetags/innokop.py` are the same functions, so a page and a message say it alike.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import formats as django_formats
from django.utils.translation import gettext, ngettext

from innokop.core import clock
from innokop.core.calendar import STOCKHOLM


def deadline(moment: datetime | None) -> str:
    """'fredag 26 mars 2027 kl. 12:00, om 3 dagar' — weekday, date, time, and how long is left."""
    if moment is None:
        return ""
    return f"{when(moment)}, {time_left(moment)}"


def when(moment: datetime | None) -> str:
    """'fredag 26 mars 2027 kl. 12:00', in Stockholm time."""
    if moment is None:
        return ""
    local = moment.astimezone(STOCKHOLM)
    day = django_formats.date_format(local, "l j F Y")
    return gettext("%(day)s at %(time)s") % {"day": day, "time": local.strftime("%H:%M")}


def exact(moment: datetime | None) -> str:
    """'fredag 26 mars 2027 kl. 12:00:05': a moment to the second, for receipts and refusals at a deadline."""
    if moment is None:
        return ""
    return f"{when(moment)}:{moment.astimezone(STOCKHOLM):%S}"


def day(value: date | None) -> str:
    """'fredag 26 mars 2027': a date with its weekday, in the active language."""
    if value is None:
        return ""
    return django_formats.date_format(value, "l j F Y")


def has_passed(moment: datetime | None) -> bool:
    """Whether the clock is past `moment`: a sentence about a deadline picks its tense by it ("går ut" or "gick ut").

    At the instant itself a deadline has not passed (a tender at exactly the deadline is still taken)."""
    return moment is not None and clock.now() > moment


def time_left(moment: datetime) -> str:
    """'om 3 dagar' or '2 timmar sedan', counted from the clock."""
    seconds = (moment - clock.now()).total_seconds()
    future = seconds >= 0
    seconds = abs(seconds)
    if seconds < 3600:
        amount = max(1, int(seconds // 60))
        text = ngettext("%(n)d minute", "%(n)d minutes", amount)
    elif seconds < 2 * 86400:
        amount = int(seconds // 3600)
        text = ngettext("%(n)d hour", "%(n)d hours", amount)
    else:
        amount = int(seconds // 86400)
        text = ngettext("%(n)d day", "%(n)d days", amount)
    text = text % {"n": amount}
    return (gettext("in %(span)s") if future else gettext("%(span)s ago")) % {"span": text}


def sek(amount: Decimal | int | float | None) -> str:
    """'1 250 000 kr': grouped with (non-breaking) spaces, no decimals unless there are öre."""
    if amount is None:
        return ""
    value = Decimal(amount)
    decimals = 0 if value == value.to_integral_value() else 2
    grouped = f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    return f"{grouped}\u00a0kr"
