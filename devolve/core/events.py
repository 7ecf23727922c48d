"""Recording audit events. Services call ``record_event`` inside their transaction."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.utils import translation

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
    reason: str = "",
    details: Callable[[M], dict[str, Any]] | None = None,
) -> None:
    """One event per target, inserted in batches, for services that act on many rows at once;
    ``details`` gives each target's details."""
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                actor_id=actor.pk if actor is not None else None,
                action=action,
                target_type=target._meta.label,
                target_id=str(target.pk),
                **target_labels(target),
                reason=reason,
                details=details(target) if details is not None else {},
            )
            for target in targets
        ),
        batch_size=EVENT_BATCH_SIZE,
    )
