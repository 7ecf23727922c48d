"""A member of the public in a real browser: home → search → matter → area → download, in
Chinese and in English, with no console errors, failed requests or CSP violations.

Runs against the live server with the full Sichuan demo (lists and grants included).
"""

import csv
import io
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from devolve.core.testing.database import restore_flushed_tables
from devolve.demo.testing import full_demo
from devolve.grants.models import Grant
from devolve.matters.models import Matter

pytestmark = pytest.mark.browser

LAW_FIRMS = "律师事务所及分所设立、变更、注销审批"


@pytest.fixture
def sichuan_with_lists(transactional_db: None, migrated_data: str) -> None:
    restore_flushed_tables(migrated_data)
    full_demo()


@pytest.mark.parametrize(("prefix", "language"), [("", "zh-hans"), ("/en", "en")])
def test_home_search_matter_area_download(
    page: Page,
    page_problems: Any,
    live_server: Any,
    sichuan_with_lists: None,
    prefix: str,
    language: str,
) -> None:
    law_firms = Matter.objects.get(name_zh=LAW_FIRMS)
    grant = Grant.objects.filter(entry__matter=law_firms).select_related("zone").latest("pk")

    page.goto(f"{live_server.url}{prefix}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    with page.expect_navigation():
        page.get_by_test_id("nav-search").click()
    page.locator("#id_q").fill("律师")
    with page.expect_navigation():
        page.get_by_test_id("search-submit").click()
    result = page.locator(f'#search-results [data-key="{law_firms.key}"] a')
    expect(result).to_have_count(1)

    with page.expect_navigation():
        result.click()
    assert page.url == f"{live_server.url}{prefix}/matters/{law_firms.key}/"
    expect(page.locator("h1")).to_have_attribute("data-matter", law_firms.key)
    area = page.locator(f'#held-grants a[href="{prefix}/zones/{grant.zone.slug}/"]').first
    expect(area).to_be_visible()

    with page.expect_navigation():
        area.click()
    assert page.url == f"{live_server.url}{prefix}/zones/{grant.zone.slug}/"
    expect(page.locator(f'#held-grants a[href="{prefix}/matters/{law_firms.key}/"]')).to_have_count(
        1
    )

    with page.expect_navigation():
        page.get_by_test_id("nav-data").click()
    link = page.locator('#datasets tr[data-dataset="grants"] a[data-format="csv"]')
    with page.expect_download() as download:
        link.click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert {(row["matter_key"], row["zone_key"]) for row in rows} >= {
        (law_firms.key, grant.zone.slug)
    }

    page.wait_for_load_state("networkidle")
    assert page_problems.console_errors == []
    assert page_problems.page_errors == []
    assert page_problems.failed_responses == []
    assert page.evaluate("window.__cspViolations") == []
