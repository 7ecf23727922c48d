"""How API lists are paged: numbered pages with a count for lists that stay small (an edition's
entries, a round's assessments), keyset pages for lists that grow with the programme (ADR 0035)."""

from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination, _reverse_ordering
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(CursorPagination):
    """Pages in the order of a unique key, the primary key unless ``ordering`` names the columns
    of another (ascending, unique together, an index on them in that order),
    each page continuing after the key of the last row of the one before (``next`` carries it as
    an opaque ``cursor``): page 1,000 costs what page 1 costs, and no page counts the whole list.
    ``previous`` goes back; there is no ``count``.

    A key of several columns (the usage lines' report and grant, ADR 0071) is continued by a
    row comparison, ``(report_id, grant_id) > (r, g)``, which PostgreSQL reads as one range of
    the index on those columns; DRF's own cursor continues after the first column only and
    skips the rows that share it by an offset."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering: str | tuple[str, ...] = "pk"
    separator = "~"

    def paginate_queryset(
        self,
        queryset: QuerySet[Any, Any] | Sequence[Any],
        request: Request,
        view: APIView | None = None,
    ) -> list[Any] | None:
        if not isinstance(queryset, QuerySet) or view is None:
            return super().paginate_queryset(queryset, request, view)
        key = self.get_ordering(request, queryset, view)
        if len(key) == 1:
            return super().paginate_queryset(queryset, request, view)
        if any(name.startswith("-") for name in key):
            raise ImproperlyConfigured("A key of several columns ascends.")
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self.page_size = page_size
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.ordering = key
        self.cursor = self.decode_cursor(request)
        reverse = self.cursor is not None and self.cursor.reverse
        # The cursor's position as sent: DRF's stubs call it a number, a key's is text.
        position = None if self.cursor is None else cast(str | None, self.cursor.position)
        rows = queryset.order_by(*(_reverse_ordering(key) if reverse else key))
        if position is not None:
            rows = rows.filter(self._beyond(queryset, key, position, reverse=reverse))
        results = list(rows[: self.page_size + 1])
        self.page = results[: self.page_size]
        following = (
            self._get_position_from_instance(results[-1], key)
            if len(results) > len(self.page)
            else None
        )
        if reverse:
            self.page.reverse()
            self.has_next, self.next_position = position is not None, position
            self.has_previous, self.previous_position = following is not None, following
        else:
            self.has_next, self.next_position = following is not None, following
            self.has_previous, self.previous_position = position is not None, position
        self.display_page_controls = self.has_previous or self.has_next
        return self.page

    def _beyond(
        self, queryset: QuerySet[Any, Any], key: Sequence[str], position: str, *, reverse: bool
    ) -> Q:
        """Rows after the key ``position`` names (before it, going back)."""
        parts = position.split(self.separator)
        if len(parts) != len(key):
            raise NotFound(self.invalid_cursor_message)
        try:
            values = [
                queryset.model._meta.get_field(name).to_python(part)
                for name, part in zip(key, parts, strict=True)
            ]
        except ValidationError as error:
            raise NotFound(self.invalid_cursor_message) from error
        columns = Tuple(*(F(name) for name in key))
        lookup = TupleLessThan if reverse else TupleGreaterThan
        return Q(lookup(columns, values))

    def _get_position_from_instance(self, instance: Any, ordering: Sequence[str]) -> str:
        if len(ordering) == 1:
            return super()._get_position_from_instance(instance, ordering)
        values = (
            (instance[name] for name in ordering)
            if isinstance(instance, dict)
            else (getattr(instance, name) for name in ordering)
        )
        return self.separator.join(str(value) for value in values)


class KeysetPaginationWithNumberedPages(KeysetPagination):
    """Keyset pages, while ``?page=N`` is still answered with the numbered page and its count,
    in the list's own order, as before keyset pages (deprecated; see CHANGELOG.md)."""

    numbered: StandardPagination | None = None

    def paginate_queryset(
        self,
        queryset: QuerySet[Any, Any] | Sequence[Any],
        request: Request,
        view: APIView | None = None,
    ) -> list[Any] | None:
        if "page" in request.query_params:
            self.numbered = StandardPagination()
            return self.numbered.paginate_queryset(queryset, request, view)
        self.numbered = None
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        if self.numbered is not None:
            return self.numbered.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        page = {
            "name": "page",
            "required": False,
            "in": "query",
            "description": "Deprecated: a numbered page, with the count, in the list's own "
            "order. Follow `next` instead.",
            "deprecated": True,
            "schema": {"type": "integer"},
        }
        return [*super().get_schema_operation_parameters(view), page]
