"""Staff pages of the reporting feature: each role's reporting dashboard (what is due, what was
returned and why, usage trends, what a department owes, its areas' completeness), the report
pages with their approval steps, completeness and timeliness, cycles, and .xlsx exports.

Who sees a report is the scoped selector plus ``reporting.permissions``; who may act on it is the
services'. Routes are listed in ``urlpatterns``; dashboards/urls.py mounts them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

import django_tables2 as tables
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.access import allows, requires
from devolve.core.bulk import Refusal
from devolve.core.errors import NotAllowed
from devolve.core.forms import VersionForm
from devolve.core.lists import configure_list, render_list
from devolve.core.spreadsheets import XLSX_CONTENT_TYPE, download_response
from devolve.core.tables import tick_chosen
from devolve.dashboards.doors import (
    bulk_step,
    data_of,
    form_step,
    formset_step,
    post_step,
    to_the_list,
)
from devolve.matters.models import AnnualList
from devolve.matters.selectors import get_annual_list_by_pk
from devolve.reporting import exports, rules, selectors
from devolve.reporting.filters import AreaReportFilter, ReportingCycleFilter
from devolve.reporting.forms import (
    BulkAreaReportForm,
    CompletenessFilterForm,
    DepartmentFiguresForm,
    GenerateCyclesForm,
    ReasonForm,
    ReopenForm,
    SupportProgressFormSet,
    UsageLineFormSet,
)
from devolve.reporting.models import (
    AREA_REPORT_LIFECYCLE,
    DEPARTMENT_REPORT_LIFECYCLE,
    EDITABLE_STATUSES,
    AreaReport,
    DepartmentReport,
    ReportStatus,
)
from devolve.reporting.permissions import (
    can_fill_area_report,
    can_fill_department_report,
)
from devolve.reporting.services import (
    BulkReportAction,
    DepartmentFigures,
    SupportProgressInput,
    UsageLineInput,
    accept_area_report,
    accept_department_report,
    act_on_area_reports,
    generate_cycles,
    mark_notices_read,
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
    ChoosableAreaReportTable,
    CompletenessTable,
    DepartmentReportTable,
    OverdueReportTable,
    PeriodUsageTable,
    ReportFormGrantTable,
    ReportingCycleTable,
    ReportingNoticeTable,
    UsageLineTable,
    status_tag,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Role = User.Role
Status = ReportStatus
READERS = (Role.OFFICE, Role.AUDITOR, Role.EVALUATOR)

# Reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind[R: AreaReport | DepartmentReport]:
    """Area reports or department reports, for what the pages of both do alike: read one the
    user may see (or act on), run an approval step on it, go back to its page."""

    get: Callable[..., R | None]
    view_permission: str
    detail: str  # the route of a report's page

    def access(
        self, user: User, pk: int, permission: str | None = None, refusal: str | None = None
    ) -> R:
        """The report ``pk`` if the user holds ``permission`` on it (by default, seeing it);
        404 if there is none, else ``refusal`` (403)."""
        report = self.get(pk=pk)
        if report is None:
            raise Http404(_("No such report."))
        if not allows(user, permission or self.view_permission, report):
            raise NotAllowed(refusal or _("You may not see this report."))
        return report

    def to_page(self, report: R) -> HttpResponse:
        return redirect(self.detail, pk=report.pk)


AREA = _Kind(
    selectors.get_area_report, "reporting.view_area_report", "dashboards:area_report_detail"
)
DEPARTMENT = _Kind(
    selectors.get_department_report,
    "reporting.view_department_report",
    "dashboards:department_report_detail",
)


def _trend_chart(points: list[selectors.PeriodUsage]) -> dict[str, Any]:
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


# Dashboards -------------------------------------------------------------------------------------


def _listed(request: HttpRequest, table: tables.Table) -> tables.Table:
    """One of several lists on a page: sorted and paged by its own (prefixed) parameters, with
    its count; downloads belong to the lists' own pages."""
    configure_list(request, table)
    return table


@require_safe
@requires("accounts.use_staff_pages")
def reporting_dashboard(request: HttpRequest) -> HttpResponse:
    """Each role's reporting page: an area's, a department's, a prefecture's, or the office's.
    Every list on it pages and sorts by itself and says how many rows it holds."""
    user, today = acting_user(request), timezone.localdate()
    context: dict[str, Any] = {
        "today": today,
        "notices": _listed(
            request, ReportingNoticeTable(selectors.list_notices(user=user), prefix="notices-")
        ),
    }
    if user.role == Role.PILOT_AREA and user.zone is not None:
        reports = selectors.list_area_reports_newest_first(user=user)
        points = selectors.accepted_usage_by_period(zone=user.zone)
        trend = PeriodUsageTable(points, exclude=("areas",), prefix="trend-")
        context |= {
            "owed": selectors.list_reports_due(user=user, on=today),
            "table": _listed(request, AreaReportTable(reports, prefix="reports-")),
            "trend": _listed(request, trend),
            "chart": _trend_chart(points),
        }
        return render(request, "dashboards/reporting/area_dashboard.html", context)
    if user.role == Role.DEPARTMENT:
        department_reports = selectors.list_department_reports_newest_first(user=user)
        context |= {
            "owed": selectors.list_reports_due(user=user, on=today),
            "table": _listed(request, DepartmentReportTable(department_reports, prefix="reports-")),
        }
        return render(request, "dashboards/reporting/department_dashboard.html", context)
    if user.role in {Role.PREFECTURE, *READERS}:
        by: Literal["area", "prefecture"] = "area" if user.role == Role.PREFECTURE else "prefecture"
        rows = selectors.completeness_visible_to(user=user, by=by, on=today)
        to_review = selectors.list_reports_to_review(user=user)
        overdue = selectors.overdue_reports_visible_to(user=user, on=today)
        context |= {
            "to_review": _listed(request, AreaReportTable(to_review, prefix="review-")),
            "completeness": _listed(request, CompletenessTable(rows, prefix="completeness-")),
            "chart": _rate_chart(rows),
            "overdue": _listed(request, OverdueReportTable(overdue, prefix="overdue-")),
            "is_office": is_office(user),
        }
        template = "prefecture" if user.role == Role.PREFECTURE else "office"
        return render(request, f"dashboards/reporting/{template}_dashboard.html", context)
    raise NotAllowed(_("Your role has no reporting page."))


BREAKDOWNS: tuple[tuple[Literal["area", "prefecture", "department"], "StrOrPromise"], ...] = (
    ("prefecture", gettext_lazy("By prefecture")),
    ("area", gettext_lazy("By pilot area")),
    ("department", gettext_lazy("By department")),
)


def _completeness_rows(
    request: HttpRequest, annual_list: AnnualList | None, today: datetime.date
) -> list[tuple[str, str, list[selectors.CompletenessRow]]]:
    user = acting_user(request)
    return [
        (key, str(label), selectors.completeness_visible_to(
            user=user, by=key, annual_list=annual_list, on=today
        ))
        for key, label in BREAKDOWNS
        if user.role != Role.PREFECTURE or key == "area"
    ]  # fmt: skip


@require_safe
@requires("reporting.view_reporting")
def reporting_completeness(request: HttpRequest) -> HttpResponse:
    """Completeness and timeliness by pilot area, prefecture and department, for one edition or
    all; a prefecture sees its own areas. Each breakdown pages and sorts by itself."""
    today = timezone.localdate()
    form = CompletenessFilterForm(request.GET or None)
    annual_list = form.cleaned_data["annual_list"] if form.is_valid() else None
    breakdowns = [
        (key, label, _listed(request, CompletenessTable(rows, prefix=f"{key}-")))
        for key, label, rows in _completeness_rows(request, annual_list, today)
    ]
    context = {
        "form": form,
        "annual_list": annual_list,
        "today": today,
        "tables": breakdowns,
        "query": urlencode({"annual_list": request.GET.get("annual_list", "")}),
    }
    return render(request, "dashboards/reporting/completeness.html", context)


@require_safe
@requires("reporting.view_reporting")
def reporting_completeness_export(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = CompletenessFilterForm(request.GET or None)
    annual_list = form.cleaned_data["annual_list"] if form.is_valid() else None
    wanted = request.GET.get("by", "area")
    tables = {key: rows for key, _label, rows in _completeness_rows(request, annual_list, today)}
    if wanted not in tables:
        raise Http404(_("No such breakdown."))
    return download_response(
        exports.completeness_workbook(tables[wanted]),
        filename=f"completeness-{wanted}-{today.isoformat()}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@require_safe
@requires("reporting.view_all_reports")
def reporting_usage_export(request: HttpRequest, annual_list_pk: int) -> HttpResponse:
    """The accepted usage of an edition's grants (only accepted figures leave the system)."""
    annual_list = get_annual_list_by_pk(pk=annual_list_pk)
    if annual_list is None:
        raise Http404(_("No such edition."))
    return download_response(
        exports.usage_workbook(annual_list=annual_list),
        filename=f"usage-{annual_list.key.replace('/', '-')}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("reporting.view_all_reports")
def reporting_cycle_list(request: HttpRequest) -> HttpResponse:
    """The cycles of every edition, filtered, sorted and paged; the office generates an edition's
    cycles here."""
    user = acting_user(request)
    form = GenerateCyclesForm(data_of(request))
    if request.method == "POST" and not allows(user, "reporting.manage_cycles"):
        raise NotAllowed(_("Only the reform office sets reporting cycles."))
    filterset = ReportingCycleFilter(request.GET, queryset=selectors.list_cycles())
    return form_step(
        request,
        form,
        lambda data: generate_cycles(generated_by=user, **data),
        done=lambda cycles: _("%(count)s reporting cycles were set.") % {"count": len(cycles)},
        then=lambda _cycles: redirect("dashboards:reporting_cycle_list"),
        page=lambda: render_list(
            request,
            table=ReportingCycleTable(filterset.qs),
            filterset=filterset,
            template="dashboards/reporting/cycle_list.html",
            partial="cycles-table",
            export_name=_("Reporting cycles"),
            context={"form": form, "is_office": is_office(user)},
        ),
    )


@require_POST
@requires("accounts.use_staff_pages")
def reporting_notices_read(request: HttpRequest) -> HttpResponse:
    mark_notices_read(recipient=acting_user(request))
    return redirect("dashboards:reporting_dashboard")


# Area reports -----------------------------------------------------------------------------------


def _bulk_actions(user: User) -> list[tuple[str, str]]:
    """What this user may do to many area reports at once (the service checks each report)."""
    if user.role == Role.PREFECTURE:
        return [
            (BulkReportAction.REVIEW, _("Forward to the office (reviewed)")),
            (BulkReportAction.RETURN, _("Return to the area")),
        ]
    if is_office(user):
        return [
            (BulkReportAction.ACCEPT, _("Accept")),
            (BulkReportAction.RETURN, _("Return to the area")),
        ]
    return []


def _area_report_list_page(
    request: HttpRequest, *, form: BulkAreaReportForm, refusals: list[Refusal]
) -> HttpResponse:
    user = acting_user(request)
    reports = selectors.list_area_reports_newest_first(user=user)
    filterset = AreaReportFilter(request.GET, queryset=reports)
    if form.fields["action"].choices:  # type: ignore[attr-defined]
        table: AreaReportTable = ChoosableAreaReportTable(filterset.qs)
        tick_chosen(table, request.POST.getlist("report"))
    else:
        table = AreaReportTable(filterset.qs)
    return render_list(
        request,
        table=table,
        filterset=filterset,
        template="dashboards/reporting/area_report_list.html",
        partial="area-reports-table",
        export_name=_("Area reports"),
        context={"bulk_form": form, "refusals": refusals},
    )


@require_safe
@requires("reporting.list_area_reports")
def area_report_list(request: HttpRequest) -> HttpResponse:
    """Every area report the user may see, filtered, sorted and paged; the prefecture and the
    office choose several to act on at once."""
    form = BulkAreaReportForm(actions=_bulk_actions(acting_user(request)))
    return _area_report_list_page(request, form=form, refusals=[])


@require_http_methods(["GET", "HEAD", "POST"])
@requires("reporting.act_on_area_reports")
def area_report_bulk(request: HttpRequest) -> HttpResponse:
    """Review, accept or return the chosen reports, or every report the list's filters select
    (a whole level: a prefecture's submitted reports of a cycle), all or none
    (``act_on_area_reports``)."""
    if request.method != "POST":
        return to_the_list(request, "area_report_list")
    user = acting_user(request)
    form = BulkAreaReportForm(request.POST, actions=_bulk_actions(user))
    matching = AreaReportFilter(
        request.GET, queryset=selectors.list_area_reports_visible_to(user=user)
    )
    if form.every_matching and not matching.is_valid():
        form.add_error(None, _("A filter could not be used, so no report was changed."))
    elif form.every_matching and not request.GET.get("status"):
        form.add_error(
            None,
            _(
                "Filter the list by status before acting on every report it selects; "
                "no report was changed."
            ),
        )
    return bulk_step(
        request,
        form,
        lambda data: act_on_area_reports(
            report_ids=(
                selectors.list_area_report_ids(reports=matching.qs)
                if form.every_matching
                else data["report_ids"]
            ),
            action=BulkReportAction(data["action"]),
            actor=user,
            reason=data["reason"],
        ),
        done=lambda count: (
            ngettext("%(count)s report was changed.", "%(count)s reports were changed.", count)
            % {"count": count}
        ),
        back="area_report_list",
        page=lambda refusals: _area_report_list_page(request, form=form, refusals=refusals),
    )


@require_safe
@requires("accounts.use_staff_pages")
def area_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, today = acting_user(request), timezone.localdate()
    report = AREA.access(user, pk)
    lines = UsageLineTable(selectors.list_usage_lines(report=report))
    shown = configure_list(request, lines)
    status = Status(report.status)
    fills = bool(can_fill_area_report(user, report))
    reviews = allows(user, "reporting.review_area_report", report)
    offered = AREA_REPORT_LIFECYCLE.offered_names(status, user)
    entry_open = status == Status.RETURNED or rules.is_open_for_entry(
        today=today,
        opens_on=report.cycle.opens_on,
        locks_on=report.cycle.locks_on,
        reopened_until=report.reopened_until,
    )
    context = {
        "report": report,
        "status_tag": status_tag(report),
        "lines": lines,
        "steps": selectors.list_steps(report=report),
        "entry_open": entry_open,
        "can_edit": fills and status in EDITABLE_STATUSES and entry_open,
        "can_submit": fills and "submit" in offered and entry_open and shown.count > 0,
        "can_review": reviews and "review" in offered,
        "can_accept": "accept" in offered,
        "can_return": (reviews or is_office(user)) and "return" in offered,
        "can_reopen": is_office(user) and status in EDITABLE_STATUSES,
        "return_form": ReasonForm(),
    }
    return render(request, "dashboards/reporting/area_report_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def area_report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The area's figures, one line per grant it held in the period, a page of grants at a time
    (the one list mechanism's pager, page sizes and ``?page=``): saving writes the page's lines
    and keeps the others, then goes on to the next page with the report's new version."""
    user = acting_user(request)
    refusal = _("Only the pilot area fills in its own report.")
    report = AREA.access(user, pk, "reporting.fill_area_report", refusal)
    pages = ReportFormGrantTable(selectors.reportable_grants(zone=report.zone, cycle=report.cycle))
    configure_list(request, pages)
    grants = [row.record for row in pages.paginated_rows]
    existing = {
        line.grant_id: line for line in selectors.list_usage_lines(report=report, grants=grants)
    }
    limits = selectors.promised_limits_before(report=report, grants=grants)
    initial = [
        _line_initial(grant.pk, existing.get(grant.pk), limits.get(grant.pk)) for grant in grants
    ]
    formset = UsageLineFormSet(data_of(request), initial=initial, prefix="lines")
    version_form = VersionForm.for_record(report, data_of(request))

    def page(error: str) -> HttpResponse:
        rows = list(zip(grants, formset.forms, strict=False))
        context = {"report": report, "formset": formset, "rows": rows, "error": error}
        context |= {"version_form": version_form, "pages": pages}
        return render(request, "dashboards/reporting/area_report_form.html", context)

    def then(_saved: AreaReport) -> HttpResponse:
        if not pages.page.has_next():
            return AREA.to_page(report)
        query = request.GET.copy()
        query[pages.prefixed_page_field] = str(pages.page.next_page_number())
        return redirect(f"{request.path}?{query.urlencode()}")

    return formset_step(
        request,
        [formset],
        lambda: save_area_report(
            report=report,
            lines=[UsageLineInput(**form.cleaned_data) for form in formset],
            saved_by=user,
            expected_version=version_form.expected_version(),
        ),
        done=_("The figures were saved."),
        then=then,
        page=page,
        refused=lambda: version_form.show_current(report),
    )


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


def _step[R: AreaReport | DepartmentReport](
    request: HttpRequest, pk: int, kind: _Kind[R], step: Callable[[R, User], object], done: str
) -> HttpResponse:
    """Runs one approval step on a report the user may see (``post_step``), back on the
    report's page; the service decides who may take the step."""
    user = acting_user(request)
    report = kind.access(user, pk)
    return post_step(request, lambda: step(report, user), done=done, back=kind.to_page(report))


def _form_step[R: AreaReport | DepartmentReport](
    request: HttpRequest,
    report: R,
    kind: _Kind[R],
    form: BaseForm,
    step: Callable[[dict[str, Any]], object],
    *,
    done: str,
    title: str,
    button: str,
) -> HttpResponse:
    """An approval step that asks for something (a reason, a deadline): ``form_step``, back on
    the report's page when done, else the form again."""
    context = {"report": report, "form": form, "title": title, "button": button}
    return form_step(
        request,
        form,
        step,
        done=done,
        then=lambda _done: kind.to_page(report),
        page=lambda: render(request, "dashboards/reporting/report_action.html", context),
    )


def _return_step[R: AreaReport | DepartmentReport](
    request: HttpRequest,
    pk: int,
    kind: _Kind[R],
    returned: Callable[[R, User, str], object],
    done: str,
) -> HttpResponse:
    """Return a report the user may see, with the reason asked for (``ReasonForm``)."""
    user = acting_user(request)
    report = kind.access(user, pk)
    form = ReasonForm(data_of(request))
    title = _("Return the report")
    return _form_step(
        request,
        report,
        kind,
        form,
        lambda data: returned(report, user, data["reason"]),
        done=done,
        title=title,
        button=title,
    )


@require_POST
@requires("accounts.use_staff_pages")
def area_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        AREA,
        lambda report, user: submit_area_report(report=report, submitted_by=user),
        _("The report was submitted to the prefecture."),
    )


@require_POST
@requires("accounts.use_staff_pages")
def area_report_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        AREA,
        lambda report, user: review_area_report(report=report, reviewed_by=user),
        _("The report was forwarded to the reform office."),
    )


@require_POST
@requires("accounts.use_staff_pages")
def area_report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        AREA,
        lambda report, user: accept_area_report(report=report, accepted_by=user),
        _("The report was accepted; its figures are locked."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def area_report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _return_step(
        request,
        pk,
        AREA,
        lambda report, user, reason: return_area_report(
            report=report, reason=reason, returned_by=user
        ),
        _("The report was returned to the area."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def area_report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    report = AREA.access(
        user,
        pk,
        "reporting.accept_report",
        _("Only the reform office reopens a report after the lock."),
    )
    return _form_step(
        request,
        report,
        AREA,
        ReopenForm(data_of(request)),
        lambda data: reopen_area_report(report=report, reopened_by=user, **data),
        done=_("The report was reopened."),
        title=_("Reopen the report"),
        button=_("Reopen"),
    )


# Department reports -----------------------------------------------------------------------------


@require_safe
@requires("accounts.use_staff_pages")
def department_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    report = DEPARTMENT.access(user, pk)
    status = Status(report.status)
    fills = bool(can_fill_department_report(user, report))
    offered = DEPARTMENT_REPORT_LIFECYCLE.offered_names(status, user)
    context = {
        "report": report,
        "status_tag": status_tag(report),
        "progress": selectors.list_support_progress(report=report),
        "owed_entries": selectors.support_entries_of(
            department=report.department, cycle=report.cycle
        ),
        "steps": selectors.list_steps(report=report),
        "can_edit": fills and status in EDITABLE_STATUSES,
        "can_accept": "accept" in offered,
        "can_return": "return" in offered,
        "return_form": ReasonForm(),
    }
    return render(request, "dashboards/reporting/department_report_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def department_report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    report = DEPARTMENT.access(
        user,
        pk,
        "reporting.fill_department_report",
        _("Only the department fills in its own report."),
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
    version_form = VersionForm.for_record(report, data_of(request))

    def page(error: str) -> HttpResponse:
        context = {
            "report": report,
            "figures": figures,
            "formset": formset,
            "rows": list(zip(entries, formset.forms, strict=False)),
            "error": error,
            "version_form": version_form,
        }
        return render(request, "dashboards/reporting/department_report_form.html", context)

    return formset_step(
        request,
        [figures, formset],
        lambda: save_department_report(
            report=report,
            figures=DepartmentFigures(**figures.cleaned_data),
            progress=[SupportProgressInput(**form.cleaned_data) for form in formset],
            saved_by=user,
            expected_version=version_form.expected_version(),
        ),
        done=_("The report was saved."),
        then=lambda _saved: DEPARTMENT.to_page(report),
        page=page,
        refused=lambda: version_form.show_current(report),
    )


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


@require_POST
@requires("accounts.use_staff_pages")
def department_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        DEPARTMENT,
        lambda report, user: submit_department_report(report=report, submitted_by=user),
        _("The report was submitted to the reform office."),
    )


@require_POST
@requires("accounts.use_staff_pages")
def department_report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        DEPARTMENT,
        lambda report, user: accept_department_report(report=report, accepted_by=user),
        _("The report was accepted; its figures are locked."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def department_report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _return_step(
        request,
        pk,
        DEPARTMENT,
        lambda report, user, reason: return_department_report(
            report=report, reason=reason, returned_by=user
        ),
        _("The report was returned to the department."),
    )


urlpatterns: list[URLPattern] = [
    path("reporting/", reporting_dashboard, name="reporting_dashboard"),
    path("reporting/area-reports/", area_report_list, name="area_report_list"),
    path("reporting/area-reports/bulk/", area_report_bulk, name="area_report_bulk"),
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
