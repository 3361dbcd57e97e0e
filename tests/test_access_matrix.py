"""Every URL pattern of the project, and what each persona gets from it.

A new view without a row fails `test_every_url_pattern_has_an_expected_answer`, so no view can
skip deciding who may see it. Rows name the object a URL points at. Each domain app keeps its rows
in `tests/<app>/access.py`: a `ROWS` dict and a `build(world)` that adds the objects its URLs need
to `world.extra`.
"""

import importlib
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from innokop.accounts.models import ApiToken, Membership, OrganisationKind, Role
from innokop.accounts.services import invitation_create
from innokop.core.documents import document_create
from innokop.core.models import Notification, OutboxMessage

from .access import (
    API_AUTH,
    LOGIN_REQUIRED,
    OPEN,
    OWNER_ONLY,
    OWNER_READS_ADMIN_WRITES,
    STAFF_ONLY,
    Row,
    static,
)
from .factories import OrganisationFactory, member

PERSONAS = ("anonymous", "supplier", "agency", "cpb", "staff")


@dataclass
class World:
    users: dict
    agency_admin: object
    document: object
    notification: object
    outbox_message: object
    token: object
    invitation: object
    invitation_raw: str
    membership: object
    extra: dict


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY)
    supplier_org = OrganisationFactory(kind=OrganisationKind.SUPPLIER)
    cpb = OrganisationFactory(kind=OrganisationKind.CPB)
    agency_admin = member(agency, Role.PROCURER, Role.ORGANISATION_ADMIN)
    users = {
        "supplier": member(supplier_org, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN),
        # The agency user is a procurer without admin rights: the owner who may read but not administer.
        "agency": member(agency, Role.PROCURER),
        "cpb": member(cpb, Role.FRAMEWORK_MANAGER, Role.ORGANISATION_ADMIN),
        "staff": member(cpb, Role.FRAMEWORK_MANAGER, is_staff=True),
    }
    document = document_create(actor=agency_admin, owner=agency, title="PM",
                               uploaded=SimpleUploadedFile("pm.txt", b"hemligt"))
    notification = Notification.objects.create(recipient=users["agency"], kind="x", subject="s", body="b",
                                               url="/dashboard/")
    token = ApiToken.objects.create(user=users["agency"], name="t", prefix="ik_x", token_hash="0" * 64)
    invitation, raw = invitation_create(actor=agency_admin, organisation=agency, email="ny@x.se", role=Role.PROCURER)
    membership = Membership.objects.get(user=agency_admin, role=Role.PROCURER)
    world = World(users, agency_admin, document, notification, OutboxMessage.objects.create(
        from_email="a", to="b", subject="c", body="d"), token, invitation, raw, membership, {})
    world.extra.update(agency=agency, supplier_org=supplier_org, cpb=cpb)
    for module in APP_ROW_MODULES:
        module.build(world)
    return world


MATRIX: dict[str, Row] = {
    "core:start": Row(static("core:start"), OPEN),
    "core:healthz": Row(static("core:healthz"), OPEN),
    "core:accessibility": Row(static("core:accessibility"), OPEN),
    "core:dashboard": Row(static("core:dashboard"), LOGIN_REQUIRED),
    "core:inbox": Row(static("core:inbox"), LOGIN_REQUIRED),
    "core:inbox_mark_read": Row(static("core:inbox_mark_read"), {"anonymous": 302, "*": 302}, "post"),
    "core:notification_open": Row(lambda w: reverse("core:notification_open", args=[w.notification.pk]),
                                  {"anonymous": 302, "supplier": 404, "agency": 302, "cpb": 404, "staff": 404}),
    "core:outbox": Row(static("core:outbox"), STAFF_ONLY),
    "core:outbox_message": Row(lambda w: reverse("core:outbox_message", args=[w.outbox_message.pk]), STAFF_ONLY),
    "core:document_list": Row(static("core:document_list"), LOGIN_REQUIRED),
    "core:document_detail": Row(lambda w: reverse("core:document_detail", args=[w.document.pk]), OWNER_ONLY),
    "core:document_download": Row(lambda w: reverse("core:document_download", args=[w.document.pk, 1]),
                                  {"anonymous": 404, "supplier": 404, "agency": 200, "cpb": 404, "staff": 404}),
    "core:audit_trail": Row(static("core:audit_trail"),
                            {"anonymous": 302, "supplier": 200, "agency": 403, "cpb": 200, "staff": 200}),
    "accounts:login": Row(static("accounts:login"), {"anonymous": 200, "*": 302}),
    "accounts:logout": Row(static("accounts:logout"), {"anonymous": 302, "*": 302}, "post"),
    "accounts:password_reset": Row(static("accounts:password_reset"), OPEN),
    "accounts:password_reset_done": Row(static("accounts:password_reset_done"), OPEN),
    "accounts:password_reset_confirm": Row(static("accounts:password_reset_confirm", "MQ", "bad-token"), OPEN),
    "accounts:password_reset_complete": Row(static("accounts:password_reset_complete"), OPEN),
    "accounts:profile": Row(static("accounts:profile"), LOGIN_REQUIRED),
    "accounts:password_change": Row(static("accounts:password_change"), LOGIN_REQUIRED),
    "accounts:api_tokens": Row(static("accounts:api_tokens"), LOGIN_REQUIRED),
    "accounts:api_token_revoke": Row(lambda w: reverse("accounts:api_token_revoke", args=[w.token.pk]),
                                     {"anonymous": 302, "supplier": 404, "agency": 302, "cpb": 404, "staff": 404},
                                     "post"),
    "accounts:two_factor_setup": Row(static("accounts:two_factor_setup"), LOGIN_REQUIRED),
    "accounts:two_factor_verify": Row(static("accounts:two_factor_verify"), LOGIN_REQUIRED),
    "accounts:register_supplier": Row(static("accounts:register_supplier"), OPEN),
    "accounts:invitation_accept": Row(lambda w: reverse("accounts:invitation_accept", args=[w.invitation_raw]), OPEN),
    "accounts:invitation_revoke": Row(lambda w: reverse("accounts:invitation_revoke", args=[w.invitation.pk]),
                                      OWNER_READS_ADMIN_WRITES, "post"),
    "accounts:organisation": Row(static("accounts:organisation"), {"anonymous": 302, "*": 302}),
    "accounts:organisation_detail": Row(
        lambda w: reverse("accounts:organisation_detail", args=[w.membership.organisation_id]), OWNER_ONLY),
    "accounts:membership_remove": Row(lambda w: reverse("accounts:membership_remove", args=[w.membership.pk]),
                                      OWNER_READS_ADMIN_WRITES, "post"),
    "set_language": Row(static("set_language"), {"anonymous": 302, "*": 302}, "post"),
    "api:openapi-json": Row(static("api:openapi-json"), OPEN),
    "api:openapi-view": Row(static("api:openapi-view"), OPEN),
    "api:api-root": Row(static("api:api-root"), {"anonymous": 404, "*": 404}),
    "api:me": Row(static("api:me"), API_AUTH),
    "api:notifications": Row(static("api:notifications"), API_AUTH),
    "api:notifications_read": Row(static("api:notifications_read"), API_AUTH, "post", json=True),
}


APP_ROW_MODULES = [importlib.import_module(f"tests.{name}") for name in (
    "agreements.access", "catalogue.access", "calloffs.access", "calloffs.access_tenders", "calloffs.access_award",
    "calloffs.access_dialogue")]
for _module in APP_ROW_MODULES:
    MATRIX.update(_module.ROWS)


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>"), pattern


ALL_PATTERNS = dict(walk(get_resolver().url_patterns))
ADMIN_PATTERNS = sorted(name for name in ALL_PATTERNS if name.startswith("admin:"))


def test_every_url_pattern_has_an_expected_answer():
    missing = sorted(set(ALL_PATTERNS) - set(MATRIX) - set(ADMIN_PATTERNS))
    assert not missing, f"URL patterns with no row in the access matrix: {missing}"
    stale = sorted(set(MATRIX) - set(ALL_PATTERNS))
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"


def _expected(row: Row, persona: str) -> int:
    return row.expect.get(persona, row.expect.get("*"))


def _client_for(client, world: World, persona: str):
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, world, name, persona):
    row = MATRIX[name]
    body = {"data": "{}", "content_type": "application/json"} if row.json else {}
    response = getattr(_client_for(client, world, persona), row.method)(row.url(world), **body)
    assert response.status_code == _expected(row, persona), f"{row.method.upper()} {row.url(world)} as {persona}"


def _admin_url(name: str) -> str:
    if "<unnamed" in name:
        return "/admin/no-such-page/"  # the admin's catch-all view
    pattern = ALL_PATTERNS[name].pattern
    kwargs = {key: (uuid.uuid4() if "UUID" in type(conv).__name__ else 1 if "Int" in type(conv).__name__ else "1")
              for key, conv in pattern.converters.items()}
    if pattern.regex.groupindex and not kwargs:
        kwargs = {key: "accounts" if key == "app_label" else "1" for key in pattern.regex.groupindex}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_site_is_for_staff_only(client, world, persona):
    client = _client_for(client, world, persona)
    for name in ADMIN_PATTERNS:
        if name in {"admin:login", "admin:logout", "admin:javascript-catalog", "admin:view_on_site"}:
            continue
        response = client.get(_admin_url(name))
        if persona == "staff":
            # Staff without model permissions are refused model pages, never shown data they may not see.
            assert response.status_code in {200, 302, 403, 404}, name
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], name
