"""Every change in reporting, one service per business verb: cycles, area reports (one at a time
or in bulk), department reports and reminders. Errors (``DomainError.code``): ``not_allowed``,
``illegal_transition``, ``no_such_period``, ``locked``, ``not_open``, ``not_your_grant``,
``reason_required``, ``missing_lines``, ``invalid``, ``duplicate``, ``bulk_refused`` (with each
report's refusal: ``not_found`` and the codes above), ``nothing_chosen`` and the codes of
``reporting.rules`` checks (``negative_count``, ``negative_days``, ``cases_before_effect``)."""

from devolve.reporting.services.area_reports import (
    UsageLineInput,
    accept_area_report,
    record_usage,
    reopen_area_report,
    return_area_report,
    review_area_report,
    save_area_report,
    submit_area_report,
)
from devolve.reporting.services.bulk import BulkReportAction, act_on_area_reports
from devolve.reporting.services.cycles import ensure_expected_reports, generate_cycles
from devolve.reporting.services.department_reports import (
    DepartmentFigures,
    SupportProgressInput,
    accept_department_report,
    return_department_report,
    save_department_report,
    submit_department_report,
)
from devolve.reporting.services.reminders import (
    ReminderSummary,
    mark_notices_read,
    send_reporting_reminders,
)

__all__ = [
    "BulkReportAction",
    "DepartmentFigures",
    "ReminderSummary",
    "SupportProgressInput",
    "UsageLineInput",
    "accept_area_report",
    "accept_department_report",
    "act_on_area_reports",
    "ensure_expected_reports",
    "generate_cycles",
    "mark_notices_read",
    "record_usage",
    "reopen_area_report",
    "return_area_report",
    "return_department_report",
    "review_area_report",
    "save_area_report",
    "save_department_report",
    "send_reporting_reminders",
    "submit_area_report",
    "submit_department_report",
]
