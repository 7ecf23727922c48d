"""A table that holds every kind of cell the project's tables draw, its rows, and the template
loop the design system's list ran before ``core.lists.render_rows`` wrote rows in Python: shared
by the test that proves the two draw the same markup (``core/tests/test_table_rows.py``) and the
benchmark that measures what Python saves (``benchmarks/rendering.py``)."""

import datetime
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.template import Context, Template
from django.utils.safestring import mark_safe

from devolve.core.lists import render_rows, section_of_row
from devolve.core.tables import GOVUK_TABLE_ATTRS, NUMERIC, DateColumn

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
    rows = [(row, section_of_row(table, row.record)) for row in table.paginated_rows]
    return TEMPLATE_LOOP.render(Context({"table": table, "rows": rows}))


def written(table: tables.Table) -> str:
    return str(render_rows(table, Context({"table": table})))


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
        return str(record["section"])

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
