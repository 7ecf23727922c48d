"""Two years of periodic reports for the Sichuan demo, made through the reporting services.

Every figure here is ILLUSTRATIVE: no source publishes the pilot areas' case volumes, handling
times or the departments' support work (brief §1.5). Each record made here carries
``is_illustrative=True`` and the pages say so. The numbers come from a seeded generator, so the
same database always gets the same reports.

The gaps are deliberate, to show what the dashboards are for: some reports are late, one is
returned by its prefecture and resubmitted, some are never submitted, some still wait for a
review; grants of the entries named in ``zero_use_entry_codes`` report no cases in any period.
Tianfu's last report of the latest edition is left unsubmitted and reopened by the office, so a
visitor can sign in as ``tianfu`` and fill it in.
"""

import datetime
import random
from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from devolve.demo import sichuan_lists
from devolve.grants.models import Grant
from devolve.matters.models import AnnualList
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
# The edition whose last report the office reopens for the visitor: the demo's latest.
DEMO_YEAR = sichuan_lists.EDITION_2024.year
RETURN_REASON = (
    "办件量与政务服务平台统计不一致，请核对后重新报送。"
    "(Illustrative: the figures do not match the service platform's count; check and resubmit.)"
)
REOPEN_REASON = (
    "演示：重新开放本期报表，供天府新区在线填报。"
    "(Demo: reopened so the Tianfu New Area account can fill in this report.)"
)
CORRECTION_NOTE = "已按平台数据更正。(Illustrative: corrected to the platform's count.)"
PROBLEMS = (
    "系统账号权限尚未完全开通。(Illustrative: system account permissions not yet fully granted.)",
    "专业审查人员不足。(Illustrative: too few qualified reviewers.)",
)
HELP = "请省级部门开展业务培训。(Illustrative: please train our staff.)"


def seed_reports(
    report: "SeedReport",
    *,
    annual_list: AnnualList,
    zero_use_entry_codes: Collection[str] = (),
) -> None:
    """Quarterly cycles for the edition's year and its reports (see the module docstring).
    ``zero_use_entry_codes`` are matter codes (事项编码) or, for matters without one, Chinese
    names. Leaves an edition that already has cycles as it is."""
    existing = selectors.list_cycles(annual_list=annual_list).count()
    if existing:
        report.add("reporting_cycles", created=0, existing=existing)
        return
    _seed_edition(report, annual_list, frozenset(zero_use_entry_codes))


@transaction.atomic
def _seed_edition(report: "SeedReport", annual_list: AnnualList, zero_use: frozenset[str]) -> None:
    cycles = generate_cycles(
        annual_list=annual_list,
        frequency=ReportingCycle.Frequency.QUARTERLY,
        generated_by=None,
        is_illustrative=True,
    )
    report.add("reporting_cycles", created=len(cycles), existing=0)
    last = cycles[-1]
    counts = {"area_reports_accepted": 0, "department_reports_accepted": 0}
    for cycle in cycles:
        area_reports = list(selectors.list_area_reports().filter(cycle=cycle))
        for index, area_report in enumerate(area_reports):
            fate = _area_fate(annual_list.year, cycle, area_report, index, is_last=cycle == last)
            if _play_area_report(area_report, fate, zero_use) == "accepted":
                counts["area_reports_accepted"] += 1
        for department_report in selectors.list_department_reports().filter(cycle=cycle):
            if _play_department_report(department_report, is_last=cycle == last):
                counts["department_reports_accepted"] += 1
    for kind, count in counts.items():
        report.add(kind, created=count, existing=0)
    # Reminders as they went out the day after the last cycle fell due.
    send_reporting_reminders(on=last.due_on + datetime.timedelta(days=1))


def _rng(*parts: object) -> random.Random:
    return random.Random("|".join(str(part) for part in parts))  # noqa: S311 (demo figures)


def _area_fate(
    year: int, cycle: ReportingCycle, area_report: AreaReport, index: int, *, is_last: bool
) -> str:
    """What happens to one area report: the fixed gaps first, then chance (mostly accepted)."""
    slug = area_report.zone.slug
    if is_last and slug == DEMO_AREA and year == DEMO_YEAR:
        return "reopened_for_demo"
    if is_last and slug == "chengdu-eastern-new-area":
        return "awaiting_prefecture"
    if is_last and index == 2:
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


def _figures(grant: Grant, cycle: ReportingCycle, zero_use: frozenset[str]) -> UsageLineInput:
    matter = grant.entry.matter
    if matter.code in zero_use or matter.name_zh in zero_use:
        return UsageLineInput(grant_id=grant.pk, cases_received=0, cases_completed=0)
    per_matter = _rng("matter", matter.name_zh)
    volume = per_matter.choice((4, 8, 15, 30))
    limit = per_matter.choice((5, 10, 15, 20))
    rng = _rng("line", grant.zone.slug, matter.name_zh, cycle.period_start)
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


def _play_area_report(area_report: AreaReport, fate: str, zero_use: frozenset[str]) -> str:
    cycle = area_report.cycle
    if fate == "never_submitted":
        return "draft"
    if fate == "reopened_for_demo":
        today = timezone.localdate()
        reopen_area_report(
            report=area_report,
            reason=REOPEN_REASON,
            until=today + datetime.timedelta(days=90),
            reopened_by=None,
            today=today,
        )
        return "draft"
    grants = list(selectors.reportable_grants(zone=area_report.zone, cycle=cycle))
    lines = [_figures(grant, cycle, zero_use) for grant in grants]
    day = _day(cycle, late=fate == "accepted_late", salt=area_report.zone.slug)
    save_area_report(report=area_report, lines=lines, saved_by=None, today=day)
    submit_area_report(report=area_report, submitted_by=None, today=day)
    if fate == "awaiting_prefecture":
        return "submitted"
    if fate == "returned_then_resubmitted":
        returned_on = day + datetime.timedelta(days=2)
        return_area_report(
            report=area_report, reason=RETURN_REASON, returned_by=None, today=returned_on
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
        save_area_report(report=area_report, lines=[corrected], saved_by=None, today=day)
        submit_area_report(report=area_report, submitted_by=None, today=day)
    review_area_report(report=area_report, reviewed_by=None, today=day + datetime.timedelta(days=3))
    if fate == "awaiting_office":
        return "reviewed"
    accept_area_report(report=area_report, accepted_by=None, today=day + datetime.timedelta(days=6))
    return "accepted"


def _play_department_report(department_report: DepartmentReport, *, is_last: bool) -> bool:
    """Most departments report on time and are accepted; in the last cycle the Department of
    Justice has not reported yet, and a few departments never report."""
    cycle = department_report.cycle
    code = department_report.department.code
    rng = _rng("department", code, cycle.period_start)
    if (is_last and code == "justice") or rng.random() < 0.08:
        return False
    entries = selectors.support_entries_of(department=department_report.department, cycle=cycle)
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
                milestone="阶段性工作完成 (illustrative)" if percent >= 50 else "",
                narrative="示意数据。(Illustrative.)",
            )
        )
    figures = DepartmentFigures(
        guidance_sessions=rng.randint(0, 6),
        system_accounts_handed_over=rng.randint(0, 9),
        seals_handed_over=rng.randint(0, 2),
        staff_trained=rng.randint(0, 40),
        inspections_done=rng.randint(0, 5),
        narrative="示意数据。(Illustrative.)",
    )
    day = _day(cycle, late=rng.random() < 0.15, salt=code)
    save_department_report(
        report=department_report, figures=figures, progress=progress, saved_by=None, today=day
    )
    submit_department_report(report=department_report, submitted_by=None, today=day)
    accept_department_report(
        report=department_report, accepted_by=None, today=day + datetime.timedelta(days=5)
    )
    return True
