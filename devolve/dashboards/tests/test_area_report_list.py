"""The area reports list: who may open it, filters and paging, and the bulk actions of the
prefecture and the office (all or nothing, each refusal shown against its report)."""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.regions.tests.factories import ZoneFactory, prefecture
from devolve.reporting.models import AreaReport
from devolve.reporting.services import save_area_report, submit_area_report
from devolve.reporting.tests import world_personas
from devolve.reporting.tests.factories import World, line

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


@pytest.fixture
def submitted(world: World, pilot_area_user: User) -> AreaReport:
    report = world.area_report(world.q2)
    save_area_report(report=report, lines=[line(world.grant)], saved_by=pilot_area_user)
    return submit_area_report(report=report, submitted_by=pilot_area_user)


def test_who_may_open_the_list_and_act_on_it(
    client: Client, personas: dict[str, User], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "get",
        _url("area_report_list"),
        allowed={"office", "auditor", "evaluator", "prefecture", "pilot_area"},
    )
    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("area_report_bulk"),
        allowed={"office", "prefecture"},
        data={"action": "accept"},
    )


def test_the_list_filters_by_status_and_only_actors_get_boxes(
    client: Client, submitted: AreaReport, prefecture_user: User, pilot_area_user: User
) -> None:
    client.force_login(prefecture_user)
    page = client.get(_url("area_report_list"), {"status": "submitted"})
    client.force_login(pilot_area_user)
    own = client.get(_url("area_report_list"))

    assert [row.record for row in page.context["table"].paginated_rows] == [submitted]
    assert f'name="report" value="{submitted.pk}"' in page.content.decode()
    assert 'name="report"' not in own.content.decode()


def test_the_prefecture_forwards_chosen_reports_in_one_go(
    client: Client, submitted: AreaReport, prefecture_user: User
) -> None:
    client.force_login(prefecture_user)

    response = client.post(
        _url("area_report_bulk") + "?status=submitted",
        {"action": "review", "report": [str(submitted.pk)]},
    )

    assert response.status_code == 302
    assert response["Location"] == _url("area_report_list") + "?status=submitted"
    submitted.refresh_from_db()
    assert submitted.status == "reviewed"


def test_a_refusal_changes_nothing_and_names_the_report(
    client: Client, world: World, submitted: AreaReport, office_user: User
) -> None:
    other = world.area_report(world.q2, world.other_zone)
    client.force_login(office_user)

    response = client.post(
        _url("area_report_bulk"),
        {"action": "accept", "report": [str(submitted.pk), str(other.pk)]},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-refused="{submitted.pk}" data-code="illegal_transition"' in html
    assert f'data-refused="{other.pk}" data-code="illegal_transition"' in html
    assert "nothing was changed" in html
    # The chosen boxes stay ticked for a second try.
    assert f'name="report" value="{submitted.pk}" checked="checked"' in html
    assert set(AreaReport.objects.values_list("status", flat=True)) <= {"draft", "submitted"}


def test_nothing_chosen_is_said(client: Client, world: World, office_user: User) -> None:
    client.force_login(office_user)

    response = client.post(_url("area_report_bulk"), {"action": "accept"})

    assert response.status_code == 200
    assert "Choose at least one report." in response.content.decode()


def test_a_long_list_pages_in_a_fixed_number_of_queries(
    client: Client,
    world: World,
    office_user: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    zones = [
        ZoneFactory(slug=f"extra-{number}", prefecture=prefecture("510100")) for number in range(60)
    ]
    AreaReport.objects.bulk_create(AreaReport(cycle=world.q2, zone=zone) for zone in zones)
    total = AreaReport.objects.count()
    client.force_login(office_user)

    with django_assert_max_num_queries(12):
        response = client.get(_url("area_report_list"), {"per_page": "25", "page": "2"})

    assert response.context["count"] == total
    assert len(response.context["table"].page.object_list) == 25
    assert "data-list-pager" in response.content.decode()


def test_switching_language_after_a_refused_bulk_action_opens_the_list(
    client: Client, submitted: AreaReport, office_user: User
) -> None:
    client.force_login(office_user)
    list_url = _url("area_report_list") + "?status=submitted"

    refused = client.post(
        _url("area_report_bulk") + "?status=submitted",
        {"action": "accept", "report": [str(submitted.pk)]},
        headers={"referer": f"http://testserver{list_url}"},
    )
    next_url = refused.content.decode().split('name="next" type="hidden" value="')[1].split('"')[0]
    switched = client.get(next_url.replace("&amp;", "&"))

    assert refused.status_code == 200
    with translation.override("zh-hans"):
        assert next_url == reverse("dashboards:area_report_list") + "?status=submitted"
    assert switched.status_code == 200


def _submitted_elsewhere(world: World, count: int) -> list[AreaReport]:
    reports = []
    for number in range(count):
        zone = ZoneFactory(slug=f"level-{number}", prefecture=prefecture("510100"))
        report = AreaReport.objects.create(cycle=world.q2, zone=zone)
        reports.append(submit_area_report(report=report, submitted_by=SYSTEM))
    return reports


def test_the_prefecture_forwards_its_whole_level_in_one_go(
    client: Client, world: World, submitted: AreaReport, prefecture_user: User
) -> None:
    others = _submitted_elsewhere(world, 30)
    client.force_login(prefecture_user)
    query = f"?status=submitted&cycle={world.q2.pk}&per_page=25"

    page = client.get(_url("area_report_list") + query)
    response = client.post(
        _url("area_report_bulk") + query, {"action": "review", "scope": "every_matching"}
    )

    assert 'data-matching="31"' in page.content.decode()
    assert response.status_code == 302
    forwarded = AreaReport.objects.filter(pk__in=[submitted.pk, *(r.pk for r in others)])
    assert set(forwarded.values_list("status", flat=True)) == {"reviewed"}


def test_a_whole_level_in_the_wrong_state_or_without_a_status_changes_nothing(
    client: Client, world: World, submitted: AreaReport, office_user: User
) -> None:
    _submitted_elsewhere(world, 3)
    client.force_login(office_user)
    statuses = dict(AreaReport.objects.values_list("pk", "status"))

    response = client.post(
        _url("area_report_bulk") + f"?cycle={world.q2.pk}&status=submitted",
        {"action": "accept", "scope": "every_matching"},
    )
    unfiltered = client.post(
        _url("area_report_bulk") + f"?cycle={world.q2.pk}",
        {"action": "accept", "scope": "every_matching"},
    )

    assert response.status_code == 200
    assert "nothing was changed" in response.content.decode()
    assert "Filter the list by status" in unfiltered.content.decode()
    assert dict(AreaReport.objects.values_list("pk", "status")) == statuses


def test_a_whole_level_with_a_filter_it_cannot_use_changes_nothing(
    client: Client, submitted: AreaReport, prefecture_user: User
) -> None:
    client.force_login(prefecture_user)

    response = client.post(
        _url("area_report_bulk") + "?status=nonsense",
        {"action": "review", "scope": "every_matching"},
    )

    assert response.status_code == 200
    assert "no report was changed" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_link_followed_from_a_refused_bulk_page_leads_back_to_the_list(
    client: Client, office_user: User
) -> None:
    # A refused action shows the list at the action's address; its sort, page and filter links
    # (GET) are sent on to the list itself.
    client.force_login(office_user)

    response = client.get(_url("area_report_bulk") + "?status=submitted&sort=zone")

    assert response.status_code == 302
    assert response["Location"] == _url("area_report_list") + "?status=submitted&sort=zone"
