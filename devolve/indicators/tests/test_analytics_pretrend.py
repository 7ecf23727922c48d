"""The randomisation pre-trend test: its statistic is the engine's Wald statistic, under every
assignment, and its verdict replaces the asymptotic test's in the notes."""

from typing import Any

import numpy as np
import pytest

from devolve.indicators.analytics.did import callaway_santanna
from devolve.indicators.analytics.panel import Panel
from devolve.indicators.analytics.pretrend import PreCells, wald_statistics
from devolve.indicators.analytics.simulate import simulate_staggered_panel
from devolve.indicators.tests.fixtures import without_covariates


def simulate(selection: str, seed: int, **options: Any) -> Panel:
    settings: dict[str, Any] = {
        "n_units": 40,
        "n_periods": 8,
        "cohorts": {5: 8, 7: 8},
        "effect": 0.1,
        "effect_growth": 0.0,
        "selection": selection,
        "seed": seed,
        "trend_slope": 0.05,
    }
    panel, _ = simulate_staggered_panel(**(settings | options))
    return panel


def with_cohorts(panel: Panel, cohort: np.ndarray) -> Panel:
    return Panel(
        units=panel.units,
        periods=panel.periods,
        outcome=panel.outcome,
        cohort=cohort,
        covariates=None,
        covariate_names=(),
    )


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_the_statistic_is_the_engines_wald_statistic_under_every_assignment(
    control: str,
) -> None:
    panel = without_covariates(simulate("none", 3))
    result = callaway_santanna(
        panel, control=control, method="reg", bootstrap=0, pretrend_draws=19, seed=5
    )
    diagnostics = result.diagnostics
    assert diagnostics.pretrend_randomisation_draws == 19
    assert diagnostics.pretrend_randomisation_p is not None
    assert round(diagnostics.pretrend_randomisation_p * 20) == pytest.approx(
        diagnostics.pretrend_randomisation_p * 20
    )
    rng = np.random.default_rng(8)
    for _ in range(3):
        permuted = with_cohorts(panel, rng.permutation(panel.cohort))
        engine = callaway_santanna(permuted, control=control, method="reg", bootstrap=0)
        pre = [cell for cell in engine.att_gt if cell.event_time < 0]
        index = {int(period): position for position, period in enumerate(panel.periods)}
        current = np.asarray([index[cell.period] for cell in pre], dtype=np.intp)
        base = np.asarray([index[cell.base_period] for cell in pre], dtype=np.intp)
        cells = PreCells(
            cohort=np.asarray([cell.cohort for cell in pre], dtype=np.int64),
            current=current,
            base=base,
            threshold=(panel.periods[np.maximum(current, base)] if control == "notyet" else None),
        )
        statistic = wald_statistics(panel.outcome, permuted.cohort[None, :], cells)[0]
        assert statistic == pytest.approx(engine.diagnostics.pretrend_chi2, rel=1e-10)


def test_a_failed_wald_test_on_few_units_is_an_info_note_when_permutations_agree() -> None:
    for seed in range(40):
        panel = without_covariates(simulate("none", seed))
        result = callaway_santanna(panel, method="reg", bootstrap=0, pretrend_draws=199)
        diagnostics = result.diagnostics
        assert diagnostics.pretrend_p is not None
        assert diagnostics.pretrend_randomisation_p is not None
        if diagnostics.pretrend_p < 0.05 < diagnostics.pretrend_randomisation_p:
            codes = {note.code: note.severity for note in diagnostics.notes}
            assert codes["pretrend_wald_oversized"] == "info"
            assert "pretrend_rejected" not in codes
            return
    pytest.fail("no draw in which only the asymptotic test rejects")


def test_diverging_trends_are_rejected_by_the_randomisation_test() -> None:
    panel = without_covariates(simulate("trend", 0, n_units=60, cohorts={5: 12, 7: 12}))
    result = callaway_santanna(panel, method="reg", bootstrap=0, pretrend_draws=199)
    diagnostics = result.diagnostics
    assert diagnostics.pretrend_randomisation_p == pytest.approx(1 / 200)
    rejected = [note for note in diagnostics.notes if note.code == "pretrend_rejected"]
    assert len(rejected) == 1
    assert "randomisation p = 0.0050" in rejected[0].message


def test_panels_with_covariates_keep_the_asymptotic_test_only() -> None:
    panel = simulate("none", 2)
    result = callaway_santanna(panel, method="dr", bootstrap=0, pretrend_draws=99)
    assert result.diagnostics.pretrend_randomisation_p is None
    assert result.diagnostics.pretrend_randomisation_draws == 0
    assert result.diagnostics.pretrend_p is not None


def test_negative_permutations_are_refused() -> None:
    with pytest.raises(ValueError, match="pretrend_draws"):
        callaway_santanna(without_covariates(simulate("none", 1)), pretrend_draws=-1)
