"""Every URL pattern of the project, and what each persona gets from it.

A new view without a row fails `test_every_url_pattern_has_an_expected_answer`, so no view can
skip deciding who may see it. Rows name the object a URL points at. Each domain app keeps its rows
in `tests/<app>/access.py`: a `ROWS` dict and a `build(world)` that adds the objects its URLs need
to `world.extra`. The personas are described in tests/access.py.

The expectations follow DESIGN.md §5 and the docstrings of src/innokop/*/permissions.py, not what
the code happens to answer: an object a persona may not see answers 404, one they may see but not
change answers 403.

The matrix runs on a fixed clock (`MOMENT`): every date the builders set is relative to `world.now`,
so no answer depends on the day the suite runs. The world is built once for the module, and every
test runs in a savepoint of it, so the matrix stays quick with seven personas.
"""

import importlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from innokop.accounts.models import ApiToken, Membership, OrganisationKind, Role
from innokop.accounts.services import invitation_create
from innokop.core import clock as core_clock
from innokop.core.documents import document_create
from innokop.core.models import Notification, OutboxMessage

from .access import (
    ADMIN_WRITES,
    AGENCY_READS,
    API_AUTH,
    LOGIN_REQUIRED,
    OPEN,
    PERSONAS,
    STAFF_ONLY,
    Row,
    static,
)
from .factories import OrganisationFactory, UserFactory, member

# Monday 15 March 2027, 10:00 in Stockholm: the agreements of the matrix are in force.
MOMENT = datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def fixed_clock(clock):
    """The application's clock stands still at `MOMENT` while every request runs (the world is built at it too)."""
    clock.set(MOMENT)
    return clock


@dataclass
class World:
    now: datetime
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


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module at `MOMENT`, in a transaction rolled back when the module ends.

    Each test asks for `db` and so runs in a savepoint of that transaction: what one request changes,
    the next does not see (Django's `setUpTestData`, for a pytest module). Work deferred to commit
    never runs, as no commit comes.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as Django's TestCase marks its own: a durable block may open inside
        outer.__enter__()
        try:
            with core_clock.travel_to(MOMENT):
                built = _build_world()
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _build_world() -> World:
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY)
    supplier_org = OrganisationFactory(kind=OrganisationKind.SUPPLIER)
    other_lot_supplier_org = OrganisationFactory(kind=OrganisationKind.SUPPLIER)
    cpb = OrganisationFactory(kind=OrganisationKind.CPB)
    agency_admin = member(agency, Role.PROCURER, Role.ORGANISATION_ADMIN)
    users = {
        "supplier": member(supplier_org, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN),
        "other_lot_supplier": member(other_lot_supplier_org, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN),
        # The agency user is a procurer without admin rights: the owner who may read but not administer.
        "agency": member(agency, Role.PROCURER),
        # The same role in the same agency, on no call-off's team: the builders add only the two above to teams.
        "colleague": member(agency, Role.PROCURER),
        "cpb": member(cpb, Role.FRAMEWORK_MANAGER, Role.ORGANISATION_ADMIN),
        "staff": UserFactory(is_staff=True),  # platform staff: no organisation
    }
    document = document_create(actor=agency_admin, owner=agency, title="PM",
                               uploaded=SimpleUploadedFile("pm.txt", b"hemligt"))
    notification = Notification.objects.create(recipient=users["agency"], kind="x", subject="s", body="b",
                                               url="/dashboard/")
    token = ApiToken.objects.create(user=users["agency"], name="t", prefix="ik_x", token_hash="0" * 64)
    invitation, raw = invitation_create(actor=agency_admin, organisation=agency, email="ny@x.se", role=Role.PROCURER)
    membership = Membership.objects.get(user=agency_admin, role=Role.PROCURER)
    world = World(core_clock.now(), users, agency_admin, document, notification, OutboxMessage.objects.create(
        from_email="a", to="b", subject="c", body="d"), token, invitation, raw, membership, {})
    world.extra.update(agency=agency, supplier_org=supplier_org, other_lot_supplier_org=other_lot_supplier_org, cpb=cpb)
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
                                  {"anonymous": 302, "agency": 302, "*": 404}),
    "core:outbox": Row(static("core:outbox"), STAFF_ONLY),
    "core:outbox_message": Row(lambda w: reverse("core:outbox_message", args=[w.outbox_message.pk]), STAFF_ONLY),
    # An organisation's documents: staff, who belong to none, have none to list or upload.
    "core:document_list": Row(static("core:document_list"), LOGIN_REQUIRED | {"staff": 403}),
    "core:document_detail": Row(lambda w: reverse("core:document_detail", args=[w.document.pk]), AGENCY_READS),
    "core:document_download": Row(lambda w: reverse("core:document_download", args=[w.document.pk, 1]),
                                  AGENCY_READS | {"anonymous": 404}),
    # Organisation admins read their organisation's trail, staff the whole (non-sealed) trail, members nothing.
    "core:audit_trail": Row(static("core:audit_trail"),
                            {"anonymous": 302, "agency": 403, "colleague": 403, "*": 200}),
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
                                     {"anonymous": 302, "agency": 302, "*": 404}, "post"),
    "accounts:two_factor_setup": Row(static("accounts:two_factor_setup"), LOGIN_REQUIRED),
    "accounts:two_factor_verify": Row(static("accounts:two_factor_verify"), LOGIN_REQUIRED),
    "accounts:register_supplier": Row(static("accounts:register_supplier"), OPEN),
    "accounts:register_sent": Row(static("accounts:register_sent"), OPEN),
    # A link that was never sent answers 404 to everyone; tests/accounts/test_registration.py follows a real one.
    "accounts:register_finish": Row(static("accounts:register_finish", "no-such-link"), {"anonymous": 404, "*": 404}),
    "accounts:invitation_accept": Row(lambda w: reverse("accounts:invitation_accept", args=[w.invitation_raw]), OPEN),
    "accounts:invitation_revoke": Row(lambda w: reverse("accounts:invitation_revoke", args=[w.invitation.pk]),
                                      ADMIN_WRITES, "post"),
    # Members go to their one organisation; staff, who have none, get the (empty) list.
    "accounts:organisation": Row(static("accounts:organisation"), {"anonymous": 302, "*": 302, "staff": 200}),
    "accounts:organisation_detail": Row(
        lambda w: reverse("accounts:organisation_detail", args=[w.membership.organisation_id]), AGENCY_READS),
    "accounts:membership_remove": Row(lambda w: reverse("accounts:membership_remove", args=[w.membership.pk]),
                                      ADMIN_WRITES, "post"),
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
    "calloffs.access_dialogue", "calloffs.access_procedure", "calloffs.access_evaluation", "prestudy.access",
    "followup.access", "opendata.access",
    "network.access", "webhooks.access")]
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


def test_each_test_runs_in_a_savepoint_of_the_world(db, world):
    assert len(connection.atomic_blocks) >= 2  # the module's transaction, and this test's own inside it


def test_every_expectation_names_known_personas():
    unknown = {name: sorted(set(row.expect) - set(PERSONAS) - {"*"}) for name, row in MATRIX.items()}
    assert not {name: personas for name, personas in unknown.items() if personas}
    undecided = {name for name, row in MATRIX.items() if "*" not in row.expect and set(PERSONAS) - set(row.expect)}
    assert not undecided, f"rows that leave a persona without an expected answer: {sorted(undecided)}"
    stale = sorted(key for key in AWAITING_SRC_FIX if key[0] not in MATRIX or key[1] not in PERSONAS)
    assert not stale, f"AWAITING_SRC_FIX names rows that do not exist: {stale}"


# Rows where the code does not yet answer what the rule says, while the fix in src/ is under way:
# (URL name, persona) → what the code answers and what the rule says. Strict: once the code is fixed,
# the row passes, the xfail fails, and the entry goes.
AWAITING_SRC_FIX: dict[tuple[str, str], str] = {}


def _cases():
    for name in sorted(MATRIX):
        for persona in PERSONAS:
            reason = AWAITING_SRC_FIX.get((name, persona))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(name, persona, id=f"{name}-{persona}", marks=marks)


def _expected(row: Row, persona: str) -> int:
    return row.expect.get(persona, row.expect.get("*"))


def _client_for(client, world: World, persona: str):
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


@pytest.mark.parametrize(("name", "persona"), list(_cases()))
def test_access(db, client, world, name, persona):
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
def test_the_admin_site_is_for_staff_only(db, client, world, persona):
    client = _client_for(client, world, persona)
    for name in ADMIN_PATTERNS:
        if name in {"admin:login", "admin:logout", "admin:javascript-catalog", "admin:view_on_site"}:
            continue
        response = client.get(_admin_url(name))
        if persona == "staff" and name == "admin:index":
            assert response.status_code == 200
        elif persona == "staff":
            # Staff without model permissions are refused model pages, never shown data they may not see.
            assert response.status_code in {200, 302, 403, 404}, name
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], name
