import datetime
from decimal import Decimal

import pytest

from devolve.accounts.models import User
from devolve.assessments import selectors, services
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.assessments.selectors import FlaggedGrant
from devolve.assessments.tests.conftest import World, report
from devolve.assessments.tests.test_services import FULL, open_round, score_all

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
