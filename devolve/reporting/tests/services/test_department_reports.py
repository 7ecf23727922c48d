import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devolve.accounts.models import User
from devolve.core.errors import NotAllowed
from devolve.core.testing.database import assert_refused
from devolve.matters.models import Department
from devolve.reporting.models import (
    ApprovalStep,
    DepartmentReport,
    ReportingNotice,
    SupportProgress,
)
from devolve.reporting.services import (
    DepartmentFigures,
    SupportProgressInput,
    accept_department_report,
    return_department_report,
    save_department_report,
    send_reporting_reminders,
    submit_department_report,
)
from devolve.reporting.tests.factories import Q2_OPEN, World

D = datetime.date
pytestmark = pytest.mark.django_db
TRACKED = (DepartmentReport, SupportProgress, ApprovalStep)
FIGURES = DepartmentFigures(
    guidance_sessions=2, system_accounts_handed_over=3, seals_handed_over=1, staff_trained=12,
    inspections_done=1,
)  # fmt: skip


def _report(world: World, justice: Department) -> DepartmentReport:
    return world.department_report(world.q2, justice)


def _progress(
    world: World, percent: int = 40, status: str = "on_track"
) -> list[SupportProgressInput]:
    return [
        SupportProgressInput(
            entry_id=world.support.pk,
            progress_percent=percent,
            status=status,
            milestone="policy drafted",
        )
    ]


def test_department_submits_and_the_office_returns_then_accepts(
    world: World, justice: Department, department_user: User, office_user: User
) -> None:
    report = save_department_report(
        report=_report(world, justice),
        figures=FIGURES,
        progress=_progress(world),
        saved_by=department_user,
        today=Q2_OPEN,
    )
    assert (report.staff_trained, SupportProgress.objects.get(report=report).progress_percent) == (
        12,
        40,
    )
    report = submit_department_report(report=report, submitted_by=department_user, today=Q2_OPEN)
    report = return_department_report(
        report=report, reason="progress looks stale", returned_by=office_user, today=Q2_OPEN
    )
    assert report.status == "returned"
    save_department_report(
        report=report,
        figures=FIGURES,
        progress=_progress(world, 55, "at_risk"),
        saved_by=department_user,
        today=D(2024, 8, 2),
    )
    submit_department_report(report=report, submitted_by=department_user, today=D(2024, 8, 2))
    report = accept_department_report(report=report, accepted_by=office_user, today=D(2024, 8, 3))
    assert (report.status, report.first_submitted_on) == ("accepted", Q2_OPEN)
    assert SupportProgress.objects.get(report=report).status == "at_risk"
    steps = ApprovalStep.objects.filter(department_report=report)
    assert list(steps.values_list("action", flat=True)) == [
        "submitted", "returned", "submitted", "accepted"
    ]  # fmt: skip


def test_a_first_entry_reads_no_progress_and_a_correction_updates_it(
    world: World, justice: Department, department_user: User
) -> None:
    report = _report(world, justice)
    captured = []
    for percent in (40, 55):
        with CaptureQueriesContext(connection) as queries:
            save_department_report(
                report=report,
                figures=FIGURES,
                progress=_progress(world, percent),
                saved_by=department_user,
                today=Q2_OPEN,
            )
        captured.append(
            sum(
                query["sql"].startswith('SELECT "reporting_supportprogress"')
                for query in queries.captured_queries
            )
        )
    assert captured == [0, 1]
    saved = SupportProgress.objects.get(report=report)
    assert saved.progress_percent == 55
    assert list(saved.history.order_by("history_id").values_list("history_type", flat=True)) == [
        "+",
        "~",
    ]


def test_a_submission_clears_the_reports_reminders_and_writes_none_when_there_are_none(
    world: World, justice: Department, department_user: User
) -> None:
    reminded, quiet = _report(world, justice), world.department_report(world.q3, justice)
    send_reporting_reminders(on=world.q2.due_on - datetime.timedelta(days=1))
    about = ReportingNotice.objects.filter(key__endswith=f":department:{reminded.pk}")
    writes = []
    for report in (reminded, quiet):
        save_department_report(
            report=report,
            figures=FIGURES,
            progress=_progress(world),
            saved_by=department_user,
            today=report.cycle.opens_on,
        )
        with CaptureQueriesContext(connection) as queries:
            submit_department_report(
                report=report, submitted_by=department_user, today=report.cycle.opens_on
            )
        writes.append(
            sum(
                query["sql"].startswith('UPDATE "reporting_reportingnotice"')
                for query in queries.captured_queries
            )
        )
    assert about.count() >= 1
    assert not about.filter(read_at__isnull=True).exists()
    assert writes == [1, 0]


def test_another_department_may_not_fill_it(
    world: World, justice: Department, other_department_user: User
) -> None:
    with pytest.raises(NotAllowed):
        save_department_report(
            report=_report(world, justice),
            figures=FIGURES,
            progress=[],
            saved_by=other_department_user,
            today=Q2_OPEN,
        )


def test_progress_outside_0_to_100_is_refused(
    world: World, justice: Department, department_user: User
) -> None:
    assert_refused(
        "invalid_percent",
        lambda: save_department_report(
            report=_report(world, justice),
            figures=FIGURES,
            progress=_progress(world, 120),
            saved_by=department_user,
            today=Q2_OPEN,
        ),
        *TRACKED,
    )


def test_negative_department_counts_are_refused(
    world: World, justice: Department, department_user: User
) -> None:
    figures = DepartmentFigures(
        guidance_sessions=-1,
        system_accounts_handed_over=0,
        seals_handed_over=0,
        staff_trained=0,
        inspections_done=0,
    )
    assert_refused(
        "negative_count",
        lambda: save_department_report(
            report=_report(world, justice),
            figures=figures,
            progress=[],
            saved_by=department_user,
            today=Q2_OPEN,
        ),
        *TRACKED,
    )


def test_progress_of_a_matter_the_department_is_not_responsible_for_is_refused(
    world: World, justice: Department, department_user: User
) -> None:
    foreign = [
        SupportProgressInput(entry_id=world.power.pk, progress_percent=10, status="on_track")
    ]
    assert_refused(
        "not_your_grant",
        lambda: save_department_report(
            report=_report(world, justice),
            figures=FIGURES,
            progress=foreign,
            saved_by=department_user,
            today=Q2_OPEN,
        ),
        *TRACKED,
    )


def test_every_support_matter_needs_its_progress(
    world: World, justice: Department, department_user: User
) -> None:
    report = save_department_report(
        report=_report(world, justice),
        figures=FIGURES,
        progress=[],
        saved_by=department_user,
        today=Q2_OPEN,
    )
    assert_refused(
        "missing_lines",
        lambda: submit_department_report(
            report=report, submitted_by=department_user, today=Q2_OPEN
        ),
        *TRACKED,
    )


def test_after_the_lock_a_department_report_is_refused(
    world: World, justice: Department, department_user: User
) -> None:
    assert_refused(
        "locked",
        lambda: save_department_report(
            report=_report(world, justice),
            figures=FIGURES,
            progress=_progress(world),
            saved_by=department_user,
            today=D(2024, 7, 31),
        ),
        *TRACKED,
    )


def test_only_the_office_accepts_or_returns(
    world: World, justice: Department, department_user: User
) -> None:
    report = save_department_report(
        report=_report(world, justice),
        figures=FIGURES,
        progress=_progress(world),
        saved_by=department_user,
        today=Q2_OPEN,
    )
    report = submit_department_report(report=report, submitted_by=department_user, today=Q2_OPEN)
    with pytest.raises(NotAllowed):
        accept_department_report(report=report, accepted_by=department_user, today=Q2_OPEN)
    with pytest.raises(NotAllowed):
        return_department_report(
            report=report, reason="x", returned_by=department_user, today=Q2_OPEN
        )
