"""Performance admin: read-only, and only for the office, evaluators and auditors (unpublished
scores are not for every staff member). Every change is a service with its checks and audit
event (staff pages, API, the demo seed)."""

from django.contrib import admin

from devolve.accounts.admin import ProgrammeAdmin, every_record
from devolve.performance.models import (
    Appeal,
    IndicatorGroup,
    IndicatorItem,
    ManualInput,
    PerformanceAssessment,
    Scheme,
    Score,
    ScoreItem,
)


class PerformanceAdmin(ProgrammeAdmin):
    readers = "performance.read_all"
    scope = every_record


@admin.register(Scheme)
class SchemeAdmin(PerformanceAdmin):
    list_display = ["code", "version", "name_zh", "subject_type", "status", "is_illustrative"]
    list_filter = ["status", "subject_type"]


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(PerformanceAdmin):
    list_display = ["scheme", "sequence", "name_zh", "weight"]


@admin.register(IndicatorItem)
class IndicatorItemAdmin(PerformanceAdmin):
    list_display = ["code", "group", "kind", "weight", "measure", "rule", "when_no_data"]
    list_select_related = ["group", "group__scheme"]


@admin.register(PerformanceAssessment)
class PerformanceAssessmentAdmin(PerformanceAdmin):
    list_display = ["year", "scheme", "status", "appeal_opens_on", "appeal_closes_on"]


@admin.register(ManualInput)
class ManualInputAdmin(PerformanceAdmin):
    list_display = ["assessment", "item", "subject_key", "value"]


@admin.register(Score)
class ScoreAdmin(PerformanceAdmin):
    list_display = ["assessment", "subject_key", "total", "tier", "rank", "revision"]
    list_filter = ["assessment", "tier"]


@admin.register(ScoreItem)
class ScoreItemAdmin(PerformanceAdmin):
    list_display = ["score", "item", "input_value", "source", "outcome", "points"]
    list_select_related = ["score", "score__assessment", "item"]


@admin.register(Appeal)
class AppealAdmin(PerformanceAdmin):
    list_display = ["score", "item", "status", "filed_on", "decided_on"]
