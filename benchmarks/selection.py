"""Benchmark of pilot-area selection maths (issue 5), without Django.

Ranking (entropy weights + TOPSIS) and exact selection (MILP, HiGHS) for 3,000 candidates x
30 indicators in 21 prefectures: cover all 21, at most 5 per prefecture, choose 60. Target:
ranking + selection under 1 s. Baseline: one numpy pass over the same matrix (column minima and
maxima), so each line's ratio stays comparable across machines. Then the MILP against
brute-force enumeration on small instances: same optimum, both timings.

Run: ``.venv/bin/python -m benchmarks.selection``.
"""

import math
import statistics
import time
from collections.abc import Callable

import numpy as np

from devolve.selection.analytics.choose import Constraints, Infeasible, brute_force, choose
from devolve.selection.analytics.scoring import topsis
from devolve.selection.analytics.sensitivity import weight_sensitivity
from devolve.selection.analytics.weights import entropy_weights

CANDIDATES = 3_000
INDICATORS = 30
PREFECTURES = 21
CHOSEN = 60
PER_PREFECTURE = 5
TARGET_SECONDS = 1.0
SMALL_INSTANCES = 30


def median_seconds(action: Callable[[], object], *, repeat: int) -> float:
    action()  # warm caches
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def synthetic_round(
    generator: np.random.Generator, *, candidates: int, indicators: int, prefectures: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Illustrative candidates: (matrix (m, n), benefit (n,), prefecture of each (m,)).

    Skewed (log-normal, so strictly positive) indicators, every sixth a cost, prefectures of
    uneven size and one stronger "capital" prefecture. Positive like the counts, amounts and
    rates a real round records, so the classic entropy weights that new rounds use by default
    (``SelectionRound.Weighting.ENTROPY``, ``variant="shannon"``) accept them.
    """
    prefecture_sizes = generator.dirichlet(np.full(prefectures, 2.0))
    group_of = generator.choice(prefectures, size=candidates, p=prefecture_sizes)
    group_of[:prefectures] = np.arange(prefectures)  # every prefecture has candidates
    matrix = generator.lognormal(mean=0.0, sigma=1.0, size=(candidates, indicators))
    matrix[group_of == 0] *= 1.8
    benefit = np.arange(indicators) % 6 != 5
    return matrix, benefit, group_of


def line(name: str, seconds: float, baseline: float, note: str = "") -> None:
    print(f"{name:<28} {seconds * 1000:8.2f} ms {seconds / baseline:6.2f}x{note}")  # noqa: T201


def main() -> None:
    generator = np.random.default_rng(2024)
    matrix, benefit, group_of = synthetic_round(
        generator, candidates=CANDIDATES, indicators=INDICATORS, prefectures=PREFECTURES
    )
    constraints = Constraints(
        k=CHOSEN,
        group_of=group_of,
        min_groups_covered=PREFECTURES,
        max_per_group=PER_PREFECTURE,
    )

    def rank() -> np.ndarray:
        return np.asarray(topsis(matrix, entropy_weights(matrix, benefit), benefit).scores)

    scores = rank()
    baseline = median_seconds(lambda: (matrix.min(axis=0), matrix.max(axis=0)), repeat=50)
    ranking = median_seconds(rank, repeat=20)
    selection = median_seconds(lambda: choose(scores, constraints, with_swaps=False), repeat=7)
    choice = choose(scores, constraints)
    with_swaps = median_seconds(lambda: choose(scores, constraints), repeat=3)
    total = ranking + selection
    print(  # noqa: T201
        f"selection, {CANDIDATES:,} candidates x {INDICATORS} indicators, {PREFECTURES} "
        f"prefectures, k = {CHOSEN}, <= {PER_PREFECTURE} each (baseline: numpy column min/max)"
    )
    print(f"{'baseline (column min/max)':<28} {baseline * 1000:8.2f} ms   1.00x")  # noqa: T201
    line("entropy + TOPSIS", ranking, baseline)
    line("exact selection (MILP)", selection, baseline)
    verdict = "ok" if total < TARGET_SECONDS else "OVER TARGET"
    line("ranking + selection", total, baseline, f"   target < {TARGET_SECONDS:.0f} s: {verdict}")
    line(
        f"selection + {CHOSEN} swap costs",
        with_swaps,
        baseline,
        f"   covered {choice.groups_covered}/{PREFECTURES}, gap {choice.mip_gap:.1e}",
    )
    demo_matrix, demo_benefit, demo_groups = synthetic_round(
        generator, candidates=60, indicators=15, prefectures=PREFECTURES
    )
    demo_constraints = Constraints(k=9, group_of=demo_groups, min_groups_covered=7, max_per_group=1)
    started = time.perf_counter()
    weight_sensitivity(
        demo_matrix,
        entropy_weights(demo_matrix, demo_benefit),
        demo_benefit,
        demo_constraints,
        runs=200,
    )
    line("sensitivity 200 runs, m=60", time.perf_counter() - started, baseline)
    bench_against_brute_force(generator)


def bench_against_brute_force(generator: np.random.Generator) -> None:
    """The MILP and enumeration on small instances: both must find the same optimum."""
    milp_seconds = brute_seconds = 0.0
    agreed = infeasible = 0
    for _ in range(SMALL_INSTANCES):
        size = int(generator.integers(12, 17))
        national = generator.random(size) < 0.4
        constraints = Constraints(
            k=int(generator.integers(4, 8)),
            group_of=generator.integers(0, 5, size),
            min_groups_covered=int(generator.integers(2, 5)),
            max_per_group=int(generator.integers(1, 4)),
            must_exclude=(int(generator.integers(0, size)),),
            min_per_category={"national level": (national, int(generator.integers(0, 3)))},
        )
        scores = generator.random(size)
        started = time.perf_counter()
        try:
            exact: float | None = choose(scores, constraints, with_swaps=False).objective
        except Infeasible:
            exact = None
        milp_seconds += time.perf_counter() - started
        started = time.perf_counter()
        try:
            enumerated: float | None = brute_force(scores, constraints)[1]
        except Infeasible:
            enumerated = None
        brute_seconds += time.perf_counter() - started
        if exact is None and enumerated is None:
            infeasible += 1
        elif exact is not None and enumerated is not None and math.isclose(exact, enumerated):
            agreed += 1
        else:
            raise RuntimeError(f"MILP {exact} and brute force {enumerated} disagree")
    print(  # noqa: T201
        f"MILP vs brute force, {SMALL_INSTANCES} instances of 12-16 candidates: same optimum in "
        f"{agreed}, both infeasible in {infeasible} (baseline: brute force)"
    )
    print(f"{'brute force (enumeration)':<28} {brute_seconds * 1000:8.2f} ms   1.00x")  # noqa: T201
    line("exact selection (MILP)", milp_seconds, brute_seconds)


if __name__ == "__main__":
    main()
