"""API tokens carry a scope and one organisation: a read token changes nothing, a token sees only its
organisation's objects, and a buyer's token that writes needs two-factor authentication when it is made and
each time it writes."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from innokop.accounts.models import ApiToken, ApiTokenScope, Membership, Role
from innokop.accounts.services import AccountError, api_token_create
from innokop.core.models import AuditEvent, Notification

from ..factories import api_token

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _mark_read(client, raw: str):
    return client.post("/api/notifications/read", {}, content_type="application/json", **bearer(raw))


def test_a_read_token_reads_but_every_change_answers_403_insufficient_scope(client, supplier):
    Notification.objects.create(recipient=supplier, kind="x", subject_source="s", body_source="b")
    raw = api_token(supplier, scope="read")
    assert client.get("/api/notifications", **bearer(raw)).status_code == 200
    for method in (client.post, client.put, client.patch, client.delete):
        refused = method("/api/notifications/read", {}, content_type="application/json", **bearer(raw))
        assert refused.status_code == 403
        assert refused.json() == {"detail": refused.json()["detail"], "code": "insufficient_scope", "problems": []}
    assert Notification.objects.get().read_at is None


def test_a_read_and_write_token_changes(client, supplier):
    Notification.objects.create(recipient=supplier, kind="x", subject_source="s", body_source="b")
    marked = _mark_read(client, api_token(supplier, scope="read_write"))
    assert marked.status_code == 200 and marked.json() == {"marked": 1}


@pytest.fixture
def in_two(supplier, agency):
    """Sara also belongs to an agency."""
    Membership.objects.create(user=supplier, organisation=agency, role=Role.PROCURER)
    return supplier


def test_a_token_acts_for_its_organisation_only(client, in_two, supplier_org, agency):
    for organisation in (supplier_org, agency):
        me = client.get("/api/me", **bearer(api_token(in_two, scope="read", organisation=organisation))).json()
        assert {m["organisation"]["name"] for m in me["memberships"]} == {organisation.name}


def test_a_token_can_only_be_made_for_ones_own_organisation(supplier, other_agency):
    with pytest.raises(AccountError):
        api_token_create(actor=supplier, name="t", organisation=other_agency, scope=ApiTokenScope.READ)
    assert not ApiToken.objects.exists()


def _create(client, organisation, scope):
    return client.post(reverse("accounts:api_tokens"), {"name": "Ärendesystem", "organisation": organisation.pk,
                                                        "scope": scope})


def test_a_buyer_without_two_factor_may_create_a_read_token_but_not_one_that_writes(login, agency_procurer, agency):
    client = login(agency_procurer)
    refused = _create(client, agency, "read_write")
    assert refused.status_code == 200
    assert "kräver tvåfaktorsautentisering" in refused.content.decode()
    assert not ApiToken.objects.exists()
    assert _create(client, agency, "read").status_code == 200
    assert ApiToken.objects.get().scope == "read"


def test_a_supplier_may_create_a_token_that_writes_without_two_factor(login, supplier, supplier_org):
    assert _create(login(supplier), supplier_org, "read_write").status_code == 200
    token = ApiToken.objects.get()
    assert (token.scope, token.organisation) == ("read_write", supplier_org)
    event = AuditEvent.objects.get(verb="api_token.created")
    assert event.payload["scope"] == "read_write" and event.organisation == supplier_org


def test_a_buyer_with_two_factor_creates_a_token_that_writes(agency_procurer, agency):
    TOTPDevice.objects.create(user=agency_procurer, name="app", confirmed=True)
    token, _raw = api_token_create(actor=agency_procurer, name="t", organisation=agency,
                                   scope=ApiTokenScope.READ_WRITE)
    assert token.scope == "read_write"


def test_a_buyers_token_that_writes_is_refused_once_two_factor_is_removed(client, agency_procurer):
    raw = api_token(agency_procurer)  # makes the confirmed device
    assert _mark_read(client, raw).status_code == 200
    TOTPDevice.objects.filter(user=agency_procurer).delete()
    refused = _mark_read(client, raw)
    assert refused.status_code == 403 and refused.json()["code"] == "two_factor_required"
    assert client.get("/api/me", **bearer(raw)).status_code == 200  # reading goes on


def test_a_supplier_writes_without_two_factor(client, supplier):
    assert not TOTPDevice.objects.filter(user=supplier).exists()
    assert _mark_read(client, api_token(supplier)).status_code == 200


def test_the_same_person_writes_as_a_supplier_but_not_as_a_buyer_without_two_factor(client, in_two, supplier_org,
                                                                                      agency):
    TOTPDevice.objects.create(user=in_two, name="app", confirmed=True)
    as_buyer = api_token(in_two, organisation=agency)
    as_supplier = api_token(in_two, organisation=supplier_org)
    TOTPDevice.objects.filter(user=in_two).delete()
    assert _mark_read(client, as_supplier).status_code == 200
    assert _mark_read(client, as_buyer).json()["code"] == "two_factor_required"


def test_the_tokens_page_shows_each_tokens_organisation_scope_creation_and_use(client, login, supplier, supplier_org):
    raw = api_token(supplier, scope="read")
    client.get("/api/me", **bearer(raw))
    page = login(supplier).get(reverse("accounts:api_tokens"))
    assert page.status_code == 200
    text = page.content.decode()
    row = text[text.index(ApiToken.objects.get().prefix):]
    row = row[:row.index("</tr>")]
    with translation.override("sv"):
        read_only = str(ApiTokenScope.READ.label)
    assert supplier_org.name in row and read_only in row and "Aldrig" not in row  # used: not "Never"
    assert 'name="scope"' in text and 'name="organisation"' in text


def test_revoking_is_audited_with_the_tokens_organisation(login, supplier, supplier_org):
    api_token(supplier, scope="read")
    token = ApiToken.objects.get()
    login(supplier).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    event = AuditEvent.objects.get(verb="api_token.revoked")
    assert event.organisation == supplier_org and event.payload["scope"] == "read"


def test_existing_tokens_are_limited_to_their_users_first_organisation_or_revoked(client, in_two, supplier_org,
                                                                                 staff_user):
    migration = importlib.import_module("innokop.accounts.migrations.0004_api_token_scope_organisation")
    kept = ApiToken.objects.create(user=in_two, name="old", prefix="ik_old", token_hash="1" * 64)
    orphan = ApiToken.objects.create(user=staff_user, name="old", prefix="ik_old", token_hash="2" * 64)
    migration.limit_existing_tokens(apps, None)
    kept.refresh_from_db()
    orphan.refresh_from_db()
    assert (kept.scope, kept.organisation, kept.revoked_at) == ("read_write", supplier_org, None)
    assert orphan.organisation is None and orphan.revoked_at is not None and orphan.scope == "read"


def test_a_token_without_an_organisation_is_never_accepted(client, supplier):
    import hashlib

    raw = "ik_" + "x" * 40
    ApiToken.objects.create(user=supplier, name="old", prefix=raw[:10],
                            token_hash=hashlib.sha256(raw.encode()).hexdigest())
    assert client.get("/api/me", **bearer(raw)).status_code == 401
