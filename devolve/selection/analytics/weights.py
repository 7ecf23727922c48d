"""Indicator weights: entropy (objective), AHP (pairwise judgements), expert (entered directly),
and the combination of criterion weights with weights within each criterion.

Every function returns weights as float64 arrays that sum to 1 (dimensionless).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from devolve.selection.analytics.errors import SelectionInputError
from devolve.selection.analytics.validation import (
    checked_benefit,
    checked_matrix,
    min_max_benefit,
)

ENTROPY_SHIFT = 1e-4
"""Added to every min–max normalized value before the entropy step (variant ``min_max``), so
that the worst candidate on an indicator (normalized 0) still has a positive share and p·ln p
is defined."""

RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
"""Saaty's random consistency index RI by matrix order n (mean CI of random reciprocal
matrices), as published in Saaty, *The Analytic Hierarchy Process* (1980)."""

RECIPROCAL_TOLERANCE = 0.05
"""a_ij · a_ji may differ from 1 by this much (relative): judgements typed with two
decimals, such as 0.33 for 1/3 or 0.13 for 1/8 (4 % off)."""


EntropyVariant = Literal["shannon", "min_max"]


def entropy_weights(
    matrix: np.ndarray, benefit: np.ndarray, *, variant: EntropyVariant = "shannon"
) -> np.ndarray:
    """Entropy weights of the indicators, shape (n,), summing to 1.

    ``matrix``: shape (m candidates, n indicators), any units (each column in its own unit);
    ``benefit``: shape (n,), bool, True = higher is better, False = cost (lower is better).

    ``shannon`` (the default, the classic method: Shannon's entropy of each indicator's shares,
    Zeleny 1982, Hwang & Yoon 1981 §4.1):

    1. p_ij = x_ij / Σ_i x_ij on the data as given, which must be positive (a share is
       undefined otherwise: a zero or negative value is refused with code ``non_positive``);
    2. e_j = -(1 / ln m) Σ_i p_ij ln p_ij  (in [0, 1]);
    3. w_j = (1 - e_j) / Σ_k (1 - e_k).

    The direction of an indicator does not enter: a weight measures how unevenly an indicator
    spreads the candidates, whichever end is better.

    ``min_max`` (a variant common in Chinese policy evaluation): each column first min–max
    normalized to [0, 1], 1 = best (cost columns reversed), plus ``ENTROPY_SHIFT`` (1e-4) so
    that zeros do not make ln 0, then steps 1–3. Its weights depend on the range only, not on
    the level, so they differ from the classic ones.

    An indicator that varies more across candidates (lower entropy) weighs more. A
    zero-variance indicator is refused (it names the column index), as are NaN and non-numeric
    values (the caller decides what to do about missing values first), and fewer than two
    candidates.
    """
    values = checked_matrix(matrix)
    direction = checked_benefit(benefit, values.shape[1])
    if variant == "shannon":
        min_max_benefit(values, direction)  # the same refusal of zero-variance indicators
        non_positive = np.argwhere(values <= 0)
        if non_positive.size:
            row, column = (int(index) for index in non_positive[0])
            raise SelectionInputError(
                f"Candidate {row} has the value {values[row, column]:g} for indicator "
                f"{column}: classic entropy weights need positive data (use the min–max "
                f"variant for data with zeros or negative values).",
                candidate=row,
                indicator=column,
                code="non_positive",
            )
        shifted = values
    elif variant == "min_max":
        shifted = min_max_benefit(values, direction) + ENTROPY_SHIFT
    else:
        raise SelectionInputError(f"Unknown entropy variant {variant!r}.", code="bad_variant")
    shares = shifted / shifted.sum(axis=0)
    entropy = -(shares * np.log(shares)).sum(axis=0) / np.log(values.shape[0])
    divergence = 1.0 - entropy
    return np.asarray(divergence / divergence.sum(), dtype=np.float64)


@dataclass(frozen=True)
class AhpResult:
    """Weights from a pairwise comparison matrix.

    ``weights``: shape (n,), sum 1; ``lambda_max``: the principal eigenvalue (n when perfectly
    consistent); ``ci`` = (λmax - n) / (n - 1); ``cr`` = CI / RI (0 for n ≤ 2);
    ``random_index``: Saaty's RI for this n.
    """

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    random_index: float


def ahp_weights(pairwise: np.ndarray, *, max_cr: float = 0.1) -> AhpResult:
    """AHP weights from a pairwise comparison matrix (Saaty's eigenvector method).

    ``pairwise``: shape (n, n), a_ij = how many times criterion i is more important than j
    (Saaty's 1–9 scale and reciprocals). It must be square, positive, with 1 on the diagonal and
    reciprocal (a_ji = 1 / a_ij within ``RECIPROCAL_TOLERANCE``); n from 1 to 15.

    The weights are the principal (Perron) eigenvector normalized to sum 1. A consistency ratio
    CR above ``max_cr`` (0.1 by default, Saaty's threshold) is refused with the CR in the message.
    """
    raw = np.asarray(pairwise)
    if raw.ndim != 2 or raw.shape[0] != raw.shape[1]:
        raise SelectionInputError(
            f"A pairwise comparison matrix must be square; got shape {raw.shape}."
        )
    size = raw.shape[0]
    if size < 1 or size > max(RANDOM_INDEX):
        raise SelectionInputError(
            f"AHP compares 1 to {max(RANDOM_INDEX)} criteria at a time; got {size}."
        )
    if raw.dtype.kind not in "iuf":
        raise SelectionInputError("Every pairwise judgement must be a number.")
    judgements = raw.astype(np.float64)
    for (row, column), value in np.ndenumerate(judgements):
        if not np.isfinite(value) or value <= 0:
            raise SelectionInputError(
                f"The judgement in row {row + 1}, column {column + 1} must be a positive number; "
                f"got {value}."
            )
    diagonal = np.diag(judgements)
    if not np.allclose(diagonal, 1.0):
        index = int(np.flatnonzero(~np.isclose(diagonal, 1.0))[0])
        raise SelectionInputError(
            f"A criterion compared with itself must be 1; row {index + 1} has {diagonal[index]}."
        )
    products = judgements * judgements.T
    off = np.abs(products - 1.0) > RECIPROCAL_TOLERANCE
    if off.any():
        row, column = (int(index) for index in np.argwhere(off)[0])
        raise SelectionInputError(
            f"The matrix is not reciprocal: row {row + 1}, column {column + 1} is "
            f"{judgements[row, column]:g} but row {column + 1}, column {row + 1} is "
            f"{judgements[column, row]:g} (it should be {1 / judgements[row, column]:g})."
        )
    eigenvalues, eigenvectors = np.linalg.eig(judgements)
    principal = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[principal].real)
    vector = np.abs(eigenvectors[:, principal].real)
    weights = vector / vector.sum()
    random_index = RANDOM_INDEX[size]
    if size <= 2:
        ci = 0.0
        cr = 0.0
    else:
        ci = max((lambda_max - size) / (size - 1), 0.0)
        cr = ci / random_index
    if cr > max_cr:
        raise SelectionInputError(
            f"The pairwise comparisons are inconsistent: consistency ratio CR = {cr:.3f} is "
            f"above {max_cr:g} (λmax = {lambda_max:.3f}, CI = {ci:.3f}, RI = {random_index:.2f}). "
            f"Revise the judgements."
        )
    return AhpResult(
        weights=weights, lambda_max=lambda_max, ci=ci, cr=cr, random_index=random_index
    )


def expert_weights(values: Sequence[float]) -> np.ndarray:
    """Weights entered directly by experts, shape (n,), normalized to sum 1.

    Each value must be a finite number ≥ 0 and at least one must be positive; the unit does
    not matter (points, percentages), only the proportions.
    """
    raw = np.asarray(values)
    if raw.ndim != 1 or raw.size == 0:
        raise SelectionInputError("Expert weights must be a non-empty list of numbers.")
    if raw.dtype.kind not in "iuf":
        raise SelectionInputError("Every expert weight must be a number.")
    weights = raw.astype(np.float64)
    for index, value in enumerate(weights):
        if not np.isfinite(value) or value < 0:
            raise SelectionInputError(
                f"Expert weight {index} must be a number ≥ 0; got {value}.", indicator=index
            )
    total = weights.sum()
    if total <= 0:
        raise SelectionInputError("At least one expert weight must be positive.")
    return np.asarray(weights / total, dtype=np.float64)


def combine_weights(
    criterion_weights: np.ndarray,
    indicator_weights_within: np.ndarray,
    criterion_of_indicator: np.ndarray,
) -> np.ndarray:
    """Global indicator weights, shape (n,), summing to 1.

    ``criterion_weights``: shape (c,), weight of each criterion (normalized here);
    ``indicator_weights_within``: shape (n,), weight of each indicator inside its criterion
    (renormalized here so that the indicators of each criterion sum to 1);
    ``criterion_of_indicator``: shape (n,), int in [0, c), the criterion of each indicator.

    Global weight = criterion weight x within-criterion weight. A criterion with a positive
    weight but no indicator (or only zero-weight indicators) is refused, since its weight would
    vanish.
    """
    criteria = np.asarray(criterion_weights, dtype=np.float64)
    within = np.asarray(indicator_weights_within, dtype=np.float64)
    owner = np.asarray(criterion_of_indicator)
    if criteria.ndim != 1 or within.ndim != 1 or owner.shape != within.shape:
        raise SelectionInputError(
            "Criterion weights, within-criterion weights and the criterion of each indicator "
            "must be one-dimensional, the last two of the same length."
        )
    if owner.dtype.kind not in "iu" or (owner < 0).any() or (owner >= criteria.size).any():
        raise SelectionInputError(
            f"Each indicator's criterion must be an index from 0 to {criteria.size - 1}."
        )
    if not (np.isfinite(criteria).all() and np.isfinite(within).all()):
        raise SelectionInputError("Weights must be finite numbers.")
    if (criteria < 0).any() or (within < 0).any():
        raise SelectionInputError("Weights must not be negative.")
    if criteria.sum() <= 0:
        raise SelectionInputError("At least one criterion weight must be positive.")
    criteria = criteria / criteria.sum()
    totals = np.bincount(owner, weights=within, minlength=criteria.size)
    empty = (totals <= 0) & (criteria > 0)
    if empty.any():
        index = int(np.flatnonzero(empty)[0])
        raise SelectionInputError(
            f"Criterion {index} has a weight but no indicator with a positive weight."
        )
    safe_totals = np.where(totals > 0, totals, 1.0)
    return np.asarray(criteria[owner] * within / safe_totals[owner], dtype=np.float64)
