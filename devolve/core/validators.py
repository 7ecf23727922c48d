"""Validators (ETag and Last-Modified) for the public pages and downloads, and the 304 a
conditional request that still matches them gets without the view running (ADR 0076).

An anonymous ``GET`` or ``HEAD`` of a wrapped view (``public_validators``; the portal wraps
every route it has, ``with_public_validators``) is answered with an ETag computed **before the
view**, from everything the answer depends on:

- the **data version of every model with history** (``core.derived.data_version`` over all of
  them: one query, the newest history row of each). Any recorded write anywhere changes it, so
  no page needs to declare what it reads and none can forget a table; the price is that any
  write makes every page's validator new, which costs one full answer per page and client.
- **today's date** (grants in effect, "as of" figures, deadlines), in the site's time zone;
- the request: its host, path and query string, its language, its ``Cookie`` header (the CSRF
  token of the language switch is in every page's body and must match the client's cookie), its
  ``Accept`` header and its htmx headers (a partial is another answer);
- the **code version**: a hash of the project's files (Python, templates, translations, static
  sources, settings), the static manifest and the runtime lock, read once per process (warmed
  by ``core.serving.ready_to_serve``), so a release never answers a 304 for a page an older
  release rendered.

Only a **settled** version is used (``core.derived``: no transaction that could still commit a
history row beneath it was in progress); otherwise the page is answered in full without
validators. Last-Modified is the latest of the newest history row, the start of today and the
code's newest file; ``If-Modified-Since`` alone is honoured only for a request without cookies
(a date cannot tell a rotated CSRF cookie apart). Signed-in requests (or any carrying a session
cookie: a session may hold messages) get no validators and are never answered 304 here. Every
answer varies on ``Cookie`` and ``Accept-Language``; a page answered with validators carries
``Cache-Control: no-cache`` (kept, revalidated before each use) unless the view set its own.
"""

import datetime
import functools
import hashlib
import importlib.metadata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from simple_history.manager import HistoryManager

from devolve.core.derived import DataVersion, data_version

View = Callable[..., HttpResponseBase]

VARY = ("Cookie", "Accept-Language", "HX-Request")
# Files of the project whose change changes what a page says.
_CODE_SUFFIXES = {".py", ".html", ".txt", ".mo", ".json", ".css", ".js", ".svg", ".xml", ".csv"}
_SKIPPED_DIRECTORIES = {"__pycache__", "tests", "testing"}


@functools.cache
def history_models() -> tuple[type[models.Model], ...]:
    """Every model whose writes are recorded with history, in a stable order."""
    found = [
        model
        for model in apps.get_models()
        if isinstance(getattr(model, "history", None), HistoryManager)
    ]
    return tuple(sorted(found, key=lambda model: model._meta.label))


def public_version() -> DataVersion:
    """The version of every table with history: one query."""
    return data_version(history_models())


@functools.cache
def code_version() -> tuple[str, float]:
    """A hash of the code that renders pages, and the time of its newest file: read once per
    process (a release restarts the workers)."""
    import config  # the settings package: next to the project's own

    digest = hashlib.sha256()
    newest = 0.0
    roots = [Path(__file__).resolve().parents[1], Path(config.__file__).resolve().parent]
    for root in roots:
        for path in sorted(_code_files(root)):
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
            newest = max(newest, path.stat().st_mtime)
    manifest = Path(str(getattr(settings, "STATIC_ROOT", "") or "")) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
        newest = max(newest, manifest.stat().st_mtime)
    digest.update(_dependencies())
    return digest.hexdigest()[:32], newest


def _dependencies() -> bytes:
    """The runtime lock the project is installed from (every version pinned, with hashes), or
    without it the installed distributions' versions (slower: about 0.3 s)."""
    lock = Path(__file__).resolve().parents[2] / "requirements" / "runtime.txt"
    if lock.is_file():
        return lock.read_bytes()
    return "\n".join(
        sorted(
            f"{dist.metadata['Name']}=={dist.version}"
            for dist in importlib.metadata.distributions()
        )
    ).encode()


def _code_files(root: Path) -> Iterable[Path]:
    for path in root.rglob("*"):
        if _SKIPPED_DIRECTORIES.intersection(path.relative_to(root).parts[:-1]):
            continue
        if path.suffix in _CODE_SUFFIXES and path.is_file():
            yield path


def is_anonymous(request: HttpRequest) -> bool:
    """No session cookie (so no signed-in user and no session messages) and no user."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _request_parts(request: HttpRequest) -> tuple[str, ...]:
    headers = request.headers
    htmx = sorted(
        f"{name}:{value}" for name, value in headers.items() if name.lower().startswith("hx-")
    )
    return (
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        get_language() or "",
        headers.get("Cookie", ""),
        headers.get("Accept", ""),
        *htmx,
    )


def validators(request: HttpRequest, version: DataVersion) -> tuple[str, datetime.datetime]:
    """The ETag and Last-Modified of the public answer to ``request`` under ``version``."""
    code, code_changed = code_version()
    today = timezone.localdate()
    described = repr((_request_parts(request), version.token, today.isoformat(), code))
    etag = quote_etag(hashlib.sha256(described.encode()).hexdigest()[:32])
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    moments = [
        version.last_changed(*version.inputs),
        start_of_today,
        datetime.datetime.fromtimestamp(code_changed, tz=datetime.UTC),
    ]
    return etag, max(moment for moment in moments if moment is not None)


def _validated(response: HttpResponseBase, etag: str, changed: datetime.datetime) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed.timestamp())
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = "no-cache"


def public_validators(view: View) -> View:
    """``view`` answering anonymous reads with validators, and 304 when they still match."""

    @functools.wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in {"GET", "HEAD"} or not is_anonymous(request):
            return _varied(view(request, *args, **kwargs))
        version = public_version()
        if not version.settled:
            return _varied(view(request, *args, **kwargs))
        etag, changed = validators(request, version)
        # A date cannot tell a rotated cookie apart: alone, it is trusted without cookies only.
        dated = "HTTP_IF_NONE_MATCH" in request.META or not request.COOKIES
        conditional = get_conditional_response(
            request, etag=etag, last_modified=int(changed.timestamp()) if dated else None
        )
        if conditional is not None and conditional.status_code == 304:
            unchanged = HttpResponse(status=304)
            del unchanged["Content-Type"]
            _validated(unchanged, etag, changed)
            return _varied(unchanged)
        if conditional is not None:
            return _varied(conditional)  # 412: a write's precondition that no longer holds
        response = view(request, *args, **kwargs)
        if response.status_code == 200:  # a file streamed too: its validators name no bytes
            _validated(response, etag, changed)
        return _varied(response)

    return answer


def _varied(response: HttpResponseBase) -> HttpResponseBase:
    patch_vary_headers(response, VARY)
    return response


def with_public_validators(patterns: list[URLPattern]) -> list[URLPattern]:
    """``patterns`` with each view wrapped in ``public_validators``."""
    for pattern in patterns:
        pattern.callback = public_validators(pattern.callback)
    return patterns
