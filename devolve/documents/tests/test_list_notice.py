"""The list notice from small editions: refusals, blanks, the approval record's fields, and the
request → background build → download path (service, command, page)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.actions import render_text
from devolve.core.errors import DomainError, NotAllowed
from devolve.documents import services
from devolve.documents.builders import build_list_document
from devolve.documents.list_notice import build_list_notice
from devolve.documents.models import DocumentFormat, DocumentKind, GeneratedDocument
from devolve.documents.official import BLANK
from devolve.documents.tests.pdf_tools import pdf_text, squeezed
from devolve.matters.models import AnnualList, Matter
from devolve.matters.services import approve_annual_list
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory, mode

AS_OF = datetime.date(2024, 3, 10)


@pytest.fixture
def published(db: None) -> AnnualList:
    annual_list = AnnualListFactory(published=True, title_zh="2024年度测试清单")
    ListEntryFactory(annual_list=annual_list, sequence=1, matter=MatterFactory(name_zh="甲事项"))
    ListEntryFactory(
        annual_list=annual_list,
        sequence=2,
        matter=MatterFactory(name_zh="乙支持事项", kind=Matter.Kind.SUPPORT, matter_type=None),
        mode=mode("support"),
    )
    ListEntryFactory(annual_list=annual_list, sequence=3, matter=MatterFactory(name_zh="丙事项"))
    return annual_list


def test_sections_by_kind_number_their_entries_from_one(published: AnnualList) -> None:
    notice = build_list_notice(annual_list=published)
    sections = notice.attachments[0].sections
    assert [section.heading for section in sections] == [
        "一、省级授权事项（2项）",
        "二、省级支持事项（1项）",
    ]
    assert [row[:2] for row in sections[0].rows] == [("1", "甲事项"), ("2", "丙事项")]
    assert [row[:2] for row in sections[1].rows] == [("1", "乙支持事项")]
    assert notice.signed_on == published.published_on
    assert notice.document_number == published.document_number


@pytest.mark.parametrize("status", ["draft", "in_review", "approved"])
def test_an_unpublished_edition_is_refused(db: None, status: str) -> None:
    annual_list = AnnualListFactory(
        status=status, approved_on=datetime.date(2024, 3, 1) if status == "approved" else None
    )
    ListEntryFactory(annual_list=annual_list)
    with pytest.raises(DomainError) as refusal:
        build_list_notice(annual_list=annual_list)
    assert refusal.value.code == "not_published"


def test_an_edition_without_entries_is_refused(db: None) -> None:
    with pytest.raises(DomainError) as refusal:
        build_list_notice(annual_list=AnnualListFactory(published=True))
    assert refusal.value.code == "empty_list"


def test_the_issuing_authority_and_addressees_come_from_the_approval(
    db: None, office_user: User
) -> None:
    annual_list = AnnualListFactory(in_review=True)
    approve_annual_list(
        annual_list=annual_list,
        approved_by=office_user,
        approved_on=datetime.date(2024, 3, 1),
        document_number="川改办〔2024〕3号",
        issuing_authority_zh=" 某省改革办公室 ",
        addressees_zh="各试点区域管委会",
    )
    annual_list.refresh_from_db()
    assert (annual_list.issuing_authority_zh, annual_list.addressees_zh) == (
        "某省改革办公室",
        "各试点区域管委会",
    )


def test_the_pdf_prints_blanks_for_what_was_not_recorded(published: AnnualList) -> None:
    built = build_list_document(annual_list=published, file_format=DocumentFormat.PDF)
    text = squeezed(pdf_text(built.content))
    assert f"{BLANK}文件" in text
    assert "关于印发《2024年度测试清单》的通知" in text
    assert "2024年3月10日" in text
    with translation.override("zh-hans"):
        assert render_text(built.notes[0]) == "未记录，已留空待填：发文机关、主送机关。"
    with translation.override("en"):  # stored as a sentence code, read in the reader's language
        english = render_text(built.notes[0])
    assert english == "Not recorded, left blank to fill in: 发文机关、主送机关."
    assert built.filename.endswith("-notice.pdf")


def test_a_request_is_built_in_the_background_with_progress(
    published: AnnualList, office_user: User, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = services.request_document(
            kind=DocumentKind.LIST_NOTICE,
            subject_key=published.key,
            file_format=DocumentFormat.DOCX,
            as_of=AS_OF,
            requested_by=office_user,
        )
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE
    assert (document.steps_done, document.steps_total, document.percent) == (3, 3, 100)
    assert document.file.read()[:2] == b"PK"
    assert document.filename == f"{published.key.replace('/', '-')}-notice.docx"


def test_a_request_for_an_unpublished_edition_is_refused_and_nothing_is_recorded(
    db: None, office_user: User
) -> None:
    draft = AnnualListFactory()
    with pytest.raises(DomainError) as refusal:
        services.request_document(
            kind=DocumentKind.LIST_NOTICE,
            subject_key=draft.key,
            file_format=DocumentFormat.PDF,
            as_of=AS_OF,
            requested_by=office_user,
        )
    assert refusal.value.code == "not_published"
    assert GeneratedDocument.objects.count() == 0


def test_notices_are_issued_in_chinese_only(published: AnnualList, office_user: User) -> None:
    with pytest.raises(DomainError) as refusal:
        services.request_document(
            kind=DocumentKind.LIST_NOTICE,
            subject_key=published.key,
            file_format=DocumentFormat.PDF,
            language="en",
            as_of=AS_OF,
            requested_by=office_user,
        )
    assert refusal.value.code == "chinese_only"


def test_a_pilot_area_may_not_request_a_briefing(pilot_area_user: User) -> None:
    with pytest.raises(NotAllowed):
        services.request_document(
            kind=DocumentKind.BRIEFING,
            subject_key="2024",
            file_format=DocumentFormat.PDF,
            as_of=AS_OF,
            requested_by=pilot_area_user,
        )


def test_the_page_download_is_built_once_and_then_served_from_storage(
    published: AnnualList, client: Client
) -> None:
    url = reverse(
        "portal:annual_list_notice",
        kwargs={"year": 2024, "batch": published.batch.number, "edition": 1, "file_format": "pdf"},
    )
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert b"".join(first.streaming_content) == b"".join(second.streaming_content)
    assert GeneratedDocument.objects.count() == 1


def test_an_unpublished_edition_has_no_notice_page(db: None, client: Client) -> None:
    draft = AnnualListFactory()
    url = reverse(
        "portal:annual_list_notice",
        kwargs={"year": 2024, "batch": draft.batch.number, "edition": 1, "file_format": "docx"},
    )
    assert client.get(url).status_code == 404


def test_the_command_writes_the_file(published: AnnualList, tmp_path: object) -> None:
    output = tmp_path / "notice.docx"
    stdout = StringIO()
    call_command("report", "list", published.key, "--format", "docx", "-o", str(output),
                 stdout=stdout, stderr=StringIO())  # fmt: skip
    assert output.read_bytes()[:2] == b"PK"
    assert f"wrote {output}" in stdout.getvalue()


def test_the_command_refuses_an_unknown_edition_and_writes_nothing(
    db: None, tmp_path: object
) -> None:
    output = tmp_path / "notice.pdf"
    with pytest.raises(CommandError, match=r"\[unknown_list\]"):
        call_command("report", "list", "2030/batch-9", "-o", str(output), stderr=StringIO())
    assert not output.exists()
