"""Each grant's longest run of accepted periods without a case (``GrantZeroRun``), written where
its inputs change: a report accepted, returned or reopened (the report's grants), and the whole
table where rows are written in bulk (``generate_scale``) or the table is filled afresh.

The run is counted in SQL with window functions, as ``assessments.rules.zero_use_run`` counts it:
a period with a case starts a new island (a running count of such periods), the zero periods of
one island form a run, and of equal runs the latest wins. A grant's runs are recounted from all
its accepted lines (a few dozen periods), so a report's write reads only its own grants' lines
and the zero-use flags never count every line of the programme on a request (ADR 0066)."""

from typing import Any

from django.db import connection, transaction

from devolve.grants.models import Grant
from devolve.reporting.models import (
    AreaReport,
    GrantZeroRun,
    ReportingCycle,
    ReportStatus,
    UsageLine,
)

_RUNS_SQL = """
WITH {scope}lines AS (
    SELECT line.grant_id, cycle.annual_list_id, cycle.period_end, line.cases_received,
           SUM(CASE WHEN line.cases_received > 0 THEN 1 ELSE 0 END) OVER (
               PARTITION BY line.grant_id ORDER BY cycle.period_end
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS island
    FROM {line} line{only_scope}
    JOIN {report} report ON report.id = line.report_id
    JOIN {cycle} cycle ON cycle.id = report.cycle_id
    WHERE report.status = %s
), runs AS (
    SELECT grant_id, annual_list_id, COUNT(*) AS length, MAX(period_end) AS ends_on
    FROM lines WHERE cases_received = 0
    GROUP BY grant_id, annual_list_id, island
), ranked AS (
    SELECT runs.*, ROW_NUMBER() OVER (
        PARTITION BY grant_id ORDER BY length DESC, ends_on DESC
    ) AS place
    FROM runs
)
{verb}SELECT grant_id, annual_list_id, length, ends_on FROM ranked WHERE place = 1
"""


def runs_sql(
    *, scope: tuple[str, list[Any]] | None = None, insert: bool = False
) -> tuple[str, list[Any]]:
    """The SQL counting each grant's run (grant, edition, length, ends on) from the accepted
    lines, with its parameters: of the grants ``scope`` (SQL and parameters selecting grant ids)
    selects, else of every grant; with ``insert``, writing them into ``GrantZeroRun``'s table."""
    quote = connection.ops.quote_name
    table = quote(GrantZeroRun._meta.db_table)
    columns = ", ".join(quote(name) for name in ("grant_id", "annual_list_id", "length", "ends_on"))
    sql = _RUNS_SQL.format(
        scope="" if scope is None else f"scope (grant_id) AS ({scope[0]}), ",
        only_scope="" if scope is None else "\n    JOIN scope ON scope.grant_id = line.grant_id",
        line=quote(UsageLine._meta.db_table),
        report=quote(AreaReport._meta.db_table),
        cycle=quote(ReportingCycle._meta.db_table),
        verb=f"INSERT INTO {table} ({columns})\n" if insert else "",
    )
    parameters = [] if scope is None else list(scope[1])
    return sql, [*parameters, ReportStatus.ACCEPTED.value]


def write_zero_runs_of_report(report: AreaReport) -> None:
    """Count again the runs of the report's grants, in three statements whatever their number
    (two on a database without row locks, SQLite): lock the grants (so two reports of one area
    accepted at once write their runs one after the other, the second seeing the first's
    lines), delete their runs, insert them counted afresh."""
    grant_ids = UsageLine.objects.filter(report_id=report.pk).order_by().values("grant_id")
    scope_sql, scope_parameters = grant_ids.query.sql_with_params()
    sql, parameters = runs_sql(scope=(scope_sql, list(scope_parameters)), insert=True)
    # The services call it inside their transaction (no savepoint then); alone, it is its own.
    with transaction.atomic(savepoint=False):
        # A database without row locks (SQLite, which lets one writer in at a time) would run
        # the SELECT for nothing: Django drops its FOR UPDATE there.
        if connection.features.has_select_for_update:
            list(
                Grant.objects.select_for_update(no_key=True)
                .filter(pk__in=grant_ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        GrantZeroRun.objects.filter(grant_id__in=grant_ids).delete()
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)


def write_every_zero_run() -> int:
    """Count every grant's run afresh from every accepted line (after bulk writes that bypass
    the services): two statements, the table emptied and filled. Returns the runs written."""
    sql, parameters = runs_sql(insert=True)
    with transaction.atomic(savepoint=False):
        GrantZeroRun.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
    return GrantZeroRun.objects.count()
