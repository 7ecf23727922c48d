"""How large a violation of parallel trends would overturn the conclusion: Rambachan & Roth's
(2023) restrictions on the post-treatment trend difference, with conservative confidence sets.

The event study β_e (e < 0 before treatment, e ≥ 0 after; reference period e = -1, so a
universal base period) estimates τ_e + δ_e, where δ is the difference in trends that parallel
trends rule out. The target is θ = mean of τ_e over the post-treatment event times. Two sets of
possible δ, both pinned to δ_{-1} = 0 and to the pre-treatment δ (which the pre-treatment β
estimate):

- relative magnitudes, Δ^RM(M̄): every post-treatment change δ_{t+1} - δ_t (t ≥ -1) is at
  most M̄ times the largest pre-treatment change |δ_{s+1} - δ_s| (s < -1);
- smoothness, Δ^SD(M): every second difference |δ_{t+1} - 2δ_t + δ_{t-1}| is at most M
  (M = 0: the pre-treatment trend continues linearly).

Confidence set (a projection, not Rambachan & Roth's conditional or fixed-length intervals):
with probability at least 1 - a (a = alpha) the pre-treatment δ lie in the box
β_pre ± c·se_pre (Bonferroni over the k pre-periods at level a/2, c = z_{1 - a/(4k)}) and the
post-treatment mean within z_{1 - a/4}·se of its estimate. θ's interval is then the
estimate's interval shifted by the smallest and largest mean post-treatment δ that the
restriction allows with its pre-treatment part in the box, each found by a linear programme
(for Δ^RM one per pre-treatment change and sign that could be the largest). The set is valid
and wider than theirs, so its breakdown value (the smallest M̄ or M whose interval contains
zero) is conservative too: smaller than the one their method would report.
"""

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import optimize

FloatArray = npt.NDArray[np.float64]
Restriction = Literal["relative_magnitudes", "smoothness"]


@dataclass(frozen=True)
class SensitivityInterval:
    restriction: str
    bound: float  # M̄ or M
    low: float
    high: float


@dataclass(frozen=True)
class Sensitivity:
    estimate: float  # θ: mean of the post-treatment event-study estimates
    restriction: str
    intervals: tuple[SensitivityInterval, ...]
    breakdown: float | None  # smallest bound whose interval contains 0 (None: none in range)


def _difference_rows(keys: list[int]) -> tuple[FloatArray, list[int]]:
    """(rows, first event time) of first differences δ_{t+1} - δ_t over consecutive keys."""
    rows = []
    starts = []
    for position in range(len(keys) - 1):
        row = np.zeros(len(keys))
        row[position + 1], row[position] = 1.0, -1.0
        rows.append(row)
        starts.append(keys[position])
    return np.asarray(rows), starts


def _extremes(
    keys: list[int],
    box_low: FloatArray,
    box_high: FloatArray,
    post: npt.NDArray[np.bool_],
    restriction: Restriction,
    bound: float,
) -> tuple[float, float] | None:
    """Smallest and largest mean post-treatment δ over the restriction, with δ_{-1} = 0 and the
    pre-treatment δ in their box (None: the restriction admits no δ at all)."""
    n = len(keys)
    objective = post.astype(np.float64) / post.sum()
    bounds = [(float(low), float(high)) for low, high in zip(box_low, box_high, strict=True)]
    differences, starts = _difference_rows(keys)
    pre_changes = [row for row, start in zip(differences, starts, strict=True) if start < -1]
    post_changes = [row for row, start in zip(differences, starts, strict=True) if start >= -1]
    systems: list[tuple[FloatArray, FloatArray]] = []
    if restriction == "smoothness":
        rows = []
        for position in range(1, n - 1):
            if keys[position + 1] <= -1:
                continue  # only the trend from the reference period on is restricted
            row = np.zeros(n)
            row[position + 1], row[position], row[position - 1] = 1.0, -2.0, 1.0
            rows.extend([row, -row])
        matrix = np.asarray(rows) if rows else np.zeros((0, n))
        systems.append((matrix, np.full(len(rows), bound)))
    else:
        for largest in pre_changes:
            for sign in (1.0, -1.0):
                rows = [-sign * largest + side * other for other in pre_changes for side in (1, -1)]
                rows += [side * change - bound * sign * largest for change in post_changes
                         for side in (1, -1)]  # fmt: skip
                systems.append((np.asarray(rows), np.zeros(len(rows))))
        if not pre_changes:
            return None
    low, high = math.inf, -math.inf
    for matrix, right in systems:
        for direction in (1.0, -1.0):
            solved = optimize.linprog(
                direction * objective,
                A_ub=matrix if len(matrix) else None,
                b_ub=right if len(matrix) else None,
                bounds=bounds,
                method="highs",
            )
            if solved.status != 0:
                continue
            value = float(objective @ solved.x)
            low, high = min(low, value), max(high, value)
    if not math.isfinite(low):
        return None
    return low, high


def honest_sensitivity(
    keys: list[int],
    estimates: FloatArray,
    covariance: FloatArray,
    *,
    restriction: Restriction,
    bounds: list[float],
    alpha: float = 0.05,
) -> Sensitivity:
    """Confidence sets for the mean post-treatment effect under each bound (see the module
    docstring). keys: event times of the estimates, including the reference -1 (estimate 0).

    ValueError without at least two pre-treatment event times before -1 (relative magnitudes
    need a pre-treatment change) or one post-treatment event time."""
    keys = [int(key) for key in keys]
    estimates = np.asarray(estimates, dtype=np.float64)
    covariance = np.asarray(covariance, dtype=np.float64)
    if -1 not in keys:
        raise ValueError("the event study needs the reference event time -1")
    post = np.asarray([key >= 0 for key in keys], dtype=bool)
    pre = np.asarray([key < -1 for key in keys], dtype=bool)
    if not post.any() or pre.sum() < 1:
        raise ValueError("sensitivity needs pre-treatment and post-treatment event times")
    weights = post.astype(np.float64) / post.sum()
    estimate = float(weights @ estimates)
    variance = float(weights @ covariance @ weights)
    se_post = math.sqrt(max(variance, 0.0))
    se_pre = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    normal = NormalDist()
    box = normal.inv_cdf(1 - alpha / (4 * pre.sum()))
    spread = normal.inv_cdf(1 - alpha / 4) * se_post
    box_low = np.where(pre, estimates - box * se_pre, -1e9)
    box_high = np.where(pre, estimates + box * se_pre, 1e9)
    reference = keys.index(-1)
    box_low[reference] = box_high[reference] = 0.0
    intervals = []
    for bound in bounds:
        found = _extremes(keys, box_low, box_high, post, restriction, bound)
        if found is None:
            continue
        shift_low, shift_high = found
        intervals.append(
            SensitivityInterval(
                restriction, bound, estimate - shift_high - spread, estimate - shift_low + spread
            )
        )
    breakdown = next(
        (interval.bound for interval in intervals if interval.low <= 0 <= interval.high), None
    )
    return Sensitivity(estimate, restriction, tuple(intervals), breakdown)
