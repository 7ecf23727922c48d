"""The change log over the API: the page's filters and rows, for audit readers only."""

from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from devolve.core.events import record_event
from devolve.core.history import mark_change
from devolve.core.testing.authorization import assert_authorization_matrix

Department = apps.get_model("matters", "Department")
URL = "/api/v1/changes/"


@pytest.fixture
def renamed(office_user: Any) -> Any:
    department = Department(code="ecology", name_zh="生态环境厅", name_en="Ecology")
    mark_change(department, actor=office_user, reason="added")
    department.save()
    department.name_en = "Ecology and Environment"
    mark_change(department, actor=office_user, reason="official name")
    department.save()
    record_event(actor=office_user, action="department.renamed", target=department, reason="why")
    return department


def test_the_route_is_named_and_listed() -> None:
    assert reverse("api:change-list") == URL


def test_only_audit_readers_read_the_change_log(client: Client, personas: dict[str, Any]) -> None:
    assert_authorization_matrix(
        client, personas, "get", URL, allowed={"office", "auditor"}, anonymous_status=401
    )


def test_the_api_filters_like_the_page(client: Client, auditor: Any, renamed: Any) -> None:
    client.force_login(auditor)

    body = client.get(
        URL,
        {"object_type": "matters.Department", "object_id": str(renamed.pk), "action": "changed"},
    ).json()

    assert body["count"] == 1
    (change,) = body["results"]
    assert (change["kind"], change["action"], change["reason"]) == (
        "history",
        "~",
        "official name",
    )
    assert [(item["old"], item["new"]) for item in change["changes"]] == [
        ("Ecology", "Ecology and Environment")
    ]
    events = client.get(URL, {"action": "department.renamed"}).json()
    assert [item["object_label"] for item in events["results"]] == [str(renamed)]


def test_a_malformed_filter_answers_400(client: Client, auditor: Any) -> None:
    client.force_login(auditor)

    response = client.get(URL, {"changed_from": "yesterday"})

    assert response.status_code == 400
