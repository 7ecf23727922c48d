import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from devolve.accounts.models import User
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.assessments.tests.conftest import World
from devolve.assessments.tests.test_services import open_round

D = datetime.date


@pytest.fixture
def assessment_round(world: World, office_user: User) -> AssessmentRound:
    return open_round(world, office_user)


def test_a_change_recommended_without_reasons_is_refused(
    assessment_round: AssessmentRound,
) -> None:
    item = GrantAssessment.objects.filter(round=assessment_round).first()
    assert item is not None
    item.recommendation = "withdraw"

    with pytest.raises(ValidationError) as refused:
        item.full_clean()

    assert refused.value.error_dict["__all__"][0].code == "reason_required"


def test_one_assessment_per_grant_and_round(assessment_round: AssessmentRound) -> None:
    item = GrantAssessment.objects.filter(round=assessment_round).first()
    assert item is not None

    with pytest.raises(IntegrityError):
        GrantAssessment.objects.create(
            round=assessment_round, grant=item.grant, grant_status=item.grant_status
        )


def test_a_round_ends_after_it_starts(world: World) -> None:
    with pytest.raises(IntegrityError):
        AssessmentRound.objects.create(
            annual_list=world.edition,
            title_zh="x",
            period_starts_on=D(2023, 12, 31),
            period_ends_on=D(2023, 1, 1),
            opened_on=D(2024, 1, 1),
        )
