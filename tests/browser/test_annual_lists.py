"""The public annual list pages in a real browser: an edition of Sichuan's size (110 entries = 8
powers + 102 support matters for the nine pilot areas of batch 1) and its take-up matrix, in both
languages, filtered through htmx, on a phone, with no console errors or CSP violations.

Runs against the live server with the Sichuan demo seeded (``sichuan_demo`` in conftest.py). The
2024 edition of batch 1 is the demo's when the seed has it, else one built to the same size.
"""

import re
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from devolve.core.lists import DEFAULT_PAGE_SIZE
from devolve.grants.models import Grant
from devolve.matters.models import AnnualList
from devolve.matters.selectors import count_entries, get_annual_list
from devolve.portal.tests.list_fixtures import build_large_edition

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
ENTRIES, POWERS, SUPPORT, AREAS = 110, 8, 102, 9


@pytest.fixture
def edition_2024(sichuan_demo: None) -> AnnualList:
    edition = get_annual_list(year=2024, batch_number=1)
    return edition if edition is not None else build_large_edition(batch_number=1, year=2024)


def _assert_no_problems(page: Page, problems: Any) -> None:
    page.wait_for_load_state("networkidle")
    assert problems.console_errors == []
    assert problems.page_errors == []
    assert problems.failed_responses == []
    assert page.evaluate("window.__cspViolations") == []


def _walk_edition_and_take_up(
    page: Page, live_server: Any, edition: AnnualList, *, prefix: str, language: str
) -> None:
    counts = count_entries(annual_list=edition)

    # The edition: its counts, computed, and every entry (withdrawn ones too, with their reason).
    page.goto(f"{live_server.url}{prefix}/lists/")
    with page.expect_navigation():
        page.locator('#annual-lists-table tr[data-edition="2024/batch-1"] a').first.click()
    assert page.url == f"{live_server.url}{prefix}/lists/2024/batch-1/"
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator('[data-figure="entries"]')).to_have_text(str(ENTRIES))
    expect(page.locator('[data-figure="powers"]')).to_have_text(str(POWERS))
    expect(page.locator('[data-figure="support"]')).to_have_text(str(SUPPORT))
    # The entries page says how many entries the edition lists and shows the first page of them.
    listed = counts.entries + counts.withdrawn
    expect(page.locator("#entries-table [data-list-count]")).to_have_attribute(
        "data-list-count", str(listed)
    )
    expect(page.locator("#entries-table tbody tr[data-entry]")).to_have_count(
        min(listed, DEFAULT_PAGE_SIZE)
    )
    navigation = page.locator("#navigation").inner_text()
    assert bool(CJK.search(navigation)) == (language == "zh-hans"), navigation

    # Its take-up matrix: a row per live entry, a column per pilot area, a cell at each crossing.
    with page.expect_navigation():
        page.locator("#edition-links a[href$='/take-up/']").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    matrix = page.locator("#take-up-matrix table")
    columns = matrix.locator("thead th[data-zone]")
    expect(columns).to_have_count(AREAS)
    expect(matrix.locator("tbody tr[data-entry]")).to_have_count(min(ENTRIES, DEFAULT_PAGE_SIZE))
    expect(page.locator("#take-up-matrix [data-rows]")).to_have_attribute("data-rows", str(ENTRIES))
    cells_per_row = matrix.locator("tbody tr[data-entry]").evaluate_all(
        "rows => rows.map((row) => row.querySelectorAll('td.app-take-up__cell').length)"
    )
    assert set(cells_per_row) == {AREAS}
    figures = page.locator("#take-up-summary [data-figure]").all_inner_texts()
    grants = matrix.locator("tbody [data-status]").count()
    # The summary counts the cells of every page; the grid shows one page of entries.
    assert sum(int(figure) for figure in figures) >= grants > 0
    # Each status shows its short label; its title gives the full label (and dates).
    first = matrix.locator("tbody [data-status]").first
    with translation.override(language):
        label = str(Grant.Status(first.get_attribute("data-status")).label)
    assert (first.get_attribute("title") or "").startswith(label)

    # Filtering by a pilot area swaps the matrix in place through htmx and keeps the address.
    area = columns.first.get_attribute("data-zone")
    assert area
    page.evaluate("window.__sameDocument = true")
    page.locator("#id_zone").select_option(area)
    expect(columns).to_have_count(1)
    expect(columns.first).to_have_attribute("data-zone", area)
    expect(page).to_have_url(
        re.compile(rf"{prefix}/lists/2024/batch-1/take-up/\?(.*&)?zone={area}")
    )
    expect(page.locator("#take-up-matrix a[href*='take-up.csv']")).to_have_attribute(
        "href", re.compile(rf"zone={area}")
    )
    assert page.evaluate("window.__sameDocument") is True


def test_edition_and_take_up_matrix_in_both_languages_and_on_a_phone(
    page: Page,
    page_problems: Any,
    phone_page: Page,
    live_server: Any,
    edition_2024: AnnualList,
) -> None:
    """One test, because building an edition of this size through the services takes a while."""
    for prefix, language in (("", "zh-hans"), ("/en", "en")):
        _walk_edition_and_take_up(page, live_server, edition_2024, prefix=prefix, language=language)
    _assert_no_problems(page, page_problems)

    # On a phone the matrix scrolls sideways inside its box; the page itself does not.
    phone_page.goto(f"{live_server.url}/lists/2024/batch-1/take-up/")
    expect(phone_page.locator("#take-up-matrix tbody tr[data-entry]")).to_have_count(
        min(ENTRIES, DEFAULT_PAGE_SIZE)
    )

    widths = phone_page.evaluate(
        """() => {
          const box = document.querySelector("#take-up-matrix .app-table-scroll");
          return {page: document.documentElement.scrollWidth, inner: window.innerWidth,
                  box: box.clientWidth, table: box.scrollWidth};
        }"""
    )
    assert widths["page"] <= widths["inner"] == 375, widths
    assert widths["table"] > widths["box"], widths
