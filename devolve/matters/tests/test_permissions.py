"""Who may change the catalogue: the office any matter, a department only its own."""

import pytest
from django.contrib.auth.models import AnonymousUser

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.access import allows
from devolve.matters.models import Department
from devolve.matters.permissions import can_add_matter_for, can_change_matter
from devolve.matters.tests.factories import MatterFactory

pytestmark = pytest.mark.django_db

# persona -> (may change a Justice matter, may change a Finance matter)
CHANGE_MATRIX = {
    "office": (True, True),
    "department": (True, False),
    "other_department": (False, True),
    "prefecture": (False, False),
    "pilot_area": (False, False),
    "evaluator": (False, False),
    "auditor": (False, False),
}


@pytest.mark.parametrize(("persona", "expected"), CHANGE_MATRIX.items())
def test_can_change_matter_by_persona(
    personas: dict[str, User | None],
    justice: Department,
    finance: Department,
    persona: str,
    expected: tuple[bool, bool],
) -> None:
    user = personas[persona]
    justice_matter = MatterFactory(competent_department=justice)
    finance_matter = MatterFactory(competent_department=finance)
    assert (can_change_matter(user, justice_matter), can_change_matter(user, finance_matter)) == (
        expected
    )
    assert (
        user.has_perm("matters.change_matter", justice_matter),
        user.has_perm("matters.change_matter", finance_matter),
    ) == expected


@pytest.mark.parametrize(("persona", "expected"), CHANGE_MATRIX.items())
def test_can_add_matter_for_by_persona(
    personas: dict[str, User | None],
    justice: Department,
    finance: Department,
    persona: str,
    expected: tuple[bool, bool],
) -> None:
    user = personas[persona]
    assert (can_add_matter_for(user, justice), can_add_matter_for(user, finance)) == expected
    assert (
        user.has_perm("matters.add_matter", justice),
        user.has_perm("matters.add_matter", finance),
    ) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("office", True), ("department", True), ("prefecture", False), ("auditor", False)],
)
def test_without_an_object_only_office_and_department_users_may_add_or_change(
    personas: dict[str, User | None], persona: str, expected: bool
) -> None:
    """Pages ask without an object to decide whether to show the "add" and "edit" buttons."""
    user = personas[persona]
    assert (can_add_matter_for(user, None), can_change_matter(user, None)) == (expected, expected)
    assert (
        user.has_perm("matters.add_matter"),
        user.has_perm("matters.change_matter"),
    ) == (expected, expected)


@pytest.mark.parametrize("role", [User.Role.OFFICE, User.Role.DEPARTMENT])
def test_an_inactive_user_may_change_nothing(role: str, justice: Department) -> None:
    user = UserFactory(
        username="inactive",
        role=role,
        department=justice if role == User.Role.DEPARTMENT else None,
        is_active=False,
    )
    matter = MatterFactory(competent_department=justice)
    assert (can_change_matter(user, matter), can_add_matter_for(user, justice)) == (False, False)


def test_anonymous_visitors_may_change_nothing(justice: Department) -> None:
    matter = MatterFactory(competent_department=justice)
    visitor = AnonymousUser()
    assert (
        allows(visitor, "matters.change_matter", matter),
        allows(visitor, "matters.add_matter", justice),
    ) == (False, False)
