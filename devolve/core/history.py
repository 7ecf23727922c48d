"""Row history that also records the actor and reason of a service's change."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from devolve.core.errors import domain_error_from_validation


def mark_change(instance: models.Model, *, actor: models.Model | None, reason: str = "") -> None:
    """Attach actor and reason to the history row that the next ``save()`` writes.

    django-simple-history reads ``_history_user`` and ``_change_reason`` from the instance; setting
    them here keeps services independent of the request middleware (commands have no request).
    """
    instance._history_user = actor if actor is not None and actor.pk else None  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


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


def moment_of(day: datetime.date | None) -> datetime.datetime:
    """The time to stamp on a change recorded as happening on ``day``: now when the day is today
    (or not given), else noon of that day in the current time zone, so that a record entered
    for an earlier day does not read as done today."""
    if day is None or day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
