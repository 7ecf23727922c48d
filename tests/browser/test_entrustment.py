"""An entrustment walked through the staff pages in a real browser: the office signs in, drafts an
edition with an entrusted matter for one pilot area, takes it through review, approval and
publication, opens the grant and records the signed agreement, and the grant is effective.

Runs against the live server with the Sichuan demo seeded (``sichuan_demo`` in conftest.py).
"""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.grants.models import Grant
from devolve.matters.models import AuthorizationMode, Department, Matter
from devolve.regions.models import Zone
from tests.browser.conftest import click_and_wait, sign_in

pytestmark = pytest.mark.browser

LAW_FIRMS = "律师事务所及分所设立、变更、注销审批"


def test_the_office_walks_an_entrustment_from_list_entry_to_effective_grant(
    page: Page, page_problems: Any, live_server: Any, sichuan_demo: None
) -> None:
    UserFactory(username="walker", role=User.Role.OFFICE)
    justice = Department.objects.get(code="justice")
    matter = Matter.objects.get(competent_department=justice, name_zh=LAW_FIRMS)
    entrust = AuthorizationMode.objects.get(code="entrust")
    tianfu = Zone.objects.get(slug="tianfu-new-area")
    staff = f"{live_server.url}/en/staff/"

    # Sign in through the form; the staff home links to the editions.
    sign_in(page, live_server, "walker", next_path="/en/staff/")
    expect(page).to_have_url(staff)
    click_and_wait(page, "#pending-work [data-work='annual-lists'] a", strict=True)

    # A draft edition.
    click_and_wait(page, "[data-testid=annual-list-create]", strict=True)
    page.locator("#id_year").fill("2026")
    page.locator("#id_batch").select_option("1")
    page.locator("#id_title_en").fill("2026 list for batch 1")
    click_and_wait(page, "#main-content form button[type=submit]", strict=True)
    expect(page.locator("h1")).to_contain_text("2026 list for batch 1")
    expect(page.locator("#edition-status")).to_have_attribute("data-status", "draft")
    expect(page.locator("#edition-counts")).to_have_attribute("data-entries", "0")

    # The entrusted matter, for Tianfu New Area only.
    click_and_wait(page, "[data-testid=entry-create]", strict=True)
    page.locator("#id_matter").select_option(str(matter.pk))
    page.locator("#id_mode").select_option(str(entrust.pk))
    page.locator("#id_granting_department").select_option(str(justice.pk))
    page.locator(f"input[name=receiving_areas][value='{tianfu.pk}']").check()
    page.locator("#id_change_reason").fill("Asked for by Tianfu New Area.")
    click_and_wait(page, "#main-content form button[type=submit]", strict=True)
    row = page.locator(f"#entries-table tr[data-matter='{matter.pk}']")
    expect(row.locator("[data-mode]")).to_have_attribute("data-mode", "entrust")
    expect(row).to_contain_text("Tianfu New Area")
    expect(page.locator("#edition-counts")).to_have_attribute("data-entries", "1")

    # Review, approval, publication.
    click_and_wait(page, "[data-testid=edition-submit]", strict=True)
    expect(page.locator("#edition-status")).to_have_attribute("data-status", "in_review")
    click_and_wait(page, "[data-testid=edition-approve]", strict=True)
    page.locator("#id_approving_meeting_en").fill("Provincial reform commission meeting")
    page.locator("#id_document_number").fill("川改办〔2026〕1号")
    page.locator("#id_approved_on").fill("2026-01-10")
    click_and_wait(page, "[data-testid=confirm]", strict=True)
    expect(page.locator("#edition-status")).to_have_attribute("data-status", "approved")
    expect(page.locator("#edition-approval")).to_contain_text("川改办〔2026〕1号")
    click_and_wait(page, "[data-testid=edition-publish]", strict=True)
    page.locator("#id_published_on").fill("2026-01-20")
    click_and_wait(page, "[data-testid=preview]", strict=True)  # what publishing on that day does
    expect(page.locator("[data-count=created]")).to_have_text("1")
    page.locator("#publish_confirm").check()
    click_and_wait(page, "[data-testid=confirm]", strict=True)
    expect(page.locator("#edition-status")).to_have_attribute("data-status", "published")
    expect(page.locator("#edition-published-on")).to_have_text("20 Jan 2026")
    grant = Grant.objects.get(entry__annual_list__year=2026, entry__matter=matter)
    expect(row).to_contain_text("Awaiting the entrustment agreement")

    # The grant awaits its agreement.
    click_and_wait(page, f"#entries-table a[data-grant='{grant.pk}']", strict=True)
    expect(page).to_have_url(f"{staff}grants/{grant.pk}/")
    expect(page.locator("#grant-status")).to_have_attribute("data-status", "awaiting_agreement")
    expect(page.locator("#grant-effective-on")).to_have_text("—")

    # The signed agreement makes it effective from the start of its term.
    click_and_wait(page, "[data-testid=grant-sign-agreement]", strict=True)
    page.locator("#id_number").fill("川司委〔2026〕3号")
    page.locator("#id_signed_on").fill("2026-02-01")
    page.locator("#id_starts_on").fill("2026-02-02")
    page.locator("#id_ends_on").fill("2028-02-01")
    click_and_wait(page, "[data-testid=confirm]", strict=True)
    expect(page).to_have_url(f"{staff}grants/{grant.pk}/")
    expect(page.locator("#grant-status")).to_have_text("Effective")
    expect(page.locator("#grant-status")).to_have_attribute("data-status", "effective")
    expect(page.locator("#grant-effective-on")).to_have_text("2 Feb 2026")
    expect(page.locator("#grant-timeline [data-milestone='agreement-signed']")).to_contain_text(
        "川司委〔2026〕3号"
    )
    expect(page.locator("#grant-agreements [data-agreement]")).to_have_count(1)

    assert page_problems.console_errors == []
    assert page_problems.page_errors == []
    assert page_problems.failed_responses == []
    assert page.evaluate("window.__cspViolations") == []
