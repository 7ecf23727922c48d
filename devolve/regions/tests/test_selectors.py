"""Pilot areas on a date, and the programme's shape computed from a small hand-built registry."""

import datetime
from typing import Any

import pytest

from devolve.regions.models import Batch, BatchMembership, Zone
from devolve.regions.selectors import ProgrammeShape, get_programme_shape, list_pilot_areas
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)

D = datetime.date

pytestmark = pytest.mark.django_db

# Queries each selector makes, whatever the number of zones (measured; see the tests below).
LIST_PILOT_AREAS_QUERIES = 2  # zones with prefectures, then active memberships with batches
PROGRAMME_SHAPE_QUERIES = 4  # the two above, the new-area count and the prefecture count


# --- list_pilot_areas -------------------------------------------------------------------------


@pytest.fixture
def withdrawn(db: None) -> BatchMembership:
    """A zone in batch 1 from 2023-03-01 until it left on 2024-03-01."""
    return BatchMembershipFactory(
        zone=ZoneFactory(slug="withdrawn"),
        batch=BatchFactory(number=1, starts_on=D(2023, 1, 1)),
        joined_on=D(2023, 3, 1),
        left_on=D(2024, 3, 1),
        left_reason="withdrawn",
    )


@pytest.mark.parametrize(
    ("on", "is_pilot"),
    [
        (D(2023, 2, 28), False),  # the day before joining
        (D(2023, 3, 1), True),  # the day it joins
        (D(2024, 2, 29), True),  # the day before leaving
        (D(2024, 3, 1), False),  # the day it leaves
    ],
    ids=["before-joining", "join-day", "day-before-leaving", "leaving-day"],
)
def test_list_pilot_areas_counts_a_zone_from_joining_until_the_day_before_leaving(
    withdrawn: BatchMembership, on: datetime.date, is_pilot: bool
) -> None:
    ZoneFactory(slug="never-a-pilot")
    expected = [withdrawn.zone] if is_pilot else []
    assert list(list_pilot_areas(on=on)) == expected


def test_list_pilot_areas_attaches_the_membership_active_that_day(
    withdrawn: BatchMembership,
) -> None:
    zone = withdrawn.zone
    BatchMembershipFactory(
        zone=zone,
        batch=BatchFactory(number=2, starts_on=D(2024, 1, 1)),
        joined_on=D(2024, 3, 1),
    )
    later = BatchMembership.objects.get(zone=zone, batch__number=2)

    (in_first,) = list_pilot_areas(on=D(2023, 6, 1))
    (in_second,) = list_pilot_areas(on=D(2024, 3, 1))

    assert (in_first, in_first.current_memberships) == (zone, [withdrawn])
    assert (in_second, in_second.current_memberships) == (zone, [later])


def test_list_pilot_areas_excludes_a_zone_between_two_memberships(
    withdrawn: BatchMembership,
) -> None:
    """A zone that left batch 1 and rejoins batch 2 later is no pilot area in the gap."""
    BatchMembershipFactory(
        zone=withdrawn.zone,
        batch=BatchFactory(number=2, starts_on=D(2025, 1, 1)),
        joined_on=D(2025, 1, 1),
    )
    assert list(list_pilot_areas(on=D(2024, 6, 1))) == []


def test_list_pilot_areas_orders_by_prefecture_code_then_slug() -> None:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    zones = [
        ZoneFactory(slug="b-liangshan", prefecture=prefecture("513400")),
        ZoneFactory(slug="b-chengdu", prefecture=prefecture("510100")),
        ZoneFactory(slug="a-deyang", prefecture=prefecture("510600")),
        ZoneFactory(slug="a-chengdu", prefecture=prefecture("510100")),
    ]
    for zone in zones:
        BatchMembershipFactory(zone=zone, batch=batch)

    assert [zone.slug for zone in list_pilot_areas(on=D(2023, 1, 1))] == [
        "a-chengdu",
        "b-chengdu",
        "a-deyang",
        "b-liangshan",
    ]


def _registry(size: int) -> None:
    """``size`` pilot areas across two batches and four prefectures, plus a former pilot."""
    batches = [
        BatchFactory(number=1, starts_on=D(2023, 1, 1)),
        BatchFactory(number=2, starts_on=D(2024, 1, 1)),
    ]
    codes = ["510100", "510600", "510700", "513400"]
    for index in range(size):
        zone = ZoneFactory(slug=f"zone-{index:02d}", prefecture=prefecture(codes[index % 4]))
        BatchMembershipFactory(zone=zone, batch=batches[index % 2])
    BatchMembershipFactory(batch=batches[0], left_on=D(2023, 6, 1))


@pytest.mark.parametrize("size", [3, 12])
def test_list_pilot_areas_query_count_does_not_grow_with_zones(
    django_assert_max_num_queries: Any, size: int
) -> None:
    _registry(size)
    with django_assert_max_num_queries(LIST_PILOT_AREAS_QUERIES):
        rows = [
            (zone.slug, zone.prefecture.code, zone.current_memberships[0].batch.number)
            for zone in list_pilot_areas(on=D(2025, 1, 1))
        ]
    assert len(rows) == size


@pytest.mark.parametrize("size", [3, 12])
def test_get_programme_shape_query_count_does_not_grow_with_zones(
    django_assert_max_num_queries: Any, size: int
) -> None:
    _registry(size)
    with django_assert_max_num_queries(PROGRAMME_SHAPE_QUERIES):
        shape = get_programme_shape(on=D(2025, 1, 1))
    assert shape.pilot_areas == size


# --- get_programme_shape ----------------------------------------------------------------------


def _pilot(
    slug: str,
    code: str,
    kind: str,
    level: str,
    batch: Batch,
    *,
    joined_on: datetime.date | None = None,
    left_on: datetime.date | None = None,
    zone_illustrative: bool = False,
    membership_illustrative: bool = False,
) -> Zone:
    zone = ZoneFactory(
        slug=slug,
        prefecture=prefecture(code),
        kind=kind,
        level=level,
        is_illustrative=zone_illustrative,
    )
    BatchMembershipFactory(
        zone=zone,
        batch=batch,
        joined_on=joined_on or batch.starts_on,
        left_on=left_on,
        is_illustrative=membership_illustrative,
    )
    return zone


@pytest.fixture
def registry(db: None) -> dict[str, Batch]:
    """On 2025-01-01: Deyang has two pilot areas, Chengdu and Mianyang one each.

    ===========  ========  ==============  ============  =====  ===========================
    zone         pref.     kind            level         batch  note
    ===========  ========  ==============  ============  =====  ===========================
    tianfu       510100    new_area        national      1
    deyang-etdz  510600    etdz            provincial    1
    deyang-hi    510600    etdz            provincial    2      membership illustrative
    mianyang-hi  510700    high_tech_zone  (unconfirmed)  2      zone illustrative
    mianyang-na  510700    new_area        provincial    1      left on 2024-06-01
    luzhou-na    510500    new_area        (unconfirmed) —      never a pilot
    yibin-park   511500    industrial_park provincial    3      joins 2026-01-01
    ===========  ========  ==============  ============  =====  ===========================
    """
    first = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    second = BatchFactory(number=2, starts_on=D(2024, 1, 1))
    third = BatchFactory(number=3, starts_on=D(2026, 1, 1))
    _pilot("tianfu", "510100", Zone.Kind.NEW_AREA, Zone.Level.NATIONAL, first)
    _pilot("deyang-etdz", "510600", Zone.Kind.ETDZ, Zone.Level.PROVINCIAL, first)
    _pilot(
        "deyang-hi",
        "510600",
        Zone.Kind.ETDZ,
        Zone.Level.PROVINCIAL,
        second,
        membership_illustrative=True,
    )
    _pilot("mianyang-hi", "510700", Zone.Kind.HIGH_TECH_ZONE, "", second, zone_illustrative=True)
    _pilot(
        "mianyang-na",
        "510700",
        Zone.Kind.NEW_AREA,
        Zone.Level.PROVINCIAL,
        first,
        left_on=D(2024, 6, 1),
    )
    ZoneFactory(
        slug="luzhou-na", prefecture=prefecture("510500"), kind=Zone.Kind.NEW_AREA, level=""
    )
    _pilot("yibin-park", "511500", Zone.Kind.INDUSTRIAL_PARK, Zone.Level.PROVINCIAL, third)
    return {"first": first, "second": second, "third": third}


def test_get_programme_shape_summarises_pilot_areas_on_the_day(
    registry: dict[str, Batch],
) -> None:
    on = D(2025, 1, 1)
    chengdu, deyang, mianyang = prefecture("510100"), prefecture("510600"), prefecture("510700")

    shape = get_programme_shape(on=on)

    assert shape == ProgrammeShape(
        on=on,
        batches=2,
        pilot_areas=4,
        prefectures_covered=3,
        prefectures_total=21,
        areas_per_prefecture={"510600": 2, "510100": 1, "510700": 1},
        prefecture_names={
            "510100": (chengdu.name_zh, chengdu.name_en),
            "510600": (deyang.name_zh, deyang.name_en),
            "510700": (mianyang.name_zh, mianyang.name_en),
        },
        areas_per_batch={1: 2, 2: 2},
        by_level={"national": 1, "provincial": 2, "unconfirmed": 1},
        by_kind={"etdz": 2, "high_tech_zone": 1, "new_area": 1},
        new_areas_included=1,
        new_areas_total=3,
        illustrative_records=2,
    )
    # Dict equality ignores order; the page lists prefectures by descending count, then code.
    assert list(shape.areas_per_prefecture) == ["510600", "510100", "510700"]
    assert shape.new_areas_share == 1 / 3


def test_get_programme_shape_before_the_programme_is_empty(registry: dict[str, Batch]) -> None:
    on = D(2022, 12, 31)
    assert get_programme_shape(on=on) == ProgrammeShape(
        on=on,
        batches=0,
        pilot_areas=0,
        prefectures_covered=0,
        prefectures_total=21,
        areas_per_prefecture={},
        prefecture_names={},
        areas_per_batch={},
        by_level={},
        by_kind={},
        new_areas_included=0,
        new_areas_total=3,
        illustrative_records=0,
    )


def test_get_programme_shape_once_the_third_batch_starts(registry: dict[str, Batch]) -> None:
    shape = get_programme_shape(on=registry["third"].starts_on)
    assert (shape.batches, shape.pilot_areas, shape.areas_per_batch) == (3, 5, {1: 2, 2: 2, 3: 1})
    assert shape.by_kind == {"etdz": 2, "high_tech_zone": 1, "industrial_park": 1, "new_area": 1}


def test_new_areas_share_is_none_without_new_areas() -> None:
    assert get_programme_shape(on=D(2025, 1, 1)).new_areas_share is None


def test_get_programme_shape_skips_a_zone_between_two_memberships(
    registry: dict[str, Batch],
) -> None:
    """mianyang-na left batch 1 on 2024-06-01; if it rejoins in batch 3 it is still not a pilot
    area on 2025-01-01, and the shape must not change."""
    before = get_programme_shape(on=D(2025, 1, 1))
    BatchMembershipFactory(
        zone=Zone.objects.get(slug="mianyang-na"),
        batch=registry["third"],
        joined_on=registry["third"].starts_on,
    )
    assert get_programme_shape(on=D(2025, 1, 1)) == before
