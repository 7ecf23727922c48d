"""Named reads of reporting: cycles, scoped reports, accepted usage (the only figures that feed
dashboards, assessments and anything public), completeness and timeliness, what is overdue.

Completeness counts, for each subject, the reports expected in cycles due by ``on``:
``submitted`` were first submitted by ``on``; ``submitted_on_time`` by their due date;
``accepted`` and ``returned`` are the current statuses; ``overdue`` are due before ``on`` and
still owed (never submitted, or returned and not yet resubmitted).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.db.models import (
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from devolve.accounts.models import User
from devolve.core.i18n import in_current_language
from devolve.grants.models import Grant
from devolve.matters.models import AnnualList, Department, ListEntry, Matter
from devolve.regions.models import Division, Zone
from devolve.reporting.models import (
    ApprovalStep,
    AreaReport,
    DepartmentReport,
    GrantZeroRun,
    ReportingCycle,
    ReportingNotice,
    ReportStatus,
    SupportProgress,
    UsageLine,
)
from devolve.reporting.rules import period_label

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


def list_area_reports_newest_first(*, user: User) -> QuerySet[AreaReport]:
    """What ``user`` sees, the latest period first, then by pilot area."""
    return list_area_reports_visible_to(user=user).order_by("-cycle__period_start", "zone__slug")


def list_area_report_ids(*, reports: QuerySet[AreaReport]) -> list[int]:
    return list(reports.values_list("pk", flat=True))


def get_area_report(*, pk: int) -> AreaReport | None:
    return list_area_reports().filter(pk=pk).first()


def list_usage_lines(
    *, report: AreaReport, grants: Sequence[Grant] | None = None
) -> QuerySet[UsageLine]:
    """The report's lines, or only those of ``grants`` (a page of its edit form)."""
    lines = report.lines.all() if grants is None else report.lines.filter(grant__in=grants)
    return lines.select_related(
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
    return _reportable_grants(cycle).filter(zone=zone).order_by("entry__sequence", "pk")


def reportable_grants_by_area(*, cycle: ReportingCycle) -> dict[int, list[Grant]]:
    """``reportable_grants`` of every area, by zone id, in one query: for whoever fills in many
    areas' reports of a cycle (the demo)."""
    grants: dict[int, list[Grant]] = {}
    for grant in _reportable_grants(cycle).order_by("zone_id", "entry__sequence", "pk"):
        grants.setdefault(grant.zone_id, []).append(grant)
    return grants


def promised_limits_before(
    *, report: AreaReport, grants: Sequence[Grant] | None = None
) -> dict[int, int]:
    """For each grant the report covers (or each of ``grants``, a page of them), the promised
    limit its area gave in the latest earlier period (of this grant or the grant of the previous
    edition it continues), to prefill."""
    if grants is None:
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


def list_department_reports_newest_first(*, user: User) -> QuerySet[DepartmentReport]:
    return list_department_reports_visible_to(user=user).order_by("-cycle__period_start")


def list_support_progress(*, report: DepartmentReport) -> QuerySet[SupportProgress]:
    return report.support_progress.select_related("entry__matter")


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


def zero_runs_at_least(
    thresholds: dict[int, int],
) -> list[tuple[int, int, int, int, int, datetime.date]]:
    """The stored runs of accepted periods without a case (``GrantZeroRun``) at least as long as
    their edition's threshold (edition id → periods), longest first: grant, edition, area,
    entry, length and the day the run ends. One query, an index range per edition."""
    if not thresholds:
        return []
    wanted = Q()
    for annual_list_id, periods in thresholds.items():
        wanted |= Q(annual_list_id=annual_list_id, length__gte=periods)
    return list(
        GrantZeroRun.objects.filter(wanted)
        .order_by("-length", "grant_id")
        .values_list(
            "grant_id", "annual_list_id", "grant__zone_id", "grant__entry_id", "length", "ends_on"
        )
    )


def _accepted_lines() -> QuerySet[UsageLine]:
    return UsageLine.objects.filter(report__status=ReportStatus.ACCEPTED.value)


def accepted_usage_lines() -> QuerySet[UsageLine]:
    """Every usage line of an accepted report, by edition, period, area and entry: all that open
    data and the anonymous API publish of usage."""
    return _accepted_lines().order_by(
        "report__cycle__annual_list__year",
        "report__cycle__annual_list__batch__number",
        "report__cycle__annual_list__edition",
        "report__cycle__period_start",
        "report__zone__slug",
        "grant__entry__sequence",
    )


def usage_last_changed() -> datetime.datetime | None:
    """When a report or a usage line last changed (their latest history rows)."""
    moments = [
        model.history.aggregate(latest=Max("history_date"))["latest"]
        for model in (AreaReport, UsageLine)
    ]
    return max((moment for moment in moments if moment is not None), default=None)


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
class PeriodUsage:
    """Accepted cases in one reporting period, summed over the grants selected."""

    label: str
    period_start: datetime.date
    period_end: datetime.date
    cases_received: int
    cases_completed: int
    areas: int


def accepted_usage_by_period(
    *, zone: Zone | None = None, matter: Matter | None = None
) -> list[PeriodUsage]:
    """Accepted cases per period of an area's grants, or of a matter's grants in every area,
    oldest first: one grouped query."""
    lines = _accepted_lines()
    if zone is not None:
        lines = lines.filter(report__zone=zone)
    if matter is not None:
        lines = lines.filter(grant__entry__matter=matter)
    rows = (
        lines.values(
            "report__cycle__frequency",
            "report__cycle__sequence",
            "report__cycle__period_start",
            "report__cycle__period_end",
        )
        .annotate(
            received=Sum("cases_received"),
            completed=Sum("cases_completed"),
            areas=Count("report__zone", distinct=True),
        )
        .order_by("report__cycle__period_start", "report__cycle__period_end")
    )
    return [
        PeriodUsage(
            label=period_label(
                frequency=row["report__cycle__frequency"],
                sequence=row["report__cycle__sequence"],
                period_start=row["report__cycle__period_start"],
            ),
            period_start=row["report__cycle__period_start"],
            period_end=row["report__cycle__period_end"],
            cases_received=row["received"],
            cases_completed=row["completed"],
            areas=row["areas"],
        )
        for row in rows
    ]


def with_accepted_usage(grants: QuerySet[Grant]) -> QuerySet[Grant]:
    """Annotate each grant with ``accepted_received`` and ``accepted_completed``: its cases in
    accepted reports, all periods together (0 when none was accepted)."""

    def total(field: str) -> Coalesce:
        summed = (
            _accepted_lines()
            .filter(grant=OuterRef("pk"))
            .order_by()
            .values("grant")
            .annotate(total=Sum(field))
            .values("total")
        )
        return Coalesce(Subquery(summed), 0)

    return grants.annotate(
        accepted_received=total("cases_received"), accepted_completed=total("cases_completed")
    )


@dataclass(frozen=True)
class AreaUsage:
    """Accepted cases of one matter in one area, all periods together."""

    zone_slug: str
    name_zh: str
    name_en: str
    cases_received: int
    cases_completed: int
    periods: int


def accepted_usage_by_area(*, matter: Matter) -> list[AreaUsage]:
    """A matter's accepted cases per area, most received first: one grouped query."""
    rows = (
        _accepted_lines()
        .filter(grant__entry__matter=matter)
        .values("report__zone__slug", "report__zone__name_zh", "report__zone__name_en")
        .annotate(
            received=Sum("cases_received"),
            completed=Sum("cases_completed"),
            periods=Count("report__cycle", distinct=True),
        )
        .order_by("-received", "report__zone__slug")
    )
    return [
        AreaUsage(
            zone_slug=row["report__zone__slug"],
            name_zh=row["report__zone__name_zh"],
            name_en=row["report__zone__name_en"],
            cases_received=row["received"],
            cases_completed=row["completed"],
            periods=row["periods"],
        )
        for row in rows
    ]


def list_accepted_reports(*, zone: Zone) -> QuerySet[AreaReport]:
    """The area's accepted reports, oldest period first (for its public timeline)."""
    return (
        list_area_reports()
        .filter(zone=zone, status=ReportStatus.ACCEPTED.value)
        .order_by("cycle__period_start", "cycle__annual_list_id")
    )


@dataclass(frozen=True)
class UsageTotal:
    """Accepted cases of a set of editions in one reporting period."""

    period_start: datetime.date
    period_end: datetime.date
    cases_received: int
    cases_completed: int
    grants_reported: int
    grants_used: int


def usage_totals_by_period(
    *, annual_lists: Iterable[AnnualList], starts_on: datetime.date, ends_on: datetime.date
) -> list[UsageTotal]:
    """Accepted usage summed per reporting period that starts in [starts_on, ends_on], oldest
    first: one aggregate query."""
    rows = (
        _accepted_lines()
        .filter(
            report__cycle__annual_list__in=list(annual_lists),
            report__cycle__period_start__gte=starts_on,
            report__cycle__period_start__lte=ends_on,
        )
        .values("report__cycle__period_start", "report__cycle__period_end")
        .annotate(
            received=Sum("cases_received"),
            completed=Sum("cases_completed"),
            reported=Count("grant", distinct=True),
            used=Count("grant", distinct=True, filter=Q(cases_completed__gt=0)),
        )
        .order_by("report__cycle__period_start", "report__cycle__period_end")
    )
    return [
        UsageTotal(
            period_start=row["report__cycle__period_start"],
            period_end=row["report__cycle__period_end"],
            cases_received=row["received"] or 0,
            cases_completed=row["completed"] or 0,
            grants_reported=row["reported"],
            grants_used=row["used"],
        )
        for row in rows
    ]


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


def _tallies(*, on: datetime.date) -> dict[str, Any]:
    """The conditional counts of one completeness row, for ``annotate`` over grouped reports."""
    submitted = Q(first_submitted_on__isnull=False, first_submitted_on__lte=on)
    return {
        "expected": Count("pk"),
        "submitted": Count("pk", filter=submitted),
        "submitted_on_time": Count(
            "pk", filter=submitted & Q(first_submitted_on__lte=F("cycle__due_on"))
        ),
        "accepted": Count("pk", filter=Q(status=ReportStatus.ACCEPTED.value)),
        "returned": Count("pk", filter=Q(status=ReportStatus.RETURNED.value)),
        "overdue": Count("pk", filter=Q(status__in=OWED_STATUSES, cycle__due_on__lt=on)),
    }


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
    department reports), over the reports of cycles due by ``on`` (today by default). One
    grouped query, counted in the database. Rows are ordered by key."""
    on = on or timezone.localdate()
    reports: QuerySet[Any]
    if by == "department":
        reports = DepartmentReport.objects.filter(cycle__due_on__lte=on)
        key, prefix = "department__code", "department__"
    else:
        reports = AreaReport.objects.filter(cycle__due_on__lte=on)
        key = "zone__slug" if by == "area" else "zone__prefecture__code"
        prefix = "zone__" if by == "area" else "zone__prefecture__"
    if annual_list is not None:
        reports = reports.filter(cycle__annual_list=annual_list)
    if cycle is not None:
        reports = reports.filter(cycle=cycle)
    rows = (
        reports.order_by()
        .values(key, f"{prefix}name_zh", f"{prefix}name_en")
        .annotate(**_tallies(on=on))
        .order_by(key)
    )
    return [
        CompletenessRow(
            key=row[key],
            label=_named(row[f"{prefix}name_zh"], row[f"{prefix}name_en"]),
            expected=row["expected"],
            submitted=row["submitted"],
            submitted_on_time=row["submitted_on_time"],
            accepted=row["accepted"],
            returned=row["returned"],
            overdue=row["overdue"],
            completeness=_rate(row["submitted"], row["expected"]),
            timeliness=_rate(row["submitted_on_time"], row["expected"]),
        )
        for row in rows
    ]


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


def _own_zone_slugs(user: User) -> set[str]:
    return set(list_area_reports_visible_to(user=user).values_list("zone__slug", flat=True))


def overdue_reports_visible_to(*, user: User, on: datetime.date) -> list[OverdueReport]:
    """The overdue reports this user oversees: a prefecture its areas', the office, auditors and
    evaluators every one; most overdue first."""
    found = overdue_reports(on=on)
    if user.role == User.Role.PREFECTURE:
        own = _own_zone_slugs(user)
        return [report for report in found if report.kind == "area" and report.subject_key in own]
    if user.role in {User.Role.OFFICE, User.Role.AUDITOR, User.Role.EVALUATOR}:
        return found
    return []


def completeness_visible_to(
    *,
    user: User,
    by: Literal["area", "prefecture", "department"],
    annual_list: AnnualList | None = None,
    on: datetime.date | None = None,
) -> list[CompletenessRow]:
    """``completeness`` as far as this user oversees it: a prefecture sees only its own areas
    (and no prefecture or department breakdown)."""
    if user.role == User.Role.PREFECTURE:
        if by != "area":
            return []
        own = _own_zone_slugs(user)
        rows = completeness(by="area", annual_list=annual_list, on=on)
        return [row for row in rows if row.key in own]
    return completeness(by=by, annual_list=annual_list, on=on)


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
    reviewed ones; the earliest due first."""
    reports = list_area_reports_visible_to(user=user).order_by("cycle__due_on", "zone__slug")
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


def with_line_counts(reports: QuerySet[AreaReport]) -> QuerySet[AreaReport]:
    """Annotate each report with ``line_count``, its usage lines counted in the same query by a
    subquery per report read (for a report or a few: on a deep page PostgreSQL would count the
    lines of every report skipped before it, so a list's page is counted by
    ``count_lines_of``)."""
    counted = (
        UsageLine.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return reports.annotate(line_count=Coalesce(Subquery(counted), 0))


def count_lines_of(reports: Sequence[AreaReport]) -> Sequence[AreaReport]:
    """Set each report's ``line_count``: its usage lines, counted for all of ``reports`` (a
    list's page) in one grouped query over the lines' report index."""
    if not reports:
        return reports
    counts = dict(
        UsageLine.objects.filter(report__in=[report.pk for report in reports])
        .order_by()
        .values("report")
        .annotate(count=Count("pk"))
        .values_list("report", "count")
    )
    for report in reports:
        setattr(report, "line_count", counts.get(report.pk, 0))  # noqa: B010 (not a field)
    return reports


@dataclass(frozen=True)
class ReportingWork:
    """What waits for one user in reporting, counted in SQL: reports to fill in (earliest due
    date), returned ones, area reports to review or accept (earliest waiting since), department
    reports to accept, unread notices."""

    to_fill: int = 0
    to_fill_due_on: datetime.date | None = None
    returned: int = 0
    to_review: int = 0
    to_review_since: datetime.date | None = None
    department_reports_to_accept: int = 0
    unread_notices: int = 0


def _owed(reports: QuerySet[Any], on: datetime.date) -> dict[str, Any]:
    owed = Q(status__in=OWED_STATUSES, cycle__opens_on__lte=on)
    return reports.aggregate(
        to_fill=Count("pk", filter=owed),
        to_fill_due_on=Min("cycle__due_on", filter=owed),
        returned=Count("pk", filter=Q(status=ReportStatus.RETURNED.value)),
    )


def count_reporting_work(*, user: User, on: datetime.date) -> ReportingWork:
    """At most three queries whatever the number of reports: one aggregate over the reports the
    user's role acts on, one over department reports for the office, one for unread notices."""
    counts: dict[str, Any] = {}
    if user.role == User.Role.PILOT_AREA:
        counts = _owed(list_area_reports_visible_to(user=user).order_by(), on)
    elif user.role == User.Role.DEPARTMENT:
        counts = _owed(list_department_reports_visible_to(user=user).order_by(), on)
    elif user.role in {User.Role.PREFECTURE, User.Role.OFFICE}:
        waiting, since = (
            (ReportStatus.SUBMITTED.value, "submitted_on")
            if user.role == User.Role.PREFECTURE
            else (ReportStatus.REVIEWED.value, "reviewed_on")
        )
        counts = (
            list_area_reports_visible_to(user=user)
            .order_by()
            .aggregate(
                to_review=Count("pk", filter=Q(status=waiting)),
                to_review_since=Min(since, filter=Q(status=waiting)),
            )
        )
        if user.role == User.Role.OFFICE:
            counts["department_reports_to_accept"] = (
                list_department_reports_visible_to(user=user)
                .filter(status=ReportStatus.SUBMITTED.value)
                .count()
            )
    unread = list_notices(user=user, unread_only=True).count()
    return ReportingWork(**counts, unread_notices=unread)
