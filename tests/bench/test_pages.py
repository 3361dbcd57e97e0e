"""The key-pages section of the benchmark (bench/pages.py) on the small bench data: every page it times is found,
renders for the user it is opened as, and has its SQL statements counted; the bare view is the bench's own."""

import sys
from pathlib import Path

import pytest
from django.test import override_settings

from .test_data import build

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def pages(db, clock):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import pages

    build()
    with override_settings(ROOT_URLCONF="bench_urls"):
        yield pages


def test_every_key_page_renders_for_its_user_and_its_statements_are_counted(pages):
    rows = pages.measure(pages.key_pages(), repeat=1)
    names = [row["page"].name for row in rows]
    assert len(rows) == 16 and names[:2] == ["bare view (anonymous)", "bare view (signed in)"]
    assert [(row["page"].name, row["status"]) for row in rows if row["status"] != 200] == []
    assert rows[0]["queries"] == 0 and rows[0]["page"].user is None
    assert rows[1]["queries"] > 0 and rows[1]["page"].user is not None  # the session and the user are read
    assert all(row["queries"] > rows[1]["queries"] for row in rows if row["page"].user is not None and row is not rows[1])
    assert all(row["p95"] >= row["p50"] > 0 for row in rows)


def test_the_bare_view_is_not_in_the_products_urls(client, pages):
    with override_settings(ROOT_URLCONF="innokop.config.urls"):
        assert client.get("/__bench__/bare/").status_code == 404
    assert client.get("/__bench__/bare/").status_code == 200
