import hashlib

import pytest
from django.urls import reverse

from innokop.accounts.models import ApiToken
from innokop.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _create_token(client, organisation, scope="read_write") -> str:
    page = client.post(reverse("accounts:api_tokens"), {"name": "Vårt e-upphandlingssystem",
                                                        "organisation": organisation.pk, "scope": scope}).content.decode()
    start = page.index('id="new-token">') + len('id="new-token">')
    return page[start:page.index("<", start)].strip()


def test_a_token_is_shown_once_stored_hashed_and_works_for_the_api(client, login, supplier, supplier_org):
    raw = _create_token(login(supplier), supplier_org)
    token = ApiToken.objects.get(user=supplier)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in login(supplier).get(reverse("accounts:api_tokens")).content.decode()
    client.logout()
    me = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200
    assert me.json()["email"] == supplier.email
    assert me.json()["memberships"][0]["organisation"]["name"] == "Leverantör Ett AB"
    # A token needs no CSRF token and creates no session.
    marked = client.post("/api/notifications/read", {}, content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert marked.status_code == 200
    assert "sessionid" not in client.cookies
    assert AuditEvent.objects.filter(verb="api_token.created").exists()


def test_a_revoked_or_wrong_token_is_refused(client, login, supplier, supplier_b, supplier_org):
    raw = _create_token(login(supplier), supplier_org)
    token = ApiToken.objects.get(user=supplier)
    assert login(supplier_b).post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 404
    login(supplier).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    client.logout()
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer ik_nonsense").status_code == 401
    assert client.get("/api/me").status_code == 401
    assert AuditEvent.objects.filter(verb="api_token.revoked").exists()
