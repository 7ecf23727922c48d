"""The headline comparison reproduces the figure officials quote from zone-level data."""

import datetime
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from devolve.demo import sichuan, sichuan_economy
from devolve.demo.seed import SeedReport, seed_registry
from devolve.indicators import rules, selectors
from devolve.indicators.models import Indicator, Observation
from devolve.indicators.selectors.headline import compute_headline_comparison, compute_headlines
from devolve.regions.models import Batch, BatchMembership, Division, Zone

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


def test_a_comparison_kept_for_one_language_is_not_read_in_another(economy: None) -> None:
    """Its groups' labels are words: the first reader's language must not stick."""
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    with translation.override("en"):
        english = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF)
        english_headline = selectors.get_headlines(indicator=growth, as_of=AS_OF)[1]
    with translation.override("zh-hans"):
        chinese = selectors.get_headline_comparison(indicator=growth, as_of=AS_OF)
        chinese_headline = selectors.get_headlines(indicator=growth, as_of=AS_OF)[1]

    assert [row.label for row in english.rows_for("non_pilot")][:1] == ["Zones never in a batch"]
    in_chinese = _zh("Zones never in a batch")
    assert in_chinese != "Zones never in a batch"
    assert [row.label for row in chinese.rows_for("non_pilot")][:1] == [in_chinese]
    assert english_headline.row.label != chinese_headline.row.label
    assert english_headline.row.simple_mean == chinese_headline.row.simple_mean


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


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


def _computed_in_python(
    indicator: Indicator, as_of: datetime.date, years: tuple[int, int] | None = None
) -> tuple[list[int], list[tuple[object, ...]]]:
    """The comparison's rows as the selector computed them in Python before the database summed
    the groups: every zone's latest figure (``latest_observations``) put into its groups and
    averaged with ``rules``."""
    province_division = selectors.get_province()
    by_zone, province = {}, {}
    for row in selectors.latest_observations(indicator=indicator, as_of=as_of, years=years):
        if row.quarter is None and row.zone_id is not None:
            by_zone[(row.zone_id, row.year)] = row
        elif row.quarter is None and row.division == province_division:
            province[row.year] = row
    weights = {}
    if indicator.level_indicator is not None:
        for row in selectors.latest_observations(
            indicator=indicator.level_indicator, as_of=as_of, subject_kind="zone"
        ):
            if row.quarter is None:
                weights[(row.zone_id, row.year)] = float(row.value)
    zones = {zone.pk: zone for zone in Zone.objects.all()}
    cohorts = selectors.zone_cohorts()
    pilots = [pk for pk in zones if pk in cohorts]
    groups = [
        (
            "batch",
            str(batch.number),
            [pk for pk, (number, _y) in cohorts.items() if number == batch.number],
        )
        for batch in Batch.objects.order_by("number")
    ]
    groups += [
        ("kind", kind, [pk for pk in pilots if zones[pk].kind == kind]) for kind in Zone.Kind
    ]
    groups += [
        ("level", level or "unconfirmed", [pk for pk in pilots if zones[pk].level == level])
        for level in [*Zone.Level, ""]
    ]
    groups.append(("non_pilot", "none", [pk for pk in zones if pk not in cohorts]))
    rows: list[tuple[object, ...]] = []
    all_years = sorted({year for _zone, year in by_zone} | set(province))
    for year in all_years:
        province_row = province.get(year)
        for group, key, members in groups:
            observed = [by_zone[(pk, year)] for pk in members if (pk, year) in by_zone]
            if not observed:
                continue
            values = [float(row.value) for row in observed]
            previous = [weights.get((row.zone_id, year - 1)) for row in observed]
            weighted = (
                rules.weighted_mean(values, [w for w in previous if w is not None])
                if None not in previous
                else None
            )
            zones_simulated = any(row.is_simulated for row in observed)
            province_simulated = province_row is not None and province_row.is_simulated
            rows.append(
                (
                    year,
                    group,
                    key,
                    len(observed),
                    rules.simple_mean(values),
                    weighted,
                    None if province_row is None else float(province_row.value),
                    zones_simulated or province_simulated,
                    province_simulated,
                    zones_simulated,
                )
            )
    return all_years, rows


def _as_computed(comparison: selectors.HeadlineComparison) -> list[tuple[object, ...]]:
    return [
        (
            row.year,
            row.group,
            row.key,
            row.zones,
            row.simple_mean,
            row.weighted_mean,
            row.province,
            row.simulated,
            row.province_simulated,
            row.zones_simulated,
        )
        for row in comparison.rows
    ]


def _revise(observation: Observation, *, value: Decimal, vintage: datetime.date) -> None:
    Observation.objects.create(
        indicator=observation.indicator,
        subject_kind=observation.subject_kind,
        zone=observation.zone,
        division=observation.division,
        year=observation.year,
        value=value,
        vintage=vintage,
        source="revision",
        is_simulated=not observation.is_simulated,
    )


@pytest.mark.parametrize(
    ("as_of", "years"),
    [
        (AS_OF, None),
        (datetime.date(2027, 6, 1), None),
        (datetime.date(2027, 6, 1), (2019, 2024)),
        (datetime.date(2019, 6, 1), None),
    ],
)
def test_the_database_sums_the_groups_as_python_averaged_the_figures(
    economy: None, as_of: datetime.date, years: tuple[int, int] | None
) -> None:
    """On the demo's economy with revised releases (before and after the day asked), a zone in a
    second batch, a zone without its previous year's level and a province figure revised: the
    same rows, in the same order, as the straightforward computation over every figure."""
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    figures = Observation.objects.filter(indicator=growth, quarter__isnull=True).order_by("pk")
    zone_figures = list(figures.filter(subject_kind="zone", year__in=[2018, 2023]))
    for place, observation in enumerate(zone_figures[::3]):
        vintage = datetime.date(2026, 1, 1) if place % 2 else datetime.date(2027, 1, 1)
        _revise(observation, value=observation.value + Decimal("1.25"), vintage=vintage)
    _revise(
        figures.get(subject_kind="province", year=2023),
        value=Decimal("6.4"),
        vintage=datetime.date(2026, 1, 1),
    )
    level = growth.level_indicator
    assert level is not None
    Observation.objects.filter(indicator=level, zone=zone_figures[0].zone, year=2022).delete()
    first_batch = BatchMembership.objects.filter(batch__number=1).order_by("pk").first()
    assert first_batch is not None
    BatchMembership.objects.create(
        zone=first_batch.zone,
        batch=Batch.objects.get(number=2),
        joined_on=datetime.date(2024, 1, 1),
    )

    comparison = compute_headline_comparison(indicator=growth, as_of=as_of, years=years)
    expected_years, expected = _computed_in_python(growth, as_of, years)

    computed = _as_computed(comparison)
    assert comparison.years == expected_years
    assert len(computed) == len(expected)
    for found, wanted in zip(computed, expected, strict=True):
        assert found[:4] == wanted[:4]
        assert found[7:] == wanted[7:], wanted
        for figure, wanted_figure in zip(found[4:7], wanted[4:7], strict=True):
            # The database sums the decimals, Python summed floats: equal to the last digits.
            assert figure == (
                None if wanted_figure is None else pytest.approx(wanted_figure, rel=1e-12)
            ), wanted


def test_the_comparison_takes_two_queries_whatever_the_zones(
    economy: None, django_assert_max_num_queries: Any
) -> None:
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    with django_assert_max_num_queries(2):
        comparison = compute_headline_comparison(indicator=growth, as_of=AS_OF)
    assert len(comparison.rows) == len(_computed_in_python(growth, AS_OF)[1])


@pytest.mark.parametrize("as_of", [AS_OF, datetime.date(2027, 6, 1), datetime.date(2019, 6, 1)])
def test_the_headlines_alone_are_the_comparisons(economy: None, as_of: datetime.date) -> None:
    """Read from the pilot areas' figures of the batches' first treated years only, with a
    revised release and a zone in a second batch: the same headlines, row for row."""
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    first = Observation.objects.filter(
        indicator=growth, year=2025, zone__memberships__batch__number=2
    ).first()
    assert first is not None
    _revise(first, value=first.value + Decimal("2.5"), vintage=datetime.date(2026, 2, 1))
    member = BatchMembership.objects.filter(batch__number=1).order_by("pk").first()
    assert member is not None
    BatchMembership.objects.create(
        zone=member.zone, batch=Batch.objects.get(number=2), joined_on=datetime.date(2024, 1, 1)
    )

    headlines = compute_headlines(indicator=growth, as_of=as_of)
    expected = compute_headline_comparison(indicator=growth, as_of=as_of).headlines

    assert headlines.keys() == expected.keys()
    for number, headline in expected.items():
        found = headlines[number]
        assert (found.year, found.row.zones, found.row.simulated) == (
            headline.year,
            headline.row.zones,
            headline.row.simulated,
        )
        assert (found.row.province_simulated, found.row.zones_simulated) == (
            headline.row.province_simulated,
            headline.row.zones_simulated,
        )
        for figure, wanted in [
            (found.pilot_mean, headline.pilot_mean),
            (found.row.weighted_mean, headline.row.weighted_mean),
            (found.province, headline.province),
        ]:
            assert figure == (None if wanted is None else pytest.approx(wanted, rel=1e-12))


def test_the_headlines_take_two_queries(economy: None, django_assert_max_num_queries: Any) -> None:
    growth = selectors.get_indicator(code=sichuan_economy.GRP_GROWTH)
    assert growth is not None
    with django_assert_max_num_queries(2):
        headlines = compute_headlines(indicator=growth, as_of=AS_OF)
    assert sorted(headlines) == [1, 2]
