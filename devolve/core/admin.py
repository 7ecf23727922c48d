from django.contrib import admin
from django.http import HttpRequest

from devolve.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Append-only: visible to the office and auditors (the ``accounts.view_audit`` rule)."""

    list_display = ["occurred_at", "actor", "action", "target_label", "reason"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_label", "reason", "action"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.view_audit")

    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return request.user.has_perm("accounts.view_audit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
