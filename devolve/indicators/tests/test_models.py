"""Constraints of indicators and observations."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from devolve.indicators.models import Indicator, Observation, SubjectKind
from devolve.indicators.tests.factories import IndicatorFactory, ZoneObservationFactory
from devolve.regions.models import Division
from devolve.regions.tests.factories import ZoneFactory, prefecture

pytestmark = pytest.mark.django_db


def _insert_fails(**fields: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(**fields)


def _base(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "indicator": IndicatorFactory(code="growth"),
        "subject_kind": SubjectKind.ZONE,
        "zone": ZoneFactory(slug="a-zone"),
        "year": 2023,
        "value": Decimal("8.1"),
        "vintage": datetime.date(2024, 2, 20),
        "source": "Test",
    }
    fields.update(overrides)
    return fields


def test_a_zone_figure_names_the_zone_and_no_division() -> None:
    _insert_fails(**_base(division=prefecture()))
    _insert_fails(**_base(zone=None))
    _insert_fails(**_base(subject_kind=SubjectKind.PREFECTURE))


def test_a_prefecture_figure_names_the_division_only() -> None:
    Observation.objects.create(**_base(subject_kind=SubjectKind.PREFECTURE, zone=None,
                                       division=prefecture()))  # fmt: skip
    _insert_fails(**_base(subject_kind=SubjectKind.PREFECTURE, division=prefecture()))


def test_quarter_is_1_to_4_and_year_plausible() -> None:
    _insert_fails(**_base(quarter=5))
    _insert_fails(**_base(quarter=0))
    _insert_fails(**_base(year=1800))


def test_one_value_per_subject_period_and_release_but_revisions_keep_history() -> None:
    first = ZoneObservationFactory()
    _insert_fails(**_base(indicator=first.indicator, zone=first.zone, year=first.year,
                          vintage=first.vintage))  # fmt: skip
    revision = Observation.objects.create(
        **_base(indicator=first.indicator, zone=first.zone, year=first.year,
                vintage=first.vintage + datetime.timedelta(days=300), value=Decimal("8.0"))
    )  # fmt: skip
    assert Observation.objects.filter(zone=first.zone, year=first.year).count() == 2
    assert revision.value == Decimal("8.0")


def test_a_whole_year_and_a_quarter_are_different_periods() -> None:
    quarterly = IndicatorFactory(code="quarterly", frequency=Indicator.Frequency.QUARTER)
    zone = ZoneFactory(slug="q-zone")
    Observation.objects.create(**_base(indicator=quarterly, zone=zone))
    Observation.objects.create(**_base(indicator=quarterly, zone=zone, quarter=1))
    _insert_fails(**_base(indicator=quarterly, zone=zone, quarter=1))


def test_clean_refuses_a_quarter_of_an_annual_indicator_and_a_wrong_level() -> None:
    observation = Observation(**_base(quarter=2))
    with pytest.raises(ValidationError) as refused:
        observation.full_clean()
    assert refused.value.error_dict["quarter"][0].code == "annual_indicator"
    province = Division.objects.get(level=Division.Level.PROVINCE)
    wrong = Observation(**_base(subject_kind=SubjectKind.PREFECTURE, zone=None, division=province))
    with pytest.raises(ValidationError) as refused:
        wrong.full_clean()
    assert refused.value.error_dict["division"][0].code == "wrong_subject_level"


def test_only_a_growth_rate_names_its_level() -> None:
    level = IndicatorFactory(code="level", kind=Indicator.Kind.LEVEL)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(code="bad", kind=Indicator.Kind.LEVEL, level_indicator=level)
    growth = IndicatorFactory(code="ok", level_indicator=level)
    assert growth.level_indicator == level


def test_observations_keep_history() -> None:
    observation = ZoneObservationFactory()
    observation.value = Decimal("9.9")
    observation.save()
    assert observation.history.count() == 2
