"""The office's overview, read once for the page and its download: reporting completeness and
timeliness (by prefecture, department and pilot area), the reports overdue, grants flagged for
zero use and the latest ranking."""

import datetime
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Overview:
    """What the office watches: reporting completeness and timeliness (by prefecture, department
    and pilot area), the reports overdue, grants flagged for zero use, and the latest ranking."""

    on: datetime.date
    by_prefecture: list[CompletenessRow]
    by_department: list[CompletenessRow]
    by_area: list[CompletenessRow]
    overdue: list[OverdueReport]
    flagged: list[FlaggedRow]
    flagged_count: int
    assessment: PerformanceAssessment | None
    ranking: list[Score]

    @classmethod
    def of(cls, *, on: datetime.date, flagged_shown: int | None = None) -> "Overview":
        """``flagged_shown``: list only that many flagged grants (the longest runs first), as
        the page does; the download lists every one."""
        # Every edition published so far, superseded ones included: the flags of the edition a
        # round assessed stay visible after the next edition replaced it.
        editions = list_annual_lists().filter(
            status__in=[AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED]
        )
        flags = list_flagged_grants(annual_lists=editions)
        shown = flags if flagged_shown is None else flags[:flagged_shown]
        grants = list_grants().in_bulk([flag.grant_id for flag in shown])
        assessment = selectors.get_latest_computed_assessment()
        return cls(
            on=on,
            by_prefecture=completeness(by="prefecture", on=on),
            by_department=completeness(by="department", on=on),
            by_area=completeness(by="area", on=on),
            overdue=overdue_reports(on=on),
            flagged=[FlaggedRow(flag, grants[flag.grant_id]) for flag in shown],
            flagged_count=len(flags),
            assessment=assessment,
            ranking=selectors.list_ranking(assessment=assessment) if assessment else [],
        )
