"""A pre-trend test whose size does not depend on many units: randomisation inference over the
cohort assignment.

The Wald test of `aggregation.pretrend_test` compares χ² = β' Σ̂⁻¹ β with a χ² distribution.
Σ̂ is estimated from the units' influence functions, and with few units per cohort it is far too
small in some directions: on the demo's 28 zones (16 pre-treatment ATT(g,t), nine zones in each
batch) the test rejects true parallel trends in about 80 % of draws at the 5 % level.

The randomisation test keeps the statistic and replaces its reference distribution. Cohort
labels are permuted among the units (cohort sizes unchanged), the pre-treatment ATT(g,t) and
their Wald statistic recomputed for every permutation, and

    p = (1 + #{permutations with χ² ≥ the observed χ²}) / (1 + permutations).

If, before treatment, the units' outcome changes are exchangeable across cohorts (parallel
trends with units drawn alike; levels may differ, since every pre-treatment ATT(g,t) compares
changes), every assignment is equally likely to produce the observed statistic and the test has
exact size. It is the permutation test of Fisher; MacKinnon & Webb (2020, "Randomization
inference for difference-in-differences with few treated clusters") discuss it for
difference-in-differences.

Only panels without covariates are permuted here: then every ATT(g,t) is a difference of group
means of outcome changes, which is what makes thousands of permutations cost milliseconds.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]

# Permutations are evaluated in chunks of at most this many numbers in the (draws, cells, units)
# influence array (≈ 32 MB).
CHUNK_NUMBERS = 4_000_000


@dataclass(frozen=True)
class RandomisationTest:
    statistic: float  # the observed Wald χ²
    p_value: float
    draws: int  # permutations drawn
    seed: int


@dataclass(frozen=True)
class PreCells:
    """The pre-treatment ATT(g,t) to test: each a cohort's mean change in outcome between two
    periods minus the comparison units' mean change. ``threshold`` is None when the comparison
    units are the never-treated (cohort 0); otherwise cohorts first treated after it (other than
    the cell's own) are not-yet-treated comparison units too."""

    cohort: IntArray  # (k,)
    current: IndexArray  # (k,) period index of t
    base: IndexArray  # (k,) period index of the base period
    threshold: IntArray | None  # (k,)


def _comparison(labels: IntArray, cells: PreCells, column: int) -> npt.NDArray[np.bool_]:
    never: npt.NDArray[np.bool_] = np.asarray(labels == 0)
    if cells.threshold is None:
        return never
    own = cells.cohort[column]
    return np.asarray(never | ((labels > cells.threshold[column]) & (labels != own)))


def wald_statistics(outcome: FloatArray, labels: IntArray, cells: PreCells) -> FloatArray:
    """The Wald χ² of the cells' estimates for each row of ``labels`` (draws, n): the estimates'
    covariance is IF'IF / n² with the difference-in-means influence functions of
    `did._mean_cells`. A singular covariance gives infinity (it cannot be told from a perfect
    rejection, and counting it as extreme keeps the test conservative)."""
    n = outcome.shape[0]
    k = len(cells.cohort)
    change = outcome[:, cells.current] - outcome[:, cells.base]  # (n, k)
    statistics = np.empty(labels.shape[0])
    chunk = max(1, CHUNK_NUMBERS // max(1, k * n))
    for start in range(0, labels.shape[0], chunk):
        block = labels[start : start + chunk]
        draws = block.shape[0]
        influence = np.zeros((draws, k, n))
        estimates = np.zeros((draws, k))
        for column in range(k):
            treated = block == cells.cohort[column]
            compared = _comparison(block, cells, column)
            values = change[:, column]
            n_treated = treated.sum(axis=1)
            n_compared = compared.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                treated_mean = (treated @ values) / n_treated
                compared_mean = (compared @ values) / n_compared
            estimates[:, column] = treated_mean - compared_mean
            influence[:, column] = np.where(
                treated, (n / n_treated)[:, None] * (values - treated_mean[:, None]), 0.0
            ) - np.where(
                compared, (n / n_compared)[:, None] * (values - compared_mean[:, None]), 0.0
            )
        covariance = influence @ influence.transpose(0, 2, 1) / n**2
        statistics[start : start + draws] = _quadratic_forms(estimates, covariance)
    return statistics


def _quadratic_forms(estimates: FloatArray, covariance: FloatArray) -> FloatArray:
    """β' Σ⁻¹ β per draw through Cholesky factors: all draws at once, or, when one covariance is
    not positive definite, draw by draw (that one infinite)."""
    result = np.full(len(estimates), np.inf)
    finite = np.isfinite(estimates).all(axis=1) & np.isfinite(covariance).all(axis=(1, 2))
    rows = np.flatnonzero(finite)
    try:
        factors = np.linalg.cholesky(covariance[rows])
    except np.linalg.LinAlgError:
        factors = np.full((len(rows), *covariance.shape[1:]), np.nan)
        for position, row in enumerate(rows.tolist()):
            try:
                factors[position] = np.linalg.cholesky(covariance[row])
            except np.linalg.LinAlgError:
                continue
    diagonal = np.abs(np.diagonal(factors, axis1=1, axis2=2))
    with np.errstate(invalid="ignore", divide="ignore"):
        conditioned = (diagonal.min(axis=1) / diagonal.max(axis=1)) ** 2 >= np.finfo(float).eps
    rows, factors = rows[conditioned], factors[conditioned]
    solved = np.linalg.solve(factors, estimates[rows][:, :, None])[:, :, 0]
    result[rows] = np.einsum("ij,ij->i", solved, solved)
    return result


def randomisation_pretrend(
    outcome: FloatArray, cohort: IntArray, cells: PreCells, *, draws: int, seed: int
) -> RandomisationTest:
    """Permute ``cohort`` among the units ``draws`` times (seeded) and rank the observed Wald
    statistic among the permuted ones (see the module docstring)."""
    if draws < 1:
        raise ValueError("the randomisation test needs at least one permutation")
    observed = float(wald_statistics(outcome, cohort[None, :], cells)[0])
    rng = np.random.default_rng(seed)
    labels = rng.permuted(np.tile(cohort, (draws, 1)), axis=1)
    permuted = wald_statistics(outcome, labels, cells)
    at_least = int(np.sum(permuted >= observed))
    return RandomisationTest(
        statistic=observed, p_value=(1 + at_least) / (1 + draws), draws=draws, seed=seed
    )
