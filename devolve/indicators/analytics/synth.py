"""Synthetic control for one treated unit (Abadie, Diamond & Hainmueller 2010), with an optional
intercept shift (de-meaned synthetic control, Ferman & Pinto 2021; Doudchenko & Imbens 2016)
and placebo-in-space inference.

Weights minimise the pre-period squared gap over the simplex (w ≥ 0, Σ w = 1), with the pre-period
outcomes as the only predictors (V = I). The simplex problem is solved exactly with one
non-negative least squares problem: since Σ w = 1, ||y - Dw||² = ||(D - y1')w||², and the NNLS
solution u of min ||(D - y1')u||² + (1'u - 1)² over u ≥ 0 is the optimum scaled by a positive
constant, so w = u / Σ u. With an intercept the pre-period outcomes of the treated unit and the
donors are de-meaned first, so a pilot stronger than every donor can still be matched in shape.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SynthResult:
    weights: FloatArray  # (J,) on the simplex
    intercept: float  # 0 without the intercept shift
    fitted: FloatArray  # (T,) synthetic outcome
    gap: FloatArray  # (T,) treated minus synthetic
    pre_rmspe: float
    post_rmspe: float
    n_pre: int


@dataclass(frozen=True)
class PlaceboResult:
    p_value: float
    ratio: float  # post/pre RMSPE of the treated unit
    placebo_ratios: FloatArray  # of the donors used as placebos
    n_placebos: int


def _simplex_least_squares(target: FloatArray, donors: FloatArray) -> FloatArray:
    shifted = donors - target[:, None]
    system = np.vstack([shifted, np.ones((1, donors.shape[1]))])
    right = np.zeros(len(target) + 1)
    right[-1] = 1.0
    solution, _ = optimize.nnls(system, right, maxiter=50 * donors.shape[1])
    return np.asarray(solution / solution.sum())


def _rmspe(gap: FloatArray) -> float:
    return float(np.sqrt(np.mean(gap**2))) if gap.size else float("nan")


def synthetic_control(
    treated: FloatArray, donors: FloatArray, n_pre: int, *, intercept: bool = False
) -> SynthResult:
    """treated (T,) and donors (T, J) outcomes; the first n_pre periods are pre-treatment."""
    treated = np.asarray(treated, dtype=np.float64)
    donors = np.asarray(donors, dtype=np.float64)
    if donors.ndim != 2 or donors.shape[0] != treated.shape[0]:
        raise ValueError(
            f"donors must be (T, J) with T = {treated.shape[0]}, got shape {donors.shape}"
        )
    if donors.shape[1] == 0:
        raise ValueError("synthetic control needs at least one donor")
    if not 1 <= n_pre <= len(treated):
        raise ValueError(f"n_pre must lie in 1…{len(treated)}, got {n_pre}")
    if not (np.isfinite(treated).all() and np.isfinite(donors).all()):
        raise ValueError("synthetic control needs complete outcomes (no NaN)")
    target, pool = treated[:n_pre], donors[:n_pre]
    shift = 0.0
    if intercept:
        weights = _simplex_least_squares(target - target.mean(), pool - pool.mean(axis=0))
        shift = float(target.mean() - pool.mean(axis=0) @ weights)
    else:
        weights = _simplex_least_squares(target, pool)
    fitted = donors @ weights + shift
    gap = treated - fitted
    return SynthResult(
        weights=weights,
        intercept=shift,
        fitted=fitted,
        gap=gap,
        pre_rmspe=_rmspe(gap[:n_pre]),
        post_rmspe=_rmspe(gap[n_pre:]),
        n_pre=n_pre,
    )


def _ratio(result: SynthResult) -> float:
    if result.pre_rmspe == 0:
        return float("inf") if result.post_rmspe > 0 else float("nan")
    return result.post_rmspe / result.pre_rmspe


def placebo_in_space(
    treated: FloatArray,
    donors: FloatArray,
    n_pre: int,
    *,
    intercept: bool = False,
    max_pre_rmspe_ratio: float | None = None,
) -> PlaceboResult:
    """Rank of the treated unit's post/pre RMSPE ratio among placebo runs in which each donor in
    turn is treated as if treated, synthesised from the other donors.

    p = (1 + number of placebos with a ratio at least the treated unit's) / (1 + placebos).
    With max_pre_rmspe_ratio, placebos whose pre-period RMSPE exceeds that multiple of the
    treated unit's are left out (their post-period gaps say nothing; Abadie et al. 2010).
    """
    donors = np.asarray(donors, dtype=np.float64)
    if donors.shape[1] < 2:
        raise ValueError("placebo inference needs at least two donors")
    if n_pre >= len(treated):
        raise ValueError("placebo inference needs at least one post-treatment period")
    actual = synthetic_control(treated, donors, n_pre, intercept=intercept)
    ratio = _ratio(actual)
    ratios = []
    for donor in range(donors.shape[1]):
        others = np.delete(donors, donor, axis=1)
        placebo = synthetic_control(donors[:, donor], others, n_pre, intercept=intercept)
        if (
            max_pre_rmspe_ratio is not None
            and placebo.pre_rmspe > max_pre_rmspe_ratio * actual.pre_rmspe
        ):
            continue
        ratios.append(_ratio(placebo))
    placebo_ratios = np.asarray(ratios, dtype=np.float64)
    at_least = int(np.sum(placebo_ratios >= ratio))
    return PlaceboResult(
        p_value=(1 + at_least) / (1 + len(placebo_ratios)),
        ratio=ratio,
        placebo_ratios=placebo_ratios,
        n_placebos=len(placebo_ratios),
    )
