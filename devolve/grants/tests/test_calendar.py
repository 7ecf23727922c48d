"""China's working-day calendar, and the provisional rule (Monday to Friday less the fixed-date
holidays) for years the package does not cover."""

import datetime

import pytest

from devolve.grants import calendar

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 9, 27), True),  # Friday
        (D(2024, 9, 28), False),  # Saturday
        (D(2024, 9, 29), True),  # Sunday worked for National Day
        (D(2024, 10, 1), False),  # National Day, a Tuesday
        (D(2024, 10, 7), False),  # Monday, last day of the holiday
        (D(2024, 10, 8), True),
        (D(2024, 10, 12), True),  # Saturday worked for National Day
        (D(2024, 10, 13), False),  # Sunday
        (D(2025, 1, 26), True),  # Sunday worked for Spring Festival
        (D(2025, 1, 28), False),  # Spring Festival's eve, a Tuesday
        (D(2025, 2, 4), False),
        (D(2025, 2, 8), True),  # Saturday worked for Spring Festival
    ],
)
def test_is_working_day_follows_the_official_schedule(day: datetime.date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2099, 1, 1), False),  # New Year's Day, a Thursday: a fixed-date holiday
        (D(2099, 1, 2), True),  # Friday
        (D(2099, 1, 3), False),  # Saturday
        (D(2099, 1, 4), False),  # Sunday
        (D(2099, 1, 5), True),  # Monday
        (D(2099, 5, 1), False),  # Labour Day, a Friday
        (D(2099, 5, 4), True),  # Monday
        (D(2099, 10, 1), False),  # National Day, a Thursday
        (D(2099, 10, 2), False),
        (D(2099, 10, 5), True),  # Monday: the rest of the Golden Week needs the notice
        (D(2099, 1, 22), True),  # Spring Festival (a lunar date) is not known without the notice
    ],
)
def test_an_uncovered_year_falls_back_to_the_provisional_rule(
    day: datetime.date, working: bool
) -> None:
    assert calendar.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "covered"),
    [
        (D(2004, 1, 1), True),
        (D(2024, 10, 1), True),
        (D(2025, 12, 31), True),
        (D(2003, 12, 31), False),
        (D(2099, 1, 1), False),
    ],
)
def test_is_covered(day: datetime.date, covered: bool) -> None:
    assert calendar.is_covered(day) is covered
