"""Foreign-key checks left pending before a test fire before its atomic block opens
(``devolve.core.testing.constraints``, ADR 0075): a dangling key written by a module's fixture
fails the next test's setup."""

from collections.abc import Callable

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.test import TestCase

from devolve.accounts.tests.factories import UserFactory
from devolve.core.testing.constraints import (
    check_pending_constraints,
    pending_checks_fired_before_each_test,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite checks every table at a test's end whatever is pending",
    ),
]


def _leave_a_dangling_key() -> None:
    """A user in a group that does not exist: Django's foreign keys are checked at commit."""
    user = UserFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user_groups (user_id, group_id) VALUES (%s, %s)",
            [user.pk, -1],
        )


def _check_after_leaving_a_dangling_key(check: Callable[[], object]) -> None:
    with transaction.atomic():
        _leave_a_dangling_key()
        check()


def test_a_dangling_key_pending_in_the_transaction_fails_when_checked() -> None:
    with pytest.raises(IntegrityError):
        _check_after_leaving_a_dangling_key(lambda: check_pending_constraints(DEFAULT_DB_ALIAS))


def test_keys_that_hold_pass_and_stay_checked() -> None:
    with transaction.atomic():
        UserFactory()
        check_pending_constraints(DEFAULT_DB_ALIAS)
        connection.check_constraints()  # what Django runs when a test ends


def test_the_next_test_s_atomic_block_opens_only_after_the_pending_checks_fired() -> None:
    """As a module's fixture leaves them, in a transaction still open when its tests start
    (``_enter_atomics`` is what pytest-django calls as a test starts)."""
    with pytest.raises(IntegrityError):
        _check_after_leaving_a_dangling_key(TestCase._enter_atomics)


def test_leaving_puts_back_what_was_there() -> None:
    before = TestCase.__dict__["_enter_atomics"]
    with pending_checks_fired_before_each_test():
        assert TestCase.__dict__["_enter_atomics"] is not before
    assert TestCase.__dict__["_enter_atomics"] is before
