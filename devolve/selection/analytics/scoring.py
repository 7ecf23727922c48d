"""Ranking candidates over weighted indicators: TOPSIS, weighted sum (SAW) and VIKOR.

Conventions shared by the three methods:

* ``matrix``: shape (m candidates, n indicators), each column in its own unit;
  ``weights``: shape (n,), non-negative (normalized here to sum 1);
  ``benefit``: shape (n,), bool, True = higher is better, False = cost.
* Every method returns a ``Ranking`` whose ``scores`` are dimensionless and higher is better.
* ``contributions`` split each candidate's score among the indicators in proportion to
  w_j · u_ij, where u_ij is the candidate's min–max position on indicator j (0 = the worst
  candidate, 1 = the best). For the weighted sum this is exact (score = Σ_j w_j u_ij); for TOPSIS
  and VIKOR, whose scores are not sums, it is an attribution that keeps each row summing to the
  score and every share ≥ 0.
* A zero-variance indicator is refused (``SelectionInputError`` naming its column).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from devolve.selection.analytics.errors import SelectionInputError
from devolve.selection.analytics.validation import (
    checked_benefit,
    checked_matrix,
    checked_weights,
    min_max_benefit,
    refuse_constant_indicators,
)

VIKOR_DEFAULT_V = 0.5
"""Weight of the group utility S against the individual regret R in VIKOR's Q (consensus)."""


@dataclass(frozen=True)
class Ranking:
    """Scores and ranks of m candidates over n indicators.

    ``scores``: shape (m,), higher is better; ``ranks``: shape (m,), int, 1 = best, ties broken
    by candidate index (the lower index ranks first); ``contributions``: shape (m, n), each row
    sums to that candidate's score (see the module docstring); ``method``: "topsis",
    "weighted_sum" or "vikor".
    """

    scores: np.ndarray
    ranks: np.ndarray
    contributions: np.ndarray
    method: str


def ranks_of(scores: np.ndarray) -> np.ndarray:
    """Ranks, shape (m,), 1 = highest score; equal scores ranked by candidate index."""
    order = np.lexsort((np.arange(scores.size), -scores))
    ranks = np.empty(scores.size, dtype=np.int64)
    ranks[order] = np.arange(1, scores.size + 1)
    return ranks


def normalize(matrix: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """Vector normalization for TOPSIS: r_ij = x_ij / sqrt(Σ_i x_ij²), shape (m, n).

    Columns keep their direction (cost columns are *not* reversed: TOPSIS handles direction
    through its ideal and anti-ideal points); ``benefit`` is validated for shape only. A
    zero-variance column (including an all-zero one) is refused.
    """
    values = checked_matrix(matrix)
    checked_benefit(benefit, values.shape[1])
    refuse_constant_indicators(values)
    return np.asarray(values / np.sqrt((values**2).sum(axis=0)), dtype=np.float64)


def _prepared(
    matrix: np.ndarray, weights: np.ndarray, benefit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    values = checked_matrix(matrix)
    direction = checked_benefit(benefit, values.shape[1])
    return (
        values,
        checked_weights(weights, values.shape[1]),
        direction,
        min_max_benefit(values, direction),
    )


def _attributed(scores: np.ndarray, weights: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Split each score among indicators in proportion to w_j · u_ij, shape (m, n)."""
    parts = position * weights
    totals = parts.sum(axis=1, keepdims=True)
    safe = np.where(totals > 0, totals, 1.0)
    return np.asarray(scores[:, None] * parts / safe, dtype=np.float64)


def _vector_normalized(values: np.ndarray) -> np.ndarray:
    """r_ij = x_ij / sqrt(Σ_i x_ij²): what TOPSIS weights (the weights do not enter it)."""
    return np.asarray(values / np.sqrt((values**2).sum(axis=0)), dtype=np.float64)


def _topsis_scores(
    normalized: np.ndarray, normalized_weights: np.ndarray, direction: np.ndarray
) -> np.ndarray:
    weighted = normalized * normalized_weights
    column_max = weighted.max(axis=0)
    column_min = weighted.min(axis=0)
    ideal = np.where(direction, column_max, column_min)
    anti_ideal = np.where(direction, column_min, column_max)
    to_ideal = np.sqrt(((weighted - ideal) ** 2).sum(axis=1))
    to_anti_ideal = np.sqrt(((weighted - anti_ideal) ** 2).sum(axis=1))
    return np.asarray(to_anti_ideal / (to_ideal + to_anti_ideal), dtype=np.float64)


def topsis(matrix: np.ndarray, weights: np.ndarray, benefit: np.ndarray) -> Ranking:
    """TOPSIS (Hwang and Yoon, 1981): closeness to the ideal solution, scores in [0, 1].

    r = vector-normalized matrix; v_ij = w_j r_ij; ideal A⁺_j = max_i v_ij for benefit columns
    (min for cost), anti-ideal A⁻_j the opposite; D⁺_i, D⁻_i = Euclidean distances to them;
    score C_i = D⁻_i / (D⁺_i + D⁻_i) (1 = at the ideal on every indicator).
    """
    values, normalized_weights, direction, position = _prepared(matrix, weights, benefit)
    scores = _topsis_scores(_vector_normalized(values), normalized_weights, direction)
    return Ranking(
        scores=scores,
        ranks=ranks_of(scores),
        contributions=_attributed(scores, normalized_weights, position),
        method="topsis",
    )


def weighted_sum(matrix: np.ndarray, weights: np.ndarray, benefit: np.ndarray) -> Ranking:
    """Simple additive weighting: score_i = Σ_j w_j u_ij with u the min–max normalized matrix
    (1 = best candidate on that indicator, cost columns reversed); scores in [0, 1]."""
    _, normalized_weights, _, position = _prepared(matrix, weights, benefit)
    contributions = position * normalized_weights
    scores = contributions.sum(axis=1)
    return Ranking(
        scores=scores,
        ranks=ranks_of(scores),
        contributions=np.asarray(contributions, dtype=np.float64),
        method="weighted_sum",
    )


def vikor(
    matrix: np.ndarray, weights: np.ndarray, benefit: np.ndarray, *, v: float = VIKOR_DEFAULT_V
) -> Ranking:
    """VIKOR (Opricovic and Tzeng, 2004) compromise ranking; scores = 1 - Q in [0, 1].

    With f*_j the best and f⁻_j the worst value of indicator j, the weighted regret is
    d_ij = w_j (f*_j - f_ij) / (f*_j - f⁻_j); S_i = Σ_j d_ij (group utility), R_i = max_j d_ij
    (individual regret); Q_i = v (S_i - S*) / (S⁻ - S*) + (1 - v) (R_i - R*) / (R⁻ - R*) with
    S* = min S, S⁻ = max S (likewise R); a term whose spread is 0 counts 0. VIKOR ranks by
    ascending Q; the score is 1 - Q so that, as for the other methods, higher is better.
    ``v`` (default 0.5, "by consensus") must be in [0, 1]. Only the ranking by Q is reported;
    VIKOR's two acceptance conditions (advantage and stability) are not applied.
    """
    if not 0.0 <= v <= 1.0:
        raise SelectionInputError(f"VIKOR's v must be between 0 and 1; got {v}.")
    _, normalized_weights, _, position = _prepared(matrix, weights, benefit)
    scores = _vikor_scores(1.0 - position, normalized_weights, v)
    return Ranking(
        scores=scores,
        ranks=ranks_of(scores),
        contributions=_attributed(scores, normalized_weights, position),
        method="vikor",
    )


def _vikor_scores(shortfall: np.ndarray, normalized_weights: np.ndarray, v: float) -> np.ndarray:
    """1 - Q from each candidate's shortfall 1 - u_ij on each indicator."""
    regret = normalized_weights * shortfall
    group_utility = regret.sum(axis=1)
    individual_regret = regret.max(axis=1)
    q = v * _spread_position(group_utility) + (1.0 - v) * _spread_position(individual_regret)
    return np.asarray(1.0 - q, dtype=np.float64)


def _spread_position(values: np.ndarray) -> np.ndarray:
    """(x - min) / (max - min), or zeros when every value is equal."""
    low = values.min()
    spread = values.max() - low
    if spread <= 0:
        return np.zeros_like(values)
    return np.asarray((values - low) / spread, dtype=np.float64)


def scores_for_weights(
    matrix: np.ndarray, benefit: np.ndarray, method: str
) -> Callable[[np.ndarray], np.ndarray]:
    """The scores ``method`` ("topsis", "weighted_sum" or "vikor") gives one matrix under many
    weightings, as the sensitivity runs need them: the matrix is checked and normalized once,
    then each call takes weights of shape (n,) and returns scores of shape (m,) equal, to the
    last bit, to ``topsis(matrix, weights, benefit).scores`` (or the other method's): the same
    operations in the same order, without the contributions nobody reads in a run. The checks
    and refusals are those of the method."""
    values = checked_matrix(matrix)
    direction = checked_benefit(benefit, values.shape[1])
    position = min_max_benefit(values, direction)
    columns = values.shape[1]
    if method == "topsis":
        normalized = _vector_normalized(values)
        return lambda weights: _topsis_scores(
            normalized, checked_weights(weights, columns), direction
        )
    if method == "weighted_sum":
        return lambda weights: np.asarray(
            (position * checked_weights(weights, columns)).sum(axis=1), dtype=np.float64
        )
    if method == "vikor":
        shortfall = 1.0 - position
        return lambda weights: _vikor_scores(
            shortfall, checked_weights(weights, columns), VIKOR_DEFAULT_V
        )
    raise SelectionInputError(f"Unknown ranking method {method!r}.")


def criterion_breakdown(
    ranking: Ranking, criterion_of_indicator: np.ndarray, n_criteria: int
) -> np.ndarray:
    """Each candidate's score split by criterion, shape (m, n_criteria): the sum of the
    contributions of the indicators of each criterion (rows sum to the scores)."""
    owner = np.asarray(criterion_of_indicator)
    n_indicators = ranking.contributions.shape[1]
    if owner.shape != (n_indicators,) or owner.dtype.kind not in "iu":
        raise SelectionInputError(
            f"One criterion index is needed for each of the {n_indicators} indicators."
        )
    if (owner < 0).any() or (owner >= n_criteria).any():
        raise SelectionInputError(
            f"Each indicator's criterion must be an index from 0 to {n_criteria - 1}."
        )
    membership = np.zeros((n_indicators, n_criteria))
    membership[np.arange(n_indicators), owner] = 1.0
    return np.asarray(ranking.contributions @ membership, dtype=np.float64)
