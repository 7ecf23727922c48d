"""China's official working-day calendar (holidays and adjusted working weekends).

The ``chinesecalendar`` package carries the State Council's published schedules. For a year it
does not cover yet (the schedule is published each November), Monday to Friday are taken as
working days and the result is marked provisional, so a due date is never silently wrong.
"""

import datetime

import chinese_calendar


def is_covered(day: datetime.date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: datetime.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5
