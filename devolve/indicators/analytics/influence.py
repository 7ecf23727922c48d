"""Influence functions of a set of estimates, in one of two exact representations.

Standard errors, the pre-trend covariance and the multiplier bootstrap all need the per-unit
influence functions of the estimates (one column per estimate, one row per unit). With
covariates they are arbitrary, so `DenseInfluence` stores them as they are: (m, n).

Without covariates every Callaway–Sant'Anna estimate, and every aggregate of them, is a
difference of group means of outcome changes, so a unit's influence function depends on the
unit only through its group (its cohort) and its own outcomes, affinely:

    IF_i = z_i · a_c + b_c,   z_i = y_i - mean of y over the units of the unit's cohort c,

with a slope a_c (T,) and an intercept b_c per cohort and estimate. `GroupedInfluence` stores,
per estimate, the slopes, the slopes multiplied by the cohorts' T x T Gram matrices of centred
outcomes G_c, and the intercepts. Because the centred outcomes sum to zero within a cohort,
sums of squares and cross products need nothing else:
sum_i IF_i IF_i' = sum_c [a_c' G_c a_c' + n_c b_c b_c']. Nothing of size n x m is formed, which
is what makes the estimator fast at thousands of units (when C·T is well below n; ADR 0021).
Both representations give the same numbers up to rounding
(devolve/indicators/tests/test_analytics_influence.py).
"""

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

# Gram matrices and bootstrap sums are accumulated over blocks of units with at most this many
# rows x periods² multiplications (OpenBLAS runs products below 4 · 65,536 on one thread), so
# no call page-faults through a fresh n x T copy of the outcomes either.
BLOCK_ELEMENTS = 4 * 65_536


@dataclass(frozen=True)
class UnitGroups:
    """Units grouped by cohort, without moving them: group c holds units
    order[starts[c]:starts[c + 1]]."""

    values: npt.NDArray[np.int64]  # (C,) the groups' cohorts, ascending
    order: IndexArray  # (n,) units by group
    starts: IndexArray  # (C + 1,)
    sizes: FloatArray  # (C,) units per group
    index: IndexArray  # (n,) the group of every unit

    @classmethod
    def of(cls, cohort: npt.NDArray[np.int64]) -> "UnitGroups":
        order = np.argsort(cohort, kind="stable")
        ordered = cohort[order]
        starts = np.flatnonzero(np.diff(ordered, prepend=ordered[:1] - 1, append=ordered[-1:] + 1))
        counts = np.diff(starts)
        index = np.empty(len(cohort), dtype=np.intp)
        index[order] = np.repeat(np.arange(len(counts)), counts)
        return cls(ordered[starts[:-1]], order, starts, counts.astype(np.float64), index)

    def members(self, group: int) -> IndexArray:
        return self.order[self.starts[group] : self.starts[group + 1]]

    def blocks(self, group: int, periods: int) -> list[IndexArray]:
        """The group's units in blocks small enough that a block's T x T product runs on one
        BLAS thread from cache (thread start-up costs more than such a product)."""
        rows = max(16, BLOCK_ELEMENTS // max(periods * periods, 1))
        members = self.members(group)
        return [members[at : at + rows] for at in range(0, len(members), rows)]


def group_means(outcome: FloatArray, groups: UnitGroups) -> FloatArray:
    """The groups' mean outcomes (C, T), read in blocks of units."""
    periods = outcome.shape[1]
    means = np.zeros((len(groups.values), periods))
    for group in range(len(groups.values)):
        for block in groups.blocks(group, periods):
            means[group] += outcome[block].sum(axis=0)
    return np.asarray(means / groups.sizes[:, None])


def group_grams(outcome: FloatArray, groups: UnitGroups, means: FloatArray) -> FloatArray:
    """The groups' Gram matrices of centred outcomes (C, T, T), read in blocks of units (no
    copy of the whole outcome matrix)."""
    periods = outcome.shape[1]
    gram = np.zeros((len(groups.values), periods, periods))
    for group in range(len(groups.values)):
        for block in groups.blocks(group, periods):
            centred = outcome[block] - means[group]
            gram[group] += centred.T @ centred
    return gram


def grouped_is_smaller(groups: UnitGroups, periods: int) -> bool:
    """Whether an estimate's grouped coefficients (2·C·T + C numbers) are fewer than its dense
    influence function (n numbers): with many small cohorts they are not."""
    n_groups = len(groups.values)
    return 2 * n_groups * periods + n_groups < len(groups.index)


@dataclass(frozen=True)
class Combination:
    """New estimates as sparse weighted sums of current ones: new estimate target[j] gains
    weight[j] times current estimate source[j]."""

    target: IndexArray
    source: IndexArray
    weight: FloatArray
    width: int  # new estimates

    @classmethod
    def stacked(cls, parts: "list[Combination]") -> "Combination":
        """The parts' new estimates one after the other."""
        offsets = np.cumsum([0] + [part.width for part in parts])
        return cls(
            np.concatenate(
                [part.target + offset for part, offset in zip(parts, offsets[:-1], strict=True)]
            ),
            np.concatenate([part.source for part in parts]),
            np.concatenate([part.weight for part in parts]),
            int(offsets[-1]),
        )

    def apply(self, values: FloatArray) -> FloatArray:
        """Combines the rows of values (m, r): a sparse product reads each row once, where a
        dense weight matrix would multiply mostly zeros."""
        order = np.argsort(self.target, kind="stable")
        pointers = np.zeros(self.width + 1, dtype=np.intp)
        np.cumsum(np.bincount(self.target, minlength=self.width), out=pointers[1:])
        matrix = sparse.csr_array(
            (self.weight[order], self.source[order], pointers), shape=(self.width, len(values))
        )
        return np.asarray(matrix @ values)


class Influence(Protocol):
    """The influence functions of m estimates over n units."""

    @property
    def groups(self) -> UnitGroups: ...

    @property
    def n(self) -> int: ...

    @property
    def width(self) -> int: ...

    def select(self, columns: BoolArray) -> "Influence": ...

    def combine(self, combination: Combination, group_terms: FloatArray | None) -> "Influence":
        """The influence functions of the combined estimates, plus group_terms (C, m'): an
        addition that is the same for every unit of a group (0 for no unit)."""
        ...

    def finite(self) -> BoolArray: ...

    def sum_of_squares(self) -> FloatArray: ...

    def cross_products(self) -> FloatArray: ...

    def signed_sums(self, signs: FloatArray) -> FloatArray:
        """(d, m): sum_i signs[:, i] · IF_i for each row of signs (d, n)."""
        ...

    def joined(self, others: "list[Influence]") -> "Influence":
        """These estimates and the others' side by side (all of the same representation)."""
        ...

    def dense(self) -> FloatArray:
        """(n, m) as plain numbers, for checking."""
        ...


@dataclass(frozen=True)
class DenseInfluence:
    """rows: (m, n), one row per estimate (each row contiguous); groups: the units' cohorts."""

    rows: FloatArray
    groups: UnitGroups

    @property
    def n(self) -> int:
        return int(self.rows.shape[1])

    @property
    def width(self) -> int:
        return int(self.rows.shape[0])

    def select(self, columns: BoolArray) -> "DenseInfluence":
        return DenseInfluence(np.ascontiguousarray(self.rows[columns]), self.groups)

    def combine(self, combination: Combination, group_terms: FloatArray | None) -> "DenseInfluence":
        combined = combination.apply(self.rows)
        if group_terms is not None:
            combined += group_terms[self.groups.index].T
        return DenseInfluence(combined, self.groups)

    def finite(self) -> BoolArray:
        return np.asarray(np.isfinite(self.rows.sum(axis=1)))  # a sum carries NaN and inf

    def sum_of_squares(self) -> FloatArray:
        return np.asarray(np.einsum("ij,ij->i", self.rows, self.rows))

    def cross_products(self) -> FloatArray:
        return np.asarray(self.rows @ self.rows.T)

    def signed_sums(self, signs: FloatArray) -> FloatArray:
        return np.asarray(signs @ self.rows.T)

    def joined(self, others: "list[Influence]") -> "DenseInfluence":
        rows = [self.rows, *(_same(other, DenseInfluence).rows for other in others)]
        return DenseInfluence(np.vstack(rows), self.groups)

    def dense(self) -> FloatArray:
        return self.rows.T


@dataclass(frozen=True)
class GroupedInfluence:
    """IF_i = (y_i - mean_c) · slopes[c] + intercepts[c] for unit i of group c.

    outcome: (n, T), units in any order (groups says which is whose); means: (C, T) group
    means. coefficients holds
    one row per estimate: its slopes (C·T values, group c's at c·T to c·T + T - 1), the same
    slopes multiplied by each group's Gram matrix of centred outcomes G_c (C·T values: what
    every sum of squares needs; linear in the slopes, so it is combined along with them) and
    its intercepts (C values).
    """

    outcome: FloatArray
    groups: UnitGroups
    means: FloatArray
    coefficients: FloatArray  # (m, 2·C·T + C)

    @classmethod
    def zeros(
        cls, outcome: FloatArray, groups: UnitGroups, means: FloatArray, width: int
    ) -> "GroupedInfluence":
        """Influence functions of ``width`` estimates, all zero, to be written through the
        views ``slopes``, ``weighted`` and ``intercepts``."""
        size = len(groups.values) * int(outcome.shape[1])
        return cls(outcome, groups, means, np.zeros((width, 2 * size + len(groups.values))))

    @property
    def _size(self) -> int:
        return len(self.groups.values) * int(self.outcome.shape[1])

    @property
    def slopes(self) -> FloatArray:
        """(m, C·T), a view: group c's slopes at c·T to c·T + T - 1"""
        return self.coefficients[:, : self._size]

    @property
    def weighted(self) -> FloatArray:
        """(m, C·T), a view: each group's slopes times its Gram matrix"""
        return self.coefficients[:, self._size : 2 * self._size]

    @property
    def intercepts(self) -> FloatArray:
        """(m, C), a view"""
        return self.coefficients[:, 2 * self._size :]

    @property
    def n(self) -> int:
        return int(self.outcome.shape[0])

    @property
    def width(self) -> int:
        return int(self.coefficients.shape[0])

    def _with(self, coefficients: FloatArray) -> "GroupedInfluence":
        return GroupedInfluence(self.outcome, self.groups, self.means, coefficients)

    def select(self, columns: BoolArray) -> "GroupedInfluence":
        return self._with(self.coefficients[columns])

    def combine(
        self, combination: Combination, group_terms: FloatArray | None
    ) -> "GroupedInfluence":
        coefficients = combination.apply(self.coefficients)
        if group_terms is not None:
            coefficients[:, 2 * self._size :] += group_terms.T
        return self._with(coefficients)

    def finite(self) -> BoolArray:
        return np.asarray(np.isfinite(self.coefficients.sum(axis=1)))

    def sum_of_squares(self) -> FloatArray:
        spread = np.einsum("ij,ij->i", self.slopes, self.weighted)
        level = self.intercepts**2 @ self.groups.sizes
        return np.asarray(np.maximum(spread + level, 0.0))  # rounding may dip below zero

    def cross_products(self) -> FloatArray:
        level = (self.intercepts * self.groups.sizes) @ self.intercepts.T
        return np.asarray(self.slopes @ self.weighted.T + level)

    def signed_sums(self, signs: FloatArray) -> FloatArray:
        periods = self.outcome.shape[1]
        slopes, intercepts = self.slopes, self.intercepts
        total = np.zeros((signs.shape[0], self.width))
        for group in range(len(self.groups.values)):
            members = self.groups.members(group)
            centred = self.outcome[members] - self.means[group]
            chosen = signs[:, members]
            total += (chosen @ centred) @ slopes[:, group * periods : (group + 1) * periods].T
            total += np.outer(chosen.sum(axis=1), intercepts[:, group])
        return total

    def joined(self, others: "list[Influence]") -> "GroupedInfluence":
        rows = [self.coefficients]
        rows += [_same(other, GroupedInfluence).coefficients for other in others]
        return self._with(np.vstack(rows))

    def dense(self) -> FloatArray:
        periods = self.outcome.shape[1]
        index = self.groups.index
        centred = self.outcome - self.means[index]
        slopes = self.slopes.reshape(-1, len(self.groups.values), periods)
        return np.asarray(
            np.einsum("it,mit->im", centred, slopes[:, index]) + self.intercepts[:, index].T
        )


def _same[Kind](influence: "Influence", kind: type[Kind]) -> Kind:
    if not isinstance(influence, kind):
        raise TypeError(f"cannot join {type(influence).__name__} to {kind.__name__}")
    return influence
