"""The demo's regular assessment of the 2023 edition (batch 1): the round, each grant's
recommendation and rubric scores, and the office's decisions that drafted the 2024 edition.

Everything here is illustrative: no source gives Sichuan's assessment rubric, scores or
recommendations (brief §5). The decisions are designed to be the changes the 2024 list actually
made against 2023 (``sichuan_lists.WITHDRAWALS_2024`` and ``MODIFICATIONS_2024``), each with the
same reason; the additions of 2024 come from demand and the office's own proposals, not from the
assessment. One decision overrides the evaluators: they would keep the energy-use quota for
equipment manufacturing, which is well used; the office withdraws it because a province-wide
reform replaces it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from devolve.demo import sichuan_lists as lists
from devolve.demo.sichuan_lists import MatterRef

D = datetime.date

ILLUSTRATIVE = (
    "Illustrative: the demo's assessment of the 2023 edition; the rubric, scores and "
    "recommendations are invented (brief §5: no source gives them)."
)


@dataclass(frozen=True)
class RoundFact:
    title_zh: str
    title_en: str
    period_starts_on: datetime.date
    period_ends_on: datetime.date
    opened_on: datetime.date
    decided_on: datetime.date
    drafted_on: datetime.date
    zero_use_periods: int
    evaluating_body: str


ROUND_2023 = RoundFact(
    title_zh="2023年度省级授权支持事项定期评估（示意）",
    title_en="Regular assessment of the 2023 provincial matters (illustrative)",
    period_starts_on=lists.EDITION_2023.published_on,
    period_ends_on=D(2023, 12, 31),
    opened_on=D(2024, 1, 22),
    decided_on=D(2024, 2, 5),
    drafted_on=D(2024, 2, 6),  # before the 2024 edition's approval on 27 February
    zero_use_periods=2,
    evaluating_body="第三方评估机构（示意）",
)

# Matters whose grants the 2023 reports show unused in every period (illustrative): the hotel
# licence, whose provincial power the 2024 list withdraws because the cities issue it.
ZERO_USE_2023: tuple[MatterRef, ...] = (lists.HOTEL_LICENCE,)


@dataclass(frozen=True)
class DecisionFact:
    """The office's decision on a 2023 entry other than keeping it. ``areas`` () means every
    pilot area; None leaves the areas as they are."""

    matter: MatterRef
    decision: str  # withdraw, adjust, expand
    reason: str
    areas: tuple[str, ...] | None = None
    conditions: str | None = None
    notes: str | None = None
    granting_department: str | None = None
    supervising_department: str | None = None
    evaluators_keep: bool = False  # the evaluators recommended keeping it: an override


# The office withdraws although the evaluators would keep it (see the module docstring).
OVERRIDDEN = {lists.WITHDRAWALS_2024[-1].matter}


def _decisions() -> list[DecisionFact]:
    decisions = [
        DecisionFact(
            withdrawal.matter,
            "withdraw",
            withdrawal.reason,
            evaluators_keep=withdrawal.matter in OVERRIDDEN,
        )
        for withdrawal in lists.WITHDRAWALS_2024
    ]
    decisions.extend(
        DecisionFact(
            change.matter,
            "expand" if change.areas == () else "adjust",
            change.reason,
            areas=change.areas,
            conditions=change.conditions,
            notes=change.notes,
            granting_department=change.granting_department,
            supervising_department=change.supervising_department,
        )
        for change in lists.MODIFICATIONS_2024
    )
    return decisions


DECISIONS_2023 = _decisions()
DECISION_BY_MATTER = {fact.matter: fact for fact in DECISIONS_2023}


def grant_recommendation(
    matter: MatterRef, zone: str, *, kept_areas: frozenset[str] | None
) -> tuple[str, str]:
    """The evaluators' recommendation for one grant and its reasons.

    Where the decision narrows an entry to ``kept_areas``, the grants outside them are
    recommended for withdrawal and the others kept, which rolls up to an adjustment.
    """
    fact = DECISION_BY_MATTER.get(matter)
    if fact is None or fact.evaluators_keep:
        return "keep", ""
    if fact.decision == "adjust" and kept_areas is not None:
        if zone in kept_areas:
            return "keep", ""
        return "withdraw", fact.reason
    return fact.decision, fact.reason


@dataclass(frozen=True)
class UseFacts:
    is_taken_up: bool
    is_power: bool
    cases_received: int
    supervision_filed: bool
    is_flagged_zero_use: bool


def rubric_scores(facts: UseFacts, recommendation: str) -> dict[str, Decimal]:
    """Illustrative scores that follow the metrics: take-up from the effective date, use from
    the cases (support matters, which report no cases, get a flat middle score), supervision
    from the filing, and benefit lower where the grant is to be withdrawn."""
    if not facts.is_power:
        use = Decimal(26)
    elif facts.cases_received == 0:
        use = Decimal(0)
    else:
        use = min(Decimal(40), Decimal(16) + Decimal(facts.cases_received) / Decimal(10))
    if facts.is_flagged_zero_use:
        use = Decimal(0)
    return {
        "take_up": Decimal(23) if facts.is_taken_up else Decimal(10),
        "use": use.quantize(Decimal("0.5")),
        "supervision": Decimal(18) if facts.supervision_filed else Decimal(11),
        "demand": Decimal(6) if recommendation == "withdraw" else Decimal(12),
    }
