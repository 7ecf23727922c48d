"""Indicators admin: read-only. Figures change through imports (dry run, then apply) and runs
through the run service, both of which validate and record who acted."""

from django.contrib import admin

from devolve.accounts.admin import ProgrammeAdmin, every_record
from devolve.indicators.models import EvaluationRun, Indicator, Observation, ObservationImport


@admin.register(Indicator)
class IndicatorAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["code", "name_zh", "name_en", "kind", "frequency", "price_basis"]
    list_filter = ["kind", "frequency", "price_basis"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(Observation)
class ObservationAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["indicator", "subject_kind", "zone", "division", "year", "quarter", "value",
                    "vintage", "is_simulated"]  # fmt: skip
    list_filter = ["indicator", "subject_kind", "year", "is_simulated"]
    list_select_related = ["indicator", "zone", "division"]


@admin.register(ObservationImport)
class ObservationImportAdmin(ProgrammeAdmin):
    readers = "indicators.import_statistics"
    scope = every_record
    list_display = ["file_name", "vintage", "status", "uploaded_by", "uploaded_at"]
    list_filter = ["status"]


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["indicator", "batch", "method", "control", "as_of", "headline_allowed",
                    "is_simulated", "created_at"]  # fmt: skip
    list_filter = ["indicator", "method", "headline_allowed", "is_simulated"]
