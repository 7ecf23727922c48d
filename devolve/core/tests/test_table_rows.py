"""A table's rows written in Python (``core.lists.render_rows``) are the rows the design system's
template loop wrote: the same cells, attributes, section headings and empty text, escaped and
localised alike. What they save is measured by ``benchmarks/rendering.py``."""

import datetime
import re
from decimal import Decimal
from typing import Any

import django_tables2 as tables
import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from devolve.core.lists import render_rows
from devolve.core.tables import GOVUK_TABLE_ATTRS, NUMERIC, DateColumn
from devolve.core.templatetags.devolve import percent

# The loop govuk.html ran before render_rows (each row's section is handed in beside it, as the
# ``row_section`` filter worked it out).
TEMPLATE_LOOP = Template(
    "".join(
        [
            "{% load l10n %}{% for row, section in rows %}",
            "{% if section %}{% ifchanged section %}",
            '<tr class="govuk-table__row app-table-section" data-section>',
            '<th scope="colgroup" class="govuk-table__header"',
            ' colspan="{{ table.columns|length }}">{{ section }}</th></tr>',
            "{% endifchanged %}{% endif %}",
            "<tr {{ row.attrs.as_html }}>",
            "  {% for column, cell in row.items %}",
            "    <td {{ column.attrs.td.as_html }}>",
            "      {% if column.localize == None %}{{ cell }}",
            "      {% elif column.localize %}{{ cell|localize }}",
            "      {% else %}{{ cell|unlocalize }}{% endif %}",
            "    </td>",
            "  {% endfor %}",
            "</tr>",
            "{% empty %}{% if table.empty_text %}",
            '<tr class="govuk-table__row"><td class="govuk-table__cell"',
            ' colspan="{{ table.columns|length }}">{{ table.empty_text }}</td></tr>',
            "{% endif %}{% endfor %}",
        ]
    )
)


def looped(table: tables.Table) -> str:
    from devolve.core.lists import section_of_row

    rows = [(row, section_of_row(table, row.record)) for row in table.paginated_rows]
    return TEMPLATE_LOOP.render(Context({"table": table, "rows": rows}))


def written(table: tables.Table) -> str:
    return str(render_rows(table, Context({"table": table})))


def markup(html: str) -> str:
    """The markup without the template's indentation between and inside tags."""
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html.strip())


class Everything(tables.Table):
    """Every kind of cell the project's tables draw."""

    name = tables.Column(attrs={"td": {"data-name": lambda record: record["name"]}})
    count = tables.Column(attrs=NUMERIC)
    share = tables.Column(localize=True)
    code = tables.Column(localize=False)
    moment = tables.Column()
    day = DateColumn()
    note = tables.Column(empty_values=(), default="—")
    markup_cell = tables.Column(accessor="html")

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-row": lambda record: record["name"]}
        empty_text = "Nothing <here>."

    def section_of(self, record: dict[str, Any]) -> str:
        return record["section"]

    def render_note(self, record: dict[str, Any]) -> str:
        return record.get("note") or "—"


ROWS = [
    {
        "name": "Chengdu & <suburbs>",
        "count": 12345,
        "share": Decimal("1234.5"),
        "code": 510100,
        "moment": datetime.datetime(2024, 1, 1, 20, 5, tzinfo=datetime.UTC),
        "day": datetime.date(2024, 3, 1),
        "html": mark_safe("<b>safe</b>"),
        "section": "First <section>",
        "note": "材料不全",
    },
    {
        "name": "Zigong",
        "count": 0,
        "share": 2.5,
        "code": 1000,
        "moment": None,
        "day": datetime.date(2024, 3, 2),
        "html": "<i>escaped</i>",
        "section": "First <section>",
    },
    {
        "name": "Aba",
        "count": None,
        "share": None,
        "code": 7,
        "moment": datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC),
        "day": datetime.date(2024, 3, 3),
        "html": "",
        "section": "",
    },
    {
        "name": "Bazhong",
        "count": 3,
        "share": 1,
        "code": 8,
        "moment": None,
        "day": datetime.date(2024, 3, 4),
        "html": "",
        "section": "Second",
    },
]


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
