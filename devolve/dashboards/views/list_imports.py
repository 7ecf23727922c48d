"""Staff pages for importing an official list workbook (dry run, then apply) and following a
background import, and the exports of any edition (.xlsx, CSV, JSON).

The reform office alone imports and exports. An upload is checked in a background task; its
page shows the progress while the check runs (polled with htmx, with a plain link as fallback),
then what applying would add and change and every error by row and column.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from devolve.accounts.acting import acting_user
from devolve.core.access import requires
from devolve.core.htmx import render_page_or_partial
from devolve.core.lists import configure_list, render_list
from devolve.core.tables import RowErrorTable
from devolve.dashboards.doors import data_of, form_step
from devolve.matters.filters import ListImportFilter
from devolve.matters.forms import ListImportApplyForm, ListImportForm
from devolve.matters.list_export import ExportFormat, export_annual_list
from devolve.matters.list_import import access_list_import, list_list_imports, max_import_bytes
from devolve.matters.models import AnnualList, ListImport
from devolve.matters.selectors import get_annual_list_by_pk, list_annual_lists
from devolve.matters.services import queue_list_import_apply, start_list_import
from devolve.matters.tables import (
    ExportableAnnualListTable,
    ImportAdditionTable,
    ImportChangeTable,
    ImportMissingTable,
    ListImportTable,
)

PROGRESS_REGION = "import-progress"


def _access_annual_list(pk: int) -> AnnualList:
    annual_list = get_annual_list_by_pk(pk=pk)
    if annual_list is None:
        raise Http404(_("No such edition."))
    return annual_list


@require_safe
@requires("matters.manage_lists")
def list_import_list(request: HttpRequest) -> HttpResponse:
    """Every edition with its downloads and imports, and every imported workbook: two lists,
    each sorted and paged by itself; the imports filter and download."""
    editions = ExportableAnnualListTable(list_annual_lists(), prefix="editions-")
    configure_list(request, editions)
    filterset = ListImportFilter(request.GET, queryset=list_list_imports())
    return render_list(
        request,
        table=ListImportTable(filterset.qs),
        filterset=filterset,
        template="dashboards/list_import_list.html",
        partial="imports-table",
        export_name=_("List imports"),
        context={"editions": editions},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("matters.manage_lists")
def list_import_create(request: HttpRequest, pk: int) -> HttpResponse:
    annual_list = _access_annual_list(pk)
    form = ListImportForm(data_of(request), request.FILES or None)
    context = {
        "annual_list": annual_list,
        "form": form,
        "max_megabytes": max_import_bytes() // 1_048_576,
    }
    return form_step(
        request,
        form,
        lambda data: start_list_import(
            annual_list=annual_list, workbook=data["workbook"], started_by=acting_user(request)
        ),
        done=None,  # the import's page follows the check
        then=lambda list_import: redirect("dashboards:list_import_detail", pk=list_import.pk),
        page=lambda: render(request, "dashboards/list_import_form.html", context),
    )


def _render_detail(
    request: HttpRequest, list_import: ListImport, form: ListImportApplyForm
) -> HttpResponse:
    lists = {
        "errors": RowErrorTable(list_import.errors, prefix="errors-"),
        "changes": ImportChangeTable(list_import.summary.get("change", []), prefix="changes-"),
        "additions": ImportAdditionTable(list_import.summary.get("add", []), prefix="additions-"),
        "missing": ImportMissingTable(list_import.summary.get("missing", []), prefix="missing-"),
    }
    for table in lists.values():
        configure_list(request, table)
    context = {
        **lists,
        "list_import": list_import,
        "annual_list": list_import.annual_list,
        "form": form,
        "counts": list_import.summary.get("counts", {}),
        "error_count": list_import.summary.get("counts", {}).get("errors")
        or len(list_import.errors),
        "export_formats": list(ExportFormat),
        "progress_region": PROGRESS_REGION,
    }
    return render_page_or_partial(
        request, "dashboards/list_import_detail.html", context, partial=PROGRESS_REGION
    )


@require_safe
@requires("matters.manage_lists")
def list_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    list_import = access_list_import(list_import_id=pk)
    polling = getattr(getattr(request, "htmx", None), "target", None) == PROGRESS_REGION
    if polling and list_import.is_finished:
        return HttpResponseClientRefresh()  # the whole page changes: the plan replaces progress
    return _render_detail(request, list_import, ListImportApplyForm())


@require_POST
@requires("matters.manage_lists")
def list_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    list_import = access_list_import(list_import_id=pk)
    form = ListImportApplyForm(request.POST)
    return form_step(
        request,
        form,
        lambda data: queue_list_import_apply(
            list_import=list_import, applied_by=acting_user(request), reason=data["reason"]
        ),
        done=_("The import was queued; this page shows its result."),
        then=lambda queued: redirect("dashboards:list_import_detail", pk=queued.pk),
        page=lambda: _render_detail(request, list_import, form),
    )


@require_safe
@requires("matters.manage_lists")
def annual_list_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in ExportFormat:
        raise Http404(_("No such format."))
    exported = export_annual_list(
        annual_list=_access_annual_list(pk), file_format=ExportFormat(file_format)
    )
    return exported.response()


urlpatterns: list[URLPattern] = [
    path("list-imports/", list_import_list, name="list_import_list"),
    path("annual-lists/<int:pk>/imports/new/", list_import_create, name="list_import_create"),
    path("list-imports/<int:pk>/", list_import_detail, name="list_import_detail"),
    path("list-imports/<int:pk>/apply/", list_import_apply, name="list_import_apply"),
    path(
        "annual-lists/<int:pk>/export/<str:file_format>/",
        annual_list_export,
        name="annual_list_export",
    ),
]
