"""Benchmark of the pages and API endpoints issue 19 lists, on a generated data set.

Each case is requested ``repeat`` times through the test client (signed in as an office user for
staff pages); the line shows p50 and p95, the SQL queries of one request, the response size and
p50's ratio to the baseline, the sign-in page measured in the same run. Then deriving a draft
from the edition with the most entries (rolled back). The query count must not grow with the
data: compare it between sizes.

In ``make bench`` it runs on the throwaway database after ``devolve generate_scale`` at a small
size (``SMALL``). For a national measurement, generate the set into a database of its own
(docs/how-to/measure-at-scale.md) and run alone against it:
``DATABASE_URL=postgres://…/devolve_scale .venv/bin/python -m benchmarks.pages [REPEAT [NAME]]``,
where NAME keeps only the cases whose name contains it (``edition``: the edition, its take-up
grid and its staff page). With ``--after-change`` each case is also requested ``repeat`` times
with the figures ``core.derived`` keeps thrown away before each request: what the first request
after a change of the data (a new data version) pays, p50 and p95.
"""

import base64
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode

from benchmarks.database import set_up_as_an_app_node

# A small set for the default run: enough rows that per-row work shows, quick to generate.
SMALL = {
    "provinces": 2,
    "zones": 200,
    "pilot_areas": 30,
    "entries": 300,
    "grants": 3000,
    "usage_rows": 20_000,
    "observations": 5000,
}
TARGET_MS = 300.0
SEARCHED = "模拟"  # two characters ("simulated"), in every generated name: the most hits


@dataclass(frozen=True)
class Measured:
    p50: float
    p95: float
    cpu: float  # this process's CPU time of a request, median (the database's is not counted)
    first: float  # the first request, which may fill a cache the others read
    queries: int
    size: int
    status: int


def repeated(request: Callable[[], object], *, repeat: int) -> tuple[float, float, float]:
    """``request()`` made ``repeat`` times: the p50 and p95 of its wall time and the median of
    this process's CPU time, in seconds."""
    samples, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        request()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, statistics.median(cpu)


def measure(client: Any, url: str, *, repeat: int) -> Measured:
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        response = client.get(url)
    first = time.perf_counter() - started
    p50, p95, cpu = repeated(lambda: client.get(url), repeat=repeat)
    return Measured(
        p50=p50,
        p95=p95,
        cpu=cpu,
        first=first,
        queries=len(queries),
        size=len(response.content),
        status=response.status_code,
    )


def cases() -> dict[str, tuple[str, Callable[[], object] | None]]:
    """Page name → (URL, the raw SQL returning its numbers, ``benchmarks/raw.py``, or None),
    resolved from the data: the edition with the most grants, the middle page of the grants API
    (reached by key), an area with accepted reports, the area report with the most lines, the
    first growth indicator's evaluation page for the first batch."""
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from benchmarks import raw
    from devolve.grants.models import Grant
    from devolve.indicators.selectors import list_growth_indicators
    from devolve.matters.models import AnnualList
    from devolve.regions.models import Batch
    from devolve.reporting.models import UsageLine

    def sql(query: Callable[..., object], **arguments: object) -> Callable[[], object]:
        def run() -> object:
            with connection.cursor() as cursor:
                return query(cursor, **arguments)

        return run

    today = timezone.localdate()
    edition = (
        AnnualList.objects.filter(status=AnnualList.Status.PUBLISHED)
        .annotate(grants=Count("entries__grants"))
        .order_by("-grants", "pk")
        .select_related("batch")
        .first()
    )
    # The area report with the most lines (a national one has about 500).
    report = (
        UsageLine.objects.values("report")
        .annotate(lines=Count("pk"))
        .order_by("-lines", "report")
        .values_list("report", flat=True)
        .first()
    )
    # The grants API pages by key (ADR 0035): a deep page is the one after the middle grant.
    grants = Grant.objects.count()
    middle_grant = Grant.objects.order_by("pk").values_list("pk", flat=True)[
        grants // 2 : grants // 2 + 1
    ]
    after = middle_grant[0] if middle_grant else 0
    deep = base64.b64encode(f"p={after}".encode()).decode()
    urls: dict[str, tuple[str, Callable[[], object] | None]] = {
        "portal overview": ("/en/", sql(raw.portal_overview, on=today)),
        "pilot-area list": ("/en/pilot-areas/", sql(raw.pilot_area_list, on=today)),
        "economy": (
            "/en/economy/",
            sql(raw.economy, on=today, province=settings.PROGRAMME_PROVINCE_CODE),
        ),
        "economy, in Chinese": (
            "/economy/",
            sql(raw.economy, on=today, province=settings.PROGRAMME_PROVINCE_CODE),
        ),
        "search (2 characters)": (
            f"/en/search/?{urlencode({'q': SEARCHED})}",
            sql(raw.search, text=SEARCHED),
        ),
        "grants API, first page": ("/api/v1/grants/", sql(raw.grants_page, after=0)),
        "grants API, middle page by key": (
            f"/api/v1/grants/?{urlencode({'cursor': deep})}",
            sql(raw.grants_page, after=after),
        ),
        "staff overview": ("/en/staff/overview/", sql(raw.staff_overview, on=today)),
        "reporting completeness": (
            "/en/staff/reporting/completeness/",
            sql(raw.completeness, on=today),
        ),
        "audit events": (
            "/en/staff/audit/",
            sql(raw.audit_events, history_tables=history_tables()),
        ),
    }
    indicator = list_growth_indicators().first()
    batch = Batch.objects.order_by("number").first()
    if indicator is not None and batch is not None:
        # The whole headline comparison (every year and group), where the overview reads each
        # batch's headline alone (ADR 0079); no raw SQL.
        urls["economy evaluation"] = (
            f"/en/economy/{indicator.code}/batch-{batch.number}/",
            None,
        )
    if report is not None:
        urls["area report"] = (
            f"/en/staff/reporting/area-reports/{report}/",
            sql(raw.area_report_lines, report_id=report),
        )
    if edition is not None:
        path = edition.get_absolute_url().removeprefix("/en").removeprefix("/")
        urls["edition"] = (f"/en/{path}", sql(raw.edition, annual_list_id=edition.pk))
        urls["edition take-up"] = (
            f"/en/{path}take-up/",
            sql(raw.take_up, annual_list_id=edition.pk),
        )
        urls["staff edition"] = (
            f"/en/staff/annual-lists/{edition.pk}/",
            sql(raw.edition, annual_list_id=edition.pk),
        )
    return urls


def history_tables() -> list[str]:
    """The tables of every model with history, as the change log reads them."""
    from devolve.core.changelog import models_with_history

    return [model.history.model._meta.db_table for model in models_with_history()]  # type: ignore[attr-defined]


def is_read_only() -> bool:
    """Whether the database refuses writes (``PGOPTIONS='-c default_transaction_read_only=on'``,
    as for the shared national set): then no user is saved and nothing is derived."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_read_only")
        return bool(cursor.fetchone()[0] == "on")


def office_client() -> Any:
    """A client signed in as an office user: saved (``bench-office``) on a writable database;
    on a read-only one an unsaved user handed to every request, as ``benchmarks/api.py`` does
    (the caller keeps ``signed_in_unsaved`` patched while it measures)."""
    from django.test import Client

    from devolve.accounts.models import User

    client = Client()
    if is_read_only():
        return client
    user = User.objects.filter(username="bench-office").first()
    if user is None:
        user = User.objects.create_user(username="bench-office", role=User.Role.OFFICE)
    client.force_login(user)
    return client


def signed_in_unsaved() -> Any:
    """On a read-only database, every request's user is an unsaved office user and sessions
    are kept in signed cookies; elsewhere nothing is patched."""
    import contextlib

    from django.test.utils import override_settings

    from benchmarks.api import office_user

    if not is_read_only():
        return contextlib.nullcontext()
    user = office_user()
    stack = contextlib.ExitStack()
    stack.enter_context(mock.patch("django.contrib.auth.get_user", return_value=user))
    # A page that touches the session (the sign-in page's test cookie) keeps it in a cookie.
    stack.enter_context(
        override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")
    )
    return stack


def run(
    *, repeat: int, label: str, only: str = "", after_change: bool = False
) -> list[dict[str, Any]]:
    """Every case, or with ``only`` those whose name contains it (and no derive run); each
    case's figures, as printed; with ``after_change``, the first request after a change too."""
    with signed_in_unsaved():
        return _run(repeat=repeat, label=label, only=only, after_change=after_change)


def after_a_change(client: Any, url: str, *, repeat: int) -> tuple[float, float, float]:
    """``url`` requested ``repeat`` times, each after throwing away what ``core.derived`` keeps
    (Django's default cache): as the first request after the data version changed, or the
    first on a node that has not computed the page's figures yet. p50, p95 and CPU, seconds."""
    from django.core.cache import cache

    def request() -> None:
        cache.clear()
        client.get(url)

    return repeated(request, repeat=repeat)


def _run(*, repeat: int, label: str, only: str, after_change: bool) -> list[dict[str, Any]]:
    client = office_client()
    baseline = measure(client, "/accounts/login/", repeat=repeat)
    print(  # noqa: T201
        f"pages and API at {label}: p50 / p95 over {repeat} requests, this process's CPU a"
        " request (p50), SQL per request, the raw SQL returning the page's numbers (p50) and"
        " the page's p50 over it, over the sign-in page, size, the first request"
    )
    print(  # noqa: T201
        f"{'baseline (sign-in page)':<32} {baseline.p50 * 1000:8.1f} {baseline.p95 * 1000:8.1f} ms"
        f" {baseline.cpu * 1000:7.1f} ms CPU {baseline.queries:4d} q {'':>19}   1.0x"
    )
    results = []
    for name, (url, raw_sql) in cases().items():
        if only not in name:
            continue
        result = measure(client, url, repeat=repeat)
        raw = repeated(raw_sql, repeat=repeat)[0] if raw_sql is not None else None
        flag = "" if result.p95 * 1000 <= TARGET_MS else f"  > {TARGET_MS:.0f} ms"
        status = "" if result.status == 200 else f"  HTTP {result.status}"
        over_raw = (
            f"{raw * 1000:7.1f} ms {result.p50 / raw:7.1f}x" if raw else f"{'no raw SQL':>19}"
        )
        print(  # noqa: T201
            f"{name:<32} {result.p50 * 1000:8.1f} {result.p95 * 1000:8.1f} ms"
            f" {result.cpu * 1000:7.1f} ms CPU {result.queries:4d} q {over_raw}"
            f" {result.p50 / baseline.p50:6.1f}x {result.size / 1024:8.0f} kB"
            f"  first {result.first * 1000:.0f} ms{flag}{status}",
            flush=True,
        )
        if after_change:
            changed = after_a_change(client, url, repeat=repeat)
            changed_flag = "" if changed[1] * 1000 <= TARGET_MS else f"  > {TARGET_MS:.0f} ms"
            print(  # noqa: T201
                f"{'  after a change':<32} {changed[0] * 1000:8.1f} {changed[1] * 1000:8.1f} ms"
                f" {changed[2] * 1000:7.1f} ms CPU{changed_flag}",
                flush=True,
            )
        results.append(
            {
                "name": name,
                "p50": result.p50,
                "p95": result.p95,
                "queries": result.queries,
                "raw": raw,
                "status": result.status,
            }
        )
    if not only and not is_read_only():
        measure_derive(repeat=max(1, repeat // 4))
    return results


class _RolledBack(Exception):
    pass


def measure_derive(*, repeat: int) -> None:
    """Deriving a draft from the published edition with the most entries, rolled back each
    time: p50 and the SQL statements, which must not grow with the entries."""
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from devolve.accounts.models import User
    from devolve.matters.models import AnnualList
    from devolve.matters.services import derive_annual_list

    office = User.objects.get(username="bench-office")
    edition = (
        AnnualList.objects.filter(status=AnnualList.Status.PUBLISHED)
        .annotate(entry_count=Count("entries"))
        .order_by("-entry_count", "pk")
        .first()
    )
    if edition is None:
        return
    samples, queries = [], 0
    for _ in range(repeat):
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                derive_annual_list(
                    predecessor=edition, year=edition.year + 1, edition=99, created_by=office
                )
                samples.append(time.perf_counter() - started)
                queries = len(captured.captured_queries)
                raise _RolledBack
        except _RolledBack:
            pass
    name = f"derive a {edition.entry_count}-entry edition"  # type: ignore[attr-defined]
    print(  # noqa: T201
        f"{name:<32} {statistics.median(samples) * 1000:8.1f} {max(samples) * 1000:8.1f} ms"
        f" {queries:4d} q"
    )


def generate_small() -> None:
    from django.core.management import call_command

    arguments = [f"--{name.replace('_', '-')}={value}" for name, value in SMALL.items()]
    call_command("generate_scale", *arguments, stdout=io.StringIO(), stderr=io.StringIO())


def main(argv: list[str] | None = None) -> None:
    """Alone: measure the database DATABASE_URL names (a generated set); inside ``make bench``
    the caller has set Django up on its throwaway database and generated ``SMALL``."""
    arguments = sys.argv[1:] if argv is None else argv
    after_change = "--after-change" in arguments
    arguments = [argument for argument in arguments if argument != "--after-change"]
    repeat = int(arguments[0]) if arguments else 20
    only = arguments[1] if len(arguments) > 1 else ""
    set_up_as_an_app_node()
    label = os.environ.get("DATABASE_URL", "the generated set").split("@")[-1]
    results = run(repeat=repeat, label=label, only=only, after_change=after_change)
    if saved := os.environ.get("DEVOLVE_BENCH_RESULTS"):  # benchmarks/growth.py reads them
        Path(saved).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
