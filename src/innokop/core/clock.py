"""The one place the application reads the time, so that tests can set it.

`travel_to` moves the application's clock for a block of code: the demo uses it to play call-offs
through their deadlines (publish a month ago, tender, open after the deadline) with the same
services and rules a user goes through. Never used by a request.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from datetime import timezone as dt_timezone

from django.utils import timezone

_travelled_to: datetime | None = None


def now() -> datetime:
    return _travelled_to if _travelled_to is not None else timezone.now()


@contextmanager
def travel_to(moment: datetime) -> Iterator[None]:
    global _travelled_to
    if moment.tzinfo is None:
        raise ValueError("travel_to needs a timezone-aware moment.")
    # In UTC, as timezone.now() gives it: stored times come back in UTC, and audit hashes cover them.
    before, _travelled_to = _travelled_to, moment.astimezone(dt_timezone.utc)
    try:
        yield
    finally:
        _travelled_to = before
