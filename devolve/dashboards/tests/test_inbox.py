"""The staff home's inbox: each role's work with counts and due dates, in a fixed number of
queries however much work there is."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from devolve.accounts.models import User
from devolve.regions.tests.factories import ZoneFactory, prefecture
from devolve.reporting.models import AreaReport, ReportingNotice
from devolve.reporting.services import (
    review_area_report,
    save_area_report,
    send_reporting_reminders,
    submit_area_report,
)
from devolve.reporting.tests import world_personas
from devolve.reporting.tests.factories import World, line

# The reporting world's personas, in place of the root conftest's.
world, pilot_area_user, justice = world_personas.FIXTURES

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _in_quarter_2_entry() -> Iterator[None]:
    moment = datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False), translation.override("en"):
        yield


@pytest.fixture(scope="module")
def reporting_world_built_at() -> datetime.datetime:
    return datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC)


def _inbox(client: Client, user: User) -> dict[str, Any]:
    client.force_login(user)
    response = client.get(reverse("dashboards:dashboard_home"))
    return {item.key: item for item in response.context["pending_work"]}


def test_the_area_sees_what_it_must_report_and_by_when(
    client: Client, world: World, pilot_area_user: User
) -> None:
    inbox = _inbox(client, pilot_area_user)

    owed = AreaReport.objects.filter(
        zone=world.zone, status="draft", cycle__opens_on__lte=D(2024, 7, 3)
    )
    assert inbox["reports-due"].count == owed.count() >= 1
    assert inbox["reports-due"].due_on == min(report.cycle.due_on for report in owed)
    assert inbox["reports-returned"].count == 0
    assert inbox["reports-due"].url == reverse("dashboards:reporting_dashboard")


def test_a_report_moves_from_the_prefectures_inbox_to_the_offices(
    client: Client,
    world: World,
    pilot_area_user: User,
    prefecture_user: User,
    office_user: User,
) -> None:
    report = world.area_report(world.q2)
    save_area_report(report=report, lines=[line(world.grant)], saved_by=pilot_area_user)
    submit_area_report(report=report, submitted_by=pilot_area_user)

    waiting = _inbox(client, prefecture_user)["reports-to-review"]
    assert (waiting.count, waiting.due_on) == (1, D(2024, 7, 3))
    assert waiting.url == reverse("dashboards:area_report_list") + "?status=submitted"
    assert _inbox(client, office_user)["reports-to-review"].count == 0

    review_area_report(report=report, reviewed_by=prefecture_user)

    assert _inbox(client, prefecture_user)["reports-to-review"].count == 0
    assert _inbox(client, office_user)["reports-to-review"].count == 1


@pytest.mark.parametrize(
    "persona", ["office", "department", "prefecture", "pilot_area", "evaluator", "auditor"]
)
def test_each_roles_home_costs_a_fixed_number_of_queries(
    client: Client,
    world: World,
    personas: dict[str, User],
    persona: str,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    user = personas[persona]
    client.force_login(user)
    url = reverse("dashboards:dashboard_home")
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for number in range(30):
        zone = ZoneFactory(slug=f"more-{number}", prefecture=prefecture("510100"))
        AreaReport.objects.bulk_create(AreaReport(cycle=cycle, zone=zone) for cycle in world.cycles)

    with django_assert_max_num_queries(20) as large:
        client.get(url)

    assert len(large.captured_queries) == len(small.captured_queries)


def _badge(client: Client, user: User) -> int:
    client.force_login(user)
    html = client.get(reverse("dashboards:inbox_badge")).content.decode()
    return int(html.split('data-waiting="')[1].split('"')[0])


def test_every_staff_page_loads_the_badge_after_itself(
    client: Client, world: World, pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)

    html = client.get(reverse("dashboards:reporting_dashboard")).content.decode()

    assert f'hx-get="{reverse("dashboards:inbox_badge")}" hx-trigger="load"' in html


def test_the_badge_counts_the_work_and_the_unread_notices(
    client: Client, world: World, pilot_area_user: User
) -> None:
    before = _badge(client, pilot_area_user)
    send_reporting_reminders(on=world.q2.due_on - datetime.timedelta(days=1))
    notices = ReportingNotice.objects.filter(recipient=pilot_area_user, read_at__isnull=True)

    after = _badge(client, pilot_area_user)

    inbox = _inbox(client, pilot_area_user)
    assert notices.count() >= 1
    assert after == before + notices.count()
    assert (
        after
        == inbox["reports-due"].count
        + inbox["notices"].count
        + inbox["handovers"].count
        + inbox["reports-returned"].count
    )


def test_submitting_a_report_clears_its_reminders_for_everyone(
    client: Client, world: World, pilot_area_user: User
) -> None:
    send_reporting_reminders(on=world.q2.due_on - datetime.timedelta(days=1))
    report = world.area_report(world.q2)
    about = ReportingNotice.objects.filter(key__endswith=f":area:{report.pk}")
    other = ReportingNotice.objects.exclude(key__endswith=f":area:{report.pk}")
    unread_elsewhere = set(other.filter(read_at__isnull=True).values_list("pk", flat=True))
    before = _badge(client, pilot_area_user)

    save_area_report(report=report, lines=[line(world.grant)], saved_by=pilot_area_user)
    submit_area_report(report=report, submitted_by=pilot_area_user)

    assert about.count() >= 1
    assert not about.filter(read_at__isnull=True).exists()
    assert set(other.filter(read_at__isnull=True).values_list("pk", flat=True)) == unread_elsewhere
    mine = about.filter(recipient=pilot_area_user).count()
    assert _badge(client, pilot_area_user) == before - mine - 1
