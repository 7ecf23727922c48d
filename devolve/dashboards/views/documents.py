"""Staff pages for documents: ask for a briefing report or an official notice, follow its build
in the background (progress polled with htmx, with a plain link as fallback), download it.

Every programme role may ask for notices (published data); briefings are for the office,
evaluators and auditors (``documents.services`` checks again). A person sees the documents they
asked for; those who read briefings see all.
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRefresh

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.core.access import requires
from devolve.core.htmx import render_page_or_partial
from devolve.core.lists import render_list
from devolve.dashboards.doors import data_of, form_step
from devolve.documents.forms import DocumentRequestForm
from devolve.documents.models import (
    DocumentFormat,
    DocumentKind,
    DocumentLanguage,
    GeneratedDocument,
)
from devolve.documents.selectors import get_document_visible_to, list_documents_visible_to
from devolve.documents.services import request_document
from devolve.documents.tables import GeneratedDocumentTable

PROGRESS_REGION = "document-progress"


def _access_document(user: User, pk: int) -> GeneratedDocument:
    document = get_document_visible_to(user=user, pk=pk)
    if document is None:
        raise Http404(_("No such document."))
    return document


@require_http_methods(["GET", "HEAD", "POST"])
@requires("documents.view_documents")
def generated_document_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = DocumentRequestForm(data_of(request))
    return form_step(
        request,
        form,
        lambda data: request_document(
            kind=DocumentKind(data["kind"]),
            subject_key=data["subject_key"],
            file_format=DocumentFormat(data["file_format"]),
            language=DocumentLanguage(data["language"]),
            as_of=data["as_of"] or timezone.localdate(),
            requested_by=user,
        ),
        done=None,  # the document's page follows its build
        then=lambda document: redirect("dashboards:generated_document_detail", pk=document.pk),
        page=lambda: render_list(
            request,
            table=GeneratedDocumentTable(list_documents_visible_to(user=user)),
            template="dashboards/generated_document_list.html",
            partial="documents-table",
            export_name=_("Documents"),
            context={"form": form},
        ),
    )


@require_safe
@requires("documents.view_documents")
def generated_document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _access_document(acting_user(request), pk)
    polling = getattr(getattr(request, "htmx", None), "target", None) == PROGRESS_REGION
    if polling and document.is_finished:
        return HttpResponseClientRefresh()
    context = {"document": document, "notes": document.notes.splitlines()}
    return render_page_or_partial(
        request, "dashboards/generated_document_detail.html", context, partial=PROGRESS_REGION
    )


@require_safe
@requires("documents.view_documents")
def generated_document_file(request: HttpRequest, pk: int) -> HttpResponse:
    document = _access_document(acting_user(request), pk)
    if document.status != GeneratedDocument.Status.DONE or not document.file.name:
        raise Http404(_("This document is not ready."))
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        document.file.open("rb"), as_attachment=True, filename=document.filename
    )
    return response


urlpatterns: list[URLPattern] = [
    path("documents/", generated_document_list, name="generated_document_list"),
    path("documents/<int:pk>/", generated_document_detail, name="generated_document_detail"),
    path("documents/<int:pk>/file/", generated_document_file, name="generated_document_file"),
]
