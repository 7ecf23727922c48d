"""The demo's 2024 performance assessment (``demo.sichuan_performance``): computed from the demo's
reform data, one appeal upheld, published; every stored score recomputes item by item from its
stored inputs; a second seed changes nothing.

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

from devolve.accounts.models import User
from devolve.assessments.models import GrantAssessment
from devolve.demo import sichuan_performance as demo
from devolve.demo.seed import SeedReport, seed
from devolve.performance import selectors
from devolve.performance.models import Appeal, PerformanceAssessment, Scheme, ScoreItem
from devolve.reporting.models import AreaReport, ReportingNotice


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = seed(with_users=True, with_lists=True)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def report(_seeded_once: SeedReport, db: None) -> SeedReport:
    return _seeded_once


def test_both_assessments_are_published_under_illustrative_schemes(report: SeedReport) -> None:
    assessments = PerformanceAssessment.objects.order_by("scheme__code")
    assert [(a.scheme.code, a.year, a.status) for a in assessments] == [
        (demo.DEPARTMENT_SCHEME, 2024, "published"),
        (demo.PREFECTURE_SCHEME, 2024, "published"),
    ]
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


def test_a_second_seed_changes_nothing(report: SeedReport) -> None:
    before = list(ScoreItem.objects.order_by("pk").values_list("pk", "input_value", "points"))
    again = SeedReport()
    demo.seed_performance(again)
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
    """The logins exist before the reports are played, so the reminders of the day after the
    last cycle fell due reach them, and so does the office's reopening of Tianfu's report."""
    tianfu = User.objects.get(username="tianfu")

    notices = {notice.kind: notice for notice in ReportingNotice.objects.filter(recipient=tianfu)}

    assert sorted(notices) == ["overdue", "reopened"]
    reopened = AreaReport.objects.get(zone=tianfu.zone, reopened_until__isnull=False)
    assert (notices["reopened"].due_on, notices["reopened"].link) == (
        reopened.reopened_until,
        reopened.get_absolute_url(),
    )
    assert notices["overdue"].link == reopened.get_absolute_url()
