"""API list pages kept as the bytes they rendered, under the version of the rows they read (ADR
0057).

A list that declares ``page_inputs`` (every model with history whose rows its pages read: the
list's own, each relation it shows, each its scope or filters join) keeps each page it answered
in the ``api-pages`` cache, keyed by the view, the request's absolute URL (path, filters,
cursor, host), its language, the media type, the caller's scope (``page_scope``) and the
**version of the inputs**: the newest history row of each, read in one query before anything
else. A write to any of those rows through the services records a history row (``core.history``:
a save, a bulk insert with its history, an ``UPDATE`` followed by ``write_history_in_sql`` or
``bulk_history_create``), so the version changes and the next request reads the page afresh; a
repeated request costs its authentication, throttle, the version query and a cache read.

A page is stored only when the version it was read under is settled: on PostgreSQL, when no
transaction was in progress as the version was read. History ids come from a sequence, so a
transaction still running may hold an id below the newest committed one; when it commits, the
newest id would not change. With none in progress, every later history row gets a higher id.
SQLite has one writer at a time, so ids are committed in the order they are taken.
"""

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connections, models, router
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

# The cache pages are kept in (``CACHES``), and how long a page stays when nothing asks for it.
PAGES = "api-pages"
KEEP_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class DataVersion:
    """The newest history row (id, date) of each input model, and whether no transaction that
    could still add an older one was in progress as it was read."""

    inputs: tuple[type[models.Model], ...]
    newest: tuple[tuple[Any, Any], ...]
    settled: bool

    def last_changed(self, *of: type[models.Model]) -> datetime.datetime | None:
        """When a row of ``of`` (each among the inputs) last changed, as ``last_changed``."""
        moments = []
        for model, (_history_id, moment) in zip(self.inputs, self.newest, strict=True):
            if model in of and moment is not None:
                moments.append(_as_datetime(moment))
        return max(moments, default=None)


def _as_datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
    parsed = parse_datetime(str(value))  # SQLite hands a raw aggregate back as text
    assert parsed is not None  # noqa: S101 — a history date column
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, datetime.UTC)


@cache
def _version_sql(inputs: tuple[type[models.Model], ...], vendor: str) -> str:
    quote = connections["default"].ops.quote_name
    parts = []
    for model in inputs:
        history = model.history.model  # type: ignore[attr-defined]
        table = quote(history._meta.db_table)
        parts.append(f"(SELECT MAX({quote('history_id')}) FROM {table})")  # noqa: S608 — names
        parts.append(f"(SELECT MAX({quote('history_date')}) FROM {table})")  # noqa: S608
    if vendor == "postgresql":
        # The snapshot the statement reads: no transaction in progress in it, so none holds a
        # history id below the newest one read here.
        parts.append("NOT EXISTS (SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()))")
    return "SELECT " + ", ".join(parts)


def data_version(inputs: Sequence[type[models.Model]], *, using: str) -> DataVersion:
    """The version of ``inputs`` on database ``using``, in one query."""
    connection = connections[using]
    inputs = tuple(inputs)
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(inputs, connection.vendor))
        row = cursor.fetchone()
    newest = tuple((row[2 * place], row[2 * place + 1]) for place in range(len(inputs)))
    settled = bool(row[-1]) if connection.vendor == "postgresql" else connection.vendor == "sqlite"
    return DataVersion(inputs=inputs, newest=newest, settled=settled)


class StoredPage(Response):
    """A page answered from its stored bytes: DRF finalizes it as any response (``Allow``,
    ``Vary``, the view's own headers), and it renders as the bytes it was."""

    def __init__(self, content: bytes, content_type: str) -> None:
        super().__init__()
        self._stored = content
        self._stored_type = content_type

    @property
    def data(self) -> Any:
        """What the page holds, read back from its bytes (for callers that inspect it)."""
        stored = getattr(self, "_stored", None)
        return None if stored is None else json.loads(stored)

    @data.setter
    def data(self, value: Any) -> None:
        pass  # a stored page holds its bytes, not data

    @property
    def rendered_content(self) -> bytes:  # type: ignore[override]
        self["Content-Type"] = self._stored_type
        return self._stored


# For a DRF list view, first among its bases (before ``RowListMixin``): the list's pages are
# stored under the version of ``page_inputs``. No docstring: drf-spectacular would describe
# every view without one of its own with it.
class StoredPagesMixin:
    # Every model with history whose rows a page of the list reads (the list's model, each
    # relation its serializer shows, each its scope and filters read); the tests check them
    # against the queries an unstored page runs.
    page_inputs: Sequence[type[models.Model]] = ()

    def page_scope(self, user: Any) -> tuple[Any, ...]:
        """What the list's scope depends on for a signed-in ``user`` (read afresh on every
        request): by default, who the user is."""
        return ("user", user.pk)

    def stored_version(self) -> DataVersion | None:
        """The version this request's page was read or stored under, once ``list`` ran."""
        return getattr(self, "_stored_version", None)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self._may_store(request):
            return super().list(request, *args, **kwargs)  # type: ignore[misc,no-any-return]
        using = router.db_for_read(self.page_inputs[0])
        version = data_version(self.page_inputs, using=using)
        self._stored_version = version
        key = self._page_key(request, version, using)
        found = caches[PAGES].get(key)
        if found is not None:
            content, content_type = found
            return StoredPage(content, content_type)
        response: Response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        if version.settled:
            self._store_as = key
        return response

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        key = getattr(self, "_store_as", None)
        if (
            key is not None
            and response.status_code == 200
            and isinstance(response, Response)
            and not isinstance(response, StoredPage)
        ):
            response.render()
            caches[PAGES].set(key, (response.content, response["Content-Type"]), KEEP_SECONDS)
        return response

    def _may_store(self, request: Request) -> bool:
        return (
            bool(self.page_inputs)
            and request.method in {"GET", "HEAD"}
            and type(getattr(request, "accepted_renderer", None)) is JSONRenderer
            and getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        )

    def _page_key(self, request: Request, version: DataVersion, using: str) -> str:
        user = request.user
        scope = self.page_scope(user) if user.is_authenticated else ("anonymous",)
        view = type(self)
        described = repr(
            (
                f"{view.__module__}.{view.__qualname__}",
                using,
                request.build_absolute_uri(),
                translation.get_language(),
                request.accepted_media_type,
                scope,
                version.newest,
            )
        )
        return "devolve:api-page:" + hashlib.sha256(described.encode()).hexdigest()
