"""The scoring maths of a performance scheme: pure functions over ``Decimal``, no Django, no ORM.

A scheme is a tree: groups carry a weight (percent of the base, 100 points by default) and
weighted items carry a weight (percent of their group). An item's full points are
``base * group weight * item weight``; its rule turns the subject's input into the share of those
points it earns. Bonus and deduction items sit outside the weights: each unit of input is worth a
fixed number of points, up to the item's cap. Total = weighted points + bonus - deductions.

Missing input is never zero by accident. Each item says what no data means (``NoDataRule``):

* ``EXCLUDE``: the item is left out for that subject and the other items of its group share its
  weight in proportion to theirs (the group keeps its weight); a group with no item left is left
  out and the other groups share its weight. The subject is scored on what is known.
* ``ZERO``: the item earns nothing (its weight stays, so the subject loses those points).

Rounding: an item's full points and the share earned are kept to 4 decimals, its points to 2
(half up), and the total is the sum of the rounded item points, so the page that explains a score
adds up to the score exactly.

Worked example (base 100, one group of weight 60 with items A 50 % and B 50 %, linear to target,
floor 0, target 100): A = 80 earns 0.8 * 30 = 24.00; if B has no data and is excluded, A's full
points become 60 and it earns 48.00.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)
FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")


class ItemKind(StrEnum):
    WEIGHTED = "weighted"
    BONUS = "bonus"
    DEDUCTION = "deduction"


class ScoringRule(StrEnum):
    LINEAR_TO_TARGET = "linear_to_target"
    PROPORTIONAL_TO_BEST = "proportional_to_best"
    RANK_TO_POINTS = "rank_to_points"
    PER_UNIT = "per_unit"


class NoDataRule(StrEnum):
    EXCLUDE = "exclude"
    ZERO = "zero"


class ItemOutcome(StrEnum):
    SCORED = "scored"
    EXCLUDED = "excluded"  # no data, weight shared by the rest
    ZERO = "zero"  # no data, no points


class Tier(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"  # noqa: S105 - a tier name, not a password
    FAIL = "fail"


def four_places(value: Decimal) -> Decimal:
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def two_places(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _clamp(share: Decimal) -> Decimal:
    return max(ZERO, min(ONE, share))


# Each rule: the share (0 to 1) of the item's full points ------------------------------------------


def linear_to_target(value: Decimal, *, floor: Decimal, target: Decimal) -> Decimal:
    """0 at the floor, 1 at the target, straight in between, capped at both ends. A target below
    the floor means lower is better (e.g. handling days).

    >>> linear_to_target(Decimal(75), floor=Decimal(50), target=Decimal(100))
    Decimal('0.5')
    """
    if target == floor:
        return ONE if value >= target else ZERO
    return _clamp((value - floor) / (target - floor))


def proportional_to_best(
    value: Decimal, *, best: Decimal, higher_is_better: bool = True
) -> Decimal:
    """value ÷ best (or best ÷ value when lower is better); nothing when the best is nothing."""
    if higher_is_better:
        return _clamp(value / best) if best > 0 else ZERO
    if value <= 0:
        return ONE
    return _clamp(best / value)


def competition_ranks(
    values: Mapping[str, Decimal], *, higher_is_better: bool = True
) -> dict[str, int]:
    """Rank 1 for the best; equal values share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(values.values(), reverse=higher_is_better)
    return {subject: ordered.index(value) + 1 for subject, value in values.items()}


def rank_to_points(rank: int, *, table: Sequence[Decimal]) -> Decimal:
    """The share for a rank from the table (percent of full points for rank 1, 2, …); ranks past
    the end of the table get its last entry."""
    if not table:
        return ZERO
    return _clamp(table[min(rank, len(table)) - 1] / HUNDRED)


def per_unit(value: Decimal, *, points_per_unit: Decimal, cap: Decimal | None) -> Decimal:
    """Bonus or deduction points (positive): value * points per unit, at most the cap."""
    points = max(ZERO, value) * points_per_unit
    return points if cap is None else min(points, cap)


def tier_for(
    total: Decimal, *, excellent_from: Decimal, good_from: Decimal, pass_from: Decimal
) -> Tier:
    if total >= excellent_from:
        return Tier.EXCELLENT
    if total >= good_from:
        return Tier.GOOD
    if total >= pass_from:
        return Tier.PASS
    return Tier.FAIL


# Weights ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightProblem:
    """Weights that do not add up: ``group`` is None for the group level."""

    group: str | None
    total: Decimal


def weight_problems(
    groups: Sequence[tuple[str, Decimal, Sequence[Decimal]]],
) -> list[WeightProblem]:
    """Each ``(group, group weight, weights of its weighted items)``. Groups with weighted items
    must sum to 100; so must the items of each such group. A group of only bonus and deduction
    items must weigh 0 (it is counted in the group total, so a weight there shows as a problem)."""
    problems: list[WeightProblem] = []
    group_total = sum((weight for _name, weight, _items in groups), ZERO)
    if group_total != HUNDRED:
        problems.append(WeightProblem(None, group_total))
    for name, weight, items in groups:
        item_total = sum(items, ZERO)
        if items and item_total != HUNDRED:
            problems.append(WeightProblem(name, item_total))
        if not items and weight != 0:
            problems.append(WeightProblem(name, item_total))
    return problems


# A whole assessment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    """One item of a scheme as the maths needs it. ``weight`` is percent of the group (0 for
    bonus and deduction items); ``rank_points`` percent of full points by rank."""

    code: str
    group: str
    group_weight: Decimal
    weight: Decimal
    kind: ItemKind
    rule: ScoringRule
    floor: Decimal | None = None
    target: Decimal | None = None
    higher_is_better: bool = True
    rank_points: tuple[Decimal, ...] = ()
    points_per_unit: Decimal | None = None
    cap: Decimal | None = None
    when_no_data: NoDataRule = NoDataRule.EXCLUDE


@dataclass(frozen=True)
class SchemeSpec:
    base: Decimal
    items: tuple[ItemSpec, ...]
    excellent_from: Decimal
    good_from: Decimal
    pass_from: Decimal


@dataclass(frozen=True)
class ItemPoints:
    """How one item was scored for one subject: the input, what it was compared with (the best
    value, or the rank), the full points after any sharing of weight, the share earned and the
    points. Bonus points are positive, deductions negative."""

    code: str
    value: Decimal | None
    outcome: ItemOutcome
    max_points: Decimal
    share: Decimal | None = None
    best: Decimal | None = None
    rank: int | None = None
    points: Decimal = ZERO


@dataclass(frozen=True)
class SubjectScore:
    subject: str
    items: tuple[ItemPoints, ...]
    weighted: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal
    tier: Tier
    rank: int = 0
    item_by_code: dict[str, ItemPoints] = field(default_factory=dict, compare=False, repr=False)


def _has_data(item: ItemSpec, value: Decimal | None) -> bool:
    return value is not None


def _full_points(spec: SchemeSpec, values: Mapping[str, Decimal | None]) -> dict[str, Decimal]:
    """Each weighted item's full points for one subject, after excluded items' weight is shared."""
    weighted = [item for item in spec.items if item.kind == ItemKind.WEIGHTED]
    counted = [
        item
        for item in weighted
        if _has_data(item, values.get(item.code)) or item.when_no_data == NoDataRule.ZERO
    ]
    group_weight = {item.group: item.group_weight for item in weighted}
    item_weight_in_group: dict[str, Decimal] = {}
    for item in counted:
        item_weight_in_group[item.group] = item_weight_in_group.get(item.group, ZERO) + item.weight
    live_groups = {group for group, total in item_weight_in_group.items() if total > 0}
    groups_total = sum((group_weight[group] for group in live_groups), ZERO)
    full: dict[str, Decimal] = {item.code: ZERO for item in weighted}
    if groups_total <= 0:
        return full
    for item in counted:
        if item.group not in live_groups:
            continue
        share_of_base = (group_weight[item.group] / groups_total) * (
            item.weight / item_weight_in_group[item.group]
        )
        full[item.code] = four_places(spec.base * share_of_base)
    return full


def _reference(
    item: ItemSpec, inputs: Mapping[str, Mapping[str, Decimal | None]]
) -> tuple[Decimal | None, dict[str, int]]:
    """The best value (proportional) or each subject's rank (rank to points) among subjects with
    data for the item."""
    known = {
        subject: value
        for subject, values in inputs.items()
        if (value := values.get(item.code)) is not None
    }
    if not known:
        return None, {}
    if item.rule == ScoringRule.PROPORTIONAL_TO_BEST:
        best = max(known.values()) if item.higher_is_better else min(known.values())
        return best, {}
    if item.rule == ScoringRule.RANK_TO_POINTS:
        return None, competition_ranks(known, higher_is_better=item.higher_is_better)
    return None, {}


def _weighted_share(
    item: ItemSpec, value: Decimal, best: Decimal | None, rank: int | None
) -> Decimal:
    if item.rule == ScoringRule.LINEAR_TO_TARGET:
        if item.floor is None or item.target is None:
            raise ValueError(f"item {item.code}: linear to target needs a floor and a target")
        return linear_to_target(value, floor=item.floor, target=item.target)
    if item.rule == ScoringRule.PROPORTIONAL_TO_BEST:
        return proportional_to_best(
            value, best=best or ZERO, higher_is_better=item.higher_is_better
        )
    if item.rule == ScoringRule.RANK_TO_POINTS:
        return rank_to_points(rank or 0, table=item.rank_points)
    raise ValueError(f"item {item.code}: rule {item.rule} does not score a weighted item")


def score_item(
    item: ItemSpec,
    value: Decimal | None,
    *,
    max_points: Decimal,
    best: Decimal | None = None,
    rank: int | None = None,
) -> ItemPoints:
    """One item for one subject, given its full points and its reference (best or rank)."""
    if value is None:
        outcome = ItemOutcome.ZERO if item.when_no_data == NoDataRule.ZERO else ItemOutcome.EXCLUDED
        return ItemPoints(
            item.code, None, outcome, max_points if outcome == ItemOutcome.ZERO else ZERO
        )
    if item.kind == ItemKind.WEIGHTED:
        share = four_places(_weighted_share(item, value, best, rank))
        points = two_places(max_points * share)
        return ItemPoints(
            item.code, value, ItemOutcome.SCORED, max_points, share, best, rank, points
        )
    points = two_places(per_unit(value, points_per_unit=item.points_per_unit or ZERO, cap=item.cap))
    signed = points if item.kind == ItemKind.BONUS else -points
    return ItemPoints(item.code, value, ItemOutcome.SCORED, item.cap or ZERO, points=signed)


def score_subjects(
    spec: SchemeSpec, inputs: Mapping[str, Mapping[str, Decimal | None]]
) -> dict[str, SubjectScore]:
    """Every subject's score and rank from every subject's inputs (``{subject: {item code:
    value or None}}``). Proportional and rank rules compare subjects, so score them together."""
    references = {item.code: _reference(item, inputs) for item in spec.items}
    scores: dict[str, SubjectScore] = {}
    for subject, values in inputs.items():
        full = _full_points(spec, values)
        items: list[ItemPoints] = []
        for item in spec.items:
            best, ranks = references[item.code]
            items.append(
                score_item(
                    item,
                    values.get(item.code),
                    max_points=full.get(item.code, item.cap or ZERO),
                    best=best,
                    rank=ranks.get(subject),
                )
            )
        kinds = {item.code: item.kind for item in spec.items}
        weighted = sum((p.points for p in items if kinds[p.code] == ItemKind.WEIGHTED), ZERO)
        bonus = sum((p.points for p in items if kinds[p.code] == ItemKind.BONUS), ZERO)
        deduction = -sum((p.points for p in items if kinds[p.code] == ItemKind.DEDUCTION), ZERO)
        total = weighted + bonus - deduction
        tier = tier_for(
            total,
            excellent_from=spec.excellent_from,
            good_from=spec.good_from,
            pass_from=spec.pass_from,
        )
        scores[subject] = SubjectScore(
            subject,
            tuple(items),
            weighted,
            bonus,
            deduction,
            total,
            tier,
            item_by_code={p.code: p for p in items},
        )
    ranks = competition_ranks({subject: score.total for subject, score in scores.items()})
    return {
        subject: SubjectScore(
            score.subject,
            score.items,
            score.weighted,
            score.bonus,
            score.deduction,
            score.total,
            score.tier,
            ranks[subject],
            score.item_by_code,
        )
        for subject, score in scores.items()
    }
