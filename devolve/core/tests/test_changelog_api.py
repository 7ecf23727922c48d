"""The change log over the API: the page's filters and rows, for audit readers only."""

from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
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

    assert "count" not in body
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


def _ids(body: dict[str, Any]) -> list[tuple[str, int]]:
    return [(item["kind"], item["record_id"]) for item in body["results"]]


@pytest.fixture
def long_log(office_user: Any) -> list[Any]:
    """Eleven departments, each added, renamed and looked at (an audit event)."""
    departments = [
        Department(code=f"d{number}", name_zh=f"厅{number}", name_en=f"D{number}")
        for number in range(11)
    ]
    for department in departments:
        mark_change(department, actor=office_user, reason="added")
        department.save()
    for department in departments:
        department.name_en += " renamed"
        mark_change(department, actor=office_user, reason="renamed")
        department.save()
        record_event(actor=office_user, action="department.checked", target=department)
    return departments


def test_pages_follow_each_other_by_key_without_a_count(
    client: Client, auditor: Any, long_log: list[Any]
) -> None:
    """Following ``next`` reads every change once, in the order of the numbered pages; from the
    last page, ``previous`` reads the same pages back; nothing counts the log."""
    client.force_login(auditor)
    numbered = client.get(URL, {"page": 1, "page_size": 500}).json()
    forwards, pages, url = [], [], f"{URL}?page_size=7"
    while url:
        body = client.get(url).json()
        assert "count" not in body
        pages.append(_ids(body))
        forwards += pages[-1]
        url = body["next"]
    backwards = []
    while url := (body["previous"] if body else None):
        body = client.get(url).json()
        backwards.insert(0, _ids(body))

    whole = numbered["count"]
    assert whole == len(numbered["results"]) >= 33  # and the personas' own history
    assert forwards == _ids(numbered)
    assert [len(page) for page in pages] == [7] * (whole // 7) + [whole % 7] * bool(whole % 7)
    assert backwards == pages[:-1]
    assert client.get(URL, {"page_size": 7}).json()["previous"] is None


def test_a_numbered_page_is_still_answered_with_its_count(
    client: Client, auditor: Any, long_log: list[Any]
) -> None:
    client.force_login(auditor)

    whole = _ids(client.get(URL, {"page_size": 500}).json())

    body = client.get(URL, {"page": 2, "page_size": 10}).json()

    assert body["count"] == len(whole) >= 33
    assert _ids(body) == whole[10:20]


def test_a_made_up_cursor_answers_404(client: Client, auditor: Any) -> None:
    client.force_login(auditor)

    assert client.get(URL, {"cursor": "cD1ub3Qtb25l"}).status_code == 404  # p=not-one


def _add_departments(actor: Any, numbers: range) -> None:
    for number in numbers:
        department = Department(code=f"d{number}", name_zh=f"厅{number}", name_en=f"D{number}")
        mark_change(department, actor=actor, reason="added")
        department.save()
        department.name_en += " renamed"
        mark_change(department, actor=actor, reason="renamed")
        department.save()
        record_event(actor=actor, action="department.checked", target=department)


# The session and its user, the page of the union, the actors, and for the departments on the
# page their records, their earlier versions and which are made up.
QUERIES_A_PAGE = 7


@pytest.mark.parametrize(
    ("narrowed", "more_queries"),
    [
        ({}, 0),
        ({"action": "changed"}, 0),
        ({"reason": "renamed"}, 0),
        ({"actor": ""}, 1),  # the office user, read by name
    ],
)
def test_a_page_costs_the_same_queries_however_long_the_log(
    client: Client,
    auditor: Any,
    office_user: Any,
    narrowed: dict[str, str],
    more_queries: int,
) -> None:
    """A page's SQL is the same for the first page and one deep in the log, in a log of thirty
    changes or of a hundred and twenty, whole or filtered: no query per change, none that
    reads the whole log."""
    client.force_login(auditor)
    narrowed = {key: value or office_user.username for key, value in narrowed.items()}
    counted = []
    for numbers in (range(10), range(10, 40)):
        _add_departments(office_user, numbers)
        first = client.get(URL, {"page_size": 4, **narrowed}).json()
        assert len(first["results"]) == 4
        with CaptureQueriesContext(connection) as on_first:
            client.get(URL, {"page_size": 4, **narrowed})
        with CaptureQueriesContext(connection) as on_next:
            client.get(first["next"])
        counted.append((len(on_first), len(on_next)))

    expected = QUERIES_A_PAGE + more_queries
    assert counted == [(expected, expected)] * 2
