"""The people tests act as. Each persona is a user with one role and, where the role has one, a
scope: the department persona works for the Department of Justice, the prefecture persona for
Chengdu, the pilot area persona for a Chengdu zone."""

from dataclasses import dataclass

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
