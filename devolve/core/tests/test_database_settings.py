import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.settings.integrations.database import (
    POOL_TIMEOUT_SECONDS,
    for_throwaway_databases,
    with_pool_from_env,
)

POSTGRESQL = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "devolve",
    "CONN_MAX_AGE": 60,
    "CONN_HEALTH_CHECKS": True,
    "OPTIONS": {"sslmode": "prefer"},
}


def test_without_a_pool_size_connections_persist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    monkeypatch.delenv("DATABASE_DISABLE_SERVER_SIDE_CURSORS", raising=False)

    assert with_pool_from_env(POSTGRESQL) == POSTGRESQL


def test_a_pool_size_pools_postgresql_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_POOL_SIZE", "4")
    monkeypatch.delenv("DATABASE_DISABLE_SERVER_SIDE_CURSORS", raising=False)

    assert with_pool_from_env(POSTGRESQL) == {
        **POSTGRESQL,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            "sslmode": "prefer",
            "pool": {"min_size": 1, "max_size": 4, "timeout": POOL_TIMEOUT_SECONDS},
        },
    }


def test_behind_pgbouncer_server_side_cursors_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    monkeypatch.setenv("DATABASE_DISABLE_SERVER_SIDE_CURSORS", "true")

    assert with_pool_from_env(POSTGRESQL) == {**POSTGRESQL, "DISABLE_SERVER_SIDE_CURSORS": True}


def test_sqlite_takes_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_POOL_SIZE", "4")
    monkeypatch.setenv("DATABASE_DISABLE_SERVER_SIDE_CURSORS", "true")
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "devolve.sqlite3", "CONN_MAX_AGE": 60}

    assert with_pool_from_env(sqlite) == sqlite


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pool is PostgreSQL's")
def test_a_pooled_process_reads_through_the_pool() -> None:
    """The runtime lock installs psycopg_pool: a process with a pool size queries through it."""
    database = settings.DATABASES["default"]
    # The host is a Unix socket's directory when the tests connect through one: percent-encoded.
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{quote(database['HOST'], safe='')}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor: cursor.execute('SELECT 1')\n"
        "print(type(connection.pool).__name__, connection.pool.max_size)\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "DATABASE_POOL_SIZE": "3",
    }
    result = subprocess.run(  # noqa: S603 — this interpreter, a fixed script
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
        timeout=60,
    )

    assert result.stdout.split() == ["ConnectionPool", "3"]


def test_throwaway_postgresql_sessions_commit_without_waiting_for_the_disk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGOPTIONS", raising=False)
    given = {**POSTGRESQL, "OPTIONS": {"sslmode": "prefer", "options": "-c work_mem=8MB"}}

    assert for_throwaway_databases(given) == {
        **POSTGRESQL,
        "OPTIONS": {"sslmode": "prefer", "options": "-c work_mem=8MB -c synchronous_commit=off"},
    }
    assert for_throwaway_databases({**POSTGRESQL, "OPTIONS": {}})["OPTIONS"] == {
        "options": "-c synchronous_commit=off"
    }


def test_throwaway_sessions_keep_the_environments_pgoptions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libpq ignores PGOPTIONS once ``options`` is given: a read-only guard set there must
    survive the throwaway settings, or a run meant to read only writes."""
    monkeypatch.setenv("PGOPTIONS", "-c default_transaction_read_only=on")

    assert for_throwaway_databases({**POSTGRESQL, "OPTIONS": {}})["OPTIONS"] == {
        "options": "-c default_transaction_read_only=on -c synchronous_commit=off"
    }
    given = {**POSTGRESQL, "OPTIONS": {"options": "-c work_mem=8MB"}}  # the entry's own win
    assert for_throwaway_databases(given)["OPTIONS"]["options"] == (
        "-c work_mem=8MB -c synchronous_commit=off"
    )


def test_throwaway_sqlite_is_unchanged() -> None:
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "OPTIONS": {}}

    assert for_throwaway_databases(sqlite) == sqlite


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL session setting")
def test_the_test_database_commits_without_waiting_for_the_disk() -> None:
    """The test settings apply it (ADR 0062); production settings do not."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("off",)
