"""Figures derived from many rows, computed once per version of the rows they read.

A page that aggregates a whole table (every accepted usage line, every observation) computes its
figures once and reads them back until one of its input tables changes. The version of the inputs
is the newest history row of each input model (django-simple-history records every create, change
and delete the services make), read from the history tables' indexes in one query
(``data_version``); the figures are kept in Django's cache under that version, so a change is seen
by the next request on every node, and a node's cache holding nothing in common with another's
only costs a recomputation. API list pages are kept under the same version
(``core.api.stored_pages``).

A version is trusted only when it is **settled**. History ids come from a sequence: a transaction
still running may hold an id below the newest committed one, and when it commits the newest id
does not change, so a figure kept under that version would hide its rows. On PostgreSQL the
version query also asks whether any transaction writing this database was in progress in the
snapshot it read (``pg_snapshot_xip`` and the server's backends: a transaction of another
database on the same server cannot write these tables); with none, every history row written
later gets a higher id. SQLite
has one writer at a time, so ids are committed in the order they are taken. A transaction takes
its id (its first write, the row itself) before its history row's id: every service writes the
row, then its history. An unsettled version's figure is answered but not kept as it is.
"""

import datetime
import hashlib
import sys
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cache as once
from functools import cached_property
from typing import Any

import psycopg
from django.core.cache import cache
from django.db import DatabaseError, connections, models, router
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# How long a version's figures stay in a node's cache when nothing asks for them.
KEEP_SECONDS = 24 * 60 * 60
_MISSING = object()


@dataclass(frozen=True)
class DataVersion:
    """The newest history row (id, date) of each input model, and whether no transaction that
    could still commit an older one was in progress as it was read (``settled``)."""

    inputs: tuple[type[models.Model], ...]
    newest: tuple[tuple[Any, Any], ...]
    settled: bool

    def last_changed(self, *of: type[models.Model]) -> datetime.datetime | None:
        """When a row of ``of`` (each among the inputs) last changed, as ``last_changed``."""
        moments = [
            _as_datetime(moment)
            for model, (_history_id, moment) in zip(self.inputs, self.newest, strict=True)
            if model in of
        ]
        return max((moment for moment in moments if moment is not None), default=None)

    @cached_property
    def token(self) -> str:
        """The newest history rows as short text, for cache keys: each input's id and date, in
        order (``repr`` of the dates cost 4 µs each, most of a stored page's key)."""
        return ",".join(f"{history_id}@{moment}" for history_id, moment in self.newest)


def _as_datetime(value: object) -> datetime.datetime | None:
    # SQLite hands back an aggregated date as text, in UTC.
    if value is None or isinstance(value, datetime.datetime):
        moment = value
    else:
        moment = parse_datetime(str(value))
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


# Whether no transaction writing this database (holding a transaction id) but the reader's own
# was in progress as the statement's snapshot was taken. The snapshot lists those in progress
# that are older than the newest completed one (``pg_snapshot_xip``); a newer one is not listed,
# so the backends are read too (after the snapshot: any still running then). One that ended
# between the two is seen only if it was listed: a transaction of this database that takes its
# id, writes and commits within that instant, beneath the id of one committed just before the
# snapshot, is the one case not seen. Listed transactions held by a backend of another database
# (which cannot write these tables) do not count. One that ended before the backends were read
# cannot be told apart from one of this database: the answer is then ``_ENDED`` (not settled,
# but worth reading again: a new statement's snapshot no longer lists it), against 2 for a
# transaction of this database still running (or a replica's read), and ``_SETTLED``. Backends
# are read afresh (a transaction keeps the first read otherwise). A replica sees none of the
# primary's backends, so nothing read on one is settled. Numbers, as the CASE below answers
# them: Django logs quoted text escaped.
_SETTLED, _ENDED = 0, 1
_SETTLED_ON_POSTGRESQL = (
    "CASE WHEN (SELECT COUNT(*) FROM pg_stat_clear_snapshot()) >= 0 THEN CASE"
    " WHEN pg_is_in_recovery() OR EXISTS (SELECT 1 FROM writing WHERE datid = (SELECT datid FROM"
    " pg_stat_get_activity(pg_backend_pid())) AND pid <> pg_backend_pid()) THEN 2"
    " WHEN EXISTS (SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()) AS running (id)"
    " WHERE xid(running.id) NOT IN (SELECT backend_xid FROM writing WHERE datid <> (SELECT"
    " datid FROM pg_stat_get_activity(pg_backend_pid())))) THEN 1 ELSE 0 END END"
)
# The server's backends holding a transaction id, read once by the statement.
_WRITING = (
    "WITH writing AS (SELECT datid, pid, backend_xid FROM pg_stat_get_activity(NULL)"
    " WHERE backend_xid IS NOT NULL) "
)


# The connection as ``Any``: django-stubs know neither its health-check attributes nor a cursor
# wrapped around a psycopg cursor of our own.
def _version_row(connection: Any, sql: str) -> tuple[Any, ...]:
    """The version query's row. On PostgreSQL, when it is the first query of a request on a
    connection kept from an earlier one, it is the connection's health check (in place of the
    ``SELECT 1`` Django runs before a request's first query, ``CONN_HEALTH_CHECKS``): a
    connection found dead is closed and the query runs again on a new one, as Django would have
    connected anew after a failed check. Outside a transaction only (a read, safe to repeat)."""
    checks = (
        connection.vendor == "postgresql"
        and connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    )
    if checks:
        connection.health_check_done = True
    try:
        return _read_row(connection, sql)
    except DatabaseError:
        if not checks or connection.is_usable():
            raise  # not the connection: the query itself
        connection.close()
    return _read_row(connection, sql)


def _read_row(connection: Any, sql: str) -> tuple[Any, ...]:
    with _version_cursor(connection) as cursor:
        cursor.execute(sql)
        row: tuple[Any, ...] = cursor.fetchone()
        return row


def _version_cursor(connection: Any) -> Any:
    """A cursor of ``connection`` for the version query: on PostgreSQL one that runs it as a
    statement prepared once per connection (planning it is most of its cost: about 0.8 ms of the
    server's CPU unprepared, 0.2 ms prepared, on the grants list's nine inputs), through Django's
    cursor wrapper all the same (query logging, execute wrappers, error translation); the
    connection's own cursor elsewhere, and behind a pooler that may hand each transaction another
    server session (PgBouncer in transaction mode, ``DISABLE_SERVER_SIDE_CURSORS``), where a
    statement prepared in one session is unknown in the next."""
    if connection.vendor != "postgresql" or connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    ):
        return connection.cursor()
    # As ``connection.cursor()`` does before creating its cursor.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparing off (for poolers); its own cursors bind on the client
        # and never prepare, so a threshold never reached prepares only what asks to be.
        raw.prepare_threshold = sys.maxsize
    cursor = _PreparedCursor(raw)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


class _PreparedCursor(psycopg.Cursor[Any]):
    """Binds on the server, and prepares what it runs the first time on its connection."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        return super().execute(query, params, **{**options, "prepare": True})


@once
def _version_sql(inputs: tuple[type[models.Model], ...], alias: str) -> str:
    connection = connections[alias]
    quote = connection.ops.quote_name
    parts = []
    for model in inputs:
        table = quote(model.history.model._meta.db_table)  # type: ignore[attr-defined]
        # Each on an index: the history id's primary key, simple-history's date index.
        parts.append(f"(SELECT MAX({quote('history_id')}) FROM {table})")  # noqa: S608 — names
        parts.append(f"(SELECT MAX({quote('history_date')}) FROM {table})")  # noqa: S608
    if connection.vendor == "postgresql":
        # Whether it is settled is worked out first (a subquery of FROM runs before the select
        # list's), right after the statement's snapshot: reading the backends after the newest
        # rows of fifty history tables widened the instant in which a transaction of another
        # database could end unseen (the other test worker's, every few milliseconds).
        state = " FROM (SELECT " + _SETTLED_ON_POSTGRESQL + " AS settled OFFSET 0) AS state"
        return _WRITING + "SELECT " + ", ".join([*parts, "state.settled"]) + state
    return "SELECT " + ", ".join(parts)


def data_version(inputs: Sequence[type[models.Model]], *, using: str | None = None) -> DataVersion:
    """The version of ``inputs``: the newest history row of each, read on database ``using``
    (by default where the router reads the first input: a replica for an anonymous request, when
    one is configured), and whether it is settled. One query (on PostgreSQL two, now and then:
    see ``_SETTLED_ON_POSTGRESQL``); changes whenever a row of any of them is created, changed
    or deleted with its history."""
    inputs = tuple(inputs)
    alias = using or router.db_for_read(inputs[0])
    connection = connections[alias]
    sql = _version_sql(inputs, alias)
    row = _version_row(connection, sql)
    # SQLite has one writer at a time; nothing is trusted on another database.
    settled = connection.vendor == "sqlite"
    if connection.vendor == "postgresql":
        if row[-1] == _ENDED:
            # A transaction listed in the snapshot ended before the backends were read: of
            # another database (another test worker, another tenant of the server) as often as
            # not. Once more, on a new snapshot; still unsettled if it happens again.
            row = _read_row(connection, sql)
        settled = row[-1] == _SETTLED
    newest = tuple((row[2 * place], row[2 * place + 1]) for place in range(len(inputs)))
    return DataVersion(inputs=inputs, newest=newest, settled=settled)


def computed_once[T](
    name: str, *, inputs: Sequence[type[models.Model]], key: Hashable, compute: Callable[[], T]
) -> T:
    """``compute()`` for this ``key``, computed again only when a row of ``inputs`` changed since
    it was last computed. ``inputs`` must name every model with history whose rows the result
    reads; ``key`` everything else it depends on (arguments, the day). A result computed under
    an unsettled version is answered, not kept."""
    version = data_version(inputs)
    described = repr((name, key, version.token))
    cache_key = "devolve:derived:" + hashlib.sha256(described.encode()).hexdigest()
    found = cache.get(cache_key, _MISSING)
    if found is _MISSING:
        found = compute()
        if version.settled:
            cache.set(cache_key, found, KEEP_SECONDS)
    return found  # type: ignore[no-any-return]
