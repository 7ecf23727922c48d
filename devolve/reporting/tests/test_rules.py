import datetime
from decimal import Decimal

import pytest

from devolve.reporting import rules
from devolve.reporting.models import (
    AREA_REPORT_LIFECYCLE,
    DEPARTMENT_REPORT_LIFECYCLE,
    ReportStatus,
)
from devolve.reporting.rules import Severity, UsageFigures, check_usage

D = datetime.date


def figures(
    received: int = 5, completed: int = 4, days: str | None = "3", limit: int | None = 10
) -> UsageFigures:
    return UsageFigures(received, completed, Decimal(days) if days is not None else None, limit)


def codes(findings: list[rules.Finding]) -> list[tuple[str, Severity]]:
    return [(finding.code, finding.severity) for finding in findings]


def test_clean_figures_raise_nothing() -> None:
    assert check_usage(figures(), period_end=D(2024, 6, 30), effective_on=D(2024, 4, 9)) == []


def test_negative_counts_block_with_the_field_and_value() -> None:
    findings = check_usage(
        figures(received=-1, completed=-2), period_end=D(2024, 6, 30), effective_on=D(2024, 4, 9)
    )
    assert codes(findings) == [
        ("negative_count", Severity.BLOCK),
        ("negative_count", Severity.BLOCK),
    ]
    assert dict(findings[0].params) == {"field": "cases_received", "value": "-1"}


def test_negative_handling_days_block() -> None:
    findings = check_usage(
        figures(days="-1"), period_end=D(2024, 6, 30), effective_on=D(2024, 4, 9)
    )
    assert codes(findings) == [("negative_days", Severity.BLOCK)]


def test_cases_in_a_period_ending_before_the_grant_took_effect_block() -> None:
    findings = check_usage(figures(), period_end=D(2024, 6, 30), effective_on=D(2024, 8, 1))
    assert codes(findings) == [("cases_before_effect", Severity.BLOCK)]
    assert dict(findings[0].params) == {"period_end": "2024-06-30", "effective_on": "2024-08-01"}


def test_a_grant_taking_effect_within_the_period_may_report_cases() -> None:
    assert check_usage(figures(), period_end=D(2024, 9, 30), effective_on=D(2024, 8, 1)) == []


def test_cases_for_a_grant_not_yet_effective_block_but_zero_lines_pass() -> None:
    assert codes(check_usage(figures(), period_end=D(2024, 6, 30), effective_on=None)) == [
        ("cases_not_effective", Severity.BLOCK)
    ]
    assert check_usage(figures(0, 0, None), period_end=D(2024, 6, 30), effective_on=None) == []


def test_completed_above_received_only_flags_carry_over() -> None:
    findings = check_usage(
        figures(received=2, completed=5), period_end=D(2024, 6, 30), effective_on=D(2024, 4, 9)
    )
    assert codes(findings) == [("completed_exceeds_received", Severity.FLAG)]


def test_handling_days_over_the_promised_limit_flag_and_at_the_limit_pass() -> None:
    over = check_usage(
        figures(days="10.5", limit=10), period_end=D(2024, 6, 30), effective_on=D(2024, 4, 9)
    )
    assert codes(over) == [("over_promised_limit", Severity.FLAG)]
    at = check_usage(
        figures(days="10", limit=10), period_end=D(2024, 6, 30), effective_on=D(2024, 4, 9)
    )
    assert at == []


def test_blocking_findings_come_first() -> None:
    findings = check_usage(
        figures(received=3, completed=4, days="20", limit=10),
        period_end=D(2024, 6, 30),
        effective_on=D(2024, 8, 1),
    )
    assert [finding.blocks for finding in findings] == [True, False, False]


def test_quarterly_and_monthly_periods_cover_the_year() -> None:
    quarters = rules.periods_of_year(2024, months_per_period=3)
    assert [(q.starts_on, q.ends_on) for q in quarters] == [
        (D(2024, 1, 1), D(2024, 3, 31)),
        (D(2024, 4, 1), D(2024, 6, 30)),
        (D(2024, 7, 1), D(2024, 9, 30)),
        (D(2024, 10, 1), D(2024, 12, 31)),
    ]
    months = rules.periods_of_year(2024, months_per_period=1)
    assert len(months) == 12
    assert months[1].ends_on == D(2024, 2, 29)
    with pytest.raises(ValueError, match="monthly"):
        rules.periods_of_year(2024, months_per_period=2)


def test_entry_is_open_between_opening_and_lock_or_while_reopened() -> None:
    window = {"opens_on": D(2024, 7, 1), "locks_on": D(2024, 7, 30)}
    assert not rules.is_open_for_entry(today=D(2024, 6, 30), reopened_until=None, **window)
    assert rules.is_open_for_entry(today=D(2024, 7, 1), reopened_until=None, **window)
    assert rules.is_open_for_entry(today=D(2024, 7, 30), reopened_until=None, **window)
    assert not rules.is_open_for_entry(today=D(2024, 7, 31), reopened_until=None, **window)
    assert rules.is_open_for_entry(today=D(2024, 8, 5), reopened_until=D(2024, 8, 5), **window)
    assert not rules.is_open_for_entry(today=D(2024, 8, 6), reopened_until=D(2024, 8, 5), **window)


def test_area_reports_climb_three_levels_and_department_reports_two() -> None:
    area, department = AREA_REPORT_LIFECYCLE, DEPARTMENT_REPORT_LIFECYCLE
    assert area.targets(ReportStatus.SUBMITTED) == {ReportStatus.REVIEWED, ReportStatus.RETURNED}
    assert area.targets(ReportStatus.REVIEWED) == {ReportStatus.ACCEPTED, ReportStatus.RETURNED}
    assert area.targets(ReportStatus.RETURNED) == {ReportStatus.SUBMITTED}
    assert area.is_final(ReportStatus.ACCEPTED)
    assert department.targets(ReportStatus.SUBMITTED) == {
        ReportStatus.ACCEPTED,
        ReportStatus.RETURNED,
    }
    assert department.targets(ReportStatus.REVIEWED) == frozenset()


def test_on_time_is_by_the_due_date_inclusive() -> None:
    assert rules.is_on_time(D(2024, 7, 10), due_on=D(2024, 7, 10))
    assert not rules.is_on_time(D(2024, 7, 11), due_on=D(2024, 7, 10))
    assert not rules.is_on_time(None, due_on=D(2024, 7, 10))
