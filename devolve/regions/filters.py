"""FilterSets shared by the portal lists and the API."""

import datetime

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import apply_design_system
from devolve.regions.models import Batch, BatchMembership, Division, Zone


class ZoneFilter(django_filters.FilterSet):
    batch = django_filters.ModelChoiceFilter(
        label=_("Batch"),
        field_name="memberships__batch",
        queryset=Batch.objects.order_by("number"),
        to_field_name="number",
        empty_label=_("All batches"),
    )
    prefecture = django_filters.ModelChoiceFilter(
        label=_("Prefecture"),
        queryset=Division.objects.filter(level=Division.Level.PREFECTURE).order_by("code"),
        to_field_name="code",
        empty_label=_("All prefectures"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Zone.Kind.choices, empty_label=_("All kinds")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"),
        choices=[*Zone.Level.choices, ("unconfirmed", _("Not confirmed"))],
        method="filter_level",
        empty_label=_("All levels"),
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    class Meta:
        model = Zone
        fields = ["batch", "prefecture", "kind", "level"]

    def filter_level(self, queryset: QuerySet[Zone], name: str, value: str) -> QuerySet[Zone]:
        return queryset.filter(level="" if value == "unconfirmed" else value)


class PilotAreaFilter(ZoneFilter):
    """Filters pilot areas on a date: ``batch`` means the batch of the membership active on the
    date given by the request's ``on`` parameter (today when absent or malformed), not any batch
    the zone was ever in."""

    batch = django_filters.ModelChoiceFilter(
        label=_("Batch"),
        queryset=Batch.objects.order_by("number"),
        to_field_name="number",
        empty_label=_("All batches"),
        method="filter_batch",
    )

    def filter_batch(self, queryset: QuerySet[Zone], name: str, value: Batch) -> QuerySet[Zone]:
        try:
            on = datetime.date.fromisoformat(str(self.data.get("on", "")).strip())
        except ValueError:
            on = timezone.localdate()
        active = BatchMembership.objects.active_on(on).filter(batch=value)
        return queryset.filter(pk__in=active.values("zone_id"))
