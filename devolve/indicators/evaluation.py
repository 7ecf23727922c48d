"""Running the estimators of ``analytics/`` on a stored panel and shaping their results as JSON
for an ``EvaluationRun``. No ORM: the run service passes the panel as plain lists and stores
what comes back.

``results`` holds
- ``cs``: the Callaway–Sant'Anna result in ``result_to_json``'s schema (None if it could not run);
- ``summary``: the figures the pages show (overall ATT, event study with uniform bands, cohorts);
- ``bjs``: the imputation estimator's overall effect and event study;
- ``synth``: one synthetic control per pilot area of the page's cohort, with its placebo p-value;
- ``error``: the reason nothing could be estimated, else None.
``diagnostics`` collects every note of the panel and the estimators, never filtered.
"""

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from devolve.indicators.analytics import ENGINE_VERSION
from devolve.indicators.analytics.did import CSResult, callaway_santanna, result_to_json
from devolve.indicators.analytics.imputation import bjs_imputation, compare_estimators
from devolve.indicators.analytics.panel import Note, Panel, PanelError, panel_from_long
from devolve.indicators.analytics.synth import placebo_in_space, synthetic_control

# Synthetic control needs a few pre-treatment years to fit the weights to.
MIN_SYNTH_PRE_PERIODS = 3


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
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def _note(note: Note) -> dict[str, str]:
    return {"code": note.code, "message": note.message, "severity": note.severity}


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
        "event": _rows(aggregations.get("event")),
        "cohort": [
            {**row, "units": cohort_counts.get(int(row["key"]), 0)}
            for row in _rows(aggregations.get("cohort"))
        ],
        "calendar": _rows(aggregations.get("calendar")),
    }


def _synth(panel: Panel, cohort: int | None) -> tuple[list[dict[str, Any]], list[Note]]:
    if cohort is None:
        return [], []
    notes: list[Note] = []
    donors = np.flatnonzero(panel.cohort == 0)
    treated = np.flatnonzero(panel.cohort == cohort)
    n_pre = int(np.sum(panel.periods < cohort))
    if len(treated) == 0:
        return [], []
    if len(donors) < 2 or n_pre < MIN_SYNTH_PRE_PERIODS:
        notes.append(
            Note(
                "synth_skipped",
                f"No synthetic control: it needs at least two never-treated zones and "
                f"{MIN_SYNTH_PRE_PERIODS} years before {cohort} "
                f"(found {len(donors)} and {n_pre}).",
                "warning",
            )
        )
        return [], notes
    donor_matrix = panel.outcome[donors].T
    charts: list[dict[str, Any]] = []
    for index in treated:
        series = panel.outcome[index]
        fit = synthetic_control(series, donor_matrix, n_pre, intercept=True)
        placebo = placebo_in_space(series, donor_matrix, n_pre, intercept=True)
        weights = {
            str(panel.units[donor]): float(weight)
            for donor, weight in zip(donors, fit.weights, strict=True)
            if weight > 1e-4
        }
        charts.append(
            to_json(
                {"unit": str(panel.units[index]), "cohort": cohort,
                 "periods": panel.periods, "treated": series, "synthetic": fit.fitted,
                 "gap": fit.gap, "intercept": fit.intercept, "pre_rmspe": fit.pre_rmspe,
                 "post_rmspe": fit.post_rmspe, "n_pre": n_pre, "weights": weights,
                 "p_value": placebo.p_value, "ratio": placebo.ratio,
                 "n_placebos": placebo.n_placebos}
            )
        )  # fmt: skip
    return charts, notes


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
        cs = callaway_santanna(
            panel,
            control=control,  # type: ignore[arg-type]
            method=method,  # type: ignore[arg-type]
            alpha=alpha,
            bootstrap=bootstrap,
            seed=seed,
        )
    except PanelError as error:
        results["error"] = {"code": "panel", "message": str(error)}
        notes.append(Note("estimation_failed", str(error), "error"))
        return Evaluated(
            results, {"notes": [_note(note) for note in notes], "headline_allowed": False}, False
        )
    results["cs"] = to_json(result_to_json(cs))
    results["summary"] = _summary(cs)
    diagnostics = cs.diagnostics
    notes.extend(diagnostics.notes)
    try:
        bjs = bjs_imputation(panel, alpha=alpha)
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
            "notes": [_note(note) for note in bjs.notes],
        }  # fmt: skip
        comparison = compare_estimators(cs, bjs)
        results["comparison"] = [_note(note) for note in comparison]
        notes.extend(comparison)
    except PanelError as error:
        notes.append(Note("bjs_failed", str(error), "warning"))
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
                "notes": [_note(note) for note in notes],
                "headline_allowed": headline_allowed,
            }
        ),
        headline_allowed,
    )
