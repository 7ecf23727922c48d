"""Figures kept under the version of their inputs (``devolve.core.derived``): a version read
while a transaction writing the database is in progress is not trusted, since that transaction
may hold a history id beneath the newest one and commit it without changing the version."""

import contextlib
import dataclasses
import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from devolve.core import derived
from devolve.core.derived import _version_sql, computed_once, data_version
from devolve.regions.models import Batch
from devolve.regions.tests.factories import BatchFactory

pytestmark = pytest.mark.django_db

INPUTS = [Batch]


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has one writer at a time: history ids are committed in the order they are "
            "taken, so every version read there is settled"
        )


def _other_session(**database: str) -> Any:
    """A second connection to this test's database (or another one named), outside the test's
    transaction, not in autocommit mode."""
    other = connection.get_new_connection({**connection.get_connection_params(), **database})
    other.autocommit = False
    return other


@contextlib.contextmanager
def _writing_elsewhere(**database: str) -> Iterator[None]:
    """A transaction writing this database (or another one named) in progress in another
    session: it holds a transaction id, as any write does (``pg_current_xact_id`` takes one),
    newer than any completed, so the snapshot does not list it among those in progress."""
    other = _other_session(**database)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()")  # in a transaction: not autocommit
        yield
    finally:
        other.rollback()
        other.close()


class Counted:
    def __init__(self) -> None:
        self.computed = 0

    def compute(self) -> int:
        self.computed += 1
        return self.computed


def _twice(counted: Counted) -> None:
    for _ in range(2):
        computed_once("test-figure", inputs=INPUTS, key=1, compute=counted.compute)


def test_a_figure_is_not_kept_while_a_writing_transaction_is_in_progress(
    postgresql: None,
) -> None:
    BatchFactory()
    counted = Counted()
    assert data_version(INPUTS).settled  # read once in the test's transaction, then again

    with _writing_elsewhere():
        _twice(counted)
        assert not data_version(INPUTS).settled

    assert counted.computed == 2  # computed again: not kept under an unsettled version


def test_a_figure_is_kept_once_no_writing_transaction_is_in_progress(postgresql: None) -> None:
    """The test's own transaction is not among those in progress in its own snapshot."""
    BatchFactory()
    counted = Counted()

    _twice(counted)

    assert data_version(INPUTS).settled
    assert counted.computed == 1


def test_a_transaction_of_another_database_leaves_the_version_settled(postgresql: None) -> None:
    """It cannot write this database's history tables (a server shared by several databases,
    or the test workers' databases, would otherwise never settle)."""
    other = _other_session(dbname="postgres")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()")  # in a transaction: not autocommit
        assert data_version(INPUTS).settled
    finally:
        other.rollback()
        other.close()


def test_a_version_whose_listed_transaction_ended_unseen_is_read_once_more(
    postgresql: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction the snapshot lists may end before the backends are read: it cannot be told
    from one of this database, so the version is read again on a new snapshot rather than
    answered unsettled (the other test worker's transactions end all the time)."""
    BatchFactory()
    read = derived._read_row
    answers = iter([derived._ENDED, None])

    def first_ended(connection: Any, sql: str) -> tuple[Any, ...]:
        row = read(connection, sql)
        forced = next(answers, None)
        return row if forced is None else (*row[:-1], forced)

    monkeypatch.setattr(derived, "_read_row", first_ended)
    with CaptureQueriesContext(connection) as queries:
        version = data_version(INPUTS)
    assert version.settled
    assert len(queries) == 2


def test_a_version_that_ends_unseen_twice_is_not_settled(
    postgresql: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = derived._read_row
    monkeypatch.setattr(
        derived, "_read_row", lambda connection, sql: (*read(connection, sql)[:-1], derived._ENDED)
    )
    assert not data_version(INPUTS).settled


def test_the_versions_token_changes_with_each_newest_history_row() -> None:
    """Stored pages and kept figures are keyed by the token: it differs whenever the newest
    history row of an input (its id or its date) does, and is the same for the same rows."""
    first = BatchFactory()
    before = data_version(INPUTS)
    assert data_version(INPUTS).token == before.token

    BatchFactory()
    added = data_version(INPUTS)
    first.delete()
    deleted = data_version(INPUTS)

    tokens = {before.token, added.token, deleted.token}
    assert len(tokens) == 3
    for version in (before, added, deleted):
        ((history_id, moment),) = version.newest
        assert version.token == f"{history_id}@{moment}"
    moved = dataclasses.replace(
        deleted,
        newest=((deleted.newest[0][0], datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),),
    )
    assert moved.token != deleted.token  # the date alone, the id the same


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def _read_unprepared() -> tuple[Any, ...]:
    with connection.cursor() as cursor:  # Django's own cursor: binds on the client
        cursor.execute(_version_sql((Batch,), connection.alias))
        row: tuple[Any, ...] = cursor.fetchone()
        return row


def test_the_version_query_is_prepared_once_per_connection(postgresql: None) -> None:
    """Planning it is most of its cost on the server. Prepared, it reads what it read before,
    still through Django's cursor (logged, its errors Django's)."""
    sql = _version_sql((Batch,), connection.alias)
    version = data_version(INPUTS)
    BatchFactory()
    with CaptureQueriesContext(connection) as read:
        changed = data_version(INPUTS)
        again = data_version(INPUTS)

    assert _prepared_statements().count(sql) == 1  # prepared at the first read, then reused
    # Logged as Django logs a statement it cannot read back from the cursor: with its SQL.
    assert [sql in query["sql"] for query in read.captured_queries] == [True, True]
    assert changed != version  # a row written since: a new version, as unprepared
    assert changed == again
    unprepared = _read_unprepared()
    assert changed.newest == ((unprepared[0], unprepared[1]),)
    assert changed.settled
    assert unprepared[2] == derived._SETTLED


def test_the_version_query_is_prepared_again_after_a_rollback(postgresql: None) -> None:
    """psycopg forgets what it prepared when a transaction rolls back; the next read prepares
    it again instead of failing on a statement the server no longer holds."""
    data_version(INPUTS)
    with contextlib.suppress(RuntimeError), transaction.atomic():
        BatchFactory()
        data_version(INPUTS)
        raise RuntimeError  # rolled back to the savepoint
    BatchFactory()

    version = data_version(INPUTS)

    unprepared = _read_unprepared()
    assert version.newest == ((unprepared[0], unprepared[1]),)


def test_the_version_query_is_not_prepared_behind_a_transaction_pooler(
    postgresql: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PgBouncer in transaction mode (``DISABLE_SERVER_SIDE_CURSORS``) may hand the next
    transaction another server session, which would not know the statement."""
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    sql = _version_sql((Batch,), connection.alias)
    BatchFactory()

    version = data_version(INPUTS)

    assert sql not in _prepared_statements()
    unprepared = _read_unprepared()
    assert version.newest == ((unprepared[0], unprepared[1]),)


def _counting_health_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time the connection's health is checked."""
    checked: list[int] = []
    is_usable = connection.is_usable

    def counted() -> bool:
        checked.append(1)
        return is_usable()

    monkeypatch.setattr(connection, "is_usable", counted)
    return checked


def _a_connection_kept() -> None:
    """A connection opened now, so that it is kept for ``CONN_MAX_AGE`` (one opened by an earlier
    test may be older than that)."""
    connection.close()
    connection.ensure_connection()


def _a_new_request() -> None:
    """As Django's ``request_started`` does to a connection kept from an earlier request."""
    connection.close_if_unusable_or_obsolete()
    assert connection.health_check_enabled  # CONN_HEALTH_CHECKS, as configured
    assert connection.connection is not None
    assert not connection.health_check_done


@pytest.mark.django_db(transaction=True)
def test_the_version_query_is_the_connections_health_check(
    postgresql: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request whose first query is the version query runs no ``SELECT 1`` before it; a
    connection that died since the last request is replaced, and the version read on the new
    one, as Django's own check would have done."""
    checked = _counting_health_checks(monkeypatch)
    _a_connection_kept()
    _a_new_request()

    version = data_version(INPUTS)

    assert checked == []
    assert connection.health_check_done  # no check later in the request either
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (dying,) = cursor.fetchone()
    _a_new_request()
    killer = _other_session()
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [dying])
    finally:
        killer.close()

    assert data_version(INPUTS) == version

    assert checked == [1]  # found dead, then replaced
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != dying


@pytest.mark.django_db(transaction=True)
def test_a_failing_version_query_on_a_live_connection_is_not_repeated(
    postgresql: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a dead connection is replaced: an error of the query itself is raised as it is."""
    checked = _counting_health_checks(monkeypatch)
    monkeypatch.setattr("devolve.core.derived._version_sql", lambda inputs, alias: "SELECT 1/0")
    _a_connection_kept()
    _a_new_request()
    kept = connection.connection

    with pytest.raises(DataError):
        data_version(INPUTS)

    assert checked == [1]
    assert connection.connection is kept
