"""Assessments admin: read-only. Every change is a service with its audit event (staff pages,
API, the demo seed)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from devolve.accounts.admin import ProgrammeAdmin, within
from devolve.accounts.models import User
from devolve.assessments import selectors
from devolve.assessments.models import AssessmentRound, EntryDecision, GrantAssessment


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ProgrammeAdmin):
    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return within(records, selectors.list_rounds_visible_to(user=user))

    list_display = ["title_zh", "annual_list", "status", "period_starts_on", "period_ends_on"]
    list_filter = ["status"]


@admin.register(GrantAssessment)
class GrantAssessmentAdmin(ProgrammeAdmin):
    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return selectors.scope_grant_assessments(records, user=user)

    list_display = ["grant", "round", "cases_received", "is_flagged_zero_use", "score_total"]
    list_filter = ["round", "is_flagged_zero_use", "recommendation"]
    list_select_related = ["grant__entry__matter", "grant__zone", "round"]


@admin.register(EntryDecision)
class EntryDecisionAdmin(ProgrammeAdmin):
    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return records.filter(round__in=selectors.list_rounds_visible_to(user=user))

    list_display = ["entry", "round", "recommended", "decision", "next_entry"]
    list_filter = ["round", "decision"]
    list_select_related = ["entry__matter", "round", "next_entry"]
