"""The days the demo's history and audit rows carry: ``with stamped(day):`` around a step of the
seed dates every history row and audit event that step writes to the day it happened (noon of
that day, ``core.history.moment_of``), not to the time the seed ran.

The services stamp their rows with the clock; the demo plays years of the programme in a minute,
so the rows a step wrote are found by id afterwards and moved to the step's day. Steps nest:
entering a step first dates what the enclosing step wrote so far to the enclosing day, so each
row carries the day of the innermost step that wrote it. Rows written outside every step keep
the time they were written.

A seed takes thousands of steps and most write to two or three of the 47 history and audit
tables, so the stamper watches the statements the connection runs (an execute wrapper) and, at
each step's edge, looks only at the tables an ``INSERT`` went to since the last edge: nothing at
all when none did. Every row Django writes, by ``save``, ``bulk_create`` or a raw cursor, goes
through that wrapper.
"""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models

from devolve.core.history import moment_of
from devolve.core.models import AuditEvent


@dataclass(frozen=True)
class _Table:
    model: type[models.Model]
    id_field: str
    date_field: str


def _tables() -> list[_Table]:
    """Every history table (``history_date``), and the audit events."""
    tables = [
        _Table(model, "history_id", "history_date")
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
        and {"history_id", "history_date"} <= {field.name for field in model._meta.fields}
    ]
    return [*tables, _Table(AuditEvent, "id", "occurred_at")]


@dataclass
class _Stamper:
    tables: list[_Table]
    seen: dict[str, int] = field(default_factory=dict)
    days: list[datetime.date] = field(default_factory=list)
    # The tables of ``tables`` (by database name) an INSERT went to since the last edge.
    written: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.by_name = {table.model._meta.db_table: table for table in self.tables}

    def watch(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        """The connection's execute wrapper: note the table of each INSERT."""
        if sql[:12].upper() == "INSERT INTO ":
            name = sql[12:].lstrip().split(None, 1)[0].split("(", 1)[0].strip('"`')
            if name in self.by_name:
                self.written.add(name)
        return execute(sql, params, many, context)

    def newest_ids(self, tables: list[_Table]) -> dict[str, int]:
        """The highest id of each of ``tables``. One query."""
        quote = connection.ops.quote_name
        parts = [
            f"SELECT {index}, MAX({quote(table.id_field)}) "  # noqa: S608 — table names, not input
            f"FROM {quote(table.model._meta.db_table)}"
            for index, table in enumerate(tables)
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts))
            rows = cursor.fetchall()
        return {tables[index].model._meta.label: newest or 0 for index, newest in rows}

    def start(self) -> None:
        self.seen = self.newest_ids(self.tables)

    def date_new_rows(self) -> None:
        """Date the rows written since the last call to the current step's day (none outside
        every step)."""
        if not self.written:
            return
        tables = [self.by_name[name] for name in sorted(self.written)]
        self.written.clear()
        newest = self.newest_ids(tables)
        if self.days:
            moment = moment_of(self.days[-1])
            for table in tables:
                label = table.model._meta.label
                if newest[label] > self.seen.get(label, 0):
                    _date_rows(table, after=self.seen.get(label, 0), up_to=newest[label], at=moment)
        self.seen.update(newest)


def _date_rows(table: _Table, *, after: int, up_to: int, at: datetime.datetime) -> None:
    """Set the date of the rows with ids in (``after``, ``up_to``] to ``at``: the statement
    ``filter(...).update(...)`` runs, the value prepared by the field as it prepares it, without
    building the query each time (thousands of times a seed)."""
    quote = connection.ops.quote_name
    date_field = _field(table.model, table.date_field)
    id_column = quote(_field(table.model, table.id_field).get_attname_column()[1] or "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table.model._meta.db_table)} "  # noqa: S608 — names, not input
            f"SET {quote(date_field.get_attname_column()[1] or '')} = %s "
            f"WHERE {id_column} > %s AND {id_column} <= %s",
            [date_field.get_db_prep_save(at, connection), after, up_to],
        )


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a column")
    return field


# The stamper of the seed running in this process, while one runs.
_running: list[_Stamper] = []


@contextmanager
def stamped(day: datetime.date) -> Iterator[None]:
    """Date the history rows and audit events written inside the block to ``day``."""
    if not _running:
        stamper = _Stamper(_tables())
        stamper.start()
        _running.append(stamper)
        try:
            with connection.execute_wrapper(stamper.watch):
                yield from _step(stamper, day)
        finally:
            _running.clear()
    else:
        yield from _step(_running[0], day)


def _step(stamper: _Stamper, day: datetime.date) -> Iterator[None]:
    stamper.date_new_rows()
    stamper.days.append(day)
    try:
        yield
        stamper.date_new_rows()
    finally:
        stamper.days.pop()
