"""Admin for support staff. Access follows programme roles, not Django's model permissions, so
the admin enforces the same scopes as pages and the API; changes go through services.

Every registered admin is a ``ProgrammeAdmin`` that declares who may open it (``readers``) and
which records each reader sees (``scope``); the ``accounts.E001`` system check refuses any other
(``devolve.accounts.checks``)."""

from typing import Any, ClassVar

from django.contrib import admin, messages
from django.contrib.admin.filters import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import admin as otp_totp_admin  # noqa: F401  registers TOTPDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from devolve.accounts import services
from devolve.accounts.models import ApiToken, User
from devolve.core.access import allows
from devolve.core.actions import system_text
from devolve.core.errors import DomainError
from devolve.core.models import AuditEvent


def every_record(admin: "ProgrammeAdmin", user: User, records: QuerySet[Any]) -> QuerySet[Any]:
    """The scope of reference data every reader may see whole (the registry, the catalogue)."""
    return records


def within(records: QuerySet[Any], visible: QuerySet[Any]) -> QuerySet[Any]:
    """``records`` narrowed to the rows of ``visible``, a scoped selector's queryset."""
    return records.filter(pk__in=visible.values("pk"))


class ProgrammeAdmin(SimpleHistoryAdmin):
    """The base of every admin: read-only for every programme role unless a subclass allows a
    change in ``can_change``; never deletes.

    A subclass declares ``readers`` (the named permission deciding who may open it at all) and
    ``scope(user, records)``, which narrows the records to those the user may see with the same
    selector the API and the pages use (``every_record`` for reference data). Change lists,
    change pages, history, foreign-key choices, list filters and autocomplete all read through
    ``get_queryset``, so a record outside the scope is absent from every admin page.
    """

    readers: ClassVar[str] = "accounts.use_staff_pages"

    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        raise ImproperlyConfigured(f"{type(self).__name__} does not declare its scope")

    # Which records, for whom ------------------------------------------------------------

    def _reader(self, request: HttpRequest) -> User | None:
        user = request.user
        if isinstance(user, User) and allows(user, self.readers):
            return user
        return None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        records: QuerySet[Any] = super().get_queryset(request)
        user = self._reader(request)
        if user is None:
            return records.none()
        return self.scope(user, records)

    def _in_scope(self, request: HttpRequest, obj: models.Model) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    # Permissions ------------------------------------------------------------------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._reader(request) is not None

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if self._reader(request) is None:
            return False
        return obj is None or self._in_scope(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._reader(request) is not None and self.can_change(request.user, None)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if self._reader(request) is None:
            return False
        if obj is not None and not self._in_scope(request, obj):
            return False
        return self.can_change(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        # Programme records are never deleted; they are ended, withdrawn or superseded by services.
        return False

    def can_change(self, user: Any, obj: models.Model | None) -> bool:
        return False

    # History: the office and auditors read it; nobody writes through it ------------------

    def has_view_history_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return allows(request.user, "accounts.view_audit") and self.has_view_permission(
            request, obj
        )

    def has_change_history_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return False

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if not allows(request.user, "accounts.view_audit"):
            raise PermissionDenied
        self._known_key(request, object_id)
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            # A model without recorded history (a notice): Django's own page of admin actions.
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)  # type: ignore[no-any-return]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # The library's version page saves whatever is posted to it with ``obj.save()``, past
        # the services and their checks: the admin only shows old versions.
        if request.method != "GET" or not allows(request.user, "accounts.view_audit"):
            raise PermissionDenied
        self._known_key(request, object_id)
        return super().history_form_view(  # type: ignore[no-any-return]
            request, object_id, version_id, extra_context
        )

    def _known_key(self, request: HttpRequest, object_id: str) -> None:
        """404 unless ``object_id`` names a record in the reader's scope. The library's history
        pages look the key up in the history table as given, so a key that is not a valid id
        (``abc``) would reach the database as a 500, and one outside the scope would show the
        record's history."""
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    # Choices offered on forms and filters come from the same scopes ----------------------

    def _scoped_choices(self, request: HttpRequest, related_model: Any) -> QuerySet[Any] | None:
        related_admin = self.admin_site._registry.get(related_model)
        if isinstance(related_admin, ProgrammeAdmin):
            return related_admin.get_queryset(request)
        return None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = self._scoped_choices(request, db_field.related_model)
        if choices is not None:
            kwargs["queryset"] = kwargs["queryset"] & choices if "queryset" in kwargs else choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = self._scoped_choices(request, db_field.related_model)
        if choices is not None:
            kwargs["queryset"] = kwargs["queryset"] & choices if "queryset" in kwargs else choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest) -> Any:
        """A filter on a relation offers only the related records the reader's rows point to,
        never the whole related table."""
        return [self._scoped_filter(item) for item in super().get_list_filter(request)]

    def _scoped_filter(self, item: Any) -> Any:
        if not isinstance(item, str):
            return item
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except (FieldDoesNotExist, ImproperlyConfigured):
            return item
        if getattr(field, "is_relation", False):
            return (item, RelatedOnlyFieldListFilter)
        return item


# Accounts ---------------------------------------------------------------------------------


@admin.register(User)
class UserAdmin(ProgrammeAdmin):
    readers = "accounts.view_audit"
    scope = every_record
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


# The audit trail (core owns the table and knows no roles, so its admin lives here) ---------


@admin.register(AuditEvent)
class AuditEventAdmin(ProgrammeAdmin):
    """Append-only: visible to the office and auditors (the ``accounts.view_audit`` rule)."""

    readers = "accounts.view_audit"
    scope = every_record
    list_display = ["occurred_at", "actor", "action", "target_label", "reason"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_label", "reason", "action"]


@admin.register(ApiToken)
class ApiTokenAdmin(ProgrammeAdmin):
    """Issued API tokens as the office and auditors see them: whose, what for, when they expire
    and were last used; never the secret, which is not stored. The office revokes them here
    (issuing is `devolve issue_api_token`, ADR 0037)."""

    readers = "accounts.view_audit"
    scope = every_record
    list_display = ["label", "name", "user", "created_at", "expires_at", "last_used_at"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["prefix", "name", "user__username"]
    fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("token"))
    def label(self, token: ApiToken) -> str:
        return f"{token.prefix}…" + ("" if token.revoked_at is None else f" ({_('revoked')})")

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, tokens: QuerySet[ApiToken]) -> None:
        user = request.user
        if not isinstance(user, User):
            raise PermissionDenied
        try:
            for token in tokens:
                services.revoke_api_token(
                    token=token,
                    revoked_by=user,
                    reason=system_text("user.api_token_revoked_in_admin"),
                )
        except DomainError as error:
            self.message_user(request, str(error.message), messages.ERROR)
            return
        self.message_user(request, _("The selected tokens no longer work."), messages.SUCCESS)


# Third-party models: Django's groups and per-user permissions are not used (ADR 0007);
# second-factor keys are secrets and have no admin (a lost authenticator is removed with
# `devolve remove_second_factor`); the task queue is read by the office only ----------------

admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(ProgrammeAdmin):
    readers = "accounts.view_task_queue"
    scope = every_record
    list_display = DBTaskResultAdmin.list_display
    list_filter = DBTaskResultAdmin.list_filter
    ordering = DBTaskResultAdmin.ordering
