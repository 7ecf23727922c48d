"""Database constraints of the catalogue: matter type against kind, unique codes, no self-parent."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from devolve.matters.models import Department, Matter
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory, matter_type

pytestmark = pytest.mark.django_db


def test_a_power_needs_a_matter_type() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MatterFactory(kind=Matter.Kind.POWER, matter_type=None)
    assert Matter.objects.count() == 0


def test_a_support_matter_has_no_matter_type() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MatterFactory(support=True, matter_type=matter_type("licensing"))
    assert Matter.objects.count() == 0


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MatterFactory(kind="wish")
    assert Matter.objects.count() == 0


def test_power_and_support_matters_are_stored() -> None:
    power = MatterFactory(matter_type=matter_type("penalty"))
    support = MatterFactory(support=True)
    assert list(Matter.objects.order_by("pk")) == [power, support]
    assert (support.kind, support.matter_type, support.code) == (Matter.Kind.SUPPORT, None, "")


def test_a_matter_code_is_unique() -> None:
    MatterFactory(code="511A0138600000")
    with pytest.raises(IntegrityError), transaction.atomic():
        MatterFactory(code="511A0138600000")
    assert Matter.objects.count() == 1


def test_many_matters_may_have_no_code() -> None:
    first = MatterFactory(support=True)
    second = MatterFactory(support=True)
    assert list(Matter.objects.filter(code="").order_by("pk")) == [first, second]


def test_a_matter_is_not_its_own_parent() -> None:
    matter = MatterFactory()
    matter.parent = matter
    with pytest.raises(IntegrityError), transaction.atomic():
        matter.save()
    assert Matter.objects.get().parent is None


def test_a_sub_item_points_at_its_main_item() -> None:
    main = MatterFactory()
    sub = MatterFactory(parent=main, competent_department=main.competent_department)
    assert list(main.sub_items.all()) == [sub]


@pytest.mark.parametrize("field", ["code", "name_zh"])
def test_department_code_and_chinese_name_are_unique(field: str) -> None:
    justice = DepartmentFactory(code="justice", name_zh="四川省司法厅")
    values = {"code": "other", "name_zh": "其他厅", "name_en": "Other"}
    values[field] = getattr(justice, field)
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(**values)
    assert Department.objects.count() == 1


def test_full_clean_reports_a_type_that_does_not_fit_the_kind() -> None:
    matter = MatterFactory.build(
        kind=Matter.Kind.SUPPORT,
        matter_type=matter_type("licensing"),
        competent_department=DepartmentFactory(),
    )
    with pytest.raises(ValidationError) as caught:
        matter.full_clean()
    assert list(caught.value.error_dict) == [NON_FIELD_ERRORS]


def test_full_clean_reports_a_duplicate_code() -> None:
    existing = MatterFactory(code="511A0138600000")
    matter = MatterFactory.build(
        code=existing.code, competent_department=existing.competent_department
    )
    with pytest.raises(ValidationError) as caught:
        matter.full_clean()
    assert list(caught.value.error_dict) == [NON_FIELD_ERRORS]


@pytest.mark.parametrize(
    ("code", "name_zh", "label"),
    [
        ("511A0138600000", "律师执业许可", "511A0138600000 律师执业许可"),
        ("", "支持试点", "支持试点"),
    ],
)
def test_matter_label_is_code_and_name(code: str, name_zh: str, label: str) -> None:
    assert str(Matter(code=code, name_zh=name_zh)) == label
