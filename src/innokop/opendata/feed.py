"""Paging the public releases and records with opaque cursors: the incremental feed reads the releases in
the order they became public, so "everything since" a moment and then page after page misses nothing."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from ninja.errors import ValidationError as RequestInvalid

from .mapping import Release, as_utc


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str


def _stamp(moment: datetime) -> str:
    """A moment as text that sorts as the moments do: UTC, always with microseconds."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode(key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode(cursor: str, size: int) -> list:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or len(key) != size or not all(isinstance(part, str) for part in key):
        raise RequestInvalid([{"loc": ("query", "cursor"), "msg": _("This is not a cursor this API gave."),
                               "type": "value_error"}])
    return key


def release_page(releases: list[Release], *, since: datetime | None, cursor: str, size: int) -> Page:
    """Releases in the order they became public, from `since` (inclusive) and after the cursor's release."""
    keyed = [(_stamp(release.public_from), release.id, release) for release in releases]
    if since is not None:
        moment = _stamp(since)
        keyed = [entry for entry in keyed if entry[0] >= moment]
    if cursor:
        after = tuple(decode(cursor, 2))
        keyed = [entry for entry in keyed if entry[:2] > after]
    keyed.sort(key=lambda entry: entry[:2])
    page = keyed[:size]
    more = len(keyed) > size
    return Page([entry[2] for entry in page], encode(list(page[-1][:2])) if more else "")


def record_page(ocids: list[str], *, cursor: str, size: int) -> Page:
    ordered = sorted(ocids)
    if cursor:
        after = decode(cursor, 1)[0]
        ordered = [ocid for ocid in ordered if ocid > after]
    page = ordered[:size]
    return Page(page, encode([page[-1]]) if len(ordered) > size else "")
