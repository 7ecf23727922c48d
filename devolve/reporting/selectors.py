"""Named reads of reporting: cycles, scoped reports, accepted usage (the only figures that feed
dashboards, assessments and anything public), completeness and timeliness, what is overdue.

Completeness counts, for each subject, the reports expected in cycles due by ``on``:
``submitted`` were first submitted by ``on``; ``submitted_on_time`` by their due date;
``accepted`` and ``returned`` are the current statuses; ``overdue`` are due before ``on`` and
still owed (never submitted, or returned and not yet resubmitted).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from devolve.accounts.models import User
from devolve.core.i18n import in_current_language
from devolve.grants.models import Grant
from devolve.matters.models import AnnualList, Department, ListEntry
from devolve.regions.models import Division, Zone
from devolve.reporting.models import (
    ApprovalStep,
    AreaReport,
    DepartmentReport,
    ReportingCycle,
    ReportingNotice,
    UsageLine,
)
from devolve.reporting.rules import ReportStatus

OWED_STATUSES = (ReportStatus.DRAFT.value, ReportStatus.RETURNED.value)

# Cycles --------------------------------------------------------------------------------------


def list_cycles(*, annual_list: AnnualList | None = None) -> QuerySet[ReportingCycle]:
    cycles = ReportingCycle.objects.select_related("annual_list", "annual_list__batch")
    if annual_list is not None:
        cycles = cycles.filter(annual_list=annual_list)
    return cycles.order_by("period_start", "annual_list_id")


def get_cycle(*, pk: int) -> ReportingCycle | None:
    return list_cycles().filter(pk=pk).first()


def find_cycle(*, annual_list: AnnualList, period_start: datetime.date) -> ReportingCycle | None:
    return list_cycles(annual_list=annual_list).filter(period_start=period_start).first()


def list_open_cycles(*, on: datetime.date) -> QuerySet[ReportingCycle]:
    return list_cycles().filter(opens_on__lte=on, locks_on__gte=on)


# Area reports --------------------------------------------------------------------------------


def list_area_reports() -> QuerySet[AreaReport]:
    return AreaReport.objects.select_related(
        "cycle", "cycle__annual_list", "cycle__annual_list__batch", "zone", "zone__prefecture"
    )


def list_area_reports_visible_to(*, user: User) -> QuerySet[AreaReport]:
    """The office, auditors and evaluators see all; a prefecture its areas'; a pilot area its own;
    departments and anyone else none."""
    reports = list_area_reports()
    if not user.is_active:
        return reports.none()
    if user.role in {User.Role.OFFICE, User.Role.AUDITOR, User.Role.EVALUATOR}:
        return reports
    if user.role == User.Role.PREFECTURE and user.prefecture_id is not None:
        return reports.filter(zone__prefecture_id=user.prefecture_id)
    if user.role == User.Role.PILOT_AREA and user.zone_id is not None:
        return reports.filter(zone_id=user.zone_id)
    return reports.none()


def get_area_report(*, pk: int) -> AreaReport | None:
    return list_area_reports().filter(pk=pk).first()


def list_usage_lines(*, report: AreaReport) -> QuerySet[UsageLine]:
    return report.lines.select_related(
        "grant", "grant__entry", "grant__entry__matter", "grant__entry__mode"
    ).order_by("grant__entry__sequence", "pk")


def _reportable_grants(cycle: ReportingCycle) -> QuerySet[Grant]:
    return (
        Grant.objects.select_related("entry", "entry__matter", "entry__mode")
        .filter(
            entry__annual_list_id=cycle.annual_list_id,
            effective_on__isnull=False,
            effective_on__lte=cycle.period_end,
        )
        .exclude(entry__mode__code="support")
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=cycle.period_start))
    )


def reportable_grants(*, zone: Zone, cycle: ReportingCycle) -> QuerySet[Grant]:
    """The area's grants of the cycle's edition that a usage report covers: powers (not support
    matters) in effect at some point of the period."""
    return _reportable_grants(cycle).filter(zone=zone).order_by("entry__sequence")


def promised_limits_before(*, report: AreaReport) -> dict[int, int]:
    """For each grant the report covers, the promised limit its area gave in the latest earlier
    period (of this grant or the grant of the previous edition it continues), to prefill."""
    grants = list(reportable_grants(zone=report.zone, cycle=report.cycle))
    lineage = {grant.pk: grant.pk for grant in grants}
    lineage |= {grant.previous_grant_id: grant.pk for grant in grants if grant.previous_grant_id}
    lines = UsageLine.objects.filter(
        grant_id__in=list(lineage),
        promised_limit_days__isnull=False,
        report__cycle__period_start__lt=report.cycle.period_start,
    ).order_by("report__cycle__period_start", "pk")
    limits: dict[int, int] = {}
    for grant_id, limit in lines.values_list("grant_id", "promised_limit_days"):
        if limit is not None:  # filtered above; the check tells the type checker
            limits[lineage[grant_id]] = limit
    return limits


def zones_expected_to_report(*, cycle: ReportingCycle) -> QuerySet[Zone]:
    """Pilot areas holding at least one reportable grant in the cycle's period."""
    zone_ids = _reportable_grants(cycle).values("zone_id")
    return Zone.objects.filter(pk__in=zone_ids).order_by("prefecture__code", "slug")


def departments_expected_to_report(*, cycle: ReportingCycle) -> QuerySet[Department]:
    """Departments granting (or responsible for) a live entry of the cycle's edition."""
    entries = ListEntry.objects.filter(annual_list_id=cycle.annual_list_id).exclude(
        change=ListEntry.Change.WITHDRAWN
    )
    return Department.objects.filter(pk__in=entries.values("granting_department_id")).order_by(
        "code"
    )


def list_steps(*, report: AreaReport | DepartmentReport) -> QuerySet[ApprovalStep]:
    steps = ApprovalStep.objects.select_related("actor")
    if isinstance(report, AreaReport):
        return steps.filter(area_report=report)
    return steps.filter(department_report=report)


# Department reports --------------------------------------------------------------------------


def list_department_reports() -> QuerySet[DepartmentReport]:
    return DepartmentReport.objects.select_related(
        "cycle", "cycle__annual_list", "cycle__annual_list__batch", "department"
    )


def list_department_reports_visible_to(*, user: User) -> QuerySet[DepartmentReport]:
    """The office, auditors and evaluators see all; a department its own; anyone else none."""
    reports = list_department_reports()
    if not user.is_active:
        return reports.none()
    if user.role in {User.Role.OFFICE, User.Role.AUDITOR, User.Role.EVALUATOR}:
        return reports
    if user.role == User.Role.DEPARTMENT and user.department_id is not None:
        return reports.filter(department_id=user.department_id)
    return reports.none()


def get_department_report(*, pk: int) -> DepartmentReport | None:
    return list_department_reports().filter(pk=pk).first()


def support_entries_of(*, department: Department, cycle: ReportingCycle) -> QuerySet[ListEntry]:
    """The support matters of the cycle's edition the department is responsible for."""
    return (
        ListEntry.objects.select_related("matter")
        .filter(
            annual_list_id=cycle.annual_list_id,
            granting_department=department,
            mode__code="support",
        )
        .exclude(change=ListEntry.Change.WITHDRAWN)
        .order_by("sequence")
    )


# Accepted usage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageFact:
    """One grant in one period, from ACCEPTED area reports only."""

    grant_id: int
    zone_id: int
    entry_id: int
    cycle_id: int
    period_start: datetime.date
    period_end: datetime.date
    cases_received: int
    cases_completed: int
    average_handling_days: Decimal | None
    promised_limit_days: int | None


def _accepted_lines() -> QuerySet[UsageLine]:
    return UsageLine.objects.filter(report__status=ReportStatus.ACCEPTED.value)


def accepted_usage(*, annual_list: AnnualList) -> list[UsageFact]:
    """Accepted usage of the edition's grants, ordered by grant, then period."""
    rows = (
        _accepted_lines()
        .filter(report__cycle__annual_list=annual_list)
        .order_by("grant_id", "report__cycle__period_start")
        .values_list(
            "grant_id",
            "report__zone_id",
            "grant__entry_id",
            "report__cycle_id",
            "report__cycle__period_start",
            "report__cycle__period_end",
            "cases_received",
            "cases_completed",
            "average_handling_days",
            "promised_limit_days",
        )
    )
    return [UsageFact(*row) for row in rows]


@dataclass(frozen=True)
class UsagePoint:
    label: str
    cases_received: int
    cases_completed: int


def usage_trend(
    *, zone: Zone, annual_lists: Iterable[AnnualList] | None = None
) -> list[UsagePoint]:
    """Accepted cases of the area per period, oldest first (for its trend chart)."""
    lines = _accepted_lines().filter(report__zone=zone)
    if annual_lists is not None:
        lines = lines.filter(report__cycle__annual_list__in=list(annual_lists))
    totals: dict[int, list[int]] = {}
    cycles: dict[int, ReportingCycle] = {}
    for line in lines.select_related("report__cycle"):
        cycle = line.report.cycle
        cycles[cycle.pk] = cycle
        received, completed = totals.get(cycle.pk, [0, 0])
        totals[cycle.pk] = [received + line.cases_received, completed + line.cases_completed]
    ordered = sorted(cycles.values(), key=lambda cycle: (cycle.period_start, cycle.pk))
    return [UsagePoint(cycle.label, *totals[cycle.pk]) for cycle in ordered]


# Completeness and timeliness -----------------------------------------------------------------


@dataclass(frozen=True)
class CompletenessRow:
    key: str
    label: str
    expected: int
    submitted: int
    submitted_on_time: int
    accepted: int
    returned: int
    overdue: int
    completeness: Decimal | None
    timeliness: Decimal | None


def _rate(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


@dataclass
class _Tally:
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    accepted: int = 0
    returned: int = 0
    overdue: int = 0

    def count(
        self,
        *,
        status: str,
        first_submitted_on: datetime.date | None,
        due_on: datetime.date,
        on: datetime.date,
    ) -> None:
        self.expected += 1
        if first_submitted_on is not None and first_submitted_on <= on:
            self.submitted += 1
            if first_submitted_on <= due_on:
                self.on_time += 1
        self.accepted += status == ReportStatus.ACCEPTED.value
        self.returned += status == ReportStatus.RETURNED.value
        self.overdue += status in OWED_STATUSES and due_on < on

    def row(self, key: str, label: str) -> CompletenessRow:
        return CompletenessRow(
            key=key,
            label=label,
            expected=self.expected,
            submitted=self.submitted,
            submitted_on_time=self.on_time,
            accepted=self.accepted,
            returned=self.returned,
            overdue=self.overdue,
            completeness=_rate(self.submitted, self.expected),
            timeliness=_rate(self.on_time, self.expected),
        )


def _named(zh: str, en: str) -> str:
    return in_current_language(zh=zh, en=en)


def completeness(
    *,
    by: Literal["area", "prefecture", "department"],
    annual_list: AnnualList | None = None,
    cycle: ReportingCycle | None = None,
    on: datetime.date | None = None,
) -> list[CompletenessRow]:
    """Completeness and timeliness per area, prefecture (of area reports) or department (of
    department reports), over the reports of cycles due by ``on`` (today by default). One query.
    Rows are ordered by key."""
    on = on or timezone.localdate()
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    labels: dict[str, str] = {}
    if by == "department":
        department_rows = DepartmentReport.objects.filter(cycle__due_on__lte=on)
        if annual_list is not None:
            department_rows = department_rows.filter(cycle__annual_list=annual_list)
        if cycle is not None:
            department_rows = department_rows.filter(cycle=cycle)
        for code, zh, en, status, first, due_on in department_rows.values_list(
            "department__code",
            "department__name_zh",
            "department__name_en",
            "status",
            "first_submitted_on",
            "cycle__due_on",
        ):
            labels[code] = _named(zh, en)
            tallies[code].count(status=status, first_submitted_on=first, due_on=due_on, on=on)
    else:
        area_rows = AreaReport.objects.filter(cycle__due_on__lte=on)
        if annual_list is not None:
            area_rows = area_rows.filter(cycle__annual_list=annual_list)
        if cycle is not None:
            area_rows = area_rows.filter(cycle=cycle)
        prefix = "zone__" if by == "area" else "zone__prefecture__"
        key_field = "zone__slug" if by == "area" else "zone__prefecture__code"
        for key, zh, en, status, first, due_on in area_rows.values_list(
            key_field,
            f"{prefix}name_zh",
            f"{prefix}name_en",
            "status",
            "first_submitted_on",
            "cycle__due_on",
        ):
            labels[key] = _named(zh, en)
            tallies[key].count(status=status, first_submitted_on=first, due_on=due_on, on=on)
    return [tallies[key].row(key, labels[key]) for key in sorted(tallies)]


# What is owed --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueReport:
    """A report due before ``on`` and still owed (never submitted, or returned)."""

    kind: Literal["area", "department"]
    report_id: int
    cycle_id: int
    cycle_label: str
    subject_key: str  # zone slug or department code
    subject_label: str
    prefecture_code: str  # empty for department reports
    due_on: datetime.date
    days_overdue: int
    status: str
    url: str


def _overdue_area(report: AreaReport, on: datetime.date) -> OverdueReport:
    return OverdueReport(
        kind="area",
        report_id=report.pk,
        cycle_id=report.cycle_id,
        cycle_label=report.cycle.label,
        subject_key=report.zone.slug,
        subject_label=str(report.zone),
        prefecture_code=report.zone.prefecture.code,
        due_on=report.cycle.due_on,
        days_overdue=(on - report.cycle.due_on).days,
        status=report.status,
        url=report.get_absolute_url(),
    )


def _overdue_department(report: DepartmentReport, on: datetime.date) -> OverdueReport:
    return OverdueReport(
        kind="department",
        report_id=report.pk,
        cycle_id=report.cycle_id,
        cycle_label=report.cycle.label,
        subject_key=report.department.code,
        subject_label=str(report.department),
        prefecture_code="",
        due_on=report.cycle.due_on,
        days_overdue=(on - report.cycle.due_on).days,
        status=report.status,
        url=report.get_absolute_url(),
    )


def overdue_reports(*, on: datetime.date) -> list[OverdueReport]:
    """Every report due before ``on`` and not (re)submitted, most overdue first."""
    owed = {"status__in": OWED_STATUSES, "cycle__due_on__lt": on}
    found = [_overdue_area(report, on) for report in list_area_reports().filter(**owed)]
    found += [
        _overdue_department(report, on) for report in list_department_reports().filter(**owed)
    ]
    found.sort(key=lambda report: (-report.days_overdue, report.kind, report.subject_key))
    return found


def list_reports_due(*, user: User, on: datetime.date) -> list[AreaReport | DepartmentReport]:
    """What this user's area or department owes now: reports of open (or reopened) cycles not yet
    submitted, and returned ones, earliest due first."""
    owed: list[AreaReport | DepartmentReport] = []
    if user.role == User.Role.PILOT_AREA:
        owed.extend(
            list_area_reports_visible_to(user=user)
            .filter(status__in=OWED_STATUSES, cycle__opens_on__lte=on)
            .order_by("cycle__due_on")
        )
    elif user.role == User.Role.DEPARTMENT:
        owed.extend(
            list_department_reports_visible_to(user=user)
            .filter(status__in=OWED_STATUSES, cycle__opens_on__lte=on)
            .order_by("cycle__due_on")
        )
    return owed


def list_reports_to_review(*, user: User) -> QuerySet[AreaReport]:
    """Area reports waiting for this user's level: a prefecture's submitted ones, the office's
    reviewed ones."""
    reports = list_area_reports_visible_to(user=user)
    if user.role == User.Role.PREFECTURE:
        return reports.filter(status=ReportStatus.SUBMITTED.value)
    if user.role == User.Role.OFFICE:
        return reports.filter(status=ReportStatus.REVIEWED.value)
    return reports.none()


def list_notices(*, user: User, unread_only: bool = False) -> QuerySet[ReportingNotice]:
    notices = ReportingNotice.objects.filter(recipient=user).select_related("cycle")
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices


def prefecture_label(code: str) -> str:
    division = Division.objects.filter(code=code).first()
    return str(division) if division else code


def list_area_reports_with_lines(reports: QuerySet[AreaReport]) -> QuerySet[AreaReport]:
    return reports.prefetch_related(
        Prefetch("lines", queryset=UsageLine.objects.select_related("grant__entry__matter"))
    )
