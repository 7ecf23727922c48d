"""A build the builders refuse ends failed, its code kept and its history reason stored as a
code that reads in the reader's language."""

import datetime

import pytest
from django.utils import translation

from devolve.core.actions import render_text, system_text
from devolve.documents.models import DocumentFormat, DocumentKind, GeneratedDocument
from devolve.documents.services import build_generated_document
from devolve.matters.tests.list_factories import AnnualListFactory

pytestmark = pytest.mark.django_db


def test_a_refused_build_ends_failed_with_a_coded_reason() -> None:
    draft = AnnualListFactory()
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.LIST_NOTICE,
        subject_key=draft.key,
        file_format=DocumentFormat.PDF,
        language="zh-hans",
        as_of=datetime.date(2024, 3, 1),
    )

    build_generated_document(document=document)

    document.refresh_from_db()
    reason = document.history.latest().history_change_reason
    assert (document.status, document.error_code) == ("failed", "not_published")
    assert reason == system_text("document.failed", code="not_published")
    with translation.override("en"):
        assert render_text(reason) == "Document failed (not_published)"
