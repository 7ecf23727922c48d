"""The tests' flush of a PostgreSQL database (``devolve.core.testing.flush``): a ``DELETE`` of
each table during the test run, Django's ``TRUNCATE`` when sequences are reset or the flush
cascades."""

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.db.backends.postgresql.operations import DatabaseOperations

from devolve.core.testing.flush import flushed_by_delete

# The run's databases are set up, and flushed by ``DELETE``, by ``django_db_setup``.
pytestmark = pytest.mark.usefixtures("django_db_setup")

TABLES = ["matters_matter", "grants_grant"]
DELETES = [
    "SET CONSTRAINTS ALL DEFERRED;",
    'DELETE FROM "matters_matter";',
    'DELETE FROM "grants_grant";',
]


def _sql(**options: bool) -> list[str]:
    return DatabaseOperations(connection).sql_flush(no_style(), TABLES, **options)


def test_during_the_run_each_table_is_emptied_with_delete_its_constraints_deferred() -> None:
    assert _sql() == DELETES


def test_resetting_sequences_or_cascading_still_truncates() -> None:
    assert _sql(reset_sequences=True) == [
        'TRUNCATE "matters_matter", "grants_grant" RESTART IDENTITY;'
    ]
    assert _sql(allow_cascade=True) == ['TRUNCATE "matters_matter", "grants_grant" CASCADE;']
    assert DatabaseOperations(connection).sql_flush(no_style(), []) == []


def test_leaving_puts_back_what_was_there() -> None:
    with flushed_by_delete():
        assert _sql() == DELETES
    assert _sql() == DELETES
