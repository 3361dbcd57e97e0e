"""The start page's part of the catalogue (featured solutions and collections) costs the same whatever the size of
the catalogue: a fixed number of statements, each reading only the featured rows through a partial index of its
own rather than every published solution (issue 13: the start page grew with the data)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import CollectionFactory, PublishedSolutionFactory, SolutionFactory

pytestmark = pytest.mark.django_db


def _start_page(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("core:start"))
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured]


def test_the_start_page_makes_as_many_queries_with_a_larger_catalogue(client):
    PublishedSolutionFactory(featured=True, title="Utvald lösning")
    CollectionFactory(featured=True, title="Utvalt tema")
    page, before = _start_page(client)
    assert "Utvald lösning" in page and "Utvalt tema" in page
    PublishedSolutionFactory.create_batch(20)
    SolutionFactory.create_batch(5, featured=True, title="Utkast")  # featured but not public
    for n in range(8):
        PublishedSolutionFactory(featured=True, title=f"Utvald nr {n}")
    CollectionFactory.create_batch(3)
    CollectionFactory.create_batch(5, featured=True)
    page, after = _start_page(client)
    assert len(after) == len(before)
    assert "Utkast" not in page and sum(f"Utvald nr {n}<" in page for n in range(8)) == 6


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan is SQLite's (EXPLAIN QUERY PLAN)")
def test_the_featured_rows_are_read_through_their_own_indexes(client):
    PublishedSolutionFactory.create_batch(5)
    PublishedSolutionFactory(featured=True)
    CollectionFactory.create_batch(2)
    CollectionFactory(featured=True)
    _, statements = _start_page(client)
    plans = {}
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plans[sql] = [row[-1] for row in cursor.fetchall()]
    used = " ".join(" ".join(plan) for plan in plans.values())
    assert "USING INDEX solution_featured" in used and "USING INDEX collection_featured" in used
    for sql, plan in plans.items():
        for step in plan:  # no statement reads a whole table or sorts one
            assert "TEMP B-TREE" not in step, (sql, plan)
            assert not (step.startswith("SCAN ") and "USING" not in step), (sql, plan)
            assert not step.startswith("SCAN catalogue_solution"), (sql, plan)
