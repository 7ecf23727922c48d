"""FilterSets of the indicators API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from devolve.indicators.models import Indicator, Observation, SubjectKind
from devolve.regions.models import Division, Zone


class ObservationFilter(django_filters.FilterSet):
    indicator = django_filters.ModelChoiceFilter(
        label=_("Indicator"), queryset=Indicator.objects.all(), to_field_name="code"
    )
    subject_kind = django_filters.ChoiceFilter(label=_("Subject kind"), choices=SubjectKind.choices)
    zone = django_filters.ModelChoiceFilter(
        label=_("Zone"), queryset=Zone.objects.all(), to_field_name="slug"
    )
    division = django_filters.ModelChoiceFilter(
        label=_("Prefecture or province"), queryset=Division.objects.all(), to_field_name="code"
    )
    year = django_filters.NumberFilter(label=_("Year"))
    year_from = django_filters.NumberFilter(
        label=_("From year"), field_name="year", lookup_expr="gte"
    )
    year_to = django_filters.NumberFilter(label=_("To year"), field_name="year", lookup_expr="lte")
    vintage = django_filters.DateFilter(label=_("Release date"))
    released_by = django_filters.DateFilter(
        label=_("Released on or before"), method="filter_released_by"
    )
    is_simulated = django_filters.BooleanFilter(label=_("Simulated"))

    class Meta:
        model = Observation
        fields = ["indicator", "subject_kind", "zone", "division", "year", "vintage",
                  "is_simulated"]  # fmt: skip

    def filter_released_by(
        self, queryset: QuerySet[Observation], name: str, value: object
    ) -> QuerySet[Observation]:
        return queryset.filter(vintage__lte=value)
