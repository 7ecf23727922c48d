"""Benchmark of deriving and publishing an edition through the services (issue 19).

Takes the published edition with the most grants, derives its successor, submits, approves and
publishes it (each grant continues into the new edition, the old one superseded), all in one
transaction that is rolled back, so the database is left as it was. Prints each step's time,
CPU time and SQL statements. Baseline, measured in the same run: PostgreSQL (or SQLite) copying
the edition's grants and their history rows into temporary tables with ``INSERT … SELECT``, the
least work writing that many grants takes. Target (issue 19): derive → publish of a 500-entry
edition to 76 areas under 30 s.

Alone: ``DATABASE_URL=postgres://… .venv/bin/python -m benchmarks.publishing`` on a generated
set (``devolve generate_scale --provinces 1 --zones 300 --pilot-areas 76 --entries 500
--grants 38000 …`` gives one batch of 76 areas and one 500-entry edition); ``make bench-scale``
runs it after the pages.
"""

import datetime
import os
import resource
import time
from collections.abc import Callable
from typing import Any

from benchmarks.database import server_cpu_seconds, vacuum_after_rollback

TARGET_SECONDS = 30.0


class _RolledBack(Exception):
    pass


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(action: Callable[[], Any]) -> tuple[Any, float, float, int]:
    """The action's value, wall time, CPU time (this process and its database backend) and
    SQL statements. On a machine shared with other work the wall time queues behind the load;
    the CPU time estimates the wall time on a quiet machine."""
    from django.db import connection

    # Counted as they run: Django's query log keeps the last 9,000 only.
    statements = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), _cpu_seconds() + server_cpu_seconds()
        value = action()
        return (
            value,
            time.perf_counter() - started,
            _cpu_seconds() + server_cpu_seconds() - cpu,
            statements[0],
        )


def _copy_grants(edition: Any) -> None:
    """The baseline: the edition's grants and their history rows copied in SQL."""
    from django.db import connection

    from devolve.grants.models import Grant

    history = Grant.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_grants AS SELECT g.* FROM {Grant._meta.db_table} g "  # noqa: S608
            "JOIN matters_listentry e ON e.id = g.entry_id WHERE e.annual_list_id = %s",
            [edition.pk],
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_history AS SELECT h.* FROM {history} h "  # noqa: S608
            "JOIN bench_grants g ON g.id = h.id"
        )


# The day the benchmark's delegated grants take effect: in a year the calendar package does not
# carry, so their handover dates are provisional until the year's holiday notice is recorded.
AWAITED_ON = datetime.date(2027, 1, 15)


def _await_effect(edition: Any) -> int:
    """Set the edition's delegated grants back to awaiting effect on ``AWAITED_ON`` (as a
    publication before that day leaves them), for the daily activation to find; returns how
    many grants are then due on that day (not timed: the generated set has no grant still to
    take effect)."""
    from devolve.grants.models import Grant

    Grant.objects.filter(
        entry__annual_list=edition,
        entry__mode__code="delegate",
        status__in=[Grant.Status.EFFECTIVE, Grant.Status.HANDED_OVER],
    ).update(
        status=Grant.Status.AWAITING_EFFECT,
        effective_on=AWAITED_ON,
        handover_due_on=None,
        handover_due_is_provisional=False,
        handed_over_on=None,
    )
    return Grant.objects.filter(
        status=Grant.Status.AWAITING_EFFECT, effective_on__lte=AWAITED_ON
    ).count()


def main() -> None:
    from django.db import transaction
    from django.db.models import Count

    from devolve.core.actors import SYSTEM
    from devolve.grants.models import HolidayNotice
    from devolve.grants.services import (
        activate_due_grants,
        publish_annual_list,
        record_holiday_notice,
    )
    from devolve.matters.models import AnnualList
    from devolve.matters.services import (
        approve_annual_list,
        derive_annual_list,
        submit_annual_list_for_review,
    )

    edition = (
        AnnualList.objects.filter(status=AnnualList.Status.PUBLISHED)
        .annotate(grant_count=Count("entries__grants"), entry_count=Count("entries", distinct=True))
        .order_by("-grant_count", "pk")
        .first()
    )
    if edition is None:
        print("publishing: no published edition to derive from")  # noqa: T201
        return
    steps: list[tuple[str, float, float, int]] = []

    def step(name: str, action: Callable[[], Any]) -> Any:
        value, seconds, cpu, queries = _timed(action)
        steps.append((name, seconds, cpu, queries))
        return value

    try:
        with transaction.atomic():
            _, baseline, baseline_cpu, _ = _timed(lambda: _copy_grants(edition))
            published_on = (edition.published_on or datetime.date(2030, 1, 1)).replace(
                year=edition.year + 1
            )
            draft = step(
                "derive",
                lambda: derive_annual_list(
                    predecessor=edition, year=edition.year + 1, edition=99, created_by=SYSTEM
                ),
            )
            step(
                "submit",
                lambda: submit_annual_list_for_review(annual_list=draft, submitted_by=SYSTEM),
            )
            step(
                "approve",
                lambda: approve_annual_list(
                    annual_list=draft,
                    approved_by=SYSTEM,
                    approved_on=published_on,
                    document_number="基准〔2099〕1号",
                ),
            )
            step(
                "publish",
                lambda: publish_annual_list(
                    annual_list=draft, published_on=published_on, published_by=SYSTEM
                ),
            )
            due = _await_effect(draft)
            step(
                f"activate ({due:,} due)",
                lambda: activate_due_grants(on=AWAITED_ON, activated_by=SYSTEM),
            )
            if not HolidayNotice.objects.filter(year=AWAITED_ON.year).exists():
                step(
                    "holiday notice, recompute",
                    lambda: record_holiday_notice(
                        year=AWAITED_ON.year,
                        document_number="基准〔2099〕2号",
                        holidays=[(datetime.date(2027, 2, 6), datetime.date(2027, 2, 12))],
                        working_days=[datetime.date(2027, 2, 14), datetime.date(2027, 2, 20)],
                        recorded_by=SYSTEM,
                    ),
                )
            raise _RolledBack
    except _RolledBack:
        pass
    vacuum_after_rollback()
    from django.db import connection

    grants = edition.grant_count  # type: ignore[attr-defined]
    entries = edition.entry_count  # type: ignore[attr-defined]
    print(  # noqa: T201
        f"derive → publish a {entries}-entry edition, {grants:,} grants continued "
        f"({connection.vendor}, load average {os.getloadavg()[0]:.1f}; "
        "baseline: copying its grants and their history in SQL)"
    )
    print(  # noqa: T201
        f"{'baseline (INSERT … SELECT)':<28} {baseline * 1000:8.0f} ms   1.00x"
        f"  CPU {baseline_cpu:5.1f} s"
    )
    for name, seconds, cpu, queries in steps:
        print(  # noqa: T201
            f"{name:<28} {seconds * 1000:8.0f} ms {seconds / baseline:6.1f}x"
            f"  CPU {cpu:5.1f} s, {queries} queries"
        )
    to_publish = steps[:4]  # derive, submit, approve, publish: the target's scope
    total = sum(step[1] for step in to_publish)
    cpu_total = sum(step[2] for step in to_publish)
    verdict = "ok" if total < TARGET_SECONDS else "OVER TARGET"
    quiet = "ok" if cpu_total < TARGET_SECONDS else "OVER TARGET"
    print(  # noqa: T201
        f"{'derive → publish':<28} {total * 1000:8.0f} ms {total / baseline:6.1f}x"
        f"  CPU {cpu_total:5.1f} s   target < {TARGET_SECONDS:.0f} s: {verdict} "
        f"(wall), {quiet} (CPU, a quiet machine)"
    )


if __name__ == "__main__":
    from benchmarks.database import scratch_directory

    if "DEVOLVE_DATA_DIR" not in os.environ:
        os.environ["DEVOLVE_DATA_DIR"] = scratch_directory()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    main()
