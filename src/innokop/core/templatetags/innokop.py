"""Dates, money and numbers as people read them, in Swedish or English."""

from datetime import datetime
from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from innokop.core import clock
from innokop.core.calendar import STOCKHOLM
from innokop.core.html import sanitise_html

register = template.Library()


@register.filter
def deadline(moment: datetime | None) -> str:
    """'fredag 26 mars 2027 kl. 12:00, om 3 dagar' — weekday, date, time, and how long is left."""
    if moment is None:
        return ""
    return f"{when(moment)}, {time_left(moment)}"


@register.filter
def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(STOCKHOLM)
    day = formats.date_format(local, "l j F Y")
    return gettext("%(day)s at %(time)s") % {"day": day, "time": local.strftime("%H:%M")}


@register.filter
def time_left(moment: datetime) -> str:
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


@register.filter
def rich(value: str) -> SafeString:
    """Rich text is sanitised when saved and again here, so no unsanitised HTML ever reaches a page."""
    return mark_safe(sanitise_html(value))  # noqa: S308 - nh3 has just cleaned it


@register.filter
def sek(amount: Decimal | int | float | None) -> str:
    """'1 250 000 kr': grouped with (non-breaking) spaces, no decimals unless there are öre."""
    if amount is None:
        return ""
    value = Decimal(amount)
    decimals = 0 if value == value.to_integral_value() else 2
    grouped = f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    return f"{grouped}\u00a0kr"


@register.simple_tag(takes_context=True)
def render_panel(context, panel) -> str:
    """Renders a dashboard panel's own template with its own context (see core.dashboard)."""
    from django.template.loader import render_to_string

    return render_to_string(panel.template, panel.context, request=context.get("request"))
