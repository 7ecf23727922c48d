import datetime

import pytest

from devolve.accounts.models import User
from devolve.core.errors import NotAllowed
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.matters.tests.list_factories import AnnualListFactory
from devolve.reporting.models import AreaReport, DepartmentReport, ReportingCycle
from devolve.reporting.services import ensure_expected_reports, generate_cycles
from devolve.reporting.tests.factories import World

D = datetime.date
pytestmark = pytest.mark.django_db


def test_quarterly_cycles_open_after_the_period_fall_due_and_lock(world: World) -> None:
    assert [
        (c.sequence, c.period_start, c.opens_on, c.due_on, c.locks_on) for c in world.cycles
    ] == [
        (1, D(2024, 1, 1), D(2024, 4, 1), D(2024, 4, 10), D(2024, 4, 30)),
        (2, D(2024, 4, 1), D(2024, 7, 1), D(2024, 7, 10), D(2024, 7, 30)),
        (3, D(2024, 7, 1), D(2024, 10, 1), D(2024, 10, 10), D(2024, 10, 30)),
        (4, D(2024, 10, 1), D(2025, 1, 1), D(2025, 1, 10), D(2025, 1, 30)),
    ]
    assert AuditEvent.objects.filter(action="reporting.cycles_generated").count() == 1


def test_each_cycle_expects_the_areas_holding_a_grant_in_effect_and_the_granting_departments(
    world: World,
) -> None:
    expected = {
        cycle.sequence: sorted(
            AreaReport.objects.filter(cycle=cycle).values_list("zone__slug", flat=True)
        )
        for cycle in world.cycles
    }
    # Q1 ends before the grants take effect (2024-04-09); the support grant does not report use.
    assert expected == {
        1: [],
        2: sorted([world.zone.slug, world.other_zone.slug]),
        3: sorted([world.zone.slug, world.other_zone.slug]),
        4: sorted([world.zone.slug, world.other_zone.slug]),
    }
    assert DepartmentReport.objects.filter(department__code="justice").count() == 4


def test_expected_reports_are_made_once(world: World) -> None:
    assert ensure_expected_reports(cycle=world.q2) == (0, 0)


def test_monthly_cycles(office_user: User, world: World) -> None:
    other = AnnualListFactory(published=True, year=2025, batch=world.annual_list.batch)
    cycles = generate_cycles(annual_list=other, frequency="monthly", generated_by=office_user)
    assert len(cycles) == 12
    assert cycles[1].period_end == D(2025, 2, 28)


def test_an_edition_gets_its_cycles_once(world: World, office_user: User) -> None:
    assert_refused(
        "duplicate",
        lambda: generate_cycles(
            annual_list=world.annual_list, frequency="quarterly", generated_by=office_user
        ),
        ReportingCycle,
        AreaReport,
    )


def test_only_the_office_sets_cycles(world: World, department_user: User) -> None:
    with pytest.raises(NotAllowed):
        generate_cycles(
            annual_list=world.annual_list, frequency="quarterly", generated_by=department_user
        )


def test_unknown_frequency_is_refused(world: World, office_user: User) -> None:
    other = AnnualListFactory(published=True, year=2025, batch=world.annual_list.batch)
    assert_refused(
        "invalid",
        lambda: generate_cycles(annual_list=other, frequency="weekly", generated_by=office_user),
        ReportingCycle,
    )
