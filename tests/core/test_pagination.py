"""Cursor pagination (`core.pagination.cursor_page`): every row once, in order, whatever the page size; a cursor
the API did not give and a limit out of range answer 422."""

import base64
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from ninja.errors import ValidationError as RequestInvalid

from innokop.core.models import Notification
from innokop.core.pagination import cursor_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def notifications(supplier):
    """Seven notifications: some read, some not (a NULL in `read_at`), two created at the same moment."""
    now = timezone.now()
    rows = []
    for index in range(7):
        rows.append(Notification.objects.create(
            recipient=supplier, kind="test", subject_source=f"n{index}", body_source="",
            read_at=None if index % 3 == 0 else now - timedelta(minutes=index % 2)))
    Notification.objects.filter(pk__in=[rows[1].pk, rows[2].pk]).update(created_at=now)
    return rows


def _walk(order: tuple[str, ...], limit: int, path: str = "/api/things") -> tuple[list[int], int]:
    seen, cursor, pages = [], None, 0
    while True:
        request = RequestFactory().get(path, {"cursor": cursor} if cursor else {})
        response = HttpResponse()
        rows = cursor_page(request, response, Notification.objects.all(), order=order, cursor=cursor, limit=limit)
        seen += [row.pk for row in rows]
        pages += 1
        if "X-Next-Cursor" not in response:
            assert "Link" not in response
            return seen, pages
        cursor = response["X-Next-Cursor"]
        link = response["Link"]
        assert link.endswith('>; rel="next"')
        query = parse_qs(urlparse(link[1:link.index(">")]).query)
        assert query["cursor"] == [cursor] and query["limit"] == [str(limit)]


def _expected(order: tuple[str, ...]) -> list[int]:
    """The full order in Python: NULL is the largest value; sorted field by field from the last."""
    rows = list(Notification.objects.select_related("recipient"))
    def value(row, field: str):
        return row.recipient.email if field == "recipient__email" else getattr(row, field)

    for name in reversed(order):
        field, descending = name.removeprefix("-"), name.startswith("-")
        rows.sort(key=lambda row, field=field: (value(row, field) is None,
                                                value(row, field) if value(row, field) is not None else 0),
                  reverse=descending)
    return [row.pk for row in rows]


@pytest.mark.parametrize("order", [("pk",), ("-pk",), ("-created_at", "-pk"), ("read_at", "pk"), ("-read_at", "pk"),
                                   ("read_at", "-created_at", "-pk"), ("recipient__email", "-read_at", "pk")])
@pytest.mark.parametrize("limit", [1, 2, 3, 7, 100])
def test_walking_every_page_gives_every_row_once_in_the_full_order(notifications, order, limit):
    seen, pages = _walk(order, limit)
    assert seen == _expected(order)
    assert len(seen) == 7 and len(set(seen)) == 7
    assert pages == -(-7 // limit)  # no empty last page: a page knows whether another follows


def test_a_null_sorts_as_the_largest_value(notifications):
    unread = {row.pk for row in notifications if row.read_at is None}
    ascending, _pages = _walk(("read_at", "pk"), 2)
    descending, _pages = _walk(("-read_at", "pk"), 2)
    assert set(ascending[-len(unread):]) == unread
    assert set(descending[:len(unread)]) == unread


def test_each_page_is_one_query_whatever_its_size(notifications, django_assert_num_queries):
    for limit in (1, 7):
        with django_assert_num_queries(1):
            cursor_page(RequestFactory().get("/"), HttpResponse(), Notification.objects.all(),
                        order=("-created_at", "-pk"), cursor=None, limit=limit)


def test_the_next_link_keeps_the_lists_other_parameters(notifications):
    response = HttpResponse()
    cursor_page(RequestFactory().get("/api/things", {"unread": "true", "limit": "2"}), response,
                Notification.objects.all(), order=("pk",), cursor=None, limit=2)
    query = parse_qs(urlparse(response["Link"][1:response["Link"].index(">")]).query)
    assert query["unread"] == ["true"] and query["limit"] == ["2"] and query["cursor"]


def _encoded(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", ["not base64 !", _encoded({"a": 1}), _encoded([1]), _encoded(["x", 1]),
                                    _encoded([[1], 1]), _encoded([True, 2]), "%%%", _encoded(["2026-13-45", 1])])
def test_a_cursor_the_api_did_not_give_is_refused(notifications, cursor):
    with pytest.raises(RequestInvalid) as refused:
        cursor_page(RequestFactory().get("/"), HttpResponse(), Notification.objects.all(),
                    order=("-created_at", "-pk"), cursor=cursor, limit=2)
    assert refused.value.errors[0]["loc"] == ("query", "cursor")


@pytest.mark.parametrize("limit", [0, 501])
def test_a_limit_out_of_range_is_refused(notifications, limit):
    with pytest.raises(RequestInvalid) as refused:
        cursor_page(RequestFactory().get("/"), HttpResponse(), Notification.objects.all(), order=("pk",),
                    cursor=None, limit=limit)
    assert refused.value.errors[0]["loc"] == ("query", "limit")
