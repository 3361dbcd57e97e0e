"""The query planner's statistics (core/planner.py): SQLite's are refreshed every day and after migrations of a
database that has them; PostgreSQL's autovacuum keeps its own, so there nothing runs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from innokop.core import planner
from innokop.core.tasks import DAILY, refresh_planner_statistics

pytestmark = pytest.mark.django_db
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: autovacuum")


@pytest.fixture
def never_analysed():
    """The test database as a new one: no statistics (dropped in the test's transaction if a job wrote some)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")


def _analysed_tables() -> set[str]:
    if not planner.has_planner_statistics():
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


def test_the_refresh_is_one_of_the_daily_jobs():
    assert refresh_planner_statistics in DAILY


@on_sqlite
def test_the_daily_job_writes_sqlite_statistics_for_tables_with_rows(never_analysed, agency_procurer, supplier):
    assert not planner.has_planner_statistics()
    assert refresh_planner_statistics.call() is True
    assert planner.has_planner_statistics()
    assert {"accounts_user", "accounts_organisation", "accounts_membership"} <= _analysed_tables()


@on_sqlite
def test_the_sample_is_bounded_and_the_limit_reset_afterwards(agency_procurer):
    statements = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (
            statements.append(sql), execute(sql, params, many, context))[1]):
        planner.planner_statistics_refresh()
    analyse = next(i for i, sql in enumerate(statements) if sql.strip().upper().startswith("ANALYZE"))
    assert any("analysis_limit=1000" in sql.replace(" ", "") for sql in statements[:analyse])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit")
        assert cursor.fetchone()[0] == 0


@on_sqlite
def test_after_migrate_a_database_with_statistics_is_analysed_again_and_a_new_one_is_left(never_analysed,
                                                                                         agency_procurer):
    planner.refresh_after_migrate(sender=None, using="default")
    assert not planner.has_planner_statistics()
    planner.planner_statistics_refresh()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'accounts_user'")
    assert "accounts_user" not in _analysed_tables()
    planner.refresh_after_migrate(sender=None, using="default")
    assert "accounts_user" in _analysed_tables()


@on_postgresql
def test_on_postgresql_nothing_runs(agency_procurer):
    with CaptureQueriesContext(connection) as captured:
        assert refresh_planner_statistics.call() is False
        planner.refresh_after_migrate(sender=None, using="default")
    assert captured.captured_queries == []
    assert planner.has_planner_statistics()
