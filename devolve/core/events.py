"""Recording audit events. Services call ``record_event`` inside their transaction."""

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone, translation

from devolve.core.actors import SystemActor
from devolve.core.models import AuditEvent

# Events per INSERT when a service records many at once.
EVENT_BATCH_SIZE = 1000


def target_labels(target: models.Model) -> dict[str, str]:
    """The target's name in Chinese and, where it reads differently, in English, so that the
    event names its target in the reader's language as it was named that day."""
    with translation.override("zh-hans"):
        chinese = str(target)[:255]
    with translation.override("en"):
        english = str(target)[:255]
    return {"target_label": chinese, "target_label_en": "" if english == chinese else english}


def record_event(
    *,
    actor: models.Model | SystemActor | None,
    action: str,
    target: models.Model,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None else None,
        action=action,
        target_type=target._meta.label,
        target_id=str(target.pk),
        **target_labels(target),
        reason=reason,
        details=details or {},
    )


def record_events[M: models.Model](
    *,
    actor: models.Model | SystemActor | None,
    action: str,
    targets: Sequence[M],
    reason: str | Callable[[M], str] = "",
    details: Callable[[M], dict[str, Any]] | None = None,
) -> None:
    """One event per target, inserted in batches, for services that act on many rows at once;
    ``details`` gives each target's details, and ``reason`` one reason for all or each
    target's own."""
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                actor_id=actor.pk if actor is not None else None,
                action=action,
                target_type=target._meta.label,
                target_id=str(target.pk),
                **target_labels(target),
                reason=reason(target) if callable(reason) else reason,
                details=details(target) if details is not None else {},
            )
            for target in targets
        ),
        batch_size=EVENT_BATCH_SIZE,
    )


def record_events_in_sql(
    *,
    actor: models.Model | SystemActor | None,
    action: str,
    target_model: type[models.Model],
    targets: Iterable[tuple[object, str, str]],
    reason: str = "",
    details: Mapping[str, Any] | None = None,
) -> int:
    """``record_events`` for many targets of one model known by their key and labels, each
    ``(pk, label, label_en)`` as ``target_labels`` gives them, without building a model object
    per event: ``EVENT_BATCH_SIZE`` events per ``INSERT … SELECT`` from a list of values, with
    the same ``details`` (none by default) and one time for all. Returns how many were
    recorded."""
    quote = connection.ops.quote_name
    fields = AuditEvent._meta
    at = fields.get_field("occurred_at").get_db_prep_value(timezone.now(), connection)
    details = fields.get_field("details").get_db_prep_value(dict(details or {}), connection)
    constants = [at, getattr(actor, "pk", None), action, target_model._meta.label, reason, details]
    columns = ", ".join(
        quote(name)
        for name in (
            "occurred_at",
            "actor_id",
            "action",
            "target_type",
            "reason",
            "details",
            "target_id",
            "target_label",
            "target_label_en",
        )
    )
    recorded = 0
    rows = iter(targets)
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, EVENT_BATCH_SIZE)):
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            # A list of values names its columns column1, column2 … in both databases.
            cursor.execute(
                f"INSERT INTO {quote(fields.db_table)} ({columns}) "  # noqa: S608
                "SELECT %s, %s, %s, %s, %s, %s, v.column1, v.column2, v.column3 "
                f"FROM (VALUES {values}) v",
                [
                    *constants,
                    *(
                        value
                        for pk, label, label_en in batch
                        for value in (str(pk), label, label_en)
                    ),
                ],
            )
            recorded += len(batch)
    return recorded
