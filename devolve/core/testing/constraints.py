"""Rows written before a test, in a transaction that is still open, checked once instead of at the
end of every test (ADR 0075).

Django creates its foreign keys ``DEFERRABLE INITIALLY DEFERRED`` and checks them at the end of
each test (``TestCase._fixture_teardown``: on PostgreSQL ``SET CONSTRAINTS ALL IMMEDIATE``),
inside the test's savepoint, which is then rolled back. A module-scoped fixture that restores the
whole demo, seeds a day of its own or builds a world in a transaction it rolls back when the
module ends leaves every row's foreign-key check pending in that transaction. The first test's
check fires them, and rolling back its savepoint marks them pending again (PostgreSQL undoes
what a rolled-back subtransaction did to the queue of deferred checks): every test of the module
checked every foreign key of every row the module's fixture wrote. For the whole demo that was
about a second of the server's CPU per test (the API fuzz's teardowns waited 1.15 s each); with
100,000 rows pending, each savepoint's check took seconds and the same check at the top of the
transaction 40 ms.

While the test databases are in use, a test's atomic block opens only after the checks pending
in the enclosing transaction have fired there, outside any savepoint the test rolls back: the
fixture's rows are checked once, when its module's first test starts (a dangling key fails that
test's setup, not silently), and each test's own writes are still checked when it ends, as
Django checks them.

PostgreSQL only: SQLite's check at the end of a test (``PRAGMA foreign_key_check``) reads every
table whatever is pending, so firing anything earlier would not make it cheaper.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import connections
from django.test import TestCase

_ENTER_ATOMICS = TestCase.__dict__["_enter_atomics"]


def check_pending_constraints(alias: str) -> None:
    """Fire the foreign-key checks pending in ``alias``'s open transaction, at its current level:
    a PostgreSQL connection inside an atomic block that has not failed; nothing otherwise."""
    connection = connections[alias]
    if (
        connection.vendor == "postgresql"
        and connection.in_atomic_block
        and not connection.needs_rollback
    ):
        connection.check_constraints()


def _enter_atomics_after_pending_checks(cls: Any) -> Any:  # Django's private classmethods
    for alias in cls._databases_names():
        check_pending_constraints(alias)
    return _ENTER_ATOMICS.__func__(cls)


@contextlib.contextmanager
def pending_checks_fired_before_each_test() -> Iterator[None]:
    """While inside, each test's atomic block opens after the checks pending in the enclosing
    transaction have fired; on leaving, as it did before."""
    before = TestCase.__dict__["_enter_atomics"]
    TestCase._enter_atomics = classmethod(_enter_atomics_after_pending_checks)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        TestCase._enter_atomics = before  # type: ignore[attr-defined]
