"""A small reporting world: one published 2024 edition, a pilot area in Chengdu (the pilot area
persona's zone) and one in Zigong, a power granted to both, a second power to the Chengdu area
that takes effect in August, a support matter of the Department of Justice, and the edition's
quarterly cycles.

Quarter 2 of 2024: entry opens 2024-07-01, reports due 2024-07-10, entry locks 2024-07-30.
"""

import datetime
from dataclasses import dataclass

from devolve.core.actors import SYSTEM
from devolve.grants.models import Grant
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import AnnualList, Department, ListEntry
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory, mode
from devolve.regions.models import Zone
from devolve.regions.tests.factories import ZoneFactory, prefecture
from devolve.reporting.models import AreaReport, DepartmentReport, ReportingCycle
from devolve.reporting.services import UsageLineInput, generate_cycles

D = datetime.date
Q2_OPEN = D(2024, 7, 3)  # a day on which quarter 2's entry is open, before the due date
Q3_OPEN = D(2024, 10, 3)


@dataclass
class World:
    annual_list: AnnualList
    zone: Zone  # Chengdu (510100)
    other_zone: Zone  # Zigong (510300)
    power: ListEntry
    late_power: ListEntry
    support: ListEntry
    grant: Grant  # zone, effective 2024-04-09
    late_grant: Grant  # zone, effective 2024-08-01
    other_grant: Grant  # other_zone
    cycles: list[ReportingCycle]

    @property
    def q2(self) -> ReportingCycle:
        return self.cycles[1]

    @property
    def q3(self) -> ReportingCycle:
        return self.cycles[2]

    def area_report(self, cycle: ReportingCycle, zone: Zone | None = None) -> AreaReport:
        return AreaReport.objects.get(cycle=cycle, zone=zone or self.zone)

    def department_report(self, cycle: ReportingCycle, department: Department) -> DepartmentReport:
        return DepartmentReport.objects.get(cycle=cycle, department=department)


def build_world(*, zone: Zone, department: Department) -> World:
    annual_list = AnnualListFactory(published=True, year=2024)
    other_zone = ZoneFactory(slug="zigong-test-zone", prefecture=prefecture("510300"))
    power = ListEntryFactory(
        annual_list=annual_list,
        granting_department=department,
        mode=mode("delegate"),
        matter=MatterFactory(competent_department=department),
    )
    late_power = ListEntryFactory(
        annual_list=annual_list,
        granting_department=department,
        mode=mode("delegate"),
        matter=MatterFactory(competent_department=department),
    )
    support = ListEntryFactory(
        annual_list=annual_list,
        granting_department=department,
        mode=mode("support"),
        matter=MatterFactory(competent_department=department, support=True),
    )
    grant = GrantFactory(entry=power, zone=zone, handed_over=True)
    late_grant = GrantFactory(
        entry=late_power, zone=zone, effective=True, effective_on=D(2024, 8, 1)
    )
    other_grant = GrantFactory(entry=power, zone=other_zone, effective=True)
    GrantFactory(entry=support, zone=zone, effective=True, effective_on=D(2024, 3, 10))
    cycles = generate_cycles(annual_list=annual_list, frequency="quarterly", generated_by=SYSTEM)
    return World(
        annual_list, zone, other_zone, power, late_power, support, grant, late_grant,
        other_grant, cycles,
    )  # fmt: skip


def line(grant: Grant, received: int = 5, completed: int = 4, **extra: object) -> UsageLineInput:
    return UsageLineInput(
        grant_id=grant.pk,
        cases_received=received,
        cases_completed=completed,
        **extra,
    )
