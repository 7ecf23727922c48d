"""The state of the database a call may touch, so a refused call can be shown to have written
nothing: ``assert_refused(code, call, *models)``.

Generic over models: for each tracked model it records every row, the count of its history rows
(django-simple-history), every row of its many-to-many tables and of their history tables, and
the number of audit events.
"""

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core import serializers
from django.core.serializers.base import DeserializedObject
from django.db import connection, models, transaction

from devolve.core.errors import DomainError
from devolve.core.models import AuditEvent


def _rows(model: type[models.Model]) -> list[dict[str, Any]]:
    return list(model._default_manager.order_by("pk").values())


def _many_to_many_history_models(model: type[models.Model]) -> list[type[models.Model]]:
    """The history tables simple-history keeps for ``model``'s tracked many-to-many fields."""
    prefix = f"Historical{model._meta.object_name}_"
    return [
        candidate
        for candidate in apps.get_app_config(model._meta.app_label).get_models()
        if (candidate._meta.object_name or "").startswith(prefix)
    ]


def database_state(*tracked: type[models.Model]) -> dict[str, Any]:
    """Every row of each tracked model, how many history rows it has, every row of its
    many-to-many tables, and how many audit events exist: equal before and after a refused call
    exactly when the call wrote nothing."""
    state: dict[str, Any] = {"audit events": AuditEvent.objects.count()}
    for model in tracked:
        label = model._meta.label
        state[label] = _rows(model)
        history = getattr(model, "history", None)
        if history is not None:
            state[f"{label} history"] = history.count()
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            assert through is not None
            state[f"{label}.{field.name}"] = _rows(through)
        for history_model in _many_to_many_history_models(model):
            state[history_model._meta.label] = history_model._default_manager.count()
    return state


def assert_refused(
    code: str, call: Callable[[], object], *tracked: type[models.Model]
) -> DomainError:
    """``call`` raises a ``DomainError`` with ``code`` and leaves every tracked table as it was."""
    before = database_state(*tracked)
    with pytest.raises(DomainError) as caught:
        call()
    if caught.value.code != code:
        raise AssertionError(f"code {caught.value.code!r} ({caught.value}), not {code!r}")
    after = database_state(*tracked)
    changed = sorted(key for key in before if before[key] != after[key])
    if changed:
        raise AssertionError(f"a refused call changed {', '.join(changed)}")
    return caught.value


def restore_flushed_tables(snapshot: str) -> None:
    """Put back, from ``snapshot`` (``connection.creation.serialize_db_to_string()``), the rows
    the migrations load (divisions, matter types …), which the flush that ends a transactional
    test takes from every later test in the worker.

    Call it right after a flush. An empty table gets its rows back; a table the flush's
    ``post_migrate`` signal filled again (content types, permissions) holds the same rows under
    new ids, which a later ``serialized_rollback`` test would insert a second time, so it gets
    the snapshot's rows in place of its own.

    A table's rows go back in one bulk insert, as the raw save of each deserialized row would
    write them (no signals: a raw save writes no history either): a save per row was two queries
    each (an ``UPDATE`` that found nothing, then the ``INSERT``), over a thousand round trips at
    the end of every transactional test, most of its teardown on PostgreSQL."""
    rows_by_model: dict[type[models.Model], list[DeserializedObject]] = defaultdict(list)
    for row in serializers.deserialize("json", snapshot):
        rows_by_model[type(row.object)].append(row)
    with transaction.atomic():
        _defer_foreign_key_checks()
        for model, rows in rows_by_model.items():
            present = set(model._base_manager.values_list("pk", flat=True))
            if present == {row.object.pk for row in rows}:
                continue
            if present:
                model._base_manager.all()._raw_delete(model._base_manager.db)
            model._base_manager.bulk_create([row.object for row in rows])
            for row in rows:
                for accessor, related in (row.m2m_data or {}).items():
                    getattr(row.object, accessor).set(related)


def _defer_foreign_key_checks() -> None:
    """Check foreign keys at commit, so a table's rows can be replaced while others point at
    them (Django creates its foreign keys deferrable on both databases)."""
    statement = {
        "postgresql": "SET CONSTRAINTS ALL DEFERRED",
        "sqlite": "PRAGMA defer_foreign_keys = ON",
    }.get(connection.vendor)
    if statement:
        with connection.cursor() as cursor:
            cursor.execute(statement)


def read_again[World](world: World) -> World:
    """A copy of ``world``, a dataclass of model instances (or of dicts, lists or dataclasses of
    them), each read again from the database.

    A module-scoped fixture that builds its test data once (in a transaction rolled back after
    the module; each test in a savepoint inside it) hands every test fresh instances: what one
    test changed in memory, or wrote and rolled back, is not seen by the next."""

    def again(value: Any) -> Any:
        if isinstance(value, models.Model):
            return type(value)._base_manager.get(pk=value.pk)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return read_again(value)
        if isinstance(value, dict):
            return {key: again(item) for key, item in value.items()}
        if isinstance(value, list):
            return [again(item) for item in value]
        return value

    fields = dataclasses.fields(world)  # type: ignore[arg-type]
    return dataclasses.replace(  # type: ignore[type-var]
        world, **{field.name: again(getattr(world, field.name)) for field in fields}
    )
