"""How API lists are paged: numbered pages with a count for lists that stay small (an edition's
entries, a round's assessments), keyset pages for lists that grow with the programme (ADR 0035)."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(CursorPagination):
    """Pages in the order of the primary key, each page continuing after the last key of the one
    before (``next`` carries it as an opaque ``cursor``): page 1,000 costs what page 1 costs, and
    no page counts the whole list. ``previous`` goes back; there is no ``count``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "pk"


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
