"""Assessments admin: read-only. Every change is a service with its audit event (staff pages,
API, the demo seed)."""

from django.contrib import admin

from devolve.accounts.admin import ProgrammeAdmin
from devolve.assessments.models import AssessmentRound, EntryDecision, GrantAssessment


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ProgrammeAdmin):
    list_display = ["title_zh", "annual_list", "status", "period_starts_on", "period_ends_on"]
    list_filter = ["status"]


@admin.register(GrantAssessment)
class GrantAssessmentAdmin(ProgrammeAdmin):
    list_display = ["grant", "round", "cases_received", "is_flagged_zero_use", "score_total"]
    list_filter = ["round", "is_flagged_zero_use", "recommendation"]
    list_select_related = ["grant__entry__matter", "grant__zone", "round"]


@admin.register(EntryDecision)
class EntryDecisionAdmin(ProgrammeAdmin):
    list_display = ["entry", "round", "recommended", "decision", "next_entry"]
    list_filter = ["round", "decision"]
    list_select_related = ["entry__matter", "round", "next_entry"]
