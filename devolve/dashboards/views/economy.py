"""Staff pages of the economy feature: importing a statistics file (dry run, then apply) and
running and reading evaluation runs. Routes are listed in ``urlpatterns``; dashboards/urls.py
mounts them.

The reform office imports; the office and evaluators run evaluations; auditors read runs.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from devolve.accounts.acting import acting_user
from devolve.core.access import requires
from devolve.core.lists import configure_list, render_list
from devolve.core.tables import RowErrorTable
from devolve.dashboards.doors import data_of, form_step, post_step
from devolve.indicators import permissions, selectors, services
from devolve.indicators.forms import EvaluationRunForm, ObservationImportForm
from devolve.indicators.models import EvaluationRun, ObservationImport
from devolve.indicators.notes import read_notes
from devolve.indicators.tables import (
    EvaluationRunTable,
    ObservationImportTable,
    ObservationPreviewTable,
)

can_import = permissions.can_import_statistics
can_run = permissions.can_run_evaluation
can_read_runs = permissions.can_view_evaluation_staff_pages


def _import_or_404(pk: int) -> ObservationImport:
    observation_import = selectors.get_observation_import(pk=pk)
    if observation_import is None:
        raise Http404(_("No such import."))
    return observation_import


@require_safe
@requires("indicators.import_statistics")
def observation_import_list(request: HttpRequest) -> HttpResponse:
    return render_list(
        request,
        table=ObservationImportTable(selectors.list_observation_imports()),
        template="dashboards/economy/observation_import_list.html",
        partial="observation-imports",
        export_name=_("Statistics imports"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("indicators.import_statistics")
def observation_import_create(request: HttpRequest) -> HttpResponse:
    form = ObservationImportForm(data_of(request), request.FILES or None)
    return form_step(
        request,
        form,
        lambda data: services.check_statistics_file(
            upload=data["upload"],
            file_name=data["upload"].name,
            vintage=data["vintage"],
            source=data["source"],
            is_simulated=data["is_simulated"],
            uploaded_by=acting_user(request),
        ),
        done=None,  # the import's page shows what the check found
        then=redirect,
        page=lambda: render(
            request, "dashboards/economy/observation_import_form.html", {"form": form}
        ),
    )


@require_safe
@requires("indicators.import_statistics")
def observation_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    observation_import = _import_or_404(pk)
    errors = RowErrorTable(observation_import.errors, exclude=("value",), prefix="errors-")
    preview = ObservationPreviewTable(
        selectors.list_observation_import_preview(observation_import=observation_import),
        prefix="rows-",
    )
    configure_list(request, errors)
    configure_list(request, preview)
    context = {"observation_import": observation_import, "errors": errors, "preview": preview}
    return render(request, "dashboards/economy/observation_import_detail.html", context)


@require_POST
@requires("indicators.import_statistics")
def observation_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    observation_import = _import_or_404(pk)
    return post_step(
        request,
        lambda: services.apply_observation_import(
            observation_import=observation_import, applied_by=acting_user(request)
        ),
        done=_("The figures were imported."),
        back=redirect(observation_import),
    )


@require_safe
@requires("indicators.view_evaluation_staff_pages")
def evaluation_run_list(request: HttpRequest) -> HttpResponse:
    return render_list(
        request,
        table=EvaluationRunTable(selectors.list_evaluation_runs()),
        template="dashboards/economy/evaluation_run_list.html",
        partial="evaluation-runs",
        export_name=_("Evaluation runs"),
        context={"can_run": can_run(acting_user(request))},
    )


def _initial_run() -> dict[str, object]:
    today = timezone.localdate()
    return {
        "outcome": EvaluationRun.Outcome.VALUE,
        "control": EvaluationRun.Control.NEVER,
        "method": EvaluationRun.Method.DOUBLY_ROBUST,
        "as_of": today,
        "first_year": 2015,
        "last_year": today.year - 1,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@requires("indicators.run_evaluation")
def evaluation_run_create(request: HttpRequest) -> HttpResponse:
    form = EvaluationRunForm(data_of(request), initial=_initial_run())
    return form_step(
        request,
        form,
        lambda data: services.run_evaluation(
            indicator=data["indicator"],
            batch=data["batch"],
            outcome=data["outcome"],
            control=data["control"],
            method=data["method"],
            covariates=list(data["covariates"]),
            as_of=data["as_of"],
            first_year=data["first_year"],
            last_year=data["last_year"],
            created_by=acting_user(request),
        ),
        done=None,  # the run's page shows its result
        then=redirect,
        page=lambda: render(request, "dashboards/economy/evaluation_run_form.html", {"form": form}),
    )


@require_safe
@requires("indicators.view_evaluation_staff_pages")
def evaluation_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.get_evaluation_run(pk=pk)
    if run is None:
        raise Http404(_("No such evaluation run."))
    summary = run.results.get("summary") or {}
    context = {
        "run": run,
        "overall": summary.get("overall"),
        "notes": read_notes(run.diagnostics.get("notes", [])),
        "panel_rows": len(run.inputs.get("panel", {}).get("unit", [])),
        "missing": run.inputs.get("panel", {}).get("missing", []),
    }
    return render(request, "dashboards/economy/evaluation_run_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("economy/imports/", observation_import_list, name="observation_import_list"),
    path("economy/imports/new/", observation_import_create, name="observation_import_create"),
    path("economy/imports/<int:pk>/", observation_import_detail, name="observation_import_detail"),
    path(
        "economy/imports/<int:pk>/apply/", observation_import_apply, name="observation_import_apply"
    ),
    path("economy/runs/", evaluation_run_list, name="evaluation_run_list"),
    path("economy/runs/new/", evaluation_run_create, name="evaluation_run_create"),
    path("economy/runs/<int:pk>/", evaluation_run_detail, name="evaluation_run_detail"),
]
