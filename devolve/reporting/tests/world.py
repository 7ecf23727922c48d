"""The reporting world as pytest fixtures (a plugin the root ``conftest.py`` loads): built once
per module (``_reporting_world_once``) and read again for each test (``reporting_world``), with
the pilot area persona and the Department of Justice that it names. A module takes ``world`` and
those personas by binding ``devolve.reporting.tests.world_personas.FIXTURES`` (as
``devolve/reporting/tests/conftest.py`` does for every reporting test module); a module whose
tests run on a day of their own overrides ``reporting_world_built_at`` with it."""

import datetime
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import transaction

from devolve.accounts.models import User
from devolve.accounts.tests import personas as make
from devolve.core.testing.database import read_again
from devolve.matters.models import Department
from devolve.reporting.tests.factories import World, build_world


@dataclass
class Built:
    world: World
    pilot_area_user: User
    justice: Department


@pytest.fixture(scope="module")
def reporting_world_built_at() -> datetime.datetime | None:
    """The moment the module's world is built at: now, unless a module builds it on a day of
    its own (as its tests run on that day)."""
    return None


@pytest.fixture(scope="module")
def _reporting_world_once(
    django_db_setup: None,
    django_db_blocker: Any,
    reporting_world_built_at: datetime.datetime | None,
) -> Iterator[Built]:
    """The world and the personas it names, built once for the module in a transaction rolled
    back at its end; each test runs in a savepoint inside it (``db``) and gets them read again
    (``read_again``), so nothing one test does is seen by the next."""
    moment = (
        time_machine.travel(reporting_world_built_at, tick=False)
        if reporting_world_built_at
        else nullcontext()
    )
    with django_db_blocker.unblock(), transaction.atomic():
        with moment:
            pilot_area_user, justice = make.pilot_area_user(), make.justice()
            assert pilot_area_user.zone is not None
            world = build_world(zone=pilot_area_user.zone, department=justice)
        yield Built(world, pilot_area_user, justice)
        transaction.set_rollback(True)


@pytest.fixture
def reporting_world(_reporting_world_once: Built, db: None) -> Built:
    """The module's world and its personas, read again for this test."""
    built = _reporting_world_once
    return Built(
        read_again(built.world),
        User.objects.get(pk=built.pilot_area_user.pk),
        Department.objects.get(pk=built.justice.pk),
    )
