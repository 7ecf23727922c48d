"""Monte Carlo weight sensitivity (pure maths, no database)."""

import numpy as np
import pytest

from devolve.selection.analytics.choose import Constraints, Infeasible, choose
from devolve.selection.analytics.errors import SelectionInputError
from devolve.selection.analytics.scoring import scores_for_weights, topsis
from devolve.selection.analytics.sensitivity import METHODS, weight_sensitivity


def candidates(size: int = 24) -> tuple[np.ndarray, np.ndarray, np.ndarray, Constraints]:
    rng = np.random.default_rng(3)
    matrix = rng.lognormal(size=(size, 5))
    matrix[0] = matrix.max(axis=0) * 2  # dominant on every benefit indicator
    matrix[0, 4] = matrix[:, 4].min() / 2  # and the cheapest on the cost indicator
    benefit = np.array([True, True, True, True, False])
    weights = np.array([0.3, 0.2, 0.2, 0.2, 0.1])
    constraints = Constraints(
        k=5, group_of=np.arange(size) % 4, min_groups_covered=4, max_per_group=2
    )
    return matrix, weights, benefit, constraints


def test_sensitivity_is_reproducible_with_a_seed_and_counts_k_per_run() -> None:
    matrix, weights, benefit, constraints = candidates()

    first = weight_sensitivity(matrix, weights, benefit, constraints, runs=60, seed=11)
    again = weight_sensitivity(matrix, weights, benefit, constraints, runs=60, seed=11)
    other = weight_sensitivity(matrix, weights, benefit, constraints, runs=60, seed=12)

    np.testing.assert_array_equal(first.selection_frequency, again.selection_frequency)
    np.testing.assert_array_equal(first.rank_mean, again.rank_mean)
    assert not np.array_equal(first.rank_mean, other.rank_mean)
    frequency = first.selection_frequency
    assert ((frequency >= 0) & (frequency <= 1)).all()
    assert frequency.sum() == pytest.approx(constraints.k)
    assert (first.rank_p05 <= first.rank_p95).all()
    assert first.rank_p05.min() >= 1
    assert first.rank_p95.max() <= matrix.shape[0]
    # Ranks are a permutation in every run, so their means average (m + 1) / 2.
    assert first.rank_mean.mean() == pytest.approx((matrix.shape[0] + 1) / 2)
    assert (first.runs, first.perturbation, first.seed) == (60, 0.2, 11)


def test_a_dominant_candidate_is_always_chosen_and_always_first() -> None:
    matrix, weights, benefit, constraints = candidates()

    result = weight_sensitivity(matrix, weights, benefit, constraints, runs=40, method="vikor")

    assert result.selection_frequency[0] == 1.0
    assert result.rank_p95[0] == 1.0


def test_without_perturbation_every_run_repeats_the_recommendation() -> None:
    matrix, weights, benefit, constraints = candidates()
    recommended = choose(topsis(matrix, weights, benefit).scores, constraints).selected

    result = weight_sensitivity(matrix, weights, benefit, constraints, perturbation=0.0, runs=5)

    expected = np.zeros(matrix.shape[0])
    expected[recommended] = 1.0
    np.testing.assert_array_equal(result.selection_frequency, expected)
    np.testing.assert_array_equal(result.rank_p05, result.rank_p95)


def test_sensitivity_refuses_bad_settings_and_infeasible_constraints() -> None:
    matrix, weights, benefit, constraints = candidates()

    with pytest.raises(SelectionInputError, match="Unknown ranking method 'electre'"):
        weight_sensitivity(matrix, weights, benefit, constraints, method="electre")
    with pytest.raises(SelectionInputError, match="perturbation"):
        weight_sensitivity(matrix, weights, benefit, constraints, perturbation=1.5)
    with pytest.raises(SelectionInputError, match="At least one run"):
        weight_sensitivity(matrix, weights, benefit, constraints, runs=0)
    impossible = Constraints(k=3, group_of=constraints.group_of, min_groups_covered=4)
    with pytest.raises(Infeasible, match="Covering at least 4 prefectures"):
        weight_sensitivity(matrix, weights, benefit, impossible, runs=3)


def _sensitivity_run_by_run(
    matrix: np.ndarray,
    weights: np.ndarray,
    benefit: np.ndarray,
    constraints: Constraints,
    *,
    method: str,
    runs: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The runs as the public method does them one by one (the implementation before issue 19
    checked and normalized the matrix once): chosen counts and ranks."""
    factors = np.random.default_rng(seed).uniform(0.8, 1.2, size=(runs, weights.size))
    perturbed = weights / weights.sum() * factors
    perturbed /= perturbed.sum(axis=1, keepdims=True)
    chosen = np.zeros(matrix.shape[0], dtype=np.int64)
    ranks = np.empty((runs, matrix.shape[0]), dtype=np.int64)
    for run, run_weights in enumerate(perturbed):
        ranking = METHODS[method](matrix, run_weights, benefit)
        ranks[run] = ranking.ranks
        chosen[choose(ranking.scores, constraints, with_swaps=False).selected] += 1
    return chosen, ranks


@pytest.mark.parametrize("method", sorted(METHODS))
def test_the_runs_score_to_the_last_bit_as_the_method_does(method: str) -> None:
    """Checking and normalizing the matrix once for all runs (issue 19) changes no score, rank,
    frequency or percentile, not even in the last bit."""
    matrix, weights, benefit, constraints = candidates(40)
    scores_of = scores_for_weights(matrix, benefit, method)
    tilted = np.array([0.05, 0.4, 0.25, 0.2, 0.1])
    for some_weights in (weights, tilted, np.ones(5)):
        expected = METHODS[method](matrix, some_weights, benefit).scores
        assert scores_of(some_weights).tobytes() == expected.tobytes()

    result = weight_sensitivity(matrix, weights, benefit, constraints, method=method, runs=30,
                                seed=5)  # fmt: skip

    chosen, ranks = _sensitivity_run_by_run(
        matrix, weights, benefit, constraints, method=method, runs=30, seed=5
    )
    assert result.selection_frequency.tobytes() == (chosen / 30).tobytes()
    assert result.rank_mean.tobytes() == ranks.mean(axis=0).tobytes()
    assert result.rank_p05.tobytes() == np.percentile(ranks, 5, axis=0).tobytes()
    assert result.rank_p95.tobytes() == np.percentile(ranks, 95, axis=0).tobytes()


def test_the_runs_refuse_what_the_method_refuses() -> None:
    matrix, weights, benefit, constraints = candidates()
    matrix[:, 2] = 7.0

    with pytest.raises(SelectionInputError, match="Indicator 2 has the same value"):
        weight_sensitivity(matrix, weights, benefit, constraints, runs=3)
    with pytest.raises(SelectionInputError, match="Unknown ranking method 'electre'"):
        scores_for_weights(matrix[:, :2], benefit[:2], "electre")
