"""Pure rules of a grant's life: the allowed status changes and the date arithmetic.

No ORM and no Django: callers pass the working-day calendar in.
"""

import datetime
from collections.abc import Callable
from enum import StrEnum


class GrantStatus(StrEnum):
    AWAITING_EFFECT = "awaiting_effect"  # delegated: takes effect N days after publication
    AWAITING_AGREEMENT = (
        "awaiting_agreement"  # entrusted: takes effect once the agreement is signed
    )
    EFFECTIVE = "effective"
    HANDED_OVER = "handed_over"
    RECALLED = "recalled"  # taken back (收回), with a reason
    SUPERSEDED = "superseded"  # carried into the grant of a later edition


ALLOWED_TRANSITIONS: dict[GrantStatus, frozenset[GrantStatus]] = {
    GrantStatus.AWAITING_EFFECT: frozenset(
        {GrantStatus.EFFECTIVE, GrantStatus.RECALLED, GrantStatus.SUPERSEDED}
    ),
    GrantStatus.AWAITING_AGREEMENT: frozenset(
        {GrantStatus.EFFECTIVE, GrantStatus.RECALLED, GrantStatus.SUPERSEDED}
    ),
    GrantStatus.EFFECTIVE: frozenset(
        {GrantStatus.HANDED_OVER, GrantStatus.RECALLED, GrantStatus.SUPERSEDED}
    ),
    GrantStatus.HANDED_OVER: frozenset({GrantStatus.RECALLED, GrantStatus.SUPERSEDED}),
    GrantStatus.RECALLED: frozenset(),
    GrantStatus.SUPERSEDED: frozenset(),
}

# Statuses in which the pilot area holds the power (or, for support, the commitment runs).
ACTIVE_STATUSES = frozenset(
    {
        GrantStatus.AWAITING_EFFECT,
        GrantStatus.AWAITING_AGREEMENT,
        GrantStatus.EFFECTIVE,
        GrantStatus.HANDED_OVER,
    }
)


def can_transition(current: str, target: str) -> bool:
    return GrantStatus(target) in ALLOWED_TRANSITIONS[GrantStatus(current)]


def initial_status(mode_code: str) -> GrantStatus:
    """Delegation waits for its date; entrustment (also in part, "both") waits for an agreement;
    a support matter runs from publication."""
    if mode_code == "delegate":
        return GrantStatus.AWAITING_EFFECT
    if mode_code in {"entrust", "both"}:
        return GrantStatus.AWAITING_AGREEMENT
    return GrantStatus.EFFECTIVE


def add_working_days(
    start: datetime.date, days: int, *, is_working_day: Callable[[datetime.date], bool]
) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted).

    >>> weekdays = lambda day: day.weekday() < 5
    >>> add_working_days(datetime.date(2024, 5, 31), 1, is_working_day=weekdays)  # Fri → Mon
    datetime.date(2024, 6, 3)
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def renewal_warning_due(ends_on: datetime.date, *, warning_days: int, today: datetime.date) -> bool:
    """True from ``warning_days`` before an agreement ends until it ends (re-sign in time)."""
    return ends_on - datetime.timedelta(days=warning_days) <= today <= ends_on
