"""FilterSets of reporting, shared by the pages and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import apply_design_system
from devolve.matters.filters import EditionKeyFilter
from devolve.matters.models import AnnualList
from devolve.regions.models import Division, Zone
from devolve.reporting.models import AreaReport, ReportingCycle, ReportStatus, UsageLine


class AcceptedUsageFilter(django_filters.FilterSet):
    annual_list = EditionKeyFilter(field_name="report__cycle__annual_list")
    zone = django_filters.ModelChoiceFilter(
        label=_("Pilot area"),
        field_name="report__zone",
        queryset=Zone.objects.order_by("slug"),
        to_field_name="slug",
        empty_label=_("All pilot areas"),
    )
    matter = django_filters.CharFilter(
        label=_("Matter"),
        field_name="grant__entry__matter__key",
        help_text=_("The matter's public key."),
    )
    period_start = django_filters.DateFilter(
        label=_("Period starts on"), field_name="report__cycle__period_start"
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = UsageLine
        fields = ["annual_list", "zone", "matter", "period_start"]


class AreaReportFilter(django_filters.FilterSet):
    """Area reports by edition, cycle, status, pilot area and prefecture: the staff list and
    ``/api/v1/area-reports/``."""

    annual_list = EditionKeyFilter(field_name="cycle__annual_list")
    cycle = django_filters.NumberFilter(label=_("Reporting cycle"), field_name="cycle")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReportStatus.choices, empty_label=_("All statuses")
    )
    zone = django_filters.ModelChoiceFilter(
        label=_("Pilot area"),
        queryset=Zone.objects.order_by("slug"),
        to_field_name="slug",
        empty_label=_("All pilot areas"),
    )
    prefecture = django_filters.ModelChoiceFilter(
        label=_("Prefecture"),
        field_name="zone__prefecture",
        queryset=Division.objects.filter(level=Division.Level.PREFECTURE).order_by("code"),
        to_field_name="code",
        empty_label=_("All prefectures"),
    )
    # Deprecated: the API's first name for ``zone``; kept for one release (CHANGELOG). Its
    # hidden widget keeps it off the page's filter form.
    zone__slug = django_filters.CharFilter(
        label=_("Pilot area (key)"),
        field_name="zone__slug",
        help_text=_("Deprecated: use zone."),
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = AreaReport
        fields = ["annual_list", "cycle", "status", "zone", "prefecture", "zone__slug"]


class ReportingCycleFilter(django_filters.FilterSet):
    """Reporting cycles by edition, frequency and year: the staff list and
    ``/api/v1/reporting/cycles/``."""

    annual_list = django_filters.ModelChoiceFilter(
        label=_("Edition"),
        queryset=AnnualList.objects.select_related("batch").order_by("-year", "batch__number"),
        empty_label=_("All editions"),
    )
    frequency = django_filters.ChoiceFilter(
        label=_("Frequency"),
        choices=ReportingCycle.Frequency.choices,
        empty_label=_("All frequencies"),
    )
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="period_start__year", help_text=_("The year a period starts.")
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = ReportingCycle
        fields = ["annual_list", "frequency", "year"]
