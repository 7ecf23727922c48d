"""Test databases cloned from a template migrated once (a pytest plugin; ADR 0022).

Migrating from empty renders the migration state of every app, which costs tens of seconds, and
pytest-xdist did it once per worker and per run. This plugin migrates a *template* once per
migration fingerprint (every file under every installed app's ``migrations/`` directory, the
installed distributions and the database engine) and gives each worker a copy:

- SQLite: the template is a file in the cache directory; each worker's in-memory test database
  is filled from it with SQLite's online backup API.
- PostgreSQL: the template is a database, ``test_<name>_template_<fingerprint>``; each worker's
  test database is created from it with ``CREATE DATABASE … TEMPLATE``.

Building is serialised between workers and concurrent runs by a file lock; a template is built
under a temporary name and renamed when complete, so a crash never leaves a half-migrated one.
``--create-db`` rebuilds the template once per run. Other database engines migrate as usual.

The cache directory is ``$DEVOLVE_TEST_CACHE`` or ``~/.cache/devolve/test-databases``.
"""

import contextlib
import fcntl
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.creation import BaseDatabaseCreation

from devolve.core import search as search_module
from devolve.core.history import typed_reason_index_sql
from devolve.core.search import DECLARED_INDEXES
from devolve.core.testing.constraints import pending_checks_fired_before_each_test
from devolve.core.testing.flush import flushed_by_delete

_SUPPORTED = {"sqlite", "postgresql"}
# PostgreSQL's 63 bytes, less "_template_", the fingerprint and "_building".
_PREFIX_BYTES = 63 - len("_template_") - 16 - len("_building")


def cache_directory() -> Path:
    configured = os.environ.get("DEVOLVE_TEST_CACHE")
    base = Path(configured) if configured else Path.home() / ".cache" / "devolve"
    directory = base / "test-databases"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@contextlib.contextmanager
def file_lock(name: str) -> Iterator[None]:
    """Hold an exclusive lock shared by every process on this machine."""
    with (cache_directory() / f"{name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migration_fingerprint(vendor: str) -> str:
    """A digest that changes whenever migrating from empty could give a different database."""
    digest = hashlib.sha256(vendor.encode())
    for app_config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        directory = Path(app_config.path) / "migrations"
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(app_config.path)).encode())
                digest.update(app_config.label.encode())
                digest.update(path.read_bytes())
    # Search indexes are built after migrating (devolve.core.search): their declarations and
    # the code that builds them change the database too.
    digest.update(repr(sorted(DECLARED_INDEXES, key=repr)).encode())
    digest.update(Path(search_module.__file__ or "").read_bytes())
    # So are the typed reasons' trigram indexes (``core.history``, ADR 0080).
    digest.update(typed_reason_index_sql("").encode())
    for distribution in sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions()
    ):
        digest.update(distribution.encode())
    return digest.hexdigest()[:16]


def _run_id() -> str:
    """The same for every worker of one pytest run (pytest-xdist sets it), else per process."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))


class _TemplateCreation:
    """Stands in for ``creation.create_test_db`` while pytest-django sets the databases up."""

    def __init__(self, creation: BaseDatabaseCreation, *, rebuild: bool) -> None:
        # Django's private creation helpers (_get_test_db_name, _nodb_cursor) are not typed.
        self.creation: Any = creation
        self.connection = creation.connection
        self.original_create = creation.create_test_db
        self.rebuild = rebuild
        self.fingerprint = migration_fingerprint(self.connection.vendor)

    def create_test_db(
        self,
        verbosity: int = 1,
        autoclobber: bool = False,
        serialize: bool = False,
        keepdb: bool = False,
    ) -> str:
        if self.connection.vendor == "sqlite":
            return self._create_sqlite()
        return self._create_postgresql()

    # Building --------------------------------------------------------------------------------

    def _migrate_into(self, test_name: str) -> None:
        """Migrate a new database called ``test_name`` with Django's own test-database code."""
        test_settings = self.connection.settings_dict["TEST"]
        original_name = self.connection.settings_dict["NAME"]
        original_test_name = test_settings.get("NAME")
        test_settings["NAME"] = test_name
        try:
            self.original_create(verbosity=0, autoclobber=True, keepdb=False)
        finally:
            self.connection.close()
            test_settings["NAME"] = original_test_name
            self.connection.settings_dict["NAME"] = original_name
            settings.DATABASES[self.connection.alias]["NAME"] = original_name

    def _stamp(self, name: str) -> Path:
        return cache_directory() / f"{name}.built-by"

    def _is_current(self, exists: bool, name: str) -> bool:
        """A template that exists is reused, unless ``--create-db`` asked for a new one in this
        run and another worker has not built it yet."""
        if not exists:
            return False
        if not self.rebuild:
            return True
        stamp = self._stamp(name)
        return stamp.exists() and stamp.read_text() == _run_id()

    # SQLite ----------------------------------------------------------------------------------

    def _create_sqlite(self) -> str:
        template = self._ensure_sqlite_template()
        test_name: str = self.creation._get_test_db_name()
        if not self.creation.is_in_memory_db(test_name):
            Path(test_name).unlink(missing_ok=True)
        self._switch_to(test_name)
        self.connection.ensure_connection()
        source = sqlite3.connect(template)
        try:
            source.backup(self.connection.connection)
        finally:
            source.close()
        return test_name

    def _ensure_sqlite_template(self) -> Path:
        template = cache_directory() / f"sqlite-{self.fingerprint}.sqlite3"
        with file_lock(template.name):
            if not self._is_current(template.exists(), template.name):
                building = template.with_suffix(".building")  # one builder: the lock's holder
                building.unlink(missing_ok=True)
                self._migrate_into(str(building))
                building.replace(template)
                self._stamp(template.name).write_text(_run_id())
        return template

    # PostgreSQL ------------------------------------------------------------------------------

    def _create_postgresql(self) -> str:
        test_name: str = self.creation._get_test_db_name()
        with file_lock(self._postgresql_lock()):
            template = self._ensure_postgresql_template()
            self._execute(f"DROP DATABASE IF EXISTS {self._quote(test_name)} WITH (FORCE)")
            self._execute(
                f"CREATE DATABASE {self._quote(test_name)} TEMPLATE {self._quote(template)}"
            )
        self._switch_to(test_name)
        return test_name

    def _postgresql_lock(self) -> str:
        return f"postgresql-{self._template_prefix()}{self.fingerprint}"

    def _ensure_postgresql_template(self) -> str:
        """The template's name, migrated if it was not yet (the caller holds the lock)."""
        template = f"{self._template_prefix()}{self.fingerprint}"
        if not self._is_current(self._database_exists(template), template):
            building = f"{template}_building"
            self._execute(f"DROP DATABASE IF EXISTS {self._quote(building)} WITH (FORCE)")
            self._migrate_into(building)
            self._execute(f"DROP DATABASE IF EXISTS {self._quote(template)} WITH (FORCE)")
            self._execute(
                f"ALTER DATABASE {self._quote(building)} RENAME TO {self._quote(template)}"
            )
            self._stamp(template).write_text(_run_id())
            self._drop_older_templates(keep=template)
        return template

    def ensure_template(self) -> None:
        """Migrate the template if it is not there yet, and nothing else: what the run's
        controller starts while its workers collect (``start_template_build``)."""
        if self.connection.vendor == "sqlite":
            self._ensure_sqlite_template()
        else:
            with file_lock(self._postgresql_lock()):
                self._ensure_postgresql_template()

    def _template_prefix(self) -> str:
        # PostgreSQL names are at most 63 bytes: keep room for the fingerprint (16) and for
        # "_building" (9), the name the template is migrated under. Cut at 38 as before, a
        # database name of 24 characters or more made a name of 64 or more, which Django refuses.
        return f"test_{self.connection.settings_dict['NAME']}"[:_PREFIX_BYTES] + "_template_"

    def _quote(self, name: str) -> str:
        return str(self.connection.ops.quote_name(name))

    def _execute(self, sql: str) -> None:
        with self.creation._nodb_cursor() as cursor:
            cursor.execute(sql)

    def _database_exists(self, name: str) -> bool:
        with self.creation._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None

    def _drop_older_templates(self, *, keep: str) -> None:
        prefix = self._template_prefix()
        with self.creation._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s",
                [prefix, keep],
            )
            older = [row[0] for row in cursor.fetchall()]
        for name in older:
            with contextlib.suppress(Exception):  # another run may be cloning it right now
                self._execute(f"DROP DATABASE IF EXISTS {self._quote(name)}")

    # Both ------------------------------------------------------------------------------------

    def _switch_to(self, test_name: str) -> None:
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = test_name
        self.connection.settings_dict["NAME"] = test_name


@contextlib.contextmanager
def _templates_in_use(*, rebuild: bool) -> Iterator[None]:
    patched: list[tuple[BaseDatabaseCreation, Callable[..., Any]]] = []
    for connection in connections.all():
        if connection.vendor in _SUPPORTED:
            creation = connection.creation
            stand_in = _TemplateCreation(creation, rebuild=rebuild)
            patched.append((creation, creation.create_test_db))
            creation.create_test_db = stand_in.create_test_db  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        for creation, original in patched:
            creation.create_test_db = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's database setup, with each test database cloned from a template; a
    PostgreSQL one is flushed with ``DELETE`` (``devolve.core.testing.flush``), and the
    foreign-key checks a module's fixture left pending fire once, before its first test
    (``devolve.core.testing.constraints``)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    # A module that commits a demo once for all its tests (``demo_server`` in tests/browser)
    # asks for no ``db`` fixture per test, only for the rows the migrations load.
    if any("migrated_data" in getattr(item, "fixturenames", ()) for item in request.session.items):
        aliases.add(DEFAULT_DB_ALIAS)
    with django_db_blocker.unblock(), _templates_in_use(rebuild=django_db_createdb):
        names = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,  # type: ignore[arg-type]  # a set, as pytest-django passes it
            serialized_aliases=serialized_aliases,
        )
    with flushed_by_delete(), pending_checks_fired_before_each_test():
        yield
    with django_db_blocker.unblock():
        _end_other_sessions(names)
        teardown_databases(names, verbosity=request.config.option.verbose)


def _end_other_sessions(names: list[tuple[Any, str, bool]]) -> None:
    """Close every PostgreSQL session still on a test database, so that dropping it succeeds.

    A browser test leaves one behind: once Playwright's event loop runs in the test thread,
    Django keeps a connection per asyncio context, and the one opened in that context is never
    closed by the test thread. PostgreSQL refuses ``DROP DATABASE`` while any session is on it.
    """
    for connection, _old_name, destroy in names:
        if not destroy or connection.vendor != "postgresql":
            continue
        test_name = connection.settings_dict["NAME"]
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [test_name],
            )


def build_template() -> None:
    """Migrate the default database's template if it is missing (``start_template_build``'s
    process; Django is set up)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor in _SUPPORTED:
        _TemplateCreation(connection.creation, rebuild=False).ensure_template()


def start_template_build(config: pytest.Config) -> "subprocess.Popen[bytes] | None":
    """In the controller of a run with workers: migrate the template in a process of its own
    while the workers start and collect their tests (about ten seconds), instead of in the first
    worker to need a database while the other waits on the lock.

    The process takes the template's lock before any worker can ask for it; a worker that asks
    meanwhile waits, and one that finds no template afterwards (the process failed: its output
    is in ``template-build.log`` in the cache directory) migrates it itself, as without this.
    ``--create-db`` runs as before: its workers rebuild the template themselves."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return None
    if config.getoption("create_db", False):
        return None
    script = (
        "import django; django.setup(); "
        "from devolve.core.testing.template_database import build_template; build_template()"
    )
    # The process writes to its own copy of the log's descriptor; this one closes at once.
    with (cache_directory() / "template-build.log").open("wb") as log:
        return subprocess.Popen(  # noqa: S603 — our own interpreter on our own code
            [sys.executable, "-c", script],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=config.rootpath,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE},
        )


def finish_template_build(process: "subprocess.Popen[bytes] | None") -> None:
    """Wait for the template's process at the end of the run (or stop it, if the run ended
    before it did)."""
    if process is None:
        return
    if process.poll() is None:
        process.terminate()
    process.wait()
