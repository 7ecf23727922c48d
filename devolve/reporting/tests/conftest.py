import pytest

from devolve.accounts.models import User
from devolve.matters.models import Department
from devolve.reporting.tests.factories import World
from devolve.reporting.tests.world import Built


# The reporting world, built once for the module (``devolve.reporting.tests.world``), and the
# personas it names (the root conftest's fixtures would add others).
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
