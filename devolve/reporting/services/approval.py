"""The approval mechanics both kinds of report share: checking a step against its table,
recording it (approval step, row history, audit event)."""

import datetime

from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.errors import DomainError
from devolve.core.events import record_event
from devolve.core.history import save_validated
from devolve.reporting.models import STATUS_CHOICES, ApprovalStep, AreaReport, DepartmentReport
from devolve.reporting.rules import ReportStatus, can_transition

_LABELS = dict(STATUS_CHOICES)


def status_label(status: str) -> str:
    return str(_LABELS[status])


def move(
    report: AreaReport | DepartmentReport,
    table: dict[ReportStatus, frozenset[ReportStatus]],
    target: ReportStatus,
) -> None:
    if not can_transition(table, report.status, target):
        raise DomainError(
            "illegal_transition",
            _("A report that is “%(current)s” cannot become “%(target)s”.")
            % {"current": status_label(report.status), "target": status_label(target)},
        )
    report.status = target.value


def record_step(
    report: AreaReport | DepartmentReport,
    *,
    action: str,
    actor: User | None,
    on: datetime.date,
    reason: str = "",
) -> None:
    """Save the report and record the step three ways: its approval step, its history row and an
    audit event ``reporting.<kind>_report.<action>``."""
    save_validated(report, actor=actor, reason=reason or action)
    kind = "area" if isinstance(report, AreaReport) else "department"
    ApprovalStep.objects.create(
        area_report=report if isinstance(report, AreaReport) else None,
        department_report=report if isinstance(report, DepartmentReport) else None,
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        taken_on=on,
        reason=reason,
    )
    record_event(
        actor=actor,
        action=f"reporting.{kind}_report.{action}",
        target=report,
        reason=reason,
        details={"status": report.status, "on": on.isoformat()},
    )


def required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required", _("Say why the report goes back."), field="reason")
    return reason
