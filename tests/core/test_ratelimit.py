"""The rate-limit helper: fixed windows on the application's clock, one count per key."""

from datetime import timedelta

import pytest
from django.utils import translation

from innokop.core.ratelimit import RateLimited, check


@pytest.fixture(autouse=True)
def limits(settings):
    settings.INNOKOP_RATE_LIMITS = {"thing": (2, 60)}


def test_the_limit_allows_count_per_window_and_says_when_to_come_back(clock):
    clock.set(clock.now() + timedelta(seconds=15))
    check("thing", ["user:1"])
    check("thing", ["user:1"])
    with pytest.raises(RateLimited) as refused:
        check("thing", ["user:1"])
    assert refused.value.retry_after == 45
    with translation.override("en"):
        assert "1 minute" in str(refused.value.message)
    check("thing", ["user:2"])  # someone else is counted apart
    clock.set(clock.now() + timedelta(seconds=45))
    check("thing", ["user:1"])  # a new window


def test_every_key_counts(clock):
    check("thing", ["ip:192.0.2.1", "email:a@example.se"])
    check("thing", ["ip:192.0.2.2", "email:a@example.se"])
    with pytest.raises(RateLimited):
        check("thing", ["ip:192.0.2.3", "email:a@example.se"])
