"""The documents API's shapes: a generated document with its progress, and a request for one."""

from django.utils import timezone
from rest_framework import serializers

from devolve.core.api.fields import StoredTextField
from devolve.documents.models import (
    DocumentFormat,
    DocumentKind,
    DocumentLanguage,
    GeneratedDocument,
)


class GeneratedDocumentOutput(serializers.ModelSerializer[GeneratedDocument]):
    percent = serializers.IntegerField(read_only=True)
    # Why the document failed, in the request's language (stored as a code, ADR 0041).
    error_message = StoredTextField()
    # What the build left on the document and the step it is at, likewise.
    notes = StoredTextField(
        lines=True, help_text="What the document could not fill in, if anything; a line each."
    )
    current_step = StoredTextField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedDocument
        fields = [
            "id", "kind", "subject_key", "file_format", "language", "as_of", "status",
            "steps_done", "steps_total", "current_step", "percent", "filename", "fonts",
            "notes", "error_code", "error_message", "requested_at", "finished_at", "file_url",
        ]  # fmt: skip

    def get_file_url(self, document: GeneratedDocument) -> str | None:
        """Where to download the file once the document is done."""
        if document.status != GeneratedDocument.Status.DONE:
            return None
        return f"/api/v1/documents/{document.pk}/file/"


class GeneratedDocumentInput(serializers.Serializer[GeneratedDocument]):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    subject_key = serializers.CharField(
        max_length=40,
        help_text="2024/batch-1 (list), 2024 (results), 2024 or 2024-01-01..2024-06-30 (briefing)",
    )
    file_format = serializers.ChoiceField(choices=DocumentFormat.choices)
    language = serializers.ChoiceField(
        choices=DocumentLanguage.choices, default=DocumentLanguage.CHINESE
    )
    as_of = serializers.DateField(required=False, default=timezone.localdate)
