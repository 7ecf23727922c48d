"""The scoring maths, each rule worked by hand."""

from decimal import Decimal

import pytest

from devolve.performance import rules
from devolve.performance.rules import ItemKind, ItemOutcome, ItemSpec, NoDataRule, SchemeSpec, Tier
from devolve.performance.rules import ScoringRule as Rule

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D(40), D(0)), (D(50), D(0)), (D(75), D("0.5")), (D(100), D(1)), (D(120), D(1))],
)
def test_linear_to_target_is_zero_at_floor_full_at_target_and_capped(
    value: Decimal, expected: Decimal
) -> None:
    assert rules.linear_to_target(value, floor=D(50), target=D(100)) == expected


def test_linear_to_target_below_the_floor_when_lower_is_better() -> None:
    """Handling days: 20 days earns nothing, 10 days everything, 15 days half."""
    assert rules.linear_to_target(D(15), floor=D(20), target=D(10)) == D("0.5")
    assert rules.linear_to_target(D(8), floor=D(20), target=D(10)) == D(1)


def test_proportional_to_best() -> None:
    assert rules.proportional_to_best(D(30), best=D(120)) == D("0.25")
    assert rules.proportional_to_best(D(5), best=D(0)) == D(0)
    assert rules.proportional_to_best(D(20), best=D(10), higher_is_better=False) == D("0.5")


def test_competition_ranks_share_ties_and_skip() -> None:
    ranks = rules.competition_ranks({"a": D(9), "b": D(7), "c": D(9), "d": D(1)})
    assert ranks == {"a": 1, "c": 1, "b": 3, "d": 4}
    assert rules.competition_ranks({"a": D(3), "b": D(1)}, higher_is_better=False) == {
        "a": 2,
        "b": 1,
    }


def test_rank_to_points_uses_the_table_and_its_last_entry_past_the_end() -> None:
    table = (D(100), D(80), D(60))
    assert [rules.rank_to_points(rank, table=table) for rank in (1, 2, 3, 7)] == [
        D(1),
        D("0.8"),
        D("0.6"),
        D("0.6"),
    ]


def test_per_unit_is_capped() -> None:
    assert rules.per_unit(D(2), points_per_unit=D("1.5"), cap=D(5)) == D(3)
    assert rules.per_unit(D(10), points_per_unit=D("1.5"), cap=D(5)) == D(5)
    assert rules.per_unit(D(-3), points_per_unit=D(1), cap=None) == D(0)


@pytest.mark.parametrize(
    ("total", "tier"),
    [(D(95), Tier.EXCELLENT), (D(90), Tier.EXCELLENT), (D("89.99"), Tier.GOOD), (D(60), Tier.PASS),
     (D("59.99"), Tier.FAIL)],
)  # fmt: skip
def test_tier_thresholds(total: Decimal, tier: Tier) -> None:
    assert rules.tier_for(total, excellent_from=D(90), good_from=D(75), pass_from=D(60)) == tier


def test_weights_must_sum_to_one_hundred_at_each_level() -> None:
    assert rules.weight_problems([("a", D(60), [D(50), D(50)]), ("b", D(40), [D(100)])]) == []
    problems = rules.weight_problems([("a", D(60), [D(50), D(40)]), ("b", D(30), [D(100)])])
    assert problems == [rules.WeightProblem(None, D(90)), rules.WeightProblem("a", D(90))]
    assert rules.weight_problems([("a", D(100), [D(100)]), ("bonus", D(5), [])]) == [
        rules.WeightProblem(None, D(105)),
        rules.WeightProblem("bonus", D(0)),
    ]


def _spec(*items: ItemSpec) -> SchemeSpec:
    return SchemeSpec(
        base=D(100), items=items, excellent_from=D(90), good_from=D(75), pass_from=D(60)
    )


LINEAR_A = ItemSpec("a", "1", D(60), D(50), ItemKind.WEIGHTED, Rule.LINEAR_TO_TARGET, D(0), D(100))
LINEAR_B = ItemSpec("b", "1", D(60), D(50), ItemKind.WEIGHTED, Rule.LINEAR_TO_TARGET, D(0), D(100))
BEST_C = ItemSpec("c", "2", D(40), D(100), ItemKind.WEIGHTED, Rule.PROPORTIONAL_TO_BEST)
BONUS = ItemSpec(
    "bonus", "3", D(0), D(0), ItemKind.BONUS, Rule.PER_UNIT, points_per_unit=D(2), cap=D(3)
)
DEDUCTION = ItemSpec(
    "minus", "3", D(0), D(0), ItemKind.DEDUCTION, Rule.PER_UNIT, points_per_unit=D(1), cap=D(4)
)


def test_a_whole_scheme_by_hand() -> None:
    """x: a 80 → 0.8 x 30 = 24; b 100 → 30; c 50 of best 200 → 0.25 x 40 = 10; bonus 1 unit → 2;
    deductions 6 units capped at 4. Total 24 + 30 + 10 + 2 - 4 = 62 (pass).
    y: a 100 → 30; b 60 → 18; c 200 (the best) → 40; bonus 5 units capped at 3; no deduction.
    Total 91 (excellent)."""
    spec = _spec(LINEAR_A, LINEAR_B, BEST_C, BONUS, DEDUCTION)
    scores = rules.score_subjects(
        spec,
        {
            "x": {"a": D(80), "b": D(100), "c": D(50), "bonus": D(1), "minus": D(6)},
            "y": {"a": D(100), "b": D(60), "c": D(200), "bonus": D(5), "minus": D(0)},
        },
    )
    x, y = scores["x"], scores["y"]
    assert [p.points for p in x.items] == [D(24), D(30), D(10), D(2), D(-4)]
    assert (x.weighted, x.bonus, x.deduction, x.total) == (D(64), D(2), D(4), D(62))
    assert (x.tier, x.rank) == (Tier.PASS, 2)
    assert x.item_by_code["c"].best == D(200)
    assert [p.points for p in y.items] == [D(30), D(18), D(40), D(3), D(0)]
    assert (y.total, y.tier, y.rank) == (D(91), Tier.EXCELLENT, 1)


def test_excluded_item_shares_its_weight_within_the_group() -> None:
    scores = rules.score_subjects(_spec(LINEAR_A, LINEAR_B, BEST_C), {"x": {"a": D(80), "c": D(1)}})
    a, b, _c = scores["x"].items
    assert (a.max_points, a.points) == (D(60), D(48))
    assert (b.outcome, b.max_points, b.points, b.value) == (ItemOutcome.EXCLUDED, D(0), D(0), None)
    assert scores["x"].total == D(88)


def test_a_group_with_no_data_shares_its_weight_with_the_other_groups() -> None:
    scores = rules.score_subjects(
        _spec(LINEAR_A, LINEAR_B, BEST_C), {"x": {"a": D(50), "b": D(50)}}
    )
    a, b, c = scores["x"].items
    assert (a.max_points, b.max_points, c.max_points) == (D(50), D(50), D(0))
    assert scores["x"].total == D(50)


def test_no_data_scored_zero_keeps_the_weight() -> None:
    zero_b = ItemSpec(
        "b", "1", D(60), D(50), ItemKind.WEIGHTED, Rule.LINEAR_TO_TARGET, D(0), D(100),
        when_no_data=NoDataRule.ZERO,
    )  # fmt: skip
    scores = rules.score_subjects(_spec(LINEAR_A, zero_b, BEST_C), {"x": {"a": D(80), "c": D(1)}})
    a, b, _c = scores["x"].items
    assert (a.max_points, a.points) == (D(30), D(24))
    assert (b.outcome, b.max_points, b.points) == (ItemOutcome.ZERO, D(30), D(0))
    assert scores["x"].total == D(64)


def test_rank_to_points_ranks_only_subjects_with_data() -> None:
    ranked = ItemSpec(
        "r", "1", D(100), D(100), ItemKind.WEIGHTED, Rule.RANK_TO_POINTS,
        rank_points=(D(100), D(90), D(70)),
    )  # fmt: skip
    scores = rules.score_subjects(
        _spec(ranked), {"x": {"r": D(5)}, "y": {"r": D(9)}, "z": {"r": D(5)}, "w": {"r": None}}
    )
    assert {key: (s.item_by_code["r"].rank, s.total) for key, s in scores.items()} == {
        "y": (1, D(100)),
        "x": (2, D(90)),
        "z": (2, D(90)),
        "w": (None, D(0)),
    }
    assert {key: s.rank for key, s in scores.items()} == {"y": 1, "x": 2, "z": 2, "w": 4}


def test_points_round_half_up_to_two_places_and_add_up() -> None:
    thirds = [
        ItemSpec(code, "1", D(100), weight, ItemKind.WEIGHTED, Rule.LINEAR_TO_TARGET, D(0), D(3))
        for code, weight in (("a", D("33.33")), ("b", D("33.33")), ("c", D("33.34")))
    ]
    score = rules.score_subjects(_spec(*thirds), {"x": {"a": D(1), "b": D(2), "c": D(3)}})["x"]
    assert [p.share for p in score.items] == [D("0.3333"), D("0.6667"), D(1)]
    assert [p.points for p in score.items] == [D("11.11"), D("22.22"), D("33.34")]
    assert score.total == sum(p.points for p in score.items)
