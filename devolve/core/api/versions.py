"""Optimistic concurrency over HTTP (``devolve.core.concurrency``, ADR 0040): a record's version
goes out as its ETag and comes back in ``If-Match``. A write to a versioned record without
``If-Match`` is refused with 428; one whose ``If-Match`` no longer matches with 412 and what
changed. ``If-Match: *`` writes whatever the record holds now, as the client asked.

A write's checks come in this order, so each answer tells the caller only what the one before
allowed: the record in the caller's scope (404), the caller allowed to change it (403), the
version (428, 412), then the body (400); ``check_write`` does the middle two."""

from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.core.concurrency import ensure_unchanged, version_of
from devolve.core.errors import DomainError, NotAllowed


class VersionRequired(DomainError):
    """A write to a versioned record named no version: it could undo a change unseen."""

    status_code = 428

    def __init__(self) -> None:
        super().__init__(
            "version_required",
            _(
                "Send the record's ETag from your last read of it in If-Match: without it, this "
                "change could undo someone else's unseen. Nothing was saved."
            ),
        )


def check_write(
    request: Request, record: models.Model, *, allowed: bool, refusal: str | Promise
) -> str | None:
    """The version to hand to the service, once the caller may change ``record`` (``allowed``,
    else ``NotAllowed`` with ``refusal``) and ``If-Match`` names its current version
    (``VersionRequired`` without it, ``StaleEdit`` when it changed since). The service checks the
    version again under its row lock; checking here first refuses before the body is read."""
    if not allowed:
        raise NotAllowed(refusal)
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise VersionRequired()
    version = expected_version(request)
    ensure_unchanged(record, expected_version=version)
    return version


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
    required=True,
    description="The record's ETag from your last read of it. Without it the write is refused "
    "with 428; if the record changed since, with 412 and what changed; nothing is saved either "
    "way. `*` writes over whatever the record holds now.",
)
STALE = OpenApiResponse(
    description="The record changed since the ETag in If-Match: nothing was saved. The body has "
    "code `stale`, `version` (the current ETag), `changed_by`, `changed_at`, `changes` (field, "
    "before, after) and `parts_changed`."
)
VERSION_REQUIRED = OpenApiResponse(
    description="No If-Match: nothing was saved. Read the record, then send its ETag in "
    "If-Match (code `version_required`)."
)
VERSIONED_WRITE = {412: STALE, 428: VERSION_REQUIRED}
