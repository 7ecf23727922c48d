"""Simulated staggered-adoption panels with a known effect, for tests, benchmarks and the demo.

Outcome (think: log GRP) of unit i in period t:

    y_it = a_i + λ_t + s · x_i · (t - t_0) + τ_i(t) + ε_it,   ε ~ N(0, noise²)

a_i ~ N(0, 1) is the unit's level, λ_t a common trend with shocks, x_i ~ N(0, 1) an observed
covariate (a "selection score" the platform knows), τ_i(t) = effect + effect_growth · e for
treated units e = t - g ≥ 0 periods after their cohort g, and 0 otherwise.

Selection decides which units are treated, strongest first (earliest cohort = highest score):
- "none": at random; parallel trends hold and naive comparisons are unbiased in expectation.
- "level": on a_i + N(0, 1): pilots are stronger, but grow like everybody else, so
  difference-in-differences is unbiased without covariates (naive level gaps are not).
- "trend": on a_i + 1.5 x_i + N(0, 1) with s = `trend_slope` (units with high x grow faster):
  unconditional parallel trends fail; conditional on x they hold, so only covariate-adjusted
  estimators recover the effect.
"""

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from devolve.indicators.analytics.panel import Panel

# Growth per period of the common trend (1.5 %, a quarter of ~6 % annual growth) and its shocks.
COMMON_GROWTH = 0.015
COMMON_SHOCK = 0.01
# How strongly the selection score loads on the growth driver x in scenario "trend".
TREND_SELECTION_LOADING = 1.5


def simulate_staggered_panel(
    *,
    n_units: int,
    n_periods: int,
    cohorts: Mapping[int, int],
    effect: float,
    effect_growth: float,
    selection: Literal["none", "level", "trend"],
    seed: int,
    covariate: bool = True,
    first_period: int = 1,
    noise: float = 0.05,
    trend_slope: float = 0.004,
) -> tuple[Panel, dict[str, Any]]:
    """A balanced panel and the true effects.

    cohorts maps a first treated period (in `first_period`… units) to the number of its units;
    the remaining units are never treated (cohort 0). The returned dict holds the true ATT:
    "att_gt" {(cohort, period): effect}, "cohort" {cohort: mean post effect}, "event"
    {event time: cohort-size-weighted mean}, "simple" (did's simple aggregate: post cells
    weighted by cohort size) and "event_overall" (mean of the event-time effects e ≥ 0).
    """
    if selection not in ("none", "level", "trend"):
        raise ValueError(f"selection must be 'none', 'level' or 'trend', not {selection!r}")
    n_treated = sum(cohorts.values())
    if n_treated > n_units:
        raise ValueError(f"{n_treated} treated units do not fit in {n_units} units")
    rng = np.random.default_rng(seed)
    periods = np.arange(first_period, first_period + n_periods, dtype=np.int64)
    level = rng.normal(0.0, 1.0, n_units)
    driver = rng.normal(0.0, 1.0, n_units)
    shocks = rng.normal(0.0, COMMON_SHOCK, n_periods)
    common = COMMON_GROWTH * np.arange(n_periods) + np.cumsum(shocks)
    slope = trend_slope if selection == "trend" else 0.0
    outcome = (
        level[:, None]
        + common[None, :]
        + slope * driver[:, None] * np.arange(n_periods)[None, :]
        + rng.normal(0.0, noise, (n_units, n_periods))
    )

    if selection == "none":
        score = rng.normal(0.0, 1.0, n_units)
    elif selection == "level":
        score = level + rng.normal(0.0, 1.0, n_units)
    else:
        score = level + TREND_SELECTION_LOADING * driver + rng.normal(0.0, 1.0, n_units)
    order = np.argsort(-score)
    cohort = np.zeros(n_units, dtype=np.int64)
    position = 0
    for first_treated in sorted(cohorts):
        size = cohorts[first_treated]
        cohort[order[position : position + size]] = first_treated
        position += size

    event = periods[None, :] - cohort[:, None]
    treated_now = (cohort[:, None] > 0) & (event >= 0)
    outcome = outcome + np.where(treated_now, effect + effect_growth * event, 0.0)

    truth = _truth(cohorts, periods, effect=effect, effect_growth=effect_growth)
    panel = Panel(
        units=np.arange(1, n_units + 1, dtype=np.int64),
        periods=periods,
        outcome=outcome,
        cohort=cohort,
        covariates=driver[:, None] if covariate else None,
        covariate_names=("x",) if covariate else (),
    )
    return panel, truth


def _truth(
    cohorts: Mapping[int, int], periods: Any, *, effect: float, effect_growth: float
) -> dict[str, Any]:
    att_gt = {
        (first_treated, int(period)): effect + effect_growth * (int(period) - first_treated)
        for first_treated in cohorts
        for period in periods
        if period >= first_treated and cohorts[first_treated] > 0
    }
    sizes = {key: cohorts[key[0]] for key in att_gt}
    by_cohort: dict[int, list[float]] = {}
    by_event: dict[int, list[tuple[float, int]]] = {}
    for (first_treated, period), value in att_gt.items():
        by_cohort.setdefault(first_treated, []).append(value)
        by_event.setdefault(period - first_treated, []).append((value, cohorts[first_treated]))
    event = {
        key: sum(value * size for value, size in pairs) / sum(size for _, size in pairs)
        for key, pairs in sorted(by_event.items())
    }
    total = sum(sizes.values())
    return {
        "att_gt": att_gt,
        "cohort": {key: float(np.mean(values)) for key, values in sorted(by_cohort.items())},
        "event": event,
        "simple": sum(att_gt[key] * sizes[key] for key in att_gt) / total if total else 0.0,
        "event_overall": float(np.mean(list(event.values()))) if event else 0.0,
    }
