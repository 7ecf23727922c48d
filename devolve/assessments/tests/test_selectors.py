import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devolve.accounts.models import User
from devolve.assessments import rules, selectors, services
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.assessments.rules import PeriodUsage
from devolve.assessments.selectors import FlaggedGrant
from devolve.assessments.tests.conftest import World, report
from devolve.assessments.tests.test_services import FULL, open_round, score_all
from devolve.reporting.models import ReportingCycle

D = datetime.date


def test_flagged_grants_come_from_accepted_periods(world: World) -> None:
    law_home = world.grant(world.law_firms, world.home)
    law_east = world.grant(world.law_firms, world.east)
    aid_home = world.grant(world.legal_aid, world.home)
    for cycle in world.cycles:
        report(law_home, cycle, received=0)
    report(law_east, world.cycles[0], received=0)
    report(law_east, world.cycles[1], received=0, status="submitted")  # not accepted yet
    report(aid_home, world.cycles[0], received=2)

    flagged = selectors.list_flagged_grants(annual_list=world.edition)

    assert flagged == [
        FlaggedGrant(
            grant_id=law_home.pk,
            zone_id=world.home.pk,
            entry_id=law_home.entry_id,
            consecutive_zero_periods=3,
            last_period_end=D(2023, 12, 31),
        )
    ]
    assert [flag.grant_id for flag in selectors.list_flagged_grants(min_periods=1)] == [
        law_home.pk,
        law_east.pk,
    ]
    assert selectors.list_flagged_grants(annual_list=world.edition, min_periods=4) == []


def test_a_report_accepted_is_seen_by_the_next_read_of_the_flags(world: World) -> None:
    """The flags read the runs stored when reports are accepted (ADR 0066): no version to check,
    nothing kept between requests, one query for the runs."""
    law_home = world.grant(world.law_firms, world.home)
    for cycle in world.cycles[:2]:
        report(law_home, cycle, received=0)
    with CaptureQueriesContext(connection) as first_read:
        first = selectors.list_flagged_grants(annual_list=world.edition, min_periods=2)
    report(law_home, world.cycles[2], received=0)

    after = selectors.list_flagged_grants(annual_list=world.edition, min_periods=2)

    assert len(first_read.captured_queries) == 1  # the runs, nothing else
    assert [flag.consecutive_zero_periods for flag in first] == [2]
    assert [flag.consecutive_zero_periods for flag in after] == [3]


def test_the_flag_threshold_follows_the_editions_latest_round(
    world: World, office_user: User
) -> None:
    law_home = world.grant(world.law_firms, world.home)
    for cycle in world.cycles[:2]:
        report(law_home, cycle, received=0)
    open_round(world, office_user, zero_use_periods=3)

    assert selectors.list_flagged_grants(annual_list=world.edition) == []


def test_grant_scores_come_from_the_latest_completed_round(
    world: World, office_user: User, evaluator: User
) -> None:
    assessment_round = open_round(world, office_user, evaluators=[evaluator])
    services.start_scoring(assessment_round=assessment_round, started_by=office_user)
    score_all(assessment_round, world, evaluator, {})

    assert selectors.grant_scores(annual_list=world.edition) == {}  # still scoring

    for entry in (world.law_firms, world.legal_aid, world.tax_support):
        services.decide_entry(
            assessment_round=assessment_round,
            entry=world.entry(entry),
            decision="keep",
            reason="",
            decided_on=D(2024, 2, 1),
            decided_by=office_user,
        )
    services.complete_decisions(
        assessment_round=assessment_round, decided_on=D(2024, 2, 1), completed_by=office_user
    )

    scores = selectors.grant_scores(annual_list=world.edition)
    assert scores == {
        item.grant_id: Decimal(sum(FULL.values()))
        for item in GrantAssessment.objects.filter(round=assessment_round)
    }
    assert len(scores) == 5


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("office", {"law_home", "law_east", "aid_home", "tax_home", "tax_east"}),
        ("evaluator", {"law_home", "law_east", "aid_home", "tax_home", "tax_east"}),
        ("auditor", {"law_home", "law_east", "aid_home", "tax_home", "tax_east"}),
        ("department", {"law_home", "law_east", "aid_home"}),
        ("other_department", {"tax_home", "tax_east"}),
        ("prefecture", {"law_home", "aid_home", "tax_home"}),
        ("pilot_area", {"law_home", "aid_home", "tax_home"}),
    ],
)
def test_each_reader_sees_only_the_assessments_in_scope(
    world: World, office_user: User, personas: dict[str, User], persona: str, expected: set[str]
) -> None:
    assessment_round: AssessmentRound = open_round(world, office_user)
    named = {
        "law_home": world.grant(world.law_firms, world.home),
        "law_east": world.grant(world.law_firms, world.east),
        "aid_home": world.grant(world.legal_aid, world.home),
        "tax_home": world.grant(world.tax_support, world.home),
        "tax_east": world.grant(world.tax_support, world.east),
    }

    visible = selectors.list_grant_assessments_visible_to(
        user=personas[persona], assessment_round=assessment_round
    )

    assert {item.grant_id for item in visible} == {named[name].pk for name in expected}
    rollups = selectors.list_entry_rollups(
        assessment_round=assessment_round, user=personas[persona]
    )
    assert {item.grant_id for rollup in rollups for item in rollup.assessments} == {
        named[name].pk for name in expected
    }


def test_rollups_are_read_in_a_fixed_number_of_queries(
    world: World, office_user: User, django_assert_max_num_queries: object
) -> None:
    assessment_round = open_round(world, office_user)

    with django_assert_max_num_queries(3):
        rollups = selectors.list_entry_rollups(assessment_round=assessment_round)

    assert [rollup.entry.matter for rollup in rollups] == [
        world.law_firms,
        world.legal_aid,
        world.tax_support,
    ]
    assert [rollup.recommended for rollup in rollups] == [None, None, None]


@pytest.mark.parametrize("threshold", [1, 2, 3])
def test_flags_counted_in_the_database_match_the_rule(world: World, threshold: int) -> None:
    """The window-function count gives what ``rules.zero_use_run`` gives over the same periods,
    across resets, ties and periods not yet accepted, in three queries."""
    start = world.cycles[-1].period_end + datetime.timedelta(days=1)
    for _number in range(6):  # six more quarters after the fixture's three
        end = D(start.year + (start.month > 9), (start.month + 2) % 12 + 1, 1)
        end -= datetime.timedelta(days=1)
        world.cycles.append(
            ReportingCycle.objects.create(
                annual_list=world.edition,
                frequency="quarterly",
                sequence=len(world.cycles) + 2,
                period_start=start,
                period_end=end,
                opens_on=end,
                due_on=end + datetime.timedelta(days=10),
                locks_on=end + datetime.timedelta(days=20),
            )
        )
        start = end + datetime.timedelta(days=1)
    patterns = {  # cases received per quarter; None: reported but not accepted
        (world.law_firms, world.home): [0, 0, 3, 0, 0, 0, 1, 0, 0],
        (world.law_firms, world.east): [0, None, 0, 5, 0, 0, 2, 1, 3],  # a tie: the latest
        (world.legal_aid, world.home): [1, 2, 3, 4, 5, 6, 7, 8, 9],
    }
    expected = []
    for (matter, zone), received in patterns.items():
        grant = world.grant(matter, zone)
        periods = []
        for cycle, cases in zip(world.cycles, received, strict=True):
            status = "accepted" if cases is not None else "submitted"
            report(grant, cycle, received=cases or 0, status=status)
            if cases is not None:
                periods.append(PeriodUsage(cycle.period_end, cases, cases, None, None))
        run = rules.zero_use_run(periods)
        if rules.is_zero_use(run, threshold):
            assert run.ends_on is not None
            expected.append(
                FlaggedGrant(grant.pk, zone.pk, grant.entry_id, run.length, run.ends_on)
            )
    expected.sort(key=lambda flag: (-flag.consecutive_zero_periods, flag.grant_id))

    computed = selectors.list_flagged_grants(annual_list=world.edition, min_periods=threshold)
    with CaptureQueriesContext(connection) as queries:
        by_default = selectors.list_flagged_grants(annual_lists=[world.edition])

    assert computed == expected
    # The editions' thresholds, then the stored runs.
    assert len(queries.captured_queries) == 2
    assert by_default == selectors.list_flagged_grants(
        annual_list=world.edition, min_periods=rules.DEFAULT_ZERO_USE_PERIODS
    )
