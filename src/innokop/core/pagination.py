"""Cursor pagination for the API's lists: keyset paging over a stable order, the cursor in the headers.

A list operation takes `response: HttpResponse` (ninja's temporal response) and the query parameters
`cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT`, and returns `cursor_page(...)` (or rows made from it):

    @router.get("/things", response=responses(list[ThingOut], SIGNED_IN, 422))
    def things(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
        return cursor_page(request, response, Thing.objects.all(), order=("-created_at", "pk"),
                           cursor=cursor, limit=limit)

The body stays a JSON list (API version 1); when there is a next page, the response carries
`Link: <...?cursor=...&limit=...>; rel="next"` and `X-Next-Cursor`. The cursor is opaque to clients: urlsafe
base64 of the JSON of the last row's key values. One that this API did not give, or a limit out of range,
answers 422 in the standard error shape. Every page is one query (limit + 1 rows), whatever its size.

`order` is a tuple of field names (`"-name"` for descending; related fields with `__`); its last field must be
unique (`"pk"` or `"-pk"`), so that the order is total and no row is skipped or seen twice. A NULL sorts as the
largest value (last going up, first going down), on SQLite and PostgreSQL alike.
"""

import base64
import binascii
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field
from ninja.errors import ValidationError as RequestInvalid

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_CURSOR_LENGTH = 1000

Cursor = Annotated[str | None, Field(max_length=MAX_CURSOR_LENGTH,
                                     description="Where the previous page ended: its `X-Next-Cursor` header "
                                                 "(or the cursor in its `Link: rel=\"next\"` header)")]
"""The `cursor` query parameter of a paged list."""
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT,
                             description=f"How many items a page holds, 1 to {MAX_LIMIT}")]
"""The `limit` query parameter of a paged list."""

PAGE_PARAMETERS = ("cursor", "limit")
"""For `refuse_undescribed_parameters`: the query parameters a paged list describes besides its own."""

_ALIAS = "cursor_key_%d"


def cursor_page(request: HttpRequest, response: HttpResponse, queryset: QuerySet, *, order: tuple[str, ...],
                cursor: str | None, limit: int) -> list:
    """One page of `queryset` in `order`, after `cursor`; sets the next page's headers on `response`."""
    if not order:
        raise ValueError("cursor_page needs an order whose last field is unique")
    if not 1 <= limit <= MAX_LIMIT:
        raise _invalid("limit", _("Give a number from 1 to %(max)s.") % {"max": MAX_LIMIT})
    fields = [(name.removeprefix("-"), name.startswith("-")) for name in order]
    aliases = [_ALIAS % index for index in range(len(fields))]
    queryset = queryset.annotate(**{alias: F(name) for alias, (name, _desc) in zip(aliases, fields, strict=True)})
    queryset = queryset.order_by(*[
        F(alias).desc(nulls_first=True) if descending else F(alias).asc(nulls_last=True)
        for alias, (_name, descending) in zip(aliases, fields, strict=True)])
    if cursor:
        values = _decode(cursor, queryset, aliases)
        queryset = queryset.filter(_after(aliases, [desc for _name, desc in fields], values))
    rows = list(queryset[: limit + 1])
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode([getattr(rows[-1], alias) for alias in aliases])
        response["Link"] = f'<{_next_url(request, next_cursor, limit)}>; rel="next"'
        response["X-Next-Cursor"] = next_cursor
    return rows


def _after(aliases: list[str], descending: list[bool], values: list) -> Q:
    """Rows after the key `values`: equal on the first fields and after on the next, for each position."""
    condition = Q(pk__in=[])
    for index, alias in enumerate(aliases):
        step = _beyond(alias, descending[index], values[index])
        if step is None:
            continue
        for earlier in range(index):
            step &= _equal(aliases[earlier], values[earlier])
        condition |= step
    return condition


def _equal(alias: str, value) -> Q:
    return Q(**{f"{alias}__isnull": True}) if value is None else Q(**{alias: value})


def _beyond(alias: str, descending: bool, value) -> Q | None:
    """Strictly after `value` in its direction, NULL being the largest value."""
    if descending:
        return Q(**{f"{alias}__isnull": False}) if value is None else Q(**{f"{alias}__lt": value})
    if value is None:
        return None  # nothing comes after NULL going up
    return Q(**{f"{alias}__gt": value}) | Q(**{f"{alias}__isnull": True})


def _encode(values: list) -> str:
    text = json.dumps([_plain(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _decode(cursor: str, queryset: QuerySet, aliases: list[str]) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError, binascii.Error):
        values = None
    if not isinstance(values, list) or len(values) != len(aliases):
        raise _not_a_cursor()
    typed = []
    for alias, value in zip(aliases, values, strict=True):
        if value is None:
            typed.append(None)
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise _not_a_cursor()
        try:
            typed.append(queryset.query.annotations[alias].output_field.to_python(value))
        except (ValidationError, TypeError, ValueError):
            raise _not_a_cursor() from None
    return typed


def _next_url(request: HttpRequest, next_cursor: str, limit: int) -> str:
    query = request.GET.copy()
    query["cursor"] = next_cursor
    query["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _not_a_cursor() -> RequestInvalid:
    return _invalid("cursor", _("This is not a cursor this API gave."))


def _invalid(parameter: str, message: str) -> RequestInvalid:
    return RequestInvalid([{"loc": ("query", parameter), "msg": message, "type": "value_error"}])
