"""The wild cluster bootstrap-t: its weights, its standard error, and its coverage when whole
clusters are treated and share shocks."""

import math

import numpy as np
import pytest

from devolve.indicators.analytics.did import callaway_santanna
from devolve.indicators.analytics.panel import Panel
from devolve.indicators.analytics.wild import (
    WEBB_VALUES,
    draw_weights,
    wild_cluster_bootstrap,
    wild_cluster_wald,
)

EFFECT = 0.1


def test_webb_weights_have_mean_zero_and_variance_one() -> None:
    assert WEBB_VALUES.mean() == pytest.approx(0.0, abs=1e-15)
    assert (WEBB_VALUES**2).mean() == pytest.approx(1.0)
    drawn = draw_weights("webb", 2000, 3, np.random.default_rng(0))
    assert set(np.round(np.unique(drawn), 12)) == set(np.round(WEBB_VALUES, 12))


def test_unknown_weights_and_a_single_cluster_are_refused() -> None:
    with pytest.raises(ValueError, match="weights must be one of"):
        draw_weights("mammen", 10, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least two clusters"):
        wild_cluster_bootstrap(1.0, np.asarray([0.5]), 10)


def clustered_panel(seed: int, *, clusters: int, treated: int) -> tuple[Panel, np.ndarray]:
    """Six units per cluster; clusters 0…treated-1 first treated in period 5, the next
    `treated` in period 7, the rest never; every cluster has its own random-walk shocks."""
    rng = np.random.default_rng(seed)
    periods = np.arange(1, 9)
    label = np.arange(clusters * 6) % clusters
    cohort = np.where(label < treated, 5, np.where(label < 2 * treated, 7, 0))
    shocks = rng.normal(0, 0.1, size=(clusters, len(periods))).cumsum(axis=1)
    outcome = (
        rng.normal(0, 1, size=len(label))[:, None]
        + shocks[label]
        + rng.normal(0, 0.05, size=(len(label), len(periods)))
        + EFFECT * ((cohort[:, None] > 0) & (periods[None, :] >= cohort[:, None]))
    )
    panel = Panel(
        units=np.arange(len(label)),
        periods=periods,
        outcome=outcome,
        cohort=cohort.astype(np.int64),
        covariates=None,
        covariate_names=(),
    )
    return panel, label


def test_each_unit_its_own_cluster_gives_the_analytic_error_with_the_small_sample_factor() -> None:
    panel, _ = clustered_panel(0, clusters=16, treated=4)
    result = callaway_santanna(panel, method="reg", bootstrap=0, wild_draws=99)
    simple = result.aggregations["simple"]
    assert simple.overall is not None
    assert simple.wild is not None
    units = len(panel.units)
    assert simple.wild.n_clusters == units
    assert simple.wild.se == pytest.approx(simple.overall.se * math.sqrt(units / (units - 1)))
    assert simple.wild.estimate == simple.overall.att


def test_one_cluster_is_noted_and_leaves_the_analytic_interval() -> None:
    panel, label = clustered_panel(0, clusters=16, treated=4)
    result = callaway_santanna(
        panel, method="reg", bootstrap=0, clusters=np.zeros_like(label), wild_draws=99
    )
    assert result.aggregations["simple"].wild is None
    assert "wild_not_computed" in [note.code for note in result.diagnostics.notes]
    with pytest.raises(ValueError, match="one label per unit"):
        callaway_santanna(panel, clusters=label[:-1], wild_draws=99)


def test_covers_the_effect_when_whole_clusters_are_treated() -> None:
    """16 clusters, four treated per cohort, shocks shared within a cluster: intervals that
    treat zones as independent cover the effect about half the time, the wild cluster
    bootstrap-t close to 95 %."""
    analytic, wild = [], []
    for seed in range(200):
        panel, label = clustered_panel(seed, clusters=16, treated=4)
        simple = callaway_santanna(
            panel, method="reg", bootstrap=0, clusters=label, wild_draws=499, seed=seed
        ).aggregations["simple"]
        assert simple.overall is not None
        assert simple.wild is not None
        analytic.append(simple.overall.ci_low <= EFFECT <= simple.overall.ci_high)
        wild.append(simple.wild.ci_low <= EFFECT <= simple.wild.ci_high)
    assert np.mean(analytic) < 0.7
    assert 0.90 <= np.mean(wild) <= 0.98


def test_two_treated_clusters_per_cohort_are_flagged() -> None:
    panel, label = clustered_panel(1, clusters=8, treated=2)
    result = callaway_santanna(panel, method="reg", bootstrap=0, clusters=label, wild_draws=99)
    assert "few_treated_clusters" in [note.code for note in result.diagnostics.notes]


def test_the_wald_statistic_is_the_cluster_robust_one_of_the_least_squares_fit() -> None:
    rng = np.random.default_rng(4)
    cluster = np.repeat(np.arange(12), 5)
    regressor = rng.normal(size=60)
    outcome = 0.8 * regressor + rng.normal(size=60)
    indicator = (cluster[None, :] == np.arange(12)[:, None]).astype(np.float64)
    slope = regressor @ outcome / (regressor @ regressor)
    cluster_scores = indicator @ (regressor * (outcome - slope * regressor))
    variance = 12 / 11 * (cluster_scores @ cluster_scores) / (regressor @ regressor) ** 2

    test = wild_cluster_wald(
        (indicator @ (regressor * outcome))[:, None],
        (indicator @ regressor**2)[:, None, None],
        draws=999,
        seed=1,
    )

    assert test is not None
    assert test.statistic == pytest.approx(slope**2 / variance, rel=1e-10)
    assert 1 / 1000 <= test.p_value <= 0.01
    assert (test.n_clusters, test.draws, test.weights) == (12, 999, "webb")


def test_no_wald_bootstrap_with_no_more_clusters_than_coefficients() -> None:
    assert wild_cluster_wald(np.ones((3, 3)), np.tile(np.eye(3), (3, 1, 1))) is None
