"""Callaway–Sant'Anna on simulated panels with a known effect, its diagnostics for bad input,
the multiplier bootstrap and the JSON form."""

import contextlib
import io
import json
import warnings
from typing import Any

import numpy as np
import pytest

from devolve.indicators.analytics import ENGINE_VERSION
from devolve.indicators.analytics.did import callaway_santanna, result_to_json
from devolve.indicators.analytics.panel import Panel, PanelError
from devolve.indicators.analytics.simulate import simulate_staggered_panel
from devolve.indicators.tests.fixtures import long_table, without_covariates

SEEDS = (1, 2, 3)
# An estimate within this many of its own standard errors of the truth counts as recovered
# (a 4-SE miss happens with probability 6e-5 for an unbiased normal estimator).
RECOVERED = 4.0
# A bias this many standard errors away is far outside sampling noise.
BIASED = 8.0


def simulate(selection: str, seed: int, **options: Any) -> tuple[Panel, dict[str, Any]]:
    settings: dict[str, Any] = {
        "n_units": 600,
        "n_periods": 12,
        "cohorts": {6: 100, 9: 100},
        "effect": 0.1,
        "effect_growth": 0.02,
        "selection": selection,
        "seed": seed,
        "trend_slope": 0.02,
    }
    return simulate_staggered_panel(**(settings | options))


@pytest.mark.parametrize("seed", SEEDS)
def test_recovers_the_effect_when_selection_is_on_levels(seed: int) -> None:
    panel, truth = simulate("level", seed)
    result = callaway_santanna(without_covariates(panel), method="reg", bootstrap=0)
    simple = result.aggregations["simple"].overall
    assert simple is not None
    assert abs(simple.att - truth["simple"]) < RECOVERED * simple.se
    for row in result.aggregations["event"].rows:
        expected = truth["event"].get(row.key, 0.0)
        assert abs(row.att - expected) < RECOVERED * row.se
    naive_gap = (
        panel.outcome[panel.cohort > 0, -1].mean() - panel.outcome[panel.cohort == 0, -1].mean()
    )
    assert naive_gap > 5 * truth["simple"]  # pilots were chosen for strength
    assert result.diagnostics.headline_allowed


@pytest.mark.parametrize("seed", SEEDS)
def test_selection_on_trends_biases_the_unconditional_estimate_only(seed: int) -> None:
    panel, truth = simulate("trend", seed)
    unconditional = callaway_santanna(without_covariates(panel), method="reg", bootstrap=0)
    biased = unconditional.aggregations["simple"].overall
    assert biased is not None
    assert biased.att - truth["simple"] > BIASED * biased.se
    for method in ("reg", "dr"):
        adjusted = callaway_santanna(panel, method=method, bootstrap=0)
        simple = adjusted.aggregations["simple"].overall
        assert simple is not None
        assert abs(simple.att - truth["simple"]) < RECOVERED * simple.se


def test_reports_overlap_and_the_pretrend_test() -> None:
    panel, _ = simulate("trend", 1)
    result = callaway_santanna(panel, method="dr", bootstrap=0)
    diagnostics = result.diagnostics
    assert diagnostics.pscore_min is not None
    assert diagnostics.pscore_max is not None
    assert 0 < diagnostics.pscore_min < diagnostics.pscore_max < 1
    assert diagnostics.pretrend_df == sum(1 for cell in result.att_gt if cell.event_time < 0)
    assert diagnostics.pretrend_p is not None
    assert 0 <= diagnostics.pretrend_p <= 1
    unconditional = callaway_santanna(without_covariates(panel), method="reg", bootstrap=0)
    assert unconditional.diagnostics.pretrend_p is not None
    assert unconditional.diagnostics.pretrend_p < 0.01
    assert "pretrend_rejected" in [note.code for note in unconditional.diagnostics.notes]


def small_panel(cohort: list[int], *, periods: int = 5, seed: int = 0) -> Panel:
    rng = np.random.default_rng(seed)
    return Panel(
        units=np.arange(len(cohort)),
        periods=np.arange(1, periods + 1),
        outcome=rng.normal(size=(len(cohort), periods)),
        cohort=np.asarray(cohort, dtype=np.int64),
        covariates=None,
        covariate_names=(),
    )


def test_no_never_treated_units_with_never_treated_control_is_an_error() -> None:
    with pytest.raises(PanelError, match="No never-treated units"):
        callaway_santanna(small_panel([3, 3, 4, 4]), control="never")


def test_without_never_treated_units_the_last_cohort_only_compares() -> None:
    result = callaway_santanna(small_panel([3, 3, 5, 5]), control="notyet", bootstrap=0)
    diagnostics = result.diagnostics
    assert diagnostics.dropped_cohorts == (5,)
    assert diagnostics.cohorts == (3,)
    assert {cell.period for cell in result.att_gt} == {2, 3, 4}
    assert not diagnostics.headline_allowed
    assert "no_never_treated" in [note.code for note in diagnostics.notes]


def test_cohort_after_the_last_period_is_never_treated() -> None:
    result = callaway_santanna(small_panel([3, 3, 0, 9, 9]), bootstrap=0)
    assert result.diagnostics.n_control_units == 3
    assert result.diagnostics.headline_allowed
    assert "cohort_after_last_period" in [note.code for note in result.diagnostics.notes]


def test_units_treated_in_the_first_period_are_dropped_and_block_the_headline() -> None:
    result = callaway_santanna(small_panel([1, 1, 3, 3, 0, 0]), bootstrap=0)
    assert result.diagnostics.n_units == 4
    assert result.diagnostics.dropped_cohorts == (1,)
    assert not result.diagnostics.headline_allowed
    assert "treated_in_first_period" in [note.code for note in result.diagnostics.notes]


def test_a_cohort_with_one_pre_period_gets_a_note() -> None:
    result = callaway_santanna(small_panel([2, 2, 4, 4, 0, 0]), bootstrap=0)
    notes = [note for note in result.diagnostics.notes if note.code == "few_pre_periods"]
    assert [note.message.split(" has")[0] for note in notes] == ["Cohort 2"]


def test_separated_propensity_scores_drop_cells_and_the_headline() -> None:
    rng = np.random.default_rng(3)
    cohort = np.array([3] * 10 + [4] * 10 + [0] * 30)
    score = np.where(cohort == 3, 10 + rng.normal(size=50), rng.normal(size=50))
    panel = Panel(
        units=np.arange(50),
        periods=np.arange(1, 6),
        outcome=rng.normal(size=(50, 5)),
        cohort=cohort,
        covariates=score[:, None],
        covariate_names=("score",),
    )
    result = callaway_santanna(panel, method="dr", bootstrap=0)
    assert {cell for cell in result.diagnostics.dropped_cells if cell[0] == 3} == {
        (3, period) for period in range(2, 6)
    }
    assert result.diagnostics.dropped_cohorts == (3,)
    assert {cell.cohort for cell in result.att_gt} == {4}
    assert not result.diagnostics.headline_allowed
    assert "overlap_violated" in [note.code for note in result.diagnostics.notes]
    # Outcome regression needs no overlap: it estimates cohort 3 (by extrapolation).
    regression = callaway_santanna(panel, method="reg", bootstrap=0)
    assert regression.diagnostics.dropped_cells == ()


def test_bootstrap_bands_are_reproducible_and_wider_than_pointwise_intervals() -> None:
    panel, _ = simulate("level", 1)
    first = callaway_santanna(panel, method="reg", bootstrap=499, seed=5)
    again = callaway_santanna(panel, method="reg", bootstrap=499, seed=5)
    other = callaway_santanna(panel, method="reg", bootstrap=499, seed=6)
    event = first.aggregations["event"]
    assert event == again.aggregations["event"]
    assert event != other.aggregations["event"]
    assert event.critical_value is not None
    assert 1.96 < event.critical_value < 4.5
    for row in event.rows:
        assert row.band_low is not None
        assert row.band_high is not None
        bootstrap_se = (row.band_high - row.att) / event.critical_value
        assert bootstrap_se == pytest.approx(row.se, rel=0.15)


def test_bootstrap_matches_csdid_in_distribution() -> None:
    from csdid.att_gt import ATTgt

    panel, _ = simulate("level", 2, n_units=300, n_periods=8, cohorts={4: 50, 6: 50})
    ours = callaway_santanna(panel, method="reg", bootstrap=999, seed=1).aggregations["event"]
    np.random.seed(1)  # csdid draws from numpy's global generator
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ATTgt(
            yname="y", tname="time", idname="unit", gname="g", data=long_table(panel)
        ).fit(est_method="reg", bstrap=True)
        oracle = model.aggte(typec="dynamic", bstrap=True, cband=True, biters=999).atte
    assert ours.critical_value == pytest.approx(oracle["crit_val_egt"], abs=0.35)
    ours_se = [(row.band_high - row.att) / ours.critical_value for row in ours.rows]
    np.testing.assert_allclose(ours_se, np.ravel(oracle["se_egt"]), rtol=0.15)


def test_json_is_strict_and_versioned() -> None:
    result = callaway_santanna(
        without_covariates(simulate("level", 1)[0]),
        method="reg",
        base_period="universal",
        bootstrap=99,
    )
    document = result_to_json(result)
    text = json.dumps(document, allow_nan=False)
    parsed = json.loads(text)
    assert parsed["schema_version"] == 1
    assert parsed["engine_version"] == ENGINE_VERSION
    assert parsed["headline_allowed"] is True
    reference = [cell for cell in parsed["att_gt"] if cell["period"] == cell["base_period"]]
    assert {cell["se"] for cell in reference} == {None}
    assert {cell["att"] for cell in reference} == {0.0}
    simple = result.aggregations["simple"].overall
    assert simple is not None
    assert parsed["aggregations"]["simple"]["overall"]["att"] == simple.att
    assert len(parsed["aggregations"]["event"]["rows"]) == len(result.aggregations["event"].rows)
    assert set(parsed["diagnostics"]) >= {"dropped_cohorts", "dropped_cells", "notes"}


@pytest.mark.parametrize(
    ("option", "value"),
    [("control", "both"), ("method", "ols"), ("base_period", "first"), ("alpha", 1.5)],
)
def test_rejects_unknown_options(option: str, value: Any) -> None:
    with pytest.raises(ValueError, match=option):
        callaway_santanna(small_panel([3, 3, 0, 0]), **{option: value})
