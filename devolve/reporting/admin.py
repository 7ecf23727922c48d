"""Admin for support staff only: read the reports; every change goes through the services."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet

from devolve.accounts.admin import ProgrammeAdmin, every_record, within
from devolve.accounts.models import User
from devolve.core.access import allows
from devolve.reporting import selectors
from devolve.reporting.models import (
    ApprovalStep,
    AreaReport,
    DepartmentReport,
    ReportingCycle,
    ReportingNotice,
)


@admin.register(ReportingCycle)
class ReportingCycleAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["annual_list", "sequence", "period_start", "due_on", "locks_on"]
    list_filter = ["frequency"]


@admin.register(AreaReport)
class AreaReportAdmin(ProgrammeAdmin):
    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return within(records, selectors.list_area_reports_visible_to(user=user))

    list_display = ["zone", "cycle", "status", "first_submitted_on", "accepted_on"]
    list_filter = ["status"]


@admin.register(DepartmentReport)
class DepartmentReportAdmin(ProgrammeAdmin):
    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return within(records, selectors.list_department_reports_visible_to(user=user))

    list_display = ["department", "cycle", "status", "first_submitted_on", "accepted_on"]
    list_filter = ["status"]


@admin.register(ApprovalStep)
class ApprovalStepAdmin(ProgrammeAdmin):
    """The steps of the reports the reader may see."""

    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return records.filter(
            Q(area_report__in=selectors.list_area_reports_visible_to(user=user))
            | Q(department_report__in=selectors.list_department_reports_visible_to(user=user))
        )

    list_display = ["action", "area_report", "department_report", "actor", "taken_on"]


@admin.register(ReportingNotice)
class ReportingNoticeAdmin(ProgrammeAdmin):
    """A notice is its recipient's; the office and auditors read them all, as part of the audit
    trail."""

    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        if allows(user, "accounts.view_audit"):
            return records
        return within(records, selectors.list_notices(user=user))

    list_display = ["recipient", "kind", "key", "created_at", "emailed"]
