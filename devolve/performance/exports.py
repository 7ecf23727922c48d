"""The office's overview as a workbook (one sheet per part, with the same figures as the page),
and published results as open-data rows."""

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from devolve.core.spreadsheets import CellValue, Sheet
from devolve.performance.overview import Overview
from devolve.performance.selectors import list_published_assessments, list_scores


def _rate(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value) * 100, 2)


def overview_sheets(overview: Overview) -> list[Sheet]:
    """One sheet per part of the overview, with the same figures as the page."""
    completeness: list[list[CellValue]] = [
        [level, row.key, row.label, row.expected, row.submitted, row.submitted_on_time,
         row.accepted, row.returned, row.overdue, _rate(row.completeness), _rate(row.timeliness)]
        for level, rows in (
            (_("Prefecture"), overview.by_prefecture),
            (_("Department"), overview.by_department),
            (_("Pilot area"), overview.by_area),
        )
        for row in rows
    ]  # fmt: skip
    overdue: list[list[CellValue]] = [
        [report.kind, report.cycle_label, report.subject_label, report.due_on,
         report.days_overdue, report.status]
        for report in overview.overdue
    ]  # fmt: skip
    flagged: list[list[CellValue]] = [
        [row.grant.pk, row.grant.entry.annual_list.key, str(row.grant.entry.matter),
         str(row.grant.zone), row.flag.consecutive_zero_periods, row.flag.last_period_end]
        for row in overview.flagged
    ]  # fmt: skip
    ranking: list[list[CellValue]] = [
        [score.rank, str(score.subject), float(score.total), score.get_tier_display(),
         score.assessment.is_published]
        for score in overview.ranking
    ]  # fmt: skip
    return [
        Sheet(
            name=_("Completeness"),
            header=[[_("Level"), _("Key"), _("Name"), _("Expected"), _("Submitted"),
                     _("On time"), _("Accepted"), _("Returned"), _("Overdue"),
                     _("Completeness (%)"), _("Timeliness (%)")]],
            rows=completeness,
        ),
        Sheet(
            name=_("Overdue"),
            header=[[_("Report"), _("Cycle"), _("Reported by"), _("Due on"),
                     _("Days overdue"), _("Status")]],
            rows=overdue,
        ),
        Sheet(
            name=_("Zero-use grants"),
            header=[[_("Grant"), _("Matter"), _("Pilot area"), _("Periods with no case"),
                     _("Last period")]],
            rows=flagged,
        ),
        Sheet(
            name=_("Ranking"),
            header=[[_("Rank"), _("Subject"), _("Score"), _("Tier"), _("Published")]],
            rows=ranking,
        ),
    ]  # fmt: skip


def score_rows() -> Iterator[Sequence[Any]]:
    """Published scores in the column order of the ``performance-results`` dataset in
    ``devolve/portal/datasets.py``: year, scheme, subject, rank, total, weighted, bonus and
    deduction points, tier, illustrative. One query."""
    yield from (
        list_scores()
        .filter(assessment__in=list_published_assessments())
        .order_by("assessment__year", "scheme__code", "rank", "subject_key")
        .values_list(
            "assessment__year", "scheme__code", "subject_key", "rank", "total",
            "weighted_points", "bonus_points", "deduction_points", "tier", "is_illustrative",
        )
    )  # fmt: skip
