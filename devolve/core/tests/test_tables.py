"""The kernel's tables: the change log's cells read as the template filters of the columns they
replaced, and django-tables2 inspects each cell renderer once."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import django_tables2.utils
import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from devolve.core import tables as tables_module
from devolve.core.changelog import ChangeCriteria, ChangeLog
from devolve.core.tables import ChangeTable

UTC_EVENING = datetime.datetime(2024, 1, 1, 20, 5, tzinfo=datetime.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai"])
def test_when_reads_as_the_date_filter_writes_it_in_the_site_time_zone(zone: str) -> None:
    """``{{ value|date:"DATETIME_FORMAT" }}`` in the active time zone on the page, ISO 8601 in
    the download: 20:05 UTC is the next day's 04:05 in Shanghai."""
    table = ChangeTable(ChangeLog(ChangeCriteria()))
    with timezone.override(ZoneInfo(zone)), translation.override("en"):
        expected = Template('{{ value|date:"DATETIME_FORMAT" }}').render(
            Context({"value": UTC_EVENING})
        )

        shown = table.render_changed_at(UTC_EVENING)
        exported = table.value_changed_at(UTC_EVENING)

    assert shown == expected
    assert expected == ("1 Jan 2024 20:05" if zone == "UTC" else "2 Jan 2024 04:05")
    assert exported == ("2024-01-01 20:05" if zone == "UTC" else "2024-01-02 04:05")


class _Cells:
    def render_value(self, record: object, value: object) -> str:
        return str(value)

    def render_anything(self, **kwargs: object) -> str:
        return str(kwargs)


def test_each_cell_renderers_signature_is_inspected_once_and_read_as_django_tables2_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """django-tables2 asks for a renderer's signature on every cell (ADR 0045): the same
    answer, worked out once per function, for each instance's bound method alike."""
    inspected: list[object] = []

    def counted(function: Any) -> Any:
        inspected.append(function)
        return original(function)

    original = tables_module._INSPECT_SIGNATURE
    monkeypatch.setattr(tables_module, "_INSPECT_SIGNATURE", counted)
    row_attribute = lambda record: record  # noqa: E731 — a row attribute as tables declare them
    first, second = _Cells(), _Cells()

    answers = [
        django_tables2.utils.signature(function)
        for function in (
            first.render_value, second.render_value, first.render_anything, row_attribute,
            row_attribute, _Cells.render_value,
        )
    ]  # fmt: skip

    assert django_tables2.utils.signature is tables_module._remembered_signature
    assert answers == [
        (("record", "value"), None),
        (("record", "value"), None),
        ((), "kwargs"),
        (("record",), None),
        (("record",), None),
        (("self", "record", "value"), None),
    ]
    assert len(inspected) == 4  # render_value bound, render_anything, the lambda, unbound


def test_a_choose_column_ticks_again_the_rows_chosen() -> None:
    """A bulk list's box per row posts the row's id under the record's name; a refused action
    shows the rows it chose still ticked, and the boxes stay out of downloads."""

    class Rows(django_tables2.Table):
        choose = tables_module.choose_column("grant")
        name = django_tables2.Column()

    table = Rows([{"pk": 1, "name": "a"}, {"pk": 2, "name": "b"}])
    tables_module.tick_chosen(table, ["2"])
    boxes = [row.get_cell("choose") for row in table.rows]
    assert 'name="grant"' in boxes[0]
    assert "checked" not in boxes[0]
    assert "checked" in boxes[1]
    assert list(table.as_values()) == [["Name"], ["a"], ["b"]]
