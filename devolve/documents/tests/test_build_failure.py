"""A build the builders refuse ends failed, its code kept and its history reason stored as a
code that reads in the reader's language."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
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


def test_why_a_build_failed_is_stored_as_a_code_and_read_in_the_readers_language(
    client: Client, office_user: User
) -> None:
    draft = AnnualListFactory()
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.LIST_NOTICE,
        subject_key=draft.key,
        file_format=DocumentFormat.PDF,
        language="zh-hans",
        as_of=datetime.date(2024, 3, 1),
        requested_by=office_user,
    )
    with translation.override("zh-hans"):  # the build's language does not matter
        build_generated_document(document=document)
    document.refresh_from_db()
    client.force_login(office_user)
    pages = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            url = reverse("dashboards:generated_document_detail", kwargs={"pk": document.pk})
        pages[language] = client.get(url).content.decode()

    assert document.error_message == system_text("document.list_not_published", list=draft.key)
    assert (
        f'<p class="govuk-body" data-error-code="not_published">{draft.key} is not published: '
        "only a published edition goes out as a notice.</p>"
    ) in pages["en"]
    assert (
        f'<p class="govuk-body" data-error-code="not_published">{draft.key}尚未印发：'
        "只有已印发的清单版本才能生成印发通知。</p>"
    ) in pages["zh-hans"]
    with translation.override("en"):
        api = client.get(f"/api/v1/documents/{document.pk}/", headers={"accept-language": "en"})
    assert api.json()["error_message"].startswith(f"{draft.key} is not published")


def test_a_refusal_with_a_date_writes_it_as_the_reader_does() -> None:
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.BRIEFING,
        subject_key="2019",
        file_format=DocumentFormat.PDF,
        language="en",
        as_of=datetime.date(2019, 6, 30),
    )

    build_generated_document(document=document)

    document.refresh_from_db()
    assert document.error_code == "no_data"
    assert document.error_message == system_text(
        "document.no_edition_in_year", year=2019, on=datetime.date(2019, 6, 30)
    )
    with translation.override("en"):
        assert render_text(document.error_message) == (
            "Nothing to report for 2019: no edition of the list was published by 30 Jun 2019."
        )
    with translation.override("zh-hans"):
        assert "截至2019年6月30日" in render_text(document.error_message)
