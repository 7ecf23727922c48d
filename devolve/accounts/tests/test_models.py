"""The database refuses a scoped role without its scope, a scope on a role that has none, and an
unknown role.

Scope objects come from the shared personas (``conftest.py``): accounts sits below regions and
matters, so its tests do not import them.
"""

from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from devolve.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def scopes(justice: Any, prefecture_user: User, pilot_area_user: User) -> dict[str, Any]:
    """A department, a prefecture (Chengdu) and a zone, each an allowed scope."""
    return {
        "department": justice,
        "prefecture": prefecture_user.prefecture,
        "zone": pilot_area_user.zone,
    }


# The scope each role must have; every other scope must be empty.
SCOPE_OF_ROLE = {
    "office": None,
    "department": "department",
    "prefecture": "prefecture",
    "pilot_area": "zone",
    "evaluator": None,
    "auditor": None,
}


def _user(role: str, **scope: Any) -> User:
    return User(username=f"u-{role}", role=role, **scope)


@pytest.mark.parametrize(("role", "scope"), SCOPE_OF_ROLE.items())
def test_each_role_is_stored_with_exactly_its_scope(
    scopes: dict[str, Any], role: str, scope: str | None
) -> None:
    _user(role, **({scope: scopes[scope]} if scope else {})).save()
    stored = User.objects.get(username=f"u-{role}")
    assert (stored.role, stored.department, stored.prefecture, stored.zone) == (
        role,
        scopes["department"] if scope == "department" else None,
        scopes["prefecture"] if scope == "prefecture" else None,
        scopes["zone"] if scope == "zone" else None,
    )


@pytest.mark.parametrize("role", ["department", "prefecture", "pilot_area"])
def test_a_scoped_role_needs_its_scope(role: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _user(role).save()
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (role, scope)
        for role in SCOPE_OF_ROLE
        for scope in ("department", "prefecture", "zone")
        if SCOPE_OF_ROLE[role] != scope
    ],
)
def test_a_role_may_not_carry_another_roles_scope(
    scopes: dict[str, Any], role: str, scope: str
) -> None:
    own = SCOPE_OF_ROLE[role]
    values = {scope: scopes[scope]}
    if own:
        values[own] = scopes[own]
    users = User.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        _user(role, **values).save()
    assert User.objects.count() == users


@pytest.mark.parametrize("role", ["", "superuser", "OFFICE"])
def test_the_role_must_be_known(role: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _user(role).save()
    assert User.objects.count() == 0


def test_full_clean_reports_a_missing_scope() -> None:
    user = _user("department")
    user.set_password("x")
    with pytest.raises(ValidationError) as caught:
        user.full_clean()
    assert list(caught.value.error_dict) == [NON_FIELD_ERRORS]


@pytest.mark.parametrize(
    ("role", "is_office", "is_auditor"),
    [("office", True, False), ("auditor", False, True), ("evaluator", False, False)],
)
def test_role_properties(role: str, is_office: bool, is_auditor: bool) -> None:
    user = _user(role)
    assert (user.is_office, user.is_auditor) == (is_office, is_auditor)


def test_scope_label_names_the_scope(scopes: dict[str, Any]) -> None:
    assert [
        _user("department", department=scopes["department"]).scope_label,
        _user("prefecture", prefecture=scopes["prefecture"]).scope_label,
        _user("pilot_area", zone=scopes["zone"]).scope_label,
        _user("office").scope_label,
    ] == [str(scopes["department"]), str(scopes["prefecture"]), str(scopes["zone"]), ""]
