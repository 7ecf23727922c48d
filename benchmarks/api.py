"""Benchmark of every ``/api/v1/`` list and detail endpoint, anonymous and as an office user.

For each list of the API (its routes ending in ``-list``, plus the nested entries of an edition
and its take-up matrix): the first page, a deep page (keyset lists: the page after the middle
key; numbered lists: the middle page) and the detail of the first row, each requested ``repeat``
times through the test client after one first request; the line shows p50 and p95 of the
repeated requests, the CPU time of this process a request (p50), the SQL queries and the
database's time (``connection.queries``) of the first request, and the first request's time
(which reads afresh what a stored page then answers).

It only reads: the office user is an unsaved ``User`` handed to every request (no session row,
no sign-in write), so it can run against a read-only set such as ``devolve_national_full``;
``PGOPTIONS='-c default_transaction_read_only=on'`` makes PostgreSQL refuse any write::

    export PGOPTIONS='-c default_transaction_read_only=on'
    DATABASE_URL=postgres://…/devolve_national_full .venv/bin/python -m benchmarks.api [N [NAME]]

NAME keeps only the endpoints whose name contains it; ``-NAME,OTHER`` leaves out those whose name
contains either.
"""

import base64
import os
import sys
import time
from dataclasses import dataclass
from typing import Any
from unittest import mock
from urllib.parse import urlencode

from benchmarks.database import set_up_as_an_app_node
from benchmarks.pages import repeated

TARGET_MS = 300.0


@dataclass(frozen=True)
class Measured:
    p50: float
    p95: float
    cpu: float
    first: float
    queries: int
    db: float  # the database's time of the first request, as connection.queries has it
    size: int
    status: int


def measure(client: Any, url: str, *, repeat: int) -> Measured:
    from django.db import connection, reset_queries

    reset_queries()
    with mock.patch.object(connection, "force_debug_cursor", True):
        started = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT="application/json")
        first = time.perf_counter() - started
        logged = list(connection.queries)
    p50, p95, cpu = repeated(lambda: client.get(url, HTTP_ACCEPT="application/json"), repeat=repeat)
    return Measured(
        p50=p50,
        p95=p95,
        cpu=cpu,
        first=first,
        queries=len(logged),
        db=sum(float(query["time"]) for query in logged),
        size=len(response.content),
        status=response.status_code,
    )


def office_user() -> Any:
    from devolve.accounts.models import User

    return User(pk=2_000_000_000, username="bench-office", role=User.Role.OFFICE, is_active=True)


def _deep_cursor(model: Any, ordering: str | tuple[str, ...] = "pk") -> str | None:
    """The cursor of the page after the middle key of ``model``'s table (ADR 0035): halfway
    between its first and last key (counting ten million rows to find the median costs
    seconds); a key of several columns (ADR 0071) takes each column's halfway value. None for a
    key that is not numbers."""
    from django.db.models import Max, Min

    from devolve.core.api.pagination import KeysetPagination

    columns = (ordering,) if isinstance(ordering, str) else ordering
    middle = []
    for column in columns:
        keys = model._default_manager.aggregate(low=Min(column), high=Max(column))
        if not all(isinstance(keys[end], int | None) for end in ("low", "high")):
            return None
        middle.append(str(((keys["low"] or 0) + (keys["high"] or 0)) // 2))
    return base64.b64encode(f"p={KeysetPagination.separator.join(middle)}".encode()).decode()


def change_log_cursor(fraction: float) -> str:
    """The cursor of the change log's page (ADR 0073) that starts ``fraction`` of the way from
    its newest change's time to its oldest's; 1 (or more) gives its last page, after all but
    its oldest 50 changes. Two queries whatever the log's length."""
    from devolve.core.api.changes import ChangeLogPagination
    from devolve.core.changelog import ChangeCriteria, ChangePosition, changes_from

    log = ChangeCriteria()
    (newest,) = changes_from(log, limit=1)
    oldest = list(changes_from(log, limit=50, newest_first=False))
    if fraction >= 1:
        position = ChangePosition.of(oldest[-1])
    else:
        span = newest["log_changed_at"] - oldest[0]["log_changed_at"]
        position = ChangePosition(newest["log_changed_at"] - span * fraction, 0, 0)
    text = ChangeLogPagination.position_text(position)
    return base64.b64encode(urlencode({"p": text}).encode()).decode()


def endpoints() -> dict[str, tuple[str, str, Any]]:
    """Name → (first page, deep page, a detail) for every list of the API."""
    from django.db.models import Count
    from django.urls import get_resolver, resolve, reverse
    from rest_framework.pagination import CursorPagination

    from devolve.matters.models import AnnualList

    found: dict[str, tuple[str, str, Any]] = {}
    resolver = get_resolver()
    api = resolver.namespace_dict["api"][1]
    edition = (
        AnnualList.objects.filter(status=AnnualList.Status.PUBLISHED)
        .annotate(grants=Count("entries__grants"))
        .order_by("-grants", "pk")
        .first()
    )
    for name in sorted({key for key in api.reverse_dict if isinstance(key, str)}):
        if not name.endswith("-list") or name == "list-entry-list":
            continue
        url = reverse(f"api:{name}")
        view = resolve(url).func
        cls = getattr(view, "cls", None)
        if cls is None:
            continue
        # The list's model: its queryset's, or (a list built in ``get_queryset``) its
        # serializer's.
        model = getattr(getattr(cls, "queryset", None), "model", None) or getattr(
            getattr(getattr(cls, "serializer_class", None), "Meta", None), "model", None
        )
        pagination = getattr(cls, "pagination_class", None)
        deep = url
        if name == "change-list":
            deep = f"{url}?{urlencode({'cursor': change_log_cursor(0.5)})}"
        elif pagination is not None and issubclass(pagination, CursorPagination) and model:
            cursor = _deep_cursor(model, pagination.ordering)
            deep = url if cursor is None else f"{url}?{urlencode({'cursor': cursor})}"
        found[name.removesuffix("-list")] = (url, deep, (name.removesuffix("-list"), cls))
    if edition is not None:
        key = edition.key
        entries = f"/api/v1/annual-lists/{key}/entries/"
        found["list-entry"] = (entries, entries, None)
        take_up = f"/api/v1/annual-lists/{key}/take-up/"
        found["take-up"] = (take_up, take_up, None)
    return found


def _with_numbered_deep(
    client: Any, first_url: str, deep_url: str, route: Any
) -> tuple[str, str | None]:
    """The deep page of a numbered list (the middle one, from its count) and the address of
    the first row's detail, read from the first page."""
    response = client.get(first_url, HTTP_ACCEPT="application/json")
    detail = None
    if response.status_code != 200:
        return deep_url, None
    body = response.json()
    rows = body.get("results") if isinstance(body, dict) else body
    if rows and isinstance(rows[0], dict):
        detail = rows[0].get("url") or _detail_url(rows[0], route)
    if deep_url == first_url and isinstance(body, dict) and body.get("count"):
        middle = max(1, body["count"] // 50 // 2)
        sep = "&" if "?" in first_url else "?"
        deep_url = f"{first_url}{sep}page={middle}"
    return deep_url, detail


def _detail_url(row: dict[str, Any], route: Any) -> str | None:
    from django.urls import NoReverseMatch, reverse

    if route is None:
        return None
    basename, cls = route
    lookup = getattr(cls, "lookup_field", "pk")
    value = row.get(lookup, row.get("id")) if lookup == "pk" else row.get(lookup)
    if value is None:
        return None
    try:
        return reverse(
            f"api:{basename}-detail",
            kwargs={getattr(cls, "lookup_url_kwarg", None) or lookup: value},
        )
    except NoReverseMatch:
        return None


def run(*, repeat: int, only: str = "") -> None:
    from django.test.utils import override_settings

    # The office user's requests keep a session (when it was signed in and last seen, for the
    # idle and absolute time-outs): in signed cookies, so that nothing is written.
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"):
        _run(repeat=repeat, only=only)


def _run(*, repeat: int, only: str) -> None:
    from django.test import Client

    user = office_user()
    anonymous, office = Client(), Client()
    load = os.getloadavg()
    print(  # noqa: T201
        f"API at load average {load[0]:.1f} / {load[1]:.1f}: p50 / p95 over {repeat} requests,"
        " CPU a request (p50), then the first request: SQL queries, database time, wall time"
    )
    for name, (first_url, deep_url, route) in endpoints().items():
        if only.startswith("-"):
            left_out = any(part in name for part in only[1:].split(","))
        else:
            left_out = only not in name
        if left_out:
            continue
        for who, client in (("anonymous", anonymous), ("office", office)):
            patch = mock.patch(
                "django.contrib.auth.get_user",
                (lambda request: user) if who == "office" else _anonymous_user,
            )
            with patch:
                deep, detail = _with_numbered_deep(client, first_url, deep_url, route)
                pages = {"first": first_url, "deep": deep}
                if detail:
                    pages["detail"] = detail
                for page, url in pages.items():
                    if page == "deep" and url == first_url:
                        continue
                    result = measure(client, url, repeat=repeat)
                    flag = "" if result.p95 * 1000 <= TARGET_MS else f"  > {TARGET_MS:.0f} ms"
                    status = "" if result.status == 200 else f"  HTTP {result.status}"
                    label = f"{name} {page} ({who})"
                    print(  # noqa: T201
                        f"{label:<44} {result.p50 * 1000:7.1f} {result.p95 * 1000:7.1f} ms"
                        f" {result.cpu * 1000:6.1f} ms CPU {result.queries:3d} q"
                        f" {result.db * 1000:7.1f} ms DB  first {result.first * 1000:7.0f} ms"
                        f" {result.size / 1024:7.0f} kB{flag}{status}",
                        flush=True,
                    )


def _anonymous_user(request: Any) -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def main() -> None:
    set_up_as_an_app_node()
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    only = sys.argv[2] if len(sys.argv) > 2 else ""
    run(repeat=repeat, only=only)


if __name__ == "__main__":
    main()
