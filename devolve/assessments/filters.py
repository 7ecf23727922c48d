"""FilterSets of assessments, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from devolve.assessments.models import AssessmentRound, RoundStatus
from devolve.core.forms import apply_design_system
from devolve.matters.filters import EditionKeyFilter


class AssessmentRoundFilter(django_filters.FilterSet):
    """Assessment rounds by the edition assessed, status and year: the staff list and
    ``/api/v1/assessment-rounds/``."""

    annual_list = EditionKeyFilter(label=_("Edition assessed"), field_name="annual_list")
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

    class Meta:
        model = AssessmentRound
        fields = ["annual_list", "status", "year"]
