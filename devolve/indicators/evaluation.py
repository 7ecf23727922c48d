"""Running the estimators of ``analytics/`` on a stored panel and shaping their results as JSON
for an ``EvaluationRun``. No ORM: the run service passes the panel as plain lists and stores
what comes back.

``results`` holds
- ``cs``: the Callaway–Sant'Anna result in ``result_to_json``'s schema (None if it could not run);
- ``summary``: the figures the pages show (overall ATT, event study with uniform bands, cohorts);
- ``bjs``: the imputation estimator's overall effect and event study;
- ``synth``: per pilot area of the page's cohort, its synthetic controls (``fits``: the ADH
  estimator and the de-meaned variant, each with its placebo p-value and in-time placebo) and
  conformal intervals of the de-meaned fit's yearly gaps;
- ``error``: the reason nothing could be estimated, else None.
``diagnostics`` collects every note of the panel and the estimators, never filtered.
"""

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from devolve.indicators.analytics import ENGINE_VERSION
from devolve.indicators.analytics.did import CSResult, callaway_santanna, result_to_json
from devolve.indicators.analytics.imputation import bjs_imputation, compare_estimators
from devolve.indicators.analytics.panel import (
    Note,
    Panel,
    PanelError,
    note_to_json,
    panel_from_long,
)
from devolve.indicators.analytics.sensitivity import honest_sensitivity
from devolve.indicators.analytics.synth import (
    VARIANTS,
    SynthInputError,
    Variant,
    VSearch,
    conformal_intervals,
    in_time_placebo,
    mean_post_gap,
    placebo_test,
)

# Synthetic control needs a few pre-treatment years to fit the weights to, and enough donors
# that every placebo has two of its own.
MIN_SYNTH_PRE_PERIODS = 3
MIN_SYNTH_DONORS = 3
# Each pilot area gets the published estimator (ADH) and the de-meaned variant, both named: the
# demo's pilot areas grew faster than every zone never chosen, so no convex blend of donors
# matches their level, which ADH's fit before the start shows and the de-meaned variant removes.
SYNTH_VARIANTS: tuple[Variant, ...] = ("adh", "shift")
# ADH on the pages: no published result to match, so V is searched from many starting points
# (the lower loss, and six times faster than Synth's path over a pilot and its placebos).
SYNTH_V_SEARCH: VSearch = "multistart"
# Conformal intervals of the de-meaned fit's yearly gaps. With P pre-treatment years no level
# below 1 / (P + 1) can reject (batch 1 has 8), so the pages show 80 % intervals.
CONFORMAL_ALPHA = 0.2
# The in-time placebo pretends the batch began halfway through the pre-treatment years; it needs
# at least two years before that fake start to fit.
MIN_IN_TIME_PRE_PERIODS = 2
# Rambachan–Roth bounds: relative magnitudes M̄ (post-treatment trend changes as a multiple of
# the largest pre-treatment one) and smoothness M = 0 (the pre-treatment trend continued).
RELATIVE_MAGNITUDES = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]

# Permutations of the cohorts for the randomisation pre-trend test (p-values in steps of 1/1000).
PRETREND_PERMUTATIONS = 999
# The wild cluster bootstrap-t of the overall effect, clustered by prefecture: zones of one
# prefecture share its shocks, and with 16 prefectures the analytic interval is too narrow.
# Webb's six-point weights, since a batch's zones sit in few prefectures (analytics.wild).
WILD_DRAWS = 9999
WILD_WEIGHTS: Literal["rademacher", "webb"] = "webb"


@dataclass(frozen=True)
class Evaluated:
    results: dict[str, Any]
    diagnostics: dict[str, Any]
    headline_allowed: bool


def to_json(value: Any) -> Any:
    """Plain JSON: numpy scalars and arrays to Python, NaN and infinities to None (PostgreSQL's
    jsonb refuses NaN)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, np.ndarray):
        return to_json(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def _estimate(estimate: Any) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {
        "att": to_json(estimate.att),
        "se": to_json(estimate.se),
        "ci_low": to_json(estimate.ci_low),
        "ci_high": to_json(estimate.ci_high),
    }


def _rows(aggregation: Any) -> list[dict[str, Any]]:
    if aggregation is None:
        return []
    return [
        to_json(
            {"key": row.key, "att": row.att, "se": row.se, "ci_low": row.ci_low,
             "ci_high": row.ci_high, "band_low": row.band_low, "band_high": row.band_high}
        )
        for row in aggregation.rows
    ]  # fmt: skip


def _wild(aggregation: Any) -> dict[str, Any] | None:
    wild = aggregation.wild if aggregation is not None else None
    if wild is None:
        return None
    document: dict[str, Any] = to_json(
        {"se": wild.se, "ci_low": wild.ci_low, "ci_high": wild.ci_high, "p_value": wild.p_value,
         "critical_value": wild.critical_value, "n_clusters": wild.n_clusters,
         "draws": wild.draws, "weights": wild.weights, "cluster": "prefecture"}
    )  # fmt: skip
    return document


def _summary(result: CSResult) -> dict[str, Any]:
    aggregations = result.aggregations
    simple = aggregations.get("simple")
    cohort_counts: dict[int, int] = {}
    for cell in result.att_gt:
        cohort_counts[int(cell.cohort)] = max(
            cohort_counts.get(int(cell.cohort), 0), cell.n_treated
        )
    return {
        "overall": _estimate(simple.overall if simple is not None else None),
        "overall_wild": _wild(simple),
        "event": _rows(aggregations.get("event")),
        "cohort": [
            {**row, "units": cohort_counts.get(int(row["key"]), 0)}
            for row in _rows(aggregations.get("cohort"))
        ],
        "calendar": _rows(aggregations.get("calendar")),
    }


def _adh_predictors(panel: Panel, n_pre: int) -> tuple[npt.NDArray[np.float64], list[str]]:
    """The ADH predictors (N, K) for a pilot treated after ``n_pre`` years: the outcome's mean
    over those years and its value in the first and the last of them, and each covariate that
    differs between zones."""
    before = panel.outcome[:, :n_pre]
    columns = [before.mean(axis=1), before[:, 0], before[:, -1]]
    labels = [
        f"mean {panel.periods[0]}–{panel.periods[n_pre - 1]}",
        str(panel.periods[0]),
        str(panel.periods[n_pre - 1]),
    ]
    if panel.covariates is not None:
        for position, name in enumerate(panel.covariate_names):
            values = panel.covariates[:, position]
            if np.isfinite(values).all() and values.std() > 0:
                columns.append(values)
                labels.append(name)
    return np.column_stack(columns), labels


def _synth_fit(
    panel: Panel, index: int, donors: npt.NDArray[np.intp], n_pre: int, variant: Variant
) -> dict[str, Any]:
    predictors, labels = _adh_predictors(panel, n_pre) if variant == "adh" else (None, [])
    fit, placebo = placebo_test(
        panel.outcome, index, donors, n_pre, variant=variant, predictors=predictors,
        v_search=SYNTH_V_SEARCH,
    )  # fmt: skip
    document: dict[str, Any] = {
        "variant": variant, "variant_name": VARIANTS[variant], "v_search": fit.v_search,
        "predictors": labels, "synthetic": fit.fitted, "gap": fit.gap,
        "intercept": fit.intercept, "pre_rmspe": fit.pre_rmspe, "post_rmspe": fit.post_rmspe,
        "weights": {
            str(panel.units[donor]): float(weight)
            for donor, weight in zip(donors, fit.weights, strict=True)
            if weight > 1e-4
        },
        "p_value": placebo.p_value, "p_floor": placebo.floor, "ratio": placebo.ratio,
        "n_placebos": placebo.n_placebos, "in_time": None,
    }  # fmt: skip
    fake_start = n_pre // 2
    if fake_start >= MIN_IN_TIME_PRE_PERIODS:
        fake_predictors = _adh_predictors(panel, fake_start)[0] if variant == "adh" else None
        fake = in_time_placebo(
            panel.outcome, index, donors, n_pre, fake_start, variant=variant,
            predictors=fake_predictors, v_search=SYNTH_V_SEARCH,
        )  # fmt: skip
        document["in_time"] = {
            "start": panel.periods[fake_start], "pre_rmspe": fake.pre_rmspe,
            "mean_gap": mean_post_gap(fake),
        }  # fmt: skip
    return document


def _synth(panel: Panel, cohort: int | None) -> tuple[list[dict[str, Any]], list[Note]]:
    if cohort is None:
        return [], []
    notes: list[Note] = []
    donors = np.flatnonzero(panel.cohort == 0)
    treated = np.flatnonzero(panel.cohort == cohort)
    n_pre = int(np.sum(panel.periods < cohort))
    if len(treated) == 0:
        return [], []
    if len(donors) < MIN_SYNTH_DONORS or n_pre < MIN_SYNTH_PRE_PERIODS:
        notes.append(
            Note(
                "synth_skipped",
                f"No synthetic control: it needs at least {MIN_SYNTH_DONORS} never-treated zones "
                f"(each placebo is synthesised from the others) and "
                f"{MIN_SYNTH_PRE_PERIODS} years before {cohort} "
                f"(found {len(donors)} and {n_pre}).",
                "warning",
                {
                    "min_donors": str(MIN_SYNTH_DONORS),
                    "min_pre": str(MIN_SYNTH_PRE_PERIODS),
                    "cohort": str(cohort),
                    "donors": str(len(donors)),
                    "pre": str(n_pre),
                },
            )
        )
        return [], notes
    charts: list[dict[str, Any]] = []
    for index in treated.tolist():
        fits = []
        for variant in SYNTH_VARIANTS:
            try:
                fits.append(_synth_fit(panel, index, donors, n_pre, variant))
            except SynthInputError as error:
                notes.append(
                    Note(
                        "synth_variant_skipped",
                        f"No {VARIANTS[variant]} for {panel.units[index]}: {error}",
                        "warning",
                        {"variant": variant, "unit": str(panel.units[index])},
                    )
                )
        intervals = conformal_intervals(
            panel.outcome[index], panel.outcome[donors].T, n_pre, intercept=True,
            alpha=CONFORMAL_ALPHA,
        )  # fmt: skip
        charts.append(
            to_json(
                {"unit": str(panel.units[index]), "cohort": cohort, "periods": panel.periods,
                 "treated": panel.outcome[index], "n_pre": n_pre, "fits": fits,
                 "conformal": {
                     "variant": "shift", "alpha": CONFORMAL_ALPHA,
                     "intervals": [
                         {"period": panel.periods[interval.period_index], "low": interval.low,
                          "high": interval.high, "open_ended": interval.open_ended}
                         for interval in intervals
                     ],
                 }}
            )
        )  # fmt: skip
    return charts, notes


def _sensitivity(panel: Panel, *, control: str, method: str, alpha: float) -> dict[str, Any] | None:
    """Rambachan–Roth sensitivity of the mean post-treatment event-study effect, from the event
    study with a universal base period (analytics.sensitivity); None when it cannot be formed
    (no event time before -1)."""
    try:
        universal = callaway_santanna(
            panel, control=control, method=method, base_period="universal",  # type: ignore[arg-type]
            alpha=alpha, bootstrap=0,
        )  # fmt: skip
        event = universal.aggregations["event"]
        if event.covariance is None:
            return None
        keys = [row.key for row in event.rows]
        estimates = np.nan_to_num(np.asarray([row.att for row in event.rows]))
        covariance = np.nan_to_num(event.covariance)
        magnitudes = honest_sensitivity(
            keys, estimates, covariance, restriction="relative_magnitudes",
            bounds=RELATIVE_MAGNITUDES, alpha=alpha,
        )  # fmt: skip
        smooth = honest_sensitivity(
            keys, estimates, covariance, restriction="smoothness", bounds=[0.0], alpha=alpha
        )
    except (PanelError, ValueError):
        return None
    document: dict[str, Any] = to_json(
        {"estimate": magnitudes.estimate,
         "relative_magnitudes": [dataclasses.asdict(item) for item in magnitudes.intervals],
         "breakdown": magnitudes.breakdown,
         "linear_trend": [dataclasses.asdict(item) for item in smooth.intervals],
         "method": "projection (Bonferroni box), conservative; ADR 27"}
    )  # fmt: skip
    return document


def evaluate(
    panel_lists: dict[str, Any],
    *,
    control: str,
    method: str,
    alpha: float,
    bootstrap: int,
    seed: int,
    synth_cohort: int | None,
) -> Evaluated:
    """Run CS, BJS and the synthetic controls on one stored panel (see the module docstring)."""
    results: dict[str, Any] = {
        "engine_version": ENGINE_VERSION,
        "cs": None,
        "summary": None,
        "bjs": None,
        "synth": [],
        "sensitivity": None,
        "error": None,
    }
    notes: list[Note] = []
    try:
        panel, panel_notes = panel_from_long(
            panel_lists["unit"],
            panel_lists["time"],
            panel_lists["cohort"],
            panel_lists["outcome"],
            panel_lists["covariates"] or None,
            unbalanced="drop",
        )
        notes.extend(panel_notes)
        prefecture = dict(
            zip(
                panel_lists["unit"],
                panel_lists.get("prefecture") or panel_lists["unit"],
                strict=True,
            )
        )
        cs = callaway_santanna(
            panel,
            control=control,  # type: ignore[arg-type]
            method=method,  # type: ignore[arg-type]
            alpha=alpha,
            bootstrap=bootstrap,
            seed=seed,
            pretrend_draws=PRETREND_PERMUTATIONS,
            clusters=[prefecture[unit] for unit in panel.units.tolist()],
            wild_draws=WILD_DRAWS,
            wild_weights=WILD_WEIGHTS,
        )
    except PanelError as error:
        results["error"] = {"code": "panel", "message": str(error)}
        notes.append(Note("estimation_failed", str(error), "error"))
        return Evaluated(
            results,
            {"notes": [note_to_json(note) for note in notes], "headline_allowed": False},
            False,
        )
    results["cs"] = to_json(result_to_json(cs))
    results["summary"] = _summary(cs)
    diagnostics = cs.diagnostics
    notes.extend(diagnostics.notes)
    try:
        bjs = bjs_imputation(
            panel, alpha=alpha, clusters=[prefecture[unit] for unit in panel.units.tolist()],
            wild_draws=WILD_DRAWS, wild_weights=WILD_WEIGHTS, seed=seed,
        )  # fmt: skip
        results["bjs"] = {
            "overall": _estimate(bjs.overall),
            "event": [
                to_json(
                    {"key": row.key, "att": row.att, "se": row.se, "ci_low": row.ci_low,
                     "ci_high": row.ci_high}
                )
                for row in bjs.event
            ],
            "pretrend_p": to_json(bjs.pretrend_p),
            "pretrend_wild": to_json(bjs.pretrend_wild),
            "notes": [note_to_json(note) for note in bjs.notes],
        }  # fmt: skip
        comparison = compare_estimators(cs, bjs)
        results["comparison"] = [note_to_json(note) for note in comparison]
        notes.extend(comparison)
    except PanelError as error:
        notes.append(Note("bjs_failed", str(error), "warning"))
    results["sensitivity"] = _sensitivity(panel, control=control, method=method, alpha=alpha)
    synth, synth_notes = _synth(panel, synth_cohort)
    results["synth"] = synth
    notes.extend(synth_notes)
    headline_allowed = bool(diagnostics.headline_allowed)
    return Evaluated(
        results,
        to_json(
            {
                "n_units": diagnostics.n_units,
                "n_treated_units": diagnostics.n_treated_units,
                "n_control_units": diagnostics.n_control_units,
                "cohorts": list(diagnostics.cohorts),
                "dropped_cohorts": list(diagnostics.dropped_cohorts),
                "dropped_cells": list(diagnostics.dropped_cells),
                "pscore_min": diagnostics.pscore_min,
                "pscore_max": diagnostics.pscore_max,
                "pretrend_chi2": diagnostics.pretrend_chi2,
                "pretrend_df": diagnostics.pretrend_df,
                "pretrend_p": diagnostics.pretrend_p,
                "pretrend_randomisation_p": diagnostics.pretrend_randomisation_p,
                "pretrend_randomisation_draws": diagnostics.pretrend_randomisation_draws,
                "notes": [note_to_json(note) for note in notes],
                "headline_allowed": headline_allowed,
            }
        ),
        headline_allowed,
    )
