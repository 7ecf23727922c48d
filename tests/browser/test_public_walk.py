"""A member of the public in a real browser: home → search → matter → area → download, in
Chinese and in English, with no console errors, failed requests or CSP violations.

The walk only reads, so both languages share one live server over the full Sichuan demo (lists
and grants included), restored once for the module (``demo_server`` in conftest.py).
"""

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from devolve.demo.testing import full_demo
from devolve.grants.models import Grant
from devolve.matters.models import Matter
from tests.browser.conftest import demo_server

pytestmark = pytest.mark.browser

LAW_FIRMS = "律师事务所及分所设立、变更、注销审批"


@pytest.fixture(scope="module")
def sichuan_server(django_db_blocker: Any, migrated_data: str) -> Iterator[LiveServer]:
    with demo_server(django_db_blocker, migrated_data, full_demo) as server:
        yield server


@pytest.mark.parametrize(("prefix", "language"), [("", "zh-hans"), ("/en", "en")])
def test_home_search_matter_area_download(
    page: Page,
    page_problems: Any,
    sichuan_server: LiveServer,
    prefix: str,
    language: str,
) -> None:
    law_firms = Matter.objects.get(name_zh=LAW_FIRMS)
    grant = Grant.objects.filter(entry__matter=law_firms).select_related("zone").latest("pk")

    page.goto(f"{sichuan_server.url}{prefix}/")
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
    assert page.url == f"{sichuan_server.url}{prefix}/matters/{law_firms.key}/"
    expect(page.locator("h1")).to_have_attribute("data-matter", law_firms.key)
    area = page.locator(f'#held-grants a[href="{prefix}/zones/{grant.zone.slug}/"]').first
    expect(area).to_be_visible()

    with page.expect_navigation():
        area.click()
    assert page.url == f"{sichuan_server.url}{prefix}/zones/{grant.zone.slug}/"
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
