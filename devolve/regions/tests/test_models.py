"""Database constraints and model methods of divisions, zones, batches and memberships."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, transaction

from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)

D = datetime.date

pytestmark = pytest.mark.django_db

FULLWIDTH_CODE = "\uff15\uff11\uff10\uff11\uff10\uff14"  # 510104 in full-width digits


def _province() -> Division:
    return Division.objects.get(code="510000")


# --- Division ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["010100", "910100", "51010", "5101000", "51a100", "", FULLWIDTH_CODE]
)
def test_division_code_must_be_six_digits_starting_1_to_8(code: str) -> None:
    """SQLite has no length limit, so the check constraint refuses a long code there; PostgreSQL
    refuses it by the column's length (DataError) before the constraint is checked."""
    count = Division.objects.count()
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Division.objects.create(
            code=code, level="county", name_zh="错", name_en="Wrong", parent=prefecture()
        )
    assert Division.objects.count() == count


@pytest.mark.parametrize(
    ("code", "level", "parent_code"),
    [
        ("520000", "prefecture", "510000"),  # a province code stored as a prefecture
        ("520000", "province", "510000"),  # a province never has a parent
        ("519900", "province", None),  # a prefecture code stored as a province
        ("519900", "prefecture", None),  # a prefecture needs its province
        ("519900", "county", "510000"),  # a prefecture code stored as a county
        ("510199", "prefecture", "510000"),  # a county code stored as a prefecture
        ("510199", "county", None),  # a county needs its prefecture
    ],
)
def test_division_level_must_match_its_code(code: str, level: str, parent_code: str | None) -> None:
    parent = Division.objects.get(code=parent_code) if parent_code else None
    with pytest.raises(IntegrityError), transaction.atomic():
        Division.objects.create(
            code=code, level=level, name_zh="错", name_en="Wrong", parent=parent
        )
    assert Division.objects.filter(code=code).exists() is False


@pytest.mark.parametrize(
    ("code", "level", "parent_code"),
    [
        ("520000", "province", None),
        ("519900", "prefecture", "510000"),
        ("510104", "county", "510100"),
    ],
)
def test_division_with_matching_level_and_parent_is_stored(
    code: str, level: str, parent_code: str | None
) -> None:
    parent = Division.objects.get(code=parent_code) if parent_code else None
    division = Division.objects.create(
        code=code, level=level, name_zh="对", name_en="Right", parent=parent
    )
    assert Division.objects.get(code=code) == division


def test_division_code_is_unique() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Division.objects.create(
            code="510100", level="prefecture", name_zh="重复", name_en="Dup", parent=_province()
        )
    assert Division.objects.filter(code="510100").count() == 1


def test_division_clean_rejects_malformed_code() -> None:
    division = Division(code="510099", level="county", name_zh="错", name_en="Wrong")
    with pytest.raises(ValidationError) as caught:
        division.clean()
    assert [error.code for error in caught.value.error_dict["code"]] == ["invalid_division_code"]


def test_division_clean_rejects_level_that_code_does_not_denote() -> None:
    division = Division(
        code="510104", level="prefecture", name_zh="错", name_en="Wrong", parent=prefecture()
    )
    with pytest.raises(ValidationError) as caught:
        division.clean()
    assert list(caught.value.error_dict) == ["level"]


@pytest.mark.parametrize("parent_code", [None, "510300"])
def test_division_clean_requires_the_parent_its_code_names(parent_code: str | None) -> None:
    parent = Division.objects.get(code=parent_code) if parent_code else None
    division = Division(code="510104", level="county", name_zh="错", name_en="Wrong", parent=parent)
    with pytest.raises(ValidationError) as caught:
        division.clean()
    assert [error.code for error in caught.value.error_dict["parent"]] == ["wrong_parent"]


# --- Zone -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("kind", "free_trade_zone"), ("level", "county")])
def test_zone_kind_and_level_must_be_known(field: str, value: str) -> None:
    zone = ZoneFactory.build(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        zone.save()
    assert Zone.objects.count() == 0


def test_zone_level_may_be_left_unconfirmed() -> None:
    zone = ZoneFactory(level="")
    assert Zone.objects.get(pk=zone.pk).level == ""


def test_zone_slug_is_unique() -> None:
    ZoneFactory(slug="tianfu")
    with pytest.raises(IntegrityError), transaction.atomic():
        Zone.objects.create(
            slug="tianfu", name_zh="重复", name_en="Dup", kind="etdz", prefecture=prefecture()
        )
    assert Zone.objects.count() == 1


def test_zone_clean_rejects_a_division_that_is_not_a_prefecture() -> None:
    zone = ZoneFactory.build(prefecture=_province())
    with pytest.raises(ValidationError) as caught:
        zone.clean()
    assert [error.code for error in caught.value.error_dict["prefecture"]] == ["not_a_prefecture"]


def test_zone_in_an_autonomous_prefecture_passes_full_validation() -> None:
    zone = ZoneFactory.build(slug="liangshan-park", prefecture=prefecture("513400"))
    zone.full_clean()
    zone.save()
    assert Zone.objects.get(slug="liangshan-park").prefecture.code == "513400"


# --- Batch ------------------------------------------------------------------------------------


def test_batch_number_starts_at_one() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.create(number=0, starts_on=D(2023, 1, 1))
    assert Batch.objects.count() == 0


def test_batch_number_is_unique() -> None:
    BatchFactory(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.create(number=1, starts_on=D(2024, 1, 1))
    assert Batch.objects.count() == 1


@pytest.mark.parametrize(
    ("approved_on", "announced_on", "starts_on"),
    [
        (D(2023, 1, 10), D(2023, 1, 9), D(2023, 2, 1)),  # announced before approval
        (D(2023, 1, 10), None, D(2023, 1, 9)),  # started before approval
        (D(2023, 1, 10), D(2023, 1, 11), D(2023, 1, 9)),  # started before approval
    ],
)
def test_batch_dates_must_follow_approval(
    approved_on: datetime.date, announced_on: datetime.date | None, starts_on: datetime.date
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.create(
            number=1, approved_on=approved_on, announced_on=announced_on, starts_on=starts_on
        )
    assert Batch.objects.count() == 0


@pytest.mark.parametrize(
    ("approved_on", "announced_on", "starts_on"),
    [
        (D(2023, 1, 10), D(2023, 1, 10), D(2023, 1, 10)),  # all on one day
        (None, D(2022, 1, 1), D(2023, 1, 1)),  # no approval date: nothing to compare
        (D(2023, 1, 10), None, D(2023, 2, 1)),
        (D(2023, 1, 10), D(2023, 3, 1), D(2023, 2, 1)),  # announced after the start is allowed
    ],
)
def test_batch_dates_in_order_are_stored(
    approved_on: datetime.date | None, announced_on: datetime.date | None, starts_on: datetime.date
) -> None:
    batch = Batch.objects.create(
        number=1, approved_on=approved_on, announced_on=announced_on, starts_on=starts_on
    )
    assert Batch.objects.get() == batch


def test_batch_full_clean_reports_dates_out_of_order() -> None:
    batch = Batch(number=1, approved_on=D(2023, 1, 10), starts_on=D(2023, 1, 9))
    with pytest.raises(ValidationError) as caught:
        batch.full_clean()
    assert list(caught.value.error_dict) == [NON_FIELD_ERRORS]


# --- BatchMembership --------------------------------------------------------------------------


@pytest.mark.parametrize("left_on", [D(2023, 1, 1), D(2022, 12, 31)])
def test_membership_must_leave_after_the_day_it_joined(left_on: datetime.date) -> None:
    batch = BatchFactory(starts_on=D(2023, 1, 1))
    zone = ZoneFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchMembership.objects.create(
            batch=batch, zone=zone, joined_on=D(2023, 1, 1), left_on=left_on
        )
    assert BatchMembership.objects.count() == 0


def test_membership_leaving_the_next_day_is_stored() -> None:
    membership = BatchMembershipFactory(
        batch__starts_on=D(2023, 1, 1), joined_on=D(2023, 1, 1), left_on=D(2023, 1, 2)
    )
    assert BatchMembership.objects.get() == membership


def test_membership_start_is_unique_per_zone_and_batch() -> None:
    first = BatchMembershipFactory(joined_on=D(2023, 1, 1), left_on=D(2023, 6, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchMembership.objects.create(zone=first.zone, batch=first.batch, joined_on=D(2023, 1, 1))
    assert BatchMembership.objects.count() == 1


def test_membership_same_zone_and_batch_may_start_again_later() -> None:
    first = BatchMembershipFactory(joined_on=D(2023, 1, 1), left_on=D(2023, 6, 1))
    second = BatchMembership.objects.create(
        zone=first.zone, batch=first.batch, joined_on=D(2024, 1, 1)
    )
    assert list(BatchMembership.objects.order_by("joined_on")) == [first, second]


def test_membership_full_clean_reports_leaving_before_joining() -> None:
    batch = BatchFactory(starts_on=D(2023, 1, 1))
    membership = BatchMembership(
        batch=batch, zone=ZoneFactory(), joined_on=D(2023, 1, 1), left_on=D(2023, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert list(caught.value.error_dict) == [NON_FIELD_ERRORS]


@pytest.mark.parametrize(
    ("on", "active"),
    [
        (D(2023, 2, 28), False),  # the day before joining
        (D(2023, 3, 1), True),  # the day of joining
        (D(2024, 2, 29), True),  # the last day before leaving
        (D(2024, 3, 1), False),  # the day of leaving is the first day outside
    ],
)
def test_membership_is_active_from_joining_until_the_day_before_leaving(
    on: datetime.date, active: bool
) -> None:
    membership = BatchMembership(joined_on=D(2023, 3, 1), left_on=D(2024, 3, 1))
    assert membership.is_active_on(on) is active


@pytest.mark.parametrize(("on", "active"), [(D(2023, 2, 28), False), (D(2099, 1, 1), True)])
def test_open_membership_stays_active(on: datetime.date, active: bool) -> None:
    membership = BatchMembership(joined_on=D(2023, 3, 1), left_on=None)
    assert membership.is_active_on(on) is active
