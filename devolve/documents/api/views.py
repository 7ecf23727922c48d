"""Documents API: ask for a document (it is built in the background), follow its progress,
download it. Signed-in programme staff only; briefings for the office, evaluators and auditors
(the service checks again). A person sees the documents they asked for; those who read briefings
see all."""

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.accounts.acting import acting_user
from devolve.core.api.rows import RowListMixin
from devolve.documents import selectors, services
from devolve.documents.api.serializers import GeneratedDocumentInput, GeneratedDocumentOutput
from devolve.documents.models import GeneratedDocument


class GeneratedDocumentViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[GeneratedDocument]):
    """Generated documents (list notices, results notices, briefings) and their progress."""

    serializer_class = GeneratedDocumentOutput
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[GeneratedDocument]:
        if getattr(self, "swagger_fake_view", False):
            return GeneratedDocument.objects.none()
        return selectors.list_documents_visible_to(user=acting_user(self.request))

    @extend_schema(request=GeneratedDocumentInput, responses={202: GeneratedDocumentOutput})
    def create(self, request: Request) -> Response:
        """Ask for a document; it is built in the background (poll it for progress). Refusals
        answer 400 with a code: ``not_published``, ``open_to_appeal``, ``no_data``,
        ``chinese_only``, ``cjk_fonts_missing``, ``unknown_list``, ``invalid_period`` …"""
        payload = GeneratedDocumentInput(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.request_document(
            requested_by=acting_user(request), **payload.validated_data
        )
        document.refresh_from_db()
        return Response(GeneratedDocumentOutput(document).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: str) -> FileResponse:
        """The document's file (PDF or DOCX), once it is done."""
        document = self.get_object()
        if document.status != GeneratedDocument.Status.DONE or not document.file.name:
            raise NotFound("This document is not ready.")
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.filename
        )
