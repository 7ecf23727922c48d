"""Staff pages of the reporting feature: each role's reporting dashboard (what is due, what was
returned and why, usage trends, what a department owes, its areas' completeness), the report
pages with their approval steps, completeness and timeliness, cycles, and .xlsx exports.

Who sees a report is the scoped selector plus ``reporting.permissions``; who may act on it is the
services'. Routes are listed in ``urlpatterns``; dashboards/urls.py mounts them.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.spreadsheets import XLSX_CONTENT_TYPE
from devolve.dashboards.doors import allowed_for, data_of, errors_shown_on, has_role, submitted
from devolve.dashboards.views.annual_lists import PendingWork
from devolve.matters.models import AnnualList
from devolve.reporting import exports, rules, selectors
from devolve.reporting.findings import flag_messages
from devolve.reporting.forms import (
    CompletenessFilterForm,
    DepartmentFiguresForm,
    GenerateCyclesForm,
    ReasonForm,
    ReopenForm,
    SupportProgressFormSet,
    UsageLineFormSet,
)
from devolve.reporting.models import AreaReport, DepartmentReport
from devolve.reporting.permissions import (
    can_fill_area_report,
    can_fill_department_report,
    can_review_area_report,
    can_view_area_report,
    can_view_department_report,
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
    return_department_report,
    review_area_report,
    save_area_report,
    save_department_report,
    submit_area_report,
    submit_department_report,
)
from devolve.reporting.tables import (
    AreaReportTable,
    CompletenessTable,
    DepartmentReportTable,
    status_tag,
)

Role = User.Role
Status = rules.ReportStatus
READERS = (Role.OFFICE, Role.AUDITOR, Role.EVALUATOR)

# Reads ------------------------------------------------------------------------------------------


def _access_area_report(
    user: User, pk: int, allows: Callable[[User, AreaReport], Any], refusal: str
) -> AreaReport:
    report = selectors.get_area_report(pk=pk)
    if report is None:
        raise Http404(_("No such report."))
    if not allows(user, report):
        raise NotAllowed(refusal)
    return report


def _access_department_report(
    user: User, pk: int, allows: Callable[[User, DepartmentReport], Any], refusal: str
) -> DepartmentReport:
    report = selectors.get_department_report(pk=pk)
    if report is None:
        raise Http404(_("No such report."))
    if not allows(user, report):
        raise NotAllowed(refusal)
    return report


def _trend_chart(points: list[selectors.UsagePoint]) -> dict[str, Any]:
    return {
        "name": _("Cases received"),
        "labels": [point.label for point in points],
        "values": [point.cases_received for point in points],
    }


def _rate_chart(rows: list[selectors.CompletenessRow]) -> dict[str, Any]:
    return {
        "name": _("Completeness (%)"),
        "labels": [row.label for row in rows],
        "values": [
            round(float(row.completeness) * 100) if row.completeness is not None else 0
            for row in rows
        ],
    }


def pending_work(user: User) -> list[PendingWork]:
    """Links for the staff home page (dashboards/views/registry.py lists them)."""
    today = timezone.localdate()
    home = reverse("dashboards:reporting_dashboard")
    if user.role in {Role.PILOT_AREA, Role.DEPARTMENT}:
        owed = len(selectors.list_reports_due(user=user, on=today))
        return [PendingWork(_("Reports to fill in"), home, owed, "reports-due")]
    if user.role in {Role.PREFECTURE, Role.OFFICE}:
        waiting = selectors.list_reports_to_review(user=user).count()
        label = _("Reports to review") if user.role == Role.PREFECTURE else _("Reports to accept")
        return [PendingWork(label, home, waiting, "reports-to-review")]
    if user.role in READERS:
        return [PendingWork(_("Reporting completeness"), home, None, "reporting")]
    return []


# Dashboards -------------------------------------------------------------------------------------


@require_GET
@login_required
def reporting_dashboard(request: HttpRequest) -> HttpResponse:
    """Each role's reporting page: an area's, a department's, a prefecture's, or the office's."""
    user, today = acting_user(request), timezone.localdate()
    context: dict[str, Any] = {
        "today": today,
        "notices": list(selectors.list_notices(user=user)[:10]),
    }
    if user.role == Role.PILOT_AREA and user.zone is not None:
        reports = selectors.list_area_reports_visible_to(user=user).order_by("-cycle__period_start")
        points = selectors.usage_trend(zone=user.zone)
        context |= {
            "owed": selectors.list_reports_due(user=user, on=today),
            "table": AreaReportTable(reports),
            "points": points,
            "chart": _trend_chart(points),
        }
        return render(request, "dashboards/reporting/area_dashboard.html", context)
    if user.role == Role.DEPARTMENT:
        department_reports = selectors.list_department_reports_visible_to(user=user)
        context |= {
            "owed": selectors.list_reports_due(user=user, on=today),
            "table": DepartmentReportTable(department_reports.order_by("-cycle__period_start")),
        }
        return render(request, "dashboards/reporting/department_dashboard.html", context)
    if user.role == Role.PREFECTURE:
        return render(
            request,
            "dashboards/reporting/prefecture_dashboard.html",
            context | _prefecture(user, today),
        )
    if user.role in READERS:
        return render(
            request, "dashboards/reporting/office_dashboard.html", context | _office(user, today)
        )
    raise NotAllowed(_("Your role has no reporting page."))


def _prefecture(user: User, today: datetime.date) -> dict[str, Any]:
    reports = selectors.list_area_reports_visible_to(user=user)
    own = set(reports.values_list("zone__slug", flat=True))
    rows = [row for row in selectors.completeness(by="area", on=today) if row.key in own]
    overdue = [
        report
        for report in selectors.overdue_reports(on=today)
        if report.kind == "area" and report.subject_key in own
    ]
    return {
        "to_review": list(selectors.list_reports_to_review(user=user)),
        "completeness": CompletenessTable(rows),
        "chart": _rate_chart(rows),
        "overdue": overdue,
        "table": AreaReportTable(reports.order_by("-cycle__period_start", "zone__slug")[:50]),
    }


def _office(user: User, today: datetime.date) -> dict[str, Any]:
    rows = selectors.completeness(by="prefecture", on=today)
    return {
        "to_accept": list(selectors.list_reports_to_review(user=user)),
        "completeness": CompletenessTable(rows),
        "chart": _rate_chart(rows),
        "overdue": selectors.overdue_reports(on=today)[:30],
        "is_office": is_office(user),
    }


@require_GET
@login_required
@allowed_for(has_role(*READERS, Role.PREFECTURE))
def reporting_completeness(request: HttpRequest) -> HttpResponse:
    """Completeness and timeliness by pilot area, prefecture and department, for one edition or
    all; a prefecture sees its own areas."""
    user, today = acting_user(request), timezone.localdate()
    form = CompletenessFilterForm(request.GET or None)
    annual_list = form.cleaned_data["annual_list"] if form.is_valid() else None
    tables = _completeness_rows(user, annual_list, today)
    context = {
        "form": form,
        "annual_list": annual_list,
        "today": today,
        "tables": [(key, label, CompletenessTable(rows)) for key, label, rows in tables],
        "query": request.GET.urlencode(),
    }
    return render(request, "dashboards/reporting/completeness.html", context)


def _completeness_rows(
    user: User, annual_list: AnnualList | None, today: datetime.date
) -> list[tuple[str, str, list[selectors.CompletenessRow]]]:
    by_area = selectors.completeness(by="area", annual_list=annual_list, on=today)
    if user.role == Role.PREFECTURE:
        own = set(
            selectors.list_area_reports_visible_to(user=user).values_list("zone__slug", flat=True)
        )
        return [("area", _("By pilot area"), [row for row in by_area if row.key in own])]
    return [
        (
            "prefecture",
            _("By prefecture"),
            selectors.completeness(by="prefecture", annual_list=annual_list, on=today),
        ),
        ("area", _("By pilot area"), by_area),
        (
            "department",
            _("By department"),
            selectors.completeness(by="department", annual_list=annual_list, on=today),
        ),
    ]


@require_GET
@login_required
@allowed_for(has_role(*READERS, Role.PREFECTURE))
def reporting_completeness_export(request: HttpRequest) -> HttpResponse:
    user, today = acting_user(request), timezone.localdate()
    form = CompletenessFilterForm(request.GET or None)
    annual_list = form.cleaned_data["annual_list"] if form.is_valid() else None
    wanted = request.GET.get("by", "area")
    tables = {key: rows for key, _label, rows in _completeness_rows(user, annual_list, today)}
    if wanted not in tables:
        raise Http404(_("No such breakdown."))
    response = HttpResponse(
        exports.completeness_workbook(tables[wanted]), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = (
        f'attachment; filename="completeness-{wanted}-{today.isoformat()}.xlsx"'
    )
    return response


@require_GET
@login_required
@allowed_for(has_role(*READERS))
def reporting_usage_export(request: HttpRequest, annual_list_pk: int) -> HttpResponse:
    """The accepted usage of an edition's grants (only accepted figures leave the system)."""
    annual_list = AnnualList.objects.filter(pk=annual_list_pk).select_related("batch").first()
    if annual_list is None:
        raise Http404(_("No such edition."))
    response = HttpResponse(
        exports.usage_workbook(annual_list=annual_list), content_type=XLSX_CONTENT_TYPE
    )
    filename = f"usage-{annual_list.key.replace('/', '-')}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
@allowed_for(has_role(*READERS))
def reporting_cycle_list(request: HttpRequest) -> HttpResponse:
    """The cycles of every edition; the office generates an edition's cycles here."""
    user = acting_user(request)
    form = GenerateCyclesForm(data_of(request))
    if request.method == "POST" and not is_office(user):
        raise NotAllowed(_("Only the reform office sets reporting cycles."))
    if submitted(request, form):
        with errors_shown_on(form):
            cycles = generate_cycles(generated_by=user, **form.cleaned_data)
            messages.success(
                request, _("%(count)s reporting cycles were set.") % {"count": len(cycles)}
            )
            return redirect("dashboards:reporting_cycle_list")
    context = {"cycles": selectors.list_cycles(), "form": form, "is_office": is_office(user)}
    return render(request, "dashboards/reporting/cycle_list.html", context)


@require_POST
@login_required
def reporting_notices_read(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    selectors.list_notices(user=user, unread_only=True).update(read_at=timezone.now())
    return redirect("dashboards:reporting_dashboard")


# Area reports -----------------------------------------------------------------------------------


@require_GET
@login_required
def area_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, today = acting_user(request), timezone.localdate()
    report = _access_area_report(user, pk, can_view_area_report, _("You may not see this report."))
    lines = list(selectors.list_usage_lines(report=report))
    status = Status(report.status)
    fills = bool(can_fill_area_report(user, report))
    entry_open = status == Status.RETURNED or rules.is_open_for_entry(
        today=today,
        opens_on=report.cycle.opens_on,
        locks_on=report.cycle.locks_on,
        reopened_until=report.reopened_until,
    )
    context = {
        "report": report,
        "status_tag": status_tag(report),
        "lines": [(line, flag_messages(line.flags)) for line in lines],
        "steps": selectors.list_steps(report=report),
        "entry_open": entry_open,
        "can_edit": fills and status in rules.EDITABLE_STATUSES and entry_open,
        "can_submit": fills and status in rules.EDITABLE_STATUSES and entry_open and bool(lines),
        "can_review": bool(can_review_area_report(user, report)) and status == Status.SUBMITTED,
        "can_accept": is_office(user) and status == Status.REVIEWED,
        "can_return": (bool(can_review_area_report(user, report)) and status == Status.SUBMITTED)
        or (is_office(user) and status in {Status.SUBMITTED, Status.REVIEWED}),
        "can_reopen": is_office(user) and status in rules.EDITABLE_STATUSES,
        "return_form": ReasonForm(),
    }
    return render(request, "dashboards/reporting/area_report_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def area_report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The area's figures, one line per grant it held in the period."""
    user = acting_user(request)
    refusal = _("Only the pilot area fills in its own report.")
    report = _access_area_report(user, pk, can_fill_area_report, refusal)
    existing = {line.grant_id: line for line in selectors.list_usage_lines(report=report)}
    grants = list(selectors.reportable_grants(zone=report.zone, cycle=report.cycle))
    limits = selectors.promised_limits_before(report=report)
    initial = [
        _line_initial(grant.pk, existing.get(grant.pk), limits.get(grant.pk)) for grant in grants
    ]
    formset = UsageLineFormSet(data_of(request), initial=initial, prefix="lines")
    error = ""
    if request.method == "POST" and formset.is_valid():
        lines = [UsageLineInput(**form.cleaned_data) for form in formset]
        try:
            save_area_report(report=report, lines=lines, saved_by=user)
        except NotAllowed:
            raise
        except DomainError as refusal_error:
            error = str(refusal_error.message)
        else:
            messages.success(request, _("The figures were saved."))
            return redirect("dashboards:area_report_detail", pk=report.pk)
    rows = list(zip(grants, formset.forms, strict=False))
    context = {"report": report, "formset": formset, "rows": rows, "error": error}
    return render(request, "dashboards/reporting/area_report_form.html", context)


def _line_initial(grant_id: int, line: Any, promised_limit: int | None) -> dict[str, Any]:
    if line is None:
        return {
            "grant_id": grant_id,
            "cases_received": 0,
            "cases_completed": 0,
            "promised_limit_days": promised_limit,
        }
    return {
        "grant_id": grant_id,
        "cases_received": line.cases_received,
        "cases_completed": line.cases_completed,
        "average_handling_days": line.average_handling_days,
        "promised_limit_days": line.promised_limit_days,
        "problems": line.problems,
        "help_needed": line.help_needed,
    }


def _run_step(request: HttpRequest, step: Callable[[], object], done: str) -> None:
    """Runs one approval step and says how it went; a refusal of access stays a 403."""
    try:
        step()
    except NotAllowed:
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)


def _area_step(
    request: HttpRequest, pk: int, step: Callable[[AreaReport, User], AreaReport], done: str
) -> HttpResponse:
    user = acting_user(request)
    report = _access_area_report(user, pk, can_view_area_report, _("You may not see this report."))
    _run_step(request, lambda: step(report, user), done)
    return redirect("dashboards:area_report_detail", pk=report.pk)


@require_POST
@login_required
def area_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_step(
        request,
        pk,
        lambda report, user: submit_area_report(report=report, submitted_by=user),
        _("The report was submitted to the prefecture."),
    )


@require_POST
@login_required
def area_report_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_step(
        request,
        pk,
        lambda report, user: review_area_report(report=report, reviewed_by=user),
        _("The report was forwarded to the reform office."),
    )


@require_POST
@login_required
def area_report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_step(
        request,
        pk,
        lambda report, user: accept_area_report(report=report, accepted_by=user),
        _("The report was accepted; its figures are locked."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def area_report_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    report = _access_area_report(user, pk, can_view_area_report, _("You may not see this report."))
    form = ReasonForm(data_of(request))
    if submitted(request, form):
        with errors_shown_on(form):
            return_area_report(report=report, reason=form.cleaned_data["reason"], returned_by=user)
            messages.success(request, _("The report was returned to the area."))
            return redirect("dashboards:area_report_detail", pk=report.pk)
    context = {
        "report": report,
        "form": form,
        "title": _("Return the report"),
        "button": _("Return the report"),
    }
    return render(request, "dashboards/reporting/report_action.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def area_report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    report = _access_area_report(
        user,
        pk,
        lambda who, _report: is_office(who),
        _("Only the reform office reopens a report after the lock."),
    )
    form = ReopenForm(data_of(request))
    if submitted(request, form):
        with errors_shown_on(form):
            reopen_area_report(report=report, reopened_by=user, **form.cleaned_data)
            messages.success(request, _("The report was reopened."))
            return redirect("dashboards:area_report_detail", pk=report.pk)
    context = {
        "report": report,
        "form": form,
        "title": _("Reopen the report"),
        "button": _("Reopen"),
    }
    return render(request, "dashboards/reporting/report_action.html", context)


# Department reports -----------------------------------------------------------------------------


@require_GET
@login_required
def department_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    report = _access_department_report(
        user, pk, can_view_department_report, _("You may not see this report.")
    )
    status = Status(report.status)
    fills = bool(can_fill_department_report(user, report))
    context = {
        "report": report,
        "status_tag": status_tag(report),
        "progress": report.support_progress.select_related("entry__matter"),
        "owed_entries": selectors.support_entries_of(
            department=report.department, cycle=report.cycle
        ),
        "steps": selectors.list_steps(report=report),
        "can_edit": fills and status in rules.EDITABLE_STATUSES,
        "can_accept": is_office(user) and status == Status.SUBMITTED,
        "can_return": is_office(user) and status == Status.SUBMITTED,
        "return_form": ReasonForm(),
    }
    return render(request, "dashboards/reporting/department_report_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def department_report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    report = _access_department_report(
        user, pk, can_fill_department_report, _("Only the department fills in its own report.")
    )
    entries = list(selectors.support_entries_of(department=report.department, cycle=report.cycle))
    existing = {row.entry_id: row for row in report.support_progress.all()}
    figures = DepartmentFiguresForm(
        data_of(request), initial=_figures_initial(report), prefix="figures"
    )
    initial = [
        {
            "entry_id": entry.pk,
            "progress_percent": getattr(existing.get(entry.pk), "progress_percent", 0),
            "status": getattr(existing.get(entry.pk), "status", "on_track"),
            "milestone": getattr(existing.get(entry.pk), "milestone", ""),
            "narrative": getattr(existing.get(entry.pk), "narrative", ""),
        }
        for entry in entries
    ]
    formset = SupportProgressFormSet(data_of(request), initial=initial, prefix="progress")
    error = ""
    if request.method == "POST" and figures.is_valid() and formset.is_valid():
        try:
            save_department_report(
                report=report,
                figures=DepartmentFigures(**figures.cleaned_data),
                progress=[SupportProgressInput(**form.cleaned_data) for form in formset],
                saved_by=user,
            )
        except NotAllowed:
            raise
        except DomainError as refusal:
            error = str(refusal.message)
        else:
            messages.success(request, _("The report was saved."))
            return redirect("dashboards:department_report_detail", pk=report.pk)
    context = {
        "report": report,
        "figures": figures,
        "formset": formset,
        "rows": list(zip(entries, formset.forms, strict=False)),
        "error": error,
    }
    return render(request, "dashboards/reporting/department_report_form.html", context)


def _figures_initial(report: DepartmentReport) -> dict[str, Any]:
    fields = (
        "guidance_sessions",
        "system_accounts_handed_over",
        "seals_handed_over",
        "staff_trained",
        "inspections_done",
        "narrative",
    )
    return {field: getattr(report, field) for field in fields}


def _department_step(
    request: HttpRequest,
    pk: int,
    step: Callable[[DepartmentReport, User], DepartmentReport],
    done: str,
) -> HttpResponse:
    user = acting_user(request)
    report = _access_department_report(
        user, pk, can_view_department_report, _("You may not see this report.")
    )
    _run_step(request, lambda: step(report, user), done)
    return redirect("dashboards:department_report_detail", pk=report.pk)


@require_POST
@login_required
def department_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _department_step(
        request,
        pk,
        lambda report, user: submit_department_report(report=report, submitted_by=user),
        _("The report was submitted to the reform office."),
    )


@require_POST
@login_required
def department_report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _department_step(
        request,
        pk,
        lambda report, user: accept_department_report(report=report, accepted_by=user),
        _("The report was accepted; its figures are locked."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def department_report_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    report = _access_department_report(
        user, pk, can_view_department_report, _("You may not see this report.")
    )
    form = ReasonForm(data_of(request))
    if submitted(request, form):
        with errors_shown_on(form):
            return_department_report(
                report=report, reason=form.cleaned_data["reason"], returned_by=user
            )
            messages.success(request, _("The report was returned to the department."))
            return redirect("dashboards:department_report_detail", pk=report.pk)
    context = {
        "report": report,
        "form": form,
        "title": _("Return the report"),
        "button": _("Return the report"),
    }
    return render(request, "dashboards/reporting/report_action.html", context)


urlpatterns: list[URLPattern] = [
    path("reporting/", reporting_dashboard, name="reporting_dashboard"),
    path("reporting/completeness/", reporting_completeness, name="reporting_completeness"),
    path(
        "reporting/completeness/export/",
        reporting_completeness_export,
        name="reporting_completeness_export",
    ),
    path(
        "reporting/usage/<int:annual_list_pk>/export/",
        reporting_usage_export,
        name="reporting_usage_export",
    ),
    path("reporting/cycles/", reporting_cycle_list, name="reporting_cycle_list"),
    path("reporting/notices/read/", reporting_notices_read, name="reporting_notices_read"),
    path("reporting/area-reports/<int:pk>/", area_report_detail, name="area_report_detail"),
    path("reporting/area-reports/<int:pk>/edit/", area_report_edit, name="area_report_edit"),
    path("reporting/area-reports/<int:pk>/submit/", area_report_submit, name="area_report_submit"),
    path("reporting/area-reports/<int:pk>/review/", area_report_review, name="area_report_review"),
    path("reporting/area-reports/<int:pk>/accept/", area_report_accept, name="area_report_accept"),
    path("reporting/area-reports/<int:pk>/return/", area_report_return, name="area_report_return"),
    path("reporting/area-reports/<int:pk>/reopen/", area_report_reopen, name="area_report_reopen"),
    path(
        "reporting/department-reports/<int:pk>/",
        department_report_detail,
        name="department_report_detail",
    ),
    path(
        "reporting/department-reports/<int:pk>/edit/",
        department_report_edit,
        name="department_report_edit",
    ),
    path(
        "reporting/department-reports/<int:pk>/submit/",
        department_report_submit,
        name="department_report_submit",
    ),
    path(
        "reporting/department-reports/<int:pk>/accept/",
        department_report_accept,
        name="department_report_accept",
    ),
    path(
        "reporting/department-reports/<int:pk>/return/",
        department_report_return,
        name="department_report_return",
    ),
]
