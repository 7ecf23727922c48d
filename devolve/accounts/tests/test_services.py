"""create_user: the scope must fit the role, and the creation is audited.

Scope objects come from the shared personas (``conftest.py``): accounts sits below regions and
matters, so its tests do not import them.
"""

from typing import Any

import pytest

from devolve.accounts.models import User
from devolve.accounts.services import create_user
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError
from devolve.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "user history": User.history.count(),
        "audit events": AuditEvent.objects.count(),
    }


@pytest.fixture
def scopes(justice: Any, prefecture_user: User, pilot_area_user: User) -> dict[str, Any]:
    return {
        "department": justice,
        "prefecture": prefecture_user.prefecture,
        "zone": pilot_area_user.zone,
    }


def test_create_user_stores_a_department_user_with_its_scope(
    office_user: User, justice: Any
) -> None:
    user = create_user(
        username="justice-2",
        role=User.Role.DEPARTMENT,
        password="s3cret-enough",
        created_by=office_user,
        email="officer@sft.sc.gov.cn",
        first_name="李",
        department=justice,
    )

    stored = User.objects.get(username="justice-2")
    assert stored == user
    assert (stored.role, stored.department, stored.email, stored.first_name, stored.is_staff) == (
        User.Role.DEPARTMENT,
        justice,
        "officer@sft.sc.gov.cn",
        "李",
        False,
    )
    assert stored.check_password("s3cret-enough") is True
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_type, event.target_id, event.details) == (
        "user.created",
        office_user,
        "accounts.User",
        str(user.pk),
        {"role": "department"},
    )
    history = user.history.get()
    assert (history.history_user, history.history_change_reason) == (
        office_user,
        system_text("user.created"),
    )


def test_create_user_without_password_cannot_sign_in_with_one(db: None) -> None:
    user = create_user(
        username="sso-only", role=User.Role.EVALUATOR, password=None, created_by=SYSTEM
    )
    assert User.objects.get(pk=user.pk).has_usable_password() is False
    event = AuditEvent.objects.get()
    assert (event.action, event.actor) == ("user.created", None)


@pytest.mark.parametrize(("role", "scope"), [("prefecture", "prefecture"), ("pilot_area", "zone")])
def test_create_user_stores_prefecture_and_pilot_area_scopes(
    office_user: User, scopes: dict[str, Any], role: str, scope: str
) -> None:
    user = create_user(
        username="scoped",
        role=role,
        password="pw-long-enough-1",
        created_by=office_user,
        **{scope: scopes[scope]},
    )
    assert getattr(User.objects.get(pk=user.pk), scope) == scopes[scope]


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("department", []),
        ("prefecture", []),
        ("pilot_area", []),
        ("office", ["department"]),
        ("evaluator", ["prefecture"]),
        ("auditor", ["zone"]),
        ("department", ["department", "zone"]),
        ("superuser", []),
    ],
    ids=[
        "department-without-department",
        "prefecture-without-prefecture",
        "pilot-area-without-zone",
        "office-with-department",
        "evaluator-with-prefecture",
        "auditor-with-zone",
        "department-with-zone",
        "unknown-role",
    ],
)
def test_create_user_refuses_a_scope_that_does_not_fit_the_role(
    office_user: User, scopes: dict[str, Any], role: str, scope: list[str]
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        create_user(
            username="misfit",
            role=role,
            password="pw-long-enough-1",
            created_by=office_user,
            **{name: scopes[name] for name in scope},
        )
    assert caught.value.code == ("invalid" if role == "superuser" else "scope_mismatch")
    assert _snapshot() == before


def test_create_user_refuses_a_prefecture_scope_that_is_not_a_prefecture(
    office_user: User, scopes: dict[str, Any]
) -> None:
    """A prefecture user scoped to the whole province passes the role/scope constraints."""
    province = scopes["prefecture"].parent
    assert (province.code, province.level) == ("510000", "province")
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        create_user(
            username="province-officer",
            role="prefecture",
            password="pw-long-enough-1",
            created_by=office_user,
            prefecture=province,
        )
    assert (caught.value.code, caught.value.field) == ("invalid", "prefecture")
    assert _snapshot() == before


def test_create_user_refuses_a_taken_username(office_user: User) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        create_user(
            username=office_user.username,
            role="auditor",
            password="pw-long-enough-1",
            created_by=SYSTEM,
        )
    assert (caught.value.code, caught.value.field) == ("duplicate", "username")
    assert _snapshot() == before


@pytest.mark.parametrize("password", ["1", "12345678901", "password123", "justice-2"])
def test_create_user_refuses_a_password_the_validators_refuse(
    office_user: User, justice: Any, password: str
) -> None:
    before = _snapshot()

    with pytest.raises(DomainError) as refused:
        create_user(
            username="justice-2",
            role=User.Role.DEPARTMENT,
            password=password,
            created_by=office_user,
            department=justice,
        )

    assert (refused.value.code, refused.value.field) == ("weak_password", "password")
    assert _snapshot() == before
