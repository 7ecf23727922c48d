"""The days the demo's history and audit rows carry: ``with stamped(day):`` around a step of the
seed dates every history row and audit event that step writes to the day it happened (noon of
that day, ``core.history.moment_of``), not to the time the seed ran.

The services stamp their rows with the clock; the demo plays years of the programme in a minute,
so each row a step writes is dated to the step's day as it is written. Steps nest: each row
carries the day of the innermost step that wrote it. Rows written outside every step keep the
time they were written.

A seed takes thousands of steps, so the stamper watches the statements the connection runs (an
execute wrapper: every row Django writes, by ``save``, ``bulk_create`` or a raw cursor, goes
through it) and dates each row as it is written: in an ``INSERT`` of the plain forms Django
builds (a list of values, or PostgreSQL's ``UNNEST`` of one array a column) into one of the 47
history and audit tables, it puts the step's moment in place of the clock's before the statement
runs, at no cost in queries. An insert of another form (``INSERT … SELECT``, a hand-written
statement) is dated right after it runs, by id: the rows above the table's highest id before it.
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
    days: list[datetime.date] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_name = {table.model._meta.db_table: table for table in self.tables}

    def watch(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        """The connection's execute wrapper: date the rows of each INSERT into a stamped table
        to the current step's day."""
        if not self.days or sql[:12].upper() != "INSERT INTO ":
            return execute(sql, params, many, context)
        name = sql[12:].lstrip().split(None, 1)[0].split("(", 1)[0].strip('"`')
        table = self.by_name.get(name)
        if table is None:
            return execute(sql, params, many, context)
        moment = moment_of(self.days[-1])
        dated = None if many else _dated_in_place(table, sql, params, moment)
        if dated is not None:
            return execute(sql, dated, many, context)
        before = self.newest_id(table)
        result = execute(sql, params, many, context)
        _date_rows(table, after=before, up_to=self.newest_id(table), at=moment)
        return result

    def newest_id(self, table: _Table) -> int:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX({quote(table.id_field)}) "  # noqa: S608 — names, not input
                f"FROM {quote(table.model._meta.db_table)}"
            )
            (newest,) = cursor.fetchone()
        return int(newest or 0)


def _dated_in_place(
    table: _Table, sql: str, params: Any, moment: datetime.datetime
) -> list[Any] | None:
    """The parameters of ``sql``, an INSERT into ``table``, with the moment in place of each
    row's date; None when the statement is not of a form Django builds for rows of values
    (``INSERT INTO t (columns) VALUES (%s, …), …`` or PostgreSQL's ``SELECT * FROM UNNEST(%s,
    …)``), each column one placeholder."""
    opening = sql.find("(")
    closing = sql.find(")", opening)
    if opening < 0 or closing < 0 or params is None:
        return None
    columns = [column.strip().strip('"`') for column in sql[opening + 1 : closing].split(",")]
    date_column = _field(table.model, table.date_field).column
    if date_column not in columns:
        return None
    index, width = columns.index(date_column), len(columns)
    value = _field(table.model, table.date_field).get_db_prep_save(moment, connection)
    rest = sql[closing + 1 :].lstrip()
    values = list(params)
    if rest.startswith("SELECT * FROM UNNEST("):
        if len(values) != width or not isinstance(values[index], list | tuple):
            return None
        values[index] = [value] * len(values[index])
        return values
    if not rest.startswith("VALUES ("):
        return None
    rows = rest[len("VALUES (") :].split(" RETURNING ", 1)[0].rstrip().removesuffix(")")
    groups = rows.split("), (")
    if any(
        len(placeholders := group.split(", ")) != width
        or any(placeholder.count("%s") != 1 for placeholder in placeholders)
        for group in groups
    ):
        return None
    if len(values) != width * len(groups):
        return None
    for position in range(index, len(values), width):
        values[position] = value
    return values


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
        _running.append(stamper)
        try:
            with connection.execute_wrapper(stamper.watch):
                yield from _step(stamper, day)
        finally:
            _running.clear()
    else:
        yield from _step(_running[0], day)


def _step(stamper: _Stamper, day: datetime.date) -> Iterator[None]:
    stamper.days.append(day)
    try:
        yield
    finally:
        stamper.days.pop()
