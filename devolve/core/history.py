"""Row history that also records the actor and reason of a service's change."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from devolve.core.errors import domain_error_from_validation


def mark_change(instance: models.Model, *, actor: models.Model | None, reason: str = "") -> None:
    """Attach actor and reason to the history row that the next ``save()`` writes.

    django-simple-history reads ``_history_user`` and ``_change_reason`` from the instance; setting
    them here keeps services independent of the request middleware (commands have no request).
    """
    instance._history_user = actor if actor is not None and actor.pk else None  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeRecord:
    """One row of history: who changed which record, when, how and why."""

    changed_at: datetime.datetime
    actor: str
    model: str
    object_id: int
    object_label: str
    change_type: str
    reason: str
    changes: list[FieldChange]


_CHANGE_TYPES = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def _field_changes(record: Any, previous: Any) -> list[FieldChange]:
    if previous is None:
        return []
    delta = record.diff_against(previous)
    return [
        FieldChange(field=change.field, old=str(change.old), new=str(change.new))
        for change in delta.changes
    ]


def _previous_rows(model: type[models.Model], rows: list[Any]) -> dict[int, Any]:
    """Map each history row's id to the row before it for the same object, in one query."""
    object_ids = {row.id for row in rows}
    history = model.history.filter(id__in=object_ids).order_by("id", "history_date", "history_id")  # type: ignore[attr-defined]
    previous: dict[int, Any] = {}
    latest_by_object: dict[int, Any] = {}
    for row in history:
        previous[row.history_id] = latest_by_object.get(row.id)
        latest_by_object[row.id] = row
    return previous


def list_recent_changes(
    *, models_with_history: list[type[models.Model]], limit: int = 100, object_id: int | None = None
) -> list[ChangeRecord]:
    """The latest history rows of the given models, newest first, with field-by-field changes.

    Two queries per model: the latest rows, and the rows before them for the diff.
    """
    records: list[ChangeRecord] = []
    for model in models_with_history:
        history = model.history.select_related("history_user")  # type: ignore[attr-defined]
        if object_id is not None:
            history = history.filter(id=object_id)
        rows = list(history.order_by("-history_date", "-history_id")[:limit])
        previous = _previous_rows(model, rows)
        records.extend(
            ChangeRecord(
                changed_at=row.history_date,
                actor=row.history_user.get_username() if row.history_user else str(_("system")),
                model=str(model._meta.verbose_name),
                object_id=row.id,
                object_label=str(row.instance)[:120],
                change_type=str(_CHANGE_TYPES.get(row.history_type, row.history_type)),
                reason=row.history_change_reason or "",
                changes=_field_changes(row, previous.get(row.history_id)),
            )
            for row in rows
        )
    records.sort(key=lambda record: record.changed_at, reverse=True)
    return records[:limit]


def save_validated(instance: models.Model, *, actor: models.Model | None, reason: str) -> None:
    """Validate fully, then save with the actor and reason on the history row.

    The one way services persist a row they changed: a ``full_clean()`` failure becomes a
    ``DomainError`` with a stable code (``duplicate``, ``invalid`` or the code the model set).
    """
    try:
        instance.full_clean()
    except ValidationError as error:
        raise domain_error_from_validation(error) from error
    mark_change(instance, actor=actor, reason=reason)
    instance.save()
