"""Admin for support staff only: read the reports; every change goes through the services."""

from django.contrib import admin

from devolve.accounts.admin import ProgrammeAdmin
from devolve.reporting.models import (
    ApprovalStep,
    AreaReport,
    DepartmentReport,
    ReportingCycle,
    ReportingNotice,
)


@admin.register(ReportingCycle)
class ReportingCycleAdmin(ProgrammeAdmin):
    list_display = ["annual_list", "sequence", "period_start", "due_on", "locks_on"]
    list_filter = ["frequency"]


@admin.register(AreaReport)
class AreaReportAdmin(ProgrammeAdmin):
    list_display = ["zone", "cycle", "status", "first_submitted_on", "accepted_on"]
    list_filter = ["status"]


@admin.register(DepartmentReport)
class DepartmentReportAdmin(ProgrammeAdmin):
    list_display = ["department", "cycle", "status", "first_submitted_on", "accepted_on"]
    list_filter = ["status"]


@admin.register(ApprovalStep)
class ApprovalStepAdmin(ProgrammeAdmin):
    list_display = ["action", "area_report", "department_report", "actor", "taken_on"]


@admin.register(ReportingNotice)
class ReportingNoticeAdmin(ProgrammeAdmin):
    list_display = ["recipient", "kind", "key", "created_at", "emailed"]
