"""The webhook pages: an organisation's admins register, see the secret once, rotate, ping, deactivate, resend."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import Role
from innokop.core.models import AuditEvent
from innokop.webhooks import services, signing
from innokop.webhooks.addresses import AddressRefused
from innokop.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint

from ..factories import member

pytestmark = pytest.mark.django_db


def _register_page(login, supplier, supplier_org, url, events=("calloff.published",)):
    return login(supplier).post(reverse("webhooks:endpoints", args=[supplier_org.pk]),
                                {"url": url, "events": list(events)})


def test_an_admin_registers_a_webhook_and_sees_its_secret_once(login, supplier, supplier_org, receiver):
    response = _register_page(login, supplier, supplier_org, receiver.url)
    endpoint = Endpoint.objects.get()
    assert response.status_code == 200
    assert endpoint.signing_secret().startswith("whsec_") and endpoint.signing_secret() in response.content.decode()
    assert endpoint.events == ["calloff.published"] and endpoint.created_by == supplier
    event = AuditEvent.objects.get(verb="webhook.registered")
    assert event.organisation == supplier_org and endpoint.signing_secret() not in str(event.payload)
    for page in (reverse("webhooks:endpoint", args=[endpoint.pk]), reverse("webhooks:endpoints", args=[supplier_org.pk])):
        assert endpoint.signing_secret() not in login(supplier).get(page).content.decode()


def test_an_address_that_is_not_https_is_refused_on_the_page(login, supplier, supplier_org):
    response = _register_page(login, supplier, supplier_org, "http://example.org/hook")
    assert response.status_code == 200 and not Endpoint.objects.exists()
    assert "https://" in response.content.decode()


@pytest.mark.parametrize("url", ["http://example.org/hook", "ftp://example.org/hook", "https://10.1.2.3/hook",
                                 "https://192.168.0.5/hook", "https://169.254.169.254/latest", "https://[::1]/hook",
                                 "https://127.0.0.1/hook", "http://127.0.0.1:8000/hook", "https://localhost/hook",
                                 "https://user:pw@example.org/hook"])
def test_addresses_that_are_not_public_https_are_refused(supplier, supplier_org, url):
    with override_settings(INNOKOP_WEBHOOKS_ALLOW_LOOPBACK=False), pytest.raises(AddressRefused):
        services.endpoint_register(actor=supplier, organisation=supplier_org, url=url, events=["calloff.published"])
    assert not Endpoint.objects.exists()


def test_a_name_that_resolves_to_a_private_address_is_not_delivered_to(supplier, supplier_org, monkeypatch):
    endpoint, _secret = services.endpoint_register(actor=supplier, organisation=supplier_org,
                                                   url="https://hooks.example.org/in", events=["calloff.published"])
    monkeypatch.setattr("socket.getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.7", 443))])
    with override_settings(INNOKOP_WEBHOOKS_ALLOW_LOOPBACK=False), translation.override("en"):
        delivery = services.endpoint_ping(actor=supplier, endpoint=endpoint)
        services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_status_code is None
    assert "private" in delivery.last_error


def test_the_ping_button_sends_a_signed_ping(login, supplier, supplier_org, register, receiver,
                                             django_capture_on_commit_callbacks):
    endpoint, secret = register(supplier, supplier_org)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(supplier).post(reverse("webhooks:endpoint_ping", args=[endpoint.pk]))
    assert response.status_code == 302
    [received] = receiver.received
    assert received.json["event"] == "ping" and received.json["data"]["organisation"]["id"] == supplier_org.pk
    assert signing.verify(secret, received.headers["x-innokop-timestamp"], received.body,
                          received.headers["x-innokop-signature"])
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED
    page = login(supplier).get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    assert "HTTP 200" in page
    assert AuditEvent.objects.filter(verb="webhook.ping_sent").exists()


def test_send_again_delivers_the_same_body_once_more(login, supplier, supplier_org, register, receiver,
                                                     django_capture_on_commit_callbacks):
    endpoint, _secret = register(supplier, supplier_org)
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_ping(actor=supplier, endpoint=endpoint)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        login(supplier).post(reverse("webhooks:delivery_resend", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert receiver.received[0].body == receiver.received[1].body
    assert AuditEvent.objects.filter(verb="webhook.delivery_resent").exists()


def test_rotating_shows_a_new_secret_and_signs_with_it(login, supplier, supplier_org, register):
    endpoint, old = register(supplier, supplier_org)
    response = login(supplier).post(reverse("webhooks:endpoint_rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.signing_secret() != old and endpoint.signing_secret() in response.content.decode()
    assert AuditEvent.objects.filter(verb="webhook.secret_rotated", object_id=str(endpoint.pk)).exists()


def test_deactivating_stops_the_webhook(login, supplier, supplier_org, register):
    endpoint, _secret = register(supplier, supplier_org)
    login(supplier).post(reverse("webhooks:endpoint_deactivate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.deactivated_at
    assert AuditEvent.objects.filter(verb="webhook.deactivated").exists()
    assert services.subscribers("calloff.published") == []


def test_only_the_organisations_admins_see_its_webhooks(client, login, supplier, supplier_org, register, supplier_b):
    endpoint, _secret = register(supplier, supplier_org)
    colleague = member(supplier_org, Role.SUPPLIER_REPRESENTATIVE)
    for user in (colleague, supplier_b):
        client = login(user)
        assert client.get(reverse("webhooks:endpoints", args=[supplier_org.pk])).status_code == 404
        assert client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).status_code == 404
        assert client.post(reverse("webhooks:endpoint_rotate", args=[endpoint.pk])).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.active


def test_the_organisation_page_links_its_admins_to_the_webhooks(login, supplier, supplier_org):
    url = reverse("webhooks:endpoints", args=[supplier_org.pk])
    assert url in login(supplier).get(reverse("accounts:organisation_detail", args=[supplier_org.pk])).content.decode()
    colleague = member(supplier_org, Role.SUPPLIER_REPRESENTATIVE)
    assert url not in login(colleague).get(
        reverse("accounts:organisation_detail", args=[supplier_org.pk])).content.decode()


def test_the_delivery_log_does_not_query_more_for_more_deliveries_or_attempts(login, supplier, supplier_org,
                                                                               register, clock):
    endpoint, _secret = register(supplier, supplier_org, url="http://127.0.0.1:9/hook")  # nothing listens: fails
    services.delivery_attempt(delivery_id=services.endpoint_ping(actor=supplier, endpoint=endpoint).pk)
    client = login(supplier)
    url = reverse("webhooks:endpoint", args=[endpoint.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        services.delivery_attempt(delivery_id=services.endpoint_ping(actor=supplier, endpoint=endpoint).pk)
    clock.set(clock.now() + services.BACKOFF[0])
    assert services.deliveries_send_due() == 6
    assert Attempt.objects.count() == 12
    with CaptureQueriesContext(connection) as six:
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count(" ms)</li>") == 12
    assert len(six) == len(one)


def test_send_again_keeps_the_earlier_attempts_in_the_log(login, supplier, supplier_org, register, receiver, clock,
                                                         django_capture_on_commit_callbacks):
    endpoint, _secret = register(supplier, supplier_org)
    receiver.answers = [500, 503]
    delivery = services.endpoint_ping(actor=supplier, endpoint=endpoint)
    services.delivery_attempt(delivery_id=delivery.pk)
    clock.set(clock.now() + services.BACKOFF[0])
    services.delivery_attempt(delivery_id=delivery.pk)
    clock.set(clock.now() + services.BACKOFF[1])
    with django_capture_on_commit_callbacks(execute=True):
        login(supplier).post(reverse("webhooks:delivery_resend", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)  # the new round's
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 200]
    page = login(supplier).get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    assert all(f"HTTP {code}" in page for code in (500, 503, 200))
    answer = login(supplier).get(reverse("api:webhook_deliveries", args=[endpoint.pk])).json()
    assert [a["status_code"] for a in answer[0]["attempt_log"]] == [500, 503, 200]


def test_buttons_answer_only_a_post(login, supplier, supplier_org, register):
    endpoint, _secret = register(supplier, supplier_org)
    client = login(supplier)
    for name in ("webhooks:endpoint_rotate", "webhooks:endpoint_deactivate", "webhooks:endpoint_ping"):
        assert client.get(reverse(name, args=[endpoint.pk])).status_code == 405
    assert client.post(reverse("webhooks:endpoint", args=[endpoint.pk])).status_code == 405


def test_the_page_warns_when_the_webhooks_creator_has_left(login, supplier, supplier_org, register):
    endpoint, _secret = register(supplier, supplier_org)
    other_admin = member(supplier_org, Role.ORGANISATION_ADMIN)
    url = reverse("webhooks:endpoint", args=[endpoint.pk])
    assert 'id="creator-left"' not in login(other_admin).get(url).content.decode()
    supplier.memberships.all().delete()
    assert 'id="creator-left"' in login(other_admin).get(url).content.decode()


def test_the_delivery_log_pages_back_to_the_first_delivery(login, supplier, supplier_org, register, clock,
                                                          monkeypatch):
    from datetime import timedelta

    from innokop.webhooks import views

    monkeypatch.setattr(views, "LOG_LENGTH", 2)
    endpoint, _secret = register(supplier, supplier_org)
    made = []
    for _ in range(5):
        clock.set(clock.now() + timedelta(minutes=1))
        made.append(services.endpoint_ping(actor=supplier, endpoint=endpoint).pk)
    client = login(supplier)
    url = reverse("webhooks:endpoint", args=[endpoint.pk])
    pages = [client.get(url, {"page": number}) for number in (1, 2, 3)]
    assert [[d.pk for d in page.context["deliveries"]] for page in pages] == [made[:2:-1], made[2:0:-1], made[:1]]
    first = pages[0].content.decode()
    assert 'class="govuk-pagination"' in first and 'href="?page=2#deliveries"' in first
