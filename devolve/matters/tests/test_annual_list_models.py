"""Database constraints of editions, entries and demand items, and their model methods."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation

from devolve.matters.models import (
    AnnualList,
    DemandItem,
    DemandWindow,
    ListEntry,
    ListEntrySubItem,
)
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import (
    AnnualListFactory,
    DemandItemFactory,
    DemandWindowFactory,
    ListEntryFactory,
    mode,
)
from devolve.regions.models import Batch
from devolve.regions.tests.factories import BatchFactory, ZoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def constraint_errors(instance: models.Model) -> list[tuple[str | None, str]]:
    """The (code, English message) of each constraint ``instance`` breaks, as ``full_clean``
    reports it."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            instance.validate_constraints()
        return [
            (error.code, error.messages[0]) for error in caught.value.error_dict[NON_FIELD_ERRORS]
        ]


def refused_by_database(model: type[models.Model], **fields: Any) -> None:
    before = model._default_manager.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        model._default_manager.create(**fields)
    assert model._default_manager.count() == before


@pytest.fixture
def batch() -> Batch:
    return BatchFactory(number=1)


# --- AnnualList -----------------------------------------------------------------------------


def test_one_edition_number_per_year_and_batch(batch: Batch) -> None:
    AnnualListFactory(year=2024, batch=batch, edition=1)

    refused_by_database(AnnualList, year=2024, batch=batch, edition=1)
    assert constraint_errors(AnnualList(year=2024, batch=batch, edition=1)) == [
        ("duplicate", "This batch already has this edition of the year's list.")
    ]


def test_other_editions_years_and_batches_are_distinct(batch: Batch) -> None:
    AnnualListFactory(year=2024, batch=batch, edition=1)
    AnnualListFactory(year=2024, batch=batch, edition=2)
    AnnualListFactory(year=2025, batch=batch, edition=1)
    AnnualListFactory(year=2024, batch=BatchFactory(number=2), edition=1)

    assert sorted(AnnualList.objects.values_list("year", "batch__number", "edition")) == [
        (2024, 1, 1),
        (2024, 1, 2),
        (2024, 2, 1),
        (2025, 1, 1),
    ]


@pytest.mark.parametrize("year", [1999, 2101])
def test_an_implausible_year_is_refused(batch: Batch, year: int) -> None:
    refused_by_database(AnnualList, year=year, batch=batch)
    assert constraint_errors(AnnualList(year=year, batch=batch)) == [
        (None, "Constraint “annual_list_year_plausible” is violated.")
    ]


@pytest.mark.parametrize("year", [2000, 2100])
def test_the_first_and_last_plausible_years_are_accepted(batch: Batch, year: int) -> None:
    annual_list = AnnualList.objects.create(year=year, batch=batch)
    assert AnnualList.objects.get().year == annual_list.year == year


@pytest.mark.parametrize("status", ["approved", "published", "superseded"])
def test_an_approved_edition_needs_its_approval_date(batch: Batch, status: str) -> None:
    fields = {"year": 2024, "batch": batch, "status": status, "published_on": D(2024, 3, 10)}

    refused_by_database(AnnualList, **fields)
    assert constraint_errors(AnnualList(**fields)) == [
        (None, "An approved edition needs its approval date.")
    ]


@pytest.mark.parametrize("status", ["published", "superseded"])
def test_a_published_edition_needs_its_publication_date(batch: Batch, status: str) -> None:
    fields = {"year": 2024, "batch": batch, "status": status, "approved_on": D(2024, 3, 1)}

    refused_by_database(AnnualList, **fields)
    assert constraint_errors(AnnualList(**fields)) == [
        (None, "A published edition needs its publication date.")
    ]


def test_an_edition_is_not_published_before_it_is_approved(batch: Batch) -> None:
    fields = {
        "year": 2024,
        "batch": batch,
        "status": "published",
        "approved_on": D(2024, 3, 1),
        "published_on": D(2024, 2, 29),
    }

    refused_by_database(AnnualList, **fields)
    assert constraint_errors(AnnualList(**fields)) == [
        (None, "An edition cannot be published before it is approved.")
    ]


def test_an_edition_may_be_published_on_the_day_it_is_approved(batch: Batch) -> None:
    AnnualList.objects.create(
        year=2024,
        batch=batch,
        status="published",
        approved_on=D(2024, 3, 1),
        published_on=D(2024, 3, 1),
    )
    assert AnnualList.objects.get().published_on == D(2024, 3, 1)


def test_draft_and_review_need_no_dates(batch: Batch) -> None:
    AnnualList.objects.create(year=2024, batch=batch, edition=1, status="draft")
    AnnualList.objects.create(year=2024, batch=batch, edition=2, status="in_review")
    assert sorted(AnnualList.objects.values_list("status", flat=True)) == ["draft", "in_review"]


@pytest.mark.parametrize(
    ("edition", "key"), [(1, "2024/batch-3"), (2, "2024/batch-3/e2"), (12, "2024/batch-3/e12")]
)
def test_key(edition: int, key: str) -> None:
    annual_list = AnnualListFactory.build(year=2024, batch=Batch(number=3), edition=edition)
    assert annual_list.key == key


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        ("draft", True),
        ("in_review", False),
        ("approved", False),
        ("published", False),
        ("superseded", False),
    ],
)
def test_is_editable(status: str, editable: bool) -> None:
    assert AnnualList(status=status).is_editable is editable


def test_delegation_effective_on_counts_days_from_publication() -> None:
    assert AnnualList(published_on=D(2024, 3, 10)).delegation_effective_on() == D(2024, 4, 9)
    assert AnnualList(
        published_on=D(2024, 12, 20), delegation_effective_days=15
    ).delegation_effective_on() == D(2025, 1, 4)
    assert AnnualList(
        published_on=D(2024, 3, 10), delegation_effective_days=0
    ).delegation_effective_on() == D(2024, 3, 10)


def test_an_unpublished_edition_has_no_delegation_date() -> None:
    assert AnnualList().delegation_effective_on() is None


def test_label_is_the_title_in_the_current_language_or_a_name_made_of_the_key_parts(
    batch: Batch,
) -> None:
    """An untitled edition never reads as bare numbers ("2025 · 第1批 · 1")."""
    titled = AnnualListFactory(batch=batch, title_zh="2024年清单", title_en="2024 list")
    untitled = AnnualListFactory(batch=batch, year=2030, title_zh="", title_en="")
    correction = AnnualListFactory(batch=batch, year=2030, edition=2, title_zh="", title_en="")

    with translation.override("en"):
        assert [str(titled), str(untitled), str(correction)] == [
            "2024 list",
            "2030 list, Batch 1",
            "2030 list, Batch 1, edition 2",
        ]
    with translation.override("zh-hans"):
        assert [str(titled), str(untitled), str(correction)] == [
            "2024年清单",
            "2030年第1批清单",
            "2030年第1批清单（第2版）",
        ]


def test_published_includes_superseded_editions(batch: Batch) -> None:
    draft = AnnualListFactory(batch=batch, year=2023, edition=1)
    approved = AnnualListFactory(batch=batch, year=2023, edition=2, approved=True)
    superseded = AnnualListFactory(batch=batch, year=2023, edition=3, superseded=True)
    published = AnnualListFactory(batch=batch, year=2024, edition=1, published=True)

    assert set(AnnualList.objects.published()) == {superseded, published}
    assert set(AnnualList.objects.for_year(2023)) == {draft, approved, superseded}
    assert list(AnnualList.objects.published().for_year(2024)) == [published]


# --- ListEntry ------------------------------------------------------------------------------


def test_a_matter_appears_once_per_edition() -> None:
    entry = ListEntryFactory(sequence=1)
    fields = {
        "annual_list": entry.annual_list,
        "matter": entry.matter,
        "sequence": 2,
        "mode": mode("entrust"),
        "granting_department": entry.granting_department,
    }

    refused_by_database(ListEntry, **fields)
    assert constraint_errors(ListEntry(**fields)) == [
        ("duplicate", "This matter is already in the edition.")
    ]


def test_the_same_matter_may_appear_in_another_edition() -> None:
    entry = ListEntryFactory()
    ListEntryFactory(
        matter=entry.matter, annual_list=AnnualListFactory(batch=entry.annual_list.batch, year=2025)
    )
    assert ListEntry.objects.filter(matter=entry.matter).count() == 2


def test_a_sequence_number_is_used_once_per_edition() -> None:
    entry = ListEntryFactory(sequence=4)
    other = MatterFactory()
    fields = {
        "annual_list": entry.annual_list,
        "matter": other,
        "sequence": 4,
        "mode": mode("delegate"),
        "granting_department": other.competent_department,
    }

    refused_by_database(ListEntry, **fields)
    assert constraint_errors(ListEntry(**fields)) == [
        ("duplicate", "Another entry already has this number.")
    ]


def test_an_unknown_change_is_refused() -> None:
    annual_list = AnnualListFactory()
    matter = MatterFactory()

    refused_by_database(
        ListEntry,
        annual_list=annual_list,
        matter=matter,
        sequence=1,
        mode=mode("delegate"),
        granting_department=matter.competent_department,
        change="renamed",
    )


def test_a_sub_item_appears_once_per_entry() -> None:
    entry = ListEntryFactory(mode=mode("both"))
    sub_matter = MatterFactory(parent=entry.matter)
    ListEntrySubItem.objects.create(entry=entry, matter=sub_matter, mode=mode("delegate"))

    refused_by_database(ListEntrySubItem, entry=entry, matter=sub_matter, mode=mode("entrust"))


def test_entry_is_withdrawn_and_label() -> None:
    matter = MatterFactory.build(code="511A0138600000", name_zh="律师事务所设立许可")
    withdrawn = ListEntryFactory.build(sequence=3, matter=matter, change="withdrawn")
    kept = ListEntryFactory.build(sequence=3, matter=matter, change="kept")

    assert (withdrawn.is_withdrawn, kept.is_withdrawn) == (True, False)
    with translation.override("zh-hans"):
        assert str(kept) == "3. 511A0138600000 律师事务所设立许可"


# --- DemandWindow ---------------------------------------------------------------------------


def test_one_demand_window_per_year_and_batch(batch: Batch) -> None:
    DemandWindowFactory(year=2024, batch=batch)
    fields = {"year": 2024, "batch": batch, "opens_on": D(2024, 1, 1), "closes_on": D(2024, 2, 1)}

    refused_by_database(DemandWindow, **fields)
    assert constraint_errors(DemandWindow(**fields)) == [
        ("unique_together", "Demand window with this Year of the list and Batch already exists.")
    ]


def test_a_demand_window_closes_on_or_after_it_opens(batch: Batch) -> None:
    fields = {"year": 2024, "batch": batch, "opens_on": D(2024, 2, 1), "closes_on": D(2024, 1, 31)}

    refused_by_database(DemandWindow, **fields)
    assert constraint_errors(DemandWindow(**fields)) == [
        ("dates_out_of_order", "A demand window closes on or after the day it opens.")
    ]
    DemandWindow.objects.create(
        year=2024, batch=batch, opens_on=D(2024, 2, 1), closes_on=D(2024, 2, 1)
    )
    assert DemandWindow.objects.get().closes_on == D(2024, 2, 1)


# --- DemandItem -----------------------------------------------------------------------------


def test_a_demand_item_names_a_matter_or_describes_one() -> None:
    window = DemandWindowFactory()
    zone = ZoneFactory()
    department = MatterFactory().competent_department
    fields = {
        "window": window,
        "zone": zone,
        "kind": "power",
        "department": department,
        "matter": None,
        "description": "",
    }

    refused_by_database(DemandItem, **fields)
    assert constraint_errors(DemandItem(**fields)) == [
        (
            "matter_or_description_required",
            "Choose a catalogue matter or describe the matter asked for.",
        )
    ]
    described = DemandItem.objects.create(**{**fields, "description": "跨境仲裁"})
    assert DemandItem.objects.get() == described


@pytest.mark.parametrize(
    ("origin", "with_zone"), [("demand", False), ("offer", True), ("wish", True), ("wish", False)]
)
def test_a_demand_comes_from_an_area_and_an_offer_from_none(origin: str, with_zone: bool) -> None:
    matter = MatterFactory()
    fields = {
        "window": DemandWindowFactory(),
        "origin": origin,
        "zone": ZoneFactory() if with_zone else None,
        "matter": matter,
        "kind": "power",
        "department": matter.competent_department,
    }

    refused_by_database(DemandItem, **fields)
    assert constraint_errors(DemandItem(**fields)) == [
        ("zone_mismatch", "A demand comes from a pilot area; an offer from no area.")
    ]


def test_an_answered_item_records_the_answer() -> None:
    matter = MatterFactory()
    fields = {
        "window": DemandWindowFactory(),
        "zone": ZoneFactory(),
        "matter": matter,
        "kind": "power",
        "department": matter.competent_department,
        "status": "answered",
        "response": "",
    }

    refused_by_database(DemandItem, **fields)
    assert constraint_errors(DemandItem(**fields)) == [
        (None, "An answered item records the department's answer.")
    ]


def test_demand_item_label_is_the_matter_or_the_start_of_the_description() -> None:
    matter = MatterFactory(code="511A0138600000", name_zh="律师事务所设立许可")
    with translation.override("zh-hans"):
        assert str(DemandItemFactory.build(matter=matter)) == "511A0138600000 律师事务所设立许可"
    described = DemandItemFactory.build(
        matter=None, description="甲" * 100, department=matter.competent_department
    )
    assert str(described) == "甲" * 80
