"""Database contents built once and restored many times: ``restore_or_build(name, build)``.

Seeding the whole demo through the services takes tens of seconds, and several test modules
(and every browser test) need it. The first caller runs ``build()`` and the rows of every table
are captured to a file in the test cache; every later caller, in this run or a later one, in
any worker, gets the same rows written back in bulk instead, and the value ``build()`` returned.

- A snapshot is keyed by ``name``, the database engine and a fingerprint of the code: every file
  under ``devolve/`` (the seed's facts, the services it calls, the fixtures it imports) but the
  test modules (``test_*.py``, which only pytest imports: no module outside a ``tests``
  directory imports one), and the migration fingerprint. Any change to that code builds it
  again; a change to a test module does not (before, editing any test under ``devolve/`` made
  the next run seed every demo again); a version of it built from other code is removed once it
  has not been used for a day.
- Rows are captured and restored inside the caller's transaction, so a module-scoped fixture
  that rolls its transaction back leaves the database as it found it; foreign keys are checked
  at commit (Django creates them deferrable), so the order of tables does not matter.
- SQLite copies values as the driver gives them; PostgreSQL copies each table with ``COPY``, so
  every type (JSON, arrays, dates) comes back byte for byte. Sequences are moved past the
  restored ids.
"""

import contextlib
import hashlib
import os
import pickle
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction

from devolve.core.search import index_tables, rebuild_index_tables
from devolve.core.testing.template_database import (
    cache_directory,
    file_lock,
    migration_fingerprint,
)

_SKIPPED_TABLES = {"django_migrations"}
UNUSED_FOR_SECONDS = 24 * 60 * 60
_SOURCE_SUFFIXES = {".py", ".xlsx", ".csv", ".json", ".toml", ".txt"}


def fingerprinted_files(package: Path) -> list[Path]:
    """The files under ``package`` that can change what a snapshot holds: its sources and data,
    not its test modules."""
    return [
        path
        for path in sorted(package.rglob("*"))
        if path.suffix in _SOURCE_SUFFIXES
        and "__pycache__" not in path.parts
        and not is_test_module(path)
    ]


def is_test_module(path: Path) -> bool:
    """Whether ``path`` is a module pytest collects (``test_*.py``)."""
    return path.suffix == ".py" and path.name.startswith("test_")


@cache
def code_fingerprint() -> str:
    digest = hashlib.sha256(migration_fingerprint(connection.vendor).encode())
    package = Path(settings.BASE_DIR) / "devolve"
    for path in fingerprinted_files(package):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _tables() -> list[str]:
    """Every table with rows of its own: search index tables are derived, and rebuilt after a
    restore instead (``devolve.core.search``)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        derived = index_tables(cursor)
    return sorted(name for name in names if name not in _SKIPPED_TABLES | derived)


def _capture() -> dict[str, Any]:
    tables: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in _tables():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
                    tables[table] = b"".join(bytes(block) for block in copy)
            else:
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (a table name)
                columns = [column[0] for column in cursor.description]
                tables[table] = (columns, cursor.fetchall())
    return tables


def _restore(tables: dict[str, Any]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
        for table in _tables():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608 (a table name)
            if table not in tables:
                continue
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
                    copy.write(tables[table])
            else:
                columns, rows = tables[table]
                if rows:
                    names = ", ".join(connection.ops.quote_name(column) for column in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {quoted} ({names}) VALUES ({marks})",  # noqa: S608
                        rows,
                    )
        rebuild_index_tables(cursor)
        if connection.vendor == "postgresql":
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def restore_or_build[Result](name: str, build: Callable[[], Result]) -> Result:
    """Make the database hold what ``build()`` writes, restored from the cache when it is
    there; returns what ``build()`` returned. The caller decides the transaction around it."""
    path = cache_directory() / f"snapshot-{name}-{connection.vendor}-{code_fingerprint()}.pickle"
    with file_lock(path.name):
        if path.exists():
            with path.open("rb") as handle:
                tables, result = pickle.load(handle)  # noqa: S301 (our own cache file)
            _restore(tables)
            os.utime(path)  # in use: kept while another version is built (``_drop_older``)
            return result  # type: ignore[no-any-return]
        result = build()
        building = path.with_suffix(f".building-{os.getpid()}")
        with building.open("wb") as handle:
            pickle.dump((_capture(), result), handle, protocol=pickle.HIGHEST_PROTOCOL)
        building.replace(path)
        _drop_older(name, keep=path)
        return result


def _drop_older(name: str, *, keep: Path) -> None:
    """Remove the other versions of the snapshot (built from other code) that nothing has
    restored or built for ``UNUSED_FOR_SECONDS``. Removing them at once made two worktrees (or
    branches) that share the cache rebuild each other's demo, a minute or more each time."""
    unused_since = time.time() - UNUSED_FOR_SECONDS
    for older in cache_directory().glob(f"snapshot-{name}-{connection.vendor}-*.pickle"):
        with contextlib.suppress(FileNotFoundError):  # another process removed it first
            if older != keep and older.stat().st_mtime < unused_since:
                older.unlink()
