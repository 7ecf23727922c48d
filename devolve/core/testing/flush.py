"""PostgreSQL test databases flushed with ``DELETE`` instead of ``TRUNCATE`` (ADR 0056).

A transactional test (``transaction=True``, ``live_server``: every browser test) ends with
Django's ``flush``, which on PostgreSQL is one ``TRUNCATE`` of every table. ``TRUNCATE`` gives
each table and each of its indexes a new file, and took 7 to 8 s on this machine for the
schema's tables and their indexes, empty or not, against 0.3 s for a ``DELETE FROM`` of each
(load average about 14 on 2 cores): the flush was most of what a browser test cost on
PostgreSQL, and SQLite, whose flush is a ``DELETE`` per table, had no such cost.

While the test databases are in use, the PostgreSQL backend's ``sql_flush`` writes a
``DELETE FROM`` per table instead, after ``SET CONSTRAINTS ALL DEFERRED`` (Django creates its
foreign keys deferrable, so the order of the tables does not matter; the flush runs in one
transaction). A flush that resets sequences or cascades still truncates. Only the tests' flush
changes: no code of the application flushes a database. The statements go to the server as one
query (psycopg sends a query without parameters by PostgreSQL's simple protocol, which takes
several statements), not one round trip per table.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db.backends.postgresql.operations import DatabaseOperations


def _sql_flush_by_delete(
    self: DatabaseOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    if reset_sequences or allow_cascade or not tables:
        return _TRUNCATING(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    deletes = [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608
    # One statement of many: Django sends each entry of the list as its own query, and a round
    # trip per table was most of the flush's time on a loaded machine.
    return [" ".join(["SET CONSTRAINTS ALL DEFERRED;", *deletes])]


_TRUNCATING = DatabaseOperations.sql_flush


@contextlib.contextmanager
def flushed_by_delete() -> Iterator[None]:
    """PostgreSQL flushes with ``DELETE`` while inside; on leaving, as it did before."""
    before = DatabaseOperations.sql_flush
    DatabaseOperations.sql_flush = _sql_flush_by_delete  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = before  # type: ignore[method-assign]
