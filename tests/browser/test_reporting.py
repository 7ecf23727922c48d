"""A usage report walked through the approval chain in a real browser: the pilot area fills in
and submits its report, the prefecture returns it with a reason, the area sees the reason, fixes
the figures and submits again, the prefecture forwards it, the office accepts it, and the accepted
figures appear in the area's usage trend.

The report is the last quarter of a 2024 edition, reopened by the office after the lock (as
``make demo`` does for Tianfu New Area), so entry is open whatever today's date.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actors import SYSTEM
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import Department
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory, mode
from devolve.regions.models import Batch, Division, Zone
from devolve.reporting.models import AreaReport
from devolve.reporting.services import (
    generate_cycles,
    reopen_area_report,
    save_area_report,
    submit_area_report,
)
from devolve.reporting.tests.factories import line
from tests.browser.conftest import click_and_wait, sign_in

pytestmark = pytest.mark.browser

REASON = "Cases received do not match the service platform's count."


def _reopened_report() -> AreaReport:
    tianfu = Zone.objects.get(slug="tianfu-new-area")
    justice = Department.objects.get(code="justice")
    annual_list = AnnualListFactory(published=True, year=2024, batch=Batch.objects.get(number=1))
    entry = ListEntryFactory(
        annual_list=annual_list,
        granting_department=justice,
        mode=mode("delegate"),
        matter=MatterFactory(competent_department=justice, name_zh="律师事务所设立审批（测试）"),
    )
    GrantFactory(entry=entry, zone=tianfu, handed_over=True)
    cycles = generate_cycles(annual_list=annual_list, frequency="quarterly", generated_by=SYSTEM)
    report = AreaReport.objects.get(cycle=cycles[-1], zone=tianfu)
    today = timezone.localdate()
    return reopen_area_report(
        report=report,
        reason="Reopened for the walk-through.",
        until=today + datetime.timedelta(days=30),
        reopened_by=SYSTEM,
        today=today,
    )


def _fill(page: Page, received: str, completed: str) -> None:
    click_and_wait(page, "[data-action=edit]")
    page.locator("#id_lines-0-cases_received").fill(received)
    page.locator("#id_lines-0-cases_completed").fill(completed)
    page.locator("#id_lines-0-average_handling_days").fill("4.5")
    page.locator("#id_lines-0-promised_limit_days").fill("10")
    click_and_wait(page, "[data-testid=save]")


def _status(page: Page) -> Any:
    return page.locator("#report-status [data-status]")


def test_report_submitted_returned_fixed_forwarded_and_accepted(
    open_page: Callable[..., Page], live_server: Any, sichuan_demo: None
) -> None:
    UserFactory(
        username="tianfu-walker",
        role=User.Role.PILOT_AREA,
        zone=Zone.objects.get(slug="tianfu-new-area"),
    )
    UserFactory(
        username="chengdu-walker",
        role=User.Role.PREFECTURE,
        prefecture=Division.objects.get(code="510100"),
    )
    UserFactory(username="office-walker", role=User.Role.OFFICE)
    report = _reopened_report()
    area, prefecture, office = (
        open_page(viewport={"width": 1280, "height": 900}) for _ in range(3)
    )
    detail = f"#reports-due [data-report='{report.pk}'] a"

    # The area fills in the reopened report and submits it.
    sign_in(area, live_server, "tianfu-walker", next_path="/en/staff/reporting/")
    expect(area).to_have_url(f"{live_server.url}/en/staff/reporting/")
    click_and_wait(area, detail)
    _fill(area, "12", "10")
    expect(area.locator("#usage-lines [data-col=cases-received]")).to_have_text("12")
    click_and_wait(area, "[data-action=submit]")
    expect(_status(area)).to_have_attribute("data-status", "submitted")

    # The prefecture returns it with a reason.
    sign_in(prefecture, live_server, "chengdu-walker", next_path="/en/staff/reporting/")
    expect(prefecture).to_have_url(f"{live_server.url}/en/staff/reporting/")
    click_and_wait(prefecture, f"#reports-to-review [data-report='{report.pk}'] a")
    click_and_wait(prefecture, "[data-action=return]")
    prefecture.locator("#id_reason").fill(REASON)
    click_and_wait(prefecture, "[data-testid=confirm]")
    expect(_status(prefecture)).to_have_attribute("data-status", "returned")

    # The area sees why, fixes the figures and submits again.
    area.goto(f"{live_server.url}/en/staff/reporting/")
    expect(
        area.locator(f"#reports-due [data-report='{report.pk}'] [data-return-reason]")
    ).to_contain_text(REASON)
    click_and_wait(area, detail)
    expect(area.locator("#return-reason")).to_contain_text(REASON)
    _fill(area, "11", "10")
    click_and_wait(area, "[data-action=submit]")
    expect(_status(area)).to_have_attribute("data-status", "submitted")

    # The prefecture forwards it; the office accepts it.
    prefecture.goto(f"{live_server.url}/en/staff/reporting/")
    click_and_wait(prefecture, f"#reports-to-review [data-report='{report.pk}'] a")
    click_and_wait(prefecture, "[data-action=review]")
    expect(_status(prefecture)).to_have_attribute("data-status", "reviewed")
    sign_in(office, live_server, "office-walker", next_path="/en/staff/reporting/")
    expect(office).to_have_url(f"{live_server.url}/en/staff/reporting/")
    click_and_wait(office, f"#reports-to-accept [data-report='{report.pk}'] a")
    click_and_wait(office, "[data-action=accept]")
    expect(_status(office)).to_have_attribute("data-status", "accepted")
    expect(office.locator("#approval-steps [data-step]")).to_have_count(6)  # reopened + 5 steps

    # The accepted figures now count: they appear in the area's usage trend.
    area.goto(f"{live_server.url}/en/staff/reporting/")
    expect(area.locator("#usage-trend tbody tr")).to_contain_text("11")
    expect(area.locator("#usage-chart")).to_have_attribute("data-chart-ready", "true")
    for opened in (area, prefecture, office):
        assert opened.evaluate("window.__cspViolations") == []


def _waiting(page: Page) -> int:
    badge = page.locator("#inbox-badge[data-waiting]")
    expect(badge).to_have_count(1)
    return int(badge.get_attribute("data-waiting") or "0")


def test_the_inbox_badge_counts_the_reopened_report_and_clears_when_it_is_submitted(
    open_page: Callable[..., Page], live_server: Any, sichuan_demo: None
) -> None:
    UserFactory(
        username="tianfu-inbox",
        role=User.Role.PILOT_AREA,
        zone=Zone.objects.get(slug="tianfu-new-area"),
    )
    report = _reopened_report()
    page = open_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "tianfu-inbox", next_path="/en/staff/reporting/")
    expect(page).to_have_url(f"{live_server.url}/en/staff/reporting/")

    # The staff home lists the report to fill in and the unread notice; the header counts them.
    click_and_wait(page, "[data-testid=nav-staff]")
    expect(page.locator("#pending-work [data-work=notices] [data-count]")).to_have_text("1")
    before = _waiting(page)
    assert before >= 2

    # Acting on it: the report is filled in and submitted from the inbox's link.
    click_and_wait(page, "#pending-work [data-work=reports-due] a")
    click_and_wait(page, f"#reports-due [data-report='{report.pk}'] a")
    _fill(page, "3", "3")
    click_and_wait(page, "[data-action=submit]")
    expect(_status(page)).to_have_attribute("data-status", "submitted")

    # The reminder is cleared and the badge counts one report and one notice fewer.
    click_and_wait(page, "[data-testid=nav-staff]")
    expect(page.locator("#pending-work [data-work=notices]")).to_have_count(0)
    assert _waiting(page) == before - 2


def test_the_prefecture_finds_its_reports_in_the_inbox_and_forwards_the_whole_level(
    open_page: Callable[..., Page], live_server: Any, sichuan_demo: None
) -> None:
    UserFactory(
        username="chengdu-inbox",
        role=User.Role.PREFECTURE,
        prefecture=Division.objects.get(code="510100"),
    )
    report = _reopened_report()
    grant = report.zone.grants.get(entry__annual_list=report.cycle.annual_list)
    save_area_report(report=report, lines=[line(grant)], saved_by=SYSTEM)
    submit_area_report(report=report, submitted_by=SYSTEM)
    page = open_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "chengdu-inbox", next_path="/en/staff/reporting/")
    expect(page).to_have_url(f"{live_server.url}/en/staff/reporting/")

    click_and_wait(page, "[data-testid=nav-staff]")
    waiting = page.locator("#pending-work [data-work=reports-to-review] [data-count]")
    before = _waiting(page)
    to_review = int(waiting.inner_text())
    assert to_review >= 1

    # The inbox links to the submitted reports; the prefecture forwards every one at once.
    click_and_wait(page, "#pending-work [data-work=reports-to-review] a")
    expect(page.locator("[data-matching]")).to_have_text(f"({to_review})")
    page.locator("input[name=scope][value=every_matching]").check()
    page.locator("select[name=action]").select_option("review")
    click_and_wait(page, "#bulk-form button[type=submit]")

    click_and_wait(page, "[data-testid=nav-staff]")
    expect(waiting).to_have_text("0")
    assert _waiting(page) == before - to_review
    report.refresh_from_db()
    assert report.status == "reviewed"
