"""Pure rules of a grant's life: the date arithmetic (the statuses and their moves are on the
model, ``GRANT_LIFECYCLE``).

No ORM and no Django: callers pass the working-day calendar in.
"""

import datetime
import itertools
from collections.abc import Callable


def add_working_days(
    start: datetime.date, days: int, *, is_working_day: Callable[[datetime.date], bool]
) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted).

    >>> weekdays = lambda day: day.weekday() < 5
    >>> add_working_days(datetime.date(2024, 5, 31), 1, is_working_day=weekdays)  # Fri → Mon
    datetime.date(2024, 6, 3)
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def renewal_warning_due(ends_on: datetime.date, *, warning_days: int, today: datetime.date) -> bool:
    """True from ``warning_days`` before an agreement ends until it ends (re-sign in time)."""
    return ends_on - datetime.timedelta(days=warning_days) <= today <= ends_on


# --- Working days in a year without an official schedule ----------------------------------------

# The statutory holidays that fall on the same Gregorian date every year (State Council,
# 《全国年节及纪念日放假办法》 as revised in 2024, in force 2025): New Year's Day, 1 and 2 May,
# 1 to 3 October. The lunar holidays (Spring Festival, Qingming, Dragon Boat, Mid-Autumn) and
# the adjusted working weekends are known only from each year's notice, so a date computed
# without one is provisional.
FIXED_DATE_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


def is_provisional_working_day(day: datetime.date) -> bool:
    """Monday to Friday, except the fixed-date statutory holidays."""
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_DATE_HOLIDAYS


def holiday_notice_problems(
    *,
    year: int,
    document_number: str,
    holidays: list[tuple[datetime.date, datetime.date]],
    working_days: list[datetime.date],
) -> list[str]:
    """What is wrong with a State Council holiday notice as entered, as codes (empty when it
    can be recorded): ``document_number_required``, ``no_holidays``, ``wrong_year`` (a day
    outside ``year``), ``dates_out_of_order`` (a holiday ending before it starts),
    ``overlapping_holidays``, ``duplicate_working_day``, ``working_day_in_holiday`` (a day both
    holiday and working day) and ``working_day_not_weekend`` (an adjusted working day is a
    weekend day the notice makes a working day)."""
    problems: list[str] = []
    if not document_number.strip():
        problems.append("document_number_required")
    if not holidays:
        problems.append("no_holidays")
    days = [day for span in holidays for day in span] + list(working_days)
    if any(day.year != year for day in days):
        problems.append("wrong_year")
    if any(ends_on < starts_on for starts_on, ends_on in holidays):
        problems.append("dates_out_of_order")
    ordered = sorted(holidays)
    if any(later[0] <= earlier[1] for earlier, later in itertools.pairwise(ordered)):
        problems.append("overlapping_holidays")
    if len(set(working_days)) != len(working_days):
        problems.append("duplicate_working_day")
    if any(starts_on <= day <= ends_on for day in working_days for starts_on, ends_on in holidays):
        problems.append("working_day_in_holiday")
    if any(day.weekday() < 5 for day in working_days):
        problems.append("working_day_not_weekend")
    return problems
