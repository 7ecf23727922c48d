"""The people tests act as. Each persona is a user with one role and, where the role has one, a
scope: the department persona works for the Department of Justice, the prefecture persona for
Chengdu, the pilot area persona for a Chengdu zone."""

from dataclasses import dataclass
from typing import Any

import pytest

PERSONAS = (
    "anonymous",
    "office",
    "department",
    "other_department",
    "prefecture",
    "pilot_area",
    "evaluator",
    "auditor",
)
# Every persona who signs in: the staff roles.
STAFF_PERSONAS = frozenset(PERSONAS) - {"anonymous"}


@dataclass(frozen=True)
class Outcome:
    """What a persona gets from a request: a status code and, for 302, where it leads."""

    status: int
    redirect_contains: str | None = None


def personas_of_world(*names: str) -> tuple[Any, ...]:
    """Fixtures named ``names`` that read the attribute of that name from the module's ``world``
    fixture, in place of the root conftest's personas: a module whose world names its own
    departments and users binds them (``justice, office_user = personas_of_world("justice",
    "office_user")``) rather than declaring a fixture a name."""

    def reading(name: str) -> Any:
        def persona(world: Any) -> Any:
            return getattr(world, name)

        return pytest.fixture(name=name)(persona)

    return tuple(reading(name) for name in names)
