"""Reads of editions, entries, diffs and demand items: results, scoping and query counts."""

import datetime
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.matters import selectors
from devolve.matters.diff import EntryDifference, EntrySnapshot, FieldChange
from devolve.matters.models import AnnualList, Department, ListEntry, ListEntrySubItem
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import (
    AnnualListFactory,
    DemandItemFactory,
    DemandWindowFactory,
    ListEntryFactory,
    mode,
)
from devolve.regions.models import Batch
from devolve.regions.tests.factories import BatchFactory, ZoneFactory, prefecture

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def batch() -> Batch:
    return BatchFactory(number=1)


def live_and_withdrawn(annual_list: AnnualList, live: int, withdrawn: int = 0) -> None:
    for _ in range(live):
        ListEntryFactory(annual_list=annual_list)
    for _ in range(withdrawn):
        ListEntryFactory(annual_list=annual_list, change="withdrawn", change_reason="done")


# --- editions -------------------------------------------------------------------------------


def test_list_annual_lists_counts_live_entries_in_order(
    batch: Batch, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    second_batch = BatchFactory(number=2)
    older = AnnualListFactory(batch=batch, year=2023, published=True)
    correction = AnnualListFactory(batch=batch, year=2024, edition=2, predecessor=older)
    newest = AnnualListFactory(batch=batch, year=2024, edition=1)
    other = AnnualListFactory(batch=second_batch, year=2024)
    live_and_withdrawn(older, 3)
    live_and_withdrawn(correction, 2, withdrawn=1)

    with django_assert_num_queries(1):
        rows = [
            (
                annual_list,
                annual_list.entry_count,
                annual_list.batch.number,
                annual_list.predecessor,
            )
            for annual_list in selectors.list_annual_lists()
        ]

    assert rows == [
        (correction, 2, 1, older),
        (newest, 0, 1, None),
        (other, 0, 2, None),
        (older, 3, 1, None),
    ]


@pytest.mark.parametrize(
    ("key", "found"),
    [
        ("2024/batch-1", "first"),
        ("/2024/batch-1/", "first"),
        ("2024/batch-1/e1", "first"),
        ("2024/batch-1/e2", "correction"),
        ("2024/batch-2", None),
        ("2025/batch-1", None),
        ("2024/batch-1/e3", None),
        ("2024", None),
        ("", None),
        ("twenty/batch-1", None),
        ("2024/batch-one", None),
        ("2024/batch-1/ex", None),
    ],
)
def test_get_annual_list_by_key(batch: Batch, key: str, found: str | None) -> None:
    editions = {
        "first": AnnualListFactory(batch=batch, year=2024, edition=1),
        "correction": AnnualListFactory(batch=batch, year=2024, edition=2),
    }
    expected = editions[found] if found else None
    assert selectors.get_annual_list_by_key(key=key) == expected


def test_get_annual_list_defaults_to_the_first_edition(batch: Batch) -> None:
    first = AnnualListFactory(batch=batch, year=2024, edition=1)
    AnnualListFactory(batch=batch, year=2024, edition=2)
    assert selectors.get_annual_list(year=2024, batch_number=1) == first


# --- entries --------------------------------------------------------------------------------


def test_list_entries_in_order_with_or_without_withdrawn(batch: Batch) -> None:
    annual_list = AnnualListFactory(batch=batch)
    third = ListEntryFactory(annual_list=annual_list, sequence=3)
    first = ListEntryFactory(annual_list=annual_list, sequence=1)
    withdrawn = ListEntryFactory(annual_list=annual_list, sequence=2, change="withdrawn")
    ListEntryFactory(annual_list=AnnualListFactory(batch=batch, year=2025), sequence=1)

    assert list(selectors.list_entries(annual_list=annual_list)) == [first, withdrawn, third]
    assert list(selectors.list_entries(annual_list=annual_list, include_withdrawn=False)) == [
        first,
        third,
    ]


def render_entries(entries: Any) -> list[tuple[Any, ...]]:
    return [
        (
            entry.matter.code,
            entry.matter.matter_type.code if entry.matter.matter_type else "",
            entry.mode.code,
            entry.granting_department.code,
            entry.supervising_department.code if entry.supervising_department else "",
            entry.demand_item_id and entry.demand_item.kind,
            [area.slug for area in entry.receiving_areas.all()],
            [(sub.matter.code, sub.mode.code) for sub in entry.sub_items.all()],
        )
        for entry in entries
    ]


@pytest.mark.parametrize("size", [2, 8])
def test_list_entries_loads_what_a_list_page_shows_in_fixed_queries(
    batch: Batch,
    finance: Department,
    size: int,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    annual_list = AnnualListFactory(batch=batch)
    zones = [ZoneFactory() for _ in range(3)]
    for _ in range(size):
        entry = ListEntryFactory(
            annual_list=annual_list,
            mode=mode("both"),
            supervising_department=finance,
            demand_item=DemandItemFactory(),
            all_areas=False,
        )
        entry.receiving_areas.set(zones)
        ListEntrySubItem.objects.create(
            entry=entry, matter=MatterFactory(parent=entry.matter), mode=mode("entrust")
        )

    # The entries with their relations, then areas, sub-items, their matters and modes.
    with django_assert_max_num_queries(5):
        rows = render_entries(selectors.list_entries(annual_list=annual_list))

    assert len(rows) == size
    assert {len(row[6]) for row in rows} == {3}


def test_count_entries_by_kind_and_mode(batch: Batch) -> None:
    annual_list = AnnualListFactory(batch=batch)
    for code in ["delegate", "delegate", "entrust", "both"]:
        ListEntryFactory(annual_list=annual_list, mode=mode(code))
    for _ in range(3):
        ListEntryFactory(
            annual_list=annual_list, matter=MatterFactory(support=True), mode=mode("support")
        )
    ListEntryFactory(annual_list=annual_list, mode=mode("delegate"), change="withdrawn")
    ListEntryFactory(
        annual_list=annual_list,
        matter=MatterFactory(support=True),
        mode=mode("support"),
        change="withdrawn",
    )
    ListEntryFactory(annual_list=AnnualListFactory(batch=batch, year=2025))

    counts = selectors.count_entries(annual_list=annual_list)

    assert (counts.entries, counts.powers, counts.support, counts.withdrawn, counts.by_mode) == (
        7,
        4,
        3,
        2,
        {"both": 1, "delegate": 2, "entrust": 1, "support": 3},
    )
    assert list(counts.by_mode) == ["both", "delegate", "entrust", "support"]


def test_count_entries_by_edition_is_one_query_for_any_number_of_editions(
    batch: Batch, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    editions = [AnnualListFactory(batch=batch, year=year) for year in (2023, 2024, 2025)]
    live_and_withdrawn(editions[0], 3, withdrawn=1)
    live_and_withdrawn(editions[1], 1)
    ListEntryFactory(
        annual_list=editions[1], matter=MatterFactory(support=True), mode=mode("support")
    )

    with django_assert_num_queries(1):
        counts = selectors.count_entries_by_edition(annual_lists=editions)

    assert {
        pk: (row.entries, row.powers, row.support, row.withdrawn) for pk, row in counts.items()
    } == {
        editions[0].pk: (3, 3, 0, 1),
        editions[1].pk: (2, 1, 1, 0),
        editions[2].pk: (0, 0, 0, 0),
    }
    assert counts[editions[1].pk] == selectors.count_entries(annual_list=editions[1])


def test_count_entries_of_an_empty_edition(batch: Batch) -> None:
    counts = selectors.count_entries(annual_list=AnnualListFactory(batch=batch))
    assert (counts.entries, counts.powers, counts.support, counts.withdrawn, counts.by_mode) == (
        0,
        0,
        0,
        0,
        {},
    )


def test_entry_values_are_plain_codes_and_slugs(
    batch: Batch, justice: Department, finance: Department
) -> None:
    entry = ListEntryFactory(
        annual_list=AnnualListFactory(batch=batch),
        matter=MatterFactory(competent_department=justice),
        mode=mode("entrust"),
        supervising_department=finance,
        all_areas=False,
        conditions="after training",
        notes="pilot",
    )
    entry.receiving_areas.set([ZoneFactory(slug="west"), ZoneFactory(slug="east")])
    plain = ListEntryFactory(annual_list=entry.annual_list)

    assert selectors.entry_values(entry) == {
        "mode": "entrust",
        "granting_department": "justice",
        "supervising_department": "finance",
        "all_areas": False,
        "receiving_areas": ["east", "west"],
        "conditions": "after training",
        "notes": "pilot",
    }
    assert selectors.entry_values(plain)["supervising_department"] == ""


# --- diff between stored editions -----------------------------------------------------------


def snapshot_of(entry: ListEntry) -> EntrySnapshot:
    return EntrySnapshot(
        matter_id=entry.matter_id,
        matter_code=entry.matter.code,
        matter_name_zh=entry.matter.name_zh,
        matter_name_en=entry.matter.name_en,
        sequence=entry.sequence,
        values=selectors.entry_values(entry),
        change=entry.change,
        change_reason=entry.change_reason,
        matter_key=entry.matter.key,
    )


def test_get_edition_diff_compares_two_stored_editions(
    batch: Batch, justice: Department, finance: Department
) -> None:
    old = AnnualListFactory(batch=batch, year=2023, published=True)
    new = AnnualListFactory(batch=batch, year=2024, predecessor=old)
    kept, changed, withdrawn, dropped, fresh = (
        MatterFactory(competent_department=justice) for _ in range(5)
    )
    for sequence, matter in enumerate([kept, changed, withdrawn, dropped], start=1):
        ListEntryFactory(annual_list=old, matter=matter, sequence=sequence)
    new_kept = ListEntryFactory(annual_list=new, matter=kept, sequence=1, change="kept")
    new_changed = ListEntryFactory(
        annual_list=new,
        matter=changed,
        sequence=2,
        change="modified",
        change_reason="law changed",
        granting_department=finance,
        mode=mode("entrust"),
    )
    new_withdrawn = ListEntryFactory(
        annual_list=new, matter=withdrawn, sequence=3, change="withdrawn", change_reason="done"
    )
    new_fresh = ListEntryFactory(annual_list=new, matter=fresh, sequence=4, change_reason="asked")

    result = selectors.get_edition_diff(old=old, new=new)

    assert [
        (difference.kind, difference.snapshot.matter_id, difference.reason)
        for difference in result.differences
    ] == [
        ("unchanged", kept.pk, ""),
        ("modified", changed.pk, "law changed"),
        ("removed", withdrawn.pk, "done"),
        ("added", fresh.pk, "asked"),
        ("removed", dropped.pk, ""),
    ]
    modified = result.of_kind("modified")[0]
    assert modified.changes == [
        FieldChange("mode", "delegate", "entrust"),
        FieldChange("granting_department", "justice", "finance"),
    ]
    added = result.of_kind("added")[0]
    assert added == EntryDifference("added", None, added.new)
    assert added.new is not None
    assert (
        added.new.matter_code,
        added.new.matter_name_zh,
        added.new.matter_name_en,
        added.new.sequence,
    ) == (fresh.code, fresh.name_zh, fresh.name_en, new_fresh.sequence)
    assert [difference.new for difference in result.differences[:3]] == [
        snapshot_of(new_kept),
        snapshot_of(new_changed),
        snapshot_of(new_withdrawn),
    ]


@pytest.mark.parametrize("size", [2, 8])
def test_entry_snapshots_run_in_fixed_queries(
    batch: Batch, size: int, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    annual_list = AnnualListFactory(batch=batch)
    for _ in range(size):
        ListEntryFactory(annual_list=annual_list, all_areas=False).receiving_areas.set(
            [ZoneFactory(), ZoneFactory()]
        )

    with django_assert_max_num_queries(5):
        snapshots = selectors.entry_snapshots(annual_list=annual_list)

    assert [len(snapshot.values["receiving_areas"]) for snapshot in snapshots] == [2] * size


# --- demand items ---------------------------------------------------------------------------


@pytest.fixture
def demand_items(justice: Department, finance: Department, pilot_area_user: User) -> dict[str, Any]:
    """Items of two windows: the persona's zone (Chengdu) and a Mianyang zone ask; justice
    offers one; justice and finance answer."""
    window = DemandWindowFactory(year=2024, batch=BatchFactory(number=1))
    other_window = DemandWindowFactory(year=2025, batch=window.batch)
    own_zone = pilot_area_user.zone
    chengdu_zone = ZoneFactory(slug="chengdu-other")
    mianyang_zone = ZoneFactory(slug="mianyang", prefecture=prefecture("510700"))
    justice_matter = MatterFactory(competent_department=justice)
    finance_matter = MatterFactory(competent_department=finance)
    return {
        "window": window,
        "own_justice": DemandItemFactory(window=window, zone=own_zone, matter=justice_matter),
        "own_finance": DemandItemFactory(window=window, zone=own_zone, matter=finance_matter),
        "chengdu_justice": DemandItemFactory(
            window=window, zone=chengdu_zone, matter=justice_matter
        ),
        "mianyang_finance": DemandItemFactory(
            window=other_window, zone=mianyang_zone, matter=finance_matter
        ),
        "justice_offer": DemandItemFactory(
            window=window, matter=justice_matter, offer=True, answered=True
        ),
    }


ALL_ITEMS = ["own_justice", "own_finance", "chengdu_justice", "mianyang_finance", "justice_offer"]


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("office_user", ALL_ITEMS),
        ("auditor", ALL_ITEMS),
        ("department_user", ["own_justice", "chengdu_justice", "justice_offer"]),
        ("other_department_user", ["own_finance", "mianyang_finance"]),
        ("pilot_area_user", ["own_justice", "own_finance"]),
        ("prefecture_user", ["own_justice", "own_finance", "chengdu_justice"]),
        ("evaluator", []),
    ],
)
def test_list_demand_items_visible_to(
    request: pytest.FixtureRequest,
    demand_items: dict[str, Any],
    persona: str,
    visible: list[str],
) -> None:
    user = request.getfixturevalue(persona)
    assert set(selectors.list_demand_items_visible_to(user=user)) == {
        demand_items[name] for name in visible
    }


@pytest.mark.parametrize(
    "persona",
    ["office_user", "auditor", "department_user", "pilot_area_user", "prefecture_user"],
)
def test_an_inactive_user_sees_no_demand_item(
    request: pytest.FixtureRequest, demand_items: dict[str, Any], persona: str
) -> None:
    user = request.getfixturevalue(persona)
    user.is_active = False
    user.save()
    assert list(selectors.list_demand_items_visible_to(user=user)) == []


def test_list_demand_items_of_one_window_in_department_order(
    demand_items: dict[str, Any], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        rows = [
            (item, item.window.batch.number, item.zone and item.zone.slug, item.department.code)
            for item in selectors.list_demand_items(window=demand_items["window"])
        ]

    assert [row[0] for row in rows] == [
        demand_items["own_finance"],
        demand_items["own_justice"],
        demand_items["chengdu_justice"],
        demand_items["justice_offer"],
    ]
    assert [row[3] for row in rows] == ["finance", "justice", "justice", "justice"]


def test_a_zone_is_only_seen_by_its_prefecture(demand_items: dict[str, Any]) -> None:
    mianyang_officer = UserFactory(
        username="mianyang-officer", role=User.Role.PREFECTURE, prefecture=prefecture("510700")
    )
    assert list(selectors.list_demand_items_visible_to(user=mianyang_officer)) == [
        demand_items["mianyang_finance"]
    ]
