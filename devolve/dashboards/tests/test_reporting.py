"""Reporting pages: who may open them, the area's form and the approval chain through the pages,
what each dashboard shows, and the .xlsx exports."""

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped]

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import database_state
from devolve.core.testing.queries import query_count
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import Matter
from devolve.matters.tests.list_factories import ListEntryFactory, mode
from devolve.reporting.models import AreaReport, UsageLine
from devolve.reporting.services import (
    accept_area_report,
    review_area_report,
    save_area_report,
    submit_area_report,
)
from devolve.reporting.tests import world_personas
from devolve.reporting.tests.factories import World, line

# The reporting world's personas, in place of the root conftest's.
world, pilot_area_user, justice = world_personas.FIXTURES

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_quarter_2_entry() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture(scope="module")
def reporting_world_built_at() -> datetime.datetime:
    return datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC)


def page(name: str, **kwargs: object) -> str:
    with translation.override("zh-hans"):
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)


def english(name: str, **kwargs: object) -> str:
    with translation.override("en"):
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)


def _form_data(world: World, received: str = "5", completed: str = "4") -> dict[str, str]:
    return {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-grant_id": str(world.grant.pk),
        "lines-0-cases_received": received,
        "lines-0-cases_completed": completed,
        "lines-0-average_handling_days": "4.5",
        "lines-0-promised_limit_days": "10",
        "lines-0-problems": "",
        "lines-0-help_needed": "",
    }


def test_who_opens_which_page(client: Client, world: World, personas: dict[str, Any]) -> None:
    report = world.area_report(world.q2)
    department_report = world.department_report(world.q2, personas["department"].department)
    everyone = {
        "office",
        "department",
        "other_department",
        "prefecture",
        "pilot_area",
        "evaluator",
        "auditor",
    }
    readers = {"office", "evaluator", "auditor"}
    assert_authorization_matrix(
        client, personas, "get", page("reporting_dashboard"), allowed=everyone
    )
    assert_authorization_matrix(
        client, personas, "get", page("reporting_completeness"), allowed=readers | {"prefecture"}
    )
    assert_authorization_matrix(
        client, personas, "get", page("reporting_cycle_list"), allowed=readers
    )
    assert_authorization_matrix(
        client,
        personas,
        "get",
        page("area_report_detail", pk=report.pk),
        allowed=readers | {"prefecture", "pilot_area"},
    )
    assert_authorization_matrix(
        client, personas, "get", page("area_report_edit", pk=report.pk), allowed={"pilot_area"}
    )
    assert_authorization_matrix(
        client,
        personas,
        "get",
        page("department_report_detail", pk=department_report.pk),
        allowed=readers | {"department"},
    )
    assert_authorization_matrix(
        client,
        personas,
        "get",
        page("department_report_edit", pk=department_report.pk),
        allowed={"department"},
    )
    assert_authorization_matrix(
        client,
        personas,
        "get",
        page("reporting_usage_export", annual_list_pk=world.annual_list.pk),
        allowed=readers,
    )


def test_invalid_figures_show_the_rules_message_and_change_nothing(
    client: Client, world: World, pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)
    report = world.area_report(world.q2)
    before = database_state(AreaReport, UsageLine)
    response = client.post(page("area_report_edit", pk=report.pk), _form_data(world, "-2", "0"))
    assert response.status_code == 200
    assert (
        "Counts cannot be negative" in response.content.decode()
        or "不能为负" in response.content.decode()
    )
    assert database_state(AreaReport, UsageLine) == before


def test_the_chain_through_the_pages(
    client: Client, world: World, pilot_area_user: User, prefecture_user: User, office_user: User
) -> None:
    report = world.area_report(world.q2)
    client.force_login(pilot_area_user)
    edit = client.get(page("area_report_edit", pk=report.pk))
    assert f'data-grant="{world.grant.pk}"' in edit.content.decode()
    assert client.post(page("area_report_edit", pk=report.pk), _form_data(world)).status_code == 302
    client.post(page("area_report_submit", pk=report.pk))

    client.force_login(prefecture_user)
    client.post(
        page("area_report_return", pk=report.pk),
        {"reason": "Received count differs from the platform"},
    )
    client.force_login(pilot_area_user)
    dashboard = client.get(english("reporting_dashboard")).content.decode()
    assert "Received count differs from the platform" in dashboard
    client.post(page("area_report_edit", pk=report.pk), _form_data(world, "6", "4"))
    client.post(page("area_report_submit", pk=report.pk))

    client.force_login(prefecture_user)
    client.post(page("area_report_review", pk=report.pk))
    client.force_login(office_user)
    client.post(page("area_report_accept", pk=report.pk))
    report.refresh_from_db()
    assert (report.status, report.lines.get().cases_received) == ("accepted", 6)
    detail = client.get(english("area_report_detail", pk=report.pk)).content.decode()
    assert 'data-status="accepted"' in detail
    assert detail.count('data-step="') == 5


def test_the_report_page_shows_each_lines_figures_flags_and_typed_text(
    client: Client, world: World, office_user: User, django_assert_max_num_queries: Any
) -> None:
    report = world.area_report(world.q2)
    save_area_report(
        report=report,
        lines=[line(world.grant, 3, 5, problems="窗口人手不足")],
        saved_by=SYSTEM,
        today=D(2024, 7, 3),
    )
    client.force_login(office_user)

    with django_assert_max_num_queries(20):  # the lines are a page of a list: no query a line
        html = client.get(english("area_report_detail", pk=report.pk)).content.decode()

    assert f'data-grant="{world.grant.pk}"' in html
    assert 'data-col="cases-received">3</td>' in html
    assert 'data-col="cases-completed">5</td>' in html
    assert "More cases completed than received (carried over?)</strong>" in html
    assert '<span lang="zh-Hans">窗口人手不足</span>' in html
    assert 'data-list-count="1"' in html


def _more_grants(world: World, n: int) -> None:
    for _ in range(n):
        entry = ListEntryFactory(annual_list=world.annual_list, mode=mode("delegate"))
        GrantFactory(entry=entry, zone=world.zone, effective=True, effective_on=D(2024, 4, 9))


def test_the_edit_page_reads_the_same_queries_however_many_grants(
    client: Client, world: World, pilot_area_user: User
) -> None:
    report = world.area_report(world.q2)
    client.force_login(pilot_area_user)

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            html = client.get(page("area_report_edit", pk=report.pk)).content.decode()
        return query_count(captured), html

    few, html = queries()
    assert "data-form-pages" not in html  # fewer lines than a page: one form, as before
    _more_grants(world, 3)
    some, html = queries()
    assert html.count("<fieldset") == 4
    assert "data-list-pager" not in html
    _more_grants(world, 56)  # 60 lines: two pages of 50
    many, html = queries()

    assert html.count("<fieldset") == 50
    assert 'data-list-count="60"' in html
    assert "data-list-pager" in html
    assert "page=2" in html
    assert some <= few, f"{some} queries with 3 more grants, {few} before"
    assert many <= few + 1, f"{many} queries with 59 more grants, {few} before"  # + the count


def _page_form(html_page: Any, received: str) -> dict[str, str]:
    """What the browser sends back from an edit page: its version and every line shown, each
    with ``received`` cases received and none completed."""
    formset = html_page.context["formset"]
    data = {
        "record-version": str(html_page.context["version_form"]["version"].value()),
        "lines-TOTAL_FORMS": str(len(formset.forms)),
        "lines-INITIAL_FORMS": str(len(formset.forms)),
    }
    for number, form in enumerate(formset.forms):
        data |= {
            f"lines-{number}-grant_id": str(form.initial["grant_id"]),
            f"lines-{number}-cases_received": received,
            f"lines-{number}-cases_completed": "0",
        }
    return data


def test_the_edit_form_saves_a_page_of_lines_and_keeps_the_others(
    client: Client, world: World, pilot_area_user: User
) -> None:
    report = world.area_report(world.q2)
    _more_grants(world, 29)  # 30 lines: two pages of 25
    client.force_login(pilot_area_user)
    url = english("area_report_edit", pk=report.pk)

    first = client.get(url, {"per_page": "25"})
    saved_first = client.post(f"{url}?per_page=25", _page_form(first, "7"))
    assert saved_first.status_code == 302
    assert saved_first["Location"] == f"{url}?per_page=25&page=2"  # on to the next page
    second = client.get(saved_first["Location"])
    assert len(second.context["formset"].forms) == 5
    # The first page's version is stale now: saving page 2 with it is refused, nothing written.
    stale = _page_form(second, "9") | {"record-version": _page_form(first, "7")["record-version"]}
    refused = client.post(saved_first["Location"], stale)
    assert refused.status_code == 200
    assert "usage lines changed" in refused.context["error"]
    assert UsageLine.objects.filter(report=report).count() == 25
    # The page opened after saving page 1 carries the new version: page 2 saves.
    saved_second = client.post(saved_first["Location"], _page_form(second, "9"))

    assert saved_second.status_code == 302
    assert saved_second["Location"] == english("area_report_detail", pk=report.pk)
    received = sorted(
        UsageLine.objects.filter(report=report).values_list("cases_received", flat=True)
    )
    assert received == [7] * 25 + [9] * 5  # page 1's figures kept


def test_an_edit_pages_errors_are_shown_on_that_page(
    client: Client, world: World, pilot_area_user: User
) -> None:
    report = world.area_report(world.q2)
    _more_grants(world, 29)
    client.force_login(pilot_area_user)
    url = english("area_report_edit", pk=report.pk)
    second = client.get(url, {"per_page": "25", "page": "2"})
    data = _page_form(second, "3") | {"lines-4-cases_received": "many"}

    response = client.post(f"{url}?per_page=25&page=2", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="form-errors"' in html
    assert 'href="#id_lines-4-cases_received"' in html
    assert 'aria-current="page">2</a>' in html
    assert not UsageLine.objects.filter(report=report).exists()


def test_a_prefecture_cannot_accept_and_the_page_says_no(
    client: Client, world: World, prefecture_user: User
) -> None:
    report = world.area_report(world.q2)
    save_area_report(report=report, lines=[line(world.grant)], saved_by=SYSTEM, today=D(2024, 7, 3))
    submit_area_report(report=report, submitted_by=SYSTEM, today=D(2024, 7, 3))
    client.force_login(prefecture_user)
    assert client.post(page("area_report_accept", pk=report.pk)).status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


def test_the_area_dashboard_shows_what_is_due_and_its_accepted_trend(
    client: Client, world: World, pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)
    content = client.get(english("reporting_dashboard")).content.decode()
    assert f'data-report="{world.area_report(world.q2).pk}"' in content
    assert "No accepted report yet." in content
    report = world.area_report(world.q2)
    save_area_report(
        report=report, lines=[line(world.grant, 11, 9)], saved_by=SYSTEM, today=D(2024, 7, 3)
    )
    submit_area_report(report=report, submitted_by=SYSTEM, today=D(2024, 7, 3))
    review_area_report(report=report, reviewed_by=SYSTEM, today=D(2024, 7, 3))
    accept_area_report(report=report, accepted_by=SYSTEM, today=D(2024, 7, 3))
    content = client.get(english("reporting_dashboard")).content.decode()
    assert '"labels": ["2024 Q2"], "values": [11]' in content


def test_the_completeness_export_carries_the_computed_rates(
    client: Client, world: World, office_user: User
) -> None:
    report = world.area_report(world.q2)
    save_area_report(report=report, lines=[line(world.grant)], saved_by=SYSTEM, today=D(2024, 7, 3))
    submit_area_report(report=report, submitted_by=SYSTEM, today=D(2024, 7, 3))
    client.force_login(office_user)
    with time_machine.travel(datetime.datetime(2024, 7, 20, 10, tzinfo=datetime.UTC), tick=False):
        client.force_login(office_user)
        response = client.get(page("reporting_completeness_export") + "?by=area")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == sorted([world.zone.slug, world.other_zone.slug])
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key[world.zone.slug][2:] == (1, 1, 1, 0, 0, 0, 1.0, 1.0)
    assert by_key[world.other_zone.slug][2:] == (1, 0, 0, 0, 0, 1, 0.0, 0.0)


def test_the_usage_export_has_only_accepted_figures(
    client: Client, world: World, office_user: User
) -> None:
    report = world.area_report(world.q2)
    save_area_report(
        report=report, lines=[line(world.grant, 7, 6)], saved_by=SYSTEM, today=D(2024, 7, 3)
    )
    submit_area_report(report=report, submitted_by=SYSTEM, today=D(2024, 7, 3))
    client.force_login(office_user)
    export = page("reporting_usage_export", annual_list_pk=world.annual_list.pk)
    rows = list(
        load_workbook(io.BytesIO(client.get(export).content)).active.iter_rows(values_only=True)
    )
    assert len(rows) == 1  # the header only: nothing is accepted yet
    review_area_report(report=report, reviewed_by=SYSTEM, today=D(2024, 7, 3))
    accept_area_report(report=report, accepted_by=SYSTEM, today=D(2024, 7, 3))
    # A matter named like a formula comes out as inert text.
    Matter.objects.filter(pk=world.grant.entry.matter_id).update(name_zh="=HYPERLINK(A1)")
    rows = list(
        load_workbook(io.BytesIO(client.get(export).content)).active.iter_rows(values_only=True)
    )
    assert [(row[4], *row[5:7]) for row in rows[1:]] == [("'=HYPERLINK(A1)", 7, 6)]


class RolledBackClient(Client):
    """Each request is undone afterwards, so every persona acts on the same report."""

    def request(self, **request: Any) -> Any:
        with transaction.atomic():
            response = super().request(**request)
            transaction.set_rollback(True)
        return response


def test_who_may_take_each_step(world: World, personas: dict[str, Any]) -> None:
    client = RolledBackClient()
    report = save_area_report(
        report=world.area_report(world.q2),
        lines=[line(world.grant)],
        saved_by=SYSTEM,
        today=D(2024, 7, 3),
    )
    assert_authorization_matrix(
        client,
        personas,
        "post",
        page("area_report_submit", pk=report.pk),
        allowed={"pilot_area"},
        allowed_status=302,
    )
    submit_area_report(report=report, submitted_by=SYSTEM, today=D(2024, 7, 3))
    assert_authorization_matrix(
        client,
        personas,
        "post",
        page("area_report_review", pk=report.pk),
        allowed={"prefecture"},
        allowed_status=302,
    )
    assert_authorization_matrix(
        client,
        personas,
        "post",
        page("area_report_return", pk=report.pk),
        allowed={"prefecture", "office"},
        allowed_status=302,
        data={"reason": "recount"},
    )
    review_area_report(report=report, reviewed_by=SYSTEM, today=D(2024, 7, 3))
    assert_authorization_matrix(
        client,
        personas,
        "post",
        page("area_report_accept", pk=report.pk),
        allowed={"office"},
        allowed_status=302,
    )
    report.refresh_from_db()
    assert report.status == "reviewed"
