"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "reporting.cycles_generated": _("Reporting cycles set up"),
    "reporting.area_report.saved": _("Area report saved"),
    "reporting.area_report.submitted": _("Area report submitted"),
    "reporting.area_report.reviewed": _("Area report reviewed and forwarded"),
    "reporting.area_report.accepted": _("Area report accepted"),
    "reporting.area_report.returned": _("Area report returned"),
    "reporting.area_report.reopened": _("Area report reopened after the lock"),
    "reporting.department_report.saved": _("Department report saved"),
    "reporting.department_report.submitted": _("Department report submitted"),
    "reporting.department_report.reviewed": _("Department report reviewed and forwarded"),
    "reporting.department_report.accepted": _("Department report accepted"),
    "reporting.department_report.returned": _("Department report returned"),
    "reporting.department_report.reopened": _("Department report reopened after the lock"),
    "reporting.reminders_sent.due_soon": _("Reminders sent: report due soon"),
    "reporting.reminders_sent.overdue": _("Reminders sent: report overdue"),
    # Reasons the services store (devolve.core.actions.system_text).
    "reporting.report_started": _("Report started"),
    "reporting.figures_entered": _("Figures entered"),
    "reporting.progress_entered": _("Progress entered"),
}
