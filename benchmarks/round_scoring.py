"""Benchmark of scoring a national-size selection round through the service (issue 19).

2,334 candidate zones (a national set's 2,700 zones less its 366 pilot areas) x 30
sub-indicators in 5 criteria, Sichuan's 21 prefectures: cover all 21, at most 5 per prefecture,
choose 60, 200 sensitivity runs: ``score_round``, which reads the stored values, weights, ranks,
chooses with a swap cost per chosen zone, runs the sensitivity analysis and stores the result.
Baseline, measured in the same run: the same maths (weights, TOPSIS, the choice with its swaps,
the sensitivity runs) on the same numpy matrix without Django, so the ratio is what the service
adds to the computation it must do. Target: under 5 s. Then, as the staff page and the API score
(ADR 0072), the request that queues a scoring run and the background task's body that scores it.

The round and its zones are written in one transaction that is rolled back, so it runs on the
benchmark's throwaway SQLite database (``make bench``) or on any migrated database, e.g. PostgreSQL:
``DATABASE_URL=postgres://… .venv/bin/python -m benchmarks.round_scoring``.
"""

import datetime
import os
import resource
import time
from typing import Any

import numpy as np

CANDIDATES = 2_334
# Its own zones' slugs: the search benchmark, run before it by `make bench`, leaves zones of its
# own ("bench-zone-…") in the same throwaway database.
ZONE_PREFIX = "bench-round-zone-"
CRITERIA = 5
INDICATORS_PER_CRITERION = 6
CHOSEN = 60
PER_PREFECTURE = 5
RUNS = 200
TARGET_SECONDS = 5.0


class _RolledBack(Exception):
    pass


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _sichuan_prefectures(division: Any) -> list[Any]:
    """Sichuan's first 21 prefectures (a generated set may add invented ones after them)."""
    return list(
        division.objects.filter(code__startswith="51", level="prefecture").order_by("code")[:21]
    )


def _write_round(matrix: np.ndarray, prefecture_of: np.ndarray, *, with_values: bool = True) -> Any:
    """The round, its candidate zones and (``with_values``) their values from ``matrix``."""
    from devolve.core.actors import SYSTEM
    from devolve.regions.models import Division, Zone
    from devolve.selection.models import CandidateValue, SelectionRound
    from devolve.selection.services import (
        Constraints,
        CriterionSpec,
        SubIndicatorSpec,
        create_round,
    )

    prefectures = _sichuan_prefectures(Division)
    Zone.objects.bulk_create(
        Zone(
            slug=f"{ZONE_PREFIX}{row:05d}",
            name_zh=f"基准开发区{row:05d}",
            name_en=f"Bench Zone {row:05d}",
            kind=(Zone.Kind.ETDZ, Zone.Kind.HIGH_TECH_ZONE)[row % 2],
            level=(Zone.Level.PROVINCIAL, Zone.Level.NATIONAL)[row % 3 == 0],
            prefecture=prefectures[int(prefecture_of[row]) % len(prefectures)],
            is_illustrative=True,
        )
        for row in range(CANDIDATES)
    )
    criteria = tuple(
        CriterionSpec(
            f"c{criterion}",
            f"准则{criterion}",
            f"Criterion {criterion}",
            tuple(
                SubIndicatorSpec(
                    f"c{criterion}i{indicator}",
                    f"指标{criterion}-{indicator}",
                    f"Indicator {criterion}-{indicator}",
                    "units",
                )
                for indicator in range(INDICATORS_PER_CRITERION)
            ),
        )
        for criterion in range(CRITERIA)
    )
    selection_round = create_round(
        slug="bench-national-round",
        year=2031,
        title_zh="基准遴选",
        title_en="Benchmark selection",
        batch_number=99,
        candidates_as_of=datetime.date(2031, 1, 1),
        criteria=criteria,
        constraints=Constraints(
            selection_size=CHOSEN,
            min_prefectures_covered=len(prefectures),
            max_per_prefecture=PER_PREFECTURE,
        ),
        criterion_weighting=SelectionRound.Weighting.ENTROPY,
        sensitivity_runs=RUNS,
        created_by=SYSTEM,
    )
    if not with_values:
        return selection_round
    zones = list(Zone.objects.filter(slug__startswith=ZONE_PREFIX).order_by("slug"))
    indicators = list(selection_round.sub_indicators.order_by("criterion__position", "position"))
    CandidateValue.objects.bulk_create(
        (
            CandidateValue(sub_indicator=indicator, zone=zone, value=float(matrix[row, column]))
            for row, zone in enumerate(zones)
            for column, indicator in enumerate(indicators)
        ),
        batch_size=5_000,
    )
    return selection_round


def _pure_maths(matrix: np.ndarray, group_of: np.ndarray) -> None:
    """What the service computes, on arrays: entropy weights within and across criteria,
    TOPSIS, the exact choice with its swap costs and the sensitivity runs."""
    from devolve.selection.analytics.choose import Constraints, choose
    from devolve.selection.analytics.scoring import criterion_breakdown, topsis
    from devolve.selection.analytics.sensitivity import weight_sensitivity
    from devolve.selection.analytics.weights import combine_weights, entropy_weights

    benefit = np.ones(matrix.shape[1], dtype=bool)
    criterion_of = np.repeat(np.arange(CRITERIA), INDICATORS_PER_CRITERION)
    within = np.zeros(matrix.shape[1])
    for criterion in range(CRITERIA):
        columns = np.flatnonzero(criterion_of == criterion)
        within[columns] = entropy_weights(matrix[:, columns], benefit[columns])
    overall = entropy_weights(matrix, benefit)
    criterion_weights = np.array(
        [overall[criterion_of == index].sum() for index in range(CRITERIA)]
    )
    weights = combine_weights(criterion_weights, within, criterion_of)
    ranking = topsis(matrix, weights, benefit)
    criterion_breakdown(ranking, criterion_of, CRITERIA)
    constraints = Constraints(
        k=CHOSEN, group_of=group_of, min_groups_covered=int(group_of.max()) + 1,
        max_per_group=PER_PREFECTURE,
    )  # fmt: skip
    choose(ranking.scores, constraints)
    weight_sensitivity(matrix, weights, benefit, constraints, runs=RUNS, seed=0)


class _Statements:
    """Counts the statements as they run (Django's query log would keep their text: megabytes
    here), their wall time in this process's view (the database's share, queueing included)
    and the rows the writes report (PostgreSQL only: SQLite reports none for an insert that
    returns its id)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.rows_written = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1
            if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                self.rows_written += max(context["cursor"].rowcount, 0)


def _stored_bytes(result: Any) -> int:
    """The result's row and its history row as stored (PostgreSQL: compressed; 0 elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT pg_column_size(r.*) FROM selection_roundresult r WHERE r.id = %s)"
            " + (SELECT sum(pg_column_size(h.*)) FROM selection_historicalroundresult h"
            " WHERE h.id = %s)",
            [result.pk, result.pk],
        )
        return int(cursor.fetchone()[0] or 0)


def main() -> None:
    from django.db import connection, transaction

    from benchmarks.database import server_cpu_seconds, vacuum_after_rollback
    from devolve.core.actors import SYSTEM
    from devolve.regions.models import Division
    from devolve.selection.services import queue_scoring, run_scoring, score_round

    generator = np.random.default_rng(19)
    matrix = generator.lognormal(
        mean=0.0, sigma=1.0, size=(CANDIDATES, CRITERIA * INDICATORS_PER_CRITERION)
    )
    prefectures = len(_sichuan_prefectures(Division))
    # Zones are listed by prefecture then key, so the service's rows follow this order.
    prefecture_of = np.sort(generator.integers(0, prefectures, CANDIDATES))
    prefecture_of[:prefectures] = np.arange(prefectures)
    prefecture_of.sort()

    started, cpu = time.perf_counter(), _cpu_seconds()
    _pure_maths(matrix, prefecture_of)
    maths, maths_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    statements = _Statements()
    try:
        with transaction.atomic():
            selection_round = _write_round(matrix, prefecture_of)
            peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            server_cpu = server_cpu_seconds()
            with connection.execute_wrapper(statements):
                started, cpu = time.perf_counter(), _cpu_seconds()
                result = score_round(selection_round=selection_round, scored_by=SYSTEM)
                service, service_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
            server_cpu = server_cpu_seconds() - server_cpu
            peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            scored = len(result.candidates)
            stored = _stored_bytes(result)
            # As the page and the API score (ADR 0072): the request queues a run (its task is
            # enqueued on commit, which never comes here), and the task's body scores again.
            started = time.perf_counter()
            run = queue_scoring(selection_round=selection_round, requested_by=SYSTEM)
            request = time.perf_counter() - started
            started = time.perf_counter()
            run = run_scoring(scoring_run=run)
            task = time.perf_counter() - started
            assert run.status == "scored", run.error  # noqa: S101
            raise _RolledBack
    except _RolledBack:
        pass
    vacuum_after_rollback()
    load = os.getloadavg()[0]
    print(  # noqa: T201
        f"selection round through the service, {scored:,} candidates x "
        f"{CRITERIA * INDICATORS_PER_CRITERION} indicators, k = {CHOSEN}, {RUNS} sensitivity runs "
        f"({connection.vendor}, load average {load:.1f}; baseline: the same maths on arrays)"
    )
    print(  # noqa: T201
        f"{'the maths alone (baseline)':<28} {maths * 1000:8.0f} ms   1.00x  CPU {maths_cpu:5.1f} s"
    )
    verdict = "ok" if service < TARGET_SECONDS else "OVER TARGET"
    print(  # noqa: T201
        f"{'score_round (service)':<28} {service * 1000:8.0f} ms {service / maths:6.2f}x  "
        f"CPU {service_cpu:5.1f} s, peak RSS {peak_after:.0f} MB "
        f"(+{peak_after - peak_before:.0f})   target < {TARGET_SECONDS:.0f} s: {verdict}"
    )
    written = (
        f", {statements.rows_written} rows written, {stored / 1e6:.1f} MB stored"
        if connection.vendor == "postgresql"
        else ""
    )
    print(  # noqa: T201
        f"{'  of it, the database':<28} {statements.seconds * 1000:8.0f} ms in {statements.count} "
        f"statements (backend CPU {server_cpu:.2f} s){written}"
    )
    print(  # noqa: T201
        f"{'queue_scoring (the request)':<28} {request * 1000:8.0f} ms   "
        f"then run_scoring (the task) {task * 1000:.0f} ms with its progress"
    )


if __name__ == "__main__":
    if "DATABASE_URL" in os.environ:
        from benchmarks.database import scratch_directory

        if "DEVOLVE_DATA_DIR" not in os.environ:
            os.environ["DEVOLVE_DATA_DIR"] = scratch_directory()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        import django

        django.setup()
    else:
        from benchmarks.database import throwaway_seeded_database

        throwaway_seeded_database()
    main()
