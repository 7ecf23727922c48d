"""Synthetic control for one treated unit, in three named variants, with placebo inference.

- ``adh``: Abadie, Diamond & Hainmueller (2010) as their Synth package computes it. Predictors
  (covariate means over chosen pre-periods, outcome lags) are divided by their standard deviation
  across the units; for a diagonal V the weights W(V) minimise (X1 - X0 W)' V (X1 - X0 W) over
  the simplex, and V minimises the pre-period mean squared gap of the outcome Z1 - Z0 W(V)
  ("nested" optimisation). The search for V is a local one and its result depends on where it
  starts (``V_SEARCHES``): by default it follows Synth's own path (equal weights and a
  regression-based start, Nelder–Mead and BFGS over |v| / Σ|v|), polished by Nelder–Mead over
  log V; ``multistart`` also starts from each predictor dominating and from seeded random draws.
- ``outcome``: the pre-period outcomes are the only predictors, V = I.
- ``shift``: as ``outcome`` after de-meaning the pre-period outcomes of the treated unit and the
  donors, with the level difference added back (an intercept shift: de-meaned synthetic control,
  Ferman & Pinto 2021; Doudchenko & Imbens 2016), so a unit stronger than every donor can still
  be matched in shape.

Placebo-in-space p-values rank the treated unit's post/pre RMSPE ratio among the donors' own
(each synthesised from the others, with the same variant); with J donors no p-value can be
below 1 / (J + 1), and every result says so (``floor``).

Weights over the simplex (w ≥ 0, Σ w = 1) come exactly from one non-negative least squares
problem: since Σ w = 1, ||y - Dw||² = ||(D - y1')w||², and the NNLS solution u of
min ||(D - y1')u||² + (1'u - 1)² over u ≥ 0 is the optimum scaled by a positive constant, so
w = u / Σ u. A weighted problem (variant adh) scales the rows by √v first.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import optimize

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
Variant = Literal["adh", "outcome", "shift"]
VSearch = Literal["synth", "multistart"]
VARIANTS: dict[str, str] = {
    "adh": "Abadie–Diamond–Hainmueller: predictors, nested optimisation of V",
    "outcome": "pre-period outcomes only, V = I",
    "shift": "pre-period outcomes only, de-meaned (intercept shift)",
}
V_SEARCHES: dict[str, str] = {
    "synth": "Synth's path: from equal weights and the regression-based start, Nelder–Mead and "
    "BFGS over |v| / Σ|v|, the best polished by Nelder–Mead over log V",
    "multistart": "equal weights, each predictor dominating and 16 seeded random starts, the "
    "best refined by Nelder–Mead over log V",
}
# The nested objective has several local optima, so the published weights are those of the
# optimum that Synth's own search reaches: Abadie & Gardeazabal's (2003) Basque Country
# (Catalonia .8508, Madrid .1492) is one with a pre-period loss twice the lowest that
# ``multistart`` finds (docs/evaluation-methods.md). ``multistart``: seeded random starting
# points, and how many of the best starting points are refined by Nelder–Mead.
RANDOM_STARTS = 16
REFINED_STARTS = 1
NELDER_MEAD_ITERATIONS = 400
# Polishing the best local solution: Synth's optimisers stop on R's default tolerances, before
# the weights settle (on the Basque data BFGS stops at Catalonia .858); the polish runs on to
# the local optimum they were heading for.
POLISH_ITERATIONS = 4000


class SynthInputError(ValueError):
    """Input a synthetic control cannot use; ``code`` names the problem."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SynthResult:
    weights: FloatArray  # (J,) on the simplex
    intercept: float  # 0 without the intercept shift
    fitted: FloatArray  # (T,) synthetic outcome
    gap: FloatArray  # (T,) treated minus synthetic
    pre_rmspe: float
    post_rmspe: float
    n_pre: int
    variant: str = "outcome"
    v_weights: FloatArray | None = None  # (K,) predictor importance, variant adh only
    v_search: str | None = None  # how V was searched (V_SEARCHES), variant adh only


@dataclass(frozen=True)
class PlaceboResult:
    p_value: float
    ratio: float  # post/pre RMSPE of the treated unit
    placebo_ratios: FloatArray  # of the donors used as placebos
    n_placebos: int

    @property
    def floor(self) -> float:
        """The smallest p-value this many placebos can give."""
        return 1 / (1 + self.n_placebos)


def _simplex_least_squares(target: FloatArray, donors: FloatArray) -> FloatArray:
    shifted = donors - target[:, None]
    system = np.vstack([shifted, np.ones((1, donors.shape[1]))])
    right = np.zeros(len(target) + 1)
    right[-1] = 1.0
    solution, _ = optimize.nnls(system, right, maxiter=50 * donors.shape[1])
    return np.asarray(solution / solution.sum())


def _rmspe(gap: FloatArray) -> float:
    return float(np.sqrt(np.mean(gap**2))) if gap.size else float("nan")


def _check(treated: FloatArray, donors: FloatArray, n_pre: int) -> None:
    if donors.ndim != 2 or donors.shape[0] != treated.shape[0]:
        raise SynthInputError(
            "shape", f"donors must be (T, J) with T = {treated.shape[0]}, got {donors.shape}"
        )
    if donors.shape[1] < 2:
        raise SynthInputError(
            "too_few_donors",
            f"A synthetic control needs at least two donors; there are {donors.shape[1]}.",
        )
    if not 1 <= n_pre <= len(treated):
        raise SynthInputError("bad_pre_period", f"n_pre must lie in 1…{len(treated)}, not {n_pre}")
    if not (np.isfinite(treated).all() and np.isfinite(donors).all()):
        raise SynthInputError("missing_outcome", "synthetic control needs complete outcomes")


def _result(
    treated: FloatArray,
    donors: FloatArray,
    weights: FloatArray,
    n_pre: int,
    *,
    shift: float,
    variant: str,
    v_weights: FloatArray | None = None,
    v_search: str | None = None,
) -> SynthResult:
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
        variant=variant,
        v_weights=v_weights,
        v_search=v_search,
    )


def synthetic_control(
    treated: FloatArray, donors: FloatArray, n_pre: int, *, intercept: bool = False
) -> SynthResult:
    """Variants ``outcome`` and ``shift`` (intercept=True): treated (T,) and donors (T, J)
    outcomes; the first n_pre periods are pre-treatment."""
    treated = np.asarray(treated, dtype=np.float64)
    donors = np.asarray(donors, dtype=np.float64)
    _check(treated, donors, n_pre)
    target, pool = treated[:n_pre], donors[:n_pre]
    shift = 0.0
    if intercept:
        weights = _simplex_least_squares(target - target.mean(), pool - pool.mean(axis=0))
        shift = float(target.mean() - pool.mean(axis=0) @ weights)
    else:
        weights = _simplex_least_squares(target, pool)
    return _result(
        treated, donors, weights, n_pre, shift=shift, variant="shift" if intercept else "outcome"
    )


def standardised_predictors(
    treated: FloatArray, donors: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Each predictor divided by its standard deviation over the treated unit and the donors
    (Synth's scaling); a predictor equal for all of them is refused."""
    everyone = np.column_stack([treated, donors])
    spread = everyone.std(axis=1, ddof=1)
    constant = np.flatnonzero(~(spread > 0))
    if constant.size:
        raise SynthInputError(
            "constant_predictor",
            f"Predictor {', '.join(str(index + 1) for index in constant)} takes the same value "
            f"for every unit: it cannot tell donors apart.",
        )
    return treated / spread, donors / spread[:, None]


def _weights_for(v: FloatArray, treated: FloatArray, donors: FloatArray) -> FloatArray:
    root = np.sqrt(v)
    return _simplex_least_squares(root * treated, root[:, None] * donors)


def _regression_start(
    treated_predictors: FloatArray,
    donor_predictors: FloatArray,
    treated_outcomes: FloatArray,
    donor_outcomes: FloatArray,
) -> FloatArray | None:
    """Synth's second starting point: regress every unit's outcomes on its (standardised)
    predictors with an intercept; each predictor's starting weight is the sum of its squared
    coefficients over the periods. None when the regression has no unique solution."""
    design = np.column_stack(
        [
            np.ones(donor_predictors.shape[1] + 1),
            np.column_stack([treated_predictors, donor_predictors]).T,
        ]
    )
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return None
    outcomes = np.column_stack([treated_outcomes, donor_outcomes]).T  # (J + 1, T)
    coefficients = np.linalg.solve(design.T @ design, design.T @ outcomes)[1:]
    start = np.sum(coefficients**2, axis=1)
    return start / start.sum() if start.sum() > 0 else None


def nested_weights(
    treated_predictors: FloatArray,
    donor_predictors: FloatArray,
    treated_outcomes: FloatArray,
    donor_outcomes: FloatArray,
    *,
    search: VSearch = "synth",
    seed: int = 0,
) -> tuple[FloatArray, FloatArray, float]:
    """(V, W, loss): V diagonal on the simplex minimising the mean squared outcome gap
    ``loss`` of W(V) over the given periods; predictors already standardised. ``search``
    names where the local search for V starts (``V_SEARCHES``)."""
    k = len(treated_predictors)

    def loss_of(v: FloatArray) -> float:
        weights = _weights_for(v, treated_predictors, donor_predictors)
        return float(np.mean((treated_outcomes - donor_outcomes @ weights) ** 2))

    def loss_of_log(theta: FloatArray) -> float:
        v = np.exp(theta - theta.max())
        return loss_of(v / v.sum())

    def loss_of_absolute(x: FloatArray) -> float:
        total = float(np.abs(x).sum())
        return loss_of(np.abs(x) / total) if total > 0 else math.inf

    if k == 1:
        v = np.ones(1)
        return v, _weights_for(v, treated_predictors, donor_predictors), loss_of(v)
    if search == "synth":
        best_v = _synth_path(
            loss_of_absolute,
            [
                start
                for start in (
                    np.full(k, 1 / k),
                    _regression_start(
                        treated_predictors, donor_predictors, treated_outcomes, donor_outcomes
                    ),
                )
                if start is not None
            ],
        )
        polished = optimize.minimize(
            loss_of_log,
            np.log(np.maximum(best_v, 1e-12)),
            method="Nelder-Mead",
            options={"maxiter": POLISH_ITERATIONS, "xatol": 1e-8, "fatol": 1e-12},
        )
        if polished.fun <= loss_of(best_v):
            best_v = np.exp(polished.x - polished.x.max())
            best_v /= best_v.sum()
        return best_v, _weights_for(best_v, treated_predictors, donor_predictors), loss_of(best_v)
    if search != "multistart":
        raise SynthInputError("bad_v_search", f"search must be one of {', '.join(V_SEARCHES)}")
    rng = np.random.default_rng(seed)
    dominant = np.full((k, k), 0.01 / (k - 1))
    np.fill_diagonal(dominant, 0.99)
    starts = np.vstack(
        [np.full(k, 1 / k), dominant, rng.dirichlet(np.full(k, 0.5), size=RANDOM_STARTS)]
    )
    losses = np.asarray([loss_of(v) for v in starts])
    best_theta, best_loss = np.log(starts[int(np.argmin(losses))]), float(losses.min())
    for index in np.argsort(losses)[:REFINED_STARTS].tolist():
        refined = optimize.minimize(
            loss_of_log,
            np.log(starts[index]),
            method="Nelder-Mead",
            options={"maxiter": NELDER_MEAD_ITERATIONS, "xatol": 1e-6, "fatol": 1e-9},
        )
        if refined.fun < best_loss:
            best_theta, best_loss = refined.x, float(refined.fun)
    v = np.exp(best_theta - best_theta.max())
    v /= v.sum()
    return v, _weights_for(v, treated_predictors, donor_predictors), best_loss


def _synth_path(
    loss_of_absolute: Callable[[FloatArray], float], starts: list[FloatArray]
) -> FloatArray:
    """Synth's search (its defaults: ``optimx`` with Nelder–Mead and BFGS from each start, V
    as |v| / Σ|v|): the best V it reaches."""
    best_loss, best_v = math.inf, starts[0]
    for start in starts:
        for method in ("Nelder-Mead", "BFGS"):
            found = optimize.minimize(loss_of_absolute, start, method=method)
            if found.fun < best_loss:
                best_loss, best_v = float(found.fun), np.abs(found.x) / np.abs(found.x).sum()
    return np.asarray(best_v, dtype=np.float64)


def adh_synthetic_control(
    treated: FloatArray,
    donors: FloatArray,
    n_pre: int,
    treated_predictors: FloatArray,
    donor_predictors: FloatArray,
    *,
    optimise: BoolArray | None = None,
    v_search: VSearch = "synth",
    seed: int = 0,
) -> SynthResult:
    """Variant ``adh``: treated (T,) and donors (T, J) outcomes, predictors (K,) and (K, J);
    V is chosen to fit the outcome in the ``optimise`` periods (T,) (all pre-periods by
    default; Synth's ``time.optimize.ssr``), searched as ``v_search`` says."""
    treated = np.asarray(treated, dtype=np.float64)
    donors = np.asarray(donors, dtype=np.float64)
    _check(treated, donors, n_pre)
    treated_predictors = np.asarray(treated_predictors, dtype=np.float64)
    donor_predictors = np.asarray(donor_predictors, dtype=np.float64)
    if donor_predictors.shape != (len(treated_predictors), donors.shape[1]):
        raise SynthInputError(
            "shape", f"donor predictors must be (K, J), got {donor_predictors.shape}"
        )
    if not (np.isfinite(treated_predictors).all() and np.isfinite(donor_predictors).all()):
        raise SynthInputError("missing_predictor", "every predictor needs a value for every unit")
    if optimise is None:
        optimise = np.arange(len(treated)) < n_pre
    if optimise[n_pre:].any():
        raise SynthInputError("bad_pre_period", "V may be chosen on pre-treatment periods only")
    scaled_treated, scaled_donors = standardised_predictors(treated_predictors, donor_predictors)
    v, weights, _ = nested_weights(
        scaled_treated, scaled_donors, treated[optimise], donors[optimise], search=v_search,
        seed=seed,
    )  # fmt: skip
    return _result(
        treated, donors, weights, n_pre, shift=0.0, variant="adh", v_weights=v, v_search=v_search
    )


def fit_variant(
    outcome: FloatArray,
    treated: int,
    donors: Sequence[int] | IndexArray,
    n_pre: int,
    *,
    variant: Variant,
    predictors: FloatArray | None = None,
    optimise: BoolArray | None = None,
    v_search: VSearch = "synth",
    seed: int = 0,
) -> SynthResult:
    """One unit of a panel (outcome (N, T), predictors (N, K)) against the others listed;
    ``optimise`` and ``v_search`` as for ``adh_synthetic_control`` (variant adh only)."""
    pool = np.asarray(donors, dtype=np.intp)
    if variant == "adh":
        if predictors is None or predictors.shape[1] == 0:
            raise SynthInputError("no_predictors", "variant adh needs at least one predictor")
        return adh_synthetic_control(
            outcome[treated], outcome[pool].T, n_pre, predictors[treated], predictors[pool].T,
            optimise=optimise, v_search=v_search, seed=seed,
        )  # fmt: skip
    if variant not in ("outcome", "shift"):
        raise SynthInputError("bad_variant", f"variant must be one of {', '.join(VARIANTS)}")
    return synthetic_control(outcome[treated], outcome[pool].T, n_pre, intercept=variant == "shift")


def _ratio(result: SynthResult) -> float:
    if result.pre_rmspe == 0:
        return float("inf") if result.post_rmspe > 0 else float("nan")
    return result.post_rmspe / result.pre_rmspe


def placebo_test(
    outcome: FloatArray,
    treated: int,
    donors: Sequence[int] | IndexArray,
    n_pre: int,
    *,
    variant: Variant,
    predictors: FloatArray | None = None,
    optimise: BoolArray | None = None,
    v_search: VSearch = "synth",
    seed: int = 0,
    max_pre_rmspe_ratio: float | None = None,
) -> tuple[SynthResult, PlaceboResult]:
    """The treated unit's fit, and the rank of its post/pre RMSPE ratio among placebo runs in
    which each donor in turn is synthesised from the other donors, with the same variant.

    p = (1 + placebos with a ratio at least the treated unit's) / (1 + placebos). With
    max_pre_rmspe_ratio, placebos whose pre-period RMSPE exceeds that multiple of the treated
    unit's are left out (their post-period gaps say nothing; Abadie et al. 2010)."""
    pool = [int(index) for index in donors]
    if n_pre >= outcome.shape[1]:
        raise SynthInputError("no_post_period", "placebo inference needs a post-treatment period")
    actual = fit_variant(
        outcome,
        treated,
        pool,
        n_pre,
        variant=variant,
        predictors=predictors,
        optimise=optimise,
        v_search=v_search,
        seed=seed,
    )
    ratios = []
    for donor in pool:
        others = [index for index in pool if index != donor]
        placebo = fit_variant(
            outcome,
            donor,
            others,
            n_pre,
            variant=variant,
            predictors=predictors,
            optimise=optimise,
            v_search=v_search,
            seed=seed,
        )
        if (
            max_pre_rmspe_ratio is not None
            and placebo.pre_rmspe > max_pre_rmspe_ratio * actual.pre_rmspe
        ):
            continue
        ratios.append(_ratio(placebo))
    placebo_ratios = np.asarray(ratios, dtype=np.float64)
    ratio = _ratio(actual)
    at_least = int(np.sum(placebo_ratios >= ratio))
    return actual, PlaceboResult(
        p_value=(1 + at_least) / (1 + len(placebo_ratios)),
        ratio=ratio,
        placebo_ratios=placebo_ratios,
        n_placebos=len(placebo_ratios),
    )


def placebo_in_space(
    treated: FloatArray,
    donors: FloatArray,
    n_pre: int,
    *,
    intercept: bool = False,
    max_pre_rmspe_ratio: float | None = None,
) -> PlaceboResult:
    """``placebo_test`` for one treated series (T,) and its donors (T, J), outcome variants."""
    treated = np.asarray(treated, dtype=np.float64)
    donors = np.asarray(donors, dtype=np.float64)
    _check(treated, donors, n_pre)
    outcome = np.vstack([treated, donors.T])
    _, placebo = placebo_test(
        outcome,
        0,
        range(1, outcome.shape[0]),
        n_pre,
        variant="shift" if intercept else "outcome",
        max_pre_rmspe_ratio=max_pre_rmspe_ratio,
    )
    return placebo


def leave_one_out(
    outcome: FloatArray,
    treated: int,
    donors: Sequence[int] | IndexArray,
    n_pre: int,
    *,
    variant: Variant,
    predictors: FloatArray | None = None,
    optimise: BoolArray | None = None,
    v_search: VSearch = "synth",
    seed: int = 0,
) -> dict[int, SynthResult]:
    """The fit without each donor that had weight in the full fit (donor → refit): if the
    effect hinges on one donor, these gaps show it (Abadie, Diamond & Hainmueller 2015)."""
    pool = [int(index) for index in donors]
    full = fit_variant(
        outcome,
        treated,
        pool,
        n_pre,
        variant=variant,
        predictors=predictors,
        optimise=optimise,
        v_search=v_search,
        seed=seed,
    )
    refits = {}
    for donor, weight in zip(pool, full.weights.tolist(), strict=True):
        if weight <= 1e-6 or len(pool) <= 2:
            continue
        others = [index for index in pool if index != donor]
        refits[donor] = fit_variant(
            outcome,
            treated,
            others,
            n_pre,
            variant=variant,
            predictors=predictors,
            optimise=optimise,
            v_search=v_search,
            seed=seed,
        )
    return refits


def in_time_placebo(
    outcome: FloatArray,
    treated: int,
    donors: Sequence[int] | IndexArray,
    n_pre: int,
    placebo_n_pre: int,
    *,
    variant: Variant,
    predictors: FloatArray | None = None,
    v_search: VSearch = "synth",
    seed: int = 0,
) -> SynthResult:
    """The fit as if treatment had begun after ``placebo_n_pre`` periods, on the pre-treatment
    periods only: a gap opening between the fake and the real start is a warning. Predictors
    are used as given (they should describe periods before the fake start)."""
    if not 1 <= placebo_n_pre < n_pre:
        raise SynthInputError(
            "bad_pre_period", f"the placebo start must lie within the {n_pre} pre-periods"
        )
    return fit_variant(
        outcome[:, :n_pre], treated, donors, placebo_n_pre, variant=variant,
        predictors=predictors, v_search=v_search, seed=seed,
    )  # fmt: skip


def mean_post_gap(result: SynthResult) -> float:
    gap = result.gap[result.n_pre :]
    return float(gap.mean()) if gap.size else math.nan


@dataclass(frozen=True)
class ConformalInterval:
    period_index: int
    low: float
    high: float
    open_ended: bool  # the grid's edge was reached: the interval is at least this wide


def conformal_intervals(
    treated: FloatArray,
    donors: FloatArray,
    n_pre: int,
    *,
    intercept: bool = False,
    alpha: float = 0.1,
    grid_points: int = 201,
) -> list[ConformalInterval]:
    """Prediction intervals for each post-period effect by conformal inference (Chernozhukov,
    Wüthrich & Zhu 2021): for a hypothesised effect θ in period t, the treated outcome there is
    replaced by y_t - θ, the weights refitted on the pre-periods and t together (outcome-only or
    de-meaned fit), and θ rejected when |u_t| is among the largest alpha share of the residuals
    |u_s| of those periods (p = #{|u_s| ≥ |u_t|} / (n_pre + 1), iid permutations in time). The
    interval holds the θ not rejected, searched on a grid of ± six pre-period RMSPEs (at
    least one) around the estimated gap. With n_pre pre-periods an alpha below 1 / (n_pre + 1)
    cannot reject anything.
    """
    treated = np.asarray(treated, dtype=np.float64)
    donors = np.asarray(donors, dtype=np.float64)
    _check(treated, donors, n_pre)
    base = synthetic_control(treated, donors, n_pre, intercept=intercept)
    half_width = 6 * max(base.pre_rmspe, 1e-8) + 1e-12
    intervals = []
    for period in range(n_pre, len(treated)):
        rows = np.r_[np.arange(n_pre), period]
        grid = base.gap[period] + np.linspace(-half_width, half_width, grid_points)
        kept = []
        for theta in grid.tolist():
            series = treated[rows].copy()
            series[-1] -= theta
            fit = synthetic_control(series, donors[rows], n_pre + 1, intercept=intercept)
            residuals = np.abs(fit.gap)
            p_value = float(np.mean(residuals >= residuals[-1] - 1e-12))
            if p_value > alpha:
                kept.append(theta)
        if kept:
            low, high = min(kept), max(kept)
        else:
            low = high = float(base.gap[period])
        intervals.append(
            ConformalInterval(
                period_index=period,
                low=low,
                high=high,
                open_ended=bool(kept) and (low <= grid[0] or high >= grid[-1]),
            )
        )
    return intervals
