from typing import Any

import pytest

from devolve.accounts.models import User
from devolve.matters.models import AnnualList, Department
from devolve.performance.models import PerformanceAssessment, Scheme
from devolve.performance.tests import worlds


@pytest.fixture
def edition(office_user: User, pilot_area_user: User, justice: Department) -> AnnualList:
    return worlds.edition_2024(office_user, pilot_area_user.zone, justice)


@pytest.fixture
def scheme(office_user: User) -> Scheme:
    return worlds.published_scheme(office_user)


@pytest.fixture
def assessment(edition: AnnualList, scheme: Scheme, office_user: User) -> PerformanceAssessment:
    return worlds.computed_assessment(office_user, scheme)


@pytest.fixture
def chengdu_score(assessment: PerformanceAssessment) -> Any:
    return assessment.scores.get(subject_key=worlds.CHENGDU)
