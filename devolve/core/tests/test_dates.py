"""Dates written one way per language (ADR 0050): the formats in ``config/formats``, the table
column, the helper Python uses, date parameters of stored sentences and date inputs."""

import datetime
from zoneinfo import ZoneInfo

import django_tables2 as tables
import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone, translation

from devolve.core.actions import render_text, system_text
from devolve.core.dates import iso_date, written_date
from devolve.core.tables import DateColumn

DAY = datetime.date(2025, 1, 10)
MOMENT = datetime.datetime(2025, 1, 10, 6, 30, tzinfo=datetime.UTC)  # 14:30 in Shanghai


class _Table(tables.Table):
    day = DateColumn()
    moment = DateColumn()


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "10 Jan 2025", "10 Jan 2025 14:30"),
        ("zh-hans", "2025年1月10日", "2025年1月10日 14:30"),
    ],
)
def test_templates_tables_and_python_write_a_date_one_way(
    language: str, day: str, moment: str
) -> None:
    table = _Table([{"day": DAY, "moment": MOMENT}])
    with translation.override(language), timezone.override(ZoneInfo("Asia/Shanghai")):
        page = Template('{{ day|date }}|{{ moment|date:"DATETIME_FORMAT" }}').render(
            Context({"day": DAY, "moment": MOMENT})
        )
        row = table.rows[0]
        shown = (row.get_cell("day"), row.get_cell("moment"))
        exported = list(table.as_values())[1]
        written = (written_date(DAY), written_date(MOMENT))

    assert page == f"{day}|{moment}"
    assert shown == written == (day, moment)
    assert exported == ["2025-01-10", "2025-01-10 14:30"]


def test_no_date_is_a_dash_on_the_page_and_empty_in_a_download() -> None:
    assert (written_date(None), iso_date(None)) == ("—", "")


def test_a_stored_sentence_writes_its_date_in_the_readers_language() -> None:
    stored = system_text("document.open_to_appeal", year=2024, closes=datetime.date(2025, 3, 31))

    assert '"closes":{"date":"2025-03-31"}' in stored
    with translation.override("en"):
        assert "appeals run until 31 Mar 2025 and" in render_text(stored)
    with translation.override("zh-hans"):
        assert "申诉期至2025年3月31日，" in render_text(stored)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_date_input_shows_its_value_as_the_browser_reads_it(language: str) -> None:
    """``<input type="date">`` reads only ISO 8601 (Django's own Chinese formats put
    "2025/01/10" first)."""

    class _Form(forms.Form):
        on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    with translation.override(language):
        html = str(_Form(initial={"on": DAY})["on"])
        bound = _Form(data={"on": "2025-01-10"})

        assert bound.is_valid()
    assert 'value="2025-01-10"' in html
    assert bound.cleaned_data["on"] == DAY
