"""The change log over the API: the same FilterSet and the same rows as the staff page, for those
who may read the audit log (``accounts.view_audit``)."""

import datetime
from typing import Any

from django_filters.utils import translate_validation
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from devolve.core.access import api_requires
from devolve.core.api.pagination import (
    KeysetPagination,
    KeysetPaginationWithNumberedPages,
    StandardPagination,
)
from devolve.core.changelog import ChangeLog, ChangePosition, describe_changes
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


class ChangeLogPagination(KeysetPaginationWithNumberedPages):
    """The change log paged by key, newest first (ADR 0073): each page continues after the
    time, part and record of the last change of the page before (``next``), or goes back
    before the first (``previous``), so a page deep in the log costs what the first costs, and
    nothing counts the log. ``?page=N`` still answers the numbered page and its exact count
    (deprecated, as for grants; ADR 0035)."""

    ordering = "-changed_at"

    def paginate_queryset(  # type: ignore[override]
        self,
        queryset: ChangeLog,
        request: Request,
        view: APIView | None = None,
    ) -> list[Any] | None:
        log = queryset
        if "page" in request.query_params:
            self.numbered = StandardPagination()
            return self.numbered.paginate_queryset(log, request, view)  # type: ignore[arg-type]
        self.numbered = None
        self.request = request
        self.base_url = request.build_absolute_uri()
        size = self.page_size = self.get_page_size(request) or KeysetPagination.page_size
        cursor = self.decode_cursor(request)
        # DRF types a cursor's position as a number; this pager's is text (``position_text``).
        position = None if cursor is None else self._position(str(cursor.position))
        going_back = cursor is not None and cursor.reverse
        rows = log.page_after(position, limit=size + 1, newest_first=not going_back)
        more = len(rows) > size
        rows = rows[:size]
        if going_back:
            rows.reverse()
        self.has_next = more if not going_back else position is not None
        self.has_previous = position is not None if not going_back else more
        self.ends = (ChangePosition.of(rows[0]), ChangePosition.of(rows[-1])) if rows else None
        self.position = position
        return describe_changes(rows)

    def _position(self, text: str) -> ChangePosition:
        try:
            changed_at, part, record_id = text.split("|")
            moment = datetime.datetime.fromisoformat(changed_at)
            if moment.tzinfo is None:
                raise ValueError(changed_at)
            return ChangePosition(moment, int(part), int(record_id))
        except ValueError:
            raise NotFound(self.invalid_cursor_message) from None

    @staticmethod
    def position_text(position: ChangePosition) -> str:
        """The position as a cursor carries it (``cursor`` is its base64 query string)."""
        return f"{position.changed_at.isoformat()}|{position.part}|{position.record_id}"

    def _link(self, position: ChangePosition | None, *, back: bool) -> str | None:
        if position is None:
            return None
        text: Any = self.position_text(position)
        return self.encode_cursor(Cursor(offset=0, reverse=back, position=text))

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        # An empty page (going back past the start) continues where it was asked for.
        return self._link(self.ends[1] if self.ends else self.position, back=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        return self._link(self.ends[0] if self.ends else self.position, back=True)


class ChangeListApi(generics.ListAPIView[AuditEvent]):
    """Audit events and record history, newest first, paged by key (follow ``next``); filter
    by ``actor`` (username), ``object_type`` (``app.Model``), ``object_id``, ``action``,
    ``changed_from``, ``changed_to`` and ``reason``."""

    queryset = AuditEvent.objects.all()
    filterset_class = ChangeFilter
    serializer_class = ChangeOutput
    pagination_class = ChangeLogPagination
    permission_classes = [api_requires("accounts.view_audit")]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        filterset = ChangeFilter(request.query_params, queryset=self.get_queryset())
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        changes = ChangeLog(filterset.criteria())
        page = self.paginate_queryset(changes)  # type: ignore[arg-type]
        return self.get_paginated_response(ChangeOutput(page, many=True).data)
