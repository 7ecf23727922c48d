"""A round's scoring sheet (``score_grants``): many grants scored in one call, each line checked
as ``score_grant`` checks it, all or nothing, writing what scoring them one at a time writes."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.assessments import services
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.assessments.services import GrantScores
from devolve.assessments.tests.conftest import World
from devolve.assessments.tests.test_services import FULL, decide, open_round, snapshot
from devolve.core.bulk import BulkRefused
from devolve.core.errors import DomainError
from devolve.core.history import loading_known_good_data
from devolve.core.models import AuditEvent

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def scoring(world: World, office_user: User, evaluator: User) -> AssessmentRound:
    assessment_round = open_round(world, office_user, evaluators=[evaluator])
    return services.start_scoring(assessment_round=assessment_round, started_by=office_user)


def _assessments(assessment_round: AssessmentRound) -> list[GrantAssessment]:
    return list(GrantAssessment.objects.filter(round=assessment_round).order_by("pk"))


def _sheet(assessment_round: AssessmentRound) -> list[GrantScores]:
    """Every grant of the round: the first withdrawn with a reason, the others kept."""
    return [
        GrantScores(
            grant_assessment=item,
            scores={**FULL, "use": index},
            recommendation="withdraw" if index == 0 else "keep",
            reason="No case all year." if index == 0 else "",
        )
        for index, item in enumerate(_assessments(assessment_round))
    ]


def _written(assessment_round: AssessmentRound) -> dict[str, list[Any]]:
    """What scoring wrote, without the ids and times the database and the clock give."""
    assessments = GrantAssessment.objects.filter(round=assessment_round).order_by("pk")
    fields = ["scores", "score_total", "scored_by", "recommendation", "recommendation_reason"]
    return {
        "assessments": list(assessments.values_list("pk", *fields)),
        "history": list(
            GrantAssessment.history.filter(round=assessment_round, history_type="~")
            .order_by("history_id")
            .values_list("id", *fields, "history_user", "history_change_reason", "history_type")
        ),
        "events": list(
            AuditEvent.objects.filter(action="grant_assessment.scored")
            .order_by("pk")
            .values_list("actor", "target_type", "target_id", "target_label", "reason", "details")
        ),
    }


def test_a_sheet_writes_what_scoring_each_grant_writes(
    world: World, scoring: AssessmentRound, evaluator: User
) -> None:
    sheet = _sheet(scoring)
    assert len(sheet) >= 4
    with transaction.atomic():
        for line in sheet:
            services.score_grant(
                grant_assessment=line.grant_assessment,
                scores=line.scores,
                recommendation=line.recommendation,
                reason=line.reason,
                scored_by=evaluator,
            )
        one_at_a_time = _written(scoring)
        transaction.set_rollback(True)
    assert _written(scoring)["events"] == []

    scored = services.score_grants(
        assessment_round=scoring, sheet=_sheet(scoring), scored_by=evaluator
    )

    assert _written(scoring) == one_at_a_time
    assert [item.score_total for item in scored] == [
        Decimal(45 + index) for index in range(len(sheet))
    ]


def test_a_sheet_costs_the_same_statements_whatever_its_length(
    world: World,
    scoring: AssessmentRound,
    evaluator: User,
    django_assert_max_num_queries: Any,
) -> None:
    sheet = _sheet(scoring)

    # The evaluator check, the round's lock, the assessments' lock, the decided entries, the
    # update, the history rows and the events; the per-row validation queries of the fields'
    # keys and the constraints are left to the database when loading known-good data (the seed).
    with loading_known_good_data(), django_assert_max_num_queries(7):
        services.score_grants(assessment_round=scoring, sheet=sheet, scored_by=evaluator)


def test_every_refused_line_is_reported_and_nothing_is_written(
    world: World, scoring: AssessmentRound, office_user: User, evaluator: User
) -> None:
    services.score_grants(assessment_round=scoring, sheet=_sheet(scoring), scored_by=evaluator)
    decide(
        scoring, world, world.law_firms, "keep", reason="Kept on review.", decided_by=office_user
    )
    decided = {
        item.pk
        for item in _assessments(scoring)
        if item.grant.entry.matter_id == world.law_firms.pk
    }
    sheet = _sheet(scoring)
    undecided = next(line for line in sheet if line.grant_assessment.pk not in decided)
    sheet = [
        *sheet,
        GrantScores(
            grant_assessment=undecided.grant_assessment,
            scores={**FULL, "use": 41},
            recommendation="keep",
        ),
        GrantScores(grant_assessment=undecided.grant_assessment, scores=FULL, recommendation="x"),
    ]
    before = snapshot()

    with pytest.raises(BulkRefused) as refused:
        services.score_grants(assessment_round=scoring, sheet=sheet, scored_by=evaluator)

    codes = [refusal.code for refusal in refused.value.refusals]
    assert codes.count("already_decided") == len(decided)
    # The undecided grant's first line passes; its second and third name it again.
    assert codes[len(decided) :] == ["invalid", "invalid"]
    assert snapshot() == before


def test_a_bad_line_is_refused_with_the_single_grant_s_code(
    world: World, scoring: AssessmentRound, evaluator: User
) -> None:
    first, *rest = _sheet(scoring)
    before = snapshot()

    with pytest.raises(BulkRefused) as refused:
        services.score_grants(
            assessment_round=scoring,
            sheet=[
                GrantScores(
                    grant_assessment=first.grant_assessment, scores=FULL, recommendation="adjust"
                ),
                *rest,
            ],
            scored_by=evaluator,
        )

    assert [refusal.code for refusal in refused.value.refusals] == ["reason_required"]
    assert snapshot() == before


def test_a_line_of_another_round_is_refused(
    world: World, scoring: AssessmentRound, office_user: User, evaluator: User
) -> None:
    other = open_round(world, office_user, evaluators=[evaluator], title_en="Another")
    services.start_scoring(assessment_round=other, started_by=office_user)

    with pytest.raises(BulkRefused) as refused:
        services.score_grants(assessment_round=scoring, sheet=_sheet(other), scored_by=evaluator)

    assert {refusal.code for refusal in refused.value.refusals} == {"invalid"}


def test_only_the_office_and_the_round_s_evaluators_score_a_sheet(
    world: World, scoring: AssessmentRound
) -> None:
    outsider = UserFactory(username="other-evaluator", role=User.Role.EVALUATOR)

    with pytest.raises(DomainError) as refused:
        services.score_grants(assessment_round=scoring, sheet=_sheet(scoring), scored_by=outsider)

    assert refused.value.code == "not_allowed"


def test_no_sheet_before_scoring_starts(world: World, office_user: User, evaluator: User) -> None:
    assessment_round = open_round(world, office_user, evaluators=[evaluator])

    with pytest.raises(DomainError) as refused:
        services.score_grants(
            assessment_round=assessment_round,
            sheet=_sheet(assessment_round),
            scored_by=evaluator,
        )

    assert refused.value.code == "illegal_transition"
