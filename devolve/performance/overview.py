"""The office's overview, read once for the page and its download: reporting completeness and
timeliness (by prefecture, department and pilot area), the reports overdue, grants flagged for
zero use and the latest ranking."""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from devolve.assessments.selectors import FlaggedGrant, list_flagged_grants
from devolve.grants.models import Grant
from devolve.grants.selectors import list_grants
from devolve.matters.models import AnnualList
from devolve.matters.selectors import list_annual_lists
from devolve.performance import selectors
from devolve.performance.models import PerformanceAssessment, Score
from devolve.reporting.selectors import (
    CompletenessRow,
    OverdueReport,
    completeness,
    overdue_reports,
)


@dataclass(frozen=True)
class FlaggedRow:
    flag: FlaggedGrant
    grant: Grant


class FlaggedRows(Sequence[FlaggedRow]):
    """The flagged grants, longest runs first, each slice reading only its own grants: a
    national programme flags thousands, and the page shows one page of them."""

    def __init__(self, flags: list[FlaggedGrant]) -> None:
        self.flags = flags

    def __len__(self) -> int:
        return len(self.flags)

    @overload
    def __getitem__(self, index: int) -> FlaggedRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[FlaggedRow]: ...
    def __getitem__(self, index: int | slice) -> FlaggedRow | list[FlaggedRow]:
        if isinstance(index, int):
            return self._rows([self.flags[index]])[0]
        return self._rows(self.flags[index])

    def __iter__(self) -> Iterator[FlaggedRow]:
        return iter(self._rows(self.flags))

    @staticmethod
    def _rows(flags: list[FlaggedGrant]) -> list[FlaggedRow]:
        grants = list_grants().in_bulk([flag.grant_id for flag in flags])
        return [FlaggedRow(flag, grants[flag.grant_id]) for flag in flags]


@dataclass(frozen=True)
class Overview:
    """What the office watches: reporting completeness and timeliness (by prefecture, department
    and pilot area), the reports overdue, grants flagged for zero use, and the latest ranking."""

    on: datetime.date
    by_prefecture: list[CompletenessRow]
    by_department: list[CompletenessRow]
    by_area: list[CompletenessRow]
    overdue: list[OverdueReport]
    flagged: FlaggedRows
    assessment: PerformanceAssessment | None
    ranking: list[Score]

    @classmethod
    def of(cls, *, on: datetime.date) -> "Overview":
        # Every edition published so far, superseded ones included: the flags of the edition a
        # round assessed stay visible after the next edition replaced it.
        editions = list_annual_lists().filter(
            status__in=[AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED]
        )
        flags = list_flagged_grants(annual_lists=editions)
        assessment = selectors.get_latest_computed_assessment()
        return cls(
            on=on,
            by_prefecture=completeness(by="prefecture", on=on),
            by_department=completeness(by="department", on=on),
            by_area=completeness(by="area", on=on),
            overdue=overdue_reports(on=on),
            flagged=FlaggedRows(flags),
            assessment=assessment,
            ranking=selectors.list_ranking(assessment=assessment) if assessment else [],
        )
