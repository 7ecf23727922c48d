"""Reporting figures as .xlsx workbooks (completeness and timeliness, and accepted usage) and
accepted usage as open-data rows.

Only accepted figures leave the system this way (``selectors.accepted_usage``); the usage sheet
carries an "illustrative" column so demo figures are never mistaken for real ones.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from devolve.core.spreadsheets import CellValue, Sheet, xlsx_bytes
from devolve.grants.models import Grant
from devolve.matters.models import AnnualList
from devolve.matters.rules import edition_key
from devolve.reporting.models import UsageLine
from devolve.reporting.selectors import CompletenessRow, accepted_usage, accepted_usage_lines


def _workbook(title: str, header: list[str], rows: Sequence[Sequence[CellValue]]) -> bytes:
    return xlsx_bytes([Sheet(name=title, header=[header], rows=rows)])


def completeness_workbook(rows: Sequence[CompletenessRow]) -> bytes:
    header = [
        _("Key"),
        _("Reporting unit"),
        _("Expected"),
        _("Submitted"),
        _("On time"),
        _("Accepted"),
        _("Returned"),
        _("Overdue"),
        _("Completeness"),
        _("Timeliness"),
    ]
    return _workbook(
        _("Completeness"),
        header,
        [
            [
                row.key,
                row.label,
                row.expected,
                row.submitted,
                row.submitted_on_time,
                row.accepted,
                row.returned,
                row.overdue,
                float(row.completeness) if row.completeness is not None else None,
                float(row.timeliness) if row.timeliness is not None else None,
            ]
            for row in rows
        ],
    )


def usage_workbook(*, annual_list: AnnualList) -> bytes:
    facts = accepted_usage(annual_list=annual_list)
    grants = Grant.objects.select_related("entry__matter", "zone").in_bulk(
        {fact.grant_id for fact in facts}
    )
    illustrative = set(
        UsageLine.objects.filter(
            report__cycle__annual_list=annual_list, is_illustrative=True
        ).values_list("grant_id", "report__cycle_id")
    )
    header = [
        _("Period starts"),
        _("Period ends"),
        _("Pilot area"),
        _("Matter code"),
        _("Matter"),
        _("Cases received"),
        _("Cases completed"),
        _("Average handling days"),
        _("Promised limit (days)"),
        _("Illustrative"),
    ]
    rows: list[list[CellValue]] = []
    for fact in facts:
        grant = grants[fact.grant_id]
        rows.append(
            [
                fact.period_start,
                fact.period_end,
                str(grant.zone),
                grant.entry.matter.code,
                str(grant.entry.matter.name_zh),
                fact.cases_received,
                fact.cases_completed,
                float(fact.average_handling_days)
                if fact.average_handling_days is not None
                else None,
                fact.promised_limit_days,
                _("yes") if (fact.grant_id, fact.cycle_id) in illustrative else _("no"),
            ]
        )
    return _workbook(_("Accepted usage"), header, rows)


def usage_rows() -> Iterator[Sequence[Any]]:
    """Accepted usage in the column order of the ``usage`` dataset in
    ``devolve/portal/datasets.py``: edition key, period start and end, area key, matter key,
    cases received and completed, average handling days, promised limit, illustrative. One
    query; reports not accepted are left out."""
    rows = accepted_usage_lines().values_list(
        "report__cycle__annual_list__year", "report__cycle__annual_list__batch__number",
        "report__cycle__annual_list__edition", "report__cycle__period_start",
        "report__cycle__period_end", "report__zone__slug", "grant__entry__matter__key",
        "cases_received", "cases_completed", "average_handling_days", "promised_limit_days",
        "is_illustrative",
    )  # fmt: skip
    for year, batch, edition, *rest in rows:
        yield (edition_key(year, batch, edition), *rest)
