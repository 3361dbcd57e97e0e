"""Rate limits: at most so many of an action per window of time, per user or per address.

`settings.INNOKOP_RATE_LIMITS` gives each action its `(count, seconds)`: `("question", (10, 900))`
allows 10 questions per fixed 15-minute window. Logged-in users are counted by their account,
visitors by their address (`core/client_ip.py`); a view may add keys of its own (the e-mail address a
reset is asked for, so nobody floods one inbox from many addresses). Counts live in Django's cache
and windows follow `core.clock`, so tests set the time instead of sleeping. Two requests at the same
instant may both be let through on the last place of a window: a limit, not an exact count.

Views use `rate_limit(action)`; a request over the limit gets a page with status 429 and a
`Retry-After` header saying in how many seconds the window ends.
"""

import hashlib
import math
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from . import clock
from .client_ip import client_ip


class RateLimited(Exception):
    """The action was done too often; it may be done again in `retry_after` seconds."""

    def __init__(self, *, action: str, retry_after: int):
        super().__init__(f"{action}: retry after {retry_after} s")
        self.action = action
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        return ngettext(
            "You have done this many times in a short while. Wait %(minutes)s minute and try again.",
            "You have done this many times in a short while. Wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}


def requester_key(request: HttpRequest) -> str:
    """Who is counted: the account when logged in, else the address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


def check(action: str, keys: Iterable[str]) -> None:
    """Counts one use of `action` for each key; raises `RateLimited` when a key is over its limit."""
    count, seconds = settings.INNOKOP_RATE_LIMITS[action]
    now = clock.now().timestamp()
    window = int(now // seconds)
    remaining = (window + 1) * seconds - now
    for key in keys:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        name = f"innokop:rate:{action}:{window}:{digest}"
        used = cache.get(name, 0) + 1
        cache.set(name, used, timeout=math.ceil(remaining) + 1)
        if used > count:
            raise RateLimited(action=action, retry_after=max(1, math.ceil(remaining)))


def too_many_requests(request: HttpRequest, error: RateLimited) -> HttpResponse:
    response = render(request, "core/rate_limited.html", {"message": error.message}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def rate_limit(action: str, *, methods: tuple[str, ...] = ("POST",),
               keys: Callable[[HttpRequest], Iterable[str]] | None = None):
    """A view decorator: counts the `methods` requests (POST: the ones that do something)."""

    def decorator(view):
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                try:
                    check(action, [requester_key(request), *(keys(request) if keys else ())])
                except RateLimited as error:
                    return too_many_requests(request, error)
            return view(request, *args, **kwargs)

        return limited

    return decorator
