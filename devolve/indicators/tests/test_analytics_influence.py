"""The two representations of influence functions give the same numbers, and the grouped one
is exactly the Callaway–Sant'Anna difference-in-means influence function of a cell."""

import numpy as np
import pytest

from devolve.indicators.analytics import did
from devolve.indicators.analytics.did import callaway_santanna, result_to_json
from devolve.indicators.analytics.influence import (
    Combination,
    DenseInfluence,
    GroupedInfluence,
    UnitGroups,
    group_grams,
    group_means,
)
from devolve.indicators.analytics.panel import Panel
from devolve.indicators.analytics.simulate import simulate_staggered_panel
from devolve.indicators.tests.fixtures import without_covariates

SEEDS = (0, 1, 2)


def grouped(seed: int, *, n: int = 90, periods: int = 7, width: int = 5) -> GroupedInfluence:
    """Random slopes and intercepts over units in three groups of unequal size, mixed in any
    order, with outcomes at a level far from zero (as log GRP is) so that centring matters."""
    rng = np.random.default_rng(seed)
    cohort = rng.choice([0, 4, 6], size=n, p=[0.6, 0.25, 0.15])
    groups = UnitGroups.of(cohort)
    outcome = 10.0 + rng.normal(size=(n, periods)).cumsum(axis=1)
    means = group_means(outcome, groups)
    gram = group_grams(outcome, groups, means)
    slopes = rng.normal(size=(width, len(groups.values), periods))
    influence = GroupedInfluence.zeros(outcome, groups, means, width)
    influence.slopes[:] = slopes.reshape(width, -1)
    influence.weighted[:] = np.einsum("cts,mcs->mct", gram, slopes).reshape(width, -1)
    influence.intercepts[:] = rng.normal(size=(width, len(groups.values)))
    return influence


def as_dense(influence: GroupedInfluence) -> DenseInfluence:
    return DenseInfluence(np.ascontiguousarray(influence.dense().T), influence.groups)


@pytest.mark.parametrize("seed", SEEDS)
def test_grouped_influence_is_affine_in_centred_outcomes(seed: int) -> None:
    influence = grouped(seed)
    index = influence.groups.index
    periods = influence.outcome.shape[1]
    slopes = influence.slopes.reshape(influence.width, -1, periods)
    unit = 17
    centred = influence.outcome[unit] - influence.outcome[index == index[unit]].mean(axis=0)
    expected = slopes[:, index[unit]] @ centred + influence.intercepts[:, index[unit]]
    np.testing.assert_allclose(influence.dense()[unit], expected, rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_grouped_and_dense_agree_on_every_operation(seed: int) -> None:
    influence = grouped(seed)
    dense = as_dense(influence)
    np.testing.assert_allclose(influence.sum_of_squares(), dense.sum_of_squares(), rtol=1e-10)
    np.testing.assert_allclose(influence.cross_products(), dense.cross_products(), rtol=1e-10)
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(11, influence.n))
    np.testing.assert_allclose(influence.signed_sums(signs), dense.signed_sums(signs), rtol=1e-10)

    # New estimate 0 = 2 · old 2; 1 = (old 0 + old 3) / 2; 2 = old 4 - old 0; 3 = nothing.
    combination = Combination(
        np.array([0, 1, 1, 2, 2]), np.array([2, 0, 3, 4, 0]), np.array([2.0, 0.5, 0.5, 1, -1]), 4
    )
    terms = np.random.default_rng(seed).normal(size=(len(influence.groups.values), 4))
    combined = influence.combine(combination, terms)
    assert combined.width == 4
    np.testing.assert_allclose(
        combined.dense(), dense.combine(combination, terms).dense(), rtol=1e-10, atol=1e-12
    )
    # Estimate 3 receives nothing: zero everywhere but for its group terms.
    np.testing.assert_allclose(combined.dense()[:, 3], terms[influence.groups.index, 3])
    kept = np.array([True, False, True, True, False])
    np.testing.assert_allclose(influence.select(kept).dense(), influence.dense()[:, kept])
    both = influence.joined([combined])
    np.testing.assert_allclose(both.dense(), np.hstack([influence.dense(), combined.dense()]))


def test_joining_different_representations_is_refused() -> None:
    influence = grouped(0)
    with pytest.raises(TypeError, match="cannot join"):
        influence.joined([as_dense(influence)])


def test_a_cell_influence_function_is_the_difference_in_means_formula() -> None:
    """Without covariates the (g, t) influence function is (n / n_g)(d_i - mean_g d) for the
    cohort and -(n / n_0)(d_i - mean_0 d) for never-treated units, d = y_t - y_(g-1); its
    standard error is sqrt(sum IF²) / n."""
    rng = np.random.default_rng(5)
    n, periods = 40, 6
    cohort = np.array([0] * 25 + [4] * 15)
    outcome = 3.0 + rng.normal(size=(n, periods))
    panel = Panel(np.arange(n), np.arange(1, periods + 1), outcome, cohort, None, ())
    result = callaway_santanna(panel, method="reg", bootstrap=0)
    cell = next(cell for cell in result.att_gt if (cell.cohort, cell.period) == (4, 5))
    change = outcome[:, 4] - outcome[:, 2]  # period 5 against the base period 3
    treated, never = cohort == 4, cohort == 0
    influence = np.where(
        treated,
        n / treated.sum() * (change - change[treated].mean()),
        -n / never.sum() * (change - change[never].mean()),
    )
    assert cell.att == pytest.approx(change[treated].mean() - change[never].mean(), rel=1e-12)
    assert cell.se == pytest.approx(np.sqrt(np.sum(influence**2)) / n, rel=1e-12)


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_both_representations_give_the_same_estimate(
    control: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without covariates the estimator picks the smaller representation; forced either way it
    gives the same numbers, bootstrap bands included (the same draws reach the same units)."""
    panel, _ = simulate_staggered_panel(
        n_units=120, n_periods=8, cohorts={4: 20, 6: 25}, effect=0.1, effect_growth=0.02,
        selection="level", seed=3,
    )  # fmt: skip
    plain = without_covariates(panel)
    results = {}
    for grouped in (True, False):
        monkeypatch.setattr(did, "grouped_is_smaller", lambda *_args, grouped=grouped: grouped)
        results[grouped] = result_to_json(
            did.callaway_santanna(plain, control=control, method="reg", bootstrap=99, seed=4)
        )
    assert_same_numbers(results[True], results[False])


def assert_same_numbers(expected: object, actual: object, path: str = "") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict)
        assert expected.keys() == actual.keys(), path
        for key in expected:
            assert_same_numbers(expected[key], actual[key], f"{path}/{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list)
        assert len(expected) == len(actual), path
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            assert_same_numbers(left, right, f"{path}[{index}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-12), path
    else:
        assert expected == actual, path
