"""Reporting cycles of an edition, and the reports each cycle expects."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, is_system
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.events import record_event
from devolve.core.history import save_validated
from devolve.matters.models import AnnualList
from devolve.reporting import selectors
from devolve.reporting.models import AreaReport, DepartmentReport, ReportingCycle
from devolve.reporting.rules import periods_of_year

MONTHS_PER_PERIOD = {
    ReportingCycle.Frequency.MONTHLY.value: 1,
    ReportingCycle.Frequency.QUARTERLY.value: 3,
}


@transaction.atomic
def generate_cycles(
    *,
    annual_list: AnnualList,
    frequency: str,
    due_days: int = 10,
    lock_days: int = 20,
    generated_by: User | SystemActor,
    is_illustrative: bool = False,
) -> list[ReportingCycle]:
    """The edition's cycles for its year: entry opens the day after a period ends, reports are
    due ``due_days`` after the period ends, and entry locks ``lock_days`` after that. Creates the
    reports each cycle expects so far. Refused when the edition already has cycles."""
    if not is_system(generated_by) and not is_office(generated_by):
        raise NotAllowed(_("Only the reform office sets reporting cycles."))
    if frequency not in MONTHS_PER_PERIOD:
        raise DomainError("invalid", _("Cycles are monthly or quarterly."), field="frequency")
    if due_days < 1 or lock_days < 0:
        raise DomainError(
            "invalid", _("Reports fall due at least a day after the period ends."), field="due_days"
        )
    annual_list = AnnualList.objects.select_for_update(of=("self",)).get(pk=annual_list.pk)
    if selectors.list_cycles(annual_list=annual_list).exists():
        raise DomainError("duplicate", _("This edition already has its reporting cycles."))
    cycles = []
    for period in periods_of_year(annual_list.year, months_per_period=MONTHS_PER_PERIOD[frequency]):
        due_on = period.ends_on + datetime.timedelta(days=due_days)
        cycle = ReportingCycle(
            annual_list=annual_list,
            frequency=frequency,
            sequence=period.sequence,
            period_start=period.starts_on,
            period_end=period.ends_on,
            opens_on=period.ends_on + datetime.timedelta(days=1),
            due_on=due_on,
            locks_on=due_on + datetime.timedelta(days=lock_days),
            is_illustrative=is_illustrative,
        )
        save_validated(cycle, actor=generated_by, reason=system_text("reporting.cycles_generated"))
        cycles.append(cycle)
    record_event(
        actor=generated_by,
        action="reporting.cycles_generated",
        target=annual_list,
        details={"frequency": frequency, "cycles": len(cycles)},
    )
    for cycle in cycles:
        ensure_expected_reports(cycle=cycle, is_illustrative=is_illustrative)
    return cycles


@transaction.atomic
def ensure_expected_reports(
    *, cycle: ReportingCycle, is_illustrative: bool = False
) -> tuple[int, int]:
    """Create the area and department reports the cycle expects and does not have yet: one per
    pilot area holding a grant in effect during the period, one per granting department.
    Idempotent; returns how many area and department reports it created."""
    # Unordered: sets of ids, and the reports' orderings join other tables.
    have_areas = set(cycle.area_reports.order_by().values_list("zone_id", flat=True))
    new_area_reports = [
        AreaReport(cycle=cycle, zone=zone, is_illustrative=is_illustrative)
        for zone in selectors.zones_expected_to_report(cycle=cycle)
        if zone.pk not in have_areas
    ]
    have_departments = set(
        cycle.department_reports.order_by().values_list("department_id", flat=True)
    )
    new_department_reports = [
        DepartmentReport(cycle=cycle, department=department, is_illustrative=is_illustrative)
        for department in selectors.departments_expected_to_report(cycle=cycle)
        if department.pk not in have_departments
    ]
    reason = "expected report"
    bulk_create_with_history(new_area_reports, AreaReport, default_change_reason=reason)
    bulk_create_with_history(new_department_reports, DepartmentReport, default_change_reason=reason)
    return len(new_area_reports), len(new_department_reports)
