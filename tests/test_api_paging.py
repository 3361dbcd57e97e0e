"""Every paged API list on the demo data: walking it a page at a time gives the same items in the same order as
one big page, and a page's queries do not grow with its size."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from innokop.accounts.models import Membership, Role
from innokop.calloffs.models import Clarification
from innokop.core.demo import load_demo
from innokop.webhooks.models import Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module in a transaction rolled back at its end (as tests/test_access_matrix.py
    builds its world); each test runs in a savepoint of it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True
        outer.__enter__()
        try:
            yield load_demo()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _member(organisation, *roles: str):
    memberships = Membership.objects.filter(organisation=organisation).order_by("pk")
    return (memberships.filter(role__in=roles) if roles else memberships).first().user


def _cases(demo) -> list[tuple[str, object]]:
    open_calloff = demo.objects["calloff:open"]
    offered = demo.objects["calloff:offered"]
    clarified = Clarification.objects.order_by("pk").first().calloff
    agency = _member(open_calloff.agency)
    supplier = _member(open_calloff.invitations.order_by("pk").first().supplier)
    cpb = _member(open_calloff.lot.agreement.owner, Role.FRAMEWORK_MANAGER)
    offered_supplier = _member(offered.offers.order_by("rank").first().supplier)
    webhook = Endpoint.objects.order_by("pk").first()
    webhook_admin = _member(webhook.organisation, Role.ORGANISATION_ADMIN)
    return [
        ("/api/calloffs", agency), ("/api/calloffs", supplier),
        (f"/api/calloffs/{clarified.pk}/clarifications", _member(clarified.agency)),
        (f"/api/calloffs/{open_calloff.pk}/meetings", agency), (f"/api/calloffs/{open_calloff.pk}/meetings", supplier),
        (f"/api/calloffs/{offered.pk}/offers", _member(offered.agency)),
        (f"/api/calloffs/{offered.pk}/offers", offered_supplier),
        ("/api/agreements", None), ("/api/agreements", cpb),
        (f"/api/lots/{open_calloff.lot_id}/suppliers", None),
        ("/api/needs", None), ("/api/needs", cpb), ("/api/prestudies", cpb), ("/api/market-dialogues", None),
        ("/api/contracts", cpb), ("/api/contracts", agency), ("/api/follow-up/rounds", cpb),
        ("/api/follow-up/rounds", supplier), ("/api/follow-up/plans", cpb), ("/api/network/items", None),
        ("/api/webhooks", webhook_admin), (f"/api/webhooks/{webhook.pk}/deliveries", webhook_admin),
    ]


def _client(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _walk(client, path: str, limit: int) -> list:
    seen, url = [], f"{path}?limit={limit}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        page = response.json()
        assert isinstance(page, list) and len(page) <= limit
        seen += page
        link = response.headers.get("Link")
        url = link[1:link.index(">")] if link else None
        if url:
            assert response.headers["X-Next-Cursor"] in url and len(page) == limit
    return seen


def test_every_paged_list_walks_to_the_same_items_in_the_same_order(client, demo):
    walked = []
    for path, user in _cases(demo):
        client = _client(client, user)
        everything = client.get(f"{path}?limit=500").json()
        assert "Link" not in client.get(f"{path}?limit=500").headers
        assert _walk(client, path, 2) == everything, path
        if len(everything) >= 3:
            walked.append(path)
    webhook = Endpoint.objects.order_by("pk").first()
    assert {"/api/calloffs", "/api/agreements", "/api/needs", "/api/contracts", "/api/follow-up/rounds",
            f"/api/lots/{demo.objects['calloff:open'].lot_id}/suppliers", f"/api/webhooks/{webhook.pk}/deliveries",
            } <= set(walked)


def test_a_pages_queries_do_not_grow_with_its_size(client, demo):
    for path, user in _cases(demo):
        client = _client(client, user)
        if len(client.get(f"{path}?limit=500").json()) < 4:
            continue
        counts = []
        for limit in (1, 4):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{path}?limit={limit}").status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (path, counts)


@pytest.mark.parametrize("path", ["/api/agreements", "/api/needs", "/api/market-dialogues", "/api/network/items"])
@pytest.mark.parametrize("query", ["cursor=eyJhIjoxfQ", "limit=501", "limit=0"])
def test_a_public_list_refuses_a_cursor_it_did_not_give_and_a_limit_out_of_range(client, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


NOT_PAGED = {
    "/api/sales-reports/quarters",  # a short list computed from the agreements' periods
    "/api/calloffs/{calloff_id}/team",  # the agency's own people on one call-off
}
"""The lists README names as not paged by a cursor, besides those with a page object of their own (solutions,
OCDS packages), which are not JSON arrays."""


def test_every_list_the_api_answers_pages_with_a_cursor_but_those_the_readme_names(client):
    document = client.get("/api/openapi.json").json()
    lists = set()
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        schema = (operation or {}).get("responses", {}).get("200", {}).get("content", {}).get(
            "application/json", {}).get("schema", {})
        if schema.get("type") != "array":
            continue
        lists.add(path)
        parameters = {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"}
        assert ({"cursor", "limit"} <= parameters) != (path in NOT_PAGED), path
    assert NOT_PAGED <= lists and "/api/notifications" in lists and len(lists) > 15
