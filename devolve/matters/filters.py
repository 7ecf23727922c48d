import django_filters
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import apply_design_system
from devolve.matters.models import Department, Matter, MatterType


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
