"""Reporting API: scoped reads, the area's figures, the approval actions, completeness; every
refusal answers ``{"code", "detail"}`` and changes nothing."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devolve.accounts.models import User
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import database_state
from devolve.core.testing.queries import query_count
from devolve.core.testing.versions import if_match
from devolve.reporting import services
from devolve.reporting.models import ApprovalStep, AreaReport, UsageLine
from devolve.reporting.tests.factories import World

D = datetime.date
JSON = "application/json"
pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


@pytest.fixture
def client() -> Client:
    """A client that writes over whatever a record holds (``If-Match: *``) unless a test sends
    an ETag: the If-Match rules are tested in ``matters/tests/test_api.py``."""
    return Client(headers={"If-Match": "*"})


QUARTER_2_ENTRY = datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def reporting_world_built_at() -> datetime.datetime:
    return QUARTER_2_ENTRY


@pytest.fixture(autouse=True)
def _in_quarter_2_entry() -> Iterator[None]:
    with time_machine.travel(QUARTER_2_ENTRY, tick=False):
        yield


def _lines(world: World, received: int = 5, completed: int = 4) -> list[dict[str, Any]]:
    return [
        {
            "grant": world.grant.pk,
            "cases_received": received,
            "cases_completed": completed,
            "average_handling_days": "3.5",
            "promised_limit_days": 10,
        }
    ]


def test_the_area_enters_and_submits_the_prefecture_returns_the_office_accepts(
    client: Client, world: World, pilot_area_user: User, prefecture_user: User, office_user: User
) -> None:
    client.force_login(pilot_area_user)
    created = client.post(
        url("area-report-list"), {"cycle": world.q2.pk, "lines": _lines(world)}, content_type=JSON
    )
    assert created.status_code == 201, created.json()
    report = created.json()
    assert (report["zone"], report["status"], report["lines"][0]["cases_received"]) == (
        world.zone.slug,
        "draft",
        5,
    )
    assert client.post(url("area-report-submit", pk=report["id"])).json()["status"] == "submitted"

    client.force_login(prefecture_user)
    returned = client.post(
        url("area-report-return", pk=report["id"]), {"reason": "recount"}, content_type=JSON
    )
    assert (returned.json()["status"], returned.json()["return_reason"]) == ("returned", "recount")

    client.force_login(pilot_area_user)
    updated = client.put(
        url("area-report-detail", pk=report["id"]),
        {"lines": _lines(world, 6, 4)},
        content_type=JSON,
    )
    assert updated.json()["lines"][0]["cases_received"] == 6
    client.post(url("area-report-submit", pk=report["id"]))

    client.force_login(prefecture_user)
    assert client.post(url("area-report-review", pk=report["id"])).json()["status"] == "reviewed"
    client.force_login(office_user)
    accepted = client.post(url("area-report-accept", pk=report["id"])).json()
    assert (accepted["status"], accepted["accepted_on"]) == ("accepted", "2024-07-03")


def test_an_area_report_write_checks_scope_permission_version_then_body(
    world: World, pilot_area_user: User, prefecture_user: User, department_user: User
) -> None:
    report = services.record_usage(
        cycle=world.q2, zone=world.zone, lines=[], recorded_by=pilot_area_user
    )
    detail = url("area-report-detail", pk=report.pk)
    answers = {}
    for name, user, headers in [
        ("outside scope", department_user, {}),
        ("may not fill", prefecture_user, {"If-Match": '"999999"'}),
        ("no If-Match", pilot_area_user, {}),
        ("stale", pilot_area_user, {"If-Match": '"999999"'}),
        ("current", pilot_area_user, if_match(report)),
    ]:
        client = Client()
        client.force_login(user)
        answers[name] = client.put(detail, {"lines": "?"}, content_type=JSON, headers=headers)

    assert {name: response.status_code for name, response in answers.items()} == {
        "outside scope": 404,
        "may not fill": 403,
        "no If-Match": 428,
        "stale": 412,
        "current": 400,
    }
    assert "changed_by" not in answers["may not fill"].json()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"cycle": 999999}, "no_such_period"),
        ({"lines_for": "other_grant"}, "not_your_grant"),
        ({"received": -3}, "negative_count"),
        ({"lines_for": "late_grant"}, "cases_before_effect"),
    ],
)
def test_bad_input_is_refused_with_its_code_and_changes_nothing(
    client: Client, world: World, pilot_area_user: User, payload: dict[str, Any], code: str
) -> None:
    grant = getattr(world, payload.get("lines_for", "grant"))
    body = {
        "cycle": payload.get("cycle", world.q2.pk),
        "lines": [
            {"grant": grant.pk, "cases_received": payload.get("received", 2), "cases_completed": 1}
        ],
    }
    client.force_login(pilot_area_user)
    before = database_state(AreaReport, UsageLine, ApprovalStep)
    response = client.post(url("area-report-list"), body, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert response.json()["detail"]
    assert database_state(AreaReport, UsageLine, ApprovalStep) == before


def test_after_the_lock_the_api_refuses(
    client: Client, world: World, pilot_area_user: User
) -> None:
    with time_machine.travel(datetime.datetime(2024, 8, 1, 10, tzinfo=datetime.UTC), tick=False):
        client.force_login(pilot_area_user)
        response = client.post(
            url("area-report-list"),
            {"cycle": world.q2.pk, "lines": _lines(world)},
            content_type=JSON,
        )
    assert (response.status_code, response.json()["code"]) == (400, "locked")


def test_a_return_without_a_reason_is_refused(
    client: Client, world: World, pilot_area_user: User, prefecture_user: User
) -> None:
    client.force_login(pilot_area_user)
    report = client.post(
        url("area-report-list"), {"cycle": world.q2.pk, "lines": _lines(world)}, content_type=JSON
    ).json()
    client.post(url("area-report-submit", pk=report["id"]))
    client.force_login(prefecture_user)
    response = client.post(
        url("area-report-return", pk=report["id"]), {"reason": ""}, content_type=JSON
    )
    assert (response.status_code, response.json()["code"]) == (400, "reason_required")


def test_reads_are_scoped(client: Client, world: World, personas: dict[str, User]) -> None:
    counts = {}
    for name in ("office", "prefecture", "pilot_area", "department", "auditor"):
        client.force_login(personas[name])
        counts[name] = (
            len(client.get(url("area-report-list")).json()["results"]),
            client.get(url("department-report-list")).json()["count"],
        )
    assert counts == {
        "office": (6, 4),
        "prefecture": (3, 0),
        "pilot_area": (3, 0),
        "department": (0, 4),
        "auditor": (6, 4),
    }
    other = world.area_report(world.q2, world.other_zone)
    client.force_login(personas["pilot_area"])
    assert client.get(url("area-report-detail", pk=other.pk)).status_code == 404


def test_the_list_counts_each_reports_lines_and_the_detail_shows_them(
    client: Client, world: World, office_user: User
) -> None:
    """ADR 0070: the list answers ``line_count``, not the lines, in as many queries whatever the
    lines; the detail and the deprecated ``?lines=true`` still show them."""
    client.force_login(office_user)

    def listed(**query: str) -> tuple[dict[int, dict[str, Any]], int]:
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(url("area-report-list"), query)
        assert answer.status_code == 200
        return {report["id"]: report for report in answer.json()["results"]}, query_count(queries)

    before, queries_before = listed()
    assert {report["line_count"] for report in before.values()} == {0}
    for report, grants in (
        (world.area_report(world.q2), [world.grant]),
        (world.area_report(world.q2, world.other_zone), [world.other_grant]),
        (world.area_report(world.q3), [world.grant, world.late_grant]),
    ):
        for grant in grants:
            UsageLine.objects.create(report=report, grant=grant, cases_received=3)
    after, queries_after = listed()

    assert queries_after == queries_before
    assert "lines" not in next(iter(after.values()))
    assert sorted(report["line_count"] for report in after.values()) == [0, 0, 0, 1, 1, 2]
    for pk, report in after.items():
        detail = client.get(url("area-report-detail", pk=pk)).json()
        assert len(detail["lines"]) == detail["line_count"] == report["line_count"]
        assert {key: detail[key] for key in report} == report
    with_lines, _queries = listed(lines="true")
    assert {
        pk: (len(report["lines"]), report["line_count"]) for pk, report in with_lines.items()
    } == {pk: (report["line_count"],) * 2 for pk, report in after.items()}


def test_the_department_reports_through_the_api(
    client: Client, world: World, department_user: User, office_user: User
) -> None:
    report = world.department_report(world.q2, department_user.department)
    client.force_login(department_user)
    body = {
        "guidance_sessions": 1, "system_accounts_handed_over": 2, "seals_handed_over": 0,
        "staff_trained": 9, "inspections_done": 1,
        "support_progress": [
            {"entry": world.support.pk, "progress_percent": 35, "status": "at_risk"}
        ],
    }  # fmt: skip
    saved = client.put(url("department-report-detail", pk=report.pk), body, content_type=JSON)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["support_progress"][0]["status"] == "at_risk"
    assert (
        client.post(url("department-report-submit", pk=report.pk)).json()["status"] == "submitted"
    )
    client.force_login(office_user)
    assert client.post(url("department-report-accept", pk=report.pk)).json()["status"] == "accepted"
    assert client.get(url("support-progress-list")).json()["count"] == 1


def test_completeness_endpoint(client: Client, world: World, personas: dict[str, User]) -> None:
    assert_authorization_matrix(
        client, personas, "get", url("reporting-completeness") + "?by=prefecture&on=2024-07-20",
        allowed={"office", "auditor", "evaluator"}, anonymous_status=401,
    )  # fmt: skip
    client.force_login(personas["office"])
    rows = client.get(url("reporting-completeness") + "?by=area&on=2024-07-20").json()
    assert [
        (row["key"], row["expected"], row["submitted"], row["completeness"]) for row in rows
    ] == sorted([(world.zone.slug, 1, 0, "0.0000"), (world.other_zone.slug, 1, 0, "0.0000")])
    bad = client.get(url("reporting-completeness") + "?by=planet")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")


@pytest.mark.parametrize(
    ("annual_list", "status", "code"),
    [
        ("c", 400, "invalid"),
        ("1.5", 400, "invalid"),
        ("-1", 400, "invalid"),
        ("999", 404, "not_found"),
    ],
)
def test_completeness_refuses_an_edition_that_is_not_an_id(
    client: Client, office_user: User, annual_list: str, status: int, code: str
) -> None:
    client.force_login(office_user)

    response = client.get(url("reporting-completeness") + f"?by=area&annual_list={annual_list}")

    assert (response.status_code, response.json()["code"]) == (status, code)


def test_cycles_are_listed(client: Client, world: World, pilot_area_user: User) -> None:
    client.force_login(pilot_area_user)
    cycles = client.get(url("reporting-cycle-list") + f"?annual_list={world.annual_list.pk}").json()
    assert [cycle["period_label"] for cycle in cycles["results"]] == [
        "2024 Q1",
        "2024 Q2",
        "2024 Q3",
        "2024 Q4",
    ]
