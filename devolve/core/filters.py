"""The change log's FilterSet, shared by the staff page and the API."""

from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from devolve.core.changelog import ChangeCriteria, list_changes, object_types
from devolve.core.forms import apply_design_system
from devolve.core.models import AuditEvent


@extend_schema_field(OpenApiTypes.STR)
class ObjectTypeFilter(django_filters.ChoiceFilter):
    """A model label (``matters.Matter``); the choices are the models with history."""


class ChangeFilter(django_filters.FilterSet):
    """Narrow the change log by actor, type of object, object, action, dates and reason.

    The log is a union of audit events and history tables, which SQL cannot filter after the
    union; so the filters go into each part (``list_changes``), not onto the queryset given.
    """

    actor = django_filters.ModelChoiceFilter(
        label=_("Who"),
        queryset=get_user_model().objects.order_by("username"),
        to_field_name="username",
        empty_label=_("Anyone"),
    )
    object_type = ObjectTypeFilter(
        label=_("Type of record"), choices=object_types, empty_label=_("All types")
    )
    object_id = django_filters.CharFilter(label=_("Record id"))
    action = django_filters.CharFilter(
        label=_("Action"),
        help_text=_("An action code (report.accepted), or created, changed or deleted."),
    )
    changed_from = django_filters.DateFilter(label=_("From (date)"))
    changed_to = django_filters.DateFilter(label=_("To (date)"))
    reason = django_filters.CharFilter(label=_("Reason contains"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "object_type", "object_id", "action", "changed_from", "changed_to",
                  "reason"]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_design_system(self.form)

    def criteria(self) -> ChangeCriteria:
        """The valid filters as criteria; an invalid one is left out (and shown on the form)."""
        if self.is_bound:
            self.form.is_valid()
        values: dict[str, Any] = getattr(self.form, "cleaned_data", {})
        actor = values.get("actor")
        return ChangeCriteria(
            actor=actor.pk if actor is not None else None,
            object_type=values.get("object_type") or "",
            object_id=(values.get("object_id") or "").strip(),
            action=(values.get("action") or "").strip(),
            changed_from=values.get("changed_from"),
            changed_to=values.get("changed_to"),
            reason=(values.get("reason") or "").strip(),
        )

    @property
    def qs(self) -> QuerySet[Any]:
        return list_changes(self.criteria())
