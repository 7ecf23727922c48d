"""PostgreSQL's plan of a statement as it would be on a national set, from a test's few rows.

A plan test asks the planner about tables of a few rows that earlier tests in the worker have
churned: autovacuum is off on the test server, so rows that rolled-back tests inserted stay
behind as dead tuples in the tables and their indexes, more in some than in others. The planner
reads a relation's size from its blocks on disk and its row count from the density its
statistics give (``reltuples`` over ``relpages``). Telling it only the table's national row count
left each index at the density of its live rows over its bloated blocks: an index that earlier
tests had grown looked hundreds of times more expensive to walk, and a plan chose another index
at random. Here the table *and each of its indexes* are told the national row count after
``ANALYZE``, so every relation's density is the national one whatever the worker did before; the
table is counted as all visible, as after a ``VACUUM``. All of it inside a transaction that is
rolled back.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction


def national_plans(
    statements: Iterable[tuple[str, Sequence[Any] | Mapping[str, Any] | None]],
    *,
    rows: Mapping[str, int],
    unknown_spread: Mapping[str, Sequence[str]] | None = None,
    off: Sequence[str] = (),
) -> tuple[list[str], set[str]]:
    """The plans (``EXPLAIN`` text) of each (sql, parameters) with each table of ``rows`` counted
    as holding that many rows, the columns of ``unknown_spread`` without statistics (a few test
    values would tell the planner a filter keeps half the rows; without statistics it takes one
    value to keep 0.5 % of them), and the planner settings ``off`` (e.g. ``enable_seqscan``:
    on tables this small a sequential scan always wins); and the tables of ``rows`` that hold
    pages. A table without a page is empty to PostgreSQL whatever its statistics say."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: tables altered
        for table, columns in (unknown_spread or {}).items():
            for column in columns:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} "
                    f"ALTER COLUMN {connection.ops.quote_name(column)} SET STATISTICS 0"
                )
        holding: set[str] = set()
        for table, count in rows.items():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            cursor.execute(
                "UPDATE pg_class SET relallvisible = relpages, reltuples = %s"
                " WHERE oid = %s::regclass AND relpages > 0 RETURNING relname",
                [count, table],
            )
            if cursor.fetchall():
                holding.add(table)
                cursor.execute(
                    "UPDATE pg_class SET reltuples = %s WHERE relpages > 0 AND oid IN"
                    " (SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass)",
                    [count, table],
                )
        for setting in off:
            cursor.execute(f"SET LOCAL {setting} = off")
        plans = []
        for sql, parameters in statements:
            cursor.execute("EXPLAIN " + sql, parameters)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        transaction.set_rollback(True)
        return plans, holding
