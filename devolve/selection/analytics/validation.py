"""Checks shared by the weighting, scoring and choice functions: turn the caller's arrays into
float arrays of the right shape, or raise ``SelectionInputError`` naming the bad cell."""

import numbers
from typing import Any

import numpy as np

from devolve.selection.analytics.errors import SelectionInputError


def checked_matrix(matrix: Any, *, minimum_candidates: int = 2) -> np.ndarray:
    """The indicator matrix as float64, shape (m candidates, n indicators).

    Refuses non-numeric cells (strings, None, booleans, objects), NaN or infinite values, a
    matrix that is not two-dimensional, and fewer than ``minimum_candidates`` rows.
    """
    raw = np.asarray(matrix)
    if raw.ndim != 2:
        raise SelectionInputError(
            f"The indicator matrix must have one row per candidate and one column per "
            f"indicator; got an array with {raw.ndim} dimension(s)."
        )
    if raw.dtype.kind not in "iuf":
        for (row, column), value in np.ndenumerate(raw):
            if not isinstance(value, numbers.Real) or isinstance(value, bool | np.bool_):
                raise SelectionInputError(
                    f"The value {value!r} of candidate {row} for indicator {column} is not a "
                    f"number.",
                    candidate=int(row),
                    indicator=int(column),
                )
    values = raw.astype(np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row, column = (int(index) for index in np.argwhere(bad)[0])
        raise SelectionInputError(
            f"Candidate {row} has no usable value for indicator {column} ({values[row, column]}); "
            f"missing values must be decided before scoring.",
            candidate=row,
            indicator=column,
        )
    if values.shape[0] < minimum_candidates:
        raise SelectionInputError(
            f"At least {minimum_candidates} candidates are needed; got {values.shape[0]}."
        )
    if values.shape[1] < 1:
        raise SelectionInputError("At least one indicator is needed.")
    return values


def checked_benefit(benefit: Any, n_indicators: int) -> np.ndarray:
    """The direction of each indicator as a bool array of shape (n,): True = benefit (higher is
    better), False = cost (lower is better)."""
    raw = np.asarray(benefit)
    if raw.shape != (n_indicators,):
        raise SelectionInputError(
            f"One direction (benefit or cost) is needed for each of the {n_indicators} "
            f"indicators; got shape {raw.shape}."
        )
    if raw.dtype.kind != "b":
        raise SelectionInputError("Directions must be booleans (True = benefit, False = cost).")
    return raw.astype(bool)


def checked_weights(weights: Any, n_indicators: int) -> np.ndarray:
    """Indicator weights as float64 of shape (n,), non-negative, normalized to sum to 1."""
    raw = np.asarray(weights)
    if raw.shape != (n_indicators,):
        raise SelectionInputError(
            f"One weight is needed for each of the {n_indicators} indicators; got shape "
            f"{raw.shape}."
        )
    if raw.dtype.kind not in "iuf":
        raise SelectionInputError("Weights must be numbers.")
    values = raw.astype(np.float64)
    if not np.isfinite(values).all():
        index = int(np.flatnonzero(~np.isfinite(values))[0])
        raise SelectionInputError(
            f"The weight of indicator {index} is not a number.", indicator=index
        )
    if (values < 0).any():
        index = int(np.flatnonzero(values < 0)[0])
        raise SelectionInputError(
            f"The weight of indicator {index} is negative ({values[index]}).", indicator=index
        )
    total = values.sum()
    if total <= 0:
        raise SelectionInputError("At least one weight must be positive.")
    return values / total


def refuse_constant_indicators(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column minima and maxima, shape (n,) each; refuses an indicator with the same value for
    every candidate (zero variance: it cannot distinguish candidates, and min–max or entropy
    normalization would divide by zero)."""
    low = values.min(axis=0)
    high = values.max(axis=0)
    constant = high == low
    if constant.any():
        index = int(np.flatnonzero(constant)[0])
        raise SelectionInputError(
            f"Indicator {index} has the same value ({low[index]:g}) for every candidate, so it "
            f"cannot distinguish them; remove it or correct its values.",
            indicator=index,
        )
    return low, high


def min_max_benefit(values: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """Min–max normalization, shape (m, n), each column in [0, 1] with 1 = the best candidate on
    that indicator (cost indicators reversed: (max - x) / (max - min))."""
    low, high = refuse_constant_indicators(values)
    spread = high - low
    return np.asarray(
        np.where(benefit, (values - low) / spread, (high - values) / spread), dtype=np.float64
    )
