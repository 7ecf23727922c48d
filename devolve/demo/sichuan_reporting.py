"""Two years of periodic reports for the Sichuan demo, made through the reporting services.

Every figure here is ILLUSTRATIVE: no source publishes the pilot areas' case volumes, handling
times or the departments' support work (brief §1.5). Each record made here carries
``is_illustrative=True`` and the pages say so. The numbers come from a seeded generator, so the
same database always gets the same reports.

The gaps are deliberate, to show what the dashboards are for: some reports are late, one is
returned by its prefecture and resubmitted, some are never submitted, some still wait for a
review; grants of the entries named in ``zero_use_entry_codes`` report no cases in any period.
Tianfu's report of the current cycle (the one for the period that ended last before ``as_of``)
is left unsubmitted, and reopened by the office when entry has locked, so a visitor can sign in
as ``tianfu`` and fill it in.

Nothing happens after the seed's ``as_of`` day: a cycle that has not opened by then has no
submissions, and each step of a report (saved, submitted, returned, reviewed, accepted) is taken
only if its day has come, so the cycle open on ``as_of`` shows reports still owed or waiting for
review, as on a real day.
"""

import datetime
import random
from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from devolve.core.actors import SYSTEM
from devolve.demo.stamping import stamped
from devolve.grants.models import Grant
from devolve.matters.models import AnnualList, ListEntry
from devolve.reporting import selectors
from devolve.reporting.models import (
    AreaReport,
    DepartmentReport,
    ReportingCycle,
    SupportProgress,
)
from devolve.reporting.services import (
    DepartmentFigures,
    SupportProgressInput,
    UsageLineInput,
    accept_area_report,
    accept_department_report,
    generate_cycles,
    reopen_area_report,
    return_area_report,
    review_area_report,
    save_area_report,
    save_department_report,
    send_reporting_reminders,
    submit_area_report,
    submit_department_report,
)

if TYPE_CHECKING:
    from devolve.demo.seed import SeedReport

DEMO_AREA = "tianfu-new-area"
# Illustrative: from 2026 the office asks for monthly reports, so that on any day of the year a
# cycle is open or about to fall due (quarterly before).
MONTHLY_FROM = 2026
# Texts the demo's users type, in Chinese as they would write them, marked 示意 (illustrative).
RETURN_REASON = "办件量与政务服务平台统计不一致，请核对后重新报送（示意）。"
REOPEN_REASON = "演示：重新开放本期报表，供天府新区在线填报（示意）。"
CORRECTION_NOTE = "已按平台数据更正（示意）。"
PROBLEMS = ("系统账号权限尚未完全开通（示意）。", "专业审查人员不足（示意）。")
HELP = "请省级部门开展业务培训（示意）。"


def seed_reports(
    report: "SeedReport",
    *,
    annual_list: AnnualList,
    as_of: datetime.date | None = None,
    zero_use_entry_codes: Collection[str] = (),
) -> None:
    """Quarterly cycles for the edition's year and its reports (see the module docstring).
    ``zero_use_entry_codes`` are matter codes (事项编码) or, for matters without one, Chinese
    names. ``as_of`` defaults to today. Leaves an edition that already has cycles as it is."""
    existing = selectors.list_cycles(annual_list=annual_list).count()
    if existing:
        report.add("reporting_cycles", created=0, existing=existing)
        return
    _seed_edition(
        report, annual_list, frozenset(zero_use_entry_codes), as_of or timezone.localdate()
    )


@transaction.atomic
def _seed_edition(
    report: "SeedReport", annual_list: AnnualList, zero_use: frozenset[str], as_of: datetime.date
) -> None:
    monthly = annual_list.year >= MONTHLY_FROM
    with stamped(annual_list.published_on or as_of):
        cycles = _generate(annual_list, monthly=monthly)
    report.add("reporting_cycles", created=len(cycles), existing=0)
    _play_cycles(report, annual_list, cycles, zero_use, as_of)


def _generate(annual_list: AnnualList, *, monthly: bool) -> list[ReportingCycle]:
    return generate_cycles(
        annual_list=annual_list,
        frequency=ReportingCycle.Frequency.MONTHLY
        if monthly
        else ReportingCycle.Frequency.QUARTERLY,
        generated_by=SYSTEM,
        is_illustrative=True,
    )


def _play_cycles(
    report: "SeedReport",
    annual_list: AnnualList,
    cycles: list[ReportingCycle],
    zero_use: frozenset[str],
    as_of: datetime.date,
) -> None:
    opened = [cycle for cycle in cycles if cycle.opens_on <= as_of]
    current = opened[-1] if opened and _is_current(opened[-1], as_of) else None
    counts = {"area_reports_accepted": 0, "department_reports_accepted": 0}
    # Each department's support entries, the same in every cycle of the edition: nothing the
    # replay does changes the edition's entries.
    support_entries: dict[int, list[ListEntry]] = {}
    for cycle in opened:
        area_reports = list(selectors.list_area_reports().filter(cycle=cycle))
        # Nothing the replay does changes which grants a report covers.
        grants = selectors.reportable_grants_by_area(cycle=cycle)
        for index, area_report in enumerate(area_reports):
            fate = _area_fate(
                annual_list.year, cycle, area_report, index, is_current=cycle == current
            )
            area_grants = grants.get(area_report.zone_id, [])
            if _play_area_report(area_report, area_grants, fate, zero_use, as_of) == "accepted":
                counts["area_reports_accepted"] += 1
        for department_report in selectors.list_department_reports().filter(cycle=cycle):
            department = department_report.department
            if department.pk not in support_entries:
                support_entries[department.pk] = list(
                    selectors.support_entries_of(department=department, cycle=cycle)
                )
            entries = support_entries[department.pk]
            if _play_department_report(
                department_report, entries, is_current=cycle == current, as_of=as_of
            ):
                counts["department_reports_accepted"] += 1
    for kind, count in counts.items():
        report.add(kind, created=count, existing=0)
    if opened:
        # Reminders as they went out the day after the last cycle fell due, or on as_of when
        # that comes first (due soon or overdue, as the cycle stands that day).
        reminded_on = min(opened[-1].due_on + datetime.timedelta(days=1), as_of)
        with stamped(reminded_on):
            send_reporting_reminders(on=reminded_on)


def _is_current(cycle: ReportingCycle, as_of: datetime.date) -> bool:
    """The cycle for the period that ended last before ``as_of``: reports for it are being
    filled in, reviewed or chased on that day."""
    return as_of <= cycle.period_end + (cycle.period_end - cycle.period_start)


def _rng(*parts: object) -> random.Random:
    return random.Random("|".join(str(part) for part in parts))  # noqa: S311 (demo figures)


def _area_fate(
    year: int, cycle: ReportingCycle, area_report: AreaReport, index: int, *, is_current: bool
) -> str:
    """What happens to one area report: the fixed gaps first, then chance (mostly accepted).
    In the current cycle Tianfu's report is left for the visitor to fill in (reopened by the
    office if entry has locked), Chengdu Eastern's waits for its prefecture and one waits for
    the office."""
    slug = area_report.zone.slug
    if is_current and slug == DEMO_AREA:
        return "reopened_for_demo"
    if is_current and slug == "chengdu-eastern-new-area":
        return "awaiting_prefecture"
    if is_current and index == 2:
        return "awaiting_office"
    if cycle.sequence == 2 and index == 1:
        return "returned_then_resubmitted"
    if slug == "dazhou-high-tech-park" and cycle.sequence == 3:
        return "never_submitted"
    roll = _rng("fate", year, cycle.sequence, slug).random()
    if roll < 0.05:
        return "never_submitted"
    if roll < 0.25:
        return "accepted_late"
    return "accepted"


def _figures(
    grant: Grant, zone_slug: str, cycle: ReportingCycle, zero_use: frozenset[str]
) -> UsageLineInput:
    """The line of one of the area's grants (``zone_slug``: the area's, passed in so that each
    line does not load its grant's zone)."""
    matter = grant.entry.matter
    if matter.code in zero_use or matter.name_zh in zero_use:
        return UsageLineInput(grant_id=grant.pk, cases_received=0, cases_completed=0)
    per_matter = _rng("matter", matter.name_zh)
    volume = per_matter.choice((4, 8, 15, 30))
    limit = per_matter.choice((5, 10, 15, 20))
    rng = _rng("line", zone_slug, matter.name_zh, cycle.period_start)
    received = max(0, round(volume * rng.uniform(0.4, 1.6)))
    # Mostly a small backlog; now and then cases carried over from the last period (flagged).
    completed = max(0, received - rng.randint(0, 3) + (2 if rng.random() < 0.06 else 0))
    # Mostly within the promised limit; now and then over it (flagged).
    days = Decimal(str(round(limit * rng.uniform(0.35, 1.04), 1))) if completed else None
    problem = rng.choice(PROBLEMS) if rng.random() < 0.1 else ""
    return UsageLineInput(
        grant_id=grant.pk,
        cases_received=received,
        cases_completed=completed,
        average_handling_days=days,
        promised_limit_days=limit,
        problems=problem,
        help_needed=HELP if problem else "",
    )


def _day(cycle: ReportingCycle, *, late: bool, salt: object) -> datetime.date:
    rng = _rng("day", cycle.pk, salt)
    if late:
        return cycle.due_on + datetime.timedelta(days=rng.randint(2, 15))
    return cycle.due_on - datetime.timedelta(days=rng.randint(0, 8))


def _play_area_report(
    area_report: AreaReport,
    grants: list[Grant],
    fate: str,
    zero_use: frozenset[str],
    as_of: datetime.date,
) -> str:
    """The report's steps up to ``as_of``; returns the state it is left in. ``grants``: those it
    covers (``selectors.reportable_grants``)."""
    cycle = area_report.cycle
    if fate == "never_submitted":
        return "draft"
    if fate == "reopened_for_demo":
        if cycle.locks_on >= as_of:
            return "draft"  # still open for entry: nothing to reopen
        with stamped(as_of):
            reopen_area_report(
                report=area_report,
                reason=REOPEN_REASON,
                until=as_of + datetime.timedelta(days=90),
                reopened_by=SYSTEM,
                today=as_of,
            )
        return "draft"
    lines = [_figures(grant, area_report.zone.slug, cycle, zero_use) for grant in grants]
    day = _day(cycle, late=fate == "accepted_late", salt=area_report.zone.slug)
    if day > as_of:
        return "draft"
    with stamped(day):
        save_area_report(report=area_report, lines=lines, saved_by=SYSTEM, today=day)
        submit_area_report(report=area_report, submitted_by=SYSTEM, today=day)
    if fate == "awaiting_prefecture":
        return "submitted"
    if fate == "returned_then_resubmitted":
        returned_on = day + datetime.timedelta(days=2)
        if returned_on > as_of:
            return "submitted"
        with stamped(returned_on):
            return_area_report(
                report=area_report, reason=RETURN_REASON, returned_by=SYSTEM, today=returned_on
            )
        first = lines[0]
        corrected = UsageLineInput(
            grant_id=first.grant_id,
            cases_received=first.cases_received + 1,
            cases_completed=first.cases_completed,
            average_handling_days=first.average_handling_days,
            promised_limit_days=first.promised_limit_days,
            problems=CORRECTION_NOTE,
        )
        day = returned_on + datetime.timedelta(days=3)
        if day > as_of:
            return "returned"
        with stamped(day):
            save_area_report(report=area_report, lines=[corrected], saved_by=SYSTEM, today=day)
            submit_area_report(report=area_report, submitted_by=SYSTEM, today=day)
    reviewed_on = day + datetime.timedelta(days=3)
    if reviewed_on > as_of:
        return "submitted"
    with stamped(reviewed_on):
        review_area_report(report=area_report, reviewed_by=SYSTEM, today=reviewed_on)
    accepted_on = day + datetime.timedelta(days=6)
    if fate == "awaiting_office" or accepted_on > as_of:
        return "reviewed"
    with stamped(accepted_on):
        accept_area_report(report=area_report, accepted_by=SYSTEM, today=accepted_on)
    return "accepted"


def _play_department_report(
    department_report: DepartmentReport,
    entries: list[ListEntry],
    *,
    is_current: bool,
    as_of: datetime.date,
) -> bool:
    """Most departments report on time and are accepted; in the current cycle the Department
    of Justice has not reported yet, and a few departments never report. ``entries``: the
    department's support entries in the cycle's edition (``selectors.support_entries_of``)."""
    cycle = department_report.cycle
    code = department_report.department.code
    rng = _rng("department", code, cycle.period_start)
    if (is_current and code == "justice") or rng.random() < 0.08:
        return False
    progress = []
    for entry in entries:
        entry_rng = _rng("support", entry.matter.name_zh, cycle.period_start)
        percent = min(100, cycle.sequence * 25 - entry_rng.randint(0, 20))
        status = entry_rng.choices(
            [choice.value for choice in SupportProgress.Status], weights=(8, 2, 1)
        )[0]
        progress.append(
            SupportProgressInput(
                entry_id=entry.pk,
                progress_percent=max(0, percent),
                status=status,
                milestone="阶段性工作完成（示意）" if percent >= 50 else "",
                narrative="示意数据。",
            )
        )
    figures = DepartmentFigures(
        guidance_sessions=rng.randint(0, 6),
        system_accounts_handed_over=rng.randint(0, 9),
        seals_handed_over=rng.randint(0, 2),
        staff_trained=rng.randint(0, 40),
        inspections_done=rng.randint(0, 5),
        narrative="示意数据。",
    )
    day = _day(cycle, late=rng.random() < 0.15, salt=code)
    if day > as_of:
        return False
    with stamped(day):
        save_department_report(
            report=department_report, figures=figures, progress=progress, saved_by=SYSTEM, today=day
        )
        submit_department_report(report=department_report, submitted_by=SYSTEM, today=day)
    accepted_on = day + datetime.timedelta(days=5)
    if accepted_on > as_of:
        return False
    with stamped(accepted_on):
        accept_department_report(report=department_report, accepted_by=SYSTEM, today=accepted_on)
    return True
