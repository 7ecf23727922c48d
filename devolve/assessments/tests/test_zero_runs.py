"""The zero-use runs stored per grant (``reporting.models.GrantZeroRun``, ADR 0066) are those the
window-function count over every accepted line gives, and those ``rules.zero_use_run`` counts in
Python, after every step of a world driven through the reporting services: reports accepted,
returned, corrected, reopened after the lock, over several grants, areas and periods."""

import datetime
from collections import defaultdict

from django.db import connection
from django.test.utils import CaptureQueriesContext

from devolve.assessments import rules, selectors
from devolve.assessments.selectors import FlaggedGrant
from devolve.assessments.tests.conftest import World
from devolve.core.actors import SYSTEM
from devolve.grants.models import Grant
from devolve.regions.models import Zone
from devolve.reporting import selectors as reporting_selectors
from devolve.reporting.models import AreaReport, GrantZeroRun, ReportingCycle, UsageLine
from devolve.reporting.services import (
    UsageLineInput,
    accept_area_report,
    record_usage,
    reopen_area_report,
    return_area_report,
    review_area_report,
    submit_area_report,
)
from devolve.reporting.services.zero_runs import runs_sql

D = datetime.date


def _as_date(value: datetime.date | str) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _stored() -> set[tuple[int, int, int, datetime.date]]:
    return set(GrantZeroRun.objects.values_list("grant_id", "annual_list_id", "length", "ends_on"))


def _counted_afresh() -> set[tuple[int, int, int, datetime.date]]:
    """The count the zero-use flags ran over every accepted line before the runs were stored."""
    sql, parameters = runs_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return {(grant, edition, length, _as_date(ends)) for grant, edition, length, ends in cursor}


def _counted_in_python(world: World) -> set[tuple[int, int, int, datetime.date]]:
    """The slow path: ``rules.zero_use_run`` over each grant's accepted periods."""
    periods: dict[int, list[rules.PeriodUsage]] = defaultdict(list)
    for fact in reporting_selectors.accepted_usage(annual_list=world.edition):
        periods[fact.grant_id].append(
            rules.PeriodUsage(fact.period_end, fact.cases_received, 0, None, None)
        )
    runs = {grant_id: rules.zero_use_run(usage) for grant_id, usage in periods.items()}
    return {
        (grant_id, world.edition.pk, run.length, run.ends_on)
        for grant_id, run in runs.items()
        if run.length and run.ends_on is not None
    }


def _assert_runs_exact(world: World) -> None:
    stored = _stored()
    assert stored == _counted_afresh()
    assert stored == _counted_in_python(world)


def _file(cycle: ReportingCycle, zone: Zone, received: dict[Grant, int]) -> AreaReport:
    """The area's figures for the cycle, entered and submitted on the day entry opens; every
    grant the area reports on has a line (zero cases unless given)."""
    grants = reporting_selectors.reportable_grants(zone=zone, cycle=cycle)
    lines = [
        UsageLineInput(
            grant_id=grant.pk,
            cases_received=received.get(grant, 0),
            cases_completed=received.get(grant, 0),
        )
        for grant in grants
    ]
    report = record_usage(
        cycle=cycle, zone=zone, lines=lines, recorded_by=SYSTEM, today=cycle.opens_on
    )
    return submit_area_report(report=report, submitted_by=SYSTEM, today=cycle.opens_on)


def _accept(report: AreaReport) -> AreaReport:
    day = report.cycle.opens_on
    report = review_area_report(report=report, reviewed_by=SYSTEM, today=day)
    return accept_area_report(report=report, accepted_by=SYSTEM, today=day)


def test_stored_runs_follow_every_report_through_the_services(world: World) -> None:
    law_home = world.grant(world.law_firms, world.home)
    aid_home = world.grant(world.legal_aid, world.home)
    law_east = world.grant(world.law_firms, world.east)
    first, second, third = world.cycles
    _assert_runs_exact(world)  # nothing accepted: no runs
    assert _stored() == set()

    _accept(_file(first, world.home, {aid_home: 3}))  # law 0, aid 3
    _accept(_file(first, world.east, {}))  # law 0
    _assert_runs_exact(world)
    assert GrantZeroRun.objects.get(grant=law_home).length == 1

    # Returned, then corrected and accepted: only the accepted figures count.
    returned = _file(second, world.home, {law_home: 4})
    return_area_report(
        report=returned, reason="Figures to check.", returned_by=SYSTEM, today=second.opens_on
    )
    _assert_runs_exact(world)
    corrected = record_usage(
        cycle=second,
        zone=world.home,
        lines=[UsageLineInput(grant_id=law_home.pk, cases_received=0, cases_completed=0)],
        recorded_by=SYSTEM,
        today=second.opens_on,
    )
    submit_area_report(report=corrected, submitted_by=SYSTEM, today=second.opens_on)
    _accept(corrected)  # law 0, aid 0
    _accept(_file(second, world.east, {law_east: 5}))
    _assert_runs_exact(world)
    assert GrantZeroRun.objects.get(grant=law_home).length == 2
    assert GrantZeroRun.objects.get(grant=law_east).ends_on == first.period_end

    # The third period's report is late: reopened after the lock, then filed and accepted.
    late = AreaReport.objects.create(cycle=third, zone=world.home)  # expected, still a draft
    after_lock = third.locks_on + datetime.timedelta(days=1)
    reopen_area_report(
        report=late,
        reason="Late figures.",
        until=after_lock + datetime.timedelta(days=5),
        reopened_by=SYSTEM,
        today=after_lock,
    )
    _assert_runs_exact(world)
    lines = [
        UsageLineInput(grant_id=grant.pk, cases_received=0, cases_completed=0)
        for grant in (law_home, aid_home)
    ]
    record_usage(cycle=third, zone=world.home, lines=lines, recorded_by=SYSTEM, today=after_lock)
    late = submit_area_report(report=late, submitted_by=SYSTEM, today=after_lock)
    _accept(late)
    _accept(_file(third, world.east, {}))
    _assert_runs_exact(world)
    assert {run.grant_id: (run.length, run.ends_on) for run in GrantZeroRun.objects.all()} == {
        law_home.pk: (3, third.period_end),
        aid_home.pk: (1, third.period_end),  # reported from the late report on
        law_east.pk: (1, third.period_end),  # a tie with the first period's: the latest
    }
    assert selectors.list_flagged_grants(annual_list=world.edition) == [
        FlaggedGrant(law_home.pk, world.home.pk, law_home.entry_id, 3, third.period_end),
    ]


def test_a_reports_runs_are_written_in_a_constant_number_of_queries(world: World) -> None:
    """Locking the report's grants, deleting their runs, inserting them counted again: three
    statements whether the report has one line or many, reading only its grants' lines."""
    cycle = world.cycles[0]
    lines = [
        UsageLineInput(grant_id=grant.pk, cases_received=0, cases_completed=0)
        for grant in (
            world.grant(world.law_firms, world.home),
            world.grant(world.legal_aid, world.home),
        )
    ]
    home = record_usage(
        cycle=cycle, zone=world.home, lines=lines, recorded_by=SYSTEM, today=cycle.opens_on
    )
    home = submit_area_report(report=home, submitted_by=SYSTEM, today=cycle.opens_on)  # two lines
    east = _file(cycle, world.east, {})  # one line
    assert (home.lines.count(), east.lines.count()) == (2, 1)
    counts = []
    for report in (home, east):
        report = review_area_report(report=report, reviewed_by=SYSTEM, today=D(2023, 6, 30))
        with CaptureQueriesContext(connection) as queries:
            accept_area_report(report=report, accepted_by=SYSTEM, today=D(2023, 6, 30))
        written = [
            query["sql"] for query in queries.captured_queries if "grantzerorun" in query["sql"]
        ]
        locks = [
            query["sql"]
            for query in queries.captured_queries
            if query["sql"].startswith('SELECT "grants_grant"')
        ]
        counts.append((len(queries.captured_queries), len(written), len(locks)))
    assert counts[0] == counts[1]
    assert counts[0][1] == 2  # delete, insert
    # The grants are locked where the database locks rows; SQLite would run the SELECT for nothing.
    assert counts[0][2] == int(connection.features.has_select_for_update)
    assert UsageLine.objects.filter(report__status="accepted").count() == 3
    _assert_runs_exact(world)


def test_the_flags_read_the_stored_runs_in_one_query(world: World) -> None:
    """With the threshold given, one query; with the editions' rounds' thresholds, two."""
    law_home = world.grant(world.law_firms, world.home)
    for cycle in world.cycles[:2]:
        _accept(_file(cycle, world.home, {}))

    with CaptureQueriesContext(connection) as given:
        flagged = selectors.list_flagged_grants(annual_list=world.edition, min_periods=2)
    with CaptureQueriesContext(connection) as by_round:
        selectors.list_flagged_grants(annual_lists=[world.edition])

    assert law_home.pk in {flag.grant_id for flag in flagged}
    assert len(given.captured_queries) == 1
    assert len(by_round.captured_queries) == 2
