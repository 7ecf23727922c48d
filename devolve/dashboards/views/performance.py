"""Staff pages of performance assessment: schemes (tree and rules), assessments (ranking with
tiers and a chart; compute and publish), a score explained item by item (with a recomputation
from its stored inputs), appeals filed and decided; and the office's overview of the reform
(reporting completeness and timeliness, overdue reports, zero-use grants, the latest ranking) with
its xlsx export. Routes are listed in ``urlpatterns``; dashboards/urls.py mounts them.

Who sees what is the performance selectors' and permissions'; who may change what, the services'.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.core.access import allows, check, requires
from devolve.core.lists import configure_list
from devolve.core.spreadsheets import (
    XLSX_CONTENT_TYPE,
    download_response,
    stored_file_response,
    xlsx_bytes,
)
from devolve.core.tables import GOVUK_TABLE_ATTRS
from devolve.dashboards.doors import data_of, form_step, post_step
from devolve.performance import selectors
from devolve.performance.exports import overview_sheets
from devolve.performance.forms import (
    AppealDecisionForm,
    AppealForm,
    AssessmentForm,
    ManualInputForm,
    SchemeVersionForm,
)
from devolve.performance.models import (
    IndicatorItem,
    PerformanceAssessment,
    Scheme,
    Score,
)
from devolve.performance.overview import Overview
from devolve.performance.permissions import (
    can_manage_performance,
    can_read_all_performance,
)
from devolve.performance.services import (
    compute_performance_assessment,
    create_next_scheme_version,
    create_performance_assessment,
    decide_appeal,
    file_appeal,
    publish_performance_assessment,
    publish_scheme,
    record_manual_input,
)
from devolve.performance.tables import (
    AppealTable,
    FlaggedGrantTable,
    ManualInputTable,
    PerformanceAssessmentTable,
    ScoreTable,
)
from devolve.reporting.selectors import CompletenessRow
from devolve.reporting.tables import CompletenessTable, OverdueReportTable

Role = User.Role


def _chart(name: str, labels: list[str], values: list[Any]) -> dict[str, Any]:
    """The shape ``app.js`` draws as a bar chart."""
    return {"name": name, "labels": labels, "values": values}


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# Schemes and assessments -----------------------------------------------------------------------


@require_safe
@requires("performance.view_performance")
def performance_home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    appeals = AppealTable(selectors.list_appeals_visible_to(user=user), prefix="appeals-")
    configure_list(request, appeals)
    assessments = PerformanceAssessmentTable(
        selectors.list_assessments_visible_to(user=user), prefix="assessments-"
    )
    configure_list(request, assessments)
    context = {
        "schemes": selectors.list_schemes_visible_to(user=acting_user(request)),
        "assessments": assessments,
        "appeals": appeals,
        "can_manage": can_manage_performance(user),
    }
    return render(request, "dashboards/performance/performance_home.html", context)


@require_safe
@requires("performance.view_performance")
def performance_scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme_or_404(pk, user=acting_user(request))
    latest = selectors.get_latest_scheme(code=scheme.code)
    context = {
        "can_manage": can_manage_performance(acting_user(request)),
        "is_latest": latest is not None and latest.pk == scheme.pk,
        "scheme": scheme,
        "groups": selectors.list_scheme_groups(scheme=scheme),
        "assessments": selectors.list_scheme_assessments_visible_to(
            user=acting_user(request), scheme=scheme
        ),
    }
    return render(request, "dashboards/performance/scheme_detail.html", context)


def _scheme_or_404(pk: int, *, user: User) -> Scheme:
    """A draft is 404 to those who may not see drafts, as in the API."""
    scheme = selectors.get_scheme_visible_to(user=user, pk=pk)
    if scheme is None:
        raise Http404(_("No such scheme."))
    return scheme


@require_http_methods(["GET", "HEAD", "POST"])
@requires("performance.manage")
def performance_scheme_next_version(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme_or_404(pk, user=acting_user(request))
    form = SchemeVersionForm(data_of(request), groups=selectors.list_scheme_groups(scheme=scheme))
    context = {"scheme": scheme, "form": form}
    return form_step(
        request,
        form,
        lambda _data: create_next_scheme_version(
            scheme=scheme, created_by=acting_user(request), **form.changes()
        ),
        done=lambda created: (
            _("Version %(version)s was drafted. Check it, then publish it.")
            % {"version": created.version}
        ),
        then=lambda created: redirect("dashboards:performance_scheme_detail", pk=created.pk),
        page=lambda: render(request, "dashboards/performance/scheme_version_form.html", context),
    )


@require_POST
@requires("performance.manage")
def performance_scheme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme_or_404(pk, user=acting_user(request))
    return post_step(
        request,
        lambda: publish_scheme(scheme=scheme, published_by=acting_user(request)),
        done=_("The scheme version was published."),
        back=redirect("dashboards:performance_scheme_detail", pk=pk),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("performance.manage")
def performance_assessment_create(request: HttpRequest) -> HttpResponse:
    latest = selectors.get_latest_assessment()
    initial = {}
    if latest is not None:
        initial = {
            "scheme": latest.scheme_id,
            "year": latest.year + 1,
            "appeal_opens_on": _a_year_after(latest.appeal_opens_on),
            "appeal_closes_on": _a_year_after(latest.appeal_closes_on),
        }
    form = AssessmentForm(data_of(request), initial=initial)
    return form_step(
        request,
        form,
        lambda data: create_performance_assessment(created_by=acting_user(request), **data),
        done=_("The assessment was opened. Record the assessors' figures, then compute it."),
        then=lambda created: _to_assessment(created.pk),
        page=lambda: render(request, "dashboards/performance/assessment_form.html", {"form": form}),
    )


def _to_assessment(pk: int) -> HttpResponse:
    return redirect("dashboards:performance_assessment_detail", pk=pk)


def _a_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _assessment_for(user: User, pk: int) -> PerformanceAssessment:
    assessment = selectors.get_assessment(pk=pk)
    if assessment is None:
        raise Http404(_("No such assessment."))
    if not selectors.is_assessment_visible_to(user=user, pk=pk):
        raise PermissionDenied
    return assessment


def ranking_chart(scores: list[Score]) -> dict[str, Any]:
    return _chart(
        _("Score"),
        [str(score.subject) for score in scores],
        [float(score.total) for score in scores],
    )


@require_safe
@requires("accounts.use_staff_pages")
def performance_assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    assessment = _assessment_for(user, pk)
    scores = selectors.list_assessment_scores_visible_to(user=user, assessment=assessment)
    can_manage = can_manage_performance(user)
    ranking = ScoreTable(scores, prefix="ranking-")
    configure_list(request, ranking)
    manual_inputs = ManualInputTable(
        selectors.list_manual_inputs(assessment=assessment) if can_manage else [],
        prefix="manual-",
    )
    configure_list(request, manual_inputs)
    context = {
        "assessment": assessment,
        "scores": scores,
        "ranking": ranking,
        "manual_inputs": manual_inputs,
        "chart": ranking_chart(scores),
        "can_manage": can_manage,
        "sees_all": can_read_all_performance(user),
        "pending_appeals": selectors.list_pending_appeals_visible_to(
            user=user, assessment=assessment
        ),
        "today": timezone.localdate(),
    }
    return render(request, "dashboards/performance/assessment_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@requires("performance.manage")
def performance_manual_input(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    assessment = _assessment_for(user, pk)
    subjects = selectors.list_subjects(
        subject_type=assessment.scheme.subject_type, year=assessment.year
    )
    items = [
        item
        for item in selectors.list_scheme_items(scheme=assessment.scheme)
        if item.measure == IndicatorItem.Measure.MANUAL
    ]
    form = ManualInputForm(
        data_of(request),
        items=items,
        subjects=[(subject.key, str(subject.record)) for subject in subjects],
    )
    context = {"assessment": assessment, "form": form, "title": _("Enter a manual value")}
    return form_step(
        request,
        form,
        lambda data: record_manual_input(assessment=assessment, entered_by=user, **data),
        done=_("The value was recorded; compute again to use it."),
        then=lambda _done: _to_assessment(assessment.pk),
        page=lambda: render(request, "dashboards/performance/manual_input_form.html", context),
    )


@require_POST
@requires("performance.manage")
def performance_assessment_compute(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(acting_user(request), pk)
    return post_step(
        request,
        lambda: compute_performance_assessment(
            assessment=assessment, computed_by=acting_user(request)
        ),
        done=_("The assessment was computed."),
        back=_to_assessment(pk),
    )


@require_POST
@requires("performance.manage")
def performance_assessment_publish(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(acting_user(request), pk)
    return post_step(
        request,
        lambda: publish_performance_assessment(
            assessment=assessment, published_by=acting_user(request)
        ),
        done=_("The assessment was published."),
        back=_to_assessment(pk),
    )


# A score, explained ----------------------------------------------------------------------------


def _score_for(user: User, pk: int) -> Score:
    score = selectors.get_score(pk=pk)
    if score is None:
        raise Http404(_("No such score."))
    check(user, "performance.view_score", score)
    return score


@require_safe
@requires("accounts.use_staff_pages")
def performance_score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    score = _score_for(user, pk)
    explained = selectors.explain_score(score=score)
    assessment = score.assessment
    today = timezone.localdate()
    context = {
        "score": score,
        "items": explained.items,
        "recomputed_total": explained.recomputed_total,
        "all_match": explained.all_match,
        "appeals": selectors.list_score_appeals_visible_to(user=user, score=score),
        "can_appeal": allows(user, "performance.appeal_score", score)
        and not assessment.is_published
        and assessment.appeal_opens_on <= today <= assessment.appeal_closes_on,
        "can_manage": can_manage_performance(user),
    }
    return render(request, "dashboards/performance/score_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def performance_appeal_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    score = _score_for(user, pk)
    check(user, "performance.appeal_score", score)
    form = AppealForm(
        data_of(request),
        request.FILES if request.method == "POST" else None,
        items=[row.item for row in selectors.list_score_items(score=score)],
    )
    context = {"score": score, "form": form, "title": _("Appeal an item of the score")}
    return form_step(
        request,
        form,
        lambda data: file_appeal(score=score, filed_by=user, **data),
        done=_("Your appeal was filed."),
        then=lambda _done: _to_score(score.pk),
        page=lambda: render(request, "dashboards/performance/appeal_form.html", context),
    )


def _to_score(pk: int) -> HttpResponse:
    return redirect("dashboards:performance_score_detail", pk=pk)


@require_safe
@requires("accounts.use_staff_pages")
def performance_appeal_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An appeal's evidence file, to those who may see the appeal (its subject and the office)."""
    appeal = selectors.get_appeal(pk=pk)
    if appeal is None or not appeal.evidence_file:
        raise Http404(_("No such evidence file."))
    if not selectors.is_appeal_visible_to(user=acting_user(request), pk=pk):
        raise PermissionDenied
    return stored_file_response(appeal.evidence_file)


@require_http_methods(["GET", "HEAD", "POST"])
@requires("performance.manage")
def performance_appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    appeal = selectors.get_appeal(pk=pk)
    if appeal is None:
        raise Http404(_("No such appeal."))
    form = AppealDecisionForm(data_of(request))

    def page() -> HttpResponse:
        context = {
            "score": appeal.score,
            "appeal": appeal,
            "form": form,
            "title": _("Decide the appeal"),
            "stored": selectors.get_score_item(score=appeal.score, item=appeal.item),
        }
        return render(request, "dashboards/performance/appeal_form.html", context)

    return form_step(
        request,
        form,
        lambda data: decide_appeal(appeal=appeal, decided_by=user, **data),
        done=_("The decision was recorded."),
        then=lambda _done: _to_score(appeal.score_id),
        page=page,
    )


# The office's overview -------------------------------------------------------------------------


def overview_charts(overview: Overview) -> dict[str, dict[str, Any]]:
    def percent(rows: list[CompletenessRow], field: str) -> list[float | None]:
        values = [getattr(row, field) for row in rows]
        return [None if value is None else round(float(value) * 100, 1) for value in values]

    return {
        "completeness": _chart(
            _("Completeness (%)"),
            [row.label for row in overview.by_prefecture],
            percent(overview.by_prefecture, "completeness"),
        ),
        "timeliness": _chart(
            _("Timeliness (%)"),
            [row.label for row in overview.by_prefecture],
            percent(overview.by_prefecture, "timeliness"),
        ),
        "ranking": ranking_chart(overview.ranking),
    }


@require_safe
@requires("performance.read_all")
def office_overview(request: HttpRequest) -> HttpResponse:
    overview = Overview.of(on=timezone.localdate())
    lists = {
        "by_prefecture": CompletenessTable(overview.by_prefecture, prefix="prefectures-"),
        "by_department": CompletenessTable(overview.by_department, prefix="departments-"),
        "by_area": CompletenessTable(overview.by_area, prefix="areas-"),
        "overdue": OverdueReportTable(overview.overdue, prefix="overdue-"),
        "flagged": FlaggedGrantTable(overview.flagged, prefix="flagged-"),
        "ranking": ScoreTable(
            overview.ranking,
            prefix="ranking-",
            attrs={**GOVUK_TABLE_ATTRS, "id": "overview-ranking"},
        ),
    }
    for table in lists.values():
        configure_list(request, table)
    context = {"overview": overview, "charts": overview_charts(overview), **lists}
    return render(request, "dashboards/performance/office_overview.html", context)


@require_safe
@requires("performance.read_all")
def office_overview_xlsx(request: HttpRequest) -> HttpResponse:
    overview = Overview.of(on=timezone.localdate())
    return download_response(
        xlsx_bytes(overview_sheets(overview)),
        filename=f"overview-{overview.on}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


urlpatterns: list[URLPattern] = [
    path("overview/", office_overview, name="office_overview"),
    path("overview.xlsx", office_overview_xlsx, name="office_overview_xlsx"),
    path("performance/", performance_home, name="performance_home"),
    path(
        "performance/schemes/<int:pk>/", performance_scheme_detail, name="performance_scheme_detail"
    ),
    path(
        "performance/schemes/<int:pk>/next/",
        performance_scheme_next_version,
        name="performance_scheme_next_version",
    ),
    path(
        "performance/schemes/<int:pk>/publish/",
        performance_scheme_publish,
        name="performance_scheme_publish",
    ),
    path(
        "performance/assessments/new/",
        performance_assessment_create,
        name="performance_assessment_create",
    ),
    path(
        "performance/assessments/<int:pk>/",
        performance_assessment_detail,
        name="performance_assessment_detail",
    ),
    path(
        "performance/assessments/<int:pk>/compute/",
        performance_assessment_compute,
        name="performance_assessment_compute",
    ),
    path(
        "performance/assessments/<int:pk>/publish/",
        performance_assessment_publish,
        name="performance_assessment_publish",
    ),
    path(
        "performance/assessments/<int:pk>/manual/",
        performance_manual_input,
        name="performance_manual_input",
    ),
    path("performance/scores/<int:pk>/", performance_score_detail, name="performance_score_detail"),
    path(
        "performance/scores/<int:pk>/appeal/",
        performance_appeal_create,
        name="performance_appeal_create",
    ),
    path(
        "performance/appeals/<int:pk>/evidence/",
        performance_appeal_evidence,
        name="performance_appeal_evidence",
    ),
    path(
        "performance/appeals/<int:pk>/decide/",
        performance_appeal_decide,
        name="performance_appeal_decide",
    ),
]
