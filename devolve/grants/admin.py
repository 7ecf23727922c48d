"""Grants admin: read-only. Every change to a grant is a service with a transition check and an
audit event (staff pages, API, the activate_grants command)."""

from django.contrib import admin

from devolve.accounts.admin import ProgrammeAdmin
from devolve.grants.models import EntrustmentAgreement, Grant


@admin.register(Grant)
class GrantAdmin(ProgrammeAdmin):
    list_display = ["entry", "zone", "status", "effective_on", "handover_due_on", "handed_over_on"]
    list_filter = ["status", "entry__annual_list"]
    list_select_related = ["entry", "entry__matter", "zone"]
    search_fields = ["entry__matter__name_zh", "zone__name_zh", "zone__slug"]


@admin.register(EntrustmentAgreement)
class EntrustmentAgreementAdmin(ProgrammeAdmin):
    list_display = ["number", "grant", "signed_on", "starts_on", "ends_on"]
    search_fields = ["number"]
