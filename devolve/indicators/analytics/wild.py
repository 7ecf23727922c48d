"""Inference for few clusters: the wild cluster bootstrap-t of an estimate's influence function.

An estimate θ̂ with influence functions IF_i (θ̂ - θ ≈ Σ_i IF_i / n) has cluster scores
S_g = Σ_{i∈g} IF_i and the cluster-robust standard error

    se = sqrt(G / (G - 1) · Σ_g S_g²) / n            (G clusters, CR1 small-sample factor).

With few clusters θ̂ / se is not normal: se is itself noisy, and the normal interval covers too
rarely. The wild cluster bootstrap-t draws one weight v_g per cluster, forms the perturbed
scores v_g S_g, and studentises each draw by the standard error computed from those scores
(centred), exactly as the estimate was studentised:

    t*_b = Σ_g v_g S_g / sqrt(G / (G - 1) · Σ_g (v_g S_g - mean_h v_h S_h)²).

The interval is θ̂ ± q · se with q the 1 - alpha quantile of |t*|, and the p-value of θ = 0 is the
share of draws with |t*| ≥ |θ̂ / se|. This is the score (multiplier) form of the wild bootstrap
(Kline & Santos 2012), studentised as Cameron, Gelbach & Miller (2008) recommend. Weights:

- Rademacher: ±1 with probability ½ each. With G clusters there are only 2^G distinct draws,
  so below about ten clusters the quantiles are coarse;
- Webb (2014): ±√(1/2), ±1, ±√(3/2) with probability 1/6 each, six values instead of two, for
  when G is very small.

Clusters are whatever the caller groups units by: each unit alone (zone-level clustering) or
the units' prefecture, when shocks are shared within a prefecture.
"""

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

WEIGHTS = ("rademacher", "webb")
WEBB_VALUES = np.asarray(
    [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
)


@dataclass(frozen=True)
class WildInterval:
    estimate: float
    se: float  # cluster-robust (CR1)
    ci_low: float
    ci_high: float
    p_value: float  # of θ = 0
    critical_value: float  # the 1 - alpha quantile of |t*|
    n_clusters: int
    draws: int
    weights: str
    seed: int


def cluster_indicator(clusters: npt.ArrayLike) -> tuple[FloatArray, int]:
    """(G, n) 0/1 rows, one per distinct cluster label in order of first appearance... sorted,
    and G: the matrix that turns units' influence functions into cluster scores."""
    labels = np.asarray(clusters)
    values, index = np.unique(labels, return_inverse=True)
    indicator = np.zeros((len(values), len(labels)))
    indicator[index, np.arange(len(labels))] = 1.0
    return indicator, len(values)


def draw_weights(
    kind: Literal["rademacher", "webb"], draws: int, clusters: int, rng: np.random.Generator
) -> FloatArray:
    if kind == "rademacher":
        return rng.integers(0, 2, size=(draws, clusters)).astype(np.float64) * 2.0 - 1.0
    if kind == "webb":
        return np.asarray(WEBB_VALUES[rng.integers(0, 6, size=(draws, clusters))])
    raise ValueError(f"weights must be one of {', '.join(WEIGHTS)}, not {kind!r}")


def _cluster_se(scores: FloatArray, n: int) -> FloatArray:
    """CR1 standard errors of the last axis's clusters; scores (..., G)."""
    clusters = scores.shape[-1]
    centred = scores - scores.mean(axis=-1, keepdims=True)
    return np.asarray(np.sqrt(clusters / (clusters - 1) * (centred**2).sum(axis=-1)) / n)


def wild_cluster_bootstrap(
    estimate: float,
    scores: FloatArray,
    n: int,
    *,
    alpha: float = 0.05,
    draws: int = 9999,
    weights: Literal["rademacher", "webb"] = "webb",
    seed: int = 0,
) -> WildInterval:
    """The wild cluster bootstrap-t interval of one estimate from its cluster scores (G,) —
    the sums of its influence function over each cluster's units — and the number of units n.

    ValueError for fewer than two clusters, no draws, or a non-finite score."""
    scores = np.asarray(scores, dtype=np.float64)
    clusters = len(scores)
    if clusters < 2:
        raise ValueError("the wild cluster bootstrap needs at least two clusters")
    if draws < 1 or not 0 < alpha < 1:
        raise ValueError("draws must be at least 1 and alpha lie in (0, 1)")
    if not np.isfinite(scores).all() or not math.isfinite(estimate):
        raise ValueError("the estimate and its scores must be finite")
    se = float(_cluster_se(scores, n))
    rng = np.random.default_rng(seed)
    perturbed = draw_weights(weights, draws, clusters, rng) * scores
    with np.errstate(divide="ignore", invalid="ignore"):
        statistics = np.abs(perturbed.sum(axis=1) / n / _cluster_se(perturbed, n))
    statistics = np.where(np.isfinite(statistics), statistics, 0.0)
    critical = float(np.quantile(statistics, 1 - alpha, method="inverted_cdf"))
    observed = abs(estimate / se) if se > 0 else math.inf
    return WildInterval(
        estimate=estimate,
        se=se,
        ci_low=estimate - critical * se,
        ci_high=estimate + critical * se,
        p_value=float((1 + np.sum(statistics >= observed)) / (1 + draws)),
        critical_value=critical,
        n_clusters=clusters,
        draws=draws,
        weights=weights,
        seed=seed,
    )


@dataclass(frozen=True)
class WildWald:
    statistic: float  # Wald statistic with the CR1 cluster-robust covariance
    p_value: float  # share of bootstrap statistics at least as large
    n_clusters: int
    draws: int
    weights: str
    seed: int


def wild_cluster_wald(
    scores: FloatArray,
    hessians: FloatArray,
    *,
    draws: int = 9999,
    weights: Literal["rademacher", "webb"] = "webb",
    seed: int = 0,
) -> WildWald | None:
    """The restricted wild cluster bootstrap (WCR; Cameron, Gelbach & Miller 2008) of the Wald
    test that K least-squares coefficients are all zero.

    scores (G, K): per cluster, S_g = Σ_{i∈g} X̃_i' ε̂_i, with X̃ the tested regressors (already
    residualised on the others) and ε̂ the residuals of the fit without them, i.e. under the
    null; hessians (G, K, K): H_g = Σ_{i∈g} X̃_i' X̃_i. Then β̂ = H⁻¹ Σ_g S_g with H = Σ_g H_g,
    the unrestricted cluster scores are S_g - H_g β̂, and W = β̂' V⁻¹ β̂ with V = H⁻¹ (G/(G - 1)
    Σ_g R_g R_g') H⁻¹. Each draw multiplies ε̂ by one weight per cluster, so S*_g = v_g S_g, and
    recomputes W the same way; p = (1 + #{W* ≥ W}) / (1 + draws).

    None when the statistic cannot be formed: fewer than K + 1 clusters or fewer than two (the
    cluster-robust covariance is then singular), or a singular H."""
    scores = np.asarray(scores, dtype=np.float64)
    hessians = np.asarray(hessians, dtype=np.float64)
    clusters, k = scores.shape
    if draws < 1:
        raise ValueError("the wild cluster bootstrap needs at least one draw")
    if clusters < 2 or clusters <= k:
        return None
    try:
        bread = np.linalg.inv(hessians.sum(axis=0))
    except np.linalg.LinAlgError:
        return None

    def statistics(perturbed: FloatArray) -> FloatArray:
        """Wald statistics of cluster scores (B, G, K)."""
        coefficients = perturbed.sum(axis=1) @ bread.T  # (B, K)
        remainder = perturbed - np.einsum("gkl,bl->bgk", hessians, coefficients)
        meat = clusters / (clusters - 1) * np.einsum("bgk,bgl->bkl", remainder, remainder)
        covariance = bread @ meat @ bread.T
        with np.errstate(invalid="ignore"):
            solved = np.linalg.solve(covariance, coefficients[..., None])[..., 0]
        return np.asarray(np.einsum("bk,bk->b", coefficients, solved))

    try:
        observed = float(statistics(scores[None])[0])
        rng = np.random.default_rng(seed)
        drawn = draw_weights(weights, draws, clusters, rng)
        bootstrap = statistics(drawn[:, :, None] * scores[None])
    except np.linalg.LinAlgError:
        return None
    bootstrap = np.where(np.isfinite(bootstrap), bootstrap, 0.0)
    return WildWald(
        statistic=observed,
        p_value=float((1 + np.sum(bootstrap >= observed)) / (1 + draws)),
        n_clusters=clusters,
        draws=draws,
        weights=weights,
        seed=seed,
    )
