"""Reads as of a day: the latest release on or before it, per subject and period."""

import datetime
from decimal import Decimal

import pytest

from devolve.indicators import selectors
from devolve.indicators.tests.factories import IndicatorFactory, ZoneObservationFactory
from devolve.regions.tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db

PRELIMINARY = datetime.date(2024, 2, 20)
REVISED = datetime.date(2024, 12, 30)


def test_latest_observations_picks_the_latest_release_by_the_day() -> None:
    growth = IndicatorFactory(code="growth")
    zone = ZoneFactory(slug="east")
    preliminary = ZoneObservationFactory(
        indicator=growth, zone=zone, year=2023, value=Decimal("8.1"), vintage=PRELIMINARY
    )
    revised = ZoneObservationFactory(
        indicator=growth, zone=zone, year=2023, value=Decimal("7.9"), vintage=REVISED
    )
    other_year = ZoneObservationFactory(indicator=growth, zone=zone, year=2022, vintage=PRELIMINARY)

    def latest(on: datetime.date) -> set[int]:
        return {row.pk for row in selectors.latest_observations(indicator=growth, as_of=on)}

    assert latest(PRELIMINARY - datetime.timedelta(days=1)) == set()
    assert latest(PRELIMINARY) == {preliminary.pk, other_year.pk}
    assert latest(REVISED - datetime.timedelta(days=1)) == {preliminary.pk, other_year.pk}
    assert latest(REVISED) == {revised.pk, other_year.pk}
    assert {
        row.pk
        for row in selectors.latest_observations(
            indicator=growth, as_of=REVISED, years=(2023, 2023)
        )
    } == {revised.pk}
