"""A background job's progress, written where pages see it while the job's own transaction is
still open (ADR 0049).

A job that must be all or nothing runs in one transaction, and rows it updates there stay
invisible to every other connection until it commits, its progress too. ``progress_writer``
therefore writes ``rows_done`` and ``rows_total`` of the job's record on a connection of its
own: on PostgreSQL a second connection in autocommit, so each report is committed at once
whatever the job's transaction does. SQLite lets one writer hold the database at a time, so
there a report made inside a transaction is left out (the page shows the job running until it
ends); outside one it is an ordinary update. The record must be committed before the job's
transaction starts, and the job must not update it inside its transaction (the second
connection would wait for that lock; its ``lock_timeout`` makes a report give up instead).
"""

import contextlib
import logging
from collections.abc import Callable, Iterator

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


@contextlib.contextmanager
def progress_writer(record: models.Model) -> Iterator[ProgressCallback]:
    """A callback ``(rows_done, rows_total)`` that records the progress on ``record`` (a model
    with ``rows_done``, ``rows_total`` and ``updated_at``) visibly to other connections, for
    the duration of the block."""
    model = type(record)
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET rows_done = %s, rows_total = %s, "  # noqa: S608
        f"updated_at = %s WHERE {quote(str(model._meta.pk.column))} = %s"
    )
    side: list[
        BaseDatabaseWrapper
    ] = []  # the second connection, opened at the first report inside a transaction

    def report(rows_done: int, rows_total: int) -> None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        values = [rows_done, rows_total, now, record.pk]
        if not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute(sql, values)
            return
        if connection.vendor != "postgresql":
            return
        try:
            if not side:
                side.append(connections.create_connection(DEFAULT_DB_ALIAS))
                with side[0].cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            with side[0].cursor() as cursor:
                cursor.execute(sql, values)
        except DatabaseError:  # progress is a courtesy: the job goes on without it
            logger.warning("progress of %s %s not recorded", model.__name__, record.pk)

    try:
        yield report
    finally:
        if side:
            side[0].close()
