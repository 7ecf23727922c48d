from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import apply_design_system
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.matters.filters import EditionKeyFilter
from devolve.matters.models import AnnualList, AuthorizationMode, Department, Matter
from devolve.regions.models import Zone


class GrantFilter(django_filters.FilterSet):
    annual_list = EditionKeyFilter(field_name="entry__annual_list")
    zone = django_filters.ModelChoiceFilter(
        label=_("Pilot area"),
        queryset=Zone.objects.order_by("slug"),
        to_field_name="slug",
        empty_label=_("All pilot areas"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Granting department"),
        field_name="entry__granting_department",
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All departments"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Grant.Status.choices, empty_label=_("All statuses")
    )
    mode = django_filters.ModelChoiceFilter(
        label=_("Mode"),
        field_name="entry__mode",
        queryset=AuthorizationMode.objects.order_by("sort_order"),
        to_field_name="code",
        empty_label=_("All modes"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        field_name="entry__matter__kind",
        choices=Matter.Kind.choices,
        empty_label=_("All kinds"),
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = Grant
        fields = ["annual_list", "zone", "department", "status", "mode", "kind"]


class EntrustmentAgreementFilter(django_filters.FilterSet):
    grant = django_filters.NumberFilter(label=_("Grant"), field_name="grant")
    annual_list = EditionKeyFilter(field_name="grant__entry__annual_list")
    zone = django_filters.ModelChoiceFilter(
        label=_("Pilot area"),
        field_name="grant__zone",
        queryset=Zone.objects.order_by("slug"),
        to_field_name="slug",
        empty_label=_("All pilot areas"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Entrusting department"),
        field_name="entrusting_department",
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All departments"),
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = EntrustmentAgreement
        fields = ["grant", "annual_list", "zone", "department"]


class TakeUpFilter(django_filters.FilterSet):
    """The take-up grid's filters, one set for the public page and the API: an edition's grants
    by granting department, pilot area (the edition's batch's), status and kind. The grid reads
    them through ``selection`` (the selector's arguments), not as a queryset filter, because
    they select both the grants (cells) and the entries (rows) that have one."""

    department = django_filters.ModelChoiceFilter(
        label=_("Granting department"),
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All departments"),
    )
    zone = django_filters.ModelChoiceFilter(
        label=_("Pilot area"),
        queryset=Zone.objects.none(),
        to_field_name="slug",
        empty_label=_("All pilot areas"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Grant.Status.choices, empty_label=_("All statuses")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Matter.Kind.choices, empty_label=_("All kinds")
    )

    def __init__(self, data: Any = None, *, annual_list: AnnualList) -> None:
        super().__init__(data or None, queryset=Grant.objects.none())
        zone_filter = self.filters["zone"]
        assert isinstance(zone_filter, django_filters.ModelChoiceFilter)  # noqa: S101
        zone_filter.queryset = (
            Zone.objects.filter(memberships__batch_id=annual_list.batch_id)
            .distinct()
            .order_by("prefecture__code", "slug")
        )
        apply_design_system(self.form)

    def selection(self) -> dict[str, str | None]:
        """The selector's filters from the valid values; an invalid value selects nothing (the
        page shows it as a problem, the API refuses the request)."""
        if not self.is_bound:
            return {"department_code": None, "zone_slug": None, "status": None, "kind": None}
        self.form.is_valid()
        wanted = self.form.cleaned_data
        department = wanted.get("department")
        zone = wanted.get("zone")
        return {
            "department_code": department.code if department else None,
            "zone_slug": zone.slug if zone else None,
            "status": wanted.get("status") or None,
            "kind": wanted.get("kind") or None,
        }

    class Meta:
        model = Grant
        fields = ["department", "zone", "status", "kind"]
