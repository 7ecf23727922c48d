"""Requesting a document and building it in the background, with its progress on the record."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.access import allows
from devolve.core.actions import render_text, system_text
from devolve.core.actors import SYSTEM, SystemActor, is_system, person
from devolve.core.errors import DomainError, NotAllowed, refusal
from devolve.core.events import record_event
from devolve.core.history import save_validated
from devolve.documents import builders
from devolve.documents.fonts import plan_fonts
from devolve.documents.models import (
    DocumentFormat,
    DocumentKind,
    DocumentLanguage,
    GeneratedDocument,
)
from devolve.documents.selectors import find_built_document
from devolve.documents.tasks import build_generated_document as build_generated_document_task


def _require_allowed(user: User | SystemActor, kind: DocumentKind) -> None:
    if is_system(user):
        return
    if kind == DocumentKind.BRIEFING and not allows(user, "documents.request_briefing"):
        raise NotAllowed(_("Only the reform office, evaluators and auditors read briefings."))
    if not allows(user, "documents.request_notice"):
        raise NotAllowed(_("Only programme staff request documents."))


def _new_document(
    *,
    kind: DocumentKind,
    subject_key: str,
    file_format: DocumentFormat,
    language: DocumentLanguage,
    as_of: datetime.date,
    requested_by: User | SystemActor,
) -> GeneratedDocument:
    _require_allowed(requested_by, kind)
    if kind != DocumentKind.BRIEFING and language != DocumentLanguage.CHINESE:
        raise refusal("document.chinese_only", "chinese_only", field="language")
    plan_fonts()
    builders.check_subject(kind=kind, subject_key=subject_key, as_of=as_of)
    document = GeneratedDocument(
        kind=kind,
        subject_key=subject_key.strip(),
        file_format=file_format,
        language=language,
        as_of=as_of,
        requested_by=person(requested_by),
    )
    save_validated(document, actor=requested_by, reason=system_text("document.requested"))
    record_event(
        actor=requested_by,
        action="document.requested",
        target=document,
        details={"kind": kind, "subject": document.subject_key, "format": file_format},
    )
    return document


@transaction.atomic
def request_document(
    *,
    kind: DocumentKind,
    subject_key: str,
    file_format: DocumentFormat,
    language: DocumentLanguage = DocumentLanguage.CHINESE,
    as_of: datetime.date,
    requested_by: User | SystemActor,
) -> GeneratedDocument:
    """Record the request and queue the build (after commit).

    Refuses at once what the build would refuse: ``not_allowed``, ``chinese_only`` (notices are
    issued in Chinese), ``cjk_fonts_missing``, and the subject's own refusals (``unknown_list``,
    ``not_published``, ``open_to_appeal``, ``no_data`` …).
    """
    document = _new_document(
        kind=kind,
        subject_key=subject_key,
        file_format=file_format,
        language=language,
        as_of=as_of,
        requested_by=requested_by,
    )
    transaction.on_commit(lambda: build_generated_document_task.enqueue(document_id=document.pk))
    return document


def _report_progress(document: GeneratedDocument) -> builders.Progress:
    def report(steps_done: int, steps_total: int, step: str) -> None:
        # Progress is not part of the record's history: update the columns without a history row.
        GeneratedDocument.objects.filter(pk=document.pk).update(
            steps_done=steps_done, steps_total=steps_total, current_step=step[:200]
        )

    return report


def _fail(document: GeneratedDocument, *, code: str, text: str) -> GeneratedDocument:
    """End the document failed with ``code`` and why, stored as a code with its parameters
    (``text``, core.actions.system_text) and read in each reader's language."""
    document.refresh_from_db(fields=["steps_done", "steps_total", "current_step"])
    document.status = GeneratedDocument.Status.FAILED
    document.error_code = code
    document.error_message = text
    document.finished_at = timezone.now()
    save_validated(document, actor=SYSTEM, reason=system_text("document.failed", code=code))
    record_event(actor=SYSTEM, action="document.refused", target=document, details={"code": code})
    return document


def build_generated_document(*, document: GeneratedDocument) -> GeneratedDocument:
    """Build the requested document and store it; a refusal ends it failed with its code.

    Safe to run again: a finished document is left as it is.
    """
    document = GeneratedDocument.objects.get(pk=document.pk)
    if document.is_finished:
        return document
    document.status = GeneratedDocument.Status.RUNNING
    save_validated(document, actor=SYSTEM, reason=system_text("document.build_started"))
    try:
        built = builders.build(
            kind=DocumentKind(document.kind),
            subject_key=document.subject_key,
            file_format=DocumentFormat(document.file_format),
            language=document.language,
            as_of=document.as_of,
            progress=_report_progress(document),
        )
    except DomainError as error:
        # A refusal from elsewhere (no stored form) is named by its code, never by words in the
        # language the build ran in.
        text = error.text or system_text("document.refused_with_code", code=error.code)
        return _fail(document, code=error.code, text=text)
    except Exception:
        _fail(document, code="crashed", text=system_text("document.crashed"))
        raise
    document.refresh_from_db(fields=["steps_done", "steps_total", "current_step"])
    document.file.save(built.filename, ContentFile(built.content), save=False)
    document.filename = built.filename
    document.fonts = built.fonts[:400]
    document.notes = "\n".join(built.notes)
    document.status = GeneratedDocument.Status.DONE
    document.steps_done = document.steps_total
    document.finished_at = timezone.now()
    save_validated(document, actor=SYSTEM, reason=system_text("document.built"))
    record_event(actor=SYSTEM, action="document.built", target=document)
    return document


def obtain_document(
    *,
    kind: DocumentKind,
    subject_key: str,
    file_format: DocumentFormat,
    as_of: datetime.date,
    language: DocumentLanguage = DocumentLanguage.CHINESE,
    requested_by: User | SystemActor,
) -> GeneratedDocument:
    """The document for these inputs, built now unless an identical one (same inputs, same fonts)
    is stored: for the quick documents that pages offer for download. A refusal raises."""
    fonts = plan_fonts().description
    stored = find_built_document(
        kind=kind,
        subject_key=subject_key,
        file_format=file_format,
        language=language,
        as_of=as_of,
        fonts=fonts,
    )
    if stored is not None:
        return stored
    with transaction.atomic():
        document = _new_document(
            kind=kind,
            subject_key=subject_key,
            file_format=file_format,
            language=language,
            as_of=as_of,
            requested_by=requested_by,
        )
    document = build_generated_document(document=document)
    if document.status == GeneratedDocument.Status.FAILED:
        raise DomainError(
            document.error_code,
            render_text(document.error_message),
            text=document.error_message,
        )
    return document
