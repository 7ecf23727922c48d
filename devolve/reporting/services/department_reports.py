"""A granting department's report: the help it gave the pilot areas and the progress of its
support matters. The department fills in and submits; the office accepts or returns it."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, is_system
from devolve.core.concurrency import ensure_unchanged
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.events import record_event
from devolve.core.history import save_all_validated, save_validated
from devolve.reporting import rules, selectors
from devolve.reporting.models import (
    DEPARTMENT_REPORT_LIFECYCLE,
    EDITABLE_STATUSES,
    DepartmentReport,
    ReportStatus,
    SupportProgress,
)
from devolve.reporting.permissions import can_fill_department_report
from devolve.reporting.services.approval import record_step, required_reason, status_label
from devolve.reporting.services.reminders import clear_notices_of, unread_notices_of


@dataclass(frozen=True)
class DepartmentFigures:
    guidance_sessions: int
    system_accounts_handed_over: int
    seals_handed_over: int
    staff_trained: int
    inspections_done: int
    narrative: str = ""


@dataclass(frozen=True)
class SupportProgressInput:
    entry_id: int
    progress_percent: int
    status: str
    milestone: str = ""
    narrative: str = ""


def _lock(report: DepartmentReport, *, with_notices: bool = False) -> DepartmentReport:
    """The report, locked, with its cycle and department. ``with_notices``: also whether
    reminders about it wait unread (``has_unread_notices``), so that a submission clears them
    only when there are."""
    reports = DepartmentReport.objects.select_for_update(of=("self",)).select_related(
        "cycle", "department"
    )
    if with_notices:
        reports = reports.annotate(has_unread_notices=Exists(unread_notices_of(report)))
    return reports.get(pk=report.pk)


def _check_can_edit(report: DepartmentReport, today: datetime.date) -> None:
    if report.status not in EDITABLE_STATUSES:
        raise DomainError(
            "locked",
            _("This report is “%(status)s”; its figures can no longer be changed.")
            % {"status": status_label(report.status)},
        )
    cycle = report.cycle
    if report.status == ReportStatus.RETURNED.value:
        return
    if not rules.is_open_for_entry(
        today=today, opens_on=cycle.opens_on, locks_on=cycle.locks_on, reopened_until=None
    ):
        raise DomainError(
            "locked" if today > cycle.locks_on else "not_open",
            _("Entry for %(cycle)s is open from %(opens)s to %(locks)s.")
            % {"cycle": cycle.label, "opens": cycle.opens_on, "locks": cycle.locks_on},
        )


def _check_figures(figures: DepartmentFigures) -> None:
    for field in (
        "guidance_sessions",
        "system_accounts_handed_over",
        "seals_handed_over",
        "staff_trained",
        "inspections_done",
    ):
        if getattr(figures, field) < 0:
            raise DomainError("negative_count", _("Counts cannot be negative."), field=field)


@transaction.atomic
def save_department_report(
    *,
    report: DepartmentReport,
    figures: DepartmentFigures,
    progress: Sequence[SupportProgressInput],
    saved_by: User | SystemActor,
    today: datetime.date | None = None,
    expected_version: str | None = None,
) -> DepartmentReport:
    """Enter the department's figures and its support matters' progress while it may edit.
    ``expected_version``: see ``devolve.core.concurrency``."""
    today = today or timezone.localdate()
    report = _lock(report)
    if not is_system(saved_by) and not can_fill_department_report(saved_by, report):
        raise NotAllowed(_("Only the department fills in its own report."))
    ensure_unchanged(report, expected_version=expected_version)
    _check_can_edit(report, today)
    _check_figures(figures)
    # Their ids are all the check and the rows need, and whether the report has each one's
    # progress already (so that a first entry reads no progress rows).
    entries = dict(
        selectors.support_entries_of(department=report.department, cycle=report.cycle)
        .select_related(None)
        .annotate(
            has_progress=Exists(
                SupportProgress.objects.filter(report_id=report.pk, entry_id=OuterRef("pk"))
            )
        )
        .values_list("pk", "has_progress")
    )
    statuses = set(SupportProgress.Status.values)
    for item in progress:
        if item.entry_id not in entries:
            raise DomainError(
                "not_your_grant",
                _("Entry %(entry)s is not a support matter your department is responsible for.")
                % {"entry": item.entry_id},
                field="progress",
            )
        if not 0 <= item.progress_percent <= 100:
            raise DomainError(
                "invalid_percent", _("Progress is a percentage from 0 to 100."), field="progress"
            )
        if item.status not in statuses:
            raise DomainError("invalid", _("Unknown progress status."), field="progress")
    for field, value in vars(figures).items():
        setattr(report, field, value)
    save_validated(report, actor=saved_by, reason=system_text("reporting.figures_entered"))
    # Unordered: the rows' ordering joins the report's cycle, department and entries. Read only
    # when one of the entries has its progress (a correction): none has at first entry.
    existing = (
        {item.entry_id: item for item in report.support_progress.order_by()}
        if any(entries[item.entry_id] for item in progress)
        else {}
    )
    rows = []
    for item in progress:
        row = existing.get(item.entry_id) or SupportProgress(report=report, entry_id=item.entry_id)
        row.progress_percent = item.progress_percent
        row.status = item.status
        row.milestone = item.milestone
        row.narrative = item.narrative
        row.is_illustrative = report.is_illustrative
        rows.append(row)
    save_all_validated(rows, actor=saved_by, reason=system_text("reporting.progress_entered"))
    record_event(
        actor=saved_by,
        action="reporting.department_report.saved",
        target=report,
        details={"support_matters": len(progress)},
    )
    return report


@transaction.atomic
def submit_department_report(
    *,
    report: DepartmentReport,
    submitted_by: User | SystemActor,
    today: datetime.date | None = None,
) -> DepartmentReport:
    today = today or timezone.localdate()
    report = _lock(report, with_notices=True)
    if not is_system(submitted_by) and not can_fill_department_report(submitted_by, report):
        raise NotAllowed(_("Only the department submits its own report."))
    _check_can_edit(report, today)
    # One query, which loads only the entries without progress (none, as a rule).
    missing = list(
        selectors.support_entries_of(department=report.department, cycle=report.cycle).exclude(
            pk__in=report.support_progress.values("entry_id")
        )
    )
    if missing:
        raise DomainError(
            "missing_lines",
            _("Report the progress of every support matter; missing: %(matters)s.")
            % {"matters": "、".join(str(entry.matter) for entry in missing)},
        )
    DEPARTMENT_REPORT_LIFECYCLE.apply(report, "submit", submitted_by)
    report.first_submitted_on = report.first_submitted_on or today
    report.submitted_on = today
    record_step(report, action="submitted", actor=submitted_by, on=today)
    if report.has_unread_notices:  # type: ignore[attr-defined]
        clear_notices_of(report)
    return report


@transaction.atomic
def accept_department_report(
    *, report: DepartmentReport, accepted_by: User | SystemActor, today: datetime.date | None = None
) -> DepartmentReport:
    today = today or timezone.localdate()
    report = _lock(report)
    if not is_system(accepted_by) and not is_office(accepted_by):
        raise NotAllowed(_("Only the reform office accepts reports."))
    DEPARTMENT_REPORT_LIFECYCLE.apply(report, "accept", accepted_by)
    report.accepted_on = today
    record_step(report, action="accepted", actor=accepted_by, on=today)
    return report


@transaction.atomic
def return_department_report(
    *,
    report: DepartmentReport,
    reason: str,
    returned_by: User | SystemActor,
    today: datetime.date | None = None,
) -> DepartmentReport:
    today = today or timezone.localdate()
    reason = required_reason(reason)
    report = _lock(report)
    if not is_system(returned_by) and not is_office(returned_by):
        raise NotAllowed(_("Only the reform office returns a department's report."))
    DEPARTMENT_REPORT_LIFECYCLE.apply(report, "return", returned_by)
    report.return_reason = reason
    record_step(report, action="returned", actor=returned_by, on=today, reason=reason)
    return report
