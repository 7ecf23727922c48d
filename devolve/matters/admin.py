"""Catalogue admin. A department user sees every matter but changes only its own; saving calls
the catalogue services, so the admin records history and audit events like every other door."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from devolve.accounts.acting import acting_user
from devolve.accounts.admin import ProgrammeAdmin, every_record, within
from devolve.accounts.models import User
from devolve.core.access import allows
from devolve.core.actions import system_text
from devolve.core.errors import DomainError
from devolve.matters import selectors, services
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    Matter,
    MatterType,
)

EDITABLE_FIELDS = [
    "code",
    "name_zh",
    "name_en",
    "kind",
    "matter_type",
    "competent_department",
    "legal_basis",
    "parent",
    "is_illustrative",
    "source",
]


class MatterAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """Runs the catalogue service's checks while the form can still show them as errors."""

    class Meta:
        model = Matter
        fields = EDITABLE_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        candidate = Matter(
            pk=self.instance.pk,
            **{name: cleaned.get(name) for name in EDITABLE_FIELDS if name in cleaned},
        )
        # An existing matter must not collide with itself in the uniqueness checks.
        candidate._state.adding = self.instance._state.adding
        try:
            services.validate_matter(candidate)
        except DomainError as error:
            raise ValidationError(
                {error.field: str(error.message)}
                if error.field in self.fields
                else str(error.message)
            ) from error
        return cleaned


@admin.register(Matter)
class MatterAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = [
        "code",
        "name_zh",
        "kind",
        "matter_type",
        "competent_department",
        "is_illustrative",
    ]
    list_filter = ["kind", "matter_type", "competent_department"]
    search_fields = ["code", "name_zh", "name_en"]
    fields = EDITABLE_FIELDS
    form = MatterAdminForm

    def can_change(self, user: Any, obj: models.Model | None) -> bool:
        if obj is None:
            return allows(user, "matters.add_matter", getattr(user, "department", None))
        return allows(user, "matters.change_matter", obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        user = request.user
        if isinstance(user, User) and user.department_id is not None:
            if db_field.name == "competent_department":
                kwargs["queryset"] = Department.objects.filter(pk=user.department_id)
            elif db_field.name == "parent":
                kwargs["queryset"] = Matter.objects.filter(
                    competent_department_id=user.department_id
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Matter, form: "forms.ModelForm[Matter]", change: bool
    ) -> None:
        values = {
            name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data
        }
        if change:
            changed = {name: values[name] for name in form.changed_data if name in values}
            saved = services.update_matter(
                matter=obj,
                updated_by=acting_user(request),
                reason=system_text("matter.changed_in_admin"),
                **changed,
            )
        else:
            saved = services.create_matter(
                created_by=acting_user(request),
                reason=system_text("matter.added_in_admin"),
                **values,
            )
        obj.pk = saved.pk


@admin.register(Department)
class DepartmentAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["code", "name_zh", "name_en"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(MatterType)
class MatterTypeAdmin(ProgrammeAdmin):
    """Reference data from a data migration: read-only."""

    scope = every_record

    list_display = ["sort_order", "code", "name_zh", "name_en", "is_administrative_power"]


@admin.register(AuthorizationMode)
class AuthorizationModeAdmin(ProgrammeAdmin):
    """Reference data from a data migration: read-only."""

    scope = every_record

    list_display = ["sort_order", "code", "name_zh", "name_en"]


@admin.register(AnnualList)
class AnnualListAdmin(ProgrammeAdmin):
    """Editions change only through the list workflow (staff pages and API); read-only here."""

    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return within(records, selectors.list_annual_lists_visible_to(user=user))

    list_display = ["year", "batch", "edition", "status", "document_number", "published_on"]
    list_filter = ["status", "year", "batch"]


@admin.register(ListEntry)
class ListEntryAdmin(ProgrammeAdmin):
    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return records.filter(annual_list__in=selectors.list_annual_lists_visible_to(user=user))

    list_display = ["annual_list", "sequence", "matter", "mode", "granting_department", "change"]
    list_filter = ["annual_list", "mode", "change"]
    search_fields = ["matter__name_zh", "matter__name_en", "matter__code"]
    list_select_related = [
        "annual_list",
        "annual_list__batch",
        "matter",
        "mode",
        "granting_department",
    ]


@admin.register(DemandWindow)
class DemandWindowAdmin(ProgrammeAdmin):
    scope = every_record
    list_display = ["year", "batch", "opens_on", "closes_on"]


@admin.register(DemandItem)
class DemandItemAdmin(ProgrammeAdmin):
    def scope(self, user: User, records: QuerySet[Any]) -> QuerySet[Any]:
        return within(records, selectors.list_demand_items_visible_to(user=user))

    list_display = ["window", "origin", "zone", "matter", "department", "status", "response"]
    list_filter = ["status", "origin", "response"]
