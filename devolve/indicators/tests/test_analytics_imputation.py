"""Borusyak–Jaravel–Spiess imputation: agreement with diff-diff's ImputationDiD to 1e-8,
recovery of simulated effects, and the disagreement diagnostic against Callaway–Sant'Anna."""

import warnings
from typing import Any

import pytest

from devolve.indicators.analytics.did import callaway_santanna
from devolve.indicators.analytics.imputation import bjs_imputation, compare_estimators
from devolve.indicators.analytics.panel import Panel, PanelError
from devolve.indicators.analytics.simulate import simulate_staggered_panel
from devolve.indicators.tests.fixtures import long_table, without_covariates

TOLERANCE = 1e-8
RECOVERED = 4.0


@pytest.fixture(scope="module")
def simulated() -> Panel:
    panel, _ = simulate_staggered_panel(
        n_units=150,
        n_periods=9,
        cohorts={4: 25, 6: 30, 8: 20},
        effect=0.1,
        effect_growth=0.02,
        selection="trend",
        seed=11,
    )
    return panel


@pytest.mark.parametrize("covariate_trends", [False, True], ids=["two-way", "covariate-trend"])
def test_agrees_with_diff_diff(simulated: Panel, covariate_trends: bool) -> None:
    from diff_diff import ImputationDiD

    ours = bjs_imputation(simulated, covariate_trends=covariate_trends)
    table = long_table(simulated)
    # The covariate-specific trend x_i · (t - first period) as a time-varying covariate.
    table["x_trend"] = table["x"] * (table["time"] - table["time"].min())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oracle = ImputationDiD().fit(
            table,
            outcome="y",
            unit="unit",
            time="time",
            first_treat="g",
            covariates=["x_trend"] if covariate_trends else None,
            aggregate="event_study",
        )
    assert ours.overall.att == pytest.approx(oracle.overall_att, abs=TOLERANCE)
    assert ours.overall.se == pytest.approx(oracle.overall_se, abs=TOLERANCE)
    assert [row.key for row in ours.event] == sorted(
        key for key in oracle.event_study_effects if key >= 0
    )
    for row in ours.event:
        expected = oracle.event_study_effects[row.key]
        assert row.att == pytest.approx(expected["effect"], abs=TOLERANCE)
        assert row.se == pytest.approx(expected["se"], abs=TOLERANCE)


def simulate(selection: str, seed: int) -> tuple[Panel, dict[str, Any]]:
    return simulate_staggered_panel(
        n_units=600,
        n_periods=12,
        cohorts={6: 100, 9: 100},
        effect=0.1,
        effect_growth=0.02,
        selection=selection,
        seed=seed,
        trend_slope=0.02,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recovers_the_effect_and_needs_covariate_trends_under_trend_selection(seed: int) -> None:
    panel, truth = simulate("level", seed)
    level = bjs_imputation(panel)
    assert abs(level.overall.att - truth["simple"]) < RECOVERED * level.overall.se
    for row in level.event:
        assert abs(row.att - truth["event"][row.key]) < RECOVERED * row.se
    panel, truth = simulate("trend", seed)
    plain = bjs_imputation(panel)
    assert plain.overall.att - truth["simple"] > 8 * plain.overall.se
    adjusted = bjs_imputation(panel, covariate_trends=True)
    assert abs(adjusted.overall.att - truth["simple"]) < RECOVERED * adjusted.overall.se


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pretrend_test_rejects_only_when_trends_differ(seed: int) -> None:
    level = bjs_imputation(simulate("level", seed)[0])
    assert level.pretrend_p is not None
    assert level.pretrend_p > 0.01
    panel, _ = simulate("trend", seed)
    plain = bjs_imputation(panel)
    assert plain.pretrend_p is not None
    assert plain.pretrend_p < 1e-6
    assert "imputation_pretrend_rejected" in [note.code for note in plain.notes]
    adjusted = bjs_imputation(panel, covariate_trends=True)
    assert adjusted.pretrend_p is not None
    assert adjusted.pretrend_p > 0.01


def test_horizons_select_event_times() -> None:
    panel, _ = simulate("level", 1)
    result = bjs_imputation(panel, horizons=[0, 2, 40])
    assert [row.key for row in result.event] == [0, 2]
    assert "horizon_not_observed" in [note.code for note in result.notes]


def test_covariate_trends_need_covariates() -> None:
    panel, _ = simulate("level", 1)
    with pytest.raises(PanelError, match="covariate_trends needs covariates"):
        bjs_imputation(without_covariates(panel), covariate_trends=True)


def test_agreeing_estimators_give_an_info_note() -> None:
    panel, _ = simulate("level", 1)
    cs = callaway_santanna(without_covariates(panel), method="reg", bootstrap=0)
    notes = compare_estimators(cs, bjs_imputation(panel))
    assert [(note.code, note.severity) for note in notes] == [("estimators_overall", "info")]


def test_disagreeing_estimators_are_flagged_overall_and_by_event_time() -> None:
    panel, _ = simulate("trend", 1)
    cs = callaway_santanna(panel, method="reg", bootstrap=0)  # covariate-adjusted: unbiased
    notes = compare_estimators(cs, bjs_imputation(panel))  # no trend term: biased
    assert [(note.code, note.severity) for note in notes] == [
        ("estimators_overall", "warning"),
        ("estimators_event_time", "warning"),
    ]
    assert "the estimators disagree" in notes[0].message


def test_the_pretrend_test_gets_its_wild_cluster_bootstrap(simulated: Panel) -> None:
    clusters = [f"c{index % 20}" for index in range(len(simulated.units))]

    result = bjs_imputation(
        without_covariates(simulated), clusters=clusters, wild_draws=199, seed=3
    )

    assert result.pretrend_wild is not None
    assert result.pretrend_wild.n_clusters == 20
    assert result.pretrend_wild.draws == 199
    assert 1 / 200 <= result.pretrend_wild.p_value <= 1
    assert bjs_imputation(without_covariates(simulated)).pretrend_wild is None


def test_clusters_need_one_label_per_unit(simulated: Panel) -> None:
    with pytest.raises(PanelError, match="one label per unit"):
        bjs_imputation(simulated, clusters=["a", "b"], wild_draws=9)
