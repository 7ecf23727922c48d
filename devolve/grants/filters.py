import django_filters
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import apply_design_system
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.matters.models import AuthorizationMode, Department, Matter
from devolve.matters.selectors import get_annual_list_by_key
from devolve.regions.models import Zone


def _in_edition[M: Model](queryset: QuerySet[M], lookup: str, key: str) -> QuerySet[M]:
    """Rows of the edition with this key; none for an unknown key."""
    annual_list = get_annual_list_by_key(key=key)
    if annual_list is None:
        return queryset.none()
    return queryset.filter(**{lookup: annual_list})


class GrantFilter(django_filters.FilterSet):
    annual_list = django_filters.CharFilter(
        label=_("Edition"),
        method="filter_annual_list",
        help_text=_("The edition's key, e.g. 2024/batch-1."),
    )
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

    def filter_annual_list(
        self, queryset: QuerySet[Grant], name: str, value: str
    ) -> QuerySet[Grant]:
        return _in_edition(queryset, "entry__annual_list", value)

    class Meta:
        model = Grant
        fields = ["annual_list", "zone", "department", "status", "mode", "kind"]


class EntrustmentAgreementFilter(django_filters.FilterSet):
    grant = django_filters.NumberFilter(label=_("Grant"), field_name="grant")
    annual_list = django_filters.CharFilter(
        label=_("Edition"),
        method="filter_annual_list",
        help_text=_("The edition's key, e.g. 2024/batch-1."),
    )
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

    def filter_annual_list(
        self, queryset: QuerySet[EntrustmentAgreement], name: str, value: str
    ) -> QuerySet[EntrustmentAgreement]:
        return _in_edition(queryset, "grant__entry__annual_list", value)

    class Meta:
        model = EntrustmentAgreement
        fields = ["grant", "annual_list", "zone", "department"]
