"""Catalogue reads scoped to the user: what each persona may change, and access for change."""

from typing import Any

import pytest
from django.http import Http404

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.errors import NotAllowed
from devolve.matters.models import Department, Matter
from devolve.matters.selectors import (
    access_matter_for_change,
    get_matter_by_name,
    list_departments,
    list_matters,
    list_matters_changeable_by,
)
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(justice: Department, finance: Department) -> dict[str, list[Matter]]:
    return {
        "justice": [
            MatterFactory(code="511A0000000002", competent_department=justice),
            MatterFactory(code="511A0000000001", competent_department=justice),
            MatterFactory(support=True, competent_department=justice),
        ],
        "finance": [MatterFactory(code="511A0000000003", competent_department=finance)],
    }


@pytest.mark.parametrize(
    ("persona", "departments"),
    [
        ("office", ["finance", "justice"]),
        ("department", ["justice"]),
        ("other_department", ["finance"]),
        ("prefecture", []),
        ("pilot_area", []),
        ("evaluator", []),
        ("auditor", []),
    ],
)
def test_list_matters_changeable_by_persona(
    personas: dict[str, User | None],
    catalogue: dict[str, list[Matter]],
    persona: str,
    departments: list[str],
) -> None:
    user = personas[persona]
    assert user is not None
    expected = {matter for code in departments for matter in catalogue[code]}
    assert set(list_matters_changeable_by(user=user)) == expected


def test_list_matters_changeable_by_orders_by_department_then_code(
    office_user: User, catalogue: dict[str, list[Matter]]
) -> None:
    justice_matters = catalogue["justice"]
    assert list(list_matters_changeable_by(user=office_user)) == [
        catalogue["finance"][0],
        justice_matters[2],  # the support matter has no code, so it sorts first
        justice_matters[1],
        justice_matters[0],
    ]


@pytest.mark.parametrize("role", [User.Role.OFFICE, User.Role.DEPARTMENT])
def test_an_inactive_user_may_change_no_matter(
    role: str, justice: Department, catalogue: dict[str, list[Matter]]
) -> None:
    user = UserFactory(
        username="inactive",
        role=role,
        department=justice if role == User.Role.DEPARTMENT else None,
        is_active=False,
    )
    assert list(list_matters_changeable_by(user=user)) == []


@pytest.mark.parametrize("persona", ["office", "department"])
def test_access_matter_for_change_returns_a_matter_the_user_may_change(
    personas: dict[str, User | None], catalogue: dict[str, list[Matter]], persona: str
) -> None:
    user, matter = personas[persona], catalogue["justice"][0]
    assert user is not None
    assert access_matter_for_change(user=user, matter_id=matter.pk) == matter


@pytest.mark.parametrize("persona", ["other_department", "prefecture", "pilot_area", "auditor"])
def test_access_matter_for_change_refuses_a_matter_outside_the_users_scope(
    personas: dict[str, User | None], catalogue: dict[str, list[Matter]], persona: str
) -> None:
    user = personas[persona]
    assert user is not None
    with pytest.raises(NotAllowed) as caught:
        access_matter_for_change(user=user, matter_id=catalogue["justice"][0].pk)
    assert caught.value.code == "not_allowed"


def test_access_matter_for_change_raises_404_for_an_unknown_matter(
    office_user: User, catalogue: dict[str, list[Matter]]
) -> None:
    missing = max(matter.pk for matters in catalogue.values() for matter in matters) + 1
    with pytest.raises(Http404):
        access_matter_for_change(user=office_user, matter_id=missing)


def test_list_departments_counts_matters(catalogue: dict[str, list[Matter]]) -> None:
    empty = DepartmentFactory(code="zz-empty")
    assert [(department.code, department.matter_count) for department in list_departments()] == [
        ("finance", 1),
        ("justice", 3),
        (empty.code, 0),
    ]


def test_get_matter_by_name_looks_within_one_department(
    justice: Department, finance: Department
) -> None:
    own = MatterFactory(name_zh="同名事项", competent_department=justice)
    MatterFactory(name_zh="同名事项", competent_department=finance)
    assert get_matter_by_name(department=justice, name_zh="同名事项") == own
    assert get_matter_by_name(department=justice, name_zh="没有的事项") is None


@pytest.mark.parametrize("size", [2, 10])
def test_list_matters_loads_related_rows_in_one_query(
    django_assert_max_num_queries: Any, justice: Department, size: int
) -> None:
    main = MatterFactory(competent_department=justice)
    MatterFactory.create_batch(size - 1, competent_department=justice, parent=main)
    with django_assert_max_num_queries(1):
        rows = [
            (matter.competent_department.code, str(matter.matter_type), str(matter.parent))
            for matter in list_matters()
        ]
    kind = str(main.matter_type)
    assert rows == [(justice.code, kind, "None")] + [(justice.code, kind, str(main))] * (size - 1)
