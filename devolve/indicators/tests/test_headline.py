"""The headline comparison reproduces the figure officials quote from zone-level data."""

import datetime
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from devolve.demo import sichuan, sichuan_economy
from devolve.demo.seed import SeedReport, seed_registry
from devolve.indicators import selectors
from devolve.indicators.models import Observation
from devolve.regions.models import Division

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 2, 20)


@pytest.fixture(scope="module")
def _economy_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The registry and the simulated economy, seeded once for the module in a transaction
    rolled back at its end; each test runs in a savepoint inside it (``db``), so what one test
    writes is gone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = SeedReport()
        seed_registry(report)
        sichuan_economy.seed_economy(report, with_runs=False)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def economy(_economy_once: None, db: None) -> None:
    """The economy, for one test."""


def test_demo_2023_headline_is_12_7_against_6_0(economy: None) -> None:
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    comparison = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF)

    headline = comparison.headlines[1]

    zone_values = [
        observation.value
        for observation in Observation.objects.filter(
            indicator=growth, year=2023, zone__memberships__batch__number=1
        )
    ]
    assert len(zone_values) == 9
    assert sum(zone_values) / 9 == Decimal("12.7")
    assert headline.year == 2023
    assert headline.row.zones == 9
    assert headline.pilot_mean == pytest.approx(12.7, abs=1e-12)
    assert headline.province == pytest.approx(6.0, abs=1e-12)
    assert headline.gap == pytest.approx(6.7, abs=1e-12)
    assert headline.row.simulated is True
    province = Observation.objects.get(indicator=growth, year=2023, subject_kind="province")
    assert province.is_simulated is False
    assert province.value == Decimal("6.0")


def test_weighted_mean_uses_previous_year_output(economy: None) -> None:
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    comparison = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF)
    row = comparison.headlines[1].row
    zones = Observation.objects.filter(
        indicator=growth, year=2023, zone__memberships__batch__number=1
    ).select_related("zone")
    weights = {
        observation.zone_id: float(observation.value)
        for observation in Observation.objects.filter(
            indicator__code=sichuan_economy.GRP, year=2022, zone__memberships__batch__number=1
        )
    }
    expected = sum(float(o.value) * weights[o.zone_id] for o in zones) / sum(weights.values())
    assert row.weighted_mean == pytest.approx(expected, rel=1e-12)
    assert row.weighted_mean != pytest.approx(row.simple_mean, abs=1e-6)


def test_batch_2_headline_year_is_its_first_full_year(economy: None) -> None:
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    comparison = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF)
    assert comparison.headlines[2].year == 2025
    assert comparison.headlines[2].row.zones == 9
    non_pilot = [row for row in comparison.rows_for("non_pilot") if row.year == 2023]
    assert [row.zones for row in non_pilot] == [10]


def test_nothing_released_before_the_first_vintage(economy: None) -> None:
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    comparison = selectors.get_headline_comparison(
        indicator=growth, as_of=datetime.date(2016, 2, 19)
    )
    assert comparison.rows == []
    assert comparison.headlines == {}


def test_groups_by_kind_and_level_cover_the_pilot_areas_of_both_batches(economy: None) -> None:
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    comparison = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF)
    kinds = {row.key: row.zones for row in comparison.rows_for("kind") if row.year == 2023}
    levels = {row.key: row.zones for row in comparison.rows_for("level") if row.year == 2023}
    pilots = [zone for zone in sichuan.ZONES if zone.batch is not None]
    assert kinds == dict(Counter(zone.kind for zone in pilots))
    assert levels == dict(Counter(zone.level or "unconfirmed" for zone in pilots))
    assert sum(kinds.values()) == 18


def test_the_comparison_is_computed_once_per_version_of_the_observations(
    economy: None,
) -> None:
    """Read again with nothing changed, the comparison costs one query (the version of its
    inputs); a corrected observation is in the next read."""
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    first = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF)
    with CaptureQueriesContext(connection) as again:
        repeated = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF)
    province = Observation.objects.get(indicator=growth, year=2023, subject_kind="province")
    province.value = Decimal("7.0")
    province.save()

    corrected = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF)

    assert len(again.captured_queries) == 1
    assert repeated.headlines[1].province == first.headlines[1].province == pytest.approx(6.0)
    assert corrected.headlines[1].province == pytest.approx(7.0)


def test_pilot_areas_are_measured_against_the_programmes_province(
    economy: None, settings: Any
) -> None:
    """Another province's figure for the same year, held in the same database and listed first,
    does not replace the programme's province (``PROGRAMME_PROVINCE_CODE``)."""
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    beijing = Division.objects.create(
        code="110000", level="province", name_zh="北京市", name_en="Beijing"
    )
    sichuan_figure = Observation.objects.get(indicator=growth, year=2023, subject_kind="province")
    Observation.objects.create(
        indicator=growth,
        subject_kind="province",
        division=beijing,
        year=2023,
        value=Decimal("99.0"),
        vintage=sichuan_figure.vintage,
        source="test",
    )

    headline = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF).headlines[1]
    settings.PROGRAMME_PROVINCE_CODE = "110000"
    elsewhere = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF).headlines[1]

    assert selectors.get_province() == beijing
    assert headline.province == pytest.approx(6.0)
    assert elsewhere.province == pytest.approx(99.0)
