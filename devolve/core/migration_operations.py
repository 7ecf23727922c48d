"""Migration operations of the project's own, for what Django's cost too much to migrate."""

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState


class AddIndexes(Operation):
    """``AddIndex`` for several models of one app, as one operation.

    Each ``AddIndex`` on a history table renders the table's model again with every model
    related to it, and through ``history_user`` that is every model that names a user: 94 of
    them (two indexes on each of 47 history tables) added ten seconds of CPU to migrating an
    empty database, which every test run does (issue 11). This operation changes the state of
    all its models first and renders them once. The indexes and the database's work are those
    of the ``AddIndex`` operations it stands for; the autodetector sees the same state.

    In a migration with ``atomic = False`` PostgreSQL builds each index concurrently, without
    locking the table's writes (docs/how-to/change-a-model-safely.md); other databases build
    them as ``AddIndex`` does."""

    reversible = True
    category = OperationCategory.ADDITION

    def __init__(self, indexes: Sequence[tuple[str, models.Index]]) -> None:
        """``indexes``: (model name, index) pairs, each index named."""
        for model_name, index in indexes:
            if not index.name:
                raise ValueError(f"AddIndexes needs named indexes ({model_name}: {index}).")
        self.indexes = list(indexes)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.indexes], {})

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        names = []
        for model_name, index in self.indexes:
            key = (app_label, model_name.lower())
            options = state.models[key].options
            options["indexes"] = [*options.get("indexes", []), index.clone()]
            names.append(key)
        state.reload_models(list(dict.fromkeys(names)), delay=True)

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self._each_index(schema_editor, to_state, app_label, self.indexes, "add_index")
        self._analyze_expressions(schema_editor, to_state, app_label)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        indexes = list(reversed(self.indexes))
        self._each_index(schema_editor, from_state, app_label, indexes, "remove_index")

    def _each_index(
        self,
        schema_editor: BaseDatabaseSchemaEditor,
        state: ProjectState,
        app_label: str,
        indexes: Sequence[tuple[str, models.Index]],
        method: str,
    ) -> None:
        """``schema_editor.<method>(model, index)`` for each index on its model as ``state``
        has it, concurrently where ``_concurrently`` says."""
        options = {"concurrently": True} if _concurrently(schema_editor) else {}
        for model_name, index in indexes:
            model = state.apps.get_model(app_label, model_name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                getattr(schema_editor, method)(model, index, **options)

    def _analyze_expressions(
        self, schema_editor: BaseDatabaseSchemaEditor, state: ProjectState, app_label: str
    ) -> None:
        """PostgreSQL keeps statistics of an index's expressions only once the table is
        analysed, and adding an index does not make autovacuum analyse it: until then the
        planner takes a filter on the expression to keep 0.5 % of the rows, and would rather
        walk another index through the whole table (ADR 0080: 6 s on the national set's usage
        lines, 0.1 s once analysed). Each table that got an index on an expression is analysed
        (a sample of rows: well under a second for ten million)."""
        if schema_editor.connection.vendor != "postgresql":
            return
        models_named = dict.fromkeys(
            model_name for model_name, index in self.indexes if index.expressions
        )
        for model_name in models_named:
            model = state.apps.get_model(app_label, model_name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.execute(f"ANALYZE {schema_editor.quote_name(model._meta.db_table)}")

    def describe(self) -> str:
        return f"Create {len(self.indexes)} indexes on {len(dict(self.indexes))} models"

    @property
    def migration_name_fragment(self) -> str:
        return "indexes"


def _concurrently(schema_editor: BaseDatabaseSchemaEditor) -> bool:
    """Whether to build or drop an index concurrently: on PostgreSQL, outside a transaction."""
    return schema_editor.connection.vendor == "postgresql" and not schema_editor.atomic_migration
