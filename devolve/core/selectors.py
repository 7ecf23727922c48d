from django.db.models import QuerySet

from devolve.core.models import AuditEvent


def list_audit_events(*, limit: int = 200) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-pk")[:limit]
