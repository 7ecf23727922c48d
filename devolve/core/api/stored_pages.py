"""API list pages kept as the answers they were, under the version of the rows they read (ADR
0057, ADR 0064).

A list that declares ``page_inputs`` (every model with history whose rows its pages read: the
list's own, each relation it shows, each its scope or filters join) keeps each page it answered
in the ``api-pages`` cache, as its bytes and headers, keyed by the view, the database read, the
request's absolute URL (path, filters, cursor, host), its language, its Accept header (with the
URL, all that content negotiation reads), the caller's scope (``page_scope``) and the **version
of the inputs** (``core.derived.data_version``: the newest history row of each, one query). A
write to any of those rows through the services records a history row (``core.history``), so the
version changes and the next request reads the page afresh. Only a page read under a settled
version is kept (``core.derived``: no transaction that could still commit beneath it was in
progress).

An anonymous ``GET`` is answered **before DRF's dispatch** when its page is kept: the answer's
headers are fixed by the key (content type, ``Allow``, ``Vary``, ``ETag``, ``Last-Modified``,
``Cache-Control``), so the view only reads the version, runs its throttles on the request as DRF
would (the anonymous rate; the signed-in one counts nobody here) and answers the kept bytes, or
the 304 a conditional request still matching them gets (``core.api.caching.not_modified``).
The middleware's headers (security, CSP, language) are added to it as to any answer. A signed-in
caller, a request with an ``Authorization`` header, one with a write's precondition or one not
kept goes through DRF: authenticated, checked and throttled as any request, then answered from
the kept page or read afresh.
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import models, router
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.core.api.caching import not_modified
from devolve.core.derived import DataVersion, data_version

# The cache pages are kept in (``CACHES``), and how long a page stays when nothing asks for it.
PAGES = "api-pages"
KEEP_SECONDS = 24 * 60 * 60
ANONYMOUS = ("anonymous",)
# Set on a Django request whose throttles ran before DRF's dispatch and refused it: how long
# each refusing throttle asks the caller to wait. DRF's dispatch refuses it with them, without
# counting the request a second time.
_THROTTLED = "_devolve_throttled_before_dispatch"


class StoredPage(Response):
    """A page answered from its stored bytes through DRF (a signed-in caller): DRF finalizes it
    as any response (``Allow``, ``Vary``, the view's own headers), and it renders as the bytes
    it was."""

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


# For a DRF list viewset, first among its bases (before ``RowListMixin``): the list's pages are
# stored under the version of ``page_inputs``. No docstring: drf-spectacular would describe
# every view without one of its own with it.
class StoredPagesMixin:
    # Every model with history whose rows a page of the list reads (the list's model, each
    # relation its serializer shows, each its scope and filters read); the tests check them
    # against the queries an unstored page runs.
    page_inputs: Sequence[type[models.Model]] = ()

    def page_scope(self, user: Any) -> tuple[Any, ...] | None:
        """What the list's scope depends on for a signed-in ``user`` (read afresh on every
        request): by default, who the user is; None when a signed-in user's pages are not
        stored (what they show of the user is more than a scope)."""
        return ("user", user.pk)

    def page_context(self, request: HttpRequest | Request) -> tuple[Any, ...]:
        """What else a page depends on, beyond its URL, language, media type, scope and rows:
        today's date, for a list that reads the day when the request names none."""
        return ()

    def stored_version(self) -> DataVersion | None:
        """The version this request's page was read or stored under, once ``list`` ran."""
        return getattr(self, "_stored_version", None)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        answer = self._answer_before_dispatch(request)
        if answer is not None:
            return answer
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]

    def check_throttles(self, request: Request) -> None:
        durations = getattr(request._request, _THROTTLED, None)
        if durations is None:
            super().check_throttles(request)  # type: ignore[misc]
        elif durations:  # as DRF's own check refuses
            known = [duration for duration in durations if duration is not None]
            self.throttled(request, max(known, default=None))  # type: ignore[attr-defined]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not (self._may_store(request) and type(request.accepted_renderer) is JSONRenderer):
            # The browsable API (and any other renderer) is never stored.
            return super().list(request, *args, **kwargs)  # type: ignore[misc,no-any-return]
        scope = self.page_scope(request.user) if request.user.is_authenticated else ANONYMOUS
        if scope is None:
            return super().list(request, *args, **kwargs)  # type: ignore[misc,no-any-return]
        using, version = self._version(request)
        key = self._page_key(request, scope, version, using)
        found = caches[PAGES].get(key)
        if found is not None:
            content, headers = found
            return StoredPage(content, dict(headers)["Content-Type"])
        response: Response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        if version.settled:
            self._store_as = key
        return response

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:  # or the 304 of ``CacheableReadMixin``
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        key = getattr(self, "_store_as", None)
        if (
            key is not None
            and response.status_code == 200
            and isinstance(response, Response)
            and not isinstance(response, StoredPage)
        ):
            response.render()
            kept = (response.content, tuple(response.headers.items()))
            caches[PAGES].set(key, kept, KEEP_SECONDS)
        return response

    def _answer_before_dispatch(self, request: HttpRequest) -> HttpResponseBase | None:
        """The kept answer to an anonymous ``GET`` of the list, or None: DRF answers it."""
        if not (
            request.method == "GET"
            and getattr(self, "action_map", {}).get("get") == "list"
            and "HTTP_AUTHORIZATION" not in request.META  # not ``headers``: built from all
            and not request.user.is_authenticated
            and self._may_store(request)
        ):
            return None
        using, version = self._version(request)
        found = caches[PAGES].get(self._page_key(request, ANONYMOUS, version, using))
        if found is None:
            return None
        durations = [
            throttle.wait()
            for throttle in self.get_throttles()  # type: ignore[attr-defined]
            if not throttle.allow_request(request, self)
        ]
        if durations:
            setattr(request, _THROTTLED, durations)
            return None
        content, headers = found
        answer = HttpResponse(content, headers=dict(headers))
        return not_modified(request, answer) or answer

    def _version(self, request: HttpRequest | Request) -> tuple[str, DataVersion]:
        """The version of the inputs on the database this request reads, read once a request."""
        if getattr(self, "_stored_version", None) is None:
            self._stored_using = router.db_for_read(self.page_inputs[0])
            self._stored_version = data_version(self.page_inputs, using=self._stored_using)
        return self._stored_using, self._stored_version

    def _may_store(self, request: HttpRequest | Request) -> bool:
        return (
            bool(self.page_inputs)
            and request.method in {"GET", "HEAD"}
            and not request.META.get("HTTP_IF_MATCH")
            and not request.META.get("HTTP_IF_UNMODIFIED_SINCE")
            and getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        )

    def _page_key(
        self,
        request: HttpRequest | Request,
        scope: tuple[Any, ...],
        version: DataVersion,
        using: str,
    ) -> str:
        view = type(self)
        # Plain values only: their ``repr`` is quick (the version's dates are in its token).
        described = repr(
            (
                f"{view.__module__}.{view.__qualname__}",
                using,
                request.build_absolute_uri(),
                translation.get_language(),
                # With the URL (``format``, a suffix), all that DRF's negotiation reads.
                request.META.get("HTTP_ACCEPT", ""),
                scope,
                self.page_context(request),
                version.token,
            )
        )
        return "devolve:api-page:" + hashlib.sha256(described.encode()).hexdigest()
