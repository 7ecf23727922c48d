"""Catalogue admin: a department sees every matter, changes only its own, through the service."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.models import AuditEvent
from devolve.matters.models import AuthorizationMode, Department, Matter, MatterType
from devolve.matters.tests.factories import MatterFactory, matter_type


@pytest.fixture
def justice_matter(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_zh="律师事务所设立审批")


@pytest.fixture
def finance_matter(finance: Department) -> Matter:
    return MatterFactory(competent_department=finance, name_zh="非营利组织免税资格认定")


def _change_url(matter: Matter) -> str:
    return reverse("admin:matters_matter_change", args=[matter.pk])


def _admin_form(matter: Matter, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": matter.code,
        "name_zh": matter.name_zh,
        "name_en": matter.name_en,
        "kind": matter.kind,
        "matter_type": matter.matter_type_id or "",
        "competent_department": matter.competent_department_id,
        "legal_basis": matter.legal_basis,
        "parent": matter.parent_id or "",
        "source": matter.source,
        "_save": "Save",
    }
    values.update(changes)
    return values


def test_department_opens_the_matter_changelist_with_every_matter(
    client: Client, department_user: User, justice_matter: Matter, finance_matter: Matter
) -> None:
    client.force_login(department_user)

    response = client.get(reverse("admin:matters_matter_changelist"))

    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {justice_matter, finance_matter}


def test_department_changes_its_own_matter_through_the_service(
    client: Client, department_user: User, justice_matter: Matter
) -> None:
    old_name = justice_matter.name_zh
    client.force_login(department_user)

    response = client.post(
        _change_url(justice_matter), _admin_form(justice_matter, name_zh="律师事务所设立许可")
    )

    assertRedirects(response, reverse("admin:matters_matter_changelist"))
    justice_matter.refresh_from_db()
    assert justice_matter.name_zh == "律师事务所设立许可"
    latest = justice_matter.history.latest()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        department_user,
        system_text("matter.changed_in_admin"),
    )
    event = AuditEvent.objects.get(action="matter.updated")
    assert (event.actor, event.target_id, event.details) == (
        department_user,
        str(justice_matter.pk),
        {"name_zh": [old_name, "律师事务所设立许可"]},
    )


def test_department_change_form_offers_only_its_own_department(
    client: Client, department_user: User, justice_matter: Matter, finance: Department
) -> None:
    client.force_login(department_user)

    response = client.get(_change_url(justice_matter))

    field = response.context["adminform"].form.fields["competent_department"]
    assert list(field.queryset) == [justice_matter.competent_department]


def test_department_adds_a_matter_for_itself_through_the_service(
    client: Client, department_user: User, justice: Department
) -> None:
    client.force_login(department_user)
    template = Matter(
        code="511A0000009999",
        name_zh="法律援助补贴发放",
        kind=Matter.Kind.POWER,
        matter_type=matter_type("payment"),
        competent_department=justice,
    )

    response = client.post(reverse("admin:matters_matter_add"), _admin_form(template))

    matter = Matter.objects.get(code="511A0000009999")
    assertRedirects(response, reverse("admin:matters_matter_changelist"))
    assert matter.competent_department == justice
    assert matter.history.get().history_user == department_user
    assert AuditEvent.objects.get(action="matter.created").actor == department_user


def test_department_sees_another_departments_matter_read_only(
    client: Client, department_user: User, finance_matter: Matter
) -> None:
    """The catalogue is public, so the admin shows it; only the owner gets a save button."""
    client.force_login(department_user)

    response = client.get(_change_url(finance_matter))

    assert response.status_code == 200
    assert b'name="_save"' not in response.content


def test_department_is_refused_a_change_to_another_departments_matter(
    client: Client, department_user: User, finance_matter: Matter
) -> None:
    history_before = finance_matter.history.count()
    client.force_login(department_user)

    response = client.post(
        _change_url(finance_matter), _admin_form(finance_matter, name_zh="被改名的事项")
    )

    assert response.status_code == 403
    finance_matter.refresh_from_db()
    assert finance_matter.name_zh == "非营利组织免税资格认定"
    assert finance_matter.history.count() == history_before
    assert AuditEvent.objects.count() == 0


def test_department_cannot_move_its_matter_to_another_department_in_the_admin(
    client: Client, department_user: User, justice_matter: Matter, finance: Department
) -> None:
    client.force_login(department_user)

    response = client.post(
        _change_url(justice_matter), _admin_form(justice_matter, competent_department=finance.pk)
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["competent_department"]
    justice_matter.refresh_from_db()
    assert justice_matter.competent_department_id == department_user.department_id
    assert AuditEvent.objects.count() == 0


def test_admin_shows_a_change_the_service_refuses_as_an_error_not_a_server_error(
    client: Client, department_user: User, justice_matter: Matter, finance_matter: Matter
) -> None:
    """A sub-item's main item must belong to the same department (``wrong_parent``)."""
    client.raise_request_exception = False
    client.force_login(department_user)

    response = client.post(
        _change_url(justice_matter), _admin_form(justice_matter, parent=finance_matter.pk)
    )

    assert response.status_code == 200
    justice_matter.refresh_from_db()
    assert justice_matter.parent_id is None
    assert AuditEvent.objects.count() == 0


def test_office_changes_any_matter_in_the_admin(
    client: Client, office_user: User, finance_matter: Matter
) -> None:
    client.force_login(office_user)

    response = client.post(
        _change_url(finance_matter), _admin_form(finance_matter, legal_basis="《税收征收管理法》")
    )

    assert response.status_code == 302
    finance_matter.refresh_from_db()
    assert finance_matter.legal_basis == "《税收征收管理法》"
    assert finance_matter.history.latest().history_user == office_user


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 200), ("auditor", 200), ("department", 403), ("other_department", 403)],
)
def test_matter_history_is_shown_to_office_and_auditor_only(
    client: Client,
    personas: dict[str, User | None],
    justice_matter: Matter,
    persona: str,
    status: int,
) -> None:
    client.force_login(personas[persona])

    response = client.get(reverse("admin:matters_matter_history", args=[justice_matter.pk]))

    assert response.status_code == status


@pytest.mark.parametrize("persona", ["prefecture", "pilot_area", "evaluator"])
def test_roles_without_staff_status_are_sent_to_the_admin_login(
    client: Client, personas: dict[str, User | None], justice_matter: Matter, persona: str
) -> None:
    client.force_login(personas[persona])

    response = client.get(_change_url(justice_matter))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("model", "code"), [(MatterType, "licensing"), (AuthorizationMode, "delegate")]
)
def test_reference_data_is_read_only_in_the_admin(
    client: Client, office_user: User, model: type[MatterType | AuthorizationMode], code: str
) -> None:
    record = model.objects.get(code=code)
    name_before = record.name_en
    client.force_login(office_user)
    url = reverse(f"admin:matters_{model._meta.model_name}_change", args=[record.pk])

    response = client.post(url, {"code": code, "name_en": "Changed"})

    assert response.status_code == 403
    record.refresh_from_db()
    assert record.name_en == name_before
