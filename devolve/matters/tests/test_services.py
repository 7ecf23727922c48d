"""Catalogue services: the office changes any matter, a department only its own; each refusal has a
stable code and writes nothing (rows, history rows, audit events)."""

from typing import Any

import pytest

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError, NotAllowed, ValueNotAllowed
from devolve.core.models import AuditEvent
from devolve.matters import services
from devolve.matters.models import Department, Matter
from devolve.matters.tests.factories import MatterFactory, matter_type

pytestmark = pytest.mark.django_db

NEITHER_OFFICE_NOR_DEPARTMENT = ["prefecture", "pilot_area", "evaluator", "auditor"]


def _snapshot() -> dict[str, int]:
    return {
        "matters": Matter.objects.count(),
        "matter history": Matter.history.count(),
        "departments": Department.objects.count(),
        "department history": Department.history.count(),
        "audit events": AuditEvent.objects.count(),
    }


def _power(department: Department, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "code": "511A0138600000",
        "name_zh": "律师事务所设立许可",
        "name_en": "Licence to establish a law firm",
        "kind": Matter.Kind.POWER,
        "matter_type": matter_type("licensing"),
        "competent_department": department,
        "legal_basis": "《律师法》第十八条",
    }
    fields.update(overrides)
    return fields


# --- create_matter ----------------------------------------------------------------------------


def test_office_creates_a_matter_for_any_department(office_user: User, finance: Department) -> None:
    matter = services.create_matter(
        created_by=office_user, reason="catalogue 2024", **_power(finance)
    )

    stored = Matter.objects.get()
    assert stored == matter
    assert (
        stored.code,
        stored.kind,
        stored.matter_type,
        stored.competent_department,
        stored.legal_basis,
    ) == (
        "511A0138600000",
        Matter.Kind.POWER,
        matter_type("licensing"),
        finance,
        "《律师法》第十八条",
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.reason, event.target_type, event.target_id) == (
        "matter.created",
        office_user,
        "catalogue 2024",
        "matters.Matter",
        str(matter.pk),
    )
    history = matter.history.get()
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+",
        office_user,
        "catalogue 2024",
    )


def test_department_creates_a_matter_for_itself(department_user: User, justice: Department) -> None:
    matter = services.create_matter(created_by=department_user, **_power(justice))
    assert Matter.objects.get() == matter
    assert AuditEvent.objects.get().actor == department_user


def test_the_system_creates_a_support_matter_without_code() -> None:
    department = Department.objects.create(code="dev", name_zh="发改委", name_en="DRC")
    matter = services.create_matter(
        created_by=SYSTEM,
        name_zh="支持开展要素市场化配置改革试点",
        kind=Matter.Kind.SUPPORT,
        competent_department=department,
    )
    assert (Matter.objects.get(), matter.code, matter.matter_type) == (matter, "", None)
    assert AuditEvent.objects.get().actor is None


def test_two_support_matters_without_code_are_not_duplicates(
    office_user: User, justice: Department
) -> None:
    first = services.create_matter(
        created_by=office_user, name_zh="支持一", kind="support", competent_department=justice
    )
    second = services.create_matter(
        created_by=office_user, name_zh="支持二", kind="support", competent_department=justice
    )
    assert list(Matter.objects.order_by("pk")) == [first, second]


def test_department_may_not_create_a_matter_for_another_department(
    department_user: User, finance: Department
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed) as caught:
        services.create_matter(created_by=department_user, **_power(finance))
    assert (caught.value.code, caught.value.status_code) == ("not_allowed", 403)
    assert _snapshot() == before


@pytest.mark.parametrize("persona", NEITHER_OFFICE_NOR_DEPARTMENT)
def test_other_roles_may_not_create_matters(
    personas: dict[str, User | None], persona: str, justice: Department
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.create_matter(created_by=personas[persona], **_power(justice))
    assert _snapshot() == before


def test_an_inactive_department_user_may_not_create_matters(justice: Department) -> None:
    user = UserFactory(
        username="left-justice", role=User.Role.DEPARTMENT, department=justice, is_active=False
    )
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.create_matter(created_by=user, **_power(justice))
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"matter_type": None}, "type_required"),
        ({"kind": Matter.Kind.SUPPORT, "code": ""}, "type_not_allowed"),
    ],
)
def test_create_matter_checks_the_type_against_the_kind(
    office_user: User, justice: Department, overrides: dict[str, Any], code: str
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_matter(created_by=office_user, **_power(justice, **overrides))
    assert (caught.value.code, caught.value.field) == (code, "matter_type")
    assert _snapshot() == before


def test_create_matter_accepts_a_sub_item_of_the_same_department(
    department_user: User, justice: Department
) -> None:
    main = MatterFactory(competent_department=justice)
    sub = services.create_matter(
        created_by=department_user, **_power(justice, code="511A0138600001", parent=main)
    )
    assert list(main.sub_items.all()) == [sub]


def test_create_matter_refuses_a_main_item_of_another_department(
    office_user: User, justice: Department, finance: Department
) -> None:
    main = MatterFactory(competent_department=finance)
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_matter(created_by=office_user, **_power(justice, parent=main))
    assert (caught.value.code, caught.value.field) == ("wrong_parent", "parent")
    assert _snapshot() == before


def test_create_matter_refuses_a_duplicate_code(office_user: User, justice: Department) -> None:
    existing = MatterFactory(code="511A0138600000", competent_department=justice)
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_matter(created_by=office_user, **_power(justice, code=existing.code))
    assert caught.value.code == "duplicate"
    assert _snapshot() == before


def test_create_matter_reports_a_too_long_code_as_invalid_not_duplicate(
    office_user: User, justice: Department
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_matter(created_by=office_user, **_power(justice, code="5" * 65))
    assert (caught.value.code, caught.value.field) == ("invalid", "code")
    assert _snapshot() == before


def test_create_matter_reports_a_blank_name_as_invalid(
    office_user: User, justice: Department
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_matter(created_by=office_user, **_power(justice, name_zh=""))
    assert (caught.value.code, caught.value.field) == ("invalid", "name_zh")
    assert _snapshot() == before


# --- update_matter ----------------------------------------------------------------------------


@pytest.fixture
def justice_matter(justice: Department) -> Matter:
    return MatterFactory(
        code="511A0138600000", name_zh="律师事务所设立许可", competent_department=justice
    )


def test_office_updates_a_matter_and_records_what_changed(
    office_user: User, justice_matter: Matter
) -> None:
    updated = services.update_matter(
        matter=justice_matter,
        updated_by=office_user,
        reason="renamed in the 2024 catalogue",
        name_zh="律师事务所及分所设立许可",
        legal_basis="《律师法》",
    )

    stored = Matter.objects.get()
    assert stored == updated
    assert (stored.name_zh, stored.legal_basis) == ("律师事务所及分所设立许可", "《律师法》")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.reason, event.details) == (
        "matter.updated",
        office_user,
        "renamed in the 2024 catalogue",
        {
            "name_zh": ["律师事务所设立许可", "律师事务所及分所设立许可"],
            "legal_basis": ["", "《律师法》"],
        },
    )
    latest = justice_matter.history.latest()
    assert (
        justice_matter.history.count(),
        latest.history_type,
        latest.history_user,
        latest.history_change_reason,
    ) == (2, "~", office_user, "renamed in the 2024 catalogue")


def test_office_may_move_a_matter_to_another_department(
    office_user: User, justice_matter: Matter, finance: Department
) -> None:
    services.update_matter(
        matter=justice_matter, updated_by=office_user, competent_department=finance
    )
    assert Matter.objects.get().competent_department == finance
    assert AuditEvent.objects.get().details == {
        "competent_department": [str(justice_matter.competent_department), str(finance)]
    }


def test_department_updates_its_own_matter(department_user: User, justice_matter: Matter) -> None:
    services.update_matter(matter=justice_matter, updated_by=department_user, name_en="Law firms")
    assert Matter.objects.get().name_en == "Law firms"
    assert AuditEvent.objects.get().actor == department_user


def test_department_may_not_update_another_departments_matter(
    other_department_user: User, justice_matter: Matter
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.update_matter(
            matter=justice_matter, updated_by=other_department_user, name_en="Hijacked"
        )
    assert _snapshot() == before
    assert Matter.objects.get().name_en == justice_matter.name_en


def test_a_caller_who_may_not_update_the_matter_is_refused_before_its_version_is_compared(
    other_department_user: User, justice_matter: Matter
) -> None:
    """A stale version would name who changed the matter and how; the refused caller sees none
    of it."""
    with pytest.raises(NotAllowed):
        services.update_matter(
            matter=justice_matter,
            updated_by=other_department_user,
            name_en="Hijacked",
            expected_version="999999",
        )


def test_department_may_not_hand_its_matter_to_another_department(
    department_user: User, justice_matter: Matter, justice: Department, finance: Department
) -> None:
    """A refusal of the value asked for, not of the person: pages show it beside the field."""
    before = _snapshot()
    with pytest.raises(ValueNotAllowed) as caught:
        services.update_matter(
            matter=justice_matter, updated_by=department_user, competent_department=finance
        )
    assert (caught.value.code, caught.value.field) == ("not_allowed", "competent_department")
    assert not isinstance(caught.value, NotAllowed)
    assert _snapshot() == before
    assert Matter.objects.get().competent_department == justice


@pytest.mark.parametrize("persona", NEITHER_OFFICE_NOR_DEPARTMENT)
def test_other_roles_may_not_update_matters(
    personas: dict[str, User | None], persona: str, justice_matter: Matter
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.update_matter(matter=justice_matter, updated_by=personas[persona], name_en="X")
    assert _snapshot() == before


def test_an_update_that_changes_nothing_writes_nothing(
    office_user: User, justice_matter: Matter
) -> None:
    before = _snapshot()
    returned = services.update_matter(
        matter=justice_matter,
        updated_by=office_user,
        reason="no-op",
        name_zh=justice_matter.name_zh,
        matter_type=justice_matter.matter_type,
    )
    assert returned == justice_matter
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"matter_type": None}, "type_required"),
        ({"kind": Matter.Kind.SUPPORT}, "type_not_allowed"),
    ],
)
def test_update_matter_checks_the_type_against_the_kind(
    office_user: User, justice_matter: Matter, changes: dict[str, Any], code: str
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.update_matter(matter=justice_matter, updated_by=office_user, **changes)
    assert caught.value.code == code
    assert _snapshot() == before
    stored = Matter.objects.get()
    assert (stored.kind, stored.matter_type) == (Matter.Kind.POWER, justice_matter.matter_type)


def test_update_matter_turns_a_power_into_a_support_matter(
    office_user: User, justice_matter: Matter
) -> None:
    services.update_matter(
        matter=justice_matter,
        updated_by=office_user,
        kind=Matter.Kind.SUPPORT,
        matter_type=None,
        code="",
    )
    stored = Matter.objects.get()
    assert (stored.kind, stored.matter_type, stored.code) == (Matter.Kind.SUPPORT, None, "")


def test_a_matter_may_not_become_its_own_main_item(
    office_user: User, justice_matter: Matter
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.update_matter(matter=justice_matter, updated_by=office_user, parent=justice_matter)
    assert (caught.value.code, caught.value.field) == ("wrong_parent", "parent")
    assert _snapshot() == before


def test_a_main_item_must_belong_to_the_same_department(
    department_user: User, justice_matter: Matter, finance: Department
) -> None:
    foreign = MatterFactory(competent_department=finance)
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.update_matter(matter=justice_matter, updated_by=department_user, parent=foreign)
    assert caught.value.code == "wrong_parent"
    assert _snapshot() == before


def test_update_matter_refuses_another_matters_code(
    office_user: User, justice_matter: Matter, justice: Department
) -> None:
    other = MatterFactory(code="511A0138600099", competent_department=justice)
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.update_matter(matter=other, updated_by=office_user, code=justice_matter.code)
    assert caught.value.code == "duplicate"
    assert _snapshot() == before


# --- create_department ------------------------------------------------------------------------


def test_office_creates_a_department(office_user: User) -> None:
    department = services.create_department(
        code="ecology",
        name_zh="四川省生态环境厅",
        name_en="Department of Ecology and Environment",
        created_by=office_user,
        source="机构改革方案",
    )

    stored = Department.objects.get()
    assert stored == department
    assert (stored.code, stored.name_zh, stored.source) == (
        "ecology",
        "四川省生态环境厅",
        "机构改革方案",
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_type, event.target_id) == (
        "department.created",
        office_user,
        "matters.Department",
        str(department.pk),
    )
    history = department.history.get()
    assert (history.history_user, history.history_change_reason) == (
        office_user,
        system_text("department.created"),
    )


@pytest.mark.parametrize(
    "persona", ["department", "prefecture", "pilot_area", "evaluator", "auditor"]
)
def test_only_the_office_creates_departments(
    personas: dict[str, User | None], persona: str
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.create_department(
            code="ecology", name_zh="生态环境厅", name_en="Ecology", created_by=personas[persona]
        )
    assert _snapshot() == before


def test_an_inactive_office_user_may_not_create_departments() -> None:
    retired = UserFactory(username="retired", role=User.Role.OFFICE, is_active=False)
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.create_department(
            code="ecology", name_zh="生态环境厅", name_en="Ecology", created_by=retired
        )
    assert _snapshot() == before


@pytest.mark.parametrize("field", ["code", "name_zh"])
def test_create_department_refuses_a_duplicate_key_or_name(
    office_user: User, justice: Department, field: str
) -> None:
    values = {"code": "other", "name_zh": "其他厅", "name_en": "Other"}
    values[field] = getattr(justice, field)
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_department(created_by=office_user, **values)
    assert (caught.value.code, caught.value.field) == ("duplicate", field)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"code": "Not A Slug!", "name_zh": "生态环境厅", "name_en": "Ecology"}, "code"),
        ({"code": "ecology", "name_zh": "", "name_en": "Ecology"}, "name_zh"),
        ({"code": "ecology", "name_zh": "生态环境厅", "name_en": ""}, "name_en"),
    ],
    ids=["bad-key", "blank-chinese-name", "blank-english-name"],
)
def test_create_department_reports_malformed_input_as_invalid(
    office_user: User, values: dict[str, str], field: str
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_department(created_by=office_user, **values)
    assert (caught.value.code, caught.value.field) == ("invalid", field)
    assert _snapshot() == before
