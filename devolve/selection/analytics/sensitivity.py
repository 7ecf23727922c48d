"""How robust a recommendation is to the weights: Monte Carlo perturbation of the indicator
weights, re-ranking and exact re-selection in every run."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from devolve.selection.analytics.choose import Constraints, choose
from devolve.selection.analytics.errors import SelectionInputError
from devolve.selection.analytics.scoring import (
    Ranking,
    ranks_of,
    scores_for_weights,
    topsis,
    vikor,
    weighted_sum,
)
from devolve.selection.analytics.validation import checked_matrix, checked_weights

METHODS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], Ranking]] = {
    "topsis": topsis,
    "weighted_sum": weighted_sum,
    "vikor": vikor,
}
"""Ranking methods by name, as stored with a selection round."""

PROGRESS_BLOCK = 10
"""``weight_sensitivity`` reports its progress after each block of this many runs."""


@dataclass(frozen=True)
class Sensitivity:
    """Result of ``weight_sensitivity`` for m candidates.

    ``selection_frequency``: shape (m,), share of runs (0–1) in which the candidate was chosen
    (the shares sum to k); ``rank_mean``, ``rank_p05``, ``rank_p95``: shape (m,), mean and
    5th / 95th percentiles of its rank (1 = best) over the runs; ``runs``, ``perturbation``
    (the ± relative range of each weight factor) and ``seed`` reproduce the result.
    """

    selection_frequency: np.ndarray
    rank_mean: np.ndarray
    rank_p05: np.ndarray
    rank_p95: np.ndarray
    runs: int
    perturbation: float
    seed: int


def weight_sensitivity(
    matrix: np.ndarray,
    weights: np.ndarray,
    benefit: np.ndarray,
    constraints: Constraints,
    *,
    method: str = "topsis",
    perturbation: float = 0.2,
    runs: int = 200,
    seed: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """Perturb the weights ``runs`` times and count how often each candidate is chosen.

    ``matrix``: shape (m, n); ``weights``: shape (n,); ``benefit``: shape (n,), bool;
    ``constraints``: as for ``choose``; ``method``: a key of ``METHODS``; ``perturbation``: p in
    [0, 1), each weight is multiplied by an independent factor drawn from U(1 - p, 1 + p) and
    the weights renormalized to sum 1; ``seed``: NumPy generator seed (same inputs and seed, same
    result). Each run re-scores with ``method`` (the matrix checked and normalized once, see
    ``scores_for_weights``) and re-chooses exactly (no swaps). Infeasible
    constraints raise ``Infeasible`` at once, as in ``choose`` (they do not depend on weights).
    ``on_progress(runs_done, runs)``, when given, is called before the first run and after each
    block of ``PROGRESS_BLOCK`` runs and the last (a background task's progress).
    """
    if method not in METHODS:
        raise SelectionInputError(
            f"Unknown ranking method {method!r}; use one of {', '.join(sorted(METHODS))}."
        )
    if not 0.0 <= perturbation < 1.0:
        raise SelectionInputError(
            f"The perturbation must be at least 0 and below 1 (a share); got {perturbation}."
        )
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise SelectionInputError(f"At least one run is needed; got {runs!r}.")
    values = checked_matrix(matrix)
    base = checked_weights(weights, values.shape[1])
    scores_of = scores_for_weights(values, benefit, method)
    generator = np.random.default_rng(seed)
    factors = generator.uniform(1.0 - perturbation, 1.0 + perturbation, size=(runs, base.size))
    perturbed = base * factors
    perturbed /= perturbed.sum(axis=1, keepdims=True)
    chosen_count = np.zeros(values.shape[0], dtype=np.int64)
    ranks = np.empty((runs, values.shape[0]), dtype=np.int64)
    if on_progress is not None:
        on_progress(0, runs)
    for run, run_weights in enumerate(perturbed):
        scores = scores_of(run_weights)
        ranks[run] = ranks_of(scores)
        chosen_count[choose(scores, constraints, with_swaps=False).selected] += 1
        if on_progress is not None and ((run + 1) % PROGRESS_BLOCK == 0 or run + 1 == runs):
            on_progress(run + 1, runs)
    return Sensitivity(
        selection_frequency=chosen_count / runs,
        rank_mean=ranks.mean(axis=0),
        rank_p05=np.percentile(ranks, 5, axis=0),
        rank_p95=np.percentile(ranks, 95, axis=0),
        runs=runs,
        perturbation=float(perturbation),
        seed=int(seed),
    )
