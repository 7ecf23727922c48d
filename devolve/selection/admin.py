"""Selection admin: read-only, and only for those who may see selection rounds (the office,
evaluators, auditors). Rounds change through the staff pages, the API and ``devolve select``."""

from django.contrib import admin

from devolve.accounts.admin import ProgrammeAdmin, every_record
from devolve.selection.models import (
    CandidateValue,
    Criterion,
    Decision,
    RoundResult,
    SelectionRound,
    SubIndicator,
)


class SelectionAdmin(ProgrammeAdmin):
    readers = "selection.view_selection"
    scope = every_record


@admin.register(SelectionRound)
class SelectionRoundAdmin(SelectionAdmin):
    list_display = ["slug", "year", "batch_number", "status", "method", "is_illustrative"]
    list_filter = ["status", "is_illustrative"]


@admin.register(Criterion)
class CriterionAdmin(SelectionAdmin):
    list_display = ["round", "position", "code", "name_zh", "name_en"]


@admin.register(SubIndicator)
class SubIndicatorAdmin(SelectionAdmin):
    list_display = ["round", "criterion", "code", "name_zh", "unit", "direction"]


@admin.register(CandidateValue)
class CandidateValueAdmin(SelectionAdmin):
    list_display = ["sub_indicator", "zone", "value", "is_missing", "is_illustrative"]
    list_filter = ["is_missing", "is_illustrative"]


@admin.register(RoundResult)
class RoundResultAdmin(SelectionAdmin):
    list_display = ["round", "computed_at", "solver_status", "objective", "input_fingerprint"]


@admin.register(Decision)
class DecisionAdmin(SelectionAdmin):
    list_display = ["round", "decided_on", "status", "batch", "is_recorded_after_the_fact"]
