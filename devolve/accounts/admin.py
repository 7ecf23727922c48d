"""Admin for support staff. Access follows programme roles, not Django's model permissions, so
the admin enforces the same scopes as pages and the API; changes go through services."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from devolve.accounts.models import User
from devolve.accounts.permissions import can_view_audit, is_staff_member


class ProgrammeAdmin(SimpleHistoryAdmin):
    """Read-only for every programme role unless a subclass allows a change in ``can_change``."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(is_staff_member(request.user))

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return bool(is_staff_member(request.user))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.can_change(request.user, None)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self.can_change(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        # Programme records are never deleted; they are ended, withdrawn or superseded by services.
        return False

    def can_change(self, user: Any, obj: models.Model | None) -> bool:
        return False

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if not can_view_audit(request.user):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)  # type: ignore[no-any-return]


@admin.register(User)
class UserAdmin(ProgrammeAdmin):
    list_display = ["username", "role", "department", "prefecture", "zone", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "email"]
    fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "department",
        "prefecture",
        "zone",
        "is_active",
        "is_staff",
        "last_login",
        "date_joined",
    ]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(can_view_audit(request.user))

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return bool(can_view_audit(request.user))
