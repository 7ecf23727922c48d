"""Explaining why constraints cannot all hold: obvious clashes found before solving, and a
minimal set of clashing constraint families found by re-solving without each in turn."""

from dataclasses import dataclass

import numpy as np

from devolve.selection.analytics.errors import SelectionInputError
from devolve.selection.analytics.programme import (
    CATEGORY_PREFIX,
    MAX_PER_GROUP,
    MIN_GROUPS_COVERED,
    MUST_EXCLUDE,
    MUST_INCLUDE,
    K,
    Problem,
    solve,
)


@dataclass(frozen=True)
class Conflict:
    """Constraint families (names as in ``programme``) that cannot hold together, and a
    sentence explaining why, with the numbers."""

    constraints: tuple[str, ...]
    message: str


class Infeasible(SelectionInputError):
    """No choice satisfies the constraints; ``conflicts`` say which ones clash and why."""

    def __init__(self, conflicts: tuple[Conflict, ...], message: str | None = None) -> None:
        super().__init__(message or " ".join(conflict.message for conflict in conflicts))
        self.conflicts = conflicts


def listed(indices: np.ndarray, limit: int = 8) -> str:
    """Indices as "3, 5, 8" (the first ``limit``, then how many more)."""
    shown = ", ".join(str(int(index)) for index in indices[:limit])
    return shown + (f" and {indices.size - limit} more" if indices.size > limit else "")


def obvious_conflicts(problem: Problem) -> list[Conflict]:
    """Impossibilities visible without solving, each with the families concerned."""
    conflicts = []
    k = problem.k
    excluded = np.zeros(problem.size, dtype=bool)
    excluded[problem.exclude] = True
    both = np.intersect1d(problem.include, problem.exclude)
    if both.size:
        conflicts.append(
            Conflict(
                (MUST_INCLUDE, MUST_EXCLUDE),
                f"Candidate(s) {listed(both)} are both required and excluded.",
            )
        )
    if problem.include.size > k:
        conflicts.append(
            Conflict(
                (MUST_INCLUDE, K),
                f"{problem.include.size} candidates are required, but only k = {k} are to be "
                f"chosen.",
            )
        )
    available = problem.size - problem.exclude.size
    if available < k:
        if problem.exclude.size:
            conflicts.append(
                Conflict(
                    (K, MUST_EXCLUDE),
                    f"Only {available} of {problem.size} candidates remain after "
                    f"{problem.exclude.size} exclusions, fewer than k = {k}.",
                )
            )
        else:
            conflicts.append(
                Conflict((K,), f"k = {k} is larger than the pool of {problem.size} candidates.")
            )
    if problem.min_groups_covered > k:
        conflicts.append(
            Conflict(
                (MIN_GROUPS_COVERED, K),
                f"Covering at least {problem.min_groups_covered} prefectures needs at least "
                f"{problem.min_groups_covered} candidates, but k = {k}.",
            )
        )
    available_per_group = np.bincount(problem.group[~excluded], minlength=problem.n_groups)
    groups_available = int((available_per_group > 0).sum())
    if problem.min_groups_covered > groups_available:
        if groups_available < problem.n_groups:
            conflicts.append(
                Conflict(
                    (MIN_GROUPS_COVERED, MUST_EXCLUDE),
                    f"At least {problem.min_groups_covered} prefectures must be covered, but "
                    f"after the exclusions only {groups_available} prefectures have candidates.",
                )
            )
        else:
            conflicts.append(
                Conflict(
                    (MIN_GROUPS_COVERED,),
                    f"At least {problem.min_groups_covered} prefectures must be covered, but the "
                    f"candidates come from only {problem.n_groups} prefectures.",
                )
            )
    if problem.max_per_group is not None:
        limit = problem.max_per_group
        required_per_group = np.bincount(problem.group[problem.include], minlength=problem.n_groups)
        conflicts.extend(
            Conflict(
                (MUST_INCLUDE, MAX_PER_GROUP),
                f"{required_per_group[group]} required candidates are in prefecture "
                f"{problem.group_codes[group]}, but at most {limit} per prefecture may be chosen.",
            )
            for group in np.flatnonzero(required_per_group > limit)
        )
        capacity = int(np.minimum(available_per_group, limit).sum())
        if capacity < k <= available:
            families = (K, MAX_PER_GROUP) + ((MUST_EXCLUDE,) if problem.exclude.size else ())
            conflicts.append(
                Conflict(
                    families,
                    f"With at most {limit} per prefecture, the {groups_available} prefectures "
                    f"with candidates allow at most {capacity} chosen, fewer than k = {k}.",
                )
            )
    for name, mask, minimum in problem.categories:
        pool = int((mask & ~excluded).sum())
        family = CATEGORY_PREFIX + name
        if minimum > pool:
            reduced = pool < int(mask.sum())
            conflicts.append(
                Conflict(
                    (family, MUST_EXCLUDE) if reduced else (family,),
                    f"At least {minimum} candidates of category '{name}' are required, but only "
                    f"{pool} are{' left after the exclusions' if reduced else ' in the pool'}.",
                )
            )
        elif minimum > k:
            conflicts.append(
                Conflict(
                    (family, K),
                    f"At least {minimum} candidates of category '{name}' are required, but only "
                    f"k = {k} are to be chosen.",
                )
            )
    return conflicts


def describe(problem: Problem, family: str) -> str:
    """A constraint family as a clause with its numbers, e.g. "at most 2 per prefecture"."""
    if family == K:
        return f"choose exactly k = {problem.k}"
    if family == MIN_GROUPS_COVERED:
        return f"cover at least {problem.min_groups_covered} of {problem.n_groups} prefectures"
    if family == MAX_PER_GROUP:
        return f"at most {problem.max_per_group} per prefecture"
    if family == MUST_INCLUDE:
        return f"include candidate(s) {listed(problem.include)}"
    if family == MUST_EXCLUDE:
        return f"exclude candidate(s) {listed(problem.exclude)}"
    name = family.removeprefix(CATEGORY_PREFIX)
    for category, mask, minimum in problem.categories:
        if category == name:
            return f"at least {minimum} of category '{name}' ({int(mask.sum())} in the pool)"
    return family


def minimal_conflict(problem: Problem, time_limit: float) -> Conflict:
    """Deletion filter over constraint families: drop each family in turn and keep it dropped
    when the rest is still infeasible. What remains is a set of families that conflict and from
    which none can be dropped (an irreducible infeasible subset at the family level)."""
    kept = list(problem.families())
    for family in problem.families():
        trial = frozenset(name for name in kept if name != family)
        chosen, _, status = solve(problem, trial, feasibility_only=True, time_limit=time_limit)
        if chosen is None and status == 2:
            kept.remove(family)
    described = "; ".join(describe(problem, family) for family in kept)
    return Conflict(tuple(kept), f"These constraints cannot all hold together: {described}.")
