"""Recording audit events. Services call ``record_event`` inside their transaction."""

from collections.abc import Sequence
from typing import Any

from django.db import models

from devolve.core.models import AuditEvent


def record_event(
    *,
    actor: models.Model | None,
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
        target_label=str(target)[:255],
        reason=reason,
        details=details or {},
    )


def record_events(
    *,
    actor: models.Model | None,
    action: str,
    targets: Sequence[models.Model],
    reason: str = "",
) -> None:
    """One event per target in a single insert, for services that act on many rows at once."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor_id=actor.pk if actor is not None else None,
            action=action,
            target_type=target._meta.label,
            target_id=str(target.pk),
            target_label=str(target)[:255],
            reason=reason,
            details={},
        )
        for target in targets
    )
