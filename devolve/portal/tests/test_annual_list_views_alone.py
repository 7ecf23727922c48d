"""Public annual list pages on data of their own, without the list cycle that every test of
``test_annual_list_views.py`` shares: the navigation, and long editions paged in a few
queries."""

import csv
import io
from typing import Any

from django.test import Client
from django.utils import translation
from pytest_django.asserts import assertContains

from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory
from devolve.portal.tests import list_fixtures
from devolve.portal.tests.test_annual_list_views import _edition_url, _figure, _matrix, _url, _zones


def test_navigation_links_to_the_lists(client: Client, db: None) -> None:
    assertContains(client.get("/en/"), f'href="{_url("annual_list_list")}"')


def test_take_up_of_a_full_size_edition_renders_in_a_few_queries(
    client: Client, db: None, django_assert_max_num_queries: Any
) -> None:
    list_fixtures.build_large_edition(powers=8, support=102)

    # The data version (its validators, ADR 0076); the grid: the edition, its successor, its
    # areas and the departments for the filter, then the page of the matrix (counts by status,
    # entries counted, a page of entries, the areas, the page's grants).
    with django_assert_max_num_queries(10):
        response = client.get(_edition_url("annual_list_take_up"))
    with django_assert_max_num_queries(10):
        last_page = client.get(_edition_url("annual_list_take_up"), {"page": 3})
    # The entries page: the data version, the edition, its figures, the count for the pager (in
    # SQL), one page of entries with their relations and the filter's choices.
    with django_assert_max_num_queries(11):
        detail = client.get(_edition_url("annual_list_detail"))
    with django_assert_max_num_queries(6):
        download = client.get(_edition_url("annual_list_take_up_csv"))

    assertContains(response, 'data-rows="110" data-columns="9"')
    assert len(_zones(response)) == 9
    assert len(_matrix(response)) == 50
    assert len(_matrix(last_page)) == 10
    assert {len(cells) for cells in _matrix(response).values()} == {9}
    assertContains(last_page, 'data-rows="110" data-columns="9"')
    assert (_figure(detail, "entries"), _figure(detail, "powers"), _figure(detail, "support")) == (
        "110",
        "8",
        "102",
    )
    assert len(list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))) == 111


def test_a_long_edition_pages_visibly_above_and_below_its_entries(
    client: Client, db: None, django_assert_max_num_queries: Any
) -> None:
    edition = AnnualListFactory(published=True, year=2030)
    ListEntryFactory.create_batch(110, annual_list=edition)

    with translation.override("en"):
        url = edition.get_absolute_url()

    with django_assert_max_num_queries(25):
        response = client.get(url)

    html = response.content.decode()
    table_start = html.index('<table class="govuk-table"', html.index('id="entries-table"'))
    assert len(response.context["table"].page.object_list) == 50
    assert "110 of 110 entries match the filters." in html
    assert "Showing 1 to 50 of 110 rows." in html
    assert html.count("data-list-pager") == 2
    assert html.index("data-list-pager") < table_start
