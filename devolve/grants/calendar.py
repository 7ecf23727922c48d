"""China's working-day calendar (holidays and adjusted working weekends).

Three sources, in order: the State Council holiday notices the office has recorded
(``HolidayNotice``); the ``chinesecalendar`` package, which carries the published schedules up to
its release; and, for a year known to neither, the provisional rule of ``rules`` (weekends and
fixed-date holidays). A date that rests on the provisional rule is marked provisional, so it is
never silently wrong; recording the year's notice recomputes it.
"""

import datetime
from dataclasses import dataclass, field

import chinese_calendar

from devolve.grants import rules
from devolve.grants.models import HolidayNotice, HolidayNoticeDay


def _package_is_working_day(day: datetime.date) -> bool | None:
    """The package's answer, or None for a year it does not carry."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def is_covered(day: datetime.date) -> bool:
    """Whether the package carries ``day``'s year (recorded notices aside)."""
    return _package_is_working_day(day) is not None


def is_working_day(day: datetime.date) -> bool:
    """The package's answer, or the provisional rule (recorded notices aside)."""
    answer = _package_is_working_day(day)
    return rules.is_provisional_working_day(day) if answer is None else answer


@dataclass(frozen=True)
class WorkingDayCalendar:
    """The working-day calendar with the recorded notices: ``recorded`` maps each recorded year
    to its settled days (True for an adjusted working day, False for a holiday)."""

    recorded: dict[int, dict[datetime.date, bool]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "WorkingDayCalendar":
        recorded: dict[int, dict[datetime.date, bool]] = {
            year: {} for year in HolidayNotice.objects.values_list("year", flat=True)
        }
        for day, is_working in HolidayNoticeDay.objects.values_list("day", "is_working_day"):
            recorded.setdefault(day.year, {})[day] = is_working
        return cls(recorded)

    def is_working_day(self, day: datetime.date) -> bool:
        settled = self.recorded.get(day.year)
        if settled is not None:
            return settled.get(day, day.weekday() < 5)
        return is_working_day(day)

    def is_official(self, day: datetime.date) -> bool:
        """Whether ``day`` is counted from an official schedule, not the provisional rule."""
        return day.year in self.recorded or is_covered(day)

    def span_is_official(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether every year from ``start`` to ``end`` is counted officially."""
        return all(
            self.is_official(datetime.date(year, 1, 1)) for year in range(start.year, end.year + 1)
        )
