"""Synthetic control as Abadie & Gardeazabal (2003) computed it, on their data: the economic
cost of terrorism in the Basque Country (fixtures/basque_gdp.csv), with the predictors of the
example in the Synth package's documentation."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from devolve.indicators.analytics.synth import fit_variant
from devolve.indicators.analytics.synth_inputs import (
    SynthPanel,
    parse_predictor,
    synth_panel_from_table,
)
from devolve.indicators.tests.fixtures import FIXTURES

BASQUE = "Basque Country (Pais Vasco)"
# Synth's `basque` example: schooling and investment averaged over 1964–1969, sector shares
# over 1961, 1963, …, 1969 (the years they exist), GDP per head over 1960–1969, population
# density in 1969; V chosen to fit GDP per head over 1960–1969 (time.optimize.ssr). Spain as a
# whole is not a donor.
SYNTH_PREDICTORS = [
    "school.illit:1964-1969",
    "school.prim:1964-1969",
    "school.med:1964-1969",
    "school.high:1964-1969",
    "school.post.high:1964-1969",
    "invest:1964-1969",
    "gdpcap:1960-1969",
    "sec.agriculture:1961-1969",
    "sec.energy:1961-1969",
    "sec.industry:1961-1969",
    "sec.construction:1961-1969",
    "sec.services.venta:1961-1969",
    "sec.services.nonventa:1961-1969",
    "popdens:1969",
]
# The Basque Country's predictor values as Synth's example tabulates them (synth.tab, tab.pred).
SYNTH_TREATED_PREDICTORS = [
    39.888, 1031.742, 90.359, 25.728, 13.480, 24.647, 5.285,
    6.844, 4.106, 45.082, 6.150, 33.754, 4.072, 246.890,
]  # fmt: skip
# Abadie & Gardeazabal (2003), Table 2 / Synth's example: every other region has weight 0.
PUBLISHED_WEIGHTS = {"Cataluna": 0.8508, "Madrid (Comunidad De)": 0.1492}
WEIGHT_TOLERANCE = 1e-3


def basque(path: Path = FIXTURES / "basque_gdp.csv") -> SynthPanel:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return synth_panel_from_table(
        table[table.regionname != "Spain (Espana)"],
        unit="regionname",
        time="year",
        outcome="gdpcap",
        treated=BASQUE,
        treatment_time=1970,
        predictors=[parse_predictor(text) for text in SYNTH_PREDICTORS],
    )


@pytest.fixture(scope="module")
def panel() -> SynthPanel:
    return basque()


def fit_years(panel: SynthPanel) -> np.ndarray:
    return (panel.periods >= 1960) & (panel.periods <= 1969)


def weights_by_region(panel: SynthPanel, weights: np.ndarray) -> dict[str, float]:
    return {
        panel.units[donor]: weight
        for donor, weight in zip(panel.donors, weights.tolist(), strict=True)
    }


def test_the_fixture_gives_synths_predictor_table(panel: SynthPanel) -> None:
    assert len(panel.donors) == 16
    assert panel.predictors[panel.treated].round(3).tolist() == SYNTH_TREATED_PREDICTORS


def test_reproduces_the_synthetic_basque_country(panel: SynthPanel) -> None:
    years = fit_years(panel)
    fit = fit_variant(
        panel.outcome, panel.treated, panel.donors, panel.n_pre, variant="adh",
        predictors=panel.predictors, optimise=years,
    )  # fmt: skip
    weights = weights_by_region(panel, fit.weights)
    for region, weight in weights.items():
        assert weight == pytest.approx(PUBLISHED_WEIGHTS.get(region, 0.0), abs=WEIGHT_TOLERANCE)
    # The pre-period fit is the published weights' own: their mean squared gap over 1960–1969.
    published = np.asarray([PUBLISHED_WEIGHTS.get(region, 0.0) for region in weights])
    published_gap = panel.outcome[panel.treated] - panel.outcome[panel.donors].T @ published
    assert np.mean(fit.gap[years] ** 2) == pytest.approx(0.0088645, abs=1e-6)
    assert np.mean(published_gap[years] ** 2) == pytest.approx(0.0088645, abs=1e-6)
    assert fit.v_search == "synth"
    # About a tenth lower GDP per head than the synthetic Basque Country in the 1980s.
    eighties = (panel.periods >= 1980) & (panel.periods <= 1989)
    assert np.mean(fit.gap[eighties] / fit.fitted[eighties]) == pytest.approx(-0.10, abs=0.005)


def test_a_wider_search_finds_a_lower_loss_with_other_donors(panel: SynthPanel) -> None:
    """The published weights are a local optimum of the nested problem: starting V from each
    predictor dominating and from random draws reaches half its pre-period loss with the
    Balearic Islands in the blend."""
    years = fit_years(panel)
    fit = fit_variant(
        panel.outcome, panel.treated, panel.donors, panel.n_pre, variant="adh",
        predictors=panel.predictors, optimise=years, v_search="multistart",
    )  # fmt: skip
    weights = weights_by_region(panel, fit.weights)
    assert np.mean(fit.gap[years] ** 2) == pytest.approx(0.004331, abs=1e-5)
    assert weights["Baleares (Islas)"] == pytest.approx(0.215, abs=0.005)
    assert weights["Cataluna"] == pytest.approx(0.644, abs=0.005)
    assert weights["Madrid (Comunidad De)"] == pytest.approx(0.140, abs=0.005)
    assert fit.v_search == "multistart"
