"""Aggregation of ATT(g,t) as R `did::aggte` does it, with influence-function standard errors,
a multiplier bootstrap for uniform bands, and the pre-trend Wald test.

Cells are weighted by the share of all units in their cohort (did's `pg`). Where those shares
are estimated weights across cohorts (simple, event, calendar and the cohort overall), the
influence function includes the term for estimating them (did's `wif`).
"""

import math
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import linalg, special

from devolve.indicators.analytics.influence import Combination, Influence
from devolve.indicators.analytics.panel import Note
from devolve.indicators.analytics.wild import (
    WildInterval,
    cluster_indicator,
    wild_cluster_bootstrap,
)

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]

# R did reports a standard error below this as missing (the estimate has no sampling variation).
SE_FLOOR = float(np.sqrt(np.finfo(float).eps) * 10)
# Bootstrap sign draws are generated in chunks of at most this many numbers (≈ 160 MB).
BOOTSTRAP_CHUNK = 20_000_000
AGGREGATIONS = ("simple", "cohort", "event", "calendar")


@dataclass(frozen=True)
class Estimate:
    att: float
    se: float
    ci_low: float
    ci_high: float


class AggregateRow(NamedTuple):
    """One parameter of an aggregation (a named tuple: built by the hundred per estimate, where a
    frozen dataclass's checked attribute setting would cost a measurable share of the run)."""

    key: int
    att: float
    se: float
    ci_low: float
    ci_high: float
    band_low: float | None
    band_high: float | None


@dataclass(frozen=True)
class Aggregation:
    kind: str  # "simple" | "cohort" | "event" | "calendar"
    overall: Estimate | None
    rows: tuple[AggregateRow, ...]
    critical_value: float | None = None  # of the uniform band (None without bootstrap)
    wild: WildInterval | None = None  # the overall's wild cluster bootstrap-t interval
    # (rows, rows) analytic, event aggregation only; not compared (arrays have no truth value)
    covariance: FloatArray | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CellTable:
    """The estimated cells: estimates, influence functions, cohorts and periods."""

    att: FloatArray  # (k,)
    influence: Influence  # k estimates; its groups are the units' cohorts
    cohort: npt.NDArray[np.int64]  # (k,)
    period: npt.NDArray[np.int64]  # (k,)


@dataclass(frozen=True)
class _Part:
    """The parameters of one aggregation: keys (none for the simple one, whose single parameter
    is its overall), estimates (m,) and how they combine the cells' estimates, with the wif term
    per unit group (C, m)."""

    kind: str
    keys: list[int]
    att: FloatArray
    combination: Combination
    group_terms: FloatArray


@dataclass(frozen=True)
class _Layout:
    """Where the estimates sit among the estimated cohorts, and those cohorts among the unit
    groups."""

    share: FloatArray  # (k,) share of all units in each estimate's cohort (did's pg)
    position: IndexArray  # (k,) cohort index of each estimate
    cohorts: npt.NDArray[np.int64]  # estimated cohorts, ascending
    cohort_share: FloatArray  # their shares of all units
    cohort_group: IndexArray  # their unit groups
    n_groups: int  # unit groups


def _weighted_means(
    att: FloatArray, group: IndexArray, n_parameters: int, layout: _Layout, *, estimated: bool
) -> tuple[FloatArray, Combination, FloatArray]:
    """Share-weighted means of groups of cells (did's get_agg_inf_func), all groups at once.

    att (k,) per cell; group (k,) the parameter each cell belongs to, -1 for none. Returns the
    m estimates, the combination of the cells and the wif term per unit group (C, m). With
    estimated shares that term is
    sum_j [(m_j(i) - s_j) / S - sum_l (m_l(i) - s_l) s_j / S²] att_j (m_j(i) = 1 when unit i is
    in cell j's cohort, S = sum s): it depends on a unit only through its cohort and is 0 for
    units in no estimated cohort; with fixed shares it is 0.
    """
    chosen = np.flatnonzero(group >= 0)
    groups = group[chosen]
    shares = layout.share[chosen]
    values = att[chosen]
    total = np.bincount(groups, weights=shares, minlength=n_parameters)
    weights = shares / total[groups]
    estimates = np.bincount(groups, weights=weights * values, minlength=n_parameters)
    group_terms = np.zeros((layout.n_groups, n_parameters))
    if estimated:
        n_cohorts = len(layout.cohort_group)
        weighted = np.bincount(groups, weights=shares * values, minlength=n_parameters)
        cohort_parameter = layout.position[chosen] * n_parameters + groups
        size = n_cohorts * n_parameters
        value_sum = np.bincount(cohort_parameter, weights=values, minlength=size)
        value_count = np.bincount(cohort_parameter, minlength=size)
        group_terms[layout.cohort_group] = (
            value_sum.reshape(n_cohorts, n_parameters) - weighted
        ) / total - (value_count.reshape(n_cohorts, n_parameters) - total) * weighted / total**2
    return estimates, Combination(groups, chosen, weights, n_parameters), group_terms


def _mean(columns: IndexArray, n_groups: int) -> tuple[Combination, FloatArray]:
    """The plain mean of some estimates (fixed weights: no wif term)."""
    weights = np.full(len(columns), 1 / len(columns))
    return Combination(np.zeros(len(columns), dtype=np.intp), columns, weights, 1), np.zeros(
        (n_groups, 1)
    )


def _parts(cells: CellTable) -> tuple[list[_Part], _Layout]:
    unit_groups = cells.influence.groups
    cohorts = np.unique(cells.cohort)
    cohort_group = np.searchsorted(unit_groups.values, cohorts)
    cohort_share = unit_groups.sizes[cohort_group] / cells.influence.n
    position = np.searchsorted(cohorts, cells.cohort)
    layout = _Layout(
        cohort_share[position],
        position,
        cohorts,
        cohort_share,
        cohort_group,
        len(unit_groups.values),
    )
    post = cells.cohort <= cells.period
    event = cells.period - cells.cohort
    parts = []
    if post.any():
        parts.append(
            _Part(
                "simple",
                [],
                *_weighted_means(cells.att, np.where(post, 0, -1), 1, layout, estimated=True),
            )
        )
    keys = sorted(set(cells.cohort[post].tolist()))
    group = np.where(post, np.searchsorted(keys, cells.cohort), -1)
    parts.append(
        _Part(
            "cohort", keys, *_weighted_means(cells.att, group, len(keys), layout, estimated=False)
        )
    )
    keys = sorted(set(event.tolist()))
    group = np.searchsorted(keys, event)
    parts.append(
        _Part("event", keys, *_weighted_means(cells.att, group, len(keys), layout, estimated=True))
    )
    first_cohort = int(cohorts.min())
    keys = sorted({int(value) for value in cells.period[post] if value >= first_cohort})
    group = np.where(post, np.searchsorted(keys, cells.period), -1)
    parts.append(
        _Part(
            "calendar", keys, *_weighted_means(cells.att, group, len(keys), layout, estimated=True)
        )
    )
    return parts, layout


def _overall(
    part: _Part, offset: int, layout: _Layout
) -> tuple[float, Combination, FloatArray] | None:
    """An aggregation's overall estimate as a combination of its parameters (at offset among
    all the parameters), or None if it has none: the simple ATT is its own; the cohort
    aggregation weights cohorts by their estimated shares (did's aggte "group"); event and
    calendar take plain means (of the event times from 0 on)."""
    columns = np.arange(len(part.att))
    if part.kind == "cohort" and part.keys:
        position = np.searchsorted(layout.cohorts, part.keys)
        cohort_layout = replace(layout, share=layout.cohort_share[position], position=position)
        whole, combination, terms = _weighted_means(
            part.att, np.zeros(len(columns), dtype=np.intp), 1, cohort_layout, estimated=True
        )
        shifted = replace(combination, source=combination.source + offset)
        return float(whole[0]), shifted, terms
    chosen = (
        columns[np.asarray(part.keys, dtype=np.int64) >= 0] if part.kind == "event" else columns
    )
    if part.kind == "cohort" or not len(chosen):
        return None
    combination, terms = _mean(chosen + offset, layout.n_groups)
    return float(part.att[chosen].mean()), combination, terms


def standard_errors(influence: Influence) -> FloatArray:
    """sqrt(mean(IF²) / n) per estimate, NaN where it is below R did's floor."""
    se = np.sqrt(influence.sum_of_squares()) / influence.n
    return np.where(se > SE_FLOOR, se, np.nan)


def bootstrap_replicates(influence: Influence, *, draws: int, seed: int) -> FloatArray:
    """(draws, m) multiplier-bootstrap replicates sqrt(n) · mean_i(v_i · IF_i), with
    Rademacher weights v (±1 with probability ½, csdid's choice)."""
    n = influence.n
    rng = np.random.default_rng(seed)
    replicates = np.empty((draws, influence.width))
    chunk = max(1, min(draws, BOOTSTRAP_CHUNK // max(n, 1)))
    for start in range(0, draws, chunk):
        stop = min(draws, start + chunk)
        signs = rng.integers(0, 2, size=(stop - start, n)).astype(np.float64)
        signs *= 2.0
        signs -= 1.0
        replicates[start:stop] = influence.signed_sums(signs) / np.sqrt(n)
    return replicates


def uniform_band(
    replicates: FloatArray, n: int, *, alpha: float
) -> tuple[FloatArray, float | None]:
    """Bootstrap standard errors (interquartile range / 1.349, as did's mboot) and the critical
    value of the sup-t band: the 1 - alpha quantile of max_j |replicate_j / sigma_j|."""
    sigma = np.full(replicates.shape[1], np.nan)
    usable = np.all(np.isfinite(replicates), axis=0) & np.any(replicates != 0, axis=0)
    if not usable.any():
        return sigma, None
    kept = replicates[:, usable]
    spread = np.quantile(kept, 0.75, axis=0, method="inverted_cdf") - np.quantile(
        kept, 0.25, axis=0, method="inverted_cdf"
    )
    scale = spread / (NormalDist().inv_cdf(0.75) - NormalDist().inv_cdf(0.25))
    scale[scale <= 0] = np.nan
    if not np.isfinite(scale).any():
        return sigma, None
    with np.errstate(divide="ignore", invalid="ignore"):
        largest = np.nanmax(np.abs(kept[:, np.isfinite(scale)] / scale[np.isfinite(scale)]), axis=1)
    sigma[usable] = scale / np.sqrt(n)
    return sigma, float(np.quantile(largest, 1 - alpha, method="inverted_cdf"))


def _rows(
    part: _Part, se: list[float], band_se: list[float], critical: float | None, z: float
) -> tuple[AggregateRow, ...]:
    rows = []
    estimates = part.att.tolist()[: len(part.keys)]  # the simple aggregation's one has no key
    for key, att, row_se, row_band_se in zip(part.keys, estimates, se, band_se, strict=True):
        band_low = band_high = None
        if critical is not None and math.isfinite(row_band_se):
            band_low, band_high = att - critical * row_band_se, att + critical * row_band_se
        rows.append(
            AggregateRow(key, att, row_se, att - z * row_se, att + z * row_se, band_low, band_high)
        )
    return tuple(rows)


def aggregate(
    cells: CellTable,
    *,
    alpha: float,
    bootstrap: int,
    seed: int,
    clusters: npt.ArrayLike | None = None,
    wild_draws: int = 0,
    wild_weights: Literal["rademacher", "webb"] = "webb",
) -> dict[str, Aggregation]:
    """The four aggregations; uniform bands over each aggregation's rows when bootstrap > 0;
    with clusters (one label per unit) and wild_draws > 0, a wild cluster bootstrap-t interval
    for each overall estimate.

    All parameters of all aggregations are combined from the cells at once, and the overall
    estimates from those parameters at once: two sparse products in all."""
    n = cells.influence.n
    z = NormalDist().inv_cdf(1 - alpha / 2)
    parts, layout = _parts(cells)
    influence = cells.influence.combine(
        Combination.stacked([part.combination for part in parts]),
        np.hstack([part.group_terms for part in parts]),
    )
    se = standard_errors(influence).tolist()
    offsets = np.cumsum([0] + [len(part.att) for part in parts[:-1]]).tolist()
    overall = {
        part.kind: found
        for part, offset in zip(parts, offsets, strict=True)
        if (found := _overall(part, offset, layout)) is not None
    }
    overall_se: dict[str, float] = {}
    wild: dict[str, WildInterval] = {}
    if overall:
        whole = influence.combine(
            Combination.stacked([combination for _, combination, _ in overall.values()]),
            np.hstack([terms for _, _, terms in overall.values()]),
        )
        overall_se = dict(zip(overall, standard_errors(whole).tolist(), strict=True))
        if clusters is not None and wild_draws:
            indicator, _ = cluster_indicator(clusters)
            scores = whole.signed_sums(indicator)  # (G, overall estimates)
            wild = {
                kind: wild_cluster_bootstrap(
                    overall[kind][0],
                    scores[:, position],
                    n,
                    alpha=alpha,
                    draws=wild_draws,
                    weights=wild_weights,
                    seed=seed,
                )
                for position, kind in enumerate(overall)
            }
    replicates = bootstrap_replicates(influence, draws=bootstrap, seed=seed) if bootstrap else None
    aggregations = {kind: Aggregation(kind, None, ()) for kind in AGGREGATIONS}
    for part, offset in zip(parts, offsets, strict=True):
        width = len(part.keys)  # the simple aggregation has no rows, only its overall
        band_se, critical = [math.nan] * width, None
        if replicates is not None and width:
            band_values, critical = uniform_band(
                replicates[:, offset : offset + width], n, alpha=alpha
            )
            band_se = band_values.tolist()
        estimate = None
        if part.kind in overall:
            value, value_se = overall[part.kind][0], overall_se[part.kind]
            estimate = Estimate(value, value_se, value - z * value_se, value + z * value_se)
        rows = _rows(part, se[offset : offset + width], band_se, critical, z)
        covariance = None
        if part.kind == "event" and width:
            columns = np.zeros(influence.width, dtype=bool)
            columns[offset : offset + width] = True
            covariance = influence.select(columns).cross_products() / n**2
        aggregations[part.kind] = Aggregation(
            part.kind, estimate, rows, critical, wild.get(part.kind), covariance
        )
    return aggregations


def pretrend_test(
    att: FloatArray, influence: Influence, pre: npt.NDArray[np.bool_]
) -> tuple[float | None, int | None, float | None, Note | None]:
    """Wald test that the pre-treatment ATT(g,t) are jointly zero, with their analytic
    covariance IF'IF / n²: (chi², df, p) or a note saying why there is no test."""
    if not pre.any():
        return (
            None,
            None,
            None,
            Note(
                "no_pretrend_test",
                "No pre-treatment ATT(g,t) could be estimated, so parallel trends before "
                "treatment are untested.",
                "warning",
            ),
        )
    covariance = influence.select(pre).cross_products() / influence.n**2
    # A Cholesky factor exists iff the covariance is positive definite; its diagonal bounds the
    # condition number (an eigendecomposition costs 50x more with threaded BLAS under load).
    # Cells with a non-finite estimate or influence function were dropped before, so the
    # finiteness checks are skipped.
    try:
        factor = linalg.cho_factor(covariance, check_finite=False)
        diagonal = np.abs(np.diag(factor[0]))
        singular = bool((diagonal.min() / diagonal.max()) ** 2 < np.finfo(float).eps)
    except linalg.LinAlgError:
        singular = True
    if singular:
        return (
            None,
            None,
            None,
            Note(
                "pretrend_singular",
                "The pre-trend Wald test is not reported: the covariance of the pre-treatment "
                "estimates is singular.",
                "warning",
            ),
        )
    chi2 = float(att[pre] @ linalg.cho_solve(factor, att[pre], check_finite=False))
    df = int(pre.sum())
    return chi2, df, float(special.chdtrc(df, chi2)), None  # the chi² survival function
