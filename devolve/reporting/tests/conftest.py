from typing import Any

import pytest

from devolve.accounts.models import User
from devolve.reporting.tests.factories import World, build_world


@pytest.fixture
def world(pilot_area_user: User, justice: Any) -> World:
    """The reporting world around the pilot area persona's zone and the Department of Justice."""
    assert pilot_area_user.zone is not None
    return build_world(zone=pilot_area_user.zone, department=justice)
