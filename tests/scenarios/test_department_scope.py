"""A department changes only its own matters, whichever door it uses (staff page, API, admin),
and every change that goes through leaves a history row naming the person who made it."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.actions import render_text
from devolve.core.models import AuditEvent
from devolve.core.testing.versions import if_match
from devolve.matters.models import Department, Matter
from devolve.matters.tests.factories import MatterFactory

# A door sends "rename this matter" the way its users do and returns the HTTP status.
Door = Callable[[Client, Matter, str], int]


def _form_values(matter: Matter) -> dict[str, Any]:
    return {
        "code": matter.code,
        "name_zh": matter.name_zh,
        "name_en": matter.name_en,
        "kind": matter.kind,
        "matter_type": matter.matter_type_id or "",
        "competent_department": matter.competent_department_id,
        "legal_basis": matter.legal_basis,
    }


def _rename_on_the_staff_page(client: Client, matter: Matter, name_zh: str) -> int:
    response = client.post(
        reverse("dashboards:matter_edit", args=[matter.pk]),
        {**_form_values(matter), "name_zh": name_zh, "reason": "Renamed on the staff page"},
    )
    return response.status_code


def _rename_through_the_api(client: Client, matter: Matter, name_zh: str) -> int:
    response = client.patch(
        reverse("api:matter-detail", args=[matter.pk]),
        {"name_zh": name_zh, "reason": "Renamed through the API"},
        content_type="application/json",
        headers=if_match(matter),
    )
    return response.status_code


def _rename_in_the_admin(client: Client, matter: Matter, name_zh: str) -> int:
    response = client.post(
        reverse("admin:matters_matter_change", args=[matter.pk]),
        {
            **_form_values(matter),
            "name_zh": name_zh,
            "parent": "",
            "source": matter.source,
            "_save": "Save",
        },
    )
    return response.status_code


# Each door: how it sends the change, the status of a success, the reason history records.
DOORS: dict[str, tuple[Door, int, str]] = {
    "staff page": (_rename_on_the_staff_page, 302, "Renamed on the staff page"),
    "api": (_rename_through_the_api, 200, "Renamed through the API"),
    "admin": (_rename_in_the_admin, 302, "Changed in the admin"),
}


@pytest.fixture
def justice_matter(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_zh="法律援助补贴发放")


@pytest.fixture
def finance_matter(finance: Department) -> Matter:
    return MatterFactory(competent_department=finance, name_zh="非营利组织免税资格认定")


@pytest.mark.parametrize("door", list(DOORS))
def test_department_changes_only_its_own_matters_and_each_change_names_the_actor(
    client: Client,
    department_user: User,
    justice_matter: Matter,
    finance_matter: Matter,
    door: str,
) -> None:
    rename, success_status, reason = DOORS[door]
    finance_history_before = finance_matter.history.count()
    justice_history_before = justice_matter.history.count()
    client.force_login(department_user)

    refused = rename(client, finance_matter, "被司法厅改名的事项")
    accepted = rename(client, justice_matter, "法律援助补贴发放（更新）")

    assert (refused, accepted) == (403, success_status)
    finance_matter.refresh_from_db()
    assert finance_matter.name_zh == "非营利组织免税资格认定"
    assert finance_matter.history.count() == finance_history_before
    justice_matter.refresh_from_db()
    assert justice_matter.name_zh == "法律援助补贴发放（更新）"
    assert justice_matter.history.count() == justice_history_before + 1
    latest = justice_matter.history.latest()
    with translation.override("en"):
        # The admin's reason is the system's sentence, stored as a code; typed reasons as typed.
        recorded_reason = render_text(latest.history_change_reason)
    assert (latest.history_type, latest.history_user, recorded_reason) == (
        "~",
        department_user,
        reason,
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_id) == (
        "matter.updated",
        department_user,
        str(justice_matter.pk),
    )
