"""Callaway & Sant'Anna (2021) difference-in-differences for staggered adoption.

Computes what R `did` 2.5 (`att_gt` + `aggte`, panel data, analytic standard errors) computes,
vectorised over units: ATT(g,t) for every cohort g and period t, each from a 2x2 comparison of
the cohort with its comparison units between t and a base period, with the per-unit influence
function of every estimate; then the aggregations simple / cohort / event / calendar with the
weights of `did::aggte`, including the term for estimating those weights. Standard errors come
from the influence functions; a multiplier bootstrap (Rademacher weights, as csdid) gives
uniform (simultaneous) bands. See docs/decisions/0015-own-estimators-with-oracles.md.

Every cohort or cell that cannot be estimated is listed in the diagnostics, and the result then
refuses a headline (`Diagnostics.headline_allowed`).
"""

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from devolve.indicators.analytics import ENGINE_VERSION
from devolve.indicators.analytics.aggregation import (
    AggregateRow,
    Aggregation,
    CellTable,
    Estimate,
    aggregate,
    pretrend_test,
    standard_errors,
)
from devolve.indicators.analytics.influence import (
    DenseInfluence,
    GroupedInfluence,
    Influence,
    UnitGroups,
    group_grams,
    group_means,
    grouped_is_smaller,
)
from devolve.indicators.analytics.panel import (
    Note,
    Panel,
    PanelError,
    counted,
    note_to_json,
    shown,
)
from devolve.indicators.analytics.pretrend import (
    PreCells,
    RandomisationTest,
    randomisation_pretrend,
)
from devolve.indicators.analytics.two_by_two import PSCORE_TRIM, CellFailed, estimate_cell

__all__ = [
    "AggregateRow",
    "Aggregation",
    "CSResult",
    "Diagnostics",
    "Estimate",
    "GroupTime",
    "Note",
    "callaway_santanna",
    "result_to_json",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]

# Fewer pre-treatment periods than this leave a cohort without a pre-trend comparison.
MIN_PRE_PERIODS = 2


class GroupTime(NamedTuple):
    """One ATT(g,t) (a named tuple, as aggregation.AggregateRow, for the cost of building
    hundreds per estimate)."""

    cohort: int
    period: int
    event_time: int
    att: float
    se: float  # NaN for the zero reference cell of a universal base period
    n_treated: int
    n_control: int
    base_period: int = 0


@dataclass(frozen=True)
class Diagnostics:
    n_units: int
    n_treated_units: int
    n_control_units: int
    cohorts: tuple[int, ...]
    dropped_cohorts: tuple[int, ...]
    dropped_cells: tuple[tuple[int, int], ...]
    pscore_min: float | None
    pscore_max: float | None
    pretrend_chi2: float | None
    pretrend_df: int | None
    pretrend_p: float | None
    notes: tuple[Note, ...]
    # The randomisation test of analytics.pretrend (None when not run: covariates, no draws).
    pretrend_randomisation_p: float | None = None
    pretrend_randomisation_draws: int = 0

    @property
    def headline_allowed(self) -> bool:
        """An overall effect may be shown only if nothing was left out and nothing failed."""
        return (
            not self.dropped_cohorts
            and not self.dropped_cells
            and not any(note.severity == "error" for note in self.notes)
        )


@dataclass(frozen=True)
class CSResult:
    control: str
    method: str
    alpha: float
    att_gt: tuple[GroupTime, ...]
    aggregations: dict[str, Aggregation]
    diagnostics: Diagnostics
    bootstrap_draws: int
    seed: int
    base_period: str = "varying"
    anticipation: int = 0
    covariate_names: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Cohorts, comparison units and cells
# ---------------------------------------------------------------------------------------------


@dataclass
class _Sample:
    """The units and periods used, after the cohort handling R did applies."""

    outcome: FloatArray  # (n, T)
    cohort: npt.NDArray[np.int64]  # (n,), recoded: cohorts after the last period are 0
    covariates: FloatArray | None
    periods: npt.NDArray[np.int64]
    cohorts: tuple[int, ...]  # cohorts to estimate
    dropped_cohorts: list[int]
    notes: list[Note]
    kept: npt.NDArray[np.bool_]  # (units of the panel,) the units in the sample


def _prepare(panel: Panel, *, control: str, anticipation: int) -> _Sample:
    periods = panel.periods
    cohort = panel.cohort.astype(np.int64).copy()
    outcome = panel.outcome
    covariates = panel.covariates
    notes: list[Note] = []
    dropped: list[int] = []
    kept = np.ones(len(cohort), dtype=bool)

    late = cohort > periods[-1] + anticipation
    if late.any():
        values = sorted(set(cohort[late].tolist()))
        notes.append(
            Note(
                "cohort_after_last_period",
                f"{int(late.sum())} units of cohorts {', '.join(map(str, values))} are first "
                f"treated after the last period ({periods[-1]}); they are used as never treated.",
                "warning",
                {"units": str(int(late.sum())), "cohorts": shown(values), "last": str(periods[-1])},
            )
        )
        cohort[late] = 0

    comparison_only: int | None = None
    if not (cohort == 0).any():
        if control == "never":
            raise PanelError(
                "No never-treated units (cohort 0) remain, so control='never' has no comparison "
                "group. Use control='notyet', or add never-treated units."
            )
        comparison_only = int(cohort.max())
        keep_period = periods < comparison_only - anticipation
        if not keep_period.any():
            raise PanelError(
                f"No period precedes the last cohort ({comparison_only}); there is no "
                f"not-yet-treated comparison at all."
            )
        notes.append(
            Note(
                "no_never_treated",
                f"No unit is never treated: cohort {comparison_only} serves only as the "
                f"not-yet-treated comparison, its own effect is not estimated, and periods from "
                f"{comparison_only - anticipation} on are dropped ({int((~keep_period).sum())} "
                f"periods).",
                "warning",
                {
                    "cohort": str(comparison_only),
                    "start": str(comparison_only - anticipation),
                    "count": str(int((~keep_period).sum())),
                },
            )
        )
        dropped.append(comparison_only)
        periods = periods[keep_period]
        outcome = outcome[:, keep_period]

    early = (cohort > 0) & (cohort <= periods[0] + anticipation)
    if early.any():
        values = sorted(set(cohort[early].tolist()))
        notes.append(
            Note(
                "treated_in_first_period",
                f"Dropped {int(early.sum())} units of cohorts {', '.join(map(str, values))}: "
                f"treated in or before the first period ({periods[0]}), they have no "
                f"pre-treatment period.",
                "warning",
                {
                    "units": str(int(early.sum())),
                    "cohorts": shown(values),
                    "first": str(periods[0]),
                },
            )
        )
        dropped.extend(value for value in values if value not in dropped)
        kept = ~early
        cohort = cohort[~early]
        outcome = outcome[~early]
        covariates = covariates[~early] if covariates is not None else None

    cohorts = tuple(
        value for value in sorted(set(cohort[cohort > 0].tolist())) if value != comparison_only
    )
    if not cohorts:
        raise PanelError("No treated cohort remains to estimate an effect for.")
    for value in cohorts:
        pre_periods = int(np.sum(periods + anticipation < value))
        if pre_periods < MIN_PRE_PERIODS:
            notes.append(
                Note(
                    "few_pre_periods",
                    f"Cohort {value} has {pre_periods} pre-treatment period: its parallel "
                    f"trend before treatment cannot be checked.",
                    "warning",
                    {"cohort": str(value), "periods": str(pre_periods)},
                )
            )
    return _Sample(outcome, cohort, covariates, periods, cohorts, sorted(dropped), notes, kept)


@dataclass
class _Cell:
    cohort: int
    period: int
    base: int
    current_index: int
    base_index: int


def _cells(sample: _Sample, *, base_period: str, anticipation: int) -> list[_Cell]:
    periods = sample.periods
    cells = []
    for cohort in sample.cohorts:
        last_pre = int(np.flatnonzero(periods + anticipation < cohort)[-1])
        start = 0 if base_period == "universal" else 1
        for current in range(start, len(periods)):
            base = last_pre if base_period == "universal" else current - 1
            if cohort - anticipation <= periods[current]:
                base = last_pre
            cells.append(_Cell(cohort, int(periods[current]), int(periods[base]), current, base))
    return cells


def _comparison_groups(
    groups: UnitGroups, sample: _Sample, cells: list[_Cell], *, control: str, anticipation: int
) -> BoolArray:
    """(C, k): whether the units of group c are comparison units of cell j. Never-treated
    units always are; with control="notyet" so are cohorts not yet treated by
    max(t, base) + anticipation, other than the cell's own."""
    never = groups.values == 0
    if control == "never":
        return np.repeat(never[:, None], len(cells), axis=1)
    latest = np.asarray([max(cell.current_index, cell.base_index) for cell in cells])
    threshold = sample.periods[latest] + anticipation
    cohort = np.asarray([cell.cohort for cell in cells])
    values = groups.values[:, None]
    return np.asarray(never[:, None] | ((values > threshold) & (values != cohort)))


class _CellLog:
    """What happened to each cell: failures (code, message) and propensity-score extremes."""

    def __init__(self, cells: list[_Cell]) -> None:
        self.cells = cells
        self.usable = np.ones(len(cells), dtype=bool)
        self.failures: dict[str, list[str]] = {}
        self.pscore_low, self.pscore_high, self.trimmed = np.inf, -np.inf, 0

    def fail(self, index: int, code: str, message: str) -> None:
        self.usable[index] = False
        cell = self.cells[index]
        self.failures.setdefault(code, []).append(f"({cell.cohort}, {cell.period}): {message}")

    def scores(self, low: float, high: float) -> None:
        self.pscore_low = min(self.pscore_low, low)
        self.pscore_high = max(self.pscore_high, high)


@dataclass
class _CellEstimates:
    cells: list[_Cell]
    att: FloatArray  # (k,)
    influence: Influence
    counts: list[tuple[int, int]]  # treated and comparison units per cell
    dropped: list[tuple[int, int]]
    failures: dict[str, list[str]]
    pscore_low: float
    pscore_high: float
    trimmed: int


@dataclass(frozen=True)
class _CellLayout:
    """Each cell's periods, cohort group and comparison groups, and the group sizes."""

    groups: UnitGroups
    current: IndexArray  # (k,) period index of t
    base: IndexArray  # (k,) period index of the base period
    treated_group: IndexArray  # (k,)
    comparison: BoolArray  # (C, k)
    n_treated: FloatArray  # (k,)
    n_control: FloatArray  # (k,)

    @property
    def reference(self) -> BoolArray:
        """The zero cells of a universal base period (t is the base period)."""
        return np.asarray(self.current == self.base)


def _estimate_cells(
    sample: _Sample,
    cells: list[_Cell],
    design: FloatArray | None,
    *,
    control: str,
    method: str,
    anticipation: int,
) -> _CellEstimates:
    groups = UnitGroups.of(sample.cohort)
    comparison = _comparison_groups(
        groups, sample, cells, control=control, anticipation=anticipation
    )
    treated_group = np.searchsorted(groups.values, [cell.cohort for cell in cells])
    layout = _CellLayout(
        groups=groups,
        current=np.asarray([cell.current_index for cell in cells], dtype=np.intp),
        base=np.asarray([cell.base_index for cell in cells], dtype=np.intp),
        treated_group=treated_group,
        comparison=comparison,
        n_treated=groups.sizes[treated_group],
        n_control=groups.sizes @ comparison,
    )
    log = _CellLog(cells)
    for index in np.flatnonzero((layout.n_control == 0) & ~layout.reference).tolist():
        log.fail(index, "no_comparison_units", "no comparison unit is available")
    att: FloatArray
    influence: Influence
    if design is None:
        att, influence = _mean_cells(sample, layout, method=method, log=log)
    else:
        att, influence = _covariate_cells(sample, layout, design, method=method, log=log)
    finite = np.isfinite(att) & influence.finite()
    for unfinished in np.flatnonzero(log.usable & ~finite).tolist():
        log.fail(unfinished, "not_finite", "the estimate is not a finite number")
    usable = log.usable
    counts = [
        (int(treated), int(compared))
        for treated, compared in zip(
            layout.n_treated.tolist(), layout.n_control.tolist(), strict=True
        )
    ]
    return _CellEstimates(
        cells=[cell for cell, keep in zip(cells, usable, strict=True) if keep],
        att=att[usable],
        influence=influence if usable.all() else influence.select(usable),
        counts=[count for count, keep in zip(counts, usable, strict=True) if keep],
        dropped=[
            (cell.cohort, cell.period) for cell, keep in zip(cells, usable, strict=True) if not keep
        ],
        failures=log.failures,
        pscore_low=float(log.pscore_low),
        pscore_high=float(log.pscore_high),
        trimmed=log.trimmed,
    )


def _mean_cells(
    sample: _Sample, layout: _CellLayout, *, method: str, log: _CellLog
) -> tuple[FloatArray, Influence]:
    """Without covariates all three methods reduce to a difference in mean outcome changes
    between the cohort and its comparison units, and each cell's influence function is affine
    in a unit's centred outcomes with coefficients per group:

        cohort units:      (n / n_g) · (d_i - mean_g d)
        comparison units: -(n / n_K) · (d_i - mean_K d),   d_i = y_i,t - y_i,base.

    Stored as those coefficients (GroupedInfluence, from the groups' means and Gram matrices)
    when they are fewer numbers than the units, else written out unit by unit (DenseInfluence).
    """
    if method != "reg":  # the propensity score is the cohort's share of the cell's units
        share = layout.n_treated / (layout.n_treated + np.maximum(layout.n_control, 1))
        checked = (layout.n_control > 0) & ~layout.reference
        for index in np.flatnonzero(checked & (share >= PSCORE_TRIM)).tolist():
            log.fail(
                index,
                "overlap_violated",
                f"the cohort is {share[index]:.4f} of the cell's units, so the propensity "
                f"score leaves no comparison weight",
            )
        kept = checked & (share < PSCORE_TRIM)
        if kept.any():
            log.scores(float(share[kept].min()), float(share[kept].max()))
    groups, comparison = layout.groups, layout.comparison
    n = float(sample.outcome.shape[0])
    columns = np.arange(len(layout.current))
    means = group_means(sample.outcome, groups)
    change = means[:, layout.current] - means[:, layout.base]  # (C, k) mean change per group
    treated_mean = change[layout.treated_group, columns]
    with np.errstate(invalid="ignore", divide="ignore"):
        control_mean = (groups.sizes[:, None] * comparison * change).sum(axis=0) / layout.n_control
        coefficient = np.where(comparison, -n / layout.n_control, 0.0)
    coefficient[layout.treated_group, columns] = n / layout.n_treated
    intercepts = np.where(comparison, coefficient * (change - control_mean), 0.0)
    att = np.asarray(treated_mean - control_mean)
    if not grouped_is_smaller(groups, sample.outcome.shape[1]):
        return att, _dense_mean_influence(sample, layout, means, coefficient, intercepts)
    gram = group_grams(sample.outcome, groups, means)
    # d = y · (e_t - e_base), so group c's slopes are coefficient · (e_t - e_base), and their
    # product with G_c is coefficient · (G_c[t] - G_c[base]) (G_c is symmetric). Written in
    # place: at thousands of units and dozens of periods fresh temporaries cost more than the
    # arithmetic.
    influence = GroupedInfluence.zeros(sample.outcome, groups, means, len(columns))
    shape = (len(columns), len(groups.values), sample.outcome.shape[1])
    slopes, weighted = influence.slopes.reshape(shape), influence.weighted.reshape(shape)
    for group in range(len(groups.values)):
        slopes[columns, group, layout.current] = coefficient[group]
        slopes[columns, group, layout.base] -= coefficient[group]
        np.subtract(gram[group][layout.current], gram[group][layout.base], out=weighted[:, group])
    weighted *= coefficient.T[:, :, None]
    influence.intercepts[:] = intercepts.T
    return att, influence


def _dense_mean_influence(
    sample: _Sample,
    layout: _CellLayout,
    means: FloatArray,
    coefficient: FloatArray,
    intercepts: FloatArray,
) -> DenseInfluence:
    """The same influence functions written out unit by unit, group by group, each group only
    for the cells it takes part in (its own cohort's, and those it is a comparison for)."""
    groups = layout.groups
    n_cells, periods = len(layout.current), sample.outcome.shape[1]
    steps = np.zeros((periods, n_cells))  # d = y · steps: +1 at t, -1 at the base period
    steps[layout.current, np.arange(n_cells)] = 1.0
    steps[layout.base, np.arange(n_cells)] -= 1.0
    by_unit = np.zeros((sample.outcome.shape[0], n_cells))
    for group in range(len(groups.values)):
        cells = np.flatnonzero(coefficient[group])
        if not len(cells):
            continue
        members = groups.members(group)
        change = (sample.outcome[members] - means[group]) @ steps[:, cells]
        change *= coefficient[group, cells]
        change += intercepts[group, cells]
        if len(cells) == n_cells:
            by_unit[members] = change
        else:
            by_unit[np.ix_(members, cells)] = change
    return DenseInfluence(np.ascontiguousarray(by_unit.T), groups)


def _covariate_cells(
    sample: _Sample, layout: _CellLayout, design: FloatArray, *, method: str, log: _CellLog
) -> tuple[FloatArray, DenseInfluence]:
    """Each cell by its 2x2 estimator over the cell's units (two_by_two.estimate_cell)."""
    n = sample.outcome.shape[0]
    unit_group = layout.groups.index
    att = np.zeros(len(layout.current))
    rows = np.zeros((len(layout.current), n))  # influence functions, one row per cell
    for index in np.flatnonzero(log.usable & ~layout.reference).tolist():
        treated = unit_group == layout.treated_group[index]
        in_cell = treated | layout.comparison[unit_group, index]
        change = (
            sample.outcome[in_cell, layout.current[index]]
            - sample.outcome[in_cell, layout.base[index]]
        )
        try:
            cell_att, local, score, trimmed = estimate_cell(
                method, change, treated[in_cell].astype(np.float64), design[in_cell]
            )
        except CellFailed as failure:
            log.fail(index, failure.code, failure.message)
            continue
        except np.linalg.LinAlgError as error:
            log.fail(index, "singular_design", str(error))
            continue
        att[index] = cell_att
        rows[index, in_cell] = local * (n / int(in_cell.sum()))
        log.trimmed += trimmed
        if score is not None:
            log.scores(float(score.min()), float(score.max()))
    return att, DenseInfluence(rows, layout.groups)


# Below this many clusters with treated units per cohort, the wild cluster bootstrap is known
# to cover too rarely (MacKinnon & Webb 2017); measured here: 77 % for a nominal 95 % with two.
FEW_TREATED_CLUSTERS = 4


def _cluster_notes(labels: npt.NDArray[Any], sample: _Sample) -> list[Note]:
    clusters = len(np.unique(labels))
    if clusters < 2:
        return [
            Note(
                "wild_not_computed",
                "No wild cluster bootstrap: all units are in one cluster.",
                "warning",
            )
        ]
    treated = [len(np.unique(labels[sample.cohort == cohort])) for cohort in sample.cohorts]
    if min(treated) < FEW_TREATED_CLUSTERS:
        return [
            Note(
                "few_treated_clusters",
                f"A cohort's units lie in only {min(treated)} of the {clusters} clusters: with so "
                f"few treated clusters even the wild cluster bootstrap covers too rarely.",
                "warning",
                {"treated": str(min(treated)), "clusters": str(clusters)},
            )
        ]
    return []


def _pre_cells(cells: list[_Cell], sample: _Sample, *, control: str, anticipation: int) -> PreCells:
    current = np.asarray([cell.current_index for cell in cells], dtype=np.intp)
    base = np.asarray([cell.base_index for cell in cells], dtype=np.intp)
    threshold = None
    if control == "notyet":
        threshold = sample.periods[np.maximum(current, base)] + anticipation
    return PreCells(
        cohort=np.asarray([cell.cohort for cell in cells], dtype=np.int64),
        current=current,
        base=base,
        threshold=threshold,
    )


def _pretrend_notes(
    chi2: float | None,
    df: int | None,
    p_value: float | None,
    randomisation: RandomisationTest | None,
    *,
    alpha: float,
) -> list[Note]:
    """The warning that parallel trends are doubtful follows the randomisation test when it ran
    (its size is exact); the asymptotic Wald test alone decides only when it did not."""
    if p_value is None:
        return []
    wald = f"Wald χ² = {chi2:.2f}, df = {df}, asymptotic p = {p_value:.4f}"
    params = {"chi2": f"{chi2:.2f}", "df": str(df), "p": f"{p_value:.4f}"}
    if randomisation is None:
        if p_value >= alpha:
            return []
        return [
            Note(
                "pretrend_rejected",
                f"The pre-treatment ATT(g,t) differ jointly from zero ({wald}): parallel "
                f"trends are doubtful.",
                "warning",
                params,
            )
        ]
    permuted = (
        f"randomisation p = {randomisation.p_value:.4f} over {randomisation.draws} "
        f"permutations of the cohorts"
    )
    params |= {"randomisation_p": f"{randomisation.p_value:.4f}", "draws": str(randomisation.draws)}
    if randomisation.p_value <= alpha:
        return [
            Note(
                "pretrend_rejected",
                f"The pre-treatment ATT(g,t) differ jointly from zero ({permuted}; {wald}): "
                f"parallel trends are doubtful.",
                "warning",
                params,
                sentence="pretrend_rejected_randomisation",
            )
        ]
    if p_value < alpha:
        return [
            Note(
                "pretrend_wald_oversized",
                f"The asymptotic Wald test rejects ({wald}), but with few units per cohort its "
                f"covariance is too noisy for the χ² reference; the randomisation test, whose "
                f"size is exact, does not ({permuted}).",
                "info",
                params,
            )
        ]
    return []


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def callaway_santanna(
    panel: Panel,
    *,
    control: Literal["never", "notyet"] = "never",
    method: Literal["reg", "ipw", "dr"] = "dr",
    base_period: Literal["varying", "universal"] = "varying",
    alpha: float = 0.05,
    bootstrap: int = 999,
    seed: int = 0,
    anticipation: int = 0,
    pretrend_draws: int = 0,
    clusters: npt.ArrayLike | None = None,
    wild_draws: int = 0,
    wild_weights: Literal["rademacher", "webb"] = "webb",
) -> CSResult:
    """ATT(g,t) and its aggregations; PanelError if no effect can be estimated at all.

    control: "never" compares with never-treated units (cohort 0, or first treated after the
    last period); "notyet" adds units not yet treated by max(t, base) + anticipation.
    method: "reg" outcome regression, "ipw" normalised inverse probability weighting with a
    logit propensity score, "dr" doubly robust (Sant'Anna & Zhao 2020, R DRDID `drdid_panel`).
    bootstrap: multiplier-bootstrap draws for the uniform bands (0: no bands).
    pretrend_draws: permutations of the cohort labels for the randomisation pre-trend test
    (analytics.pretrend; panels without covariates only). When it runs, the warning that
    parallel trends are doubtful follows its p-value, not the asymptotic Wald test's.
    clusters: one label per unit of the panel (the unit itself, its prefecture…); with
    wild_draws > 0 every overall estimate also gets a wild cluster bootstrap-t interval
    (analytics.wild) with wild_weights, beside the analytic one.
    """
    if control not in ("never", "notyet"):
        raise ValueError(f"control must be 'never' or 'notyet', not {control!r}")
    if method not in ("reg", "ipw", "dr"):
        raise ValueError(f"method must be 'reg', 'ipw' or 'dr', not {method!r}")
    if base_period not in ("varying", "universal"):
        raise ValueError(f"base_period must be 'varying' or 'universal', not {base_period!r}")
    if not 0 < alpha < 1 or bootstrap < 0 or anticipation < 0 or pretrend_draws < 0:
        raise ValueError(
            "alpha must lie in (0, 1); bootstrap, anticipation and pretrend_draws must be ≥ 0"
        )
    sample = _prepare(panel, control=control, anticipation=anticipation)
    n = len(sample.cohort)
    cluster_labels = None
    cluster_notes: list[Note] = []
    if wild_draws:
        labels = np.asarray(panel.units if clusters is None else clusters)
        if labels.shape != (len(panel.units),):
            raise ValueError(f"clusters must give one label per unit ({len(panel.units)})")
        cluster_labels = labels[sample.kept]
        cluster_notes = _cluster_notes(cluster_labels, sample)
        if any(note.code == "wild_not_computed" for note in cluster_notes):
            cluster_labels = None
    cells = _cells(sample, base_period=base_period, anticipation=anticipation)
    has_covariates = sample.covariates is not None and sample.covariates.shape[1] > 0
    design = (
        np.column_stack([np.ones(n), sample.covariates])
        if sample.covariates is not None and has_covariates
        else None
    )

    estimates = _estimate_cells(
        sample, cells, design, control=control, method=method, anticipation=anticipation
    )
    kept, att, influence = estimates.cells, estimates.att, estimates.influence
    if not any(cell.period >= cell.cohort for cell in kept):
        reasons = "; ".join(
            f"{code}: {'; '.join(listed[:3])}" for code, listed in estimates.failures.items()
        )
        raise PanelError(
            f"No post-treatment ATT(g,t) could be estimated for any cohort ({reasons or 'none'})."
        )
    counts, dropped_cells, failures = estimates.counts, estimates.dropped, estimates.failures
    pscore_low, pscore_high = estimates.pscore_low, estimates.pscore_high
    trimmed_total = estimates.trimmed

    notes = list(sample.notes) + cluster_notes
    for code, listed in failures.items():
        described = "; ".join(listed[:5]) + (
            f"; and {len(listed) - 5} more" if len(listed) > 5 else ""
        )
        notes.append(
            Note(
                code,
                f"{counted(len(listed), 'ATT(g,t) cell')} not estimated, left out of every "
                f"aggregate: {described}.",
                "warning",
                {
                    "count": str(len(listed)),
                    "reason": code,
                    "cells": ", ".join(item.split(":")[0] for item in listed[:5])
                    + (", …" if len(listed) > 5 else ""),
                },
                sentence="cells_not_estimated",
            )
        )
    if trimmed_total:
        notes.append(
            Note(
                "pscore_trimmed",
                f"Comparison units with a propensity score ≥ {PSCORE_TRIM} get no weight (as R "
                f"DRDID): {trimmed_total} unit-cells were trimmed in total.",
                "info",
                {"trim": f"{PSCORE_TRIM:g}", "count": str(trimmed_total)},
            )
        )
    estimated_cohorts = {cell.cohort for cell in kept if cell.period >= cell.cohort}
    lost = [value for value in sample.cohorts if value not in estimated_cohorts]
    dropped_cohorts = sorted(set(sample.dropped_cohorts) | set(lost))
    if lost:
        notes.append(
            Note(
                "cohort_not_estimated",
                f"No post-treatment ATT(g,t) could be estimated for cohorts "
                f"{', '.join(map(str, lost))}; they are missing from every aggregate.",
                "warning",
                {"cohorts": shown(lost)},
            )
        )

    cell_cohort = np.asarray([cell.cohort for cell in kept], dtype=np.int64)
    cell_period = np.asarray([cell.period for cell in kept], dtype=np.int64)
    se_values = standard_errors(influence)
    att_gt = tuple(
        GroupTime(
            cohort=cell.cohort,
            period=cell.period,
            event_time=cell.period - cell.cohort,
            att=cell_att,
            se=cell_se,
            n_treated=n_treated,
            n_control=n_control,
            base_period=cell.base,
        )
        for cell, cell_att, cell_se, (n_treated, n_control) in zip(
            kept, att.tolist(), se_values.tolist(), counts, strict=True
        )
    )

    table = CellTable(att=att, influence=influence, cohort=cell_cohort, period=cell_period)
    aggregations = aggregate(
        table,
        alpha=alpha,
        bootstrap=bootstrap,
        seed=seed,
        clusters=cluster_labels,
        wild_draws=wild_draws,
        wild_weights=wild_weights,
    )
    pre = np.asarray(
        [
            cell.period + anticipation < cell.cohort and cell.current_index != cell.base_index
            for cell in kept
        ],
        dtype=bool,
    )
    chi2, df, p_value, pretrend_note = pretrend_test(att, influence, pre)
    randomisation = None
    if pretrend_draws and design is None and chi2 is not None:
        pre_cells = [cell for cell, is_pre in zip(kept, pre.tolist(), strict=True) if is_pre]
        randomisation = randomisation_pretrend(
            sample.outcome,
            sample.cohort,
            _pre_cells(pre_cells, sample, control=control, anticipation=anticipation),
            draws=pretrend_draws,
            seed=seed,
        )
    if pretrend_note is not None:
        notes.append(pretrend_note)
    else:
        notes.extend(_pretrend_notes(chi2, df, p_value, randomisation, alpha=alpha))
    treated_units = int(np.isin(sample.cohort, list(sample.cohorts)).sum())
    diagnostics = Diagnostics(
        n_units=n,
        n_treated_units=treated_units,
        n_control_units=int((sample.cohort == 0).sum()),
        cohorts=sample.cohorts,
        dropped_cohorts=tuple(dropped_cohorts),
        dropped_cells=tuple(dropped_cells),
        pscore_min=float(pscore_low) if np.isfinite(pscore_low) else None,
        pscore_max=float(pscore_high) if np.isfinite(pscore_high) else None,
        pretrend_chi2=chi2,
        pretrend_df=df,
        pretrend_p=p_value,
        notes=tuple(notes),
        pretrend_randomisation_p=randomisation.p_value if randomisation else None,
        pretrend_randomisation_draws=randomisation.draws if randomisation else 0,
    )
    return CSResult(
        control=control,
        method=method,
        alpha=alpha,
        att_gt=att_gt,
        aggregations=aggregations,
        diagnostics=diagnostics,
        bootstrap_draws=bootstrap,
        seed=seed,
        base_period=base_period,
        anticipation=anticipation,
        covariate_names=panel.covariate_names if has_covariates else (),
    )


def _number(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(value)


def _wild_json(aggregation: Aggregation) -> dict[str, Any] | None:
    wild = aggregation.wild
    if wild is None:
        return None
    return {
        "se": _number(wild.se),
        "ci_low": _number(wild.ci_low),
        "ci_high": _number(wild.ci_high),
        "p_value": _number(wild.p_value),
        "critical_value": _number(wild.critical_value),
        "n_clusters": wild.n_clusters,
        "draws": wild.draws,
        "weights": wild.weights,
    }


def result_to_json(result: CSResult) -> dict[str, Any]:
    """The stable JSON form of a result (schema_version 1, documented in
    docs/how-to/evaluate-a-panel.md): numbers as numbers, missing values as null."""

    def estimate(value: Estimate | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return {
            "att": _number(value.att),
            "se": _number(value.se),
            "ci_low": _number(value.ci_low),
            "ci_high": _number(value.ci_high),
        }

    diagnostics = result.diagnostics
    return {
        "schema_version": 1,
        "engine_version": ENGINE_VERSION,
        "estimator": "callaway_santanna",
        "control": result.control,
        "method": result.method,
        "base_period": result.base_period,
        "anticipation": result.anticipation,
        "covariates": list(result.covariate_names),
        "alpha": result.alpha,
        "bootstrap_draws": result.bootstrap_draws,
        "seed": result.seed,
        "headline_allowed": diagnostics.headline_allowed,
        "att_gt": [
            {
                "cohort": cell.cohort,
                "period": cell.period,
                "event_time": cell.event_time,
                "base_period": cell.base_period,
                "att": _number(cell.att),
                "se": _number(cell.se),
                "n_treated": cell.n_treated,
                "n_control": cell.n_control,
            }
            for cell in result.att_gt
        ],
        "aggregations": {
            kind: {
                "kind": aggregation.kind,
                "overall": estimate(aggregation.overall),
                "critical_value": _number(aggregation.critical_value),
                "wild": _wild_json(aggregation),
                "rows": [
                    {
                        "key": row.key,
                        "att": _number(row.att),
                        "se": _number(row.se),
                        "ci_low": _number(row.ci_low),
                        "ci_high": _number(row.ci_high),
                        "band_low": _number(row.band_low),
                        "band_high": _number(row.band_high),
                    }
                    for row in aggregation.rows
                ],
            }
            for kind, aggregation in result.aggregations.items()
        },
        "diagnostics": {
            "n_units": diagnostics.n_units,
            "n_treated_units": diagnostics.n_treated_units,
            "n_control_units": diagnostics.n_control_units,
            "cohorts": list(diagnostics.cohorts),
            "dropped_cohorts": list(diagnostics.dropped_cohorts),
            "dropped_cells": [list(cell) for cell in diagnostics.dropped_cells],
            "pscore_min": _number(diagnostics.pscore_min),
            "pscore_max": _number(diagnostics.pscore_max),
            "pretrend_chi2": _number(diagnostics.pretrend_chi2),
            "pretrend_df": diagnostics.pretrend_df,
            "pretrend_p": _number(diagnostics.pretrend_p),
            "pretrend_randomisation_p": _number(diagnostics.pretrend_randomisation_p),
            "pretrend_randomisation_draws": diagnostics.pretrend_randomisation_draws,
            "notes": [note_to_json(note) for note in diagnostics.notes],
        },
    }
