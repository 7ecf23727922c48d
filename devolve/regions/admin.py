"""Registry admin: read-only. Zones, batches and memberships change through the staff pages and
the API, whose services validate dates and overlaps and record the reason."""

from django.contrib import admin

from devolve.accounts.admin import ProgrammeAdmin, every_record
from devolve.regions.models import Batch, BatchMembership, Division, Zone


@admin.register(Division)
class DivisionAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["code", "name_zh", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(Zone)
class ZoneAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["slug", "name_zh", "kind", "level", "prefecture", "is_illustrative"]
    list_filter = ["kind", "level", "is_illustrative"]
    search_fields = ["slug", "name_zh", "name_en"]


@admin.register(Batch)
class BatchAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["number", "approved_on", "announced_on", "starts_on", "is_illustrative"]


@admin.register(BatchMembership)
class BatchMembershipAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["zone", "batch", "joined_on", "left_on"]
    list_filter = ["batch"]
