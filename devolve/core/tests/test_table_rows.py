"""A table's rows written in Python (``core.lists.render_rows``) are the rows the design system's
template loop wrote: the same cells, attributes, section headings and empty text, escaped and
localised alike. What they save is measured by ``benchmarks/rendering.py``."""

import re
from decimal import Decimal
from typing import Any

import django_tables2 as tables
import pytest
from django.utils import translation
from django.utils.safestring import mark_safe

from devolve.core.tables import GOVUK_TABLE_ATTRS
from devolve.core.templatetags.devolve import percent
from devolve.core.testing.table_rows import ROWS, Everything, looped, written


def markup(html: str) -> str:
    """The markup without the template's indentation between and inside tags."""
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html.strip())


class Completeness(tables.Table):
    """Like the office overview's completeness tables (``reporting.tables``, above core)."""

    label = tables.Column()
    expected = tables.Column(attrs={"td": {"data-col": "expected"}})
    completeness = tables.Column(attrs={"td": {"data-col": "completeness"}}, orderable=False)

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-key": lambda record: record["key"]}
        empty_text = "No report was due yet."

    def render_completeness(self, value: Decimal) -> str:
        return percent(float(value))


def completeness_page() -> Completeness:
    """The first 50 of 60 rows, as the overview pages them."""
    table = Completeness(
        [
            {
                "key": f"area-{number}",
                "label": f"Area {number} <{number}>",
                "expected": 1000 + number,
                "completeness": Decimal("0.5") if number % 2 else None,
            }
            for number in range(60)
        ]
    )
    table.paginate(per_page=50)
    return table


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "build",
    [
        lambda: Everything(ROWS),
        lambda: Everything(ROWS, order_by="count"),  # sorted: no section headings
        lambda: Everything([]),
        completeness_page,
    ],
    ids=["every-kind-of-cell", "sorted", "empty", "completeness-page"],
)
def test_the_rows_are_those_the_template_loop_wrote(build: Any, language: str) -> None:
    with translation.override(language):
        expected = markup(looped(build()))
        assert markup(written(build())) == expected
    assert expected.count("<tr") >= 1


def test_a_table_adds_its_own_cells_after_its_columns() -> None:
    """The take-up grid's areas: ``cells_after_columns(record)``, already escaped, ends each row."""

    class WithAreas(Everything):
        class Meta(Everything.Meta):
            pass

        def cells_after_columns(self, record: dict[str, Any]) -> str:
            return mark_safe(f'<td class="area">{record["code"]}</td>')  # noqa: S308 — a number

    with translation.override("en"):
        rows = markup(written(WithAreas(ROWS)))
        plain = markup(written(Everything(ROWS)))
    assert rows.count('<td class="area">') == len(ROWS)
    assert re.sub(r'<td class="area">\d+</td></tr>', "</tr>", rows) == plain
