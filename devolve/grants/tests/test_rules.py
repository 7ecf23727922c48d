"""A grant's life: every status pair, the initial status of each mode, working-day
arithmetic on a fake calendar and on China's official one, and the renewal warning. No DB."""

import datetime
import doctest
import itertools

import pytest

from devolve.grants import calendar, rules
from devolve.grants.models import ACTIVE_STATUSES, GRANT_LIFECYCLE, GrantStatus, initial_status

G = GrantStatus
D = datetime.date

# Written out by hand from the lifecycle, not read from the table under test: waiting grants take
# effect, effective ones are handed over, and any live grant may be recalled or superseded.
ALLOWED = {
    (G.AWAITING_EFFECT, G.EFFECTIVE),
    (G.AWAITING_EFFECT, G.RECALLED),
    (G.AWAITING_EFFECT, G.SUPERSEDED),
    (G.AWAITING_AGREEMENT, G.EFFECTIVE),
    (G.AWAITING_AGREEMENT, G.RECALLED),
    (G.AWAITING_AGREEMENT, G.SUPERSEDED),
    (G.EFFECTIVE, G.HANDED_OVER),
    (G.EFFECTIVE, G.RECALLED),
    (G.EFFECTIVE, G.SUPERSEDED),
    (G.HANDED_OVER, G.RECALLED),
    (G.HANDED_OVER, G.SUPERSEDED),
}
ALL_PAIRS = list(itertools.product(G, repeat=2))


def weekdays(day: datetime.date) -> bool:
    return day.weekday() < 5


def test_the_pairs_cover_every_status() -> None:
    assert (len(ALL_PAIRS), len(ALLOWED)) == (36, 11)


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_a_transition_is_allowed_exactly_when_the_lifecycle_says(
    current: GrantStatus, target: GrantStatus
) -> None:
    assert (target in GRANT_LIFECYCLE.targets(current)) is ((current, target) in ALLOWED)


def test_recalled_and_superseded_are_terminal() -> None:
    terminal = {status for status in G if GRANT_LIFECYCLE.is_final(status)}
    assert terminal == {G.RECALLED, G.SUPERSEDED}


def test_active_statuses_are_those_before_an_end() -> None:
    expected = {G.AWAITING_EFFECT, G.AWAITING_AGREEMENT, G.EFFECTIVE, G.HANDED_OVER}
    assert set(ACTIVE_STATUSES) == expected


@pytest.mark.parametrize(
    ("mode_code", "status"),
    [
        ("delegate", G.AWAITING_EFFECT),
        ("entrust", G.AWAITING_AGREEMENT),
        ("both", G.AWAITING_AGREEMENT),
        ("support", G.EFFECTIVE),
    ],
)
def test_initial_status_per_mode(mode_code: str, status: GrantStatus) -> None:
    assert initial_status(mode_code) is status


# --- add_working_days on a fake calendar -----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2024, 5, 31), 1, D(2024, 6, 3)),  # Friday → Monday
        (D(2024, 6, 1), 1, D(2024, 6, 3)),  # Saturday → Monday
        (D(2024, 6, 2), 1, D(2024, 6, 3)),  # Sunday → Monday
        (D(2024, 6, 3), 1, D(2024, 6, 4)),  # the start itself is never counted
        (D(2024, 6, 3), 5, D(2024, 6, 10)),  # a working week later
        (D(2024, 6, 3), 10, D(2024, 6, 17)),
        (D(2024, 6, 7), 6, D(2024, 6, 17)),  # two weekends crossed
    ],
)
def test_add_working_days_skips_weekends(
    start: datetime.date, days: int, due: datetime.date
) -> None:
    assert rules.add_working_days(start, days, is_working_day=weekdays) == due


@pytest.mark.parametrize("start", [D(2024, 6, 3), D(2024, 6, 1)])  # a Monday, a Saturday
def test_zero_working_days_is_the_start_itself(start: datetime.date) -> None:
    assert rules.add_working_days(start, 0, is_working_day=weekdays) == start


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="days must not be negative"):
        rules.add_working_days(D(2024, 6, 3), -1, is_working_day=weekdays)


def test_add_working_days_asks_the_calendar_it_is_given() -> None:
    holidays = {D(2024, 6, 4), D(2024, 6, 5)}
    asked: list[datetime.date] = []

    def calendar_without_holidays(day: datetime.date) -> bool:
        asked.append(day)
        return weekdays(day) and day not in holidays

    due = rules.add_working_days(D(2024, 6, 3), 2, is_working_day=calendar_without_holidays)

    assert due == D(2024, 6, 7)
    assert asked == [D(2024, 6, 4), D(2024, 6, 5), D(2024, 6, 6), D(2024, 6, 7)]


# --- add_working_days on China's official calendar -------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # National Day 2024: 1–7 Oct off; Sun 29 Sep and Sat 12 Oct are working days.
        (D(2024, 9, 27), 1, D(2024, 9, 29)),  # Fri → the adjusted Sunday
        (D(2024, 9, 28), 2, D(2024, 9, 30)),  # Sat 28 Sep is off, Sun 29 and Mon 30 work
        (D(2024, 9, 30), 1, D(2024, 10, 8)),  # over the whole holiday
        (D(2024, 9, 30), 5, D(2024, 10, 12)),  # ending on the adjusted Saturday
        (D(2024, 9, 30), 6, D(2024, 10, 14)),  # Sun 13 Oct is off again
        (D(2024, 10, 3), 1, D(2024, 10, 8)),  # starting inside the holiday
        # Spring Festival 2025: 28 Jan–4 Feb off; Sun 26 Jan and Sat 8 Feb are working days.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 1, 27), 4, D(2025, 2, 8)),
        (D(2025, 1, 27), 5, D(2025, 2, 10)),
        # Labour Day 2023 as in the scenario: 30 working days from Sun 9 Apr 2023.
        (D(2023, 4, 9), 30, D(2023, 5, 22)),
    ],
)
def test_add_working_days_on_chinas_calendar(
    start: datetime.date, days: int, due: datetime.date
) -> None:
    assert rules.add_working_days(start, days, is_working_day=calendar.is_working_day) == due


def test_the_same_span_on_a_plain_calendar_ignores_the_holiday() -> None:
    # Control for the National Day case: Monday to Friday alone would give the day after.
    assert rules.add_working_days(D(2024, 9, 30), 1, is_working_day=weekdays) == D(2024, 10, 1)


# --- renewal_warning_due ---------------------------------------------------------------------

ENDS = D(2025, 6, 30)


@pytest.mark.parametrize(
    ("today", "warning_days", "due"),
    [
        (D(2025, 6, 14), 15, False),  # a day before the warning starts
        (D(2025, 6, 15), 15, True),  # first day of warning
        (D(2025, 6, 29), 15, True),
        (D(2025, 6, 30), 15, True),  # last day of the term
        (D(2025, 7, 1), 15, False),  # expired: too late to renew
        (D(2025, 6, 29), 0, False),
        (D(2025, 6, 30), 0, True),
        (D(2025, 5, 31), 30, True),
        (D(2025, 5, 30), 30, False),
    ],
)
def test_renewal_warning_due(today: datetime.date, warning_days: int, due: bool) -> None:
    assert rules.renewal_warning_due(ENDS, warning_days=warning_days, today=today) is due


def test_the_module_has_no_failing_doctest() -> None:
    results = doctest.testmod(rules)
    assert (results.attempted, results.failed) == (2, 0)
