"""Named reads of generated documents: a person sees the documents they asked for, and those who
read briefings see every document."""

import datetime

from django.db.models import QuerySet

from devolve.accounts.models import User
from devolve.documents.models import GeneratedDocument
from devolve.documents.permissions import can_read_briefings


def list_documents() -> QuerySet[GeneratedDocument]:
    return GeneratedDocument.objects.select_related("requested_by")


def list_documents_visible_to(*, user: User) -> QuerySet[GeneratedDocument]:
    if not user.is_active:
        return list_documents().none()
    if can_read_briefings(user):
        return list_documents()
    return list_documents().filter(requested_by=user)


def get_document_visible_to(*, user: User, pk: int) -> GeneratedDocument | None:
    return list_documents_visible_to(user=user).filter(pk=pk).first()


def get_document(*, pk: int) -> GeneratedDocument | None:
    return list_documents().filter(pk=pk).first()


def find_built_document(
    *,
    kind: str,
    subject_key: str,
    file_format: str,
    language: str,
    as_of: datetime.date,
    fonts: str,
) -> GeneratedDocument | None:
    """The latest finished document built from the same inputs with the same fonts, if its file
    is still in storage."""
    stored = (
        GeneratedDocument.objects.filter(
            kind=kind,
            subject_key=subject_key.strip(),
            file_format=file_format,
            language=language,
            as_of=as_of,
            fonts=fonts[:400],
            status=GeneratedDocument.Status.DONE,
        )
        .order_by("-finished_at", "-pk")
        .first()
    )
    if stored is None or not stored.file.name or not stored.file.storage.exists(stored.file.name):
        return None
    return stored
