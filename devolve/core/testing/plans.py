"""PostgreSQL's plan of a statement as it would be on a national set, from a test's few rows.

A plan test asks the planner about tables of a few rows that earlier tests in the worker have
churned: autovacuum is off on the test server, so the rows of rolled-back tests stay behind as
dead tuples, more in some tables than in others. The planner reads a relation's size from its
blocks on disk: a table grown by dead rows made fetching a filter's rows at random from it look
dearer than walking the primary key in order, and a plan chose one or the other by what earlier
tests had done (the area reports' zone filter failed on CI now and then). Here each table is
rewritten in its primary key's order without its dead rows first (``CLUSTER``, which unlike
``VACUUM`` runs inside a transaction), analysed, and then the table and each of its indexes are
told the national row count, the table counted as all visible as after a ``VACUUM``. All of it
inside a transaction that is rolled back.
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
            cursor.execute(
                "SELECT indexrelid::regclass::text FROM pg_index"
                " WHERE indrelid = %s::regclass AND indisprimary",
                [table],
            )
            (primary_key,) = cursor.fetchone()
            # Rewritten without the dead rows earlier tests left (in a transaction, unlike VACUUM).
            cursor.execute(f"CLUSTER {connection.ops.quote_name(table)} USING {primary_key}")
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
