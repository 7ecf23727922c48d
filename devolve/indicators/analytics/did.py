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
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from devolve.indicators.analytics.aggregation import (
    AggregateRow,
    Aggregation,
    CellTable,
    Estimate,
    aggregate,
    pretrend_test,
    standard_errors,
)
from devolve.indicators.analytics.panel import Note, Panel, PanelError, counted
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

# Fewer pre-treatment periods than this leave a cohort without a pre-trend comparison.
MIN_PRE_PERIODS = 2


@dataclass(frozen=True)
class GroupTime:
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


def _prepare(panel: Panel, *, control: str, anticipation: int) -> _Sample:
    periods = panel.periods
    cohort = panel.cohort.astype(np.int64).copy()
    outcome = panel.outcome
    covariates = panel.covariates
    notes: list[Note] = []
    dropped: list[int] = []

    late = cohort > periods[-1] + anticipation
    if late.any():
        values = sorted(set(cohort[late].tolist()))
        notes.append(
            Note(
                "cohort_after_last_period",
                f"{int(late.sum())} units of cohorts {', '.join(map(str, values))} are first "
                f"treated after the last period ({periods[-1]}); they are used as never treated.",
                "warning",
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
            )
        )
        dropped.extend(value for value in values if value not in dropped)
        cohort = cohort[~early]
        outcome = outcome[~early]
        covariates = covariates[~early] if covariates is not None else None

    # Units ordered by cohort (never treated first): every cohort, and the never-treated units,
    # are then a contiguous range, which the estimators read as slices. Nothing computed
    # depends on the order of units.
    order = np.argsort(cohort, kind="stable")
    cohort, outcome = cohort[order], outcome[order]
    covariates = covariates[order] if covariates is not None else None
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
                )
            )
    return _Sample(outcome, cohort, covariates, periods, cohorts, sorted(dropped), notes)


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


def _comparison(sample: _Sample, cell: _Cell, *, control: str, anticipation: int) -> BoolArray:
    if control == "never":
        return np.asarray(sample.cohort == 0)
    threshold = sample.periods[max(cell.current_index, cell.base_index)] + anticipation
    return np.asarray(
        (sample.cohort == 0) | ((sample.cohort > threshold) & (sample.cohort != cell.cohort))
    )


@dataclass
class _CellEstimates:
    cells: list[_Cell]
    att: FloatArray  # (k,)
    influence: FloatArray  # (n, k), Fortran order: one column per cell
    counts: list[tuple[int, int]]  # treated and comparison units per cell
    dropped: list[tuple[int, int]]
    failures: dict[str, list[str]]
    pscore_low: float
    pscore_high: float
    trimmed: int


def _estimate_cells(
    sample: _Sample,
    cells: list[_Cell],
    design: FloatArray | None,
    *,
    control: str,
    method: str,
    anticipation: int,
) -> _CellEstimates:
    n, k = len(sample.cohort), len(cells)
    att = np.zeros(k)
    # One row per cell, contiguous: first the outcome change, then (in place) its influence
    # function. The (n, k) influence matrix is the transpose view.
    rows = np.empty((k, n))  # every row is written below
    outcome_by_period = np.ascontiguousarray(sample.outcome.T)
    counts = [(0, 0)] * k
    usable = np.ones(k, dtype=bool)
    failures: dict[str, list[str]] = {}
    pscore_low, pscore_high, trimmed_total = np.inf, -np.inf, 0

    def fail(index: int, code: str, message: str) -> None:
        usable[index] = False
        cell = cells[index]
        failures.setdefault(code, []).append(f"({cell.cohort}, {cell.period}): {message}")

    by_cohort: dict[int, list[int]] = {}
    for index, cell in enumerate(cells):
        by_cohort.setdefault(cell.cohort, []).append(index)
    for cohort, indices in by_cohort.items():
        chosen = np.asarray(indices)
        current = np.asarray([cells[index].current_index for index in indices])
        base = np.asarray([cells[index].base_index for index in indices])
        treated = sample.cohort == cohort
        n_treated = int(treated.sum())
        comparison: BoolArray
        if control == "never":
            comparison = sample.cohort == 0
        else:
            threshold = sample.periods[np.maximum(current, base)] + anticipation
            comparison = (sample.cohort == 0)[None, :] | (
                (sample.cohort[None, :] > threshold[:, None]) & ~treated[None, :]
            )
        n_control = (
            np.full(len(indices), comparison.sum())
            if comparison.ndim == 1
            else comparison.sum(axis=1)
        )
        for position, index in enumerate(indices):
            counts[index] = (n_treated, int(n_control[position]))
        block = rows[indices[0] : indices[-1] + 1]  # a cohort's cells are consecutive
        for position in range(len(indices)):
            np.subtract(
                outcome_by_period[current[position]],
                outcome_by_period[base[position]],
                out=block[position],
            )
        reference = current == base  # the zero cell of a universal base period
        if design is None and comparison.ndim == 1:
            first, last = np.searchsorted(sample.cohort, [cohort, cohort + 1])
            block_att = _differences_in_means_sorted(
                block, slice(int(first), int(last)), int(n_control[0])
            )
        elif design is None:
            block_att = _differences_in_means(block, treated, comparison, n_control)
        if design is None:
            share = n_treated / (n_treated + np.maximum(n_control, 1))
            for position, index in enumerate(indices):
                if reference[position]:
                    continue
                if n_control[position] == 0:
                    fail(index, "no_comparison_units", "no comparison unit is available")
                elif method != "reg" and share[position] >= PSCORE_TRIM:
                    fail(
                        index,
                        "overlap_violated",
                        f"the cohort is {share[position]:.4f} of the cell's units, so the "
                        f"propensity score leaves no comparison weight",
                    )
                elif method != "reg":
                    pscore_low = min(pscore_low, float(share[position]))
                    pscore_high = max(pscore_high, float(share[position]))
            att[chosen] = block_att
            continue
        for position, index in enumerate(indices):
            if reference[position]:
                continue
            if n_control[position] == 0:
                fail(index, "no_comparison_units", "no comparison unit is available")
                continue
            in_cell = treated | (comparison if comparison.ndim == 1 else comparison[position])
            try:
                cell_att, local, score, trimmed = estimate_cell(
                    method,
                    block[position, in_cell],
                    treated[in_cell].astype(np.float64),
                    design[in_cell],
                )
            except CellFailed as failure:
                fail(index, failure.code, failure.message)
                continue
            except np.linalg.LinAlgError as error:
                fail(index, "singular_design", str(error))
                continue
            att[index] = cell_att
            block[position] = 0.0
            block[position, in_cell] = local * (n / int(in_cell.sum()))
            trimmed_total += trimmed
            if score is not None:
                pscore_low = min(pscore_low, float(score.min()))
                pscore_high = max(pscore_high, float(score.max()))
    for position in np.flatnonzero(~usable).tolist():
        rows[position] = 0.0  # a failed covariate cell still holds its outcome change
    finite = np.isfinite(att) & np.isfinite(rows.sum(axis=1))  # a sum carries NaN and inf
    for unfinished in np.flatnonzero(usable & ~finite).tolist():
        fail(unfinished, "not_finite", "the estimate is not a finite number")
    dropped = [
        (cells[index].cohort, cells[index].period) for index in np.flatnonzero(~usable).tolist()
    ]
    if not usable.all():
        att, rows = att[usable], rows[usable]
    return _CellEstimates(
        cells=[cell for cell, keep in zip(cells, usable, strict=True) if keep],
        att=att,
        influence=rows.T,
        counts=[count for count, keep in zip(counts, usable, strict=True) if keep],
        dropped=dropped,
        failures=failures,
        pscore_low=float(pscore_low),
        pscore_high=float(pscore_high),
        trimmed=trimmed_total,
    )


def _differences_in_means_sorted(rows: FloatArray, treated: slice, n_control: int) -> FloatArray:
    """_differences_in_means for never-treated comparison units with units sorted by cohort:
    the comparison units are the first n_control columns and the cohort a slice, so each step
    is one pass over a contiguous range (no mask arithmetic, no temporaries)."""
    n = rows.shape[1]
    n_treated = treated.stop - treated.start
    treated_part = rows[:, treated]
    control_part = rows[:, :n_control]
    treated_mean = treated_part.mean(axis=1)
    control_mean = control_part.mean(axis=1) if n_control else np.full(len(rows), np.nan)
    treated_part -= treated_mean[:, None]
    treated_part *= n / n_treated
    control_part -= control_mean[:, None]
    control_part *= -n / max(n_control, 1)
    rows[:, n_control : treated.start] = 0.0
    rows[:, treated.stop :] = 0.0
    return np.asarray(treated_mean - control_mean)


def _differences_in_means(
    rows: FloatArray,
    treated: BoolArray,
    comparison: BoolArray,
    n_control: npt.NDArray[np.int64],
) -> FloatArray:
    """Without covariates all three methods reduce to a difference in mean outcome changes.

    rows: (k, n) outcome changes, one row per cell, replaced in place by the cells' influence
    functions (at thousands of units fresh temporaries cost more than the arithmetic);
    comparison: (n,) for all cells or (k, n). Returns the k ATTs; a cell without comparison
    units comes out NaN.
    """
    n = rows.shape[1]
    n_treated = int(treated.sum())
    treated_weight = treated.astype(np.float64)
    treated_mean = rows @ treated_weight / n_treated
    with np.errstate(invalid="ignore", divide="ignore"):
        control_scale = n / n_control.astype(np.float64)
        if comparison.ndim == 1:
            control_weight = comparison.astype(np.float64)
            control_mean = rows @ control_weight / n_control
            rows *= treated_weight * (n / n_treated) - control_weight * control_scale[0]
            offsets = np.column_stack(
                [treated_mean * (n / n_treated), -control_mean * control_scale]
            )
            rows -= offsets @ np.vstack([treated_weight, control_weight])
        else:
            control_weights = comparison.astype(np.float64)
            control_mean = np.einsum("ij,ij->i", control_weights, rows) / n_control
            control_weights *= control_scale[:, None]
            rows *= treated_weight[None, :] * (n / n_treated) - control_weights
            rows -= np.outer(treated_mean * (n / n_treated), treated_weight)
            rows += control_mean[:, None] * control_weights
    return np.asarray(treated_mean - control_mean)


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
) -> CSResult:
    """ATT(g,t) and its aggregations; PanelError if no effect can be estimated at all.

    control: "never" compares with never-treated units (cohort 0, or first treated after the
    last period); "notyet" adds units not yet treated by max(t, base) + anticipation.
    method: "reg" outcome regression, "ipw" normalised inverse probability weighting with a
    logit propensity score, "dr" doubly robust (Sant'Anna & Zhao 2020, R DRDID `drdid_panel`).
    bootstrap: multiplier-bootstrap draws for the uniform bands (0: no bands).
    """
    if control not in ("never", "notyet"):
        raise ValueError(f"control must be 'never' or 'notyet', not {control!r}")
    if method not in ("reg", "ipw", "dr"):
        raise ValueError(f"method must be 'reg', 'ipw' or 'dr', not {method!r}")
    if base_period not in ("varying", "universal"):
        raise ValueError(f"base_period must be 'varying' or 'universal', not {base_period!r}")
    if not 0 < alpha < 1 or bootstrap < 0 or anticipation < 0:
        raise ValueError("alpha must lie in (0, 1); bootstrap and anticipation must be ≥ 0")
    sample = _prepare(panel, control=control, anticipation=anticipation)
    n = len(sample.cohort)
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
    kept, att, influence_matrix = estimates.cells, estimates.att, estimates.influence
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

    notes = list(sample.notes)
    for code, listed in failures.items():
        shown = "; ".join(listed[:5]) + (f"; and {len(listed) - 5} more" if len(listed) > 5 else "")
        notes.append(
            Note(
                code,
                f"{counted(len(listed), 'ATT(g,t) cell')} not estimated, left out of every "
                f"aggregate: {shown}.",
                "warning",
            )
        )
    if trimmed_total:
        notes.append(
            Note(
                "pscore_trimmed",
                f"Comparison units with a propensity score ≥ {PSCORE_TRIM} get no weight (as R "
                f"DRDID): {trimmed_total} unit-cells were trimmed in total.",
                "info",
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
            )
        )

    cell_cohort = np.asarray([cell.cohort for cell in kept], dtype=np.int64)
    cell_period = np.asarray([cell.period for cell in kept], dtype=np.int64)
    se_values = standard_errors(influence_matrix)
    att_gt = tuple(
        GroupTime(
            cohort=cell.cohort,
            period=cell.period,
            event_time=cell.period - cell.cohort,
            att=float(att[index]),
            se=float(se_values[index]),
            n_treated=counts[index][0],
            n_control=counts[index][1],
            base_period=cell.base,
        )
        for index, cell in enumerate(kept)
    )

    table = CellTable(
        att=att,
        influence=influence_matrix,
        cohort=cell_cohort,
        period=cell_period,
        unit_cohort=sample.cohort,
        periods=sample.periods,
    )
    aggregations = aggregate(table, alpha=alpha, bootstrap=bootstrap, seed=seed)
    pre = np.asarray(
        [
            cell.period + anticipation < cell.cohort and cell.current_index != cell.base_index
            for cell in kept
        ],
        dtype=bool,
    )
    chi2, df, p_value, pretrend_note = pretrend_test(att, influence_matrix, pre)
    if pretrend_note is not None:
        notes.append(pretrend_note)
    elif p_value is not None and p_value < alpha:
        notes.append(
            Note(
                "pretrend_rejected",
                f"The pre-treatment ATT(g,t) differ jointly from zero (Wald χ² = {chi2:.2f}, "
                f"df = {df}, p = {p_value:.4f}): parallel trends are doubtful.",
                "warning",
            )
        )
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
            "notes": [
                {"code": note.code, "message": note.message, "severity": note.severity}
                for note in diagnostics.notes
            ],
        },
    }
