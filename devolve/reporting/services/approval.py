"""The approval mechanics both kinds of report share (the steps themselves are the models'
lifecycles): recording a step (approval step, row history, audit event)."""

import datetime

from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, person
from devolve.core.errors import DomainError
from devolve.core.events import record_event
from devolve.core.history import save_validated
from devolve.reporting.models import ApprovalStep, AreaReport, DepartmentReport, ReportStatus


def status_label(status: str) -> str:
    return str(ReportStatus(status).label)


def record_step(
    report: AreaReport | DepartmentReport,
    *,
    action: str,
    actor: User | SystemActor,
    on: datetime.date,
    reason: str = "",
) -> None:
    """Save the report and record the step three ways: its approval step, its history row and an
    audit event ``reporting.<kind>_report.<action>``."""
    kind = "area" if isinstance(report, AreaReport) else "department"
    save_validated(
        report, actor=actor, reason=reason or system_text(f"reporting.{kind}_report.{action}")
    )
    ApprovalStep.objects.create(
        area_report=report if isinstance(report, AreaReport) else None,
        department_report=report if isinstance(report, DepartmentReport) else None,
        action=action,
        actor=person(actor),
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
