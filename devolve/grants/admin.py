"""Grants admin: read-only. Every change to a grant is a service with a transition check and an
audit event (staff pages, API, the activate_grants command)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from devolve.accounts.admin import ProgrammeAdmin, every_record, within
from devolve.accounts.models import User
from devolve.grants import selectors
from devolve.grants.models import EntrustmentAgreement, Grant, HolidayNotice


@admin.register(Grant)
class GrantAdmin(ProgrammeAdmin):
    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return within(records, selectors.list_grants_visible_to(user=user))

    list_display = ["entry", "zone", "status", "effective_on", "handover_due_on", "handed_over_on"]
    list_filter = ["status", "entry__annual_list"]
    list_select_related = ["entry", "entry__matter", "zone"]
    search_fields = ["entry__matter__name_zh", "zone__name_zh", "zone__slug"]


@admin.register(EntrustmentAgreement)
class EntrustmentAgreementAdmin(ProgrammeAdmin):
    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return records.filter(grant__in=selectors.list_grants_visible_to(user=user))

    list_display = ["number", "grant", "signed_on", "starts_on", "ends_on"]
    search_fields = ["number"]


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(ProgrammeAdmin):
    scope = every_record  # reference data: the State Council's schedule
    list_display = ["year", "document_number", "issued_on"]
