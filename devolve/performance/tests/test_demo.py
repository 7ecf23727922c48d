"""The demo's performance assessments (``demo.sichuan_performance``): one per scheme for every
completed year, computed from the demo's reform data, one appeal upheld, each published after its
appeal window; every stored score recomputes item by item from its stored inputs; a second seed
changes nothing.

The seed takes a minute, so the module seeds once; each test runs in a savepoint of that seed.
It is the full demo with its logins, so the check that needs them lives here too: the Tianfu
login has its reminders.
"""

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from devolve.accounts.models import User
from devolve.assessments.models import GrantAssessment
from devolve.demo import sichuan_performance as demo
from devolve.demo.seed import SeedReport
from devolve.demo.testing import DEMO_DAY, full_demo
from devolve.performance import selectors
from devolve.performance.models import Appeal, PerformanceAssessment, Scheme, ScoreItem
from devolve.reporting.models import AreaReport, ReportingNotice

AS_OF = DEMO_DAY


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = full_demo()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def report(_seeded_once: SeedReport, db: None) -> SeedReport:
    return _seeded_once


def test_every_completed_year_is_assessed_and_published_after_its_appeal_window(
    report: SeedReport,
) -> None:
    assessments = PerformanceAssessment.objects.order_by("scheme__code", "year")
    assert [(a.scheme.code, a.year, a.status) for a in assessments] == [
        (scheme, year, "published")
        for scheme in (demo.DEPARTMENT_SCHEME, demo.PREFECTURE_SCHEME)
        for year in (2023, 2024, 2025)
    ]
    for assessment in assessments:
        calendar = demo.Calendar(assessment.year)
        assert assessment.published_at is not None
        assert assessment.computed_at is not None
        assert timezone.localtime(assessment.published_at).date() == calendar.published_on
        assert timezone.localtime(assessment.computed_at).date() == calendar.computed_on
        assert calendar.published_on > assessment.appeal_closes_on
    assert all(a.is_illustrative and a.scheme.is_illustrative for a in assessments)
    assert set(Scheme.objects.values_list("status", flat=True)) == {"published"}


def test_every_score_recomputes_item_by_item_from_its_stored_inputs(report: SeedReport) -> None:
    checked = 0
    for assessment in PerformanceAssessment.objects.all():
        recomputed = selectors.recompute_from_stored_inputs(assessment=assessment)
        for score in assessment.scores.prefetch_related("items__item"):
            result = recomputed[score.subject_key]
            assert (result.total, result.tier.value, result.rank) == (
                score.total,
                score.tier,
                score.rank,
            )
            for row in score.items.all():
                points = result.item_by_code[row.item.code]
                assert (points.value, points.share, points.max_points, points.points) == (
                    row.input_value,
                    row.share,
                    row.max_points,
                    row.points,
                ), (score.subject_key, row.item.code)
                checked += 1
    assert checked == ScoreItem.objects.count()


def test_inputs_come_from_the_demo_reform_data(report: SeedReport) -> None:
    """Accepted reports feed usage and reporting, the 2024 regular assessment the grant scores,
    the simulated economy the growth item; an item without data says so."""
    rows = ScoreItem.objects.filter(score__assessment__scheme__code=demo.PREFECTURE_SCHEME)
    measured = set(rows.filter(source="measure").values_list("item__code", flat=True).distinct())
    assert measured == {
        "cases-completed",
        "grant-assessment",
        "reporting-completeness",
        "reporting-timeliness",
        "grp-growth",
        "zero-use-grants",
    }
    for row in rows.filter(source="none"):
        assert (row.input_value, row.points) == (None, Decimal(0))


def test_the_appeal_was_upheld_and_moved_the_score(report: SeedReport) -> None:
    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.score.subject_key, appeal.item.code) == (
        "upheld",
        "510100",
        demo.INNOVATION,
    )
    assert appeal.filed_by is not None
    assert appeal.filed_by.username == "chengdu"
    assert appeal.corrected_value == appeal.previous_value + 1
    row = appeal.score.items.get(item=appeal.item)
    assert (row.input_value, row.source) == (appeal.corrected_value, "appeal")
    assert appeal.score.total > appeal.previous_total
    assert appeal.score.revision == 2
    # Written by the demo's users, so in Chinese, as they would write it.
    assert not re.search("[A-Za-z]", appeal.grounds + appeal.decision_reason)


def test_a_second_seed_changes_nothing(report: SeedReport) -> None:
    before = list(ScoreItem.objects.order_by("pk").values_list("pk", "input_value", "points"))
    again = SeedReport()
    demo.seed_performance(again, as_of=AS_OF)
    assert again.created == {"performance_assessments": 0}
    assert (
        list(ScoreItem.objects.order_by("pk").values_list("pk", "input_value", "points")) == before
    )


def test_office_overview_shows_the_flagged_zero_use_grants(
    report: SeedReport, client: Client
) -> None:
    """The regular assessment's flags (independent record: ``GrantAssessment``) all appear."""
    flagged = GrantAssessment.objects.filter(is_flagged_zero_use=True)
    client.force_login(User.objects.get(username="office"))
    response = client.get("/en/staff/overview/")
    assert response.status_code == 200
    body = response.content.decode()
    shown = {int(pk) for pk in re.findall(r'data-grant="(\d+)"', body)}
    assert shown == set(flagged.values_list("grant_id", flat=True))
    assert f'id="flagged-count">{len(shown)}</span>' in body


def test_the_tianfu_login_has_its_reminders(report: SeedReport) -> None:
    """The logins exist before the reports are played, so the reminder for the cycle open on the
    demo's day reaches them: Tianfu's report falls due within days."""
    tianfu = User.objects.get(username="tianfu")

    notices = {notice.kind: notice for notice in ReportingNotice.objects.filter(recipient=tianfu)}

    assert sorted(notices) == ["due_soon"]
    owed = AreaReport.objects.get(
        zone=tianfu.zone, cycle__opens_on__lte=AS_OF, cycle__due_on__gte=AS_OF
    )
    assert owed.status == AreaReport.Status.DRAFT.value
    assert (notices["due_soon"].due_on, notices["due_soon"].link) == (
        owed.cycle.due_on,
        owed.get_absolute_url(),
    )
