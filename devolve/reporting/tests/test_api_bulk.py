"""POST /api/v1/reporting/area-reports/bulk/: the prefecture forwards or returns several reports,
the office accepts or returns them, all or nothing, each refused report listed in the 400
answer."""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse

from devolve.accounts.models import User
from devolve.reporting.models import AreaReport
from devolve.reporting.services import save_area_report, submit_area_report
from devolve.reporting.tests.factories import World, line

pytestmark = pytest.mark.django_db
URL = "/api/v1/reporting/area-reports/bulk/"
JSON = "application/json"
ENGLISH = {"Accept-Language": "en"}


QUARTER_2_ENTRY = datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def reporting_world_built_at() -> datetime.datetime:
    return QUARTER_2_ENTRY


@pytest.fixture(autouse=True)
def _in_quarter_2_entry() -> Iterator[None]:
    with time_machine.travel(QUARTER_2_ENTRY, tick=False):
        yield


@pytest.fixture
def submitted(world: World, pilot_area_user: User) -> AreaReport:
    report = world.area_report(world.q2)
    save_area_report(report=report, lines=[line(world.grant)], saved_by=pilot_area_user)
    return submit_area_report(report=report, submitted_by=pilot_area_user)


def test_the_route_is_the_one_named() -> None:
    assert reverse("api:area-report-bulk") == URL


def test_who_may_act_on_reports_in_bulk(
    client: Client, personas: dict[str, User | None], submitted: AreaReport
) -> None:
    outcomes = {}
    for persona, user in personas.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            response = client.post(
                URL, {"action": "review", "reports": [submitted.pk]}, content_type=JSON
            )
            outcomes[persona] = (response.status_code, response.json().get("code"))
            transaction.set_rollback(True)

    assert outcomes == {
        "anonymous": (401, "not_authenticated"),
        "office": (400, "bulk_refused"),  # the office accepts; forwarding is the prefecture's
        "department": (403, "permission_denied"),
        "other_department": (403, "permission_denied"),
        "prefecture": (200, None),
        "pilot_area": (403, "permission_denied"),
        "evaluator": (403, "permission_denied"),
        "auditor": (403, "permission_denied"),
    }


def test_the_prefecture_forwards_then_the_office_accepts(
    client: Client, submitted: AreaReport, prefecture_user: User, office_user: User
) -> None:
    client.force_login(prefecture_user)
    forwarded = client.post(URL, {"action": "review", "reports": [submitted.pk]}, content_type=JSON)
    client.force_login(office_user)
    accepted = client.post(URL, {"action": "accept", "reports": [submitted.pk]}, content_type=JSON)

    assert forwarded.json() == accepted.json() == {"done": 1}
    submitted.refresh_from_db()
    assert submitted.status == "accepted"


def test_one_return_reason_for_all(
    client: Client, submitted: AreaReport, prefecture_user: User
) -> None:
    client.force_login(prefecture_user)

    response = client.post(
        URL,
        {"action": "return", "reports": [submitted.pk], "reason": "Counts differ"},
        content_type=JSON,
    )

    submitted.refresh_from_db()
    assert response.json() == {"done": 1}
    assert (submitted.status, submitted.return_reason) == ("returned", "Counts differ")


def test_a_refusal_changes_nothing_and_lists_each_report(
    client: Client, world: World, submitted: AreaReport, office_user: User
) -> None:
    draft = world.area_report(world.q2, world.other_zone)
    client.force_login(office_user)

    response = client.post(
        URL,
        {"action": "accept", "reports": [submitted.pk, draft.pk, 999_999]},
        content_type=JSON,
        headers=ENGLISH,
    )

    body = response.json()
    assert response.status_code == 400
    assert (body["code"], body["detail"]) == (
        "bulk_refused",
        "3 of the chosen records could not be changed, so nothing was changed.",
    )
    assert [(item["id"], item["code"]) for item in body["refusals"]] == [
        ("999999", "not_found"),
        (str(submitted.pk), "illegal_transition"),
        (str(draft.pk), "illegal_transition"),
    ]
    assert body["refusals"][0] == {
        "id": "999999",
        "label": "Report 999999",
        "code": "not_found",
        "detail": "No such report among those you may see.",
    }
    assert set(AreaReport.objects.values_list("status", flat=True)) <= {"draft", "submitted"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"action": "review", "reports": []}, "nothing_chosen"),
        ({"action": "return", "reports": [1]}, "reason_required"),
        ({"action": "reopen", "reports": [1]}, "invalid"),
        ({"action": "review", "reports": "1"}, "invalid"),
    ],
)
def test_bad_input_is_refused_before_any_report(
    client: Client,
    submitted: AreaReport,
    prefecture_user: User,
    body: dict[str, object],
    code: str,
) -> None:
    client.force_login(prefecture_user)

    response = client.post(URL, body, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (400, code)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
