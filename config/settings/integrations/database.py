"""Database connections: psycopg's connection pool (``psycopg[pool]``) when
``DATABASE_POOL_SIZE`` is set and the database is PostgreSQL, else one connection per worker
thread kept for ``DATABASE_CONN_MAX_AGE`` seconds.

With the pool, each process opens at most ``DATABASE_POOL_SIZE`` connections and lends one to a
request for its duration, so the pool size times the processes of every node must stay under
PostgreSQL's ``max_connections`` (docs/operations/scaling.md). Django refuses a pool with
persistent connections, so the pool turns ``CONN_MAX_AGE`` to 0: the connection goes back to
the pool, not closed, at the end of each request.

Behind PgBouncer in transaction mode, ``DATABASE_DISABLE_SERVER_SIDE_CURSORS`` turns off the
server-side cursors Django opens for ``QuerySet.iterator()``: a cursor lives in one server
session, and transaction pooling may hand the next fetch to another.
"""

import os
from collections.abc import Mapping
from typing import Any

from config.env import env_bool, env_int

POSTGRESQL = "django.db.backends.postgresql"
# Seconds a request waits for a free pooled connection before it fails: less than gunicorn's
# 30-second worker timeout, so a starved pool answers with an error, not a killed worker.
POOL_TIMEOUT_SECONDS = 10


def with_pool_from_env(database: Mapping[str, Any]) -> dict[str, Any]:
    """The ``DATABASES`` entry ``database``, drawing its connections from a pool and without
    server-side cursors when the environment asks for them; unchanged otherwise (SQLite takes
    neither)."""
    if database["ENGINE"] != POSTGRESQL:
        return dict(database)
    configured = dict(database)
    if env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False):
        configured["DISABLE_SERVER_SIDE_CURSORS"] = True
    size = env_int("DATABASE_POOL_SIZE", default=0)
    if size <= 0:
        return configured
    pool = {"min_size": 1, "max_size": size, "timeout": POOL_TIMEOUT_SECONDS}
    return {
        **configured,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {**database.get("OPTIONS", {}), "pool": pool},
    }


# A test database lives for one run: a commit need not wait for its WAL to reach the disk
# (ADR 0062). The same row visibility, locks and constraints; only durability over a crash of
# the server is given up, which nothing in a test relies on.
THROWAWAY_SESSION_SETTINGS = {"synchronous_commit": "off"}


def for_throwaway_databases(database: Mapping[str, Any]) -> dict[str, Any]:
    """The ``DATABASES`` entry ``database``, its PostgreSQL sessions started with
    ``THROWAWAY_SESSION_SETTINGS`` (libpq's ``options``, after any the entry gives); unchanged
    for SQLite, whose test databases are in memory.

    libpq reads ``PGOPTIONS`` only when no ``options`` is given: without the entry's own, the
    environment's come first, so that ``PGOPTIONS='-c default_transaction_read_only=on'`` keeps
    a benchmark or a script run with these settings read-only (it was silently dropped)."""
    if database["ENGINE"] != POSTGRESQL:
        return dict(database)
    options = dict(database.get("OPTIONS", {}))
    environment = os.environ.get("PGOPTIONS", "").strip()
    given = [options["options"]] if options.get("options") else [environment] if environment else []
    ours = [f"-c {name}={value}" for name, value in THROWAWAY_SESSION_SETTINGS.items()]
    return {**database, "OPTIONS": {**options, "options": " ".join([*given, *ours])}}
