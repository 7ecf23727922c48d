"""Public downloads of the official documents, mounted by portal/urls.py: an edition's notice
with the list attached (and, with the performance pages, a year's results notice), as PDF or
DOCX.

They carry published data only. A document is built on the first request and then served from
storage (``documents.services.obtain_document``); a refusal is a page with its message.
"""

import datetime

from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import register_converter
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError
from devolve.documents.models import DocumentFormat, DocumentKind
from devolve.documents.results_notice import results_as_of
from devolve.documents.services import obtain_document
from devolve.matters.models import AnnualList
from devolve.matters.selectors import get_annual_list


class DocumentFormatConverter:
    regex = "pdf|docx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DocumentFormatConverter, "document_format")


def document_response(
    request: HttpRequest,
    *,
    kind: DocumentKind,
    subject_key: str,
    file_format: str,
    as_of: datetime.date,
) -> HttpResponseBase:
    try:
        document = obtain_document(
            kind=kind,
            subject_key=subject_key,
            file_format=DocumentFormat(file_format),
            as_of=as_of,
            requested_by=SYSTEM,
        )
    except DomainError as error:
        context = {"code": error.code, "message": error.message}
        return render(request, "portal/document_refused.html", context, status=409)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)


@require_safe
def performance_notice(request: HttpRequest, year: int, file_format: str) -> HttpResponseBase:
    as_of = results_as_of(year=year)
    if as_of is None:
        raise Http404(_("No published assessment for that year."))
    return document_response(
        request,
        kind=DocumentKind.RESULTS_NOTICE,
        subject_key=str(year),
        file_format=file_format,
        as_of=as_of,
    )


@require_safe
def annual_list_notice(
    request: HttpRequest, year: int, batch: int, edition: int, file_format: str
) -> HttpResponseBase:
    annual_list = get_annual_list(year=year, batch_number=batch, edition=edition)
    public = (AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED)
    if annual_list is None or annual_list.status not in public or not annual_list.published_on:
        raise Http404(_("No published edition with this key."))
    return document_response(
        request,
        kind=DocumentKind.LIST_NOTICE,
        subject_key=annual_list.key,
        file_format=file_format,
        as_of=annual_list.published_on,
    )
