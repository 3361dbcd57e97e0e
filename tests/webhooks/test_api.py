"""The webhooks API: an organisation's admins list and register webhooks and read deliveries; nobody else."""

from datetime import timedelta

import pytest

from innokop.accounts.models import ApiTokenScope, Role
from innokop.accounts.services import api_token_create
from innokop.core.models import AuditEvent
from innokop.webhooks import services
from innokop.webhooks.models import Endpoint

from ..factories import member

pytestmark = pytest.mark.django_db


def _bearer(user, organisation, scope=ApiTokenScope.READ_WRITE) -> dict:
    _token, raw = api_token_create(actor=user, name="i", organisation=organisation, scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_an_admin_registers_a_webhook_and_gets_its_secret_once(client, supplier, supplier_org, receiver):
    answer = client.post("/api/webhooks", {"url": receiver.url, "events": ["calloff.published"]},
                         content_type="application/json", **_bearer(supplier, supplier_org))
    assert answer.status_code == 201, answer.json()
    endpoint = Endpoint.objects.get()
    assert answer.json()["secret"] == endpoint.signing_secret() and answer.json()["organisation_id"] == supplier_org.pk
    assert AuditEvent.objects.filter(verb="webhook.registered").exists()
    listed = client.get("/api/webhooks", **_bearer(supplier, supplier_org)).json()
    assert [e["id"] for e in listed] == [endpoint.pk] and "secret" not in listed[0]


def test_a_refused_address_or_event_answers_400(client, supplier, supplier_org):
    headers = _bearer(supplier, supplier_org)
    answer = client.post("/api/webhooks", {"url": "http://example.org/in", "events": ["calloff.published"]},
                         content_type="application/json", **headers)
    assert answer.status_code == 400 and answer.json()["code"] == "webhook_url"
    answer = client.post("/api/webhooks", {"url": "https://example.org/in", "events": ["tender.submitted"]},
                         content_type="application/json", **headers)
    assert answer.status_code == 400 and answer.json()["code"] == "webhook_events"
    assert not Endpoint.objects.exists()


def test_a_member_who_is_not_admin_may_not_register(client, supplier_org):
    representative = member(supplier_org, Role.SUPPLIER_REPRESENTATIVE)
    answer = client.post("/api/webhooks", {"url": "https://example.org/in", "events": ["calloff.published"]},
                         content_type="application/json", **_bearer(representative, supplier_org))
    assert answer.status_code == 403
    answer = client.post("/api/webhooks", {"url": "https://example.org/in", "events": ["calloff.published"],
                                           "organisation_id": supplier_org.pk},
                         content_type="application/json", **_bearer(representative, supplier_org))
    assert answer.status_code == 404
    assert not Endpoint.objects.exists()


def test_a_read_token_may_not_register(client, supplier, supplier_org):
    answer = client.post("/api/webhooks", {"url": "https://example.org/in", "events": ["calloff.published"]},
                         content_type="application/json", **_bearer(supplier, supplier_org, ApiTokenScope.READ))
    assert answer.status_code == 403 and not Endpoint.objects.exists()


def test_the_delivery_log_is_the_organisations_own(client, supplier, supplier_org, supplier_b, supplier_org_b,
                                                   register, django_capture_on_commit_callbacks):
    endpoint, _secret = register(supplier, supplier_org)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_ping(actor=supplier, endpoint=endpoint)
    log = client.get(f"/api/webhooks/{endpoint.pk}/deliveries", **_bearer(supplier, supplier_org)).json()
    assert [(d["id"], d["event"], d["status"], d["last_status_code"]) for d in log] == [
        (str(delivery.pk), "ping", "delivered", 200)]
    other = client.get(f"/api/webhooks/{endpoint.pk}/deliveries", **_bearer(supplier_b, supplier_org_b))
    assert other.status_code == 404
    assert client.get("/api/webhooks", **_bearer(supplier_b, supplier_org_b)).json() == []


def _walk(client, url: str, headers: dict) -> list[dict]:
    """Every item of a paged list, following its `Link: rel="next"` headers."""
    seen = []
    while url:
        answer = client.get(url, **headers)
        assert answer.status_code == 200, answer.json()
        seen += answer.json()
        link = answer.headers.get("Link")
        url = link[1:link.index(">")] if link else None
    return seen


def test_the_webhooks_and_their_deliveries_page_with_a_cursor_newest_first(client, supplier, supplier_org, register,
                                                                           clock):
    first, _secret = register(supplier, supplier_org)
    clock.set(clock.now() + timedelta(minutes=1))
    second, _secret = register(supplier, supplier_org)
    pinged = []
    for _ in range(5):
        clock.set(clock.now() + timedelta(minutes=1))
        pinged.append(str(services.endpoint_ping(actor=supplier, endpoint=second).pk))
    headers = _bearer(supplier, supplier_org)
    assert [e["id"] for e in _walk(client, "/api/webhooks?limit=1", headers)] == [second.pk, first.pk]
    page = client.get(f"/api/webhooks/{second.pk}/deliveries?limit=2", **headers)
    assert len(page.json()) == 2 and page.headers["X-Next-Cursor"] in page.headers["Link"]
    walked = _walk(client, f"/api/webhooks/{second.pk}/deliveries?limit=2", headers)
    assert [d["id"] for d in walked] == pinged[::-1]  # every delivery once, the newest first
    assert client.get(f"/api/webhooks/{second.pk}/deliveries?cursor=eyJhIjoxfQ", **headers).status_code == 422
