"""The change log over the API: the same FilterSet and the same rows as the staff page, for those
who may read the audit log (``accounts.view_audit``)."""

from typing import Any

from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.core.access import api_requires
from devolve.core.changelog import ChangeLog
from devolve.core.filters import ChangeFilter
from devolve.core.models import AuditEvent


class ChangedFieldOutput(serializers.Serializer[Any]):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class ChangeOutput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=["event", "history"],
        source="source",
        help_text="An audit event (what someone did) or a history record (what a row became).",
    )
    record_id = serializers.IntegerField()
    changed_at = serializers.DateTimeField()
    actor = serializers.CharField()
    action = serializers.CharField(help_text="An audit action code, or +, ~ or - for history.")
    action_label = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    object_label = serializers.CharField()
    reason = serializers.CharField(help_text="The reason in the request's language.")
    reason_code = serializers.CharField(
        help_text="The code of a reason the system wrote; empty for a reason someone typed."
    )
    reason_params = serializers.DictField(help_text="The parameters of a coded reason.")
    changes = ChangedFieldOutput(many=True, source="fields")


class ChangeListApi(generics.ListAPIView[AuditEvent]):
    """Audit events and record history, newest first; filter by ``actor`` (username),
    ``object_type`` (``app.Model``), ``object_id``, ``action``, ``changed_from``, ``changed_to``
    and ``reason``."""

    queryset = AuditEvent.objects.all()
    filterset_class = ChangeFilter
    serializer_class = ChangeOutput
    permission_classes = [api_requires("accounts.view_audit")]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        changes = ChangeLog(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(changes)  # type: ignore[arg-type]
        return self.get_paginated_response(ChangeOutput(page, many=True).data)
