"""The application's clock, and travelling with it (used by the demo to play call-offs through deadlines)."""

from datetime import datetime, timedelta, timezone

import pytest

from innokop.core import clock


def test_the_clock_is_the_real_time_by_default():
    assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_travelling_moves_the_clock_for_the_block_only():
    moment = datetime(2027, 3, 16, 11, tzinfo=timezone.utc)
    with clock.travel_to(moment):
        assert clock.now() == moment
        inner = moment + timedelta(days=10)
        with clock.travel_to(inner):
            assert clock.now() == inner
        assert clock.now() == moment
    assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_travelling_ends_even_when_the_block_fails():
    with pytest.raises(RuntimeError), clock.travel_to(datetime(2020, 1, 1, tzinfo=timezone.utc)):
        raise RuntimeError
    assert clock.now().year > 2020


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError), clock.travel_to(datetime(2027, 1, 1)):
        pass


def test_the_travelled_clock_reads_in_utc_like_the_real_one():
    from zoneinfo import ZoneInfo

    with clock.travel_to(datetime(2027, 3, 16, 9, tzinfo=ZoneInfo("Europe/Stockholm"))):
        assert clock.now().utcoffset() == timedelta(0) and clock.now().hour == 8
