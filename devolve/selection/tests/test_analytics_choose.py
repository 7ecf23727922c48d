"""Exact constrained choice (MILP) against brute-force enumeration, infeasibility explanations,
swap costs (pure maths, no database)."""

import dataclasses
import math

import numpy as np
import pytest

from devolve.selection.analytics import programme
from devolve.selection.analytics.choose import (
    Conflict,
    Constraints,
    Infeasible,
    SelectionNotSolved,
    brute_force,
    choose,
)
from devolve.selection.analytics.errors import SelectionInputError


def random_instance(rng: np.random.Generator) -> tuple[np.ndarray, Constraints]:
    size = int(rng.integers(2, 15))
    n_groups = int(rng.integers(1, 6))
    k = int(rng.integers(1, min(size, 7) + 1))
    categories = {}
    if rng.random() < 0.5:
        categories["national level"] = (rng.random(size) < 0.4, int(rng.integers(0, 3)))
    if rng.random() < 0.3:
        categories["development zone"] = (rng.random(size) < 0.5, int(rng.integers(0, 3)))
    constraints = Constraints(
        k=k,
        group_of=rng.integers(0, n_groups, size) * 10 + 510000,  # prefecture-like codes
        min_groups_covered=int(rng.integers(0, 5)),
        max_per_group=[None, 1, 2, 3][int(rng.integers(0, 4))],
        must_include=tuple(
            int(i) for i in rng.choice(size, int(rng.integers(0, 3)), replace=False)
        ),
        must_exclude=tuple(
            int(i) for i in rng.choice(size, int(rng.integers(0, 3)), replace=False)
        ),
        min_per_category=categories,
    )
    # Rounded scores make ties (several optimal sets) frequent.
    scores = np.round(rng.random(size), int(rng.integers(1, 4)))
    return scores, constraints


def test_the_milp_equals_brute_force_on_random_small_instances() -> None:
    rng = np.random.default_rng(20241125)
    feasible = infeasible = 0
    for _ in range(400):
        scores, constraints = random_instance(rng)
        try:
            expected_set, expected = brute_force(scores, constraints)
        except Infeasible:
            with pytest.raises(Infeasible) as error:
                choose(scores, constraints, with_swaps=False)
            assert error.value.conflicts
            assert all(conflict.constraints for conflict in error.value.conflicts)
            infeasible += 1
            continue
        choice = choose(scores, constraints, with_swaps=False)
        assert choice.objective == pytest.approx(expected, abs=1e-9)
        assert choice.status == "optimal"
        assert choice.mip_gap <= 1e-9
        assert choice.selected.size == constraints.k
        assert (np.diff(choice.selected) > 0).all()
        assert set(constraints.must_include) <= set(choice.selected.tolist())
        assert not set(constraints.must_exclude) & set(choice.selected.tolist())
        assert choice.groups_covered == np.unique(constraints.group_of[choice.selected]).size
        assert choice.groups_covered >= constraints.min_groups_covered
        brute_total = scores[expected_set].sum()
        assert brute_total == pytest.approx(expected)
        feasible += 1
    assert feasible > 100  # both kinds well represented (about 120 and 280 with this seed)
    assert infeasible > 100


def test_swap_costs_equal_brute_force_re_solves() -> None:
    rng = np.random.default_rng(7)
    checked = 0
    while checked < 25:
        scores, constraints = random_instance(rng)
        try:
            choice = choose(scores, constraints)
        except Infeasible:
            continue
        for swap in choice.swaps:
            if swap.selected in constraints.must_include:
                assert swap.objective_loss == math.inf
                assert swap.best_excluded is None
                continue
            forced_out = dataclasses.replace(
                constraints, must_exclude=(*constraints.must_exclude, swap.selected)
            )
            try:
                _, without = brute_force(scores, forced_out)
            except Infeasible:
                assert swap.objective_loss == math.inf
                assert swap.best_excluded is None
                continue
            assert swap.objective_loss == pytest.approx(choice.objective - without, abs=1e-9)
            assert swap.selected in swap.leaving
            if swap.best_excluded is not None:
                assert swap.best_excluded in swap.entering
                assert swap.best_excluded not in choice.selected
        assert [swap.selected for swap in choice.swaps] == choice.selected.tolist()
        checked += 1


def test_a_simple_choice_takes_the_best_of_each_prefecture_then_the_best_left() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.2, 0.1])
    constraints = Constraints(
        k=3, group_of=np.array([1, 1, 1, 2, 3]), min_groups_covered=2, max_per_group=2
    )

    choice = choose(scores, constraints)

    np.testing.assert_array_equal(choice.selected, [0, 1, 3])
    assert choice.objective == pytest.approx(1.9)
    assert choice.groups_covered == 2
    assert choice.mip_gap == pytest.approx(0.0, abs=1e-9)
    swap_of = {swap.selected: swap for swap in choice.swaps}
    assert swap_of[1].best_excluded == 2
    assert swap_of[1].objective_loss == pytest.approx(0.1)
    assert swap_of[3].best_excluded == 4  # prefecture 3 keeps the coverage at two
    assert swap_of[3].objective_loss == pytest.approx(0.1)


def conflicts_of(scores: np.ndarray, constraints: Constraints) -> tuple[Conflict, ...]:
    with pytest.raises(Infeasible) as error:
        choose(scores, constraints)
    assert isinstance(error.value, SelectionInputError)
    return error.value.conflicts


def test_coverage_above_k_is_named() -> None:
    (conflict,) = conflicts_of(
        np.ones(6), Constraints(k=2, group_of=np.arange(6), min_groups_covered=3)
    )

    assert conflict.constraints == ("min_groups_covered", "k")
    assert "at least 3 prefectures needs at least 3 candidates, but k = 2" in conflict.message


def test_more_required_candidates_in_a_prefecture_than_allowed_is_named() -> None:
    (conflict,) = conflicts_of(
        np.ones(5),
        Constraints(
            k=2,
            group_of=np.array([510100, 510100, 510300, 510300, 510300]),
            max_per_group=1,
            must_include=(0, 1),
        ),
    )

    assert conflict.constraints == ("must_include", "max_per_group")
    assert "2 required candidates are in prefecture 510100" in conflict.message
    assert "at most 1 per prefecture" in conflict.message


def test_a_category_minimum_above_its_pool_is_named() -> None:
    national = np.array([True, False, False, True, False])
    (conflict,) = conflicts_of(
        np.ones(5),
        Constraints(
            k=3,
            group_of=np.zeros(5, dtype=int),
            must_exclude=(3,),
            min_per_category={"national level": (national, 2)},
        ),
    )

    assert conflict.constraints == ("min_per_category:national level", "must_exclude")
    assert "2 candidates of category 'national level'" in conflict.message
    assert "only 1 are left after the exclusions" in conflict.message


def test_required_and_excluded_at_once_is_named() -> None:
    conflicts = conflicts_of(
        np.ones(4),
        Constraints(k=2, group_of=np.zeros(4, dtype=int), must_include=(1,), must_exclude=(1,)),
    )

    assert conflicts[0].constraints == ("must_include", "must_exclude")
    assert "1 are both required and excluded" in conflicts[0].message


def test_k_above_the_pool_is_named() -> None:
    (conflict,) = conflicts_of(np.ones(3), Constraints(k=4, group_of=np.zeros(3, dtype=int)))

    assert conflict.constraints == ("k",)
    assert "k = 4 is larger than the pool of 3 candidates" in conflict.message


def test_a_conflict_only_the_solver_sees_is_reduced_to_the_clashing_families() -> None:
    # Three national-level zones are required, but all are in one prefecture that may send two.
    national = np.array([True, True, True, False, False, False])
    constraints = Constraints(
        k=4,
        group_of=np.array([1, 1, 1, 2, 3, 4]),
        min_groups_covered=2,
        max_per_group=2,
        must_include=(3,),
        min_per_category={"national level": (national, 3)},
    )

    (conflict,) = conflicts_of(np.linspace(0.1, 0.6, 6), constraints)

    assert conflict.constraints == ("max_per_group", "min_per_category:national level")
    assert "at most 2 per prefecture" in conflict.message
    assert "at least 3 of category 'national level'" in conflict.message
    with pytest.raises(Infeasible):
        brute_force(np.linspace(0.1, 0.6, 6), constraints)


@pytest.mark.parametrize(
    ("scores", "constraints", "message"),
    [
        (np.array([1.0, np.nan]), Constraints(k=1, group_of=np.array([0, 0])), "Candidate 1"),
        (np.array([1.0, 2.0]), Constraints(k=1, group_of=np.array([0])), "prefecture code"),
        (np.array([1.0, 2.0]), Constraints(k=0, group_of=np.array([0, 0])), "k = 0"),
        (
            np.array([1.0, 2.0]),
            Constraints(k=1, group_of=np.array([0, 0]), must_include=(5,)),
            "must_include names candidate 5",
        ),
        (
            np.array([1.0, 2.0]),
            Constraints(
                k=1, group_of=np.array([0, 0]), min_per_category={"x": (np.ones(3, bool), 1)}
            ),
            "Category 'x'",
        ),
        (np.array(["a", "b"]), Constraints(k=1, group_of=np.array([0, 0])), "Scores must be"),
    ],
)
def test_malformed_input_is_refused_clearly(
    scores: np.ndarray, constraints: Constraints, message: str
) -> None:
    with pytest.raises(SelectionInputError, match=message):
        choose(scores, constraints)


def test_swaps_can_be_skipped() -> None:
    choice = choose(
        np.array([0.3, 0.2, 0.1]),
        Constraints(k=2, group_of=np.zeros(3, dtype=int)),
        with_swaps=False,
    )

    assert choice.swaps == ()
    np.testing.assert_array_equal(choice.selected, [0, 1])


def test_dropping_dominated_candidates_keeps_the_optimum_of_the_full_programme() -> None:
    """``choose`` solves over the best min(k, c) free candidates of each (prefecture, categories)
    type; on instances too large to enumerate, that equals solving over every candidate."""
    rng = np.random.default_rng(99)
    solved = 0
    for _ in range(20):
        size = 80
        level = rng.random(size) < 0.3
        constraints = Constraints(
            k=int(rng.integers(5, 15)),
            group_of=rng.integers(0, 6, size),
            min_groups_covered=int(rng.integers(0, 6)),
            max_per_group=[None, 2, 3][int(rng.integers(0, 3))],
            must_include=(0,),
            must_exclude=(1, 2),
            min_per_category={"national level": (level, int(rng.integers(0, 4)))},
        )
        scores = np.round(rng.random(size), 2)
        problem = programme.problem_from(scores, constraints)
        full, _, status = programme.solve(problem, frozenset(problem.families()), time_limit=30.0)
        if full is None:
            assert status == 2
            with pytest.raises(Infeasible):
                choose(scores, constraints, with_swaps=False)
            continue

        choice = choose(scores, constraints, with_swaps=False)

        assert choice.objective == pytest.approx(scores[full].sum(), abs=1e-9)
        solved += 1
    assert solved >= 10


def test_a_solver_stopped_before_any_choice_is_reported_not_crashed() -> None:
    rng = np.random.default_rng(0)
    constraints = Constraints(k=60, group_of=rng.integers(0, 21, 3000), min_groups_covered=21)

    with pytest.raises(SelectionNotSolved, match="stopped after 0 s") as error:
        choose(rng.random(3000), constraints, time_limit=0.0)
    assert isinstance(error.value, SelectionInputError)
