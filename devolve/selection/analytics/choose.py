"""Choosing k pilot areas that maximize the total score under regional-distribution constraints,
solved exactly as a mixed-integer programme (see ``programme``), with the cost of swapping each
chosen candidate out, and a brute-force enumeration to check it on small instances.
"""

import itertools
import math
from dataclasses import dataclass

import numpy as np

from devolve.selection.analytics.conflicts import (
    Conflict,
    Infeasible,
    minimal_conflict,
    obvious_conflicts,
)
from devolve.selection.analytics.errors import SelectionInputError
from devolve.selection.analytics.programme import (
    MIP_RELATIVE_GAP,
    Constraints,
    Problem,
    problem_from,
    reduced_pool,
    solve,
)

__all__ = [
    "BRUTE_FORCE_MAX_SUBSETS",
    "Choice",
    "Conflict",
    "Constraints",
    "Infeasible",
    "SelectionNotSolved",
    "Swap",
    "brute_force",
    "choose",
]

BRUTE_FORCE_MAX_SUBSETS = 2_000_000
"""``brute_force`` refuses instances with more k-subsets than this (memory and time)."""


@dataclass(frozen=True)
class Swap:
    """What forcing a chosen candidate out would cost.

    ``selected``: the chosen candidate's index; ``best_excluded``: the highest-scoring candidate
    that comes in when the choice is re-solved without it (None when no feasible choice exists
    without it, e.g. it is a must-include); ``objective_loss``: drop in total score (≥ 0;
    ``math.inf`` when no feasible choice exists without it); ``entering`` / ``leaving``: all
    candidates that come in / go out in that re-solved choice (a coverage constraint can make
    one exclusion move several candidates).
    """

    selected: int
    best_excluded: int | None
    objective_loss: float
    entering: tuple[int, ...] = ()
    leaving: tuple[int, ...] = ()


@dataclass(frozen=True)
class Choice:
    """The chosen set.

    ``selected``: shape (k,), sorted candidate indices; ``objective``: their total score;
    ``mip_gap``: HiGHS's relative optimality gap (≤ 1e-9 when proven optimal);
    ``status``: "optimal", or "time_limit" when the limit stopped the search with a feasible but
    unproven choice; ``swaps``: one per selected candidate, in ``selected`` order (empty when
    not asked for); ``groups_covered``: distinct prefectures among the chosen.
    """

    selected: np.ndarray
    objective: float
    mip_gap: float
    status: str
    swaps: tuple[Swap, ...]
    groups_covered: int


class SelectionNotSolved(SelectionInputError):
    """The solver stopped (time limit) before finding any choice satisfying the constraints."""


def choose(
    scores: np.ndarray,
    constraints: Constraints,
    *,
    with_swaps: bool = True,
    time_limit: float = 30.0,
) -> Choice:
    """The k candidates with the highest total score that satisfy ``constraints``.

    ``scores``: shape (m,), dimensionless, higher is better. ``time_limit``: seconds per solve.

    Malformed input raises ``SelectionInputError``; constraints that cannot all hold raise
    ``Infeasible`` whose ``conflicts`` name the clashing constraint families: obvious
    impossibilities (k above the pool, coverage above k, a category minimum above its pool,
    required and excluded at once, more required candidates in a prefecture than allowed …) are
    found before solving; otherwise families are dropped one at a time until a minimal
    conflicting set remains. With ``with_swaps``, each selected candidate is forced out in turn
    and the choice re-solved, to report what that would cost.
    """
    problem = problem_from(scores, constraints)
    conflicts = obvious_conflicts(problem)
    if conflicts:
        raise Infeasible(tuple(conflicts))
    families = frozenset(problem.families())
    pool = reduced_pool(problem)
    selected, gap, status = solve(problem, families, candidates=pool, time_limit=time_limit)
    if selected is None:
        if status == 2:
            raise Infeasible((minimal_conflict(problem, time_limit),))
        raise SelectionNotSolved(
            f"The solver stopped after {time_limit:g} s without finding a choice that satisfies "
            f"the constraints (status {status})."
        )
    objective = float(problem.scores[selected].sum())
    swaps = (
        tuple(_swap(problem, families, selected, index, time_limit) for index in selected)
        if with_swaps
        else ()
    )
    return Choice(
        selected=selected,
        objective=objective,
        mip_gap=gap if status == 0 else max(gap, MIP_RELATIVE_GAP),
        status="optimal" if status == 0 else "time_limit",
        swaps=swaps,
        groups_covered=int(np.unique(problem.group[selected]).size),
    )


def _swap(
    problem: Problem,
    families: frozenset[str],
    selected: np.ndarray,
    index: int,
    time_limit: float,
) -> Swap:
    index = int(index)
    if index in problem.include:
        return Swap(selected=index, best_excluded=None, objective_loss=math.inf)
    pool = reduced_pool(problem, extra_exclude=index)
    chosen, _, _ = solve(
        problem, families, candidates=pool, extra_exclude=index, time_limit=time_limit
    )
    if chosen is None:
        return Swap(selected=index, best_excluded=None, objective_loss=math.inf)
    entering = np.setdiff1d(chosen, selected)
    leaving = np.setdiff1d(selected, chosen)
    best = None
    if entering.size:
        best = int(entering[np.lexsort((entering, -problem.scores[entering]))[0]])
    loss = float(problem.scores[selected].sum() - problem.scores[chosen].sum())
    return Swap(
        selected=index,
        best_excluded=best,
        objective_loss=max(loss, 0.0),
        entering=tuple(int(value) for value in entering),
        leaving=tuple(int(value) for value in leaving),
    )


def brute_force(scores: np.ndarray, constraints: Constraints) -> tuple[np.ndarray, float]:
    """The best feasible k-subset by enumerating all of them: (sorted indices, total score).

    For small instances only (tests and the benchmark): refuses more than
    ``BRUTE_FORCE_MAX_SUBSETS`` subsets. Among equal totals the lexicographically first subset
    wins. Raises ``Infeasible`` (without named conflicts) when no subset is feasible.
    """
    problem = problem_from(scores, constraints)
    size, k = problem.size, problem.k
    if k > size:
        raise Infeasible((), f"k = {k} is larger than the pool of {size} candidates.")
    if math.comb(size, k) > BRUTE_FORCE_MAX_SUBSETS:
        raise SelectionInputError(
            f"Enumerating {math.comb(size, k)} subsets is too many for brute force."
        )
    subsets = np.array(list(itertools.combinations(range(size), k)), dtype=np.int64)
    chosen = np.zeros((subsets.shape[0], size), dtype=bool)
    chosen[np.arange(subsets.shape[0])[:, None], subsets] = True
    feasible = chosen[:, problem.include].all(axis=1) & ~chosen[:, problem.exclude].any(axis=1)
    one_hot = np.zeros((size, problem.n_groups), dtype=np.int64)
    one_hot[np.arange(size), problem.group] = 1
    per_group = chosen.astype(np.int64) @ one_hot
    feasible &= (per_group > 0).sum(axis=1) >= problem.min_groups_covered
    if problem.max_per_group is not None:
        feasible &= per_group.max(axis=1) <= problem.max_per_group
    for _, mask, minimum in problem.categories:
        feasible &= chosen[:, mask].sum(axis=1) >= minimum
    if not feasible.any():
        raise Infeasible((), "No subset of the candidates satisfies all the constraints.")
    totals = np.where(feasible, problem.scores[subsets].sum(axis=1), -np.inf)
    best = int(np.argmax(totals))
    return subsets[best].copy(), float(totals[best])
