from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from devolve.accounts.models import User
from devolve.accounts.tests import personas as make
from devolve.core.testing.database import read_again
from devolve.matters.models import AnnualList, Department
from devolve.performance.models import PerformanceAssessment, Scheme, Score
from devolve.performance.tests import worlds


@pytest.fixture
def edition(office_user: User, pilot_area_user: User, justice: Department) -> AnnualList:
    return worlds.edition_2024(office_user, pilot_area_user.zone, justice)


@pytest.fixture
def scheme(office_user: User) -> Scheme:
    return worlds.published_scheme(office_user)


@pytest.fixture
def assessment(edition: AnnualList, scheme: Scheme, office_user: User) -> PerformanceAssessment:
    """Computed for this test alone; a module whose every test reads it takes the one built
    once for the module instead (``devolve.performance.tests.assessed``)."""
    return worlds.computed_assessment(office_user, scheme)


@pytest.fixture
def chengdu_score(assessment: PerformanceAssessment) -> Score:
    return assessment.scores.get(subject_key=worlds.CHENGDU)


@pytest.fixture(scope="module")
def _assessed_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[worlds.Assessed]:
    """The computed assessment and the personas it names, built once for the module in a
    transaction rolled back at its end; each test runs in a savepoint inside it (``db``) and gets
    them read again (``read_again``), so nothing one test does is seen by the next. A module
    takes it, with its personas, by binding ``devolve.performance.tests.assessed.FIXTURES``."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield worlds.assessed(make.office_user(), make.pilot_area_user(), make.justice())
        transaction.set_rollback(True)


@pytest.fixture
def assessed(_assessed_once: worlds.Assessed, db: None) -> worlds.Assessed:
    """The module's computed assessment and its personas, read again for this test."""
    return read_again(_assessed_once)
