"""The public portal in a real browser: figures, chart, language switch, phone layout and filters.

The tests only read, so they share one live server over the Sichuan demo, restored once for the
module (``demo_server`` in conftest.py).
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from devolve.demo import sichuan
from devolve.demo.testing import seeded_demo
from tests.browser.conftest import demo_server

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
FIGURES = {"batches": "2", "pilot-areas": "18", "prefectures-covered": "14", "new-areas": "5/5"}
# Pilot areas per prefecture, largest first: Chengdu, Mianyang, Yibin, then 11 with one each.
CHART_VALUES = [3, 2, 2] + [1] * 11
BAR_COLOUR = "#1d4f91"  # devolve/static/devolve/app.js

CHART_OPTION = """(element) => {
  const option = window.echarts.getInstanceByDom(element).getOption();
  return {values: option.series[0].data, labels: option.yAxis[0].data};
}"""


@pytest.fixture(scope="module")
def portal(django_db_blocker: Any, migrated_data: str) -> Iterator[LiveServer]:
    """The Sichuan demo registry and catalogue, as ``sichuan_demo`` has it, for the module."""
    with demo_server(
        django_db_blocker, migrated_data, lambda: seeded_demo(with_users=False)
    ) as server:
        yield server


def _wait_for_chart(page: Page) -> None:
    expect(page.locator("#prefecture-chart")).to_have_attribute("data-chart-ready", "true")


@pytest.mark.parametrize(
    ("path", "language", "chengdu"),
    [("/", "zh-hans", "成都市"), ("/en/", "en", "Chengdu")],
)
def test_overview_shows_figures_table_chart_and_heading_in_its_language(
    page: Page, portal: LiveServer, path: str, language: str, chengdu: str
) -> None:
    echarts_statuses: list[int] = []
    page.on(
        "response",
        lambda response: (
            echarts_statuses.append(response.status)
            if response.url == f"{portal.url}/static/dist/echarts.min.js"
            else None
        ),
    )

    page.goto(portal.url + path)

    expect(page.locator("html")).to_have_attribute("lang", language)
    for figure, value in FIGURES.items():
        expect(page.locator(f'[data-figure="{figure}"]')).to_have_text(value)
    table_rows = page.locator("#prefecture-table tbody tr[data-prefecture]")
    expect(table_rows).to_have_count(14)
    for code, count in {"510100": "3", "510700": "2", "511500": "2"}.items():
        expect(
            page.locator(f'#prefecture-table tr[data-prefecture="{code}"] td').nth(1)
        ).to_have_text(count)
    _wait_for_chart(page)
    assert echarts_statuses == [200]
    chart = page.locator("#prefecture-chart")
    expect(chart.locator("svg")).to_have_count(1)
    option = chart.evaluate(CHART_OPTION)
    assert option["values"] == CHART_VALUES
    assert sum(option["values"]) == 18
    table_names = page.locator("#prefecture-table tbody tr td:first-child").all_inner_texts()
    assert option["labels"] == table_names
    assert option["labels"][0] == chengdu
    expect(chart.locator(f'svg path[fill="{BAR_COLOUR}"]')).to_have_count(len(CHART_VALUES))
    heading = page.locator("h1").inner_text()
    if language == "zh-hans":
        assert CJK.search(heading), f"the Chinese overview's heading is {heading!r}"
    else:
        assert heading == "Sichuan integrated authorization reform"
        assert not CJK.search(heading)


@pytest.mark.parametrize(
    ("chinese_path", "english_path"),
    [("/", "/en/"), ("/pilot-areas/?batch=2", "/en/pilot-areas/?batch=2")],
)
def test_language_switch_changes_language_and_keeps_the_page(
    page: Page, portal: LiveServer, chinese_path: str, english_path: str
) -> None:
    page.goto(portal.url + chinese_path)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("language-zh-hans")).to_have_count(0)

    with page.expect_navigation():
        page.get_by_test_id("language-en").click()

    assert page.url == portal.url + english_path
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("language-en")).to_have_count(0)

    with page.expect_navigation():
        page.get_by_test_id("language-zh-hans").click()

    assert page.url == portal.url + chinese_path
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("language-en")).to_be_visible()


def test_overview_has_no_console_errors_or_csp_violations(
    page: Page, page_problems: Any, portal: LiveServer
) -> None:
    page.goto(portal.url + "/")
    _wait_for_chart(page)
    page.wait_for_load_state("networkidle")

    assert page_problems.console_errors == []
    assert page_problems.page_errors == []
    assert page_problems.failed_responses == []
    assert page.evaluate("window.__cspViolations") == []
    # The chart drew, so app.js, the design system module and ECharts all ran under the policy.
    assert page.evaluate("document.body.classList.contains('js-enabled')") is True


def test_overview_fits_a_phone_screen_without_horizontal_scrolling(
    phone_page: Page, portal: LiveServer
) -> None:
    phone_page.goto(portal.url + "/")
    _wait_for_chart(phone_page)

    widths = phone_page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["inner"] == 375
    assert widths["scroll"] <= widths["inner"], widths
    for figure, value in FIGURES.items():
        locator = phone_page.locator(f'[data-figure="{figure}"]')
        expect(locator).to_be_visible()
        expect(locator).to_have_text(value)
        box = locator.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= widths["inner"]


def test_pilot_area_list_filters_by_batch_through_the_form(page: Page, portal: LiveServer) -> None:
    batch_two = {zone.slug for zone in sichuan.ZONES if zone.batch == 2}
    page.goto(portal.url + "/pilot-areas/")
    rows = page.locator("#pilot-areas-table tr[data-zone]")
    expect(rows).to_have_count(18)

    page.locator("#id_batch").select_option("2")
    # The select also refreshes the table through htmx; the submit then loads a whole new page.
    with page.expect_event("load"):
        page.locator("#main-content form button[type=submit]").click()

    assert re.search(r"/pilot-areas/\?(.*&)?batch=2(&|$)", page.url), page.url
    expect(rows).to_have_count(9)
    expect(page.locator("#pilot-areas-table [data-count]")).to_have_attribute("data-count", "9")
    expect(page.locator("#id_batch")).to_have_value("2")
    assert set(rows.evaluate_all("rows => rows.map((row) => row.dataset.zone)")) == batch_two
    assert len(batch_two) == 9
