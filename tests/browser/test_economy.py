"""The evaluation page in a real browser: the headline figures, and the event-study chart drawn
by ECharts from the stored run, with no console errors or CSP violations."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from devolve.demo import sichuan_economy
from devolve.demo.seed import SeedReport
from devolve.indicators.models import EvaluationRun

pytestmark = pytest.mark.browser

CHART_OPTION = """(element) => {
  const option = window.echarts.getInstanceByDom(element).getOption();
  return {labels: option.xAxis[0].data, series: option.series.map((s) => s.data)};
}"""


def test_evaluation_page_draws_the_event_study(
    page: Page, page_problems: Any, live_server: Any, sichuan_demo: None
) -> None:
    sichuan_economy.seed_economy(SeedReport())
    run = EvaluationRun.objects.get(batch__number=1)
    event = run.results["summary"]["event"]

    page.goto(f"{live_server.url}/en/economy/{sichuan_economy.GRP_GROWTH}/batch-1/")

    expect(page.locator('[data-figure="pilot-mean"]')).to_have_text("12.7%")
    expect(page.locator('[data-figure="province"]')).to_have_text("6.0%")
    expect(page.locator('[data-figure="gap"]')).to_have_text("+6.7")
    chart = page.locator("#event-study-chart")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart.locator("svg")).to_have_count(1)
    option = chart.evaluate(CHART_OPTION)
    assert option["labels"] == [str(row["key"]) for row in event]
    # The band's two stacked series come first, then the estimates.
    assert option["series"][-1] == [row["att"] for row in event]
    assert option["series"][0] == [row["band_low"] for row in event]
    expect(page.locator("#headline-chart")).to_have_attribute("data-chart-ready", "true")
    page.wait_for_load_state("networkidle")
    assert page_problems.console_errors == []
    assert page_problems.page_errors == []
    assert page.evaluate("window.__cspViolations") == []
