"""The one list mechanism (core.lists), through the public matter catalogue: paging, sorting, the
count, filters in the URL, downloads of the filtered rows, and bad input reported."""

import csv
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pytest_django import DjangoAssertNumQueries

from devolve.core.lists import DEFAULT_PAGE_SIZE
from devolve.matters.models import Department, Matter
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory

MORE_THAN_A_PAGE = DEFAULT_PAGE_SIZE + 7


@pytest.fixture
def catalogue(db: None) -> tuple[Department, Department]:
    justice = DepartmentFactory(code="justice")
    finance = DepartmentFactory(code="finance")
    MatterFactory.create_batch(MORE_THAN_A_PAGE, competent_department=justice)
    MatterFactory.create_batch(
        3, competent_department=finance, name_zh="=HYPERLINK(1)", name_en="=HYPERLINK(1)"
    )
    return justice, finance


def _url() -> str:
    with translation.override("en"):
        return reverse("portal:matter_list")


def _codes(response: Any) -> list[str]:
    table = response.context["table"]
    return [row.record.code for row in table.paginated_rows]


def _problems(response: Any) -> list[str]:
    problems: list[str] = response.context["list"].problems
    return problems


def test_a_list_longer_than_a_page_says_how_many_and_pages(
    client: Client, catalogue: tuple[Department, Department]
) -> None:
    total = MORE_THAN_A_PAGE + 3

    first = client.get(_url())
    second = client.get(_url(), {"page": "2"})

    assert first.context["count"] == total
    assert len(_codes(first)) == DEFAULT_PAGE_SIZE
    assert len(_codes(second)) == total - DEFAULT_PAGE_SIZE
    assert not set(_codes(first)) & set(_codes(second))
    html = first.content.decode()
    assert f'data-list-count="{total}"' in html
    assert "data-list-pager" in html
    assert f"Showing 1 to {DEFAULT_PAGE_SIZE} of {total} rows." in html
    assert 'href="?page=2"' in html
    assert _problems(first) == []


def test_the_page_size_is_chosen_from_those_offered(
    client: Client, catalogue: tuple[Department, Department]
) -> None:
    response = client.get(_url(), {"per_page": "100"})

    assert len(_codes(response)) == MORE_THAN_A_PAGE + 3
    assert "data-list-pager" not in response.content.decode()


def test_sorting_is_done_by_the_server_both_ways(
    client: Client, catalogue: tuple[Department, Department]
) -> None:
    codes = sorted(Matter.objects.values_list("code", flat=True))

    ascending = client.get(_url(), {"sort": "code", "per_page": "100"})
    descending = client.get(_url(), {"sort": "-code", "per_page": "100"})

    assert _codes(ascending) == codes
    assert _codes(descending) == codes[::-1]
    assert 'aria-sort="descending"' in descending.content.decode()


def test_filters_stay_in_the_sort_and_page_links(
    client: Client, catalogue: tuple[Department, Department]
) -> None:
    response = client.get(_url(), {"department": "justice", "sort": "code"})

    html = response.content.decode()
    assert response.context["count"] == MORE_THAN_A_PAGE
    assert re.search(r'href="\?[^"]*department=justice[^"]*page=2', html.replace("&amp;", "&"))
    assert re.search(r'href="\?[^"]*department=justice[^"]*sort=-code', html.replace("&amp;", "&"))


@pytest.mark.parametrize(
    ("query", "message", "shown"),
    [
        ({"sort": "colour"}, "cannot be sorted by “colour”", DEFAULT_PAGE_SIZE),
        ({"page": "two"}, "“two” is not a page number", DEFAULT_PAGE_SIZE),
        ({"page": "0"}, "“0” is not a page number", DEFAULT_PAGE_SIZE),
        ({"page": "99"}, "There is no page 99; showing the last page, 2.", 10),
        ({"per_page": "7"}, "“7” is not one of the page sizes offered", DEFAULT_PAGE_SIZE),
        ({"export": "pdf"}, "“pdf” is not a download format", DEFAULT_PAGE_SIZE),
    ],
)
def test_bad_list_parameters_are_reported_and_fall_back(
    client: Client,
    catalogue: tuple[Department, Department],
    query: dict[str, str],
    message: str,
    shown: int,
) -> None:
    response = client.get(_url(), query)

    assert response.status_code == 200
    assert len(_problems(response)) == 1
    assert message in _problems(response)[0]
    assert "data-list-problems" in response.content.decode()
    assert len(_codes(response)) == shown


def test_a_filter_value_of_the_wrong_kind_is_reported_and_the_others_still_apply(
    client: Client, catalogue: tuple[Department, Department]
) -> None:
    response = client.get(_url(), {"department": "nobody", "kind": "support"})

    assert response.context["count"] == 0
    assert len(_problems(response)) == 1
    assert "This filter was not applied." in _problems(response)[0]


def test_the_csv_download_holds_every_filtered_row_not_only_the_page(
    client: Client, catalogue: tuple[Department, Department]
) -> None:
    response = client.get(_url(), {"department": "justice", "export": "csv", "sort": "-code"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = sorted(
        Matter.objects.filter(competent_department__code="justice").values_list("code", flat=True)
    )[::-1]
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][0] == "Matter code"
    assert [row[0] for row in rows[1:]] == expected
    assert "<a" not in response.content.decode("utf-8-sig")


def test_the_xlsx_download_escapes_formula_text(
    client: Client, catalogue: tuple[Department, Department]
) -> None:
    response = client.get(_url(), {"department": "finance", "export": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == 3
    assert all(not str(name).startswith("=") for name in names)


def test_a_page_costs_the_same_queries_however_long_the_list(
    client: Client,
    catalogue: tuple[Department, Department],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    MatterFactory.create_batch(150, competent_department=catalogue[0])

    with django_assert_max_num_queries(8):
        client.get(_url(), {"page": "3"})


def test_a_page_counts_the_list_in_sql_and_reads_only_its_own_rows(
    client: Client, catalogue: tuple[Department, Department]
) -> None:
    with CaptureQueriesContext(connection) as captured:
        client.get(_url())

    table = Matter._meta.db_table
    queries = [query["sql"] for query in captured.captured_queries]
    reads = [sql for sql in queries if f'FROM "{table}"' in sql]
    assert [sql for sql in reads if "COUNT(" in sql] != []
    assert [sql for sql in reads if "COUNT(" not in sql and "LIMIT" not in sql] == []
