"""Password resets, registrations and API tokens are limited: 429 with Retry-After and a page that says why."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from innokop.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
REGISTER = reverse("accounts:register_supplier")


def _limit(settings, action):
    return settings.INNOKOP_RATE_LIMITS[action]


def _assert_limited(response, seconds):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= seconds
    assert "För många försök" in response.content.decode()  # the page says why, in Swedish by default


def test_password_resets_are_limited_per_address_and_come_back_after_the_window(client, supplier, clock, settings):
    count, seconds = _limit(settings, "password_reset")
    for number in range(count):
        assert client.post(RESET, {"email": f"person{number}@example.se"}, REMOTE_ADDR="198.51.100.7").status_code == 302
    flooded = client.post(RESET, {"email": supplier.email}, REMOTE_ADDR="198.51.100.7")
    _assert_limited(flooded, seconds)
    assert mail.outbox == []
    assert client.post(RESET, {"email": supplier.email}, REMOTE_ADDR="203.0.113.9").status_code == 302
    clock.set(clock.now() + timedelta(seconds=int(flooded["Retry-After"])))
    assert client.post(RESET, {"email": "x@example.se"}, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_one_inbox_cannot_be_flooded_with_resets_from_many_addresses(client, supplier, clock, settings):
    count, seconds = _limit(settings, "password_reset")
    for number in range(count):
        client.post(RESET, {"email": supplier.email}, REMOTE_ADDR=f"198.51.100.{number}")
    _assert_limited(client.post(RESET, {"email": supplier.email}, REMOTE_ADDR="203.0.113.9"), seconds)
    assert len(mail.outbox) == count


def test_registrations_are_limited(client, clock, settings, django_capture_on_commit_callbacks):
    count, seconds = _limit(settings, "registration")
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(count):
            assert client.post(REGISTER, {"email": f"ny{number}@example.se"}).status_code == 302
        _assert_limited(client.post(REGISTER, {"email": "ny@example.se"}), seconds)
    assert len(mail.outbox) == count
    assert client.get(REGISTER).status_code == 200  # reading the page is not counted


def test_api_tokens_are_limited_per_user(login, supplier, supplier_org, clock, settings):
    count, seconds = _limit(settings, "api_token")
    client = login(supplier)
    for number in range(count):
        assert client.post(reverse("accounts:api_tokens"), {"name": f"System {number}", "scope": "read",
                                                            "organisation": supplier_org.pk}).status_code == 200
    _assert_limited(client.post(reverse("accounts:api_tokens"), {"name": "En till"}), seconds)
    assert ApiToken.objects.filter(user=supplier).count() == count
