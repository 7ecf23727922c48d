"""The reporting world's fixtures under the names tests use (``world``, ``pilot_area_user``,
``justice``), in place of the root conftest's personas: a module that builds its data with
``devolve.reporting.tests.world`` imports them."""

import pytest

from devolve.accounts.models import User
from devolve.matters.models import Department
from devolve.reporting.tests.factories import World
from devolve.reporting.tests.world import Built


@pytest.fixture
def world(reporting_world: Built) -> World:
    """The reporting world around the pilot area persona's zone and the Department of Justice."""
    return reporting_world.world


@pytest.fixture
def pilot_area_user(reporting_world: Built) -> User:
    return reporting_world.pilot_area_user


@pytest.fixture
def justice(reporting_world: Built) -> Department:
    return reporting_world.justice


# What a module binds to take them: ``world, pilot_area_user, justice = FIXTURES``.
FIXTURES = (world, pilot_area_user, justice)
