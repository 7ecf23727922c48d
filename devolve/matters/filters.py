from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from devolve.core.forms import apply_design_system
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    ListImport,
    Matter,
    MatterType,
)
from devolve.matters.selectors import get_annual_list_by_key
from devolve.regions.models import Zone


class EditionKeyFilter(django_filters.CharFilter):
    """An edition named by its key (``2024/batch-1``), for every list filtered by edition: the
    rows whose ``field_name`` is that edition; none for an unknown key."""

    def __init__(self, *, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Edition"))
        kwargs.setdefault("help_text", _("The edition's key, e.g. 2024/batch-1."))
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        if value in EMPTY_VALUES:
            return qs
        annual_list = get_annual_list_by_key(key=value)
        if annual_list is None:
            return qs.none()
        return qs.filter(**{self.field_name: annual_list})


class MatterFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Competent department"),
        field_name="competent_department",
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All departments"),
    )
    matter_type = django_filters.ModelChoiceFilter(
        label=_("Matter type"),
        queryset=MatterType.objects.order_by("sort_order"),
        to_field_name="code",
        empty_label=_("All types"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Matter.Kind.choices, empty_label=_("All kinds")
    )
    code = django_filters.CharFilter(label=_("Matter code"), lookup_expr="iexact")

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = Matter
        fields = ["department", "matter_type", "kind", "code"]


class AnnualListFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    batch = django_filters.NumberFilter(label=_("Batch"), field_name="batch__number")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AnnualList.Status.choices, empty_label=_("All statuses")
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = AnnualList
        fields = ["year", "batch", "status"]


class ListEntryFilter(django_filters.FilterSet):
    """Entries of one edition by the matter's kind, the mode, the granting department and the
    change against the predecessor edition."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        field_name="matter__kind",
        choices=Matter.Kind.choices,
        empty_label=_("All kinds"),
    )
    mode = django_filters.ModelChoiceFilter(
        label=_("Mode"),
        queryset=AuthorizationMode.objects.order_by("sort_order"),
        to_field_name="code",
        empty_label=_("All modes"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Granting department"),
        field_name="granting_department",
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All departments"),
    )
    change = django_filters.ChoiceFilter(
        label=_("Change"), choices=ListEntry.Change.choices, empty_label=_("All changes")
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = ListEntry
        fields = ["kind", "mode", "department", "change"]


class DemandWindowFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    batch = django_filters.NumberFilter(label=_("Batch"), field_name="batch__number")

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = DemandWindow
        fields = ["year", "batch"]


class DemandItemFilter(django_filters.FilterSet):
    window = django_filters.NumberFilter(label=_("Demand window"), field_name="window")
    year = django_filters.NumberFilter(label=_("Year"), field_name="window__year")
    batch = django_filters.NumberFilter(label=_("Batch"), field_name="window__batch__number")
    origin = django_filters.ChoiceFilter(
        label=_("Origin"), choices=DemandItem.Origin.choices, empty_label=_("All origins")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=DemandItem.Kind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=DemandItem.Status.choices, empty_label=_("All statuses")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Competent department"),
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All departments"),
    )
    zone = django_filters.ModelChoiceFilter(
        label=_("Pilot area"),
        queryset=Zone.objects.order_by("slug"),
        to_field_name="slug",
        empty_label=_("All pilot areas"),
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = DemandItem
        fields = ["window", "year", "batch", "origin", "kind", "status", "department", "zone"]


class ListImportFilter(django_filters.FilterSet):
    """Imported workbooks by edition and status (the import and export page)."""

    annual_list = django_filters.ModelChoiceFilter(
        label=_("Edition"),
        queryset=AnnualList.objects.select_related("batch").order_by("-year", "batch__number"),
        empty_label=_("All editions"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ListImport.Status.choices, empty_label=_("All statuses")
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = ListImport
        fields = ["annual_list", "status"]
