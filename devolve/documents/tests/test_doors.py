"""The doors to documents: the staff pages (ask, follow, download), the API and the print
stylesheet of the public pages."""

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.documents.models import DocumentKind, GeneratedDocument
from devolve.matters.models import AnnualList
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory

ALL_STAFF = {"office", "department", "other_department", "prefecture", "pilot_area",
             "evaluator", "auditor"}  # fmt: skip


@pytest.fixture
def published(db: None) -> AnnualList:
    annual_list = AnnualListFactory(published=True, title_zh="2024年度测试清单")
    ListEntryFactory(annual_list=annual_list, matter=MatterFactory(name_zh="甲事项"))
    return annual_list


def test_every_programme_role_sees_the_documents_page(
    client: Client, personas: dict[str, User | None]
) -> None:
    url = reverse("dashboards:generated_document_list")
    assert_authorization_matrix(client, personas, "get", url, allowed=ALL_STAFF)


def test_a_notice_asked_for_on_the_page_is_built_and_downloaded(
    client: Client,
    department_user: User,
    published: AnnualList,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(department_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboards:generated_document_list"),
            {
                "kind": "list",
                "subject_key": published.key,
                "file_format": "docx",
                "language": "zh-hans",
                "as_of": "2024-03-10",
            },
        )
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "dashboards:generated_document_detail", kwargs={"pk": document.pk}
    )
    assert document.status == GeneratedDocument.Status.DONE
    assert document.requested_by == department_user
    page = client.get(response["Location"])
    assert b'data-status="done"' in page.content
    download = client.get(reverse("dashboards:generated_document_file", kwargs={"pk": document.pk}))
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_a_refused_request_is_shown_beside_the_form(
    client: Client, office_user: User, db: None
) -> None:
    draft = AnnualListFactory()
    client.force_login(office_user)
    response = client.post(
        reverse("dashboards:generated_document_list"),
        {"kind": "list", "subject_key": draft.key, "file_format": "pdf", "language": "zh-hans"},
    )
    assert response.status_code == 200
    assert "尚未印发" in response.content.decode()
    assert GeneratedDocument.objects.count() == 0


def test_a_pilot_area_is_refused_a_briefing_on_the_page(
    client: Client, pilot_area_user: User, db: None
) -> None:
    client.force_login(pilot_area_user)
    response = client.post(
        reverse("dashboards:generated_document_list"),
        {"kind": "briefing", "subject_key": "2024", "file_format": "pdf", "language": "en"},
    )
    assert response.status_code in {200, 403}
    assert GeneratedDocument.objects.count() == 0


def test_others_documents_are_not_found(
    client: Client, department_user: User, other_department_user: User, published: AnnualList
) -> None:
    client.force_login(department_user)
    client.post(
        reverse("dashboards:generated_document_list"),
        {
            "kind": "list",
            "subject_key": published.key,
            "file_format": "pdf",
            "language": "zh-hans",
        },
    )
    document = GeneratedDocument.objects.get()
    client.force_login(other_department_user)
    url = reverse("dashboards:generated_document_detail", kwargs={"pk": document.pk})
    assert client.get(url).status_code == 404


def test_the_progress_region_alone_is_returned_to_htmx(
    client: Client, office_user: User, db: None
) -> None:
    document = GeneratedDocument.objects.create(
        kind="briefing", subject_key="2024", file_format="pdf", as_of=datetime.date(2024, 12, 31),
        status="running", steps_total=10, steps_done=3, current_step="Usage",
        requested_by=office_user,
    )  # fmt: skip
    client.force_login(office_user)
    url = reverse("dashboards:generated_document_detail", kwargs={"pk": document.pk})
    response = client.get(url, headers={"HX-Request": "true", "HX-Target": "document-progress"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="document-progress"')
    assert 'data-steps-done="3"' in html
    assert '<progress max="100" value="30">' in html


def test_the_api_queues_a_requested_notice_and_reports_it_built(
    client: Client,
    office_user: User,
    published: AnnualList,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/documents/",
            {
                "kind": "list",
                "subject_key": published.key,
                "file_format": "pdf",
                "as_of": "2024-03-10",
            },
            content_type="application/json",
        )
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["file_url"]) == ("queued", None)
    body = client.get(f"/api/v1/documents/{response.json()['id']}/").json()
    assert (body["status"], body["percent"], body["steps_done"]) == ("done", 100, 3)
    download = client.get(body["file_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:5] == b"%PDF-"


def test_the_api_refuses_with_a_code(client: Client, office_user: User, db: None) -> None:
    client.force_login(office_user)
    response = client.post(
        "/api/v1/documents/",
        {"kind": "briefing", "subject_key": "2024-13-01..2024-12-31", "file_format": "pdf"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_period"


def test_the_api_needs_a_signed_in_user(client: Client, db: None) -> None:
    assert client.get("/api/v1/documents/").status_code in {401, 403}


def test_public_pages_print_without_navigation_and_with_whole_tables() -> None:
    found = finders.find("dist/devolve.css")
    assert found, "run `make assets` first"
    css = Path(str(found)).read_text()
    blocks = re.findall(r"@media print\{((?:[^{}]*\{[^{}]*\})*)\}", css)
    ours = next(block for block in blocks if "main form" in block)
    assert re.search(r"\.govuk-footer[^{]*\{display:none ?!important", ours)
    assert ".app-language-switch" in ours
    assert "main form" in ours
    assert re.search(r"thead\{display:table-header-group", ours)
    assert re.search(r"\.app-table-scroll\{overflow:visible", ours)


def test_the_documents_list_pages_and_counts_every_document(
    client: Client, office_user: Any
) -> None:
    GeneratedDocument.objects.bulk_create(
        GeneratedDocument(
            kind=DocumentKind.LIST_NOTICE,
            subject_key=f"2024/batch-{number}",
            file_format="pdf",
            requested_by=office_user,
            as_of=datetime.date(2024, 1, 1),
        )
        for number in range(60)
    )
    client.force_login(office_user)

    response = client.get(reverse("dashboards:generated_document_list"))

    assert response.context["count"] == GeneratedDocument.objects.count() == 60
    assert len(response.context["table"].page.object_list) == 50
    assert "data-list-pager" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "step", "note"),
    [
        ("en", "Step 3 of 10: Usage", "Simulated: the economic figures of the demo are generated."),
        ("zh-hans", "办件情况", "模拟：演示中的经济数据为模拟生成。"),
    ],
)
def test_a_documents_step_and_notes_read_in_the_readers_language(
    client: Client, office_user: User, db: None, language: str, step: str, note: str
) -> None:
    with translation.override("zh-hans"):  # built by a worker speaking Chinese
        document = GeneratedDocument.objects.create(
            kind="briefing", subject_key="2024", file_format="pdf",
            as_of=datetime.date(2024, 12, 31), status="running", steps_total=10, steps_done=3,
            current_step=system_text("document.step.usage"),
            notes=system_text("document.note.simulated_economy"), requested_by=office_user,
        )  # fmt: skip
    client.force_login(office_user)
    with translation.override(language):
        url = reverse("dashboards:generated_document_detail", kwargs={"pk": document.pk})
    running = " ".join(client.get(url).content.decode().split())
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status="done", filename="b.pdf", file="documents/b.pdf"
    )
    done = " ".join(client.get(url).content.decode().split())
    api = client.get(
        f"/api/v1/documents/{document.pk}/", headers={"Accept-Language": language}
    ).json()

    assert step in running
    assert note in done
    assert step.endswith(api["current_step"])
    assert api["notes"] == note
