"""The next edition's year in a real browser, in Chinese: one office user derives the next edition
from the one in force, titles it and submits it; a second office user (four-eyes) approves it,
reads the publication preview, which warns of a power recalled from an area that the edition
would grant again, gives the reason and publishes. The first user is never offered approval or
publication, and no page logs a console error or a CSP violation.

Runs against the live server with the whole demo (``full_demo``): its logins ``office`` and
``office2`` are the two office users.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from devolve.core.actors import SYSTEM
from devolve.core.testing.database import restore_flushed_tables
from devolve.demo.sichuan import DEMO_PASSWORD
from devolve.demo.testing import full_demo
from devolve.grants.models import Grant
from devolve.grants.publication import plan_publication
from devolve.grants.services import recall_grant
from devolve.matters.models import AnnualList
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

TITLE = "2099年度第一批集成授权事项清单（浏览器测试）"
REASON = "整改已完成，经评估具备承接条件。"


@pytest.fixture
def in_force(transactional_db: None, migrated_data: str, settings: Any) -> AnnualList:
    """The whole demo, with its two office logins; the edition in force for batch 1 has one more
    grant recalled, today."""
    settings.DEVOLVE_FOUR_EYES = True
    restore_flushed_tables(migrated_data)  # emptied by the previous test's flush
    full_demo()
    edition = (
        AnnualList.objects.filter(batch__number=1, status=AnnualList.Status.PUBLISHED)
        .order_by("-year", "-edition")
        .first()
    )
    assert edition is not None
    grant = (
        Grant.objects.filter(
            entry__annual_list=edition,
            status__in=[Grant.Status.EFFECTIVE, Grant.Status.HANDED_OVER],
            effective_on__lte=timezone.localdate(),
        )
        .order_by("pk")
        .first()
    )
    assert grant is not None
    recall_grant(
        grant=grant,
        recalled_on=timezone.localdate(),
        reason="审计发现承接能力不足",
        recalled_by=SYSTEM,
    )
    return edition


def _signed_in(open_page: Callable[..., Page], live_server: Any, username: str) -> Page:
    page = open_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, username, login_path="/accounts/login/", password=DEMO_PASSWORD)
    return page


def _problems(page: Page) -> list[str]:
    """Console errors, uncaught exceptions and failed responses seen by ``page`` from now on."""
    found: list[str] = []
    page.on(
        "console", lambda message: found.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: found.append(str(error)))
    page.on(
        "response",
        lambda response: (
            found.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    return found


def _clean(page: Page, problems: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    assert problems == []
    assert page.evaluate("window.__cspViolations") == []


def test_derive_title_submit_approve_preview_and_publish_with_two_office_users(
    open_page: Callable[..., Page], live_server: Any, in_force: AnnualList
) -> None:
    drafter = _signed_in(open_page, live_server, "office")
    drafter_problems = _problems(drafter)

    # Derive the next edition from the one in force.
    drafter.goto(f"{live_server.url}/staff/annual-lists/{in_force.pk}/")
    expect(drafter.locator("html")).to_have_attribute("lang", "zh-hans")
    drafter.get_by_test_id("edition-derive").click()
    drafter.locator("#id_year").fill("2099")
    with drafter.expect_navigation():
        drafter.get_by_test_id("confirm").click()
    draft = AnnualList.objects.get(predecessor=in_force, year=2099)
    assert drafter.url.endswith(f"/staff/annual-lists/{draft.pk}/")
    expect(drafter.locator("#edition-status")).to_have_attribute("data-status", "draft")

    # Title it: the derived title is offered for change.
    drafter.get_by_test_id("edition-retitle").click()
    expect(drafter.locator("#id_title_zh")).to_have_value(draft.title_zh)
    drafter.locator("#id_title_zh").fill(TITLE)
    with drafter.expect_navigation():
        drafter.get_by_test_id("confirm").click()
    expect(drafter.locator("#edition-title")).to_contain_text(TITLE)
    expect(drafter.locator("h1")).to_contain_text(TITLE)

    # Submit; the drafter is offered neither approval nor publication.
    with drafter.expect_navigation():
        drafter.get_by_test_id("edition-submit").click()
    expect(drafter.locator("#edition-status")).to_have_attribute("data-status", "in_review")
    expect(drafter.get_by_test_id("edition-approve")).to_have_count(0)
    expect(drafter.get_by_test_id("edition-retitle")).to_have_count(0)
    _clean(drafter, drafter_problems)

    # The second office user approves.
    approver = _signed_in(open_page, live_server, "office2")
    approver_problems = _problems(approver)
    today = timezone.localdate()
    approver.goto(f"{live_server.url}/staff/annual-lists/{draft.pk}/")
    approver.get_by_test_id("edition-approve").click()
    approver.locator("#id_approved_on").fill(today.isoformat())
    approver.locator("#id_document_number").fill("川改办〔2099〕1号")
    with approver.expect_navigation():
        approver.get_by_test_id("confirm").click()
    expect(approver.locator("#edition-status")).to_have_attribute("data-status", "approved")

    # The preview warns of every recalled power the edition would grant again (the demo's own
    # and the one recalled above); publishing needs a reason for each and a confirmation.
    regrants = plan_publication(AnnualList.objects.get(pk=draft.pk), published_on=today).regrants
    assert len(regrants) >= 1
    approver.get_by_test_id("edition-publish").click()
    expect(approver.locator("#publication-preview [data-count=regrants]")).to_have_text(
        str(len(regrants))
    )
    rows = approver.locator("#regrants tr[data-regrant]")
    expect(rows).to_have_count(len(regrants))
    expect(rows.filter(has_text="审计发现承接能力不足")).to_have_count(1)
    with approver.expect_navigation():
        approver.get_by_test_id("confirm").click()
    expect(approver.locator("#form-errors")).to_be_visible()
    assert AnnualList.objects.get(pk=draft.pk).status == AnnualList.Status.APPROVED
    for reason in approver.locator("#regrants textarea").all():
        reason.fill(REASON)
    approver.locator("#publish_confirm").check()
    with approver.expect_navigation():
        approver.get_by_test_id("confirm").click()
    expect(approver.locator("#edition-status")).to_have_attribute("data-status", "published")
    _clean(approver, approver_problems)

    published = AnnualList.objects.get(pk=draft.pk)
    assert (published.title_zh, published.published_on) == (TITLE, today)

    # The public list reads the title, never bare numbers.
    drafter.goto(f"{live_server.url}{published.get_absolute_url()}")
    expect(drafter.locator("h1")).to_contain_text(TITLE)
    _clean(drafter, drafter_problems)
