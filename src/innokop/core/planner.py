"""The query planner's statistics (issue 13).

SQLite chooses its indexes from `sqlite_stat1`, which only `ANALYZE` writes; without it, or with statistics
from when a table was a fraction of its size, some statements are planned badly as the data grows (the OCDS
export was quadratic on the bench data without them: docs/performance.md). SQLite's advice for long-lived
databases is to refresh them regularly with a bounded `ANALYZE` (`PRAGMA analysis_limit`, then `PRAGMA
optimize`); `PRAGMA optimize` on the SQLite this runs on (3.40) only looks at the tables the same connection
has queried, which on a fresh connection is none, so the refresh runs the bounded `ANALYZE` itself: every
index is sampled up to `ANALYSIS_LIMIT` rows, a fraction of a second whatever the size of the database.

It runs every day (`core.tasks.refresh_planner_statistics`) and after `migrate` when the database already has
statistics (a new index is then analysed too); the bench data generator calls it when it has loaded the rows.
On the medium bench data (290 MB) it takes about 15 ms, and chooses the same plans for the key pages as a full
`ANALYZE` (160 ms). PostgreSQL's autovacuum analyses its tables itself: there it does nothing.
"""

from django.db import DEFAULT_DB_ALIAS, connections

ANALYSIS_LIMIT = 1000  # rows sampled per index; SQLite's documentation suggests 100 to 1 000


def planner_statistics_refresh(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Brings the planner's statistics up to date on SQLite; returns whether it did (False elsewhere)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False  # PostgreSQL: autovacuum's ANALYZE
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        try:
            cursor.execute("ANALYZE")
        finally:
            cursor.execute("PRAGMA analysis_limit=0")
    return True


def has_planner_statistics(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether SQLite's database has been analysed (it has `sqlite_stat1`); PostgreSQL always has statistics."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        return cursor.fetchone() is not None


def refresh_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """`post_migrate` (core/apps.py): a migration may add an index or a table, and SQLite plans badly with an
    index that has no statistics beside others that have. A database never analysed is left to the daily job
    (a new, empty database has nothing to measure)."""
    if connections[using].vendor == "sqlite" and has_planner_statistics(using=using):
        planner_statistics_refresh(using=using)
