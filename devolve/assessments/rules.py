"""Pure rules of regular assessment: usage metrics from reported periods, zero-use runs, rubric
validation and totals, and the roll-up of grant recommendations to an entry.

No ORM and no Django: callers pass plain values and turn the codes returned here into messages.
"""

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# Two consecutive reporting periods without a case (half a year of quarterly reports) is the
# default signal that a grant is not used; a round may set its own threshold.
DEFAULT_ZERO_USE_PERIODS = 2

# Handling days are averaged to two decimals, the precision areas report.
HANDLING_DAYS_PLACES = Decimal("0.01")


class Recommendation(enum.StrEnum):
    KEEP = "keep"
    EXPAND = "expand"
    ADJUST = "adjust"
    WITHDRAW = "withdraw"


def needs_reason(recommendation: str) -> bool:
    """Anything but keeping a grant as it is must say why."""
    return Recommendation(recommendation) != Recommendation.KEEP


def roll_up(recommendations: Iterable[str]) -> Recommendation | None:
    """An entry's recommendation from its grants' (one per receiving area).

    Withdrawal from every area withdraws the entry; withdrawal from some areas only narrows it,
    which is an adjustment; otherwise any adjustment, then any expansion, wins over keeping.
    None while no grant of the entry has a recommendation.

    >>> roll_up(["keep", "withdraw"])
    <Recommendation.ADJUST: 'adjust'>
    """
    given = [Recommendation(value) for value in recommendations if value]
    if not given:
        return None
    if all(value == Recommendation.WITHDRAW for value in given):
        return Recommendation.WITHDRAW
    if Recommendation.WITHDRAW in given or Recommendation.ADJUST in given:
        return Recommendation.ADJUST
    if Recommendation.EXPAND in given:
        return Recommendation.EXPAND
    return Recommendation.KEEP


@dataclass(frozen=True)
class PeriodUsage:
    """One accepted reporting period of one grant."""

    period_end: date
    cases_received: int
    cases_completed: int
    average_handling_days: Decimal | None
    promised_limit_days: int | None


@dataclass(frozen=True)
class ZeroRun:
    """The longest run of consecutive periods with no case received, and where it ended."""

    length: int
    ends_on: date | None


def zero_use_run(periods: Sequence[PeriodUsage]) -> ZeroRun:
    """A period with a case resets the count; of equal runs the latest is reported.

    >>> from datetime import date
    >>> usage = [PeriodUsage(date(2023, m, 28), n, n, None, None) for m, n in [(3, 0), (6, 2), (9, 0), (12, 0)]]
    >>> zero_use_run(usage)
    ZeroRun(length=2, ends_on=datetime.date(2023, 12, 28))
    """  # noqa: E501
    best = ZeroRun(0, None)
    current = 0
    for period in sorted(periods, key=lambda period: period.period_end):
        current = current + 1 if period.cases_received == 0 else 0
        if current and current >= best.length:
            best = ZeroRun(current, period.period_end)
    return best


def is_zero_use(run: ZeroRun, threshold: int) -> bool:
    return threshold > 0 and run.length >= threshold


@dataclass(frozen=True)
class UsageMetrics:
    """What a grant's accepted reports say over a round's period."""

    periods_reported: int
    cases_received: int
    cases_completed: int
    average_handling_days: Decimal | None
    promised_limit_days: int | None
    zero_run: ZeroRun

    @property
    def is_within_limit(self) -> bool | None:
        if self.average_handling_days is None or self.promised_limit_days is None:
            return None
        return self.average_handling_days <= self.promised_limit_days


def usage_metrics(periods: Sequence[PeriodUsage]) -> UsageMetrics:
    """Totals of cases, handling days averaged over periods weighted by cases completed (a
    period's average counts as much as the cases behind it), the latest promised limit."""
    weighted = [
        (period.average_handling_days, period.cases_completed)
        for period in periods
        if period.average_handling_days is not None and period.cases_completed > 0
    ]
    completed_weight = sum(weight for _days, weight in weighted)
    weighted_days = sum((days * weight for days, weight in weighted), Decimal(0))
    average = (
        (weighted_days / completed_weight).quantize(HANDLING_DAYS_PLACES)
        if completed_weight
        else None
    )
    limits = [
        period.promised_limit_days
        for period in sorted(periods, key=lambda period: period.period_end)
        if period.promised_limit_days is not None
    ]
    return UsageMetrics(
        periods_reported=len(periods),
        cases_received=sum(period.cases_received for period in periods),
        cases_completed=sum(period.cases_completed for period in periods),
        average_handling_days=average,
        promised_limit_days=limits[-1] if limits else None,
        zero_run=zero_use_run(periods),
    )


@dataclass(frozen=True)
class Criterion:
    """One line of a round's rubric: what evaluators judge and the most it can earn."""

    code: str
    name_zh: str
    name_en: str
    max_points: int

    def as_dict(self) -> dict[str, str | int]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "max_points": self.max_points,
        }


# The three aims of Order No. 349 (brief §1.3c): 放得下、接得住、管得好, with use (用得好) as the
# heaviest since a grant nobody uses has no reason to stay. Illustrative weights (brief §5: no
# source gives Sichuan's indicator set).
DEFAULT_RUBRIC: tuple[Criterion, ...] = (
    Criterion("take_up", "接得住：承接到位", "Take-up: received and handed over", 25),
    Criterion("use", "用得好：办件量与时效", "Use: cases and handling time", 40),
    Criterion("supervision", "管得好：事中事后监管", "Supervision during and after", 20),
    Criterion("demand", "企业群众获得感", "Benefit felt by firms and the public", 15),
)


def rubric_from_dicts(rows: Iterable[Mapping[str, object]]) -> list[Criterion]:
    return [
        Criterion(
            code=str(row["code"]),
            name_zh=str(row.get("name_zh", "")),
            name_en=str(row.get("name_en", "")),
            max_points=int(str(row["max_points"])),
        )
        for row in rows
    ]


def rubric_problems(criteria: Sequence[Criterion]) -> list[str]:
    """Codes of what is wrong with a rubric: ``empty``, ``duplicate_code``, ``blank_code``,
    ``max_not_positive``."""
    problems = []
    if not criteria:
        problems.append("empty")
    codes = [criterion.code for criterion in criteria]
    if any(not code.strip() for code in codes):
        problems.append("blank_code")
    if len(set(codes)) != len(codes):
        problems.append("duplicate_code")
    if any(criterion.max_points <= 0 for criterion in criteria):
        problems.append("max_not_positive")
    return problems


@dataclass(frozen=True)
class ScoreProblem:
    """``code`` is ``unknown_criterion``, ``missing_criterion``, ``negative`` or ``over_max``."""

    code: str
    criterion: str
    max_points: int | None = None


def score_problems(
    criteria: Sequence[Criterion], scores: Mapping[str, Decimal]
) -> list[ScoreProblem]:
    """Every criterion scored, none unknown, each between 0 and its maximum."""
    by_code = {criterion.code: criterion for criterion in criteria}
    problems = [ScoreProblem("unknown_criterion", code) for code in scores if code not in by_code]
    for criterion in criteria:
        points = scores.get(criterion.code)
        if points is None:
            problems.append(ScoreProblem("missing_criterion", criterion.code))
        elif points < 0:
            problems.append(ScoreProblem("negative", criterion.code))
        elif points > criterion.max_points:
            problems.append(ScoreProblem("over_max", criterion.code, criterion.max_points))
    return problems


def score_total(scores: Mapping[str, Decimal]) -> Decimal:
    return sum(scores.values(), Decimal(0))


def max_total(criteria: Sequence[Criterion]) -> int:
    return sum(criterion.max_points for criterion in criteria)
