"""A published 2023 edition with grants in two pilot areas, reporting cycles for three quarters,
built once per module with the personas it names (``world``), and a helper that files an area's
usage for one grant and period in a given status."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from devolve.accounts.models import User
from devolve.accounts.tests import personas as make
from devolve.core.actors import SYSTEM
from devolve.core.testing.database import read_again
from devolve.grants import services as grant_services
from devolve.grants.models import Grant
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList, AuthorizationMode, Department, ListEntry, Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.models import Zone
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)
from devolve.reporting.models import AreaReport, ReportingCycle, UsageLine
from devolve.reporting.services.zero_runs import write_zero_runs_of_report

D = datetime.date
QUARTERS = [
    (D(2023, 4, 1), D(2023, 6, 30)),
    (D(2023, 7, 1), D(2023, 9, 30)),
    (D(2023, 10, 1), D(2023, 12, 31)),
]


def mode(code: str) -> AuthorizationMode:
    return AuthorizationMode.objects.get(code=code)


@dataclass
class World:
    home: Zone  # the pilot area persona's zone, in Chengdu
    east: Zone  # in Mianyang
    third: Zone  # a batch member no entry reaches yet
    law_firms: Matter  # delegated by justice to every area
    legal_aid: Matter  # entrusted by justice to home only
    tax_support: Matter  # a support matter of finance, every area
    edition: AnnualList
    cycles: list[ReportingCycle]

    def grant(self, matter: Matter, zone: Zone) -> Grant:
        return Grant.objects.get(entry__annual_list=self.edition, entry__matter=matter, zone=zone)

    def entry(self, matter: Matter) -> ListEntry:
        return ListEntry.objects.get(annual_list=self.edition, matter=matter)


def report(
    grant: Grant,
    cycle: ReportingCycle,
    *,
    received: int,
    completed: int | None = None,
    days: str | None = None,
    limit: int | None = None,
    status: str = "accepted",
) -> UsageLine:
    """The area's report for the cycle (created in ``status`` if new) with a line for the grant;
    an accepted report's zero-use runs written as the service accepting it writes them."""
    area_report, _created = AreaReport.objects.get_or_create(
        cycle=cycle,
        zone=grant.zone,
        defaults={
            "status": status,
            "first_submitted_on": None if status == "draft" else cycle.due_on,
            "submitted_on": None if status == "draft" else cycle.due_on,
            "accepted_on": cycle.due_on if status == "accepted" else None,
        },
    )
    line = UsageLine.objects.create(
        report=area_report,
        grant=grant,
        cases_received=received,
        cases_completed=received if completed is None else completed,
        average_handling_days=Decimal(days) if days is not None else None,
        promised_limit_days=limit,
    )
    if area_report.status == "accepted":
        write_zero_runs_of_report(area_report)
    return line


def build_world(
    justice: Department, finance: Department, pilot_area_user: User, office_user: User
) -> World:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    home = pilot_area_user.zone
    east = ZoneFactory(slug="east", prefecture=prefecture("510700"))
    third = ZoneFactory(slug="third", prefecture=prefecture("510700"))
    for zone in (home, east, third):
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    law_firms = MatterFactory(
        competent_department=justice, code="511A9000000001", name_zh="律师事务所设立审批"
    )
    legal_aid = MatterFactory(
        competent_department=justice, code="511A9000000002", name_zh="法律援助机构指派"
    )
    tax_support = MatterFactory(
        support=True, competent_department=finance, name_zh="财税管理体制支持"
    )
    edition = list_services.create_annual_list(year=2023, batch=batch, created_by=office_user)
    for matter, code, department, areas in [
        (law_firms, "delegate", justice, [home, east]),
        (legal_aid, "entrust", justice, [home]),
        (tax_support, "support", finance, [home, east]),
    ]:
        list_services.add_list_entry(
            annual_list=edition,
            matter=matter,
            mode=mode(code),
            granting_department=department,
            # One entry has a supervising department, which decisions that name none must keep.
            supervising_department=finance if matter is law_firms else None,
            receiving_areas=areas,
            added_by=office_user,
        )
    list_services.submit_annual_list_for_review(annual_list=edition, submitted_by=office_user)
    list_services.approve_annual_list(
        annual_list=edition,
        approved_by=office_user,
        approved_on=D(2023, 3, 1),
        document_number="川改办〔2023〕1号",
    )
    grant_services.publish_annual_list(
        annual_list=edition, published_on=D(2023, 3, 10), published_by=office_user
    )
    grant_services.activate_due_grants(on=D(2023, 4, 9), activated_by=SYSTEM)
    edition.refresh_from_db()
    cycles = [
        ReportingCycle.objects.create(
            annual_list=edition,
            frequency="quarterly",
            sequence=number,
            period_start=start,
            period_end=end,
            opens_on=end,
            due_on=end + datetime.timedelta(days=10),
            locks_on=end + datetime.timedelta(days=20),
        )
        for number, (start, end) in enumerate(QUARTERS, start=2)
    ]
    return World(home, east, third, law_firms, legal_aid, tax_support, edition, cycles)


@dataclass
class Built:
    """The world and the personas it names."""

    world: World
    justice: Department
    finance: Department
    pilot_area_user: User
    office_user: User


@pytest.fixture(scope="module")
def _world_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[Built]:
    """The world and the personas it names, built once for the module in a transaction rolled
    back at its end; each test runs in a savepoint inside it (``db``) and gets them read again
    (``read_again``), so nothing one test does is seen by the next. Every test of this package
    that touches the database reads it; a module elsewhere binds ``FIXTURES``."""
    with django_db_blocker.unblock(), transaction.atomic():
        justice, finance = make.justice(), make.finance()
        pilot_area_user, office_user = make.pilot_area_user(), make.office_user()
        world = build_world(justice, finance, pilot_area_user, office_user)
        yield Built(world, justice, finance, pilot_area_user, office_user)
        transaction.set_rollback(True)


@pytest.fixture
def built(_world_once: Built, db: None) -> Built:
    return read_again(_world_once)


@pytest.fixture
def world(built: Built) -> World:
    return built.world


# The personas the world names are the world's (the root conftest's fixtures would add others).
@pytest.fixture
def justice(built: Built) -> Department:
    return built.justice


@pytest.fixture
def finance(built: Built) -> Department:
    return built.finance


@pytest.fixture
def pilot_area_user(built: Built) -> User:
    return built.pilot_area_user


@pytest.fixture
def office_user(built: Built) -> User:
    return built.office_user


# What a module outside this package binds to take the world and its personas:
# ``_world_once, built, world, justice, finance, pilot_area_user, office_user = FIXTURES``.
FIXTURES = (_world_once, built, world, justice, finance, pilot_area_user, office_user)
