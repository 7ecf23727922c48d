"""The inboxes of the roles the other walks do not start from, in a real browser: a provincial
department finds the grant that waits for its entrustment agreement, follows the inbox to it and
records the signed agreement; an evaluator finds the grants of its round left to score and scores
one; a pilot area records two handovers at once from its list of handovers to make. Each inbox
then counts fewer. (The pilot area and the prefecture act from their inboxes
in test_reporting.py, the office in test_entrustment.py; the auditor's home has no work, only
links.)
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.assessments.models import AssessmentRound
from devolve.assessments.rules import DEFAULT_RUBRIC
from devolve.assessments.tests.factories import AssessmentRoundFactory, GrantAssessmentFactory
from devolve.grants.models import Grant
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import Department
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory, mode
from devolve.regions.models import Batch, Zone
from tests.browser.conftest import click_and_wait, sign_in

pytestmark = pytest.mark.browser


def _all_counts(page: Page) -> int:
    """The sum of the home's counts: for a department every count is work to do."""
    return sum(
        int(count)
        for count in page.locator("#pending-work [data-count]").evaluate_all(
            "counts => counts.map(count => count.dataset.count)"
        )
    )


def _count(page: Page, work: str) -> int:
    counted = page.locator(f"#pending-work [data-work={work}] [data-count]")
    expect(counted).to_have_count(1)
    return int(counted.get_attribute("data-count") or "0")


def test_the_department_signs_the_agreement_its_inbox_is_waiting_for(
    open_page: Callable[..., Page], live_server: Any, sichuan_demo: None
) -> None:
    justice = Department.objects.get(code="justice")
    UserFactory(username="justice-inbox", role=User.Role.DEPARTMENT, department=justice)
    annual_list = AnnualListFactory(published=True, year=2026, batch=Batch.objects.get(number=1))
    entry = ListEntryFactory(
        annual_list=annual_list,
        granting_department=justice,
        mode=mode("entrust"),
        matter=MatterFactory(competent_department=justice, name_zh="司法鉴定机构登记（测试）"),
    )
    grant = GrantFactory(
        entry=entry,
        zone=Zone.objects.get(slug="tianfu-new-area"),
        status=Grant.Status.AWAITING_AGREEMENT,
        effective_on=None,
    )
    staff = f"{live_server.url}/en/staff/"

    page = open_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "justice-inbox", next_path="/en/staff/")
    expect(page).to_have_url(f"{live_server.url}/en/staff/")

    # The home counts the grants that wait for this department's agreement, the new one included.
    before = _count(page, "agreements")
    assert before >= 1
    expect(page.locator("#inbox-badge[data-waiting]")).to_have_attribute(
        "data-waiting", str(_all_counts(page))
    )

    # The inbox leads to the list of what the department owes, and the list to the grant.
    click_and_wait(page, "#pending-work [data-work=agreements] a")
    row = page.locator(f"#awaiting-agreement tr[data-grant='{grant.pk}']")
    expect(row).to_have_count(1)
    click_and_wait(page, f"#awaiting-agreement tr[data-grant='{grant.pk}'] a")
    expect(page).to_have_url(f"{staff}grants/{grant.pk}/")

    click_and_wait(page, "[data-testid=grant-sign-agreement]")
    signed_on = annual_list.published_on.isoformat()
    page.locator("#id_number").fill("川司委〔2026〕9号")
    page.locator("#id_signed_on").fill(signed_on)
    page.locator("#id_starts_on").fill(signed_on)
    page.locator("#id_ends_on").fill(f"{annual_list.published_on.year + 2}-12-31")
    click_and_wait(page, "[data-testid=confirm]")
    expect(page.locator("#grant-status")).to_have_attribute("data-status", "effective")

    # Done: the inbox counts one grant fewer, and the header's badge agrees with the inbox.
    click_and_wait(page, "[data-testid=nav-staff]")
    assert _count(page, "agreements") == before - 1
    expect(page.locator("#inbox-badge[data-waiting]")).to_have_attribute(
        "data-waiting", str(_all_counts(page))
    )


def test_the_evaluator_scores_a_grant_its_inbox_lists(
    open_page: Callable[..., Page], live_server: Any, sichuan_demo: None
) -> None:
    evaluator = UserFactory(username="evaluator-inbox", role=User.Role.EVALUATOR)
    assessment_round = AssessmentRoundFactory(status=AssessmentRound.Status.SCORING)
    assessment_round.evaluators.add(evaluator)
    assessment = GrantAssessmentFactory(round=assessment_round)
    GrantAssessmentFactory(round=AssessmentRoundFactory(status=AssessmentRound.Status.SCORING))

    page = open_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "evaluator-inbox", next_path="/en/staff/")
    expect(page).to_have_url(f"{live_server.url}/en/staff/")

    # Only the round this evaluator was named to counts.
    assert _count(page, "to-score") == 1
    click_and_wait(page, "#pending-work [data-work=to-score] a")
    click_and_wait(page, f"a[href$='/assessment-rounds/{assessment_round.pk}/']")
    click_and_wait(page, f"a[href$='/grant-assessments/{assessment.pk}/']")

    for criterion in DEFAULT_RUBRIC:
        page.locator(f"#id_score_{criterion.code}").fill(str(criterion.max_points))
    page.locator("#id_recommendation").select_option("keep")
    click_and_wait(page, "#score-form [data-testid=confirm]")
    expect(page.locator("#assessment-recommendation")).to_have_attribute(
        "data-recommendation", "keep"
    )

    click_and_wait(page, "[data-testid=nav-staff]")
    assert _count(page, "to-score") == 0
    expect(page.locator("#inbox-badge[data-waiting]")).to_have_attribute(
        "data-waiting", str(_all_counts(page))
    )


def test_the_area_records_two_handovers_at_once_from_its_inbox(
    open_page: Callable[..., Page], live_server: Any, sichuan_demo: None
) -> None:
    tianfu = Zone.objects.get(slug="tianfu-new-area")
    justice = Department.objects.get(code="justice")
    UserFactory(username="tianfu-handovers", role=User.Role.PILOT_AREA, zone=tianfu)
    annual_list = AnnualListFactory(published=True, year=2026, batch=Batch.objects.get(number=1))
    today = timezone.localdate()
    due = [
        GrantFactory(
            entry=ListEntryFactory(
                annual_list=annual_list,
                granting_department=justice,
                mode=mode("delegate"),
                matter=MatterFactory(competent_department=justice, name_zh=f"交接测试事项{n}"),
            ),
            zone=tianfu,
            effective=True,
            effective_on=today - datetime.timedelta(days=10),
            handover_due_on=today + datetime.timedelta(days=10),
        )
        for n in (1, 2)
    ]
    page = open_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "tianfu-handovers", next_path="/en/staff/")
    expect(page).to_have_url(f"{live_server.url}/en/staff/")
    before = _count(page, "handovers")
    assert before >= 2

    # The inbox leads to the handovers to make; the new edition's two are ticked and recorded
    # together, on one day.
    click_and_wait(page, "#pending-work [data-work=handovers] a")
    expect(page).to_have_url(f"{live_server.url}/en/staff/grants/handovers/")
    page.goto(f"{page.url}?annual_list={annual_list.key}")
    for grant in due:
        page.locator(f"#handovers-table tr[data-grant='{grant.pk}'] input[name=grant]").check()
    page.locator("#id_handed_over_on").fill(today.isoformat())
    click_and_wait(page, "#bulk-form button[type=submit]")

    expect(page.get_by_text("The handover of 2 grants was recorded.")).to_be_visible()
    expect(page.locator("#handovers-table tr[data-grant]")).to_have_count(0)
    assert set(
        Grant.objects.filter(pk__in=[g.pk for g in due]).values_list("status", flat=True)
    ) == {"handed_over"}

    # Done: the inbox counts two handovers fewer.
    click_and_wait(page, "[data-testid=nav-staff]")
    assert _count(page, "handovers") == before - 2
