"""Messages stored as what happened, rendered in the reader's language when read.

A message is kept as its gettext msgid (the English source text, with %(name)s placeholders) and
its values. Values that read differently per language are kept as data and formatted when the
message is rendered: a moment as an ISO string (`{"moment": ...}`, shown with `formats.when`, or
`{"exact": ...}` to the second), a day (`{"day": ...}`), an amount of money (`{"sek": ...}`,
shown with `formats.sek`) and a translatable label (`{"msgid": ...}`). Names, references and text
people typed are kept as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from . import formats


def source(text: str | Promise) -> str:
    """The msgid behind a (lazy) translatable string: the text with no translation active."""
    if not isinstance(text, Promise):
        return str(text)
    with translation.override(None):
        return str(text)


def exact(moment: datetime) -> dict[str, str]:
    """A moment to be shown to the second (a receipt)."""
    return {"exact": moment.isoformat()}


def money(amount: Decimal | int | str) -> dict[str, str]:
    """An amount in SEK, kept as a number and formatted when read."""
    return {"sek": str(amount)}


def stored_value(value: Any) -> Any:
    """A message's value as JSON that keeps what it is: moments, days, money and labels are formatted when read."""
    if isinstance(value, datetime):
        return {"moment": value.isoformat()}
    if isinstance(value, date):
        return {"day": value.isoformat()}
    if isinstance(value, Promise):
        return {"msgid": source(value)}
    if isinstance(value, Decimal):
        return str(value)
    return value


def stored_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {key: stored_value(value) for key, value in (params or {}).items()}


def _shown(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "moment" in value:
        return formats.when(datetime.fromisoformat(value["moment"]))
    if "exact" in value:
        return formats.exact(datetime.fromisoformat(value["exact"]))
    if "day" in value:
        return formats.day(date.fromisoformat(value["day"]))
    if "sek" in value:
        return formats.sek(Decimal(value["sek"]))
    if "msgid" in value:
        return gettext(value["msgid"])
    return value


def render(msgid: str, params: Mapping[str, Any] | None) -> str:
    """The message in the active language. `params` None: a finished text stored before messages were kept
    untranslated, shown as it is."""
    if params is None:
        return msgid
    values = {key: _shown(value) for key, value in params.items()}
    try:
        return gettext(msgid) % values
    except (KeyError, ValueError, TypeError):
        # A translation whose placeholders do not match its msgid must not hide the message: say it in English.
        return msgid % values
