"""Pure rules of periodic reporting: the periods of a year, and the checks a
usage line must pass. No ORM and no Django.

A check either blocks (the line is refused with its message) or flags (the line is kept and the
flag is shown to every reviewer). Completed cases above received cases only flag: a case received
at the end of one period is often completed in the next (carry-over), so a period can close more
cases than it opened (see docs/decisions/0017-reporting-approval.md).
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True)
class Period:
    sequence: int
    starts_on: datetime.date
    ends_on: datetime.date


def period_label(*, frequency: str, sequence: int, period_start: datetime.date) -> str:
    """``2024 Q2`` for a quarter, ``2024-05`` for a month."""
    if frequency == "quarterly":
        return f"{period_start.year} Q{sequence}"
    return f"{period_start:%Y-%m}"


def periods_of_year(year: int, *, months_per_period: int) -> list[Period]:
    """The reporting periods of a calendar year: 12 monthly or 4 quarterly periods.

    >>> quarters = periods_of_year(2024, months_per_period=3)
    >>> [(period.starts_on.month, period.ends_on.isoformat()) for period in quarters][:2]
    [(1, '2024-03-31'), (4, '2024-06-30')]
    """
    if months_per_period not in {1, 3}:
        raise ValueError("months_per_period must be 1 (monthly) or 3 (quarterly)")
    periods = []
    for sequence, first_month in enumerate(range(1, 13, months_per_period), start=1):
        last_month = first_month + months_per_period - 1
        last_day = calendar.monthrange(year, last_month)[1]
        periods.append(
            Period(
                sequence,
                datetime.date(year, first_month, 1),
                datetime.date(year, last_month, last_day),
            )
        )
    return periods


class Severity(StrEnum):
    BLOCK = "block"
    FLAG = "flag"


@dataclass(frozen=True)
class Finding:
    """One check's verdict on one line. ``reporting.findings`` words each code for people,
    filling in ``params``."""

    code: str
    severity: Severity
    params: tuple[tuple[str, str], ...] = ()

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK


@dataclass(frozen=True)
class UsageFigures:
    cases_received: int
    cases_completed: int
    average_handling_days: Decimal | None
    promised_limit_days: int | None


def check_usage(
    figures: UsageFigures,
    *,
    period_end: datetime.date,
    effective_on: datetime.date | None,
) -> list[Finding]:
    """Every finding on one grant's figures for one period, blocking ones first."""
    findings: list[Finding] = []
    for field, value in (
        ("cases_received", figures.cases_received),
        ("cases_completed", figures.cases_completed),
    ):
        if value < 0:
            params = (("field", field), ("value", str(value)))
            findings.append(Finding("negative_count", Severity.BLOCK, params))
    days = figures.average_handling_days
    if days is not None and days < 0:
        findings.append(Finding("negative_days", Severity.BLOCK))
    has_cases = figures.cases_received > 0 or figures.cases_completed > 0
    if has_cases and effective_on is None:
        findings.append(Finding("cases_not_effective", Severity.BLOCK))
    elif has_cases and effective_on is not None and effective_on > period_end:
        params = (
            ("period_end", period_end.isoformat()),
            ("effective_on", effective_on.isoformat()),
        )
        findings.append(Finding("cases_before_effect", Severity.BLOCK, params))
    if figures.cases_completed > figures.cases_received >= 0:
        params = (
            ("completed", str(figures.cases_completed)),
            ("received", str(figures.cases_received)),
        )
        findings.append(Finding("completed_exceeds_received", Severity.FLAG, params))
    limit = figures.promised_limit_days
    if days is not None and limit is not None and days > limit:
        params = (("days", str(days)), ("limit", str(limit)))
        findings.append(Finding("over_promised_limit", Severity.FLAG, params))
    findings.sort(key=lambda finding: not finding.blocks)
    return findings


def is_on_time(submitted_on: datetime.date | None, *, due_on: datetime.date) -> bool:
    return submitted_on is not None and submitted_on <= due_on


def is_open_for_entry(
    *,
    today: datetime.date,
    opens_on: datetime.date,
    locks_on: datetime.date,
    reopened_until: datetime.date | None,
) -> bool:
    """Entry is open from the opening date to the lock date, or until a reopening ends."""
    if reopened_until is not None and today <= reopened_until:
        return True
    return opens_on <= today <= locks_on
