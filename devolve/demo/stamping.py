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
runs, at no cost in queries (each distinct statement is read once a seed, ``_form_of``: a seed
runs the same few hundred statements thousands of times). An insert of another form (``INSERT …
SELECT``, a hand-written statement) is dated right after it runs, by id: the rows above the
table's highest id before it.
"""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

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
        # Each INSERT statement's form, read once (None: not into a stamped table).
        self.forms: dict[str, _Form | None] = {}
        self.moments: dict[tuple[type[models.Model], datetime.date], Any] = {}

    def watch(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        """The connection's execute wrapper: date the rows of each INSERT into a stamped table
        to the current step's day."""
        if not self.days or sql[:12].upper() != "INSERT INTO ":
            return execute(sql, params, many, context)
        # A seed runs the same few hundred statements thousands of times: each is read once.
        form = self.forms.get(sql, _UNREAD)
        if form is _UNREAD:
            form = self.forms[sql] = _form_of(self.by_name, sql)
        if form is None:
            return execute(sql, params, many, context)
        day = self.days[-1]
        dated = None if many else form.dated(params, self.moment(form.table, day))
        if dated is not None:
            return execute(sql, dated, many, context)
        before = self.newest_id(form.table)
        result = execute(sql, params, many, context)
        _date_rows(form.table, after=before, up_to=self.newest_id(form.table), at=moment_of(day))
        return result

    def moment(self, table: _Table, day: datetime.date) -> Any:
        """``day``'s moment as the table's date column stores it (now, read each time, when
        ``day`` is today)."""
        field = _field(table.model, table.date_field)
        if day == timezone.localdate():
            return field.get_db_prep_save(moment_of(day), connection)
        key = (table.model, day)
        if key not in self.moments:
            self.moments[key] = field.get_db_prep_save(moment_of(day), connection)
        return self.moments[key]

    def newest_id(self, table: _Table) -> int:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX({quote(table.id_field)}) "  # noqa: S608 — names, not input
                f"FROM {quote(table.model._meta.db_table)}"
            )
            (newest,) = cursor.fetchone()
        return int(newest or 0)


_UNREAD: Any = object()


@dataclass(frozen=True)
class _Form:
    """What the stamper reads of one INSERT statement into a stamped table: where each row's
    date goes among its parameters (``index`` in each row of ``width`` parameters; ``rows``
    rows of values, or 0 for PostgreSQL's ``UNNEST`` of one array a column), or nowhere
    (``index`` None: a form it cannot date in place, dated by id after it runs)."""

    table: _Table
    index: int | None = None
    width: int = 0
    rows: int = 0

    def dated(self, params: Any, value: Any) -> list[Any] | None:
        """The parameters with ``value`` in place of each row's date; None when this form
        cannot be dated in place or the parameters do not fit it."""
        if self.index is None or params is None:
            return None
        values = list(params)
        if not self.rows:
            if len(values) != self.width or not isinstance(values[self.index], list | tuple):
                return None
            values[self.index] = [value] * len(values[self.index])
            return values
        if len(values) != self.width * self.rows:
            return None
        values[self.index :: self.width] = [value] * self.rows
        return values


def _form_of(by_name: dict[str, _Table], sql: str) -> _Form | None:
    """The form of ``sql``, an INSERT: None when its table is not stamped; else where the dates
    go among its parameters when it is one Django builds for rows of values (``INSERT INTO t
    (columns) VALUES (%s, …), …`` or PostgreSQL's ``SELECT * FROM UNNEST(%s, …)``), each column
    one placeholder."""
    name = sql[12:].lstrip().split(None, 1)[0].split("(", 1)[0].strip('"`')
    table = by_name.get(name)
    if table is None:
        return None
    opening = sql.find("(")
    closing = sql.find(")", opening)
    if opening < 0 or closing < 0:
        return _Form(table)
    columns = [column.strip().strip('"`') for column in sql[opening + 1 : closing].split(",")]
    date_column = _field(table.model, table.date_field).column
    if date_column not in columns:
        return _Form(table)
    index, width = columns.index(date_column), len(columns)
    rest = sql[closing + 1 :].lstrip()
    if rest.startswith("SELECT * FROM UNNEST("):
        return _Form(table, index, width)
    if not rest.startswith("VALUES ("):
        return _Form(table)
    rows = rest[len("VALUES (") :].split(" RETURNING ", 1)[0].rstrip().removesuffix(")")
    groups = rows.split("), (")
    if any(
        len(placeholders := group.split(", ")) != width
        or any(placeholder.count("%s") != 1 for placeholder in placeholders)
        for group in groups
    ):
        return _Form(table)
    return _Form(table, index, width, len(groups))


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
