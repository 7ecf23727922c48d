"""The evaluation's inference on the demo's own generator (devolve/demo/sichuan_economy.py), in
which parallel trends hold exactly: 28 zones, nine in each batch, 2015–2025."""

import numpy as np

from devolve.demo import sichuan
from devolve.demo.sichuan_economy import TRUE_EFFECT_PP, simulate_zone_growth
from devolve.indicators.analytics.did import callaway_santanna
from devolve.indicators.analytics.imputation import bjs_imputation
from devolve.indicators.analytics.panel import Panel, panel_from_long

DRAWS = 200


def demo_panel(seed: int) -> Panel:
    growth = simulate_zone_growth(zones=sichuan.ZONES, seed=seed)
    panel, _ = panel_from_long(growth.unit, growth.year, growth.cohort, growth.growth, None)
    return panel


def test_the_randomisation_pretrend_test_has_its_nominal_size() -> None:
    """39 permutations make p a multiple of 1/40, so p ≤ 0.05 has probability exactly 5 % under
    the null; the asymptotic Wald test on the same draws rejects most of the time."""
    wald, randomisation = [], []
    for seed in range(DRAWS):
        diagnostics = callaway_santanna(
            demo_panel(seed), method="dr", bootstrap=0, pretrend_draws=39, seed=seed
        ).diagnostics
        assert diagnostics.pretrend_df == 16
        wald.append(diagnostics.pretrend_p)
        randomisation.append(diagnostics.pretrend_randomisation_p)
    wald_rate = float(np.mean(np.asarray(wald) < 0.05))
    randomisation_rate = float(np.mean(np.asarray(randomisation) <= 0.05))
    assert 0.02 <= randomisation_rate <= 0.08
    assert wald_rate > 0.5


def test_the_imputation_pretrend_bootstrap_has_about_its_nominal_size() -> None:
    """The restricted wild cluster bootstrap by prefecture (as the pages run it) rejects about
    6.5 % of these true nulls at 5 % (600 draws: 6.5 %); the asymptotic Wald test 38 %."""
    prefecture = {zone.slug: zone.prefecture_code for zone in sichuan.ZONES}
    asymptotic, wild = [], []
    for seed in range(DRAWS):
        panel = demo_panel(seed)
        result = bjs_imputation(
            panel, clusters=[prefecture[unit] for unit in panel.units.tolist()],
            wild_draws=199, seed=seed,
        )  # fmt: skip
        assert result.pretrend_wild is not None
        assert result.pretrend_wild.n_clusters == 16
        asymptotic.append(result.pretrend_p)
        wild.append(result.pretrend_wild.p_value)
    assert 0.02 <= np.mean(np.asarray(wild) <= 0.05) <= 0.08
    assert np.mean(np.asarray(asymptotic) < 0.05) > 0.25


def test_the_overall_interval_covers_the_simulated_effect() -> None:
    """The simulation's truth for the simple ATT: 1.5 points in every post cell, plus the
    calibration shift in batch 1's 2023 cell (one of four equally weighted post cells)."""
    prefecture = {zone.slug: zone.prefecture_code for zone in sichuan.ZONES}
    covered: dict[str, list[bool]] = {"analytic": [], "zone": [], "prefecture": []}
    for seed in range(DRAWS):
        growth = simulate_zone_growth(zones=sichuan.ZONES, seed=seed)
        panel, _ = panel_from_long(growth.unit, growth.year, growth.cohort, growth.growth, None)
        truth = TRUE_EFFECT_PP + growth.calibration_shift_pp / 4
        for level, clusters in (
            ("zone", None),
            ("prefecture", [prefecture[unit] for unit in panel.units.tolist()]),
        ):
            simple = callaway_santanna(
                panel, method="dr", bootstrap=0, clusters=clusters, wild_draws=499, seed=seed
            ).aggregations["simple"]
            assert simple.wild is not None
            covered[level].append(simple.wild.ci_low <= truth <= simple.wild.ci_high)
        assert simple.overall is not None
        covered["analytic"].append(simple.overall.ci_low <= truth <= simple.overall.ci_high)
    for level in ("analytic", "zone", "prefecture"):
        assert 0.92 <= np.mean(covered[level]) <= 0.98, level
