"""FilterSets of selection, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import apply_design_system
from devolve.selection.models import SelectionRound


class SelectionRoundFilter(django_filters.FilterSet):
    """Selection rounds by year, batch and status: the staff list and
    ``/api/v1/selection-rounds/``."""

    year = django_filters.NumberFilter(label=_("Year"))
    batch = django_filters.NumberFilter(label=_("Batch"), field_name="batch_number")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=SelectionRound.Status.choices, empty_label=_("All statuses")
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = SelectionRound
        fields = ["year", "batch", "status"]
