"""The 2x2 difference-in-differences estimators of one ATT(g,t) cell, as R DRDID computes them.

Each takes the cell's units (the cohort and its comparison units): the outcome change between the
base period and t, the treatment indicator and the design matrix (a column of ones, then the
covariates). It returns the ATT and the influence function over those units, scaled as DRDID
scales it (mean zero; the estimate's variance is mean(IF²) / n_cell). A cell that cannot be
estimated raises CellFailed with the reason.
"""

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# R DRDID: propensity scores are capped below 1 so that p/(1-p) stays finite …
PSCORE_CAP = 1 - 1e-6
# … comparison units with a propensity score at or above this level get no weight (trimmed) …
PSCORE_TRIM = 0.995
# … and a cell whose fitted propensity reaches this level is not estimated (R did's overlap check).
PSCORE_OVERLAP_FAIL = 0.999


class CellFailed(Exception):
    """A (g,t) cell that cannot be estimated; `code` and `message` go into a note."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _inverse(matrix: FloatArray, what: str) -> FloatArray:
    if matrix.size == 0 or 1.0 / np.linalg.cond(matrix, 1) < np.finfo(float).eps:
        raise CellFailed(
            "singular_design", f"the {what} design is singular (collinear or constant covariates)"
        )
    return np.linalg.inv(matrix)


def _logit(design: FloatArray, treated: FloatArray) -> FloatArray:
    """Maximum-likelihood logit fitted values by Newton-Raphson, or CellFailed."""
    coefficients = np.zeros(design.shape[1])
    for _ in range(100):
        fitted = 1.0 / (1.0 + np.exp(-(design @ coefficients)))
        information = design.T @ (design * (fitted * (1 - fitted))[:, None])
        if fitted.max() >= PSCORE_OVERLAP_FAIL:
            return fitted
        step = np.linalg.solve(information, design.T @ (treated - fitted))
        coefficients = coefficients + step
        if np.max(np.abs(step)) < 1e-12 * (1 + np.max(np.abs(coefficients))):
            break
    else:
        raise CellFailed("pscore_not_converged", "the propensity-score logit did not converge")
    return np.asarray(1.0 / (1.0 + np.exp(-(design @ coefficients))))


def _outcome_regression(
    change: FloatArray, design: FloatArray, control: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """OLS of the outcome change on covariates among comparison units: fitted values for every
    unit and the asymptotic linear representation of the coefficients."""
    n = len(change)
    gram = design[control].T @ design[control] / n
    gram_inverse = _inverse(gram, "outcome-regression")
    coefficients = gram_inverse @ (design[control].T @ change[control]) / n
    fitted = design @ coefficients
    residual = np.where(control, change - fitted, 0.0)
    return fitted, (design * residual[:, None]) @ gram_inverse


def _propensity(
    design: FloatArray, treated: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Capped propensity scores, the trimming mask and the scores' asymptotic linear
    representation (R DRDID's `score.ps %*% Hessian.ps`)."""
    if 1.0 / np.linalg.cond(design.T @ design, 1) < np.finfo(float).eps:
        raise CellFailed("singular_design", "the propensity-score design is singular")
    raw = _logit(design, treated)
    if raw.max() >= PSCORE_OVERLAP_FAIL:
        raise CellFailed(
            "overlap_violated",
            f"propensity scores reach {raw.max():.4f} (≥ {PSCORE_OVERLAP_FAIL}): the cohort is "
            f"not comparable with its comparison units on the covariates",
        )
    score = np.minimum(raw, PSCORE_CAP)
    keep = np.where(treated == 1, True, score < PSCORE_TRIM)
    n = len(treated)
    information = design.T @ (design * (score * (1 - score))[:, None])
    hessian = _inverse(information, "propensity-score") * n
    linear = (design * (treated - score)[:, None]) @ hessian
    return score, keep, linear


def estimate_cell(
    method: str, change: FloatArray, treated: FloatArray, design: FloatArray
) -> tuple[float, FloatArray, FloatArray | None, int]:
    """ATT, influence function, propensity scores (or None) and trimmed comparison units."""
    control = treated == 0
    if method == "reg":
        fitted, linear = _outcome_regression(change, design, control)
        share = treated.mean()
        treated_mean = np.mean(treated * change) / share
        counterfactual = np.mean(treated * fitted) / share
        influence_treated = treated * (change - treated_mean) / share
        moment = np.mean(treated[:, None] * design, axis=0)
        influence_control = (treated * (fitted - counterfactual) + linear @ moment) / share
        return (
            float(treated_mean - counterfactual),
            influence_treated - influence_control,
            None,
            0,
        )
    score, keep, ps_linear = _propensity(design, treated)
    trimmed = int(np.sum(control & np.logical_not(keep)))
    weight_treated = keep * treated
    weight_control = keep * score * (1 - treated) / (1 - score)
    if weight_control.sum() == 0:
        raise CellFailed(
            "overlap_violated", "every comparison unit is trimmed (propensity ≥ 0.995)"
        )
    if method == "ipw":
        treated_mean = np.mean(weight_treated * change) / np.mean(weight_treated)
        control_mean = np.mean(weight_control * change) / np.mean(weight_control)
        influence_treated = weight_treated * (change - treated_mean) / np.mean(weight_treated)
        moment = np.mean((weight_control * (change - control_mean))[:, None] * design, axis=0)
        influence_control = (
            weight_control * (change - control_mean) + ps_linear @ moment
        ) / np.mean(weight_control)
        return (
            float(treated_mean - control_mean),
            influence_treated - influence_control,
            score,
            trimmed,
        )
    fitted, or_linear = _outcome_regression(change, design, control)
    residual = change - fitted
    treated_mean = np.mean(weight_treated * residual) / np.mean(weight_treated)
    control_mean = np.mean(weight_control * residual) / np.mean(weight_control)
    moment_treated = np.mean(weight_treated[:, None] * design, axis=0)
    influence_treated = (
        weight_treated * (residual - treated_mean) - or_linear @ moment_treated
    ) / np.mean(weight_treated)
    moment_ps = np.mean((weight_control * (residual - control_mean))[:, None] * design, axis=0)
    moment_or = np.mean(weight_control[:, None] * design, axis=0)
    influence_control = (
        weight_control * (residual - control_mean) + ps_linear @ moment_ps - or_linear @ moment_or
    ) / np.mean(weight_control)
    return (
        float(treated_mean - control_mean),
        influence_treated - influence_control,
        score,
        trimmed,
    )
