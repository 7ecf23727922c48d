import datetime
from decimal import Decimal

import pytest

from devolve.assessments import rules
from devolve.assessments.models import ASSESSMENT_ROUND_LIFECYCLE
from devolve.assessments.rules import Criterion, PeriodUsage, Recommendation, ZeroRun

D = datetime.date


def usage(*cases: int) -> list[PeriodUsage]:
    return [
        PeriodUsage(D(2023, 3 * (index + 1), 28), received, received, None, None)
        for index, received in enumerate(cases)
    ]


@pytest.mark.parametrize(
    ("cases", "threshold", "flagged", "run"),
    [
        ((0, 0), 2, True, ZeroRun(2, D(2023, 6, 28))),
        ((5, 0), 2, False, ZeroRun(1, D(2023, 6, 28))),  # N - 1 is not enough
        ((0, 3, 0), 2, False, ZeroRun(1, D(2023, 9, 28))),  # a period with cases resets
        ((0, 0, 4, 0), 3, False, ZeroRun(2, D(2023, 6, 28))),
        ((1, 0, 0, 0), 3, True, ZeroRun(3, D(2023, 12, 28))),
        ((), 2, False, ZeroRun(0, None)),
        ((2, 2), 1, False, ZeroRun(0, None)),
    ],
)
def test_zero_use_needs_n_consecutive_periods_without_a_case(
    cases: tuple[int, ...], threshold: int, flagged: bool, run: ZeroRun
) -> None:
    found = rules.zero_use_run(usage(*cases))

    assert found == run
    assert rules.is_zero_use(found, threshold) is flagged


def test_zero_run_ignores_the_order_periods_arrive_in() -> None:
    periods = usage(0, 0, 7)

    assert rules.zero_use_run(list(reversed(periods))) == ZeroRun(2, D(2023, 6, 28))


def test_usage_metrics_total_cases_and_weight_handling_days_by_cases_completed() -> None:
    periods = [
        PeriodUsage(D(2023, 6, 30), 10, 8, Decimal("5.0"), 20),
        PeriodUsage(D(2023, 9, 30), 4, 2, Decimal("10.0"), 15),
        PeriodUsage(D(2023, 12, 31), 0, 0, None, None),
    ]

    metrics = rules.usage_metrics(periods)

    assert metrics.periods_reported == 3
    assert metrics.cases_received == 14
    assert metrics.cases_completed == 10
    assert metrics.average_handling_days == Decimal("6.00")  # (5 * 8 + 10 * 2) / 10
    assert metrics.promised_limit_days == 15  # the latest limit reported
    assert metrics.is_within_limit is True
    assert metrics.zero_run == ZeroRun(1, D(2023, 12, 31))


def test_usage_metrics_without_reports_have_no_averages() -> None:
    metrics = rules.usage_metrics([])

    assert (metrics.cases_received, metrics.average_handling_days, metrics.is_within_limit) == (
        0,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ([], None),
        (["", ""], None),
        (["keep", "keep"], Recommendation.KEEP),
        (["keep", "expand"], Recommendation.EXPAND),
        (["expand", "adjust"], Recommendation.ADJUST),
        (["keep", "withdraw"], Recommendation.ADJUST),
        (["withdraw", "withdraw"], Recommendation.WITHDRAW),
        (["withdraw", ""], Recommendation.WITHDRAW),
    ],
)
def test_roll_up(given: list[str], expected: Recommendation | None) -> None:
    assert rules.roll_up(given) == expected


@pytest.mark.parametrize(
    ("value", "needed"), [("keep", False), ("expand", True), ("withdraw", True)]
)
def test_only_keeping_goes_without_reasons(value: str, needed: bool) -> None:
    assert rules.needs_reason(value) is needed


RUBRIC = [Criterion("use", "用", "Use", 40), Criterion("supervision", "管", "Supervision", 20)]


@pytest.mark.parametrize(
    ("scores", "problems"),
    [
        ({"use": Decimal(40), "supervision": Decimal(0)}, []),
        ({"use": Decimal("40.5"), "supervision": Decimal(1)}, [("over_max", "use")]),
        ({"use": Decimal(-1), "supervision": Decimal(1)}, [("negative", "use")]),
        ({"use": Decimal(1)}, [("missing_criterion", "supervision")]),
        (
            {"use": Decimal(1), "supervision": Decimal(1), "x": Decimal(1)},
            [("unknown_criterion", "x")],
        ),
    ],
)
def test_scores_are_checked_against_each_criterion_maximum(
    scores: dict[str, Decimal], problems: list[tuple[str, str]]
) -> None:
    found = rules.score_problems(RUBRIC, scores)

    assert [(problem.code, problem.criterion) for problem in found] == problems


def test_totals() -> None:
    assert rules.score_total({"use": Decimal("30.5"), "supervision": Decimal(12)}) == Decimal(
        "42.5"
    )
    assert rules.max_total(RUBRIC) == 60
    assert rules.max_total(rules.DEFAULT_RUBRIC) == 100


@pytest.mark.parametrize(
    ("criteria", "problems"),
    [
        (RUBRIC, []),
        ([], ["empty"]),
        ([Criterion("a", "", "", 5), Criterion("a", "", "", 5)], ["duplicate_code"]),
        ([Criterion(" ", "", "", 5)], ["blank_code"]),
        ([Criterion("a", "", "", 0)], ["max_not_positive"]),
    ],
)
def test_rubric_problems(criteria: list[Criterion], problems: list[str]) -> None:
    assert rules.rubric_problems(criteria) == problems


def test_rubric_round_trips_through_dicts() -> None:
    assert rules.rubric_from_dicts([c.as_dict() for c in rules.DEFAULT_RUBRIC]) == list(
        rules.DEFAULT_RUBRIC
    )


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("open", "scoring", True),
        ("open", "decided", False),
        ("scoring", "decided", True),
        ("decided", "closed", True),
        ("closed", "open", False),
    ],
)
def test_round_transitions(current: str, target: str, allowed: bool) -> None:
    assert (target in ASSESSMENT_ROUND_LIFECYCLE.targets(current)) is allowed
