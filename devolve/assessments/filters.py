"""FilterSets of assessments, shared by the pages and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from devolve.assessments.models import AssessmentRound, RoundStatus
from devolve.core.forms import apply_design_system
from devolve.matters.selectors import get_annual_list_by_key


class AssessmentRoundFilter(django_filters.FilterSet):
    """Assessment rounds by the edition assessed, status and year: the staff list and
    ``/api/v1/assessment-rounds/``."""

    annual_list = django_filters.CharFilter(
        label=_("Edition assessed"),
        method="filter_annual_list",
        help_text=_("The edition's key, e.g. 2024/batch-1."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RoundStatus.choices, empty_label=_("All statuses")
    )
    year = django_filters.NumberFilter(
        label=_("Year"),
        field_name="annual_list__year",
        help_text=_("The year of the edition assessed."),
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    def filter_annual_list(
        self, queryset: QuerySet[AssessmentRound], name: str, value: str
    ) -> QuerySet[AssessmentRound]:
        annual_list = get_annual_list_by_key(key=value)
        if annual_list is None:
            return queryset.none()
        return queryset.filter(annual_list=annual_list)

    class Meta:
        model = AssessmentRound
        fields = ["annual_list", "status", "year"]
