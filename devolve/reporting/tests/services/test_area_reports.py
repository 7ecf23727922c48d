"""The area report's life: entry, the approval chain, and every refusal (nothing written)."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actors import SYSTEM
from devolve.core.errors import NotAllowed
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.regions.tests.factories import prefecture
from devolve.reporting.models import ApprovalStep, AreaReport, UsageLine
from devolve.reporting.services import (
    accept_area_report,
    record_usage,
    reopen_area_report,
    return_area_report,
    review_area_report,
    save_area_report,
    submit_area_report,
)
from devolve.reporting.tests.factories import Q2_OPEN, World, line


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """The messages are compared in English, the language they are written in."""
    with translation.override("en"):
        yield


D = datetime.date
pytestmark = pytest.mark.django_db
TRACKED = (AreaReport, UsageLine, ApprovalStep)


def _filled(world: World, user: User) -> AreaReport:
    report = world.area_report(world.q2)
    return save_area_report(report=report, lines=[line(world.grant)], saved_by=user, today=Q2_OPEN)


def test_the_chain_area_prefecture_office_with_a_return_on_the_way(
    world: World, pilot_area_user: User, prefecture_user: User, office_user: User
) -> None:
    report = _filled(world, pilot_area_user)
    report = submit_area_report(report=report, submitted_by=pilot_area_user, today=Q2_OPEN)
    assert (report.status, report.first_submitted_on) == ("submitted", Q2_OPEN)

    report = return_area_report(
        report=report,
        reason="Q2 count differs from the platform",
        returned_by=prefecture_user,
        today=D(2024, 7, 5),
    )
    assert (report.status, report.return_reason) == (
        "returned",
        "Q2 count differs from the platform",
    )

    # The area fixes the figures and submits again; the first submission date stays.
    save_area_report(
        report=report,
        lines=[line(world.grant, 6, 4)],
        saved_by=pilot_area_user,
        today=D(2024, 7, 6),
    )
    report = submit_area_report(report=report, submitted_by=pilot_area_user, today=D(2024, 7, 6))
    assert (report.status, report.first_submitted_on, report.submitted_on) == (
        "submitted",
        Q2_OPEN,
        D(2024, 7, 6),
    )

    report = review_area_report(report=report, reviewed_by=prefecture_user, today=D(2024, 7, 8))
    report = accept_area_report(report=report, accepted_by=office_user, today=D(2024, 7, 9))
    assert (report.status, report.accepted_on) == ("accepted", D(2024, 7, 9))
    assert UsageLine.objects.get(report=report).cases_received == 6

    steps = list(
        ApprovalStep.objects.filter(area_report=report).values_list(
            "action", "actor__username", "reason"
        )
    )
    assert steps == [
        ("submitted", "zone-officer", ""),
        ("returned", "chengdu-officer", "Q2 count differs from the platform"),
        ("submitted", "zone-officer", ""),
        ("reviewed", "chengdu-officer", ""),
        ("accepted", "office", ""),
    ]
    actions = list(
        AuditEvent.objects.filter(target_type="reporting.AreaReport", target_id=str(report.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reporting.area_report.saved",
        "reporting.area_report.submitted",
        "reporting.area_report.returned",
        "reporting.area_report.saved",
        "reporting.area_report.submitted",
        "reporting.area_report.reviewed",
        "reporting.area_report.accepted",
    ]
    assert report.history.count() >= 6


def test_a_first_entry_reads_no_lines_and_a_correction_updates_its_line(
    world: World, pilot_area_user: User
) -> None:
    report = world.area_report(world.q2)
    with CaptureQueriesContext(connection) as first:
        save_area_report(
            report=report, lines=[line(world.grant)], saved_by=pilot_area_user, today=Q2_OPEN
        )
    with CaptureQueriesContext(connection) as correction:
        save_area_report(
            report=report,
            lines=[line(world.grant, 6, 4)],
            saved_by=pilot_area_user,
            today=Q2_OPEN,
        )

    def lines_read(queries: CaptureQueriesContext) -> int:
        return sum(
            query["sql"].startswith('SELECT "reporting_usageline"')
            for query in queries.captured_queries
        )

    assert (lines_read(first), lines_read(correction)) == (0, 1)
    saved = UsageLine.objects.get(report=report)
    assert (saved.cases_received, saved.cases_completed) == (6, 4)
    assert list(saved.history.order_by("history_id").values_list("history_type", flat=True)) == [
        "+",
        "~",
    ]


def test_accepted_figures_are_locked(
    world: World, pilot_area_user: User, prefecture_user: User, office_user: User
) -> None:
    report = submit_area_report(
        report=_filled(world, pilot_area_user), submitted_by=pilot_area_user, today=Q2_OPEN
    )
    review_area_report(report=report, reviewed_by=prefecture_user, today=Q2_OPEN)
    accept_area_report(report=report, accepted_by=office_user, today=Q2_OPEN)
    assert_refused(
        "locked",
        lambda: save_area_report(
            report=report, lines=[line(world.grant, 9, 9)], saved_by=pilot_area_user, today=Q2_OPEN
        ),
        *TRACKED,
    )
    assert_refused(
        "illegal_transition",
        lambda: return_area_report(
            report=report, reason="late doubt", returned_by=office_user, today=Q2_OPEN
        ),
        *TRACKED,
    )


def test_a_report_after_the_lock_is_refused(world: World, pilot_area_user: User) -> None:
    report = world.area_report(world.q2)
    error = assert_refused(
        "locked",
        lambda: save_area_report(
            report=report, lines=[line(world.grant)], saved_by=pilot_area_user, today=D(2024, 7, 31)
        ),
        *TRACKED,
    )
    assert "2024-07-30" in str(error)


def test_a_report_before_entry_opens_is_refused(world: World, pilot_area_user: User) -> None:
    assert_refused(
        "not_open",
        lambda: save_area_report(
            report=world.area_report(world.q2),
            lines=[line(world.grant)],
            saved_by=pilot_area_user,
            today=D(2024, 6, 30),
        ),
        *TRACKED,
    )


def test_a_report_for_a_period_that_does_not_exist_is_refused(
    world: World, pilot_area_user: User
) -> None:
    error = assert_refused(
        "no_such_period",
        lambda: record_usage(
            cycle=None,
            zone=world.zone,
            lines=[line(world.grant)],
            recorded_by=pilot_area_user,
            today=Q2_OPEN,
        ),
        *TRACKED,
    )
    assert str(error) == "There is no reporting cycle for that period."


def test_another_areas_grant_is_refused(world: World, pilot_area_user: User) -> None:
    error = assert_refused(
        "not_your_grant",
        lambda: save_area_report(
            report=world.area_report(world.q2),
            lines=[line(world.grant), line(world.other_grant)],
            saved_by=pilot_area_user,
            today=Q2_OPEN,
        ),
        *TRACKED,
    )
    assert "report only your own grants" in str(error)


def test_an_area_may_not_fill_another_areas_report(world: World, pilot_area_user: User) -> None:
    with pytest.raises(NotAllowed):
        save_area_report(
            report=world.area_report(world.q2, world.other_zone),
            lines=[line(world.other_grant)],
            saved_by=pilot_area_user,
            today=Q2_OPEN,
        )


@pytest.mark.parametrize(
    ("received", "completed", "days", "code", "words"),
    [
        (-1, 0, None, "negative_count", "Counts cannot be negative (cases received is -1)."),
        (3, -2, None, "negative_count", "Counts cannot be negative (cases completed is -2)."),
        (3, 2, Decimal("-1"), "negative_days", "Average handling days cannot be negative."),
    ],
)
def test_invalid_numbers_are_refused_with_their_message(
    world: World,
    pilot_area_user: User,
    received: int,
    completed: int,
    days: Decimal | None,
    code: str,
    words: str,
) -> None:
    error = assert_refused(
        code,
        lambda: save_area_report(
            report=world.area_report(world.q2),
            lines=[line(world.grant, received, completed, average_handling_days=days)],
            saved_by=pilot_area_user,
            today=Q2_OPEN,
        ),
        *TRACKED,
    )
    assert str(error).endswith(words)
    assert str(world.grant.entry.matter) in str(error)


def test_cases_before_the_grants_effective_date_are_refused(
    world: World, pilot_area_user: User
) -> None:
    error = assert_refused(
        "cases_before_effect",
        lambda: save_area_report(
            report=world.area_report(world.q2),
            lines=[line(world.late_grant, 1, 0)],
            saved_by=pilot_area_user,
            today=Q2_OPEN,
        ),
        *TRACKED,
    )
    assert "2024-08-01" in str(error)


def test_carry_over_and_slow_handling_are_kept_with_flags(
    world: World, pilot_area_user: User
) -> None:
    save_area_report(
        report=world.area_report(world.q2),
        lines=[
            line(world.grant, 2, 5, average_handling_days=Decimal("12.5"), promised_limit_days=10)
        ],
        saved_by=pilot_area_user,
        today=Q2_OPEN,
    )
    assert UsageLine.objects.get(grant=world.grant).flags == [
        "completed_exceeds_received",
        "over_promised_limit",
    ]


def test_every_grant_of_the_period_needs_its_line_before_submission(
    world: World, pilot_area_user: User
) -> None:
    q3 = world.area_report(world.q3)
    save_area_report(
        report=q3, lines=[line(world.grant)], saved_by=pilot_area_user, today=D(2024, 10, 3)
    )
    error = assert_refused(
        "missing_lines",
        lambda: submit_area_report(report=q3, submitted_by=pilot_area_user, today=D(2024, 10, 3)),
        *TRACKED,
    )
    assert str(world.late_grant.entry.matter) in str(error)


def test_a_return_needs_a_reason(
    world: World, pilot_area_user: User, prefecture_user: User
) -> None:
    report = submit_area_report(
        report=_filled(world, pilot_area_user), submitted_by=pilot_area_user, today=Q2_OPEN
    )
    assert_refused(
        "reason_required",
        lambda: return_area_report(
            report=report, reason="  ", returned_by=prefecture_user, today=Q2_OPEN
        ),
        *TRACKED,
    )


def test_levels_act_only_on_their_step_and_scope(
    world: World, pilot_area_user: User, prefecture_user: User, office_user: User
) -> None:
    report = submit_area_report(
        report=_filled(world, pilot_area_user), submitted_by=pilot_area_user, today=Q2_OPEN
    )
    zigong = UserFactory(role=User.Role.PREFECTURE, prefecture=prefecture("510300"))
    with pytest.raises(NotAllowed):
        review_area_report(report=report, reviewed_by=zigong, today=Q2_OPEN)
    with pytest.raises(NotAllowed):
        accept_area_report(report=report, accepted_by=prefecture_user, today=Q2_OPEN)
    with pytest.raises(NotAllowed):
        review_area_report(report=report, reviewed_by=pilot_area_user, today=Q2_OPEN)
    # The office cannot skip the prefecture.
    assert_refused(
        "illegal_transition",
        lambda: accept_area_report(report=report, accepted_by=office_user, today=Q2_OPEN),
        *TRACKED,
    )
    review_area_report(report=report, reviewed_by=prefecture_user, today=Q2_OPEN)
    # Once forwarded, only the office may send it back: the prefecture's return starts from
    # "submitted" only.
    assert_refused(
        "illegal_transition",
        lambda: return_area_report(
            report=report, reason="second thoughts", returned_by=prefecture_user, today=Q2_OPEN
        ),
        *TRACKED,
    )


def test_a_returned_report_can_be_corrected_after_the_lock(
    world: World, pilot_area_user: User, office_user: User, prefecture_user: User
) -> None:
    report = submit_area_report(
        report=_filled(world, pilot_area_user), submitted_by=pilot_area_user, today=Q2_OPEN
    )
    review_area_report(report=report, reviewed_by=prefecture_user, today=Q2_OPEN)
    return_area_report(report=report, reason="check", returned_by=office_user, today=D(2024, 8, 20))
    save_area_report(
        report=report,
        lines=[line(world.grant, 7, 7)],
        saved_by=pilot_area_user,
        today=D(2024, 8, 21),
    )
    report = submit_area_report(report=report, submitted_by=pilot_area_user, today=D(2024, 8, 21))
    assert report.status == "submitted"


def test_the_office_reopens_one_areas_report_after_the_lock(
    world: World, pilot_area_user: User, office_user: User
) -> None:
    report = world.area_report(world.q2)
    after_lock = D(2024, 8, 15)
    assert_refused(
        "reason_required",
        lambda: reopen_area_report(
            report=report,
            reason="",
            until=D(2024, 8, 31),
            reopened_by=office_user,
            today=after_lock,
        ),
        *TRACKED,
    )
    with pytest.raises(NotAllowed):
        reopen_area_report(
            report=report,
            reason="late",
            until=D(2024, 8, 31),
            reopened_by=pilot_area_user,
            today=after_lock,
        )
    reopen_area_report(
        report=report,
        reason="Flooding closed the office",
        until=D(2024, 8, 31),
        reopened_by=office_user,
        today=after_lock,
    )
    save_area_report(
        report=report, lines=[line(world.grant)], saved_by=pilot_area_user, today=after_lock
    )
    report = submit_area_report(report=report, submitted_by=pilot_area_user, today=after_lock)
    assert (report.status, report.first_submitted_on, report.reopened_until) == (
        "submitted",
        after_lock,
        None,
    )
    # The other area's report stays locked.
    other = world.area_report(world.q2, world.other_zone)
    assert_refused(
        "locked",
        lambda: submit_area_report(report=other, submitted_by=SYSTEM, today=after_lock),
        *TRACKED,
    )


def test_record_usage_starts_an_unexpected_report_for_the_area(
    world: World, pilot_area_user: User
) -> None:
    q2 = world.area_report(world.q2)
    q2.delete()
    report = record_usage(
        cycle=world.q2,
        zone=world.zone,
        lines=[line(world.grant)],
        recorded_by=pilot_area_user,
        today=Q2_OPEN,
    )
    assert (report.zone, report.lines.count()) == (world.zone, 1)
