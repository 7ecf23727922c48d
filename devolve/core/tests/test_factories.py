"""The factory-boy factories of every app build rows that pass the model's own validation and
constraints."""

import pytest
from django.db import models

from devolve.accounts.tests.factories import UserFactory
from devolve.assessments.tests.factories import (
    AssessmentRoundFactory,
    EntryDecisionFactory,
    GrantAssessmentFactory,
)
from devolve.grants.tests.factories import GrantFactory
from devolve.indicators.tests.factories import IndicatorFactory
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory
from devolve.performance.tests.factories import (
    IndicatorGroupFactory,
    IndicatorItemFactory,
    PerformanceAssessmentFactory,
    SchemeFactory,
)
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

FACTORIES = [
    UserFactory,
    ZoneFactory,
    BatchFactory,
    BatchMembershipFactory,
    DepartmentFactory,
    MatterFactory,
    AnnualListFactory,
    ListEntryFactory,
    GrantFactory,
    IndicatorFactory,
    AssessmentRoundFactory,
    GrantAssessmentFactory,
    EntryDecisionFactory,
    SchemeFactory,
    IndicatorGroupFactory,
    IndicatorItemFactory,
    PerformanceAssessmentFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda factory: factory.__name__)
def test_a_factory_builds_a_valid_row(factory_class: type) -> None:
    row: models.Model = factory_class()
    row.full_clean()
    assert type(row)._default_manager.filter(pk=row.pk).exists()
