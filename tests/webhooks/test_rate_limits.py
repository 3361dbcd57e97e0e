"""Test pings and "send again" are limited (INNOKOP_RATE_LIMITS["webhook_send"]) per person and per webhook: the
page answers 429 with a message saying how long to wait, the API its standard 429 with Retry-After."""

from datetime import timedelta

import pytest
from django.urls import reverse

from innokop.accounts.models import ApiTokenScope, Role
from innokop.accounts.services import api_token_create
from innokop.webhooks import services
from innokop.webhooks.models import Delivery

from ..factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings):
    settings.INNOKOP_RATE_LIMITS = {**settings.INNOKOP_RATE_LIMITS, "webhook_send": (3, 3600)}
    return 3


def test_the_page_says_how_long_to_wait_after_too_many_pings(login, supplier, supplier_org, register, limit, clock):
    endpoint, _secret = register(supplier, supplier_org, url="http://127.0.0.1:9/hook")
    client = login(supplier)
    url = reverse("webhooks:endpoint_ping", args=[endpoint.pk])
    for _ in range(limit):
        assert client.post(url).status_code == 302
    refused = client.post(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert 'id="rate-limited"' in page and endpoint.url in page  # the webhook's page, with the message on it
    assert Delivery.objects.count() == limit

    clock.set(clock.now() + timedelta(hours=1))
    assert client.post(url).status_code == 302
    assert Delivery.objects.count() == limit + 1


def test_another_admin_cannot_flood_the_same_receiver(login, supplier, supplier_org, register, limit):
    endpoint, _secret = register(supplier, supplier_org, url="http://127.0.0.1:9/hook")
    other_admin = member(supplier_org, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN)
    url = reverse("webhooks:endpoint_ping", args=[endpoint.pk])
    for _ in range(limit):
        login(supplier).post(url)
    assert login(other_admin).post(url).status_code == 429


def test_send_again_counts_too(login, supplier, supplier_org, register, limit):
    endpoint, _secret = register(supplier, supplier_org, url="http://127.0.0.1:9/hook")
    client = login(supplier)
    for _ in range(limit - 1):
        client.post(reverse("webhooks:endpoint_ping", args=[endpoint.pk]))
    delivery = Delivery.objects.first()
    services.delivery_attempt(delivery_id=delivery.pk)  # fails: nothing listens; so it may be sent again
    assert client.post(reverse("webhooks:delivery_resend", args=[delivery.pk])).status_code == 302
    assert client.post(reverse("webhooks:delivery_resend", args=[delivery.pk])).status_code == 429


def test_someone_who_may_not_see_the_webhook_gets_404_not_429(login, supplier, supplier_org, register, limit):
    endpoint, _secret = register(supplier, supplier_org, url="http://127.0.0.1:9/hook")
    colleague = member(supplier_org, Role.SUPPLIER_REPRESENTATIVE)
    for _ in range(limit + 1):
        assert login(colleague).post(reverse("webhooks:endpoint_ping", args=[endpoint.pk])).status_code == 404
    assert login(supplier).post(reverse("webhooks:endpoint_ping", args=[endpoint.pk])).status_code == 302


def test_the_api_answers_429_with_retry_after(client, supplier, supplier_org, register, limit, clock):
    endpoint, _secret = register(supplier, supplier_org, url="http://127.0.0.1:9/hook")
    _token, raw = api_token_create(actor=supplier, name="i", organisation=supplier_org,
                                   scope=ApiTokenScope.READ_WRITE)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    ping = f"/api/webhooks/{endpoint.pk}/ping"
    answers = [client.post(ping, **auth) for _ in range(limit)]
    assert [a.status_code for a in answers] == [202] * limit
    assert answers[0].json()["event"] == "ping" and answers[0].json()["status"] == "pending"
    refused = client.post(ping, **auth)
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0

    delivery = Delivery.objects.first()
    services.delivery_attempt(delivery_id=delivery.pk)
    resend = f"/api/webhooks/deliveries/{delivery.pk}/resend"
    assert client.post(resend, **auth).status_code == 429
    clock.set(clock.now() + timedelta(hours=1))
    answer = client.post(resend, **auth)
    assert answer.status_code == 202 and answer.json()["status"] == "pending"
    assert answer.json()["attempt_log"][0]["status_code"] is None  # the failed attempt is still listed
    assert client.post(resend, **auth).status_code == 409  # already waiting
