"""Aggregation of ATT(g,t) as R `did::aggte` does it, with influence-function standard errors,
a multiplier bootstrap for uniform bands, and the pre-trend Wald test.

Cells are weighted by the share of all units in their cohort (did's `pg`). Where those shares
are estimated weights across cohorts (simple, event, calendar and the cohort overall), the
influence function includes the term for estimating them (did's `wif`).
"""

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
from scipy import linalg, sparse, stats

from devolve.indicators.analytics.panel import Note

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]

# R did reports a standard error below this as missing (the estimate has no sampling variation).
SE_FLOOR = float(np.sqrt(np.finfo(float).eps) * 10)
# Bootstrap sign draws are generated in chunks of at most this many numbers (≈ 160 MB).
BOOTSTRAP_CHUNK = 20_000_000


@dataclass(frozen=True)
class Estimate:
    att: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class AggregateRow:
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


@dataclass(frozen=True)
class CellTable:
    """The estimated cells and what aggregation needs to know about units and cohorts."""

    att: FloatArray  # (k,)
    influence: FloatArray  # (n, k)
    cohort: npt.NDArray[np.int64]  # (k,)
    period: npt.NDArray[np.int64]  # (k,)
    unit_cohort: npt.NDArray[np.int64]  # (n,)
    periods: npt.NDArray[np.int64]  # (T,) periods used


@dataclass(frozen=True)
class _Family:
    """Parameters of one aggregation: keys, estimates (m,) and influence functions, one row per
    parameter (m, n); the overall parameter's influence function (n,)."""

    kind: str
    keys: list[int]
    att: FloatArray
    influence_rows: FloatArray
    overall_att: float | None
    overall_influence: FloatArray | None


@dataclass(frozen=True)
class _Layout:
    """Where cells and units sit among the estimated cohorts."""

    share: FloatArray  # (k,) share of all units in each cell's cohort (did's pg)
    position: IndexArray  # (k,) cohort index of each cell
    members: IndexArray  # units in an estimated cohort
    member_position: IndexArray  # their cohort index
    n_cohorts: int


def _combine(
    att: FloatArray,
    influence_rows: FloatArray,
    group: IndexArray,
    n_groups: int,
    layout: _Layout,
    *,
    estimated: bool,
) -> tuple[FloatArray, FloatArray]:
    """Share-weighted means of groups of cells (did's get_agg_inf_func), all groups at once.

    att (k,) and influence_rows (k, n) per cell; group (k,) the group of each cell, -1 for none.
    Returns the m estimates and their influence functions (m, n). With estimated shares the
    influence function gains did's `wif` term,
    sum_j [(m_j(i) - s_j) / S - sum_l (m_l(i) - s_l) s_j / S²] att_j (m_j(i) = 1 when unit i is
    in cell j's cohort, S = sum s): it depends on a unit only through its cohort and is 0 for
    units in no estimated cohort, so it is built per cohort and added to members only.
    """
    chosen = np.flatnonzero(group >= 0)
    groups = group[chosen]
    shares = layout.share[chosen]
    values = att[chosen]
    total = np.bincount(groups, weights=shares, minlength=n_groups)
    weights = shares / total[groups]
    # Each parameter weights a handful of cells: a sparse product reads every cell's influence
    # function once, where a dense one would multiply mostly zeros.
    order = np.argsort(groups, kind="stable")
    pointers = np.concatenate([[0], np.cumsum(np.bincount(groups, minlength=n_groups))])
    matrix = sparse.csr_array((weights[order], chosen[order], pointers), shape=(n_groups, len(att)))
    combined = np.asarray(matrix @ influence_rows)
    estimates = np.bincount(groups, weights=weights * values, minlength=n_groups)
    if estimated:
        weighted = np.bincount(groups, weights=shares * values, minlength=n_groups)
        cohort_group = layout.position[chosen] * n_groups + groups
        size = layout.n_cohorts * n_groups
        value_sum = np.bincount(cohort_group, weights=values, minlength=size)
        value_count = np.bincount(cohort_group, minlength=size)
        per_cohort = (value_sum.reshape(layout.n_cohorts, n_groups) - weighted) / total - (
            value_count.reshape(layout.n_cohorts, n_groups) - total
        ) * weighted / total**2
        combined[:, layout.members] += per_cohort[layout.member_position].T
    return estimates, combined


def _families(cells: CellTable) -> list[_Family]:
    n = cells.influence.shape[0]
    rows = cells.influence.T  # (k, n)
    cohorts = np.unique(cells.cohort)
    n_cohorts = len(cohorts)
    cohort_share = np.asarray([np.mean(cells.unit_cohort == value) for value in cohorts])
    position = np.searchsorted(cohorts, cells.cohort)
    unit_position = np.searchsorted(cohorts, cells.unit_cohort)
    clipped = np.minimum(unit_position, n_cohorts - 1)
    members = np.flatnonzero((unit_position < n_cohorts) & (cohorts[clipped] == cells.unit_cohort))
    layout = _Layout(cohort_share[position], position, members, unit_position[members], n_cohorts)
    post = cells.cohort <= cells.period
    event = cells.period - cells.cohort
    families = []

    if post.any():
        simple_att, simple_rows = _combine(
            cells.att, rows, np.where(post, 0, -1), 1, layout, estimated=True
        )
        families.append(
            _Family(
                "simple", [], np.zeros(0), np.zeros((0, n)), float(simple_att[0]), simple_rows[0]
            )
        )
    else:
        families.append(_Family("simple", [], np.zeros(0), np.zeros((0, n)), None, None))

    keys = sorted(set(cells.cohort[post].tolist()))
    group = np.where(post, np.searchsorted(keys, cells.cohort), -1)
    cohort_att, cohort_rows = _combine(cells.att, rows, group, len(keys), layout, estimated=False)
    overall_att = overall_influence = None
    if keys:
        key_position = np.searchsorted(cohorts, keys)
        cohort_layout = _Layout(
            cohort_share[key_position], key_position, members, layout.member_position, n_cohorts
        )
        whole, whole_rows = _combine(
            cohort_att,
            cohort_rows,
            np.zeros(len(keys), dtype=np.intp),
            1,
            cohort_layout,
            estimated=True,
        )
        overall_att, overall_influence = float(whole[0]), whole_rows[0]
    families.append(
        _Family("cohort", keys, cohort_att, cohort_rows, overall_att, overall_influence)
    )

    keys = sorted(set(event.tolist()))
    event_att, event_rows = _combine(
        cells.att, rows, np.searchsorted(keys, event), len(keys), layout, estimated=True
    )
    after = np.asarray(keys, dtype=np.int64) >= 0
    families.append(
        _Family(
            "event",
            keys,
            event_att,
            event_rows,
            float(event_att[after].mean()) if after.any() else None,
            event_rows[after].mean(axis=0) if after.any() else None,
        )
    )

    first_cohort = int(cohorts.min())
    keys = sorted({int(value) for value in cells.period[post] if value >= first_cohort})
    group = np.where(post, np.searchsorted(keys, cells.period), -1)
    calendar_att, calendar_rows = _combine(
        cells.att, rows, group, len(keys), layout, estimated=True
    )
    families.append(
        _Family(
            "calendar",
            keys,
            calendar_att,
            calendar_rows,
            float(calendar_att.mean()) if keys else None,
            calendar_rows.mean(axis=0) if keys else None,
        )
    )
    return families


def standard_errors(influence: FloatArray) -> FloatArray:
    """sqrt(mean(IF²) / n) per column, NaN where it is below R did's floor."""
    n = influence.shape[0]
    rows = influence.T  # contiguous when the influence functions are stored one row per column
    se = np.sqrt(np.einsum("ij,ij->i", rows, rows)) / n
    return np.where(se > SE_FLOOR, se, np.nan)


def bootstrap_replicates(influence: FloatArray, *, draws: int, seed: int) -> FloatArray:
    """(draws, m) multiplier-bootstrap replicates sqrt(n) · mean_i(v_i · IF_i), with
    Rademacher weights v (±1 with probability ½, csdid's choice)."""
    n = influence.shape[0]
    rng = np.random.default_rng(seed)
    replicates = np.empty((draws, influence.shape[1]))
    chunk = max(1, min(draws, BOOTSTRAP_CHUNK // max(n, 1)))
    for start in range(0, draws, chunk):
        stop = min(draws, start + chunk)
        signs = rng.integers(0, 2, size=(stop - start, n)).astype(np.float64)
        signs *= 2.0
        signs -= 1.0
        replicates[start:stop] = signs @ influence / np.sqrt(n)
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


def aggregate(
    cells: CellTable, *, alpha: float, bootstrap: int, seed: int
) -> dict[str, Aggregation]:
    """The four aggregations; uniform bands over each aggregation's rows when bootstrap > 0."""
    n = cells.influence.shape[0]
    z = NormalDist().inv_cdf(1 - alpha / 2)
    families = _families(cells)
    replicates = None
    if bootstrap:
        stacked = np.vstack([family.influence_rows for family in families])
        replicates = bootstrap_replicates(stacked.T, draws=bootstrap, seed=seed)
    aggregations = {}
    offset = 0
    for family in families:
        width = len(family.keys)
        se = standard_errors(family.influence_rows.T)
        band_se = np.full(width, np.nan)
        critical = None
        if replicates is not None and width:
            band_se, critical = uniform_band(replicates[:, offset : offset + width], n, alpha=alpha)
        offset += width
        rows = []
        for index, key in enumerate(family.keys):
            att = float(family.att[index])
            band_low = band_high = None
            if critical is not None and np.isfinite(band_se[index]):
                band_low = att - critical * float(band_se[index])
                band_high = att + critical * float(band_se[index])
            rows.append(
                AggregateRow(
                    key=key,
                    att=att,
                    se=float(se[index]),
                    ci_low=att - z * float(se[index]),
                    ci_high=att + z * float(se[index]),
                    band_low=band_low,
                    band_high=band_high,
                )
            )
        overall = None
        if family.overall_att is not None and family.overall_influence is not None:
            overall_se = float(standard_errors(family.overall_influence[:, None])[0])
            overall = Estimate(
                family.overall_att,
                overall_se,
                family.overall_att - z * overall_se,
                family.overall_att + z * overall_se,
            )
        aggregations[family.kind] = Aggregation(family.kind, overall, tuple(rows), critical)
    return aggregations


def pretrend_test(
    att: FloatArray, influence: FloatArray, pre: npt.NDArray[np.bool_]
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
    n = influence.shape[0]
    selected = np.ascontiguousarray(influence.T[pre])  # (p, n): one row per pre-period cell
    covariance = selected @ selected.T / n**2
    # A Cholesky factor exists iff the covariance is positive definite; its diagonal bounds the
    # condition number (an eigendecomposition costs 50x more with threaded BLAS under load).
    try:
        factor = linalg.cho_factor(covariance)
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
    chi2 = float(att[pre] @ linalg.cho_solve(factor, att[pre]))
    df = int(pre.sum())
    return chi2, df, float(stats.chi2.sf(chi2, df)), None
