"""The demo selection round in a real browser: the office opens the 2024 round and sees the
ranking, the prefecture coverage, the comparison with the real batch 2 and both sensitivity
charts drawn from the stored result.

Runs against the live server with the Sichuan demo seeded (``sichuan_demo`` in conftest.py); the
round itself is seeded here, since the registry-only demo leaves it out.
"""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.demo.seed import SeedReport
from devolve.demo.sichuan_selection import ROUND_SLUG, seed_selection
from devolve.selection.models import Decision, RoundResult, SelectionRound
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

CHART_OPTION = """(element) => {
  const option = window.echarts.getInstanceByDom(element).getOption();
  return {labels: option.yAxis[0].data, series: option.series.map((series) => series.data)};
}"""


def test_the_demo_round_shows_its_ranking_and_sensitivity_charts(
    page: Page, page_problems: Any, live_server: Any, sichuan_demo: None
) -> None:
    seed_selection(SeedReport())
    UserFactory(username="selector", role=User.Role.OFFICE)
    result = RoundResult.objects.get(round__slug=ROUND_SLUG)
    decision = Decision.objects.get(round__slug=ROUND_SLUG)
    path = f"/en/staff/selection-rounds/{ROUND_SLUG}/"

    sign_in(page, live_server, "selector", next_path=path)

    expect(page).to_have_url(live_server.url + path)
    expect(page.locator("#illustrative-data")).to_be_visible()
    rows = page.locator("#ranking tbody tr[data-zone]")
    expect(rows).to_have_count(len(result.candidates))
    assert rows.evaluate_all("rows => rows.map((row) => row.dataset.zone)") == [
        row["zone"] for row in result.candidates
    ]
    expect(page.locator('#ranking tr[data-selected="true"]')).to_have_count(len(result.chosen))
    expect(page.locator("#prefecture-coverage tbody tr")).to_have_count(
        len({row["prefecture"] for row in result.candidates})
    )
    overlap = len(set(result.chosen) & set(decision.chosen))
    expect(page.locator("#batch-comparison")).to_have_attribute("data-overlap", str(overlap))

    for chart_id in ("#selection-frequency-chart", "#rank-range-chart"):
        chart = page.locator(chart_id)
        expect(chart).to_have_attribute("data-chart-ready", "true")
        expect(chart.locator("svg")).to_have_count(1)
    frequency = page.locator("#selection-frequency-chart").evaluate(CHART_OPTION)
    assert frequency["series"][0] == [
        round(row["selection_frequency"] * 100) for row in result.candidates
    ]
    assert frequency["labels"][0] == result.candidates[0]["name_en"]
    ranks = page.locator("#rank-range-chart").evaluate(CHART_OPTION)
    assert ranks["labels"] == frequency["labels"]
    assert len(ranks["series"]) == 2
    page.wait_for_load_state("networkidle")
    assert page_problems.console_errors == []
    assert page_problems.page_errors == []
    assert page.evaluate("window.__cspViolations") == []


def test_the_office_starts_the_next_round_from_the_page_in_chinese(
    page: Page, page_problems: Any, live_server: Any, sichuan_demo: None
) -> None:
    seed_selection(SeedReport())
    UserFactory(username="selector", role=User.Role.OFFICE)
    demo_round = SelectionRound.objects.get(slug=ROUND_SLUG)
    sign_in(page, live_server, "selector", next_path="/staff/selection-rounds/")

    with page.expect_navigation():
        page.locator('[data-testid="round-create"]').click()
    expect(page.locator("h1")).to_have_text("开始新一轮遴选")
    expect(page.locator("#id_year")).to_have_value(str(demo_round.year + 1))
    page.locator("#id_slug").fill("sichuan-2025-batch-3")
    page.locator("#id_title_zh").fill("第三批集成授权改革试点遴选（示意）")
    page.locator("#id_title_en").fill("Third batch selection (illustrative)")
    page.locator("#id_candidates_as_of").fill("2025-06-30")
    with page.expect_navigation():
        page.locator("#main-content form button[type=submit]").click()

    expect(page).to_have_url(
        f"{live_server.url}/staff/selection-rounds/sichuan-2025-batch-3/import/"
    )
    created = SelectionRound.objects.get(slug="sichuan-2025-batch-3")
    assert created.batch_number == demo_round.batch_number + 1
    assert list(created.criteria.values_list("code", flat=True)) == list(
        demo_round.criteria.values_list("code", flat=True)
    )
    page.wait_for_load_state("networkidle")
    assert page_problems.console_errors == []
    assert page_problems.page_errors == []
