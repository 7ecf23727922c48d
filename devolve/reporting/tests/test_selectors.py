"""Completeness, timeliness, accepted usage and what is overdue, checked against hand counts."""

import datetime
from decimal import Decimal

import pytest
from pytest_django import DjangoAssertNumQueries

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.matters.models import Department
from devolve.reporting import selectors
from devolve.reporting.selectors import CompletenessRow, UsageFact
from devolve.reporting.services import (
    DepartmentFigures,
    SupportProgressInput,
    accept_area_report,
    accept_department_report,
    return_area_report,
    review_area_report,
    save_area_report,
    save_department_report,
    submit_area_report,
    submit_department_report,
)
from devolve.reporting.tests.factories import World, line

D = datetime.date
pytestmark = pytest.mark.django_db
ON = D(2024, 10, 20)  # after quarter 3 fell due (10-10), before quarter 4 (2025-01-10)


@pytest.fixture
def history(world: World, justice: Department) -> World:
    """Quarter 2: the Chengdu area on time and accepted; the Zigong area late (07-15), waiting for
    its prefecture. Quarter 3: Chengdu on time (10-05) but returned; Zigong never. Justice: its
    quarter 2 report on time and accepted; quarters 1 and 3 never."""
    q2 = save_area_report(
        report=world.area_report(world.q2),
        lines=[line(world.grant, 5, 4)],
        saved_by=SYSTEM,
        today=D(2024, 7, 3),
    )
    submit_area_report(report=q2, submitted_by=SYSTEM, today=D(2024, 7, 3))
    review_area_report(report=q2, reviewed_by=SYSTEM, today=D(2024, 7, 4))
    accept_area_report(report=q2, accepted_by=SYSTEM, today=D(2024, 7, 5))
    zigong = save_area_report(
        report=world.area_report(world.q2, world.other_zone),
        lines=[line(world.other_grant, 3, 3)],
        saved_by=SYSTEM,
        today=D(2024, 7, 15),
    )
    submit_area_report(report=zigong, submitted_by=SYSTEM, today=D(2024, 7, 15))
    q3 = save_area_report(
        report=world.area_report(world.q3),
        lines=[line(world.grant, 8, 8), line(world.late_grant, 2, 1)],
        saved_by=SYSTEM,
        today=D(2024, 10, 5),
    )
    submit_area_report(report=q3, submitted_by=SYSTEM, today=D(2024, 10, 5))
    return_area_report(report=q3, reason="check", returned_by=SYSTEM, today=D(2024, 10, 6))
    department = save_department_report(
        report=world.department_report(world.q2, justice),
        figures=DepartmentFigures(1, 1, 1, 1, 1),
        progress=[
            SupportProgressInput(entry_id=world.support.pk, progress_percent=30, status="on_track")
        ],
        saved_by=SYSTEM,
        today=D(2024, 7, 8),
    )
    submit_department_report(report=department, submitted_by=SYSTEM, today=D(2024, 7, 8))
    accept_department_report(report=department, accepted_by=SYSTEM, today=D(2024, 7, 9))
    return world


def test_completeness_by_area(history: World) -> None:
    chengdu, zigong = history.zone, history.other_zone
    assert selectors.completeness(by="area", on=ON) == sorted(
        [
            CompletenessRow(
                chengdu.slug,
                chengdu.name_zh,
                2,
                2,
                2,
                1,
                1,
                1,
                Decimal("1.0000"),
                Decimal("1.0000"),
            ),
            CompletenessRow(
                zigong.slug, zigong.name_zh, 2, 1, 0, 0, 0, 1, Decimal("0.5000"), Decimal("0.0000")
            ),
        ],
        key=lambda row: row.key,
    )


def test_completeness_by_prefecture_and_for_one_cycle(history: World) -> None:
    rows = {
        row.key: row
        for row in selectors.completeness(by="prefecture", annual_list=history.annual_list, on=ON)
    }
    assert (rows["510100"].label, rows["510100"].expected, rows["510100"].completeness) == (
        "成都市",
        2,
        Decimal("1.0000"),
    )
    assert (rows["510300"].expected, rows["510300"].submitted, rows["510300"].timeliness) == (
        2,
        1,
        Decimal("0.0000"),
    )
    q2 = {row.key: row for row in selectors.completeness(by="prefecture", cycle=history.q2, on=ON)}
    assert (q2["510300"].expected, q2["510300"].submitted, q2["510300"].submitted_on_time) == (
        1,
        1,
        0,
    )


def test_completeness_by_department(history: World, justice: Department) -> None:
    assert selectors.completeness(by="department", on=ON) == [
        CompletenessRow(
            "justice", justice.name_zh, 3, 1, 1, 1, 0, 2, Decimal("0.3333"), Decimal("0.3333")
        )
    ]


def test_counts_only_what_had_been_submitted_by_the_day_asked(history: World) -> None:
    rows = {row.key: row for row in selectors.completeness(by="area", on=D(2024, 7, 12))}
    assert (rows[history.other_zone.slug].expected, rows[history.other_zone.slug].submitted) == (
        1,
        0,
    )


def test_no_report_due_yet_gives_no_rate(world: World) -> None:
    assert selectors.completeness(by="area", on=D(2024, 7, 1)) == []
    assert selectors.completeness(by="area", cycle=world.q2, on=D(2024, 7, 1)) == []


def test_only_accepted_reports_feed_usage(history: World) -> None:
    assert selectors.accepted_usage(annual_list=history.annual_list) == [
        UsageFact(
            history.grant.pk,
            history.zone.pk,
            history.power.pk,
            history.q2.pk,
            D(2024, 4, 1),
            D(2024, 6, 30),
            5,
            4,
            None,
            None,
        )
    ]
    assert [
        (point.label, point.cases_received)
        for point in selectors.accepted_usage_by_period(zone=history.zone)
    ] == [("2024 Q2", 5)]
    assert selectors.accepted_usage_by_period(zone=history.other_zone) == []


def test_overdue_reports_most_overdue_first(history: World) -> None:
    overdue = selectors.overdue_reports(on=ON)
    assert [
        (item.kind, item.subject_key, item.cycle_label, item.days_overdue, item.status)
        for item in overdue
    ] == [
        ("department", "justice", "2024 Q1", 193, "draft"),
        ("area", history.zone.slug, "2024 Q3", 10, "returned"),
        ("area", history.other_zone.slug, "2024 Q3", 10, "draft"),
        ("department", "justice", "2024 Q3", 10, "draft"),
    ]


@pytest.mark.parametrize(
    ("persona", "area_reports", "department_reports"),
    [
        ("office", 6, 4),
        ("auditor", 6, 4),
        ("evaluator", 6, 4),
        ("prefecture", 3, 0),
        ("pilot_area", 3, 0),
        ("department", 0, 4),
        ("other_department", 0, 0),
    ],
)
def test_scopes(
    world: World,
    personas: dict[str, User],
    persona: str,
    area_reports: int,
    department_reports: int,
) -> None:
    user = personas[persona]
    assert selectors.list_area_reports_visible_to(user=user).count() == area_reports
    assert selectors.list_department_reports_visible_to(user=user).count() == department_reports


def test_what_is_due_and_what_waits_for_review(history: World, personas: dict[str, User]) -> None:
    due = selectors.list_reports_due(user=personas["pilot_area"], on=ON)
    assert [(report.cycle.label, report.status) for report in due] == [("2024 Q3", "returned")]
    assert list(selectors.list_reports_to_review(user=personas["prefecture"])) == []
    assert [
        report.zone for report in selectors.list_reports_to_review(user=personas["office"])
    ] == []


def test_the_promised_limit_is_prefilled_from_the_latest_earlier_period(world: World) -> None:
    save_area_report(
        report=world.area_report(world.q2),
        lines=[line(world.grant, 1, 1, promised_limit_days=12)],
        saved_by=SYSTEM,
        today=D(2024, 7, 3),
    )
    assert selectors.promised_limits_before(report=world.area_report(world.q3)) == {
        world.grant.pk: 12
    }
    assert selectors.promised_limits_before(report=world.area_report(world.q2)) == {}


def test_reportable_grants_by_area_are_each_areas_reportable_grants_in_one_query(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    q2_cycle, q3_cycle = world.q2, world.q3
    with django_assert_num_queries(1):
        q2 = selectors.reportable_grants_by_area(cycle=q2_cycle)
    q3 = selectors.reportable_grants_by_area(cycle=q3_cycle)

    # The late grant took effect in quarter 3: quarter 2's reports do not cover it.
    assert q2 == {world.zone.pk: [world.grant], world.other_zone.pk: [world.other_grant]}
    assert q3 == {
        zone.pk: list(selectors.reportable_grants(zone=zone, cycle=q3_cycle))
        for zone in (world.zone, world.other_zone)
    }
    assert q3[world.zone.pk] == [world.grant, world.late_grant]
