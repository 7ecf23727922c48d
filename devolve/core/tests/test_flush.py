"""The tests' flush of a PostgreSQL database (``devolve.core.testing.flush``): a ``DELETE`` of
each table during the test run, Django's ``TRUNCATE`` when sequences are reset or the flush
cascades."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.db.backends.postgresql.operations import DatabaseOperations

from devolve.core.testing.database import restore_flushed_tables
from devolve.core.testing.flush import flushed_by_delete

# The run's databases are set up, and flushed by ``DELETE``, by ``django_db_setup``.
pytestmark = pytest.mark.usefixtures("django_db_setup")

TABLES = ["matters_matter", "grants_grant"]
DELETES = [
    'SET CONSTRAINTS ALL DEFERRED; DELETE FROM "matters_matter"; DELETE FROM "grants_grant";'
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


@pytest.mark.django_db(transaction=True)
def test_content_types_a_flush_made_again_get_back_the_ids_a_serialized_rollback_expects(
    migrated_data: str,
) -> None:
    """A flush re-runs ``post_migrate``, which makes the content types and permissions again
    under new ids; put back, they have the ids Django's serialized copy of the database holds,
    so a later ``serialized_rollback`` test can load that copy (it failed with an
    IntegrityError on ``django_content_type`` when it ran after a transactional test)."""
    serialized = {
        (row["model"], row["pk"])
        for row in json.loads(migrated_data)
        if row["model"] in {"contenttypes.contenttype", "auth.permission"}
    }
    # As a transactional test's teardown flushes: sequences go on from where they were.
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    assert ContentType.objects.exists()  # made again by post_migrate
    assert _content_type_and_permission_keys() != serialized

    restore_flushed_tables(migrated_data)

    assert _content_type_and_permission_keys() == serialized
    connection.creation.deserialize_db_from_string(migrated_data)  # what serialized_rollback does


def _content_type_and_permission_keys() -> set[tuple[str, int]]:
    return {
        ("contenttypes.contenttype", pk) for pk in ContentType.objects.values_list("pk", flat=True)
    } | {("auth.permission", pk) for pk in Permission.objects.values_list("pk", flat=True)}
