"""The data the two-node test starts from, committed to the nodes' database (the test's own
database is another one, inside a transaction the nodes cannot see)."""

import datetime
from dataclasses import dataclass

from devolve.accounts.models import User
from devolve.accounts.tests.factories import PASSWORD, UserFactory
from devolve.assessments.tests.conftest import QUARTERS, report
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.services import create_annual_list
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory
from devolve.reporting.models import ReportingCycle

# Grants awaiting effect whose date has come: the daily activation makes each effective once.
DUE_GRANTS = 3
# Zones (slugs) written before and after the replica was copied from the primary.
ON_BOTH = "east"
ONLY_ON_THE_PRIMARY = "after-the-copy"


@dataclass(frozen=True)
class Seeded:
    username: str
    password: str
    draft: int  # a draft edition the office imports a workbook into
    due_grants: list[int]
    # An effective grant with no case in its one accepted quarter, and the area's next report,
    # also without a case, reviewed: accepting it makes the grant's run long enough to flag.
    reviewed_report: int


def seed() -> Seeded:
    office = UserFactory(username="office", role=User.Role.OFFICE)
    justice = DepartmentFactory(
        code="justice", name_zh="四川省司法厅", name_en="Department of Justice"
    )
    due = GrantFactory.create_batch(DUE_GRANTS, effective_on=datetime.date(2024, 4, 9))
    batch = BatchFactory(number=7, starts_on=datetime.date(2023, 1, 1))
    zone = ZoneFactory(slug=ON_BOTH, name_zh="东区", name_en="East Zone")
    BatchMembershipFactory(batch=batch, zone=zone, joined_on=datetime.date(2023, 1, 1))
    MatterFactory(code="511A0000090001", name_zh="律师事务所设立审批", competent_department=justice)
    draft = create_annual_list(year=2024, batch=batch, created_by=office)
    idle = GrantFactory(effective=True, effective_on=datetime.date(2023, 4, 9))
    cycles = [
        ReportingCycle.objects.create(
            annual_list=idle.entry.annual_list,
            frequency="quarterly",
            sequence=number,
            period_start=start,
            period_end=end,
            opens_on=end,
            due_on=end + datetime.timedelta(days=10),
            locks_on=end + datetime.timedelta(days=20),
        )
        for number, (start, end) in enumerate(QUARTERS[:2], start=2)
    ]
    report(idle, cycles[0], received=0)
    reviewed = report(idle, cycles[1], received=0, status="reviewed")
    return Seeded(
        username=office.username,
        password=PASSWORD,
        draft=draft.pk,
        due_grants=[grant.pk for grant in due],
        reviewed_report=reviewed.report_id,
    )


def seed_after_the_copy() -> None:
    ZoneFactory(slug=ONLY_ON_THE_PRIMARY, name_zh="复制后新区", name_en="Zone added after the copy")
