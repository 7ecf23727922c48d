"""Rambachan–Roth sensitivity sets (projection version): they hold the effect when trends are
parallel, widen with the allowed violation, and a continued linear pre-trend is corrected."""

from typing import Any

import numpy as np
import pytest

from devolve.indicators.analytics.did import callaway_santanna
from devolve.indicators.analytics.sensitivity import honest_sensitivity
from devolve.indicators.analytics.simulate import simulate_staggered_panel
from devolve.indicators.tests.fixtures import without_covariates

EFFECT = 0.1


def event_study(selection: str) -> tuple[list[int], Any, Any]:
    panel, _ = simulate_staggered_panel(
        n_units=600, n_periods=12, cohorts={8: 200}, effect=EFFECT, effect_growth=0.0,
        selection=selection, seed=1, trend_slope=0.01,
    )  # fmt: skip
    result = callaway_santanna(
        without_covariates(panel), method="reg", base_period="universal", bootstrap=0
    )
    event = result.aggregations["event"]
    assert event.covariance is not None
    estimates = np.nan_to_num(np.asarray([row.att for row in event.rows]))
    return [row.key for row in event.rows], estimates, np.nan_to_num(event.covariance)


def test_parallel_trends_hold_the_effect_and_sets_widen_with_the_bound() -> None:
    keys, estimates, covariance = event_study("none")
    bounds = [0.0, 0.5, 1.0, 2.0]
    sensitivity = honest_sensitivity(
        keys, estimates, covariance, restriction="relative_magnitudes", bounds=bounds
    )
    assert [interval.bound for interval in sensitivity.intervals] == bounds
    first = sensitivity.intervals[0]
    assert first.low < EFFECT < first.high
    assert first.low > 0
    widths = [interval.high - interval.low for interval in sensitivity.intervals]
    assert widths == sorted(widths)
    assert sensitivity.breakdown == 1.0  # first bound whose set contains zero


def test_a_linear_pre_trend_is_continued_under_smoothness() -> None:
    keys, estimates, covariance = event_study("trend")
    naive = honest_sensitivity(
        keys, estimates, covariance, restriction="relative_magnitudes", bounds=[0.0]
    ).intervals[0]
    linear = honest_sensitivity(
        keys, estimates, covariance, restriction="smoothness", bounds=[0.0]
    ).intervals[0]
    assert naive.low > EFFECT  # parallel trends assumed: biased upwards
    assert linear.low < EFFECT < linear.high


def test_needs_the_reference_period_and_both_sides() -> None:
    with pytest.raises(ValueError, match="reference event time"):
        honest_sensitivity([-2, 0], np.zeros(2), np.eye(2), restriction="smoothness", bounds=[0])
    with pytest.raises(ValueError, match="pre-treatment and post-treatment"):
        honest_sensitivity([-1, 0], np.zeros(2), np.eye(2), restriction="smoothness", bounds=[0])
