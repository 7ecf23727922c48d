"""A pilot area's usage report: filled in and submitted by the area, reviewed by its prefecture,
accepted by the office; any level above the area returns it with a reason.

Every service locks the report, checks the actor and the step, validates everything before it
writes anything, and records the step (approval step, history row, audit event).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

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
from devolve.grants.models import Grant
from devolve.regions.models import Zone
from devolve.reporting import rules, selectors
from devolve.reporting.findings import finding_message
from devolve.reporting.models import (
    AREA_REPORT_LIFECYCLE,
    EDITABLE_STATUSES,
    AreaReport,
    ReportingCycle,
    ReportStatus,
    UsageLine,
)
from devolve.reporting.permissions import can_fill_area_report, can_review_area_report
from devolve.reporting.services.approval import record_step, required_reason, status_label
from devolve.reporting.services.reminders import (
    clear_notices_of,
    notify_reopened,
    unread_notices_of,
)
from devolve.reporting.services.zero_runs import write_zero_runs_of_report


@dataclass(frozen=True)
class UsageLineInput:
    grant_id: int
    cases_received: int
    cases_completed: int
    average_handling_days: Decimal | None = None
    promised_limit_days: int | None = None
    problems: str = ""
    help_needed: str = ""


def _lock(report: AreaReport, *, with_notices: bool = False) -> AreaReport:
    """The report, locked, with its cycle and area: their dates and names are what the
    services read (the checks; the step's event names the report by both), the edition and
    the prefecture only by their ids. ``with_notices``: also whether reminders about it wait
    unread (``has_unread_notices``), so that a submission clears them only when there are."""
    reports = AreaReport.objects.select_for_update(of=("self",)).select_related("cycle", "zone")
    if with_notices:
        reports = reports.annotate(has_unread_notices=Exists(unread_notices_of(report)))
    return reports.get(pk=report.pk)


def _check_open_for_entry(report: AreaReport, today: datetime.date) -> None:
    cycle = report.cycle
    if report.status == ReportStatus.RETURNED.value:
        return  # a report sent back is open for its correction, lock or not
    if rules.is_open_for_entry(
        today=today,
        opens_on=cycle.opens_on,
        locks_on=cycle.locks_on,
        reopened_until=report.reopened_until,
    ):
        return
    values = {"cycle": cycle.label, "opens": cycle.opens_on, "locks": cycle.locks_on}
    if today < cycle.opens_on:
        raise DomainError("not_open", _("Entry for %(cycle)s opens on %(opens)s.") % values)
    raise DomainError(
        "locked",
        _("Entry for %(cycle)s locked on %(locks)s. Ask the reform office to reopen your report.")
        % values,
    )


def _check_editable(report: AreaReport) -> None:
    if report.status not in EDITABLE_STATUSES:
        raise DomainError(
            "locked",
            _("This report is “%(status)s”; its figures can no longer be changed.")
            % {"status": status_label(report.status)},
        )


def _checked_lines(
    report: AreaReport, lines: Sequence[UsageLineInput]
) -> list[tuple[Grant, UsageLineInput, list[str]]]:
    """Each line with its grant and flag codes; refuses the whole report at the first line
    that names a grant the area may not report on, or that a blocking rule stops. Each grant
    says whether the report has its line already (``has_line``), so that a first entry of the
    figures reads no lines."""
    grant_ids = [line.grant_id for line in lines]
    if len(set(grant_ids)) != len(grant_ids):
        raise DomainError("duplicate", _("A grant appears twice in the report."), field="lines")
    # Unordered: a dict by id needs no sort, and the grants' ordering joins four tables.
    grants = (
        Grant.objects.select_related("entry", "entry__matter", "entry__mode")
        .annotate(
            has_line=Exists(UsageLine.objects.filter(report_id=report.pk, grant_id=OuterRef("pk")))
        )
        .order_by()
        .in_bulk(grant_ids)
    )
    checked = []
    for line in lines:
        grant = grants.get(line.grant_id)
        if grant is None or grant.zone_id != report.zone_id:
            raise DomainError(
                "not_your_grant",
                _("Grant %(grant)s is not held by %(area)s; report only your own grants.")
                % {"grant": line.grant_id, "area": report.zone},
                field="lines",
            )
        if grant.entry.annual_list_id != report.cycle.annual_list_id:
            raise DomainError(
                "not_your_grant",
                _("Grant %(grant)s belongs to another edition than this cycle's.")
                % {"grant": line.grant_id},
                field="lines",
            )
        if grant.entry.mode.code == "support":
            raise DomainError(
                "not_your_grant",
                _("A support matter is reported by its responsible department."),
                field="lines",
            )
        figures = rules.UsageFigures(
            cases_received=line.cases_received,
            cases_completed=line.cases_completed,
            average_handling_days=line.average_handling_days,
            promised_limit_days=line.promised_limit_days,
        )
        findings = rules.check_usage(
            figures, period_end=report.cycle.period_end, effective_on=grant.effective_on
        )
        blocking = [finding for finding in findings if finding.blocks]
        if blocking:
            raise DomainError(
                blocking[0].code,
                _("%(matter)s: %(problem)s")
                % {"matter": grant.entry.matter, "problem": finding_message(blocking[0])},
                field="lines",
            )
        checked.append((grant, line, [finding.code for finding in findings]))
    return checked


def _write_lines(
    report: AreaReport,
    checked: list[tuple[Grant, UsageLineInput, list[str]]],
    *,
    actor: User | SystemActor,
) -> None:
    # Unordered: the lines' ordering joins the report's cycle, area and grants for nothing.
    # Read only when one of the grants has its line (a correction): none has at first entry.
    existing = (
        {line.grant_id: line for line in report.lines.order_by()}
        if any(grant.has_line for grant, _values, _flags in checked)  # type: ignore[attr-defined]
        else {}
    )
    lines = []
    for grant, values, flags in checked:
        line = existing.get(grant.pk) or UsageLine(report=report, grant=grant)
        line.cases_received = values.cases_received
        line.cases_completed = values.cases_completed
        line.average_handling_days = values.average_handling_days
        line.promised_limit_days = values.promised_limit_days
        line.problems = values.problems
        line.help_needed = values.help_needed
        line.flags = flags
        line.is_illustrative = report.is_illustrative
        lines.append(line)
    save_all_validated(lines, actor=actor, reason=system_text("reporting.figures_entered"))


@transaction.atomic
def save_area_report(
    *,
    report: AreaReport,
    lines: Sequence[UsageLineInput],
    saved_by: User | SystemActor,
    today: datetime.date | None = None,
    expected_version: str | None = None,
) -> AreaReport:
    """Enter or correct the figures of the area's own report while entry is open. Lines for
    grants not named are left as they are. ``expected_version``: see ``devolve.core.concurrency``.
    """
    today = today or timezone.localdate()
    report = _lock(report)
    if not is_system(saved_by) and not can_fill_area_report(saved_by, report):
        raise NotAllowed(_("Only the pilot area fills in its own report."))
    ensure_unchanged(report, expected_version=expected_version)
    _check_editable(report)
    _check_open_for_entry(report, today)
    checked = _checked_lines(report, lines)
    _write_lines(report, checked, actor=saved_by)
    record_event(
        actor=saved_by,
        action="reporting.area_report.saved",
        target=report,
        details={"lines": len(checked)},
    )
    return report


@transaction.atomic
def record_usage(
    *,
    cycle: ReportingCycle | None,
    zone: Zone,
    lines: Sequence[UsageLineInput],
    recorded_by: User | SystemActor,
    today: datetime.date | None = None,
) -> AreaReport:
    """The area's report for ``cycle`` with these figures: the expected report, or a new one
    when the area holds a grant the cycle did not expect. Refused for a period with no cycle."""
    if cycle is None:
        raise DomainError(
            "no_such_period", _("There is no reporting cycle for that period."), field="cycle"
        )
    report = cycle.area_reports.filter(zone=zone).first()
    if report is None:
        if not is_system(recorded_by) and recorded_by.zone_id != zone.pk:
            raise NotAllowed(_("Only the pilot area fills in its own report."))
        report = AreaReport(cycle=cycle, zone=zone, is_illustrative=cycle.is_illustrative)
        save_validated(report, actor=recorded_by, reason=system_text("reporting.report_started"))
    return save_area_report(report=report, lines=lines, saved_by=recorded_by, today=today)


@transaction.atomic
def submit_area_report(
    *, report: AreaReport, submitted_by: User | SystemActor, today: datetime.date | None = None
) -> AreaReport:
    """Send the report to the prefecture. Every grant the area held in the period needs its line
    (zero cases is a figure too)."""
    today = today or timezone.localdate()
    report = _lock(report, with_notices=True)
    if not is_system(submitted_by) and not can_fill_area_report(submitted_by, report):
        raise NotAllowed(_("Only the pilot area submits its own report."))
    _check_editable(report)
    _check_open_for_entry(report, today)
    # One query, which loads only the grants without a line (none, as a rule).
    missing = list(
        selectors.reportable_grants(zone=report.zone, cycle=report.cycle).exclude(
            pk__in=report.lines.values("grant_id")
        )
    )
    if missing:
        raise DomainError(
            "missing_lines",
            _("Enter figures for every grant of the period (zero if none); missing: %(matters)s.")
            % {"matters": "、".join(str(grant.entry.matter) for grant in missing)},
        )
    AREA_REPORT_LIFECYCLE.apply(report, "submit", submitted_by)
    report.first_submitted_on = report.first_submitted_on or today
    report.submitted_on = today
    report.reopened_until = None
    record_step(report, action="submitted", actor=submitted_by, on=today)
    if report.has_unread_notices:  # type: ignore[attr-defined]
        clear_notices_of(report)
    return report


@transaction.atomic
def review_area_report(
    *, report: AreaReport, reviewed_by: User | SystemActor, today: datetime.date | None = None
) -> AreaReport:
    """The prefecture has checked the report and forwards it to the office."""
    today = today or timezone.localdate()
    report = _lock(report)
    if not is_system(reviewed_by) and not can_review_area_report(reviewed_by, report):
        raise NotAllowed(_("Only the area's prefecture reviews its report."))
    AREA_REPORT_LIFECYCLE.apply(report, "review", reviewed_by)
    report.reviewed_on = today
    record_step(report, action="reviewed", actor=reviewed_by, on=today)
    return report


@transaction.atomic
def accept_area_report(
    *, report: AreaReport, accepted_by: User | SystemActor, today: datetime.date | None = None
) -> AreaReport:
    """The office accepts the reviewed report: its figures are locked and now count."""
    today = today or timezone.localdate()
    report = _lock(report)
    if not is_system(accepted_by) and not is_office(accepted_by):
        raise NotAllowed(_("Only the reform office accepts reports."))
    AREA_REPORT_LIFECYCLE.apply(report, "accept", accepted_by)
    report.accepted_on = today
    record_step(report, action="accepted", actor=accepted_by, on=today)
    write_zero_runs_of_report(report)  # its lines now count
    return report


@transaction.atomic
def return_area_report(
    *,
    report: AreaReport,
    reason: str,
    returned_by: User | SystemActor,
    today: datetime.date | None = None,
) -> AreaReport:
    """Send the report back to the area with the reason it must fix: the prefecture a submitted
    report, the office a submitted or reviewed one."""
    today = today or timezone.localdate()
    reason = required_reason(reason)
    report = _lock(report)
    # Which of them may return it from which status is the lifecycle's to say.
    if not is_system(returned_by) and not (
        is_office(returned_by) or can_review_area_report(returned_by, report)
    ):
        raise NotAllowed(_("Only the area's prefecture or the office returns its report."))
    AREA_REPORT_LIFECYCLE.apply(report, "return", returned_by)
    report.return_reason = reason
    report.reviewed_on = None
    record_step(report, action="returned", actor=returned_by, on=today, reason=reason)
    write_zero_runs_of_report(report)  # nothing accepted is returned today; kept exact if it is
    return report


@transaction.atomic
def reopen_area_report(
    *,
    report: AreaReport,
    reason: str,
    until: datetime.date,
    reopened_by: User | SystemActor,
    today: datetime.date | None = None,
) -> AreaReport:
    """After the lock, the office reopens one area's unaccepted report until ``until``."""
    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required", _("Say why the report is reopened."), field="reason")
    report = _lock(report)
    if not is_system(reopened_by) and not is_office(reopened_by):
        raise NotAllowed(_("Only the reform office reopens a report after the lock."))
    _check_editable(report)
    if until < today:
        raise DomainError(
            "dates_out_of_order", _("Reopen until today or a later day."), field="until"
        )
    report.reopened_until = until
    report.reopen_reason = reason
    record_step(report, action="reopened", actor=reopened_by, on=today, reason=reason)
    write_zero_runs_of_report(report)  # as for a return
    notify_reopened(report)
    return report
