"""The reporting lists on the one list mechanism: the cycles (filtered as the API filters them),
and the dashboards' overdue reports and reminders, each paged with a count and a fixed number of
queries."""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from devolve.accounts.models import User
from devolve.regions.tests.factories import ZoneFactory, prefecture
from devolve.reporting.models import AreaReport, ReportingCycle
from devolve.reporting.selectors import overdue_reports, overdue_reports_visible_to
from devolve.reporting.tests import world_personas
from devolve.reporting.tests.factories import World

# The reporting world's personas, in place of the root conftest's.
world, pilot_area_user, justice = world_personas.FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_quarter_2_entry() -> Iterator[None]:
    moment = datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False), translation.override("en"):
        yield


@pytest.fixture(scope="module")
def reporting_world_built_at() -> datetime.datetime:
    return datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC)


def _url(name: str) -> str:
    return reverse(f"dashboards:{name}")


def _monthly_cycles(world: World, count: int) -> None:
    ReportingCycle.objects.bulk_create(
        ReportingCycle(
            annual_list=world.annual_list,
            frequency=ReportingCycle.Frequency.MONTHLY,
            sequence=number % 12 + 1,
            period_start=datetime.date(2030 + number // 12, number % 12 + 1, 1),
            period_end=datetime.date(2030 + number // 12, number % 12 + 1, 28),
            opens_on=datetime.date(2030 + number // 12, number % 12 + 1, 28),
            due_on=datetime.date(2030 + number // 12, number % 12 + 1, 28),
            locks_on=datetime.date(2030 + number // 12, number % 12 + 1, 28),
        )
        for number in range(count)
    )


def test_the_cycles_page_through_in_a_fixed_number_of_queries(
    client: Client,
    world: World,
    office_user: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    _monthly_cycles(world, 60)
    total = ReportingCycle.objects.count()
    client.force_login(office_user)

    with django_assert_max_num_queries(14):
        response = client.get(_url("reporting_cycle_list"), {"per_page": "25", "page": "2"})

    assert response.context["count"] == total
    assert len(response.context["table"].page.object_list) == 25
    assert "data-list-pager" in response.content.decode()


def test_the_cycles_filter_as_the_api_does(client: Client, world: World, office_user: User) -> None:
    _monthly_cycles(world, 3)
    client.force_login(office_user)
    query = {"frequency": "monthly", "year": "2030"}

    page = client.get(_url("reporting_cycle_list"), query)
    api = client.get("/api/v1/reporting/cycles/", query)

    expected = list(
        ReportingCycle.objects.filter(frequency="monthly")
        .order_by("period_start")
        .values_list("pk", flat=True)
    )
    assert [row.record.pk for row in page.context["table"].paginated_rows] == expected
    assert [cycle["id"] for cycle in api.json()["results"]] == expected


def test_the_cycles_download_every_filtered_row(
    client: Client, world: World, office_user: User
) -> None:
    _monthly_cycles(world, 60)
    client.force_login(office_user)

    response = client.get(_url("reporting_cycle_list"), {"frequency": "monthly", "export": "csv"})

    rows = response.content.decode("utf-8-sig").strip().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 1 + 60


def test_an_unknown_sort_key_is_said_and_ignored(
    client: Client, world: World, office_user: User
) -> None:
    client.force_login(office_user)

    response = client.get(_url("reporting_cycle_list"), {"sort": "nonsense"})

    assert response.status_code == 200
    assert "cannot be sorted by" in response.content.decode()


def test_the_office_dashboard_pages_every_overdue_report_in_fixed_queries(
    client: Client,
    world: World,
    office_user: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    zones = [
        ZoneFactory(slug=f"late-{number}", prefecture=prefecture("510100")) for number in range(60)
    ]
    AreaReport.objects.bulk_create(AreaReport(cycle=world.cycles[0], zone=zone) for zone in zones)
    overdue = sum(1 for report in overdue_reports(on=datetime.date(2024, 7, 3)))
    client.force_login(office_user)

    with django_assert_max_num_queries(30):
        response = client.get(_url("reporting_dashboard"), {"overdue-per_page": "25"})

    table = response.context["overdue"]
    assert overdue > 60
    assert table.list_state.count == overdue
    assert len(table.page.object_list) == 25
    assert 'href="?overdue-per_page=25&amp;overdue-page=2"' in response.content.decode()


def test_the_prefecture_sees_only_its_own_areas_overdue(
    client: Client, world: World, prefecture_user: User
) -> None:
    client.force_login(prefecture_user)

    response = client.get(_url("reporting_dashboard"))

    own = {
        report.subject_key
        for report in overdue_reports_visible_to(user=prefecture_user, on=datetime.date(2024, 7, 3))
    }
    shown = {row.record.subject_key for row in response.context["overdue"].paginated_rows}
    assert shown == own
    assert {row.record.kind for row in response.context["overdue"].paginated_rows} <= {"area"}


def test_the_department_sorts_its_reports_by_due_date(
    client: Client, world: World, department_user: User
) -> None:
    client.force_login(department_user)

    response = client.get(_url("reporting_dashboard"), {"reports-sort": "-due_on"})

    due = [row.record.cycle.due_on for row in response.context["table"].paginated_rows]
    assert len(due) >= 2
    assert due == sorted(due, reverse=True)
    assert response.context["table"].list_state.problems == []
