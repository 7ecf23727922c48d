"""Entropy, AHP, expert and combined weights (pure maths, no database)."""

import math

import numpy as np
import pytest

from devolve.selection.analytics.errors import SelectionInputError
from devolve.selection.analytics.weights import (
    ENTROPY_SHIFT,
    ahp_weights,
    combine_weights,
    entropy_weights,
    expert_weights,
)

# Saaty, "How to make a decision: the analytic hierarchy process" (1990): choosing a house,
# eight criteria (size, transportation, neighbourhood, age, yard, modern facilities, general
# condition, financing). Published priorities .173 .054 .188 .018 .031 .036 .167 .333,
# λmax 9.669, CI 0.238, CR 0.169.
HOUSE_CRITERIA = np.array(
    [
        [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
        [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
        [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
        [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
        [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
        [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
        [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
        [4, 7, 5, 8, 6, 6, 2, 1],
    ]
)

# Same source: the three houses compared on size. Published .754 .181 .065, λmax 3.136,
# CI 0.068, CR 0.117.
HOUSE_SIZE = np.array([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]])


def hand_entropy_weight_parts(normalized: list[list[float]]) -> list[float]:
    """1 - e_j for columns already min–max normalized, computed with plain floats."""
    rows = len(normalized)
    parts = []
    for column in zip(*normalized, strict=True):
        shifted = [value + 1e-4 for value in column]
        total = sum(shifted)
        entropy = -sum(value / total * math.log(value / total) for value in shifted)
        parts.append(1 - entropy / math.log(rows))
    return parts


def test_entropy_weights_match_a_hand_worked_matrix() -> None:
    # Column 0 (benefit) spreads evenly, column 1 (cost, in another unit) singles out one
    # candidate, column 2 (benefit) has the same pattern as column 0 on another scale.
    matrix = np.array([[0.0, 30.0, 100.0], [5.0, 30.0, 150.0], [10.0, 10.0, 200.0]])
    benefit = np.array([True, False, True])
    parts = hand_entropy_weight_parts([[0, 0, 0], [0.5, 0, 0.5], [1, 1, 1]])
    expected = [part / sum(parts) for part in parts]

    weights = entropy_weights(matrix, benefit, variant="min_max")

    assert ENTROPY_SHIFT == 1e-4
    np.testing.assert_allclose(weights, expected, rtol=1e-12)
    assert weights[1] > weights[0] == pytest.approx(weights[2])
    assert weights.sum() == pytest.approx(1.0)


def test_entropy_weights_treat_a_reversed_cost_indicator_like_its_benefit_mirror() -> None:
    matrix = np.array([[1.0, 8.0], [2.0, 6.0], [4.0, 2.0], [5.0, 0.0]])

    weights = entropy_weights(matrix, np.array([True, False]), variant="min_max")

    np.testing.assert_allclose(weights, [0.5, 0.5])


def test_entropy_weights_refuse_a_zero_variance_indicator_by_column() -> None:
    matrix = np.array([[1.0, 7.0, 3.0], [2.0, 7.0, 4.0]])

    with pytest.raises(SelectionInputError, match="Indicator 1 has the same value") as error:
        entropy_weights(matrix, np.array([True, True, True]))
    assert error.value.indicator == 1


def test_entropy_weights_refuse_missing_and_non_numeric_values() -> None:
    with pytest.raises(SelectionInputError, match=r"Candidate 1 .* indicator 0") as error:
        entropy_weights(np.array([[1.0, 2.0], [np.nan, 3.0]]), np.array([True, True]))
    assert (error.value.candidate, error.value.indicator) == (1, 0)
    text = np.array([[1, 2], [3, "many"]], dtype=object)
    with pytest.raises(SelectionInputError, match="'many' of candidate 1 for indicator 1"):
        entropy_weights(text, np.array([True, True]))
    with pytest.raises(SelectionInputError, match="At least 2 candidates"):
        entropy_weights(np.array([[1.0, 2.0]]), np.array([True, True]))
    with pytest.raises(SelectionInputError, match="direction"):
        entropy_weights(np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([True]))


def test_ahp_reproduces_saatys_published_house_size_priorities() -> None:
    result = ahp_weights(HOUSE_SIZE, max_cr=0.12)  # Saaty accepted this 0.117 in the example

    np.testing.assert_allclose(result.weights, [0.754, 0.181, 0.065], atol=5e-4)
    assert result.lambda_max == pytest.approx(3.136, abs=5e-4)
    assert result.ci == pytest.approx(0.068, abs=5e-4)
    assert result.cr == pytest.approx(0.117, abs=5e-4)
    assert result.random_index == 0.58


def test_ahp_refuses_saatys_inconsistent_house_criteria_with_the_cr_in_the_message() -> None:
    with pytest.raises(SelectionInputError, match=r"CR = 0\.169 is above 0\.1"):
        ahp_weights(HOUSE_CRITERIA)

    result = ahp_weights(HOUSE_CRITERIA, max_cr=0.2)
    published = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    np.testing.assert_allclose(result.weights, published, atol=5e-4)
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.ci == pytest.approx(0.238, abs=5e-4)


def test_ahp_of_a_consistent_matrix_recovers_the_weights_exactly() -> None:
    truth = np.array([0.4, 0.3, 0.2, 0.1])
    pairwise = truth[:, None] / truth[None, :]

    result = ahp_weights(pairwise)

    np.testing.assert_allclose(result.weights, truth, atol=1e-12)
    assert result.lambda_max == pytest.approx(4.0)
    assert result.cr == pytest.approx(0.0, abs=1e-12)


def test_ahp_of_two_criteria_has_no_consistency_ratio() -> None:
    result = ahp_weights(np.array([[1.0, 3.0], [1 / 3, 1.0]]))

    np.testing.assert_allclose(result.weights, [0.75, 0.25])
    assert result.cr == 0.0


@pytest.mark.parametrize(
    ("pairwise", "message"),
    [
        (np.ones((2, 3)), "square"),
        (np.array([[1.0, 2.0], [0.5, 2.0]]), "compared with itself"),
        (np.array([[1.0, 3.0], [0.5, 1.0]]), "not reciprocal: row 1, column 2 is 3"),
        (np.array([[1.0, -2.0], [-0.5, 1.0]]), "positive number"),
        (np.array([[1.0, np.nan], [np.nan, 1.0]]), "positive number"),
    ],
)
def test_ahp_refuses_malformed_matrices(pairwise: np.ndarray, message: str) -> None:
    with pytest.raises(SelectionInputError, match=message):
        ahp_weights(pairwise)


def test_ahp_accepts_judgements_typed_as_rounded_decimals() -> None:
    result = ahp_weights(np.array([[1.0, 3.0, 5.0], [0.33, 1.0, 2.0], [0.2, 0.5, 1.0]]))

    assert result.weights.argmax() == 0


def test_expert_weights_are_normalized_and_validated() -> None:
    np.testing.assert_allclose(expert_weights([30, 50, 20]), [0.3, 0.5, 0.2])
    with pytest.raises(SelectionInputError, match="At least one expert weight"):
        expert_weights([0, 0])
    with pytest.raises(SelectionInputError, match="Expert weight 1 must be a number ≥ 0"):
        expert_weights([1, -1])
    with pytest.raises(SelectionInputError, match="must be a number"):
        expert_weights(["a", "b"])


def test_combined_weights_multiply_criterion_and_renormalized_within_weights() -> None:
    criteria = np.array([0.6, 0.4])
    within = np.array([1.0, 3.0, 2.0])  # criterion 0: 1/4 and 3/4; criterion 1: all
    owner = np.array([0, 0, 1])

    weights = combine_weights(criteria, within, owner)

    np.testing.assert_allclose(weights, [0.15, 0.45, 0.4])


def test_combined_weights_refuse_a_weighted_criterion_without_indicators() -> None:
    with pytest.raises(SelectionInputError, match="Criterion 1 has a weight but no indicator"):
        combine_weights(np.array([0.5, 0.5]), np.array([1.0, 1.0]), np.array([0, 0]))


# Hwang and Yoon's fighter-aircraft matrix (the TOPSIS example of test_analytics_scoring).
AIRCRAFT = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]


def test_classic_entropy_weights_are_shannons_on_the_shares_of_the_data() -> None:
    """The default: p = x / Σx on the data as given, e = -Σ p ln p / ln m, w ∝ 1 - e, computed
    here with plain floats."""
    divergence = []
    for column in zip(*AIRCRAFT, strict=True):
        total = sum(column)
        entropy = -sum(value / total * math.log(value / total) for value in column)
        divergence.append(1 - entropy / math.log(len(column)))
    expected = [part / sum(divergence) for part in divergence]

    weights = entropy_weights(np.array(AIRCRAFT), np.array([True, True, True, False, True, True]))

    np.testing.assert_allclose(weights, expected, rtol=1e-12)
    # Reliability (7 / 5 / 5 / 3) spreads the aircraft most, payload hardly at all.
    assert weights.argmax() == 4
    assert weights.argmin() == 2


def test_classic_entropy_ignores_units_and_direction_but_the_min_max_variant_does_not() -> None:
    matrix = np.array(AIRCRAFT)
    benefit = np.array([True, True, True, False, True, True])
    plain = entropy_weights(matrix, benefit)
    rescaled = entropy_weights(matrix * np.array([1, 1.852, 0.4536, 1e6, 1, 1]), ~benefit)
    np.testing.assert_allclose(plain, rescaled, rtol=1e-12)
    assert not np.allclose(plain, entropy_weights(matrix, benefit, variant="min_max"))


def test_classic_entropy_refuses_zero_and_negative_values_with_a_code() -> None:
    for bad in (0.0, -1.0):
        matrix = np.array([[1.0, 2.0], [2.0, bad], [3.0, 4.0]])
        with pytest.raises(SelectionInputError, match="need positive data") as error:
            entropy_weights(matrix, np.array([True, True]))
        assert (error.value.code, error.value.candidate, error.value.indicator) == (
            "non_positive", 1, 1,
        )  # fmt: skip
        weights = entropy_weights(matrix, np.array([True, True]), variant="min_max")
        assert weights.sum() == pytest.approx(1.0)
