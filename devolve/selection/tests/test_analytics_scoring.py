"""TOPSIS, weighted sum and VIKOR rankings and their breakdown (pure maths, no database)."""

from collections.abc import Callable

import numpy as np
import pytest

from devolve.selection.analytics.errors import SelectionInputError
from devolve.selection.analytics.scoring import (
    Ranking,
    criterion_breakdown,
    normalize,
    topsis,
    vikor,
    weighted_sum,
)

Method = Callable[[np.ndarray, np.ndarray, np.ndarray], Ranking]

# Hwang and Yoon, "Multiple Attribute Decision Making: Methods and Applications" (1981): buying a
# fighter aircraft. Columns: maximum speed, ferry range, maximum payload, acquisition cost (cost),
# reliability, manoeuvrability.
AIRCRAFT = np.array(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
)
AIRCRAFT_WEIGHTS = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.3])
AIRCRAFT_BENEFIT = np.array([True, True, True, False, True, True])


def test_topsis_reproduces_hwang_and_yoons_aircraft_closeness() -> None:
    """Hwang and Yoon, "Multiple Attribute Decision Making" (1981): published relative
    closeness 0.643, 0.268, 0.613, 0.312, so A1 > A3 > A4 > A2. The book rounds intermediate
    values, so agreement is to 1e-3 (A3 is 0.6135 unrounded)."""
    ranking = topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_BENEFIT)

    np.testing.assert_allclose(ranking.scores, [0.643, 0.268, 0.613, 0.312], atol=1e-3)
    np.testing.assert_array_equal(ranking.ranks, [1, 4, 2, 3])
    assert ranking.method == "topsis"


def test_topsis_ignores_the_scale_of_weights_and_units() -> None:
    rescaled = AIRCRAFT * np.array([1, 1.852, 0.4536, 1e6, 1, 1])  # other units
    plain = topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_BENEFIT)

    other = topsis(rescaled, AIRCRAFT_WEIGHTS * 7, AIRCRAFT_BENEFIT)

    np.testing.assert_allclose(other.scores, plain.scores)


def test_topsis_scores_the_ideal_candidate_one_and_the_anti_ideal_zero() -> None:
    matrix = np.array([[10.0, 1.0], [5.0, 3.0], [0.0, 5.0]])

    ranking = topsis(matrix, np.array([0.5, 0.5]), np.array([True, False]))

    np.testing.assert_allclose(ranking.scores[[0, 2]], [1.0, 0.0])


def test_vector_normalization_divides_each_column_by_its_euclidean_norm() -> None:
    matrix = np.array([[3.0, 1.0], [4.0, 0.0]])

    normalized = normalize(matrix, np.array([True, False]))

    np.testing.assert_allclose(normalized, [[0.6, 1.0], [0.8, 0.0]])


def test_vikor_matches_a_hand_worked_example() -> None:
    """Best/worst: column 0 (benefit) 10/2, column 1 (cost) 1/5; weights ½, ½.
    Weighted regrets: A (0, ½), B (¼, 0), C (½, ¼) → S = ½, ¼, ¾ and R = ½, ¼, ½.
    Q (v = ½) = ½·(S - ¼)/½ + ½·(R - ¼)/¼ = ¾, 0, 1, so scores 1 - Q = ¼, 1, 0."""
    matrix = np.array([[10.0, 5.0], [6.0, 1.0], [2.0, 3.0]])
    weights = np.array([0.5, 0.5])
    benefit = np.array([True, False])

    ranking = vikor(matrix, weights, benefit)
    only_utility = vikor(matrix, weights, benefit, v=1.0)

    np.testing.assert_allclose(ranking.scores, [0.25, 1.0, 0.0])
    np.testing.assert_array_equal(ranking.ranks, [2, 1, 3])
    np.testing.assert_allclose(only_utility.scores, [0.5, 1.0, 0.0])
    with pytest.raises(SelectionInputError, match="VIKOR's v"):
        vikor(matrix, weights, benefit, v=1.5)


def test_weighted_sum_is_the_weighted_min_max_score_with_exact_contributions() -> None:
    matrix = np.array([[10.0, 5.0], [6.0, 1.0], [2.0, 3.0]])

    ranking = weighted_sum(matrix, np.array([3.0, 1.0]), np.array([True, False]))

    # min–max: column 0 → 1, .5, 0; column 1 (cost) → 0, 1, .5; weights .75, .25.
    np.testing.assert_allclose(ranking.scores, [0.75, 0.625, 0.125])
    np.testing.assert_allclose(ranking.contributions, [[0.75, 0], [0.375, 0.25], [0, 0.125]])


@pytest.mark.parametrize("method", [topsis, weighted_sum, vikor])
def test_contributions_sum_to_the_score_and_criteria_split_them(method: Method) -> None:
    ranking = method(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_BENEFIT)
    owner = np.array([0, 0, 0, 1, 2, 2])

    breakdown = criterion_breakdown(ranking, owner, 3)

    assert ranking.contributions.shape == (4, 6)
    assert (ranking.contributions >= 0).all()
    np.testing.assert_allclose(ranking.contributions.sum(axis=1), ranking.scores)
    np.testing.assert_allclose(breakdown.sum(axis=1), ranking.scores)
    np.testing.assert_allclose(breakdown[:, 1], ranking.contributions[:, 3])
    assert ((ranking.scores >= 0) & (ranking.scores <= 1)).all()


def test_ties_rank_by_candidate_index() -> None:
    matrix = np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 1.0], [1.0, 2.0]])

    ranking = weighted_sum(matrix, np.array([0.5, 0.5]), np.array([True, True]))

    np.testing.assert_array_equal(ranking.ranks, [1, 2, 3, 4])


@pytest.mark.parametrize("method", [topsis, weighted_sum, vikor])
def test_scoring_refuses_bad_input(method: Method) -> None:
    benefit = np.array([True, True])
    with pytest.raises(SelectionInputError, match="Indicator 0 has the same value"):
        method(np.array([[3.0, 1.0], [3.0, 2.0]]), np.array([0.5, 0.5]), benefit)
    with pytest.raises(SelectionInputError, match="not a number"):
        method(np.array([[1, None], [2, 3]], dtype=object), np.array([0.5, 0.5]), benefit)
    with pytest.raises(SelectionInputError, match="weight of indicator 1 is negative"):
        method(np.array([[1.0, 1.0], [2.0, 2.0]]), np.array([1.0, -1.0]), benefit)
    with pytest.raises(SelectionInputError, match="One weight is needed for each of the 2"):
        method(np.array([[1.0, 1.0], [2.0, 2.0]]), np.array([1.0]), benefit)


def test_breakdown_refuses_a_criterion_index_out_of_range() -> None:
    ranking = topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_BENEFIT)

    with pytest.raises(SelectionInputError, match="from 0 to 1"):
        criterion_breakdown(ranking, np.array([0, 0, 0, 1, 2, 2]), 2)
