"""The days the demo's history and audit rows carry: ``with stamped(day):`` around a step of the
seed dates every history row and audit event that step writes to the day it happened (noon of
that day, ``core.history.moment_of``), not to the time the seed ran.

The services stamp their rows with the clock; the demo plays years of the programme in a minute,
so the rows a step wrote are found by id afterwards and moved to the step's day. Steps nest:
entering a step first dates what the enclosing step wrote so far to the enclosing day, so each
row carries the day of the innermost step that wrote it. Rows written outside every step keep
the time they were written.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

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

    def newest_ids(self) -> dict[str, int]:
        """The highest id of each table. One query."""
        quote = connection.ops.quote_name
        parts = [
            f"SELECT {index}, MAX({quote(table.id_field)}) "  # noqa: S608 — table names, not input
            f"FROM {quote(table.model._meta.db_table)}"
            for index, table in enumerate(self.tables)
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts))
            rows = cursor.fetchall()
        return {self.tables[index].model._meta.label: newest or 0 for index, newest in rows}

    def date_new_rows(self) -> None:
        """Date the rows written since the last call to the current step's day (none outside
        every step)."""
        newest = self.newest_ids()
        if self.days:
            moment = moment_of(self.days[-1])
            for table in self.tables:
                label = table.model._meta.label
                if newest[label] > self.seen.get(label, 0):
                    table.model._default_manager.filter(
                        **{
                            f"{table.id_field}__gt": self.seen.get(label, 0),
                            f"{table.id_field}__lte": newest[label],
                        }
                    ).update(**{table.date_field: moment})
        self.seen = newest


# The stamper of the seed running in this process, while one runs.
_running: list[_Stamper] = []


@contextmanager
def stamped(day: datetime.date) -> Iterator[None]:
    """Date the history rows and audit events written inside the block to ``day``."""
    outermost = not _running
    if outermost:
        _running.append(_Stamper(_tables()))
    stamper = _running[0]
    stamper.date_new_rows()
    stamper.days.append(day)
    try:
        yield
        stamper.date_new_rows()
    finally:
        stamper.days.pop()
        if outermost:
            _running.clear()
