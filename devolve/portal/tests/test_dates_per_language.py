"""One way to write a date per language (ADR 0050): "5 Feb 2024" on English pages,
"2024年2月5日" on Chinese ones, in a page's facts and in its tables alike; downloads keep ISO
8601, which machines read. And a count takes the singular for one."""

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.portal.holdings import _milestone_text
from devolve.portal.tests.list_fixtures import ListCycle, build_list_cycle

ENGLISH, CHINESE = "en", "zh-hans"


@pytest.fixture
def cycle(db: None) -> ListCycle:
    return build_list_cycle()


def _url(name: str, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return reverse(f"portal:{name}", kwargs=kwargs or None)


def _fact(html: str, name: str) -> str:
    match = re.search(rf'data-fact="{name}">(.*?)</dd>', html, re.DOTALL)
    assert match is not None, f"no fact {name!r}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.mark.parametrize(
    ("language", "approved", "published"),
    [(ENGLISH, "1 Feb 2024", "5 Feb 2024"), (CHINESE, "2024年2月1日", "2024年2月5日")],
)
def test_a_page_writes_its_dates_the_way_its_language_does(
    client: Client, cycle: ListCycle, language: str, approved: str, published: str
) -> None:
    url = _url("annual_list_detail", language, year=2024, batch=1, edition=1)
    html = client.get(url).content.decode()

    assert (_fact(html, "approved-on"), _fact(html, "published-on")) == (approved, published)
    assert "2024-02-05" not in html.split("<main", 1)[1]


@pytest.mark.parametrize(
    ("language", "published"), [(ENGLISH, "5 Feb 2024"), (CHINESE, "2024年2月5日")]
)
def test_a_table_writes_its_date_column_the_same_way_and_its_download_in_iso(
    client: Client, cycle: ListCycle, language: str, published: str
) -> None:
    url = _url("annual_list_list", language)
    html = client.get(url).content.decode()
    row = html.split('data-edition="2024/batch-1"')[1].split("</tr>")[0]
    cells = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.DOTALL)
    download = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(download)))

    assert published in [cell.strip() for cell in cells]
    assert "2024-02-05" in rows[1]
    assert published not in download


@pytest.mark.parametrize(
    ("count", "english", "chinese"),
    [(1, "1 grant took effect", "1项授权生效"), (2, "2 grants took effect", "2项授权生效")],
)
def test_a_count_takes_the_singular_for_one(count: int, english: str, chinese: str) -> None:
    with translation.override("en"):
        assert _milestone_text("effective", count) == english
    with translation.override("zh-hans"):
        assert _milestone_text("effective", count) == chinese
