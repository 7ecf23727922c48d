"""Borusyak, Jaravel & Spiess (2024) imputation estimator for staggered adoption.

1. Fit y_it = a_i + λ_t (+ β'x_i·τ_t with `covariate_trends`) by least squares on the untreated
   observations only (never-treated units, and treated units before their cohort).
2. Impute the untreated outcome of every treated observation and take τ̂_it = y_it - ŷ_it(0).
3. Average τ̂ with equal weight per treated observation: overall, and by event time e = t - g.

Standard errors follow BJS Theorem 3 (conservative, clustered by unit) as diff-diff and R
`didimputation` compute them: ψ_i = Σ_t v_it ε̃_it, where v are the estimator's implied weights on
each observation and ε̃ the untreated residuals and, for treated observations, τ̂ minus its
cohort-by-event-time mean.

The fixed effects are solved exactly rather than by alternating projections: partialling out
a_i leaves a (T + k)-dimensional system (the within-unit Gram matrix of period dummies and
trend terms), factorised once and reused for the point estimate and every target's weights.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import linalg, stats

from devolve.indicators.analytics.aggregation import AggregateRow, Estimate
from devolve.indicators.analytics.did import CSResult
from devolve.indicators.analytics.panel import Note, Panel, PanelError, note_to_json, shown
from devolve.indicators.analytics.wild import WildWald, cluster_indicator, wild_cluster_wald

FloatArray = npt.NDArray[np.float64]

# A difference between the two estimators larger than this many standard errors is flagged.
DISAGREEMENT_THRESHOLD = 2.0


@dataclass(frozen=True)
class ImputationResult:
    overall: Estimate
    event: tuple[AggregateRow, ...]  # band_low/band_high are None (no bootstrap)
    pretrend_p: float | None  # asymptotic Wald, clustered by unit
    notes: tuple[Note, ...]
    n_treated_observations: int = 0
    pretrend_wild: WildWald | None = None  # wild cluster bootstrap of the same test


@dataclass
class _Untreated:
    """The least-squares problem on the untreated observations, factorised."""

    untreated: npt.NDArray[np.bool_]  # (n, T)
    unit_count: FloatArray  # (n,) untreated observations per unit
    free: npt.NDArray[np.intp]  # period columns with a free fixed effect
    trend: FloatArray  # (T,) period index 0, 1, …
    covariates: FloatArray  # (n, k), k may be 0
    factor: tuple[FloatArray, bool]  # Cholesky factor of the within Gram matrix

    def solve(
        self, for_unit: FloatArray, for_period: FloatArray, for_trend: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Solve (A0'A0) z = a for right-hand sides given per block, each with m columns:
        for_unit (n, m), for_period (T, m), for_trend (k, m). Returns z per block; the
        fixed effects of periods without a free parameter are 0."""
        mask = self.untreated.astype(np.float64)
        trend_sum = mask @ self.trend  # Σ_t M_it τ_t
        trend_design = self.covariates * trend_sum[:, None]  # B's trend block
        scaled_unit = for_unit / self.unit_count[:, None]
        reduced = np.vstack(
            [
                for_period[self.free] - mask[:, self.free].T @ scaled_unit,
                for_trend - trend_design.T @ scaled_unit,
            ]
        )
        rest = linalg.cho_solve(self.factor, reduced)
        period_part = np.zeros((len(self.trend), rest.shape[1]))
        period_part[self.free] = rest[: len(self.free)]
        trend_part = rest[len(self.free) :]
        unit_part = (
            for_unit - mask[:, self.free] @ rest[: len(self.free)] - trend_design @ trend_part
        ) / self.unit_count[:, None]
        return unit_part, period_part, trend_part

    def fitted(
        self, unit_part: FloatArray, period_part: FloatArray, trend_part: FloatArray
    ) -> FloatArray:
        """a_i + λ_t + β'x_i·τ_t for every observation (one target: column 0)."""
        slope = self.covariates @ trend_part[:, 0]
        return np.asarray(
            unit_part[:, 0][:, None] + period_part[:, 0][None, :] + np.outer(slope, self.trend)
        )


def _factorise(
    untreated: npt.NDArray[np.bool_], covariates: FloatArray, trend: FloatArray
) -> _Untreated:
    mask = untreated.astype(np.float64)
    unit_count = mask.sum(axis=1)
    period_count = mask.sum(axis=0)
    identified = np.flatnonzero(period_count > 0)
    free = identified[1:]  # the first identified period's effect is 0 (normalisation)
    trend_sum = mask @ trend
    trend_square = mask @ trend**2
    trend_design = covariates * trend_sum[:, None]
    inverse_count = 1.0 / unit_count
    dummies = mask[:, free]
    period_block = np.diag(period_count[free]) - dummies.T @ (dummies * inverse_count[:, None])
    cross = (dummies * trend[free][None, :]).T @ covariates - dummies.T @ (
        trend_design * inverse_count[:, None]
    )
    trend_block = covariates.T @ (covariates * trend_square[:, None]) - trend_design.T @ (
        trend_design * inverse_count[:, None]
    )
    gram = np.block([[period_block, cross], [cross.T, trend_block]])
    try:
        factor = linalg.cho_factor(gram)
    except linalg.LinAlgError as error:
        raise PanelError(
            "The untreated observations cannot identify the period effects (and trends): the "
            "two-way fixed-effects design is singular."
        ) from error
    return _Untreated(untreated, unit_count, free, trend, covariates, factor)


def bjs_imputation(
    panel: Panel,
    *,
    horizons: Sequence[int] | None = None,
    alpha: float = 0.05,
    covariate_trends: bool = False,
    clusters: Sequence[Any] | None = None,
    wild_draws: int = 0,
    wild_weights: Literal["rademacher", "webb"] = "webb",
    seed: int = 0,
) -> ImputationResult:
    """Overall ATT and event-time ATTs by imputation.

    horizons: event times to report (default: every observed e ≥ 0).
    covariate_trends: add β'x_i·τ_t to the untreated model (covariate-specific linear trends,
    for selection on growth drivers that CS handles with covariates).
    wild_draws: with draws, the pre-trend test is also referred to its restricted wild cluster
    bootstrap (``wild.wild_cluster_wald``), clustered by ``clusters`` (one label per unit of
    the panel; each unit alone by default); the warning then follows the bootstrap.
    """
    if clusters is not None and len(clusters) != len(panel.units):
        raise PanelError(f"clusters needs one label per unit ({len(panel.units)}).")
    cluster_labels = np.asarray(
        clusters if clusters is not None else panel.units.tolist(), dtype=object
    )
    notes: list[Note] = []
    cohort = panel.cohort.astype(np.int64).copy()
    outcome = panel.outcome
    covariates = panel.covariates
    periods = panel.periods
    late = cohort > periods[-1]
    if late.any():
        notes.append(
            Note(
                "cohort_after_last_period",
                f"{int(late.sum())} units are first treated after the last period "
                f"({periods[-1]}); they are used as never treated.",
                "warning",
                {"units": str(int(late.sum())), "last": str(periods[-1])},
                sentence="imputation_cohort_after_last_period",
            )
        )
        cohort[late] = 0
    early = (cohort > 0) & (cohort <= periods[0])
    if early.any():
        notes.append(
            Note(
                "treated_in_first_period",
                f"Dropped {int(early.sum())} units treated in or before the first period "
                f"({periods[0]}): nothing untreated to impute from.",
                "warning",
                {"units": str(int(early.sum())), "first": str(periods[0])},
                sentence="imputation_treated_in_first_period",
            )
        )
        cohort, outcome = cohort[~early], outcome[~early]
        covariates = covariates[~early] if covariates is not None else None
        cluster_labels = cluster_labels[~early]
    if not (cohort > 0).any():
        raise PanelError("No treated unit remains to estimate an effect for.")
    if covariate_trends and (covariates is None or covariates.shape[1] == 0):
        raise PanelError("covariate_trends needs covariates in the panel.")
    design = (
        covariates if covariate_trends and covariates is not None else np.zeros((len(cohort), 0))
    )

    event = periods[None, :] - cohort[:, None]
    treated = (cohort[:, None] > 0) & (event >= 0)
    untreated = ~treated
    trend = np.arange(len(periods), dtype=np.float64)
    problem = _factorise(untreated, design, trend)
    no_untreated = untreated.sum(axis=0) == 0
    imputable = treated & ~no_untreated[None, :]
    if (treated & no_untreated[None, :]).any():
        lost = sorted(set(periods[no_untreated].tolist()))
        notes.append(
            Note(
                "not_imputable",
                f"{int((treated & no_untreated[None, :]).sum())} treated observations in periods "
                f"{', '.join(map(str, lost))} cannot be imputed (no untreated unit is observed "
                f"then) and are left out.",
                "warning",
                {
                    "count": str(int((treated & no_untreated[None, :]).sum())),
                    "periods": shown(lost),
                },
            )
        )

    mask = untreated.astype(np.float64)
    unit_part, period_part, trend_part = problem.solve(
        (mask * outcome).sum(axis=1)[:, None],
        (mask * outcome).sum(axis=0)[:, None],
        design.T @ ((mask * outcome) @ trend)[:, None],
    )
    imputed = problem.fitted(unit_part, period_part, trend_part)
    effect = np.where(imputable, outcome - imputed, 0.0)
    residual = np.where(untreated, outcome - imputed, 0.0)

    # Auxiliary residuals of treated observations: τ̂ minus its cohort-by-event-time mean.
    pairs = np.stack([np.broadcast_to(cohort[:, None], event.shape)[imputable], event[imputable]])
    _, inverse = np.unique(pairs, axis=1, return_inverse=True)
    inverse = inverse.reshape(-1)
    group_mean = np.bincount(inverse, weights=effect[imputable]) / np.bincount(inverse)
    auxiliary = np.zeros_like(effect)
    auxiliary[imputable] = effect[imputable] - group_mean[inverse]

    observed = sorted(set(event[imputable].tolist()))
    wanted = [h for h in observed if h >= 0] if horizons is None else list(horizons)
    missing = [h for h in wanted if h not in observed]
    if missing:
        notes.append(
            Note(
                "horizon_not_observed",
                f"No treated observation at event times {', '.join(map(str, missing))}.",
                "info",
                {"event_times": shown(missing)},
            )
        )
    targets = [imputable] + [imputable & (event == h) for h in wanted if h in observed]
    weights = np.stack([target / target.sum() for target in targets])  # (m, n, T)
    estimates = np.einsum("mit,it->m", weights, effect)
    _, period_z, trend_z = problem.solve(
        weights.sum(axis=2).T,
        weights.sum(axis=1).T,
        design.T @ (weights @ trend).T,
    )
    # ψ_i = Σ_t v_it ε̃_it; the unit-effect part of v drops out because untreated residuals
    # sum to zero within each unit.
    untreated_residual = mask * residual
    psi = -(untreated_residual @ period_z)
    if design.shape[1]:
        psi -= (design @ trend_z) * (untreated_residual @ trend)[:, None]
    psi += np.einsum("mit,it->im", weights, auxiliary)
    se = np.sqrt((psi**2).sum(axis=0))

    z = NormalDist().inv_cdf(1 - alpha / 2)
    overall = Estimate(
        float(estimates[0]),
        float(se[0]),
        float(estimates[0] - z * se[0]),
        float(estimates[0] + z * se[0]),
    )
    rows = tuple(
        AggregateRow(
            key=h,
            att=float(estimates[index]),
            se=float(se[index]),
            ci_low=float(estimates[index] - z * se[index]),
            ci_high=float(estimates[index] + z * se[index]),
            band_low=None,
            band_high=None,
        )
        for index, h in enumerate([h for h in wanted if h in observed], start=1)
    )
    pretrend = _pretrend_test(problem, residual, cohort, event, design)
    pretrend_p, wild = None, None
    if isinstance(pretrend, Note):
        notes.append(pretrend)
    else:
        pretrend_p, unit_scores, unit_hessians = pretrend
        if wild_draws > 0:
            indicator, _ = cluster_indicator(cluster_labels)
            wild = wild_cluster_wald(
                indicator @ unit_scores,
                np.einsum("gi,ikl->gkl", indicator, unit_hessians),
                draws=wild_draws,
                weights=wild_weights,
                seed=seed,
            )
            if wild is None:
                notes.append(
                    Note(
                        "imputation_pretrend_wild_singular",
                        f"The imputation pre-trend test has no wild cluster bootstrap: "
                        f"{indicator.shape[0]} clusters are too few for "
                        f"{unit_scores.shape[1]} leads.",
                        "info",
                        {
                            "clusters": str(indicator.shape[0]),
                            "leads": str(unit_scores.shape[1]),
                        },
                    )
                )
        notes.extend(_pretrend_notes(pretrend_p, wild, alpha=alpha))
    return ImputationResult(
        overall=overall,
        event=rows,
        pretrend_p=pretrend_p,
        notes=tuple(notes),
        n_treated_observations=int(imputable.sum()),
        pretrend_wild=wild,
    )


def _pretrend_notes(p_value: float, wild: WildWald | None, *, alpha: float) -> list[Note]:
    """The warning follows the wild cluster bootstrap when it ran: with few units per cohort
    the asymptotic test's clustered covariance is too noisy for the χ² reference (on the demo's
    generator it rejects 38 % of true nulls at 5 %)."""
    asymptotic = f"asymptotic p = {p_value:.4f}"
    params = {"p": f"{p_value:.4f}"}
    if wild is None:
        if p_value >= alpha:
            return []
        return [
            Note(
                "imputation_pretrend_rejected",
                f"Leads of treatment in the untreated model differ jointly from zero "
                f"({asymptotic}): parallel trends before treatment are doubtful.",
                "warning",
                params,
            )
        ]
    bootstrap = (
        f"wild cluster bootstrap p = {wild.p_value:.4f}, {wild.n_clusters} clusters, "
        f"{wild.draws} draws"
    )
    params |= {
        "wild_p": f"{wild.p_value:.4f}",
        "clusters": str(wild.n_clusters),
        "draws": str(wild.draws),
    }
    if wild.p_value <= alpha:
        return [
            Note(
                "imputation_pretrend_rejected",
                f"Leads of treatment in the untreated model differ jointly from zero "
                f"({bootstrap}; {asymptotic}): parallel trends before treatment are doubtful.",
                "warning",
                params,
                sentence="imputation_pretrend_rejected_bootstrap",
            )
        ]
    if p_value < alpha:
        return [
            Note(
                "imputation_pretrend_asymptotic_oversized",
                f"The asymptotic imputation pre-trend test rejects ({asymptotic}), but its "
                f"wild cluster bootstrap does not ({bootstrap}).",
                "info",
                params,
            )
        ]
    return []


def _pretrend_test(
    problem: _Untreated,
    residual: FloatArray,
    cohort: npt.NDArray[np.int64],
    event: npt.NDArray[np.int64],
    design: FloatArray,
) -> tuple[float, FloatArray, FloatArray] | Note:
    """BJS Test 1: add leads 1[t - g = h] (h < 0; each treated unit's first period is the
    reference) to the untreated model and test them jointly (Wald, clustered by unit, chi² with
    one degree of freedom per lead).

    By Frisch–Waugh–Lovell the leads are residualised on the fixed effects (and trends) with the
    factorised untreated problem, then the residual outcome is regressed on them.

    Returns the asymptotic p-value, and for the wild cluster bootstrap each unit's scores
    (n, K) under the null (residualised leads times the untreated residuals) and its Gram
    matrices (n, K, K) of the residualised leads.
    """
    untreated = problem.untreated
    mask = untreated.astype(np.float64)
    # Each treated unit's first period is the reference: leads covering all of a unit's untreated
    # periods would be collinear with its fixed effect.
    eligible = untreated & (cohort[:, None] > 0)
    eligible[:, 0] = False
    leads = sorted(set(event[eligible].tolist()))
    if not leads:
        return Note(
            "imputation_no_pretrend_test",
            "No treated unit is observed before treatment, so the imputation pre-trend test "
            "cannot be computed.",
            "warning",
        )
    indicators = np.stack(
        [(eligible & (event == lead)).astype(np.float64) for lead in leads]
    )  # (K, n, T)
    unit_part, period_part, trend_part = problem.solve(
        indicators.sum(axis=2).T,
        indicators.sum(axis=1).T,
        design.T @ (indicators @ problem.trend).T,
    )
    slope = design @ trend_part  # (n, K)
    fitted = (
        unit_part.T[:, :, None]
        + period_part.T[:, None, :]
        + slope.T[:, :, None] * problem.trend[None, None, :]
    )
    residualised = (indicators - fitted) * mask[None, :, :]
    flat = residualised.reshape(len(leads), -1)
    gram = flat @ flat.T
    try:
        factor = linalg.cho_factor(gram)
    except linalg.LinAlgError:
        return Note(
            "imputation_pretrend_singular",
            "The imputation pre-trend test is not reported: the leads are collinear with the "
            "fixed effects.",
            "warning",
            sentence="imputation_pretrend_collinear",
        )
    coefficients = linalg.cho_solve(factor, flat @ residual.ravel())
    remainder = (residual - np.tensordot(coefficients, residualised, axes=1)) * mask
    scores = np.einsum("kit,it->ik", residualised, remainder)  # (n, K) per-unit scores
    bread = linalg.cho_solve(factor, np.eye(len(leads)))
    covariance = bread @ (scores.T @ scores) @ bread
    try:
        statistic = float(coefficients @ np.linalg.solve(covariance, coefficients))
    except np.linalg.LinAlgError:
        return Note(
            "imputation_pretrend_singular",
            "The imputation pre-trend test is not reported: its covariance is singular.",
            "warning",
        )
    null_scores = np.einsum("kit,it->ik", residualised, residual * mask)
    hessians = np.einsum("kit,lit->ikl", residualised, residualised)
    return float(stats.chi2.sf(statistic, len(leads))), null_scores, hessians


def compare_estimators(cs: CSResult, bjs: ImputationResult) -> tuple[Note, ...]:
    """Disagreement between Callaway–Sant'Anna and imputation, in standard errors.

    The gap is divided by sqrt(se_cs² + se_bjs²), as if the estimates were independent; both use
    the same data, so the true standard error of the gap is smaller and a flagged disagreement
    is, if anything, understated.
    """
    notes: list[Note] = []
    simple = cs.aggregations["simple"].overall
    if simple is None:
        return (
            Note(
                "estimators_not_compared",
                "Callaway–Sant'Anna has no overall estimate to compare with.",
                "warning",
            ),
        )

    def gap(first: float, first_se: float, second: float, second_se: float) -> float:
        scale = float(np.hypot(first_se, second_se))
        return abs(first - second) / scale if scale > 0 else float("inf")

    overall_gap = gap(simple.att, simple.se, bjs.overall.att, bjs.overall.se)
    severity = "warning" if overall_gap > DISAGREEMENT_THRESHOLD else "info"
    notes.append(
        Note(
            "estimators_overall",
            f"Overall ATT: Callaway–Sant'Anna {simple.att:.4f} (SE {simple.se:.4f}), imputation "
            f"{bjs.overall.att:.4f} (SE {bjs.overall.se:.4f}); they differ by {overall_gap:.1f} "
            f"standard errors" + (" — the estimators disagree." if severity == "warning" else "."),
            severity,
            {
                "cs_att": f"{simple.att:.4f}",
                "cs_se": f"{simple.se:.4f}",
                "bjs_att": f"{bjs.overall.att:.4f}",
                "bjs_se": f"{bjs.overall.se:.4f}",
                "gap": f"{overall_gap:.1f}",
            },
            sentence="estimators_disagree" if severity == "warning" else "",
        )
    )
    cs_event = {row.key: row for row in cs.aggregations["event"].rows}
    differing = []
    for row in bjs.event:
        other = cs_event.get(row.key)
        if other is None or not np.isfinite(other.se):
            continue
        distance = gap(other.att, other.se, row.att, row.se)
        if distance > DISAGREEMENT_THRESHOLD:
            differing.append(f"e = {row.key}: {other.att:.4f} vs {row.att:.4f} ({distance:.1f} SE)")
    if differing:
        notes.append(
            Note(
                "estimators_event_time",
                f"The estimators disagree by more than {DISAGREEMENT_THRESHOLD:g} standard "
                f"errors at {len(differing)} event times: {'; '.join(differing[:6])}.",
                "warning",
                {
                    "threshold": f"{DISAGREEMENT_THRESHOLD:g}",
                    "count": str(len(differing)),
                    "listed": "; ".join(differing[:6]),
                },
            )
        )
    return tuple(notes)


def imputation_to_json(result: ImputationResult, comparison: Sequence[Note] = ()) -> dict[str, Any]:
    """The imputation result in the JSON schema of docs/how-to/evaluate-a-panel.md
    (the "imputation" key): numbers as numbers, missing values as null."""

    def number(value: float | None) -> float | None:
        return float(value) if value is not None and np.isfinite(value) else None

    return {
        "estimator": "borusyak_jaravel_spiess",
        "n_treated_observations": result.n_treated_observations,
        "overall": {
            "att": number(result.overall.att),
            "se": number(result.overall.se),
            "ci_low": number(result.overall.ci_low),
            "ci_high": number(result.overall.ci_high),
        },
        "event": [
            {
                "key": row.key,
                "att": number(row.att),
                "se": number(row.se),
                "ci_low": number(row.ci_low),
                "ci_high": number(row.ci_high),
            }
            for row in result.event
        ],
        "pretrend_p": number(result.pretrend_p),
        "pretrend_wild_p": number(result.pretrend_wild.p_value) if result.pretrend_wild else None,
        "notes": [note_to_json(note) for note in result.notes],
        "comparison": [note_to_json(note) for note in comparison],
    }
