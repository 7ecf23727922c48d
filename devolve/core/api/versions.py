"""Optimistic concurrency over HTTP (``devolve.core.concurrency``): a record's version goes out as
its ETag and comes back in ``If-Match``; a write whose ``If-Match`` no longer matches is refused
with 409 and what changed. A write without ``If-Match`` is not checked."""

from typing import Any

from django.db import models
from django.utils.http import parse_etags, quote_etag
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.core.concurrency import version_of


def expected_version(request: Request) -> str | None:
    """The version named in ``If-Match`` (the first, when several); None for none or ``*``."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    tags = parse_etags(header)  # quoted, weak marks removed
    return tags[0].strip('"') if tags else None


def with_version(response: Response, record: models.Model) -> Response:
    response["ETag"] = quote_etag(version_of(record))
    return response


class VersionedRetrieveMixin:
    """For an editable record's viewset, first among the bases: its detail carries the ETag."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One record. Its ETag is its version: send it in If-Match when changing the record."""
        record = self.get_object()  # type: ignore[attr-defined]
        serializer = self.get_serializer(record)  # type: ignore[attr-defined]
        return with_version(Response(serializer.data), record)


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The record's ETag from your last read. If the record changed since, the write "
    "is refused with 409 and nothing is saved. Without it the write is not checked.",
)
STALE = OpenApiResponse(
    description="The record changed since the ETag in If-Match: nothing was saved. The body has "
    "code `stale`, `version` (the current ETag), `changed_by`, `changed_at`, `changes` (field, "
    "before, after) and `parts_changed`."
)
