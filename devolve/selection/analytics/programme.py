"""The mixed-integer programme behind ``choose``: the constraints, their validation, and one
solve with SciPy's HiGHS (``scipy.optimize.milp``) over all or some of the candidates.

The programme, for m candidates in G prefectures (groups):

    maximize   Σ_i s_i x_i                          x_i ∈ {0, 1}: candidate i is chosen
    subject to Σ_i x_i = k                          ("k")
               y_g ≤ Σ_{i∈g} x_i,  Σ_g y_g ≥ M      ("min_groups_covered"; y_g ∈ {0, 1})
               Σ_{i∈g} x_i ≤ c for every g          ("max_per_group")
               x_i = 1 for i in must_include         ("must_include")
               x_i = 0 for i in must_exclude         ("must_exclude")
               Σ_{i∈C} x_i ≥ q for each category C   ("min_per_category:<name>")

The names in brackets are the constraint families that ``Conflict.constraints`` names when the
constraints cannot all hold. Scores ``s`` are dimensionless (a ranking's scores).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from devolve.selection.analytics.errors import SelectionInputError

MIP_RELATIVE_GAP = 1e-9
"""HiGHS stops when (bound - objective) / objective is below this: proven optimal in practice."""

K = "k"
MIN_GROUPS_COVERED = "min_groups_covered"
MAX_PER_GROUP = "max_per_group"
MUST_INCLUDE = "must_include"
MUST_EXCLUDE = "must_exclude"
CATEGORY_PREFIX = "min_per_category:"
"""Constraint family names (``Conflict.constraints``); a category's is the prefix + its name."""


@dataclass(frozen=True)
class Constraints:
    """What the chosen set must satisfy.

    ``k``: how many candidates to choose (≥ 1); ``group_of``: shape (m,), int, the prefecture
    (any integer code) of each candidate; ``min_groups_covered``: at least this many distinct
    prefectures among the chosen; ``max_per_group``: at most this many chosen per prefecture
    (None = no limit); ``must_include`` / ``must_exclude``: candidate indices fixed in or out;
    ``min_per_category``: name → (mask of shape (m,), bool; minimum count), e.g. zone kind or
    level.
    """

    k: int
    group_of: np.ndarray
    min_groups_covered: int = 0
    max_per_group: int | None = None
    must_include: tuple[int, ...] = ()
    must_exclude: tuple[int, ...] = ()
    min_per_category: Mapping[str, tuple[np.ndarray, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """Validated input: scores (m,), group index (m,) in [0, G), group codes (G,), fixes and
    categories as arrays."""

    scores: np.ndarray
    group: np.ndarray
    group_codes: np.ndarray
    k: int
    min_groups_covered: int
    max_per_group: int | None
    include: np.ndarray
    exclude: np.ndarray
    categories: tuple[tuple[str, np.ndarray, int], ...]

    @property
    def size(self) -> int:
        """m, the number of candidates."""
        return int(self.scores.size)

    @property
    def n_groups(self) -> int:
        """G, the number of distinct prefectures among the candidates."""
        return int(self.group_codes.size)

    def families(self) -> tuple[str, ...]:
        """The constraint families that actually constrain this problem ("k" always)."""
        names = [K]
        if self.min_groups_covered > 0:
            names.append(MIN_GROUPS_COVERED)
        if self.max_per_group is not None:
            names.append(MAX_PER_GROUP)
        if self.include.size:
            names.append(MUST_INCLUDE)
        if self.exclude.size:
            names.append(MUST_EXCLUDE)
        names.extend(CATEGORY_PREFIX + name for name, _, minimum in self.categories if minimum)
        return tuple(names)


def candidate_indices(values: tuple[int, ...], size: int, label: str) -> np.ndarray:
    """Sorted unique candidate indices from ``values``, each in [0, size)."""
    array = np.asarray(values)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise SelectionInputError(f"{label} must be a list of candidate indices.")
    if (array < 0).any() or (array >= size).any():
        bad = int(array[(array < 0) | (array >= size)][0])
        raise SelectionInputError(
            f"{label} names candidate {bad}, but candidates are numbered 0 to {size - 1}.",
            candidate=bad,
        )
    return np.unique(array).astype(np.int64)


def problem_from(scores: np.ndarray, constraints: Constraints) -> Problem:
    """Validate scores (m,) and constraints; ``SelectionInputError`` names what is malformed."""
    raw_scores = np.asarray(scores)
    if raw_scores.ndim != 1 or raw_scores.size == 0 or raw_scores.dtype.kind not in "iuf":
        raise SelectionInputError("Scores must be a non-empty list of numbers, one per candidate.")
    values = raw_scores.astype(np.float64)
    if not np.isfinite(values).all():
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise SelectionInputError(f"Candidate {bad} has no usable score.", candidate=bad)
    size = values.size
    group_of = np.asarray(constraints.group_of)
    if group_of.shape != (size,) or group_of.dtype.kind not in "iu":
        raise SelectionInputError(
            f"One integer prefecture code is needed for each of the {size} candidates."
        )
    for name, number in (
        ("k", constraints.k),
        ("min_groups_covered", constraints.min_groups_covered),
        ("max_per_group", constraints.max_per_group),
    ):
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            raise SelectionInputError(f"{name} must be a whole number; got {number!r}.")
    if constraints.k < 1:
        raise SelectionInputError(
            f"At least one candidate must be chosen; got k = {constraints.k}."
        )
    if constraints.min_groups_covered < 0:
        raise SelectionInputError("The number of prefectures to cover cannot be negative.")
    if constraints.max_per_group is not None and constraints.max_per_group < 0:
        raise SelectionInputError("The limit per prefecture cannot be negative.")
    codes, group = np.unique(group_of, return_inverse=True)
    categories = []
    for name, (mask, minimum) in constraints.min_per_category.items():
        mask_array = np.asarray(mask)
        if mask_array.shape != (size,) or mask_array.dtype.kind != "b":
            raise SelectionInputError(
                f"Category '{name}' needs a true/false value for each of the {size} candidates."
            )
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
            raise SelectionInputError(
                f"The minimum for category '{name}' must be a whole number ≥ 0; got {minimum!r}."
            )
        categories.append((str(name), mask_array.astype(bool), int(minimum)))
    return Problem(
        scores=values,
        group=group.astype(np.int64),
        group_codes=codes,
        k=int(constraints.k),
        min_groups_covered=int(constraints.min_groups_covered),
        max_per_group=constraints.max_per_group,
        include=candidate_indices(constraints.must_include, size, "must_include"),
        exclude=candidate_indices(constraints.must_exclude, size, "must_exclude"),
        categories=tuple(categories),
    )


def solve(
    problem: Problem,
    families: frozenset[str],
    *,
    candidates: np.ndarray | None = None,
    extra_exclude: int | None = None,
    feasibility_only: bool = False,
    time_limit: float,
) -> tuple[np.ndarray | None, float, int]:
    """Solve with only the given constraint families, over ``candidates`` (indices; default all),
    with ``extra_exclude`` forced out; ``feasibility_only`` drops the objective.

    Returns (sorted selected indices or None, HiGHS relative MIP gap, scipy status code: 0
    optimal, 1 limit reached, 2 infeasible).
    """
    pool = np.arange(problem.size) if candidates is None else candidates
    size = pool.size
    scores = problem.scores[pool]
    group = problem.group[pool]
    n_groups = problem.n_groups
    k = problem.k
    limit = problem.max_per_group
    # With at most c per prefecture, k chosen always cover ⌈k / c⌉ prefectures: then the
    # coverage binaries are redundant and left out (a smaller, faster programme).
    coverage_implied = (
        K in families
        and MAX_PER_GROUP in families
        and limit is not None
        and limit > 0
        and -(-k // limit) >= problem.min_groups_covered
    )
    with_coverage = (
        MIN_GROUPS_COVERED in families and problem.min_groups_covered > 0 and not coverage_implied
    )
    n_variables = size + (n_groups if with_coverage else 0)
    objective = np.zeros(n_variables)
    if not feasibility_only:
        objective[:size] = -scores
    lower = np.zeros(n_variables)
    upper = np.ones(n_variables)
    position = np.full(problem.size, -1, dtype=np.int64)
    position[pool] = np.arange(size)
    if MUST_INCLUDE in families and problem.include.size:
        inside = position[problem.include]
        lower[inside[inside >= 0]] = 1.0
    if MUST_EXCLUDE in families and problem.exclude.size:
        inside = position[problem.exclude]
        upper[inside[inside >= 0]] = 0.0
    if extra_exclude is not None and position[extra_exclude] >= 0:
        upper[position[extra_exclude]] = 0.0
    if (lower > upper).any():
        return None, math.inf, 2
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    coefficients: list[np.ndarray] = []
    low_bounds: list[np.ndarray] = []
    high_bounds: list[np.ndarray] = []

    def add(
        row: np.ndarray, column: np.ndarray, value: np.ndarray, low: np.ndarray, high: np.ndarray
    ) -> None:
        """Add constraints low ≤ A x ≤ high given as triplets, rows numbered from 0."""
        offset = sum(bound.size for bound in low_bounds)
        rows.append(row + offset)
        columns.append(column)
        coefficients.append(value)
        low_bounds.append(low)
        high_bounds.append(high)

    everyone = np.arange(size)
    ones = np.ones(size)
    if K in families:
        add(np.zeros(size, dtype=np.int64), everyone, ones, np.array([k]), np.array([k]))
    if with_coverage:
        # y_g - Σ_{i∈g} x_i ≤ 0, then Σ_g y_g ≥ M.
        groups = np.arange(n_groups)
        add(
            np.r_[group, groups],
            np.r_[everyone, size + groups],
            np.r_[-ones, np.ones(n_groups)],
            np.full(n_groups, -np.inf),
            np.zeros(n_groups),
        )
        add(
            np.zeros(n_groups, dtype=np.int64),
            size + groups,
            np.ones(n_groups),
            np.array([problem.min_groups_covered]),
            np.array([np.inf]),
        )
    if MAX_PER_GROUP in families and problem.max_per_group is not None:
        add(group, everyone, ones, np.zeros(n_groups), np.full(n_groups, problem.max_per_group))
    for name, mask, minimum in problem.categories:
        if CATEGORY_PREFIX + name in families and minimum:
            members = np.flatnonzero(mask[pool])
            add(
                np.zeros(members.size, dtype=np.int64),
                members,
                np.ones(members.size),
                np.array([minimum]),
                np.array([np.inf]),
            )
    constraints = []
    if low_bounds:
        n_rows = sum(bound.size for bound in low_bounds)
        matrix = sparse.csr_array(
            (np.concatenate(coefficients), (np.concatenate(rows), np.concatenate(columns))),
            shape=(n_rows, n_variables),
        )
        constraints.append(
            LinearConstraint(matrix, np.concatenate(low_bounds), np.concatenate(high_bounds))
        )
    result = milp(
        objective,
        integrality=np.ones(n_variables),
        bounds=Bounds(lower, upper),
        constraints=constraints,
        options={"time_limit": time_limit, "mip_rel_gap": MIP_RELATIVE_GAP},
    )
    if result.x is None or result.status not in (0, 1):
        return None, math.inf, int(result.status)
    chosen = pool[np.flatnonzero(result.x[:size] > 0.5)]
    gap = float(result.mip_gap) if result.mip_gap is not None else math.inf
    return np.sort(chosen), gap, int(result.status)


def reduced_pool(problem: Problem, extra_exclude: int | None = None) -> np.ndarray:
    """Candidates that can appear in some optimal choice, sorted indices.

    Candidates of the same prefecture and the same category memberships are interchangeable in
    every constraint, so among the free ones (neither required nor excluded) of such a type an
    optimal choice needs at most min(k, max_per_group) of them, and can always use the best-
    scoring ones (swapping a lower-scoring one for a better unused one keeps every count). The
    others are dropped; required candidates are always kept and excluded ones never.
    """
    limit = problem.k if problem.max_per_group is None else min(problem.k, problem.max_per_group)
    free = np.ones(problem.size, dtype=bool)
    free[problem.include] = False
    free[problem.exclude] = False
    if extra_exclude is not None:
        free[extra_exclude] = False
    signature = problem.group.copy()
    for _, mask, minimum in problem.categories:
        if minimum:
            signature = signature * 2 + mask.astype(np.int64)
    order = np.lexsort((np.arange(problem.size), -problem.scores, signature))
    ordered_signature = signature[order]
    ordered_free = free[order]
    # Rank of each free candidate inside its type (0 = best), counting free candidates only.
    free_count = np.cumsum(ordered_free)
    type_start = np.r_[True, ordered_signature[1:] != ordered_signature[:-1]]
    start_count = np.maximum.accumulate(np.where(type_start, free_count - ordered_free, 0))
    rank_in_type = free_count - start_count - 1
    keep = np.zeros(problem.size, dtype=bool)
    keep[order[ordered_free & (rank_in_type < limit)]] = True
    keep[problem.include] = True
    if extra_exclude is not None:
        keep[extra_exclude] = False
    return np.flatnonzero(keep)
