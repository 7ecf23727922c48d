"""Synthetic control: simplex weights, exact recovery, the intercept shift for a pilot stronger
than every donor, and placebo-in-space p-values."""

import numpy as np
import pytest

from devolve.indicators.analytics.synth import placebo_in_space, synthetic_control

N_PERIODS, N_PRE = 24, 16


@pytest.fixture
def donors() -> np.ndarray:
    rng = np.random.default_rng(4)
    return np.cumsum(rng.normal(0.02, 0.05, size=(N_PERIODS, 12)), axis=0)


def test_weights_lie_on_the_simplex(donors: np.ndarray) -> None:
    rng = np.random.default_rng(9)
    treated = donors.mean(axis=1) + rng.normal(0, 0.1, N_PERIODS)
    result = synthetic_control(treated, donors, N_PRE)
    assert result.weights.min() >= 0
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert result.intercept == 0
    np.testing.assert_allclose(result.gap, treated - donors @ result.weights, atol=1e-12)


def test_recovers_a_convex_combination_exactly(donors: np.ndarray) -> None:
    weights = np.zeros(12)
    weights[[1, 4, 7]] = [0.5, 0.3, 0.2]
    treated = donors @ weights
    treated[N_PRE:] += 0.1  # the effect
    result = synthetic_control(treated, donors, N_PRE)
    np.testing.assert_allclose(result.weights, weights, atol=1e-8)
    assert result.pre_rmspe < 1e-10
    np.testing.assert_allclose(result.gap[N_PRE:], 0.1, atol=1e-8)


def test_intercept_shift_matches_a_pilot_stronger_than_every_donor(donors: np.ndarray) -> None:
    weights = np.zeros(12)
    weights[[0, 5]] = [0.6, 0.4]
    treated = donors @ weights + (donors.max() - donors.min()) + 1.0  # above every donor
    classic = synthetic_control(treated, donors, N_PRE)
    shifted = synthetic_control(treated, donors, N_PRE, intercept=True)
    assert classic.pre_rmspe > 0.5
    np.testing.assert_allclose(shifted.weights, weights, atol=1e-8)
    assert shifted.intercept == pytest.approx(donors.max() - donors.min() + 1.0, abs=1e-8)
    assert shifted.pre_rmspe < 1e-10


def test_placebo_p_value_ranks_the_treated_unit(donors: np.ndarray) -> None:
    rng = np.random.default_rng(2)
    treated = donors[:, :3].mean(axis=1) + rng.normal(0, 0.01, N_PERIODS)
    quiet = placebo_in_space(treated, donors, N_PRE)
    treated[N_PRE:] += 1.0  # a large effect after treatment
    loud = placebo_in_space(treated, donors, N_PRE)
    assert loud.n_placebos == 12
    assert loud.p_value == pytest.approx(1 / 13)
    assert loud.ratio > loud.placebo_ratios.max()
    assert quiet.p_value > loud.p_value
    assert quiet.p_value == pytest.approx((1 + np.sum(quiet.placebo_ratios >= quiet.ratio)) / 13)


def test_placebos_with_poor_pre_fit_can_be_excluded(donors: np.ndarray) -> None:
    treated = donors[:, :3].mean(axis=1)
    treated[N_PRE:] += 1.0
    every = placebo_in_space(treated, donors, N_PRE)
    filtered = placebo_in_space(treated, donors, N_PRE, max_pre_rmspe_ratio=2.0)
    assert filtered.n_placebos < every.n_placebos


@pytest.mark.parametrize(
    ("n_pre", "message"), [(0, "n_pre must lie"), (N_PERIODS + 1, "n_pre must lie")]
)
def test_rejects_impossible_pre_periods(donors: np.ndarray, n_pre: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        synthetic_control(donors[:, 0], donors[:, 1:], n_pre)
