"""``core.migration_operations.AddIndexes``: the indexes of several models in one operation, and
on PostgreSQL the tables that got an index on an expression analysed (ADR 0080)."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from devolve.core.history import reason_code_index
from devolve.core.migration_operations import AddIndexes

Grant = apps.get_model("grants", "Grant")


class _Editor:
    """What ``AddIndexes`` asks of a schema editor, recorded."""

    def __init__(self, vendor: str) -> None:
        self.connection = SimpleNamespace(vendor=vendor, alias="default")
        self.atomic_migration = True
        self.done: list[tuple[str, Any]] = []

    def add_index(self, model: Any, index: models.Index, **options: Any) -> None:
        self.done.append(("index", (model._meta.db_table, index.name)))

    def execute(self, sql: str) -> None:
        self.done.append(("sql", sql))

    def quote_name(self, name: str) -> str:
        return f'"{name}"'


def _forwards(vendor: str) -> list[tuple[str, Any]]:
    operation = AddIndexes(
        [
            ("historicalgrant", reason_code_index(Grant)),
            ("historicalgrant", models.Index(fields=["history_type"], name="by_type")),
            ("historicalpublication", models.Index(fields=["history_type"], name="pub_by_type")),
        ]
    )
    editor = _Editor(vendor)
    operation.database_forwards("grants", editor, SimpleNamespace(), SimpleNamespace(apps=apps))
    return editor.done


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_a_table_with_an_index_on_an_expression_is_analysed_on_postgresql(vendor: str) -> None:
    done = _forwards(vendor)

    assert [kind for kind, _ in done[:3]] == ["index"] * 3
    analysed = [sql for kind, sql in done if kind == "sql"]
    # Only the grants' history got an index on an expression.
    expected = ['ANALYZE "grants_historicalgrant"'] if vendor == "postgresql" else []
    assert analysed == expected
