"""Benchmark of the Callaway–Sant'Anna estimator (issue 4), without Django.

A simulated panel of 3,000 units x 48 periods (three cohorts of 300 units, 2,100 never treated).
Baseline: one numpy pass over the long panel (sum, unit means and period means by bincount), so
each line's ratio stays comparable across machines. The estimator is timed against diff-diff's
CallawaySantAnna and csdid's ATTgt (the R ``did`` port: the fit and its four aggregations), the
two oracle packages, in the same run, and must give the same estimates as both (asserted to
1e-8). Target: at least 10x faster than diff-diff for the outcome regression without covariates
(analytic standard errors, all aggregations), and faster than csdid (issue 16).

Run: ``.venv/bin/python -m benchmarks.did``.
"""

import contextlib
import io
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from devolve.indicators.analytics.did import CSResult, callaway_santanna
from devolve.indicators.analytics.panel import Panel, panel_from_long
from devolve.indicators.analytics.simulate import simulate_staggered_panel

UNITS = 3_000
PERIODS = 48
COHORTS = {24: 300, 32: 300, 40: 300}
TARGET_SPEEDUP = 10.0
TOLERANCE = 1e-8
BOOTSTRAP_DRAWS = 999


def median_seconds(action: Callable[[], object], *, repeat: int) -> float:
    action()  # warm caches and lazy imports
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def line(name: str, seconds: float, baseline: float, note: str = "") -> None:
    print(f"{name:<34} {seconds * 1000:9.2f} ms {seconds / baseline:8.1f}x{note}")  # noqa: T201


def _diff_diff(table: Any, *, method: str, covariates: list[str] | None, bootstrap: int) -> Any:
    from diff_diff import CallawaySantAnna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CallawaySantAnna(
            estimation_method=method,
            control_group="never_treated",
            n_bootstrap=bootstrap,
            seed=0,
        ).fit(
            table,
            outcome="y",
            unit="unit",
            time="time",
            first_treat="g",
            covariates=covariates,
            aggregate="all",
        )


def _csdid(table: Any) -> Any:
    """csdid's fit (outcome regression, never-treated controls, analytic SEs) and the four
    aggregations our estimator also computes; the model (its ``results`` are the ATT(g,t))."""
    from csdid.att_gt import ATTgt

    # csdid prints its summaries and warns about every cell.
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ATTgt(
            yname="y",
            tname="time",
            idname="unit",
            gname="g",
            data=table,
            control_group="nevertreated",
        ).fit(est_method="reg", bstrap=False)
        for aggregation in ("simple", "group", "dynamic", "calendar"):
            model.aggte(typec=aggregation, bstrap=False)
    return model


def _csdid_difference(ours: CSResult, model: Any) -> float:
    """The largest gap between our ATT(g,t) and standard errors and csdid's, cell by cell."""
    theirs = {
        (int(g), int(t)): (att, se)
        for g, t, att, se in zip(
            model.results["group"],
            model.results["year"],
            model.results["att"],
            model.results["se"],
            strict=True,
        )
    }
    return float(
        max(
            max(
                abs(cell.att - theirs[(cell.cohort, cell.period)][0]),
                abs(cell.se - theirs[(cell.cohort, cell.period)][1]),
            )
            for cell in ours.att_gt
        )
    )


def _largest_difference(ours: CSResult, oracle: Any) -> float:
    cells = oracle.group_time_effects
    differences = [
        max(
            abs(cell.att - cells[(cell.cohort, cell.period)]["effect"]),
            abs(cell.se - cells[(cell.cohort, cell.period)]["se"]),
        )
        for cell in ours.att_gt
    ]
    simple = ours.aggregations["simple"].overall
    assert simple is not None  # noqa: S101 — every cohort is estimated in this panel
    differences += [abs(simple.att - oracle.overall_att), abs(simple.se - oracle.overall_se)]
    for row in ours.aggregations["event"].rows:
        expected = oracle.event_study_effects[row.key]
        differences += [abs(row.att - expected["effect"]), abs(row.se - expected["se"])]
    return float(max(differences))


def main() -> None:
    import pandas as pd

    panel, _ = simulate_staggered_panel(
        n_units=UNITS,
        n_periods=PERIODS,
        cohorts=COHORTS,
        effect=0.05,
        effect_growth=0.01,
        selection="level",
        seed=2024,
    )
    plain = Panel(panel.units, panel.periods, panel.outcome, panel.cohort, None, ())
    assert panel.covariates is not None  # noqa: S101 — simulated with the covariate
    unit = np.repeat(panel.units, PERIODS)
    period = np.tile(panel.periods, UNITS)
    cohort = np.repeat(panel.cohort, PERIODS)
    outcome = panel.outcome.ravel()
    table = pd.DataFrame(
        {
            "unit": unit,
            "time": period,
            "g": cohort,
            "y": outcome,
            "x": np.repeat(panel.covariates[:, 0], PERIODS),
        }
    )

    def one_pass() -> None:
        outcome.sum()
        np.bincount(unit - 1, weights=outcome) / PERIODS
        np.bincount(period - 1, weights=outcome) / UNITS

    def ours_from_long() -> CSResult:
        built, _ = panel_from_long(unit, period, cohort, outcome)
        return callaway_santanna(built, method="reg", bootstrap=0)

    baseline = median_seconds(one_pass, repeat=50)
    ours = median_seconds(lambda: callaway_santanna(plain, method="reg", bootstrap=0), repeat=20)
    end_to_end = median_seconds(ours_from_long, repeat=20)
    oracle = median_seconds(
        lambda: _diff_diff(table, method="reg", covariates=None, bootstrap=0), repeat=5
    )
    difference = _largest_difference(
        callaway_santanna(plain, method="reg", bootstrap=0),
        _diff_diff(table, method="reg", covariates=None, bootstrap=0),
    )
    if difference > TOLERANCE:
        raise RuntimeError(f"estimates differ from diff-diff by {difference:.2e}")
    csdid = median_seconds(lambda: _csdid(table), repeat=3)
    csdid_difference = _csdid_difference(
        callaway_santanna(plain, method="reg", bootstrap=0), _csdid(table)
    )
    if csdid_difference > TOLERANCE:
        raise RuntimeError(f"estimates differ from csdid by {csdid_difference:.2e}")

    ours_covariate = median_seconds(
        lambda: callaway_santanna(panel, method="dr", bootstrap=0), repeat=5
    )
    oracle_covariate = median_seconds(
        lambda: _diff_diff(table, method="dr", covariates=["x"], bootstrap=0), repeat=3
    )
    ours_bootstrap = median_seconds(
        lambda: callaway_santanna(plain, method="reg", bootstrap=BOOTSTRAP_DRAWS), repeat=5
    )
    oracle_bootstrap = median_seconds(
        lambda: _diff_diff(table, method="reg", covariates=None, bootstrap=BOOTSTRAP_DRAWS),
        repeat=3,
    )
    regression_difference = _largest_difference(
        callaway_santanna(panel, method="reg", bootstrap=0),
        _diff_diff(table, method="reg", covariates=["x"], bootstrap=0),
    )
    if regression_difference > TOLERANCE:
        raise RuntimeError(f"covariate estimates differ by {regression_difference:.2e}")

    speedup = oracle / ours
    print(  # noqa: T201
        f"Callaway–Sant'Anna, {UNITS:,} units x {PERIODS} periods "
        f"(baseline: one numpy pass over the panel)"
    )
    line("numpy one pass (baseline)", baseline, baseline)
    line(
        "CS reg, no covariates",
        ours,
        baseline,
        f"   {speedup:.1f}x faster than diff-diff (target >= {TARGET_SPEEDUP:.0f}x), "
        f"max difference {difference:.1e}",
    )
    line(
        "  same, from long arrays",
        end_to_end,
        baseline,
        f"   {oracle / end_to_end:.1f}x faster (includes building the panel)",
    )
    line("diff-diff CS reg", oracle, baseline)
    line(
        "csdid ATTgt reg + aggregations",
        csdid,
        baseline,
        f"   ours {csdid / ours:.1f}x faster, max difference {csdid_difference:.1e}",
    )
    line(
        "CS dr, one covariate",
        ours_covariate,
        baseline,
        f"   {oracle_covariate / ours_covariate:.1f}x faster than diff-diff",
    )
    line("diff-diff CS dr, one covariate", oracle_covariate, baseline)
    line(
        f"CS reg + bootstrap ({BOOTSTRAP_DRAWS})",
        ours_bootstrap,
        baseline,
        f"   {oracle_bootstrap / ours_bootstrap:.1f}x faster than diff-diff",
    )
    line("diff-diff CS reg + bootstrap", oracle_bootstrap, baseline)
    print(  # noqa: T201
        f"  reg with the covariate agrees with diff-diff to {regression_difference:.1e}; "
        f"dr differs by design (diff-diff does not normalise its comparison weights)"
    )


if __name__ == "__main__":
    main()
