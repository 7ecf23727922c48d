"""The computed assessment of ``worlds.assessed`` under the names tests use (``assessment``,
``chengdu_score``, ``scheme``, ``edition`` and the personas it names), in place of the root
conftest's personas and of the per-test ``edition`` and ``scheme``: a module whose every test reads
the assessment binds them (``... = assessed.FIXTURES``), and the assessment is built once for it
(``_assessed_once`` in ``conftest.py``)."""

import pytest

from devolve.accounts.models import User
from devolve.matters.models import AnnualList, Department
from devolve.performance.models import PerformanceAssessment, Scheme, Score
from devolve.performance.tests import worlds


@pytest.fixture
def assessment(assessed: worlds.Assessed) -> PerformanceAssessment:
    return assessed.assessment


@pytest.fixture
def chengdu_score(assessment: PerformanceAssessment) -> Score:
    return assessment.scores.get(subject_key=worlds.CHENGDU)


@pytest.fixture
def scheme(assessed: worlds.Assessed) -> Scheme:
    return assessed.scheme


@pytest.fixture
def edition(assessed: worlds.Assessed) -> AnnualList:
    return assessed.edition


@pytest.fixture
def office_user(assessed: worlds.Assessed) -> User:
    return assessed.office_user


@pytest.fixture
def pilot_area_user(assessed: worlds.Assessed) -> User:
    return assessed.pilot_area_user


@pytest.fixture
def justice(assessed: worlds.Assessed) -> Department:
    return assessed.justice


# What a module binds: ``assessment, chengdu_score, scheme, edition, office_user,
# pilot_area_user, justice = assessed.FIXTURES``.
FIXTURES = (assessment, chengdu_score, scheme, edition, office_user, pilot_area_user, justice)
