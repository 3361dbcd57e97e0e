"""GET /api/calloffs pages with a cursor: every call-off once, newest first; the cursor and limit are checked."""

import pytest

from .conftest import start

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(lot, agency_procurer, clock):
    return [start(agency_procurer, lot, title=f"Avrop {n}") for n in range(5)]


def test_walking_the_pages_gives_every_calloff_once_newest_first(login, agency_procurer, five):
    client = login(agency_procurer)
    seen, url, pages = [], "/api/calloffs?limit=2", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert isinstance(response.json(), list) and len(response.json()) <= 2
        seen += [row["id"] for row in response.json()]
        pages += 1
        url = response.headers.get("Link", "").removeprefix("<").split(">;")[0] or None
        if url:
            assert response.headers["Link"].endswith('rel="next"') and response.headers["X-Next-Cursor"] in url
    assert pages == 3
    assert seen == sorted((c.pk for c in five), reverse=True)  # created in order, in the same instant or later


def test_without_a_cursor_one_page_holds_up_to_a_hundred(login, agency_procurer, five):
    response = login(agency_procurer).get("/api/calloffs")
    assert len(response.json()) == 5 and "Link" not in response.headers and "X-Next-Cursor" not in response.headers


@pytest.mark.parametrize("query", ["cursor=bm90LWEtY3Vyc29y", "cursor=W10", "limit=501", "limit=0", "limit=many"])
def test_a_tampered_cursor_or_a_limit_out_of_range_answers_422(login, agency_procurer, five, query):
    response = login(agency_procurer).get(f"/api/calloffs?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request" and set(body) == {"detail", "code", "problems"}
    assert body["problems"][0]["field"] == f"query.{query.split('=')[0]}"
