"""A long list in a real browser: the header row stays in view while the rows scroll, on a wide
screen and on a phone where the table also scrolls sideways, and an edit made from page 2 of an
edition's entries returns to page 2 at the edited row, not hidden under the header.

``position: sticky`` sticks to the nearest scroll container; a wrapper that scrolls only sideways
is one, so these checks measure where the header is after scrolling, not which CSS is set.
"""

from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from devolve.accounts.models import User
from devolve.accounts.tests.factories import PASSWORD, UserFactory
from devolve.core.testing.database import restore_flushed_tables
from devolve.matters.models import AnnualList, ListEntry
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory

pytestmark = pytest.mark.browser

ENTRIES = 60
SUPPORT_FROM = 41  # entries 41-60 are support matters


def _edition(**traits: Any) -> AnnualList:
    annual_list = AnnualListFactory(year=2024, **traits)
    for sequence in range(1, ENTRIES + 1):
        ListEntryFactory(
            annual_list=annual_list,
            sequence=sequence,
            matter=MatterFactory(support=sequence >= SUPPORT_FROM),
        )
    return annual_list


@pytest.fixture
def data(transactional_db: None, migrated_data: str) -> None:
    restore_flushed_tables(migrated_data)  # emptied by the previous test's flush
    connection.close()


def _header_offset(page: Page) -> dict[str, float]:
    """Scroll the list's box well past its first rows; where its header row then is."""
    return page.evaluate(
        """() => {
          const box = document.querySelector("#entries-table .app-table-scroll--sticky");
          box.scrollIntoView();
          box.scrollTop = 600;
          const header = box.querySelector("thead th").getBoundingClientRect();
          const boxTop = box.getBoundingClientRect().top;
          return {header: header.top, box: boxTop, scrolled: box.scrollTop,
                  wide: box.scrollWidth > box.clientWidth};
        }"""
    )


def test_the_header_stays_in_view_on_a_wide_screen_and_on_a_phone(
    page: Page, phone_page: Page, live_server: Any, data: None
) -> None:
    annual_list = _edition(published=True)
    address = f"{live_server.url}/en/lists/{annual_list.key}/?per_page=100"

    for shown in (page, phone_page):
        shown.goto(address)
        expect(shown.locator("#entries-table tbody tr[data-entry]")).to_have_count(ENTRIES)
        offset = _header_offset(shown)
        assert offset["scrolled"] == 600, offset
        assert abs(offset["header"] - offset["box"]) < 2, offset
    # On the phone the same box also scrolls sideways: one box scrolls both ways.
    assert _header_offset(phone_page)["wide"] is True


def test_an_edit_from_page_2_returns_to_page_2_at_the_edited_row(
    page: Page, live_server: Any, data: None
) -> None:
    UserFactory(username="editor", role=User.Role.OFFICE)
    annual_list = _edition()
    entry = ListEntry.objects.get(annual_list=annual_list, sequence=30)
    page.goto(f"{live_server.url}/en/accounts/login/?next=/en/staff/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#main-content form button[type=submit]").click()

    page.goto(f"{live_server.url}/en/staff/annual-lists/{annual_list.pk}/?per_page=25&page=2")
    expect(page.locator("#entries-table [data-section]")).to_have_count(2)
    row = page.locator(f"#entry-{entry.pk}")
    with page.expect_navigation():
        row.get_by_role("link", name="Change").click()
    page.locator("#id_notes").fill("Checked against the 2024 notice.")
    with page.expect_navigation():
        page.locator("[data-testid=confirm]").click()

    assert page.url.endswith(f"/annual-lists/{annual_list.pk}/?per_page=25&page=2#entry-{entry.pk}")
    expect(page.locator("#entries-table [data-list-pager] [aria-current=page]").first).to_have_text(
        "2"
    )
    place = page.evaluate(
        f"""() => {{
          const box = document.querySelector("#entries-table .app-table-scroll--sticky");
          const header = box.querySelector("thead").getBoundingClientRect();
          const row = document.getElementById("entry-{entry.pk}").getBoundingClientRect();
          return {{header: header.bottom, row: row.top, rowBottom: row.bottom,
                   view: window.innerHeight}};
        }}"""
    )
    assert place["header"] <= place["row"] + 1, place
    assert place["rowBottom"] <= place["view"], place
