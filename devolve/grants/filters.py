import django_filters
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import apply_design_system
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.matters.filters import EditionKeyFilter
from devolve.matters.models import AuthorizationMode, Department, Matter
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
