"""A backup restores every table's rows and the audit trail as they were (SQLite here; CI's
PostgreSQL run takes the pg_dump path)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.events import record_event
from devolve.core.models import AuditEvent
from devolve.core.testing.database import restore_flushed_tables


@pytest.fixture(scope="module", autouse=True)
def _reference_rows_put_back(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Later tests in this worker need the reference rows the transactional test's flush empties."""
    with django_db_blocker.unblock():
        rows = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        restore_flushed_tables(rows)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _audit_trail() -> list[tuple[str, str, str]]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", "target_id", "reason"))


# Serialized rollback: the flush that ends a transactional test would otherwise empty the
# reference rows the migrations load (divisions, matter types) for every later test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_brings_back_every_row_and_the_audit_trail(tmp_path: Path) -> None:
    office = UserFactory(username="backup-office", role=User.Role.OFFICE)
    record_event(actor=office, action="user.created", target=office, reason="before the backup")
    counts, trail = _row_counts(), _audit_trail()
    backup = tmp_path / "devolve.backup"

    call_command("backup", str(backup))
    UserFactory(username="after-the-backup", role=User.Role.AUDITOR)
    AuditEvent.objects.all().delete()
    assert _row_counts() != counts
    call_command("restore", str(backup), "--yes")

    assert _row_counts() == counts
    assert _audit_trail() == trail
    assert User.objects.filter(username="after-the-backup").exists() is False


def test_a_restore_needs_confirmation(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "missing"))
