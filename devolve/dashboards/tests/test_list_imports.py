"""List import pages: the office uploads a workbook, reads the dry run, applies it; a running
import's progress region polls with htmx; any edition downloads as .xlsx, CSV or JSON."""

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook  # type: ignore[import-untyped]
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.matters.models import AnnualList, Department, ListEntry, ListImport, Matter
from devolve.matters.services import create_annual_list
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

HEADER = ["序号", "事项名称", "事项编码", "事项类型", "主管部门/实施部门", "授权方式", "承接主体"]


def _url(name: str, **kwargs: object) -> str:
    with translation.override("en"):
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)


def _upload(*rows: list[object], name: str = "2024.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(HEADER)
    for cells in rows:
        book.active.append(cells)
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile(name, output.getvalue())


@pytest.fixture
def draft(office_user: User, justice: Department) -> AnnualList:
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    zone = ZoneFactory(slug="east", name_zh="东区", name_en="East Zone")
    BatchMembershipFactory(batch=batch, zone=zone, joined_on=datetime.date(2023, 1, 1))
    MatterFactory(code="511A0000000001", name_zh="律师事务所设立审批", competent_department=justice)
    return create_annual_list(year=2024, batch=batch, created_by=office_user)


LAW_FIRMS_ROW = [
    1,
    "律师事务所设立审批",
    "511A0000000001",
    "行政许可",
    "四川省司法厅",
    "下放",
    "东区",
]


@pytest.fixture
def running(draft: AnnualList, office_user: User) -> ListImport:
    return ListImport.objects.create(
        annual_list=draft,
        workbook=_upload(LAW_FIRMS_ROW),
        original_name="2024.xlsx",
        status=ListImport.Status.RUNNING,
        rows_total=10_000,
        rows_done=2_500,
        created_by=office_user,
    )


# Authorization matrix ---------------------------------------------------------------------------


def test_every_page_is_open_to_the_office_only(
    client: Client, personas: dict[str, User | None], draft: AnnualList, running: ListImport
) -> None:
    for url in (
        _url("list_import_list"),
        _url("list_import_create", pk=draft.pk),
        _url("list_import_detail", pk=running.pk),
        _url("annual_list_export", pk=draft.pk, file_format="csv"),
    ):
        assert_authorization_matrix(client, personas, "get", url, allowed={"office"})


def test_apply_is_refused_to_everyone_but_the_office(
    client: Client, personas: dict[str, User | None], running: ListImport
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("list_import_apply", pk=running.pk),
        allowed={"office"},
        data={"reason": ""},
    )

    assert ListImport.objects.get(pk=running.pk).status == "running"


# Upload → dry run → apply -----------------------------------------------------------------------


def test_the_office_uploads_reads_the_dry_run_and_applies(
    client: Client,
    office_user: User,
    draft: AnnualList,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(office_user)
    new_support = [2, "新设支持事项", "", "", "四川省司法厅", "支持事项", "全部试点区域"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("list_import_create", pk=draft.pk),
            {"workbook": _upload(LAW_FIRMS_ROW, new_support)},
        )

    list_import = ListImport.objects.get()
    assertRedirects(response, _url("list_import_detail", pk=list_import.pk))
    page = client.get(_url("list_import_detail", pk=list_import.pk))
    assertContains(page, '<dd class="govuk-summary-list__value" data-count="add">2 (', html=False)
    assertContains(page, 'data-testid="list-import-apply"')
    assert [row["matter_name"] for row in page.context["list_import"].summary["add"]] == [
        "律师事务所设立审批",
        "新设支持事项",
    ]
    assert ListEntry.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("list_import_apply", pk=list_import.pk), {"reason": ""})

    assertRedirects(response, _url("list_import_detail", pk=list_import.pk))
    assert ListImport.objects.get().status == "applied"
    assert list(draft.entries.values_list("sequence", "matter__name_zh", "mode__code")) == [
        (1, "律师事务所设立审批", "delegate"),
        (2, "新设支持事项", "support"),
    ]
    assert Matter.objects.get(name_zh="新设支持事项").kind == "support"
    assertContains(client.get(_url("list_import_detail", pk=list_import.pk)), 'id="import-applied"')


def test_the_dry_run_page_lists_every_error_by_row_and_column(
    client: Client,
    office_user: User,
    draft: AnnualList,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(office_user)
    bad_mode = [*LAW_FIRMS_ROW[:5], "转让", "东区"]
    bad_area = [2, "新设支持事项", "", "", "四川省司法厅", "支持事项", "南区　"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _url("list_import_create", pk=draft.pk), {"workbook": _upload(bad_mode, bad_area)}
        )

    page = client.get(_url("list_import_detail", pk=ListImport.objects.get().pk))
    assert [
        (error["row"], error["column"], error["letter"], error["code"])
        for error in page.context["list_import"].errors
    ] == [(2, "授权方式", "F", "unknown_mode"), (3, "承接主体", "G", "unknown_area")]
    # Each error quotes its cell as the workbook holds it, the full-width space included.
    assert [error["value"] for error in page.context["list_import"].errors] == ["转让", "南区　"]
    assertContains(page, '<code class="app-cell-value">南区　</code>', html=False)
    assertContains(page, 'data-error="unknown_mode"')
    assertContains(page, "授权方式 (F)")
    assertContains(page, 'Unknown receiving area “<span lang="zh-Hans">南区</span>”.', html=False)
    assert 'data-testid="list-import-apply"' not in page.content.decode()
    # The tag above the errors does not call the import ready.
    assertContains(page, ">Checked, has errors</strong>")
    assertNotContains(page, "Checked, ready to apply")
    assert ListEntry.objects.count() == 0


def test_an_upload_without_a_file_or_over_the_limit_shows_the_form_again(
    client: Client, office_user: User, draft: AnnualList, settings: Any
) -> None:
    client.force_login(office_user)
    settings.DEVOLVE_IMPORT_MAX_BYTES = 100

    missing = client.post(_url("list_import_create", pk=draft.pk), {})
    too_large = client.post(
        _url("list_import_create", pk=draft.pk), {"workbook": _upload(LAW_FIRMS_ROW)}
    )

    assert missing.status_code == too_large.status_code == 200
    assert list(missing.context["form"].errors) == ["workbook"]
    assert too_large.context["form"].errors["workbook"][0].startswith("The file is ")
    assert ListImport.objects.count() == 0


def test_apply_of_changes_without_a_reason_shows_the_error_beside_the_field(
    client: Client, office_user: User, running: ListImport
) -> None:
    ListImport.objects.filter(pk=running.pk).update(
        status=ListImport.Status.DRY_RUN_READY, summary={"counts": {"change": 1}}
    )
    client.force_login(office_user)

    response = client.post(_url("list_import_apply", pk=running.pk), {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Say why the entries change."]}
    assert ListImport.objects.get(pk=running.pk).status == "dry_run_ready"


# Progress while a large import runs -------------------------------------------------------------


def test_a_running_import_shows_a_polling_progress_region_with_a_link(
    client: Client, office_user: User, running: ListImport
) -> None:
    client.force_login(office_user)
    url = _url("list_import_detail", pk=running.pk)

    page = client.get(url)

    assertContains(page, f'hx-get="{url}" hx-trigger="every 1s" hx-target="this"')
    assertContains(page, f'<a class="govuk-link" href="{url}">Refresh this page</a>', html=False)
    assertContains(page, "Checked 2500 of about 10000 rows.")
    assertContains(page, '<progress max="100" value="25">')


def test_the_progress_poll_returns_only_the_region(
    client: Client, office_user: User, running: ListImport
) -> None:
    client.force_login(office_user)

    response = client.get(
        _url("list_import_detail", pk=running.pk),
        headers={"HX-Request": "true", "HX-Target": "import-progress"},
    )

    content = response.content.decode().strip()
    assert content.startswith('<div id="import-progress" aria-live="polite" hx-get=')
    assert content.endswith("</div>")
    assert "<html" not in content
    assert 'value="25"' in content


def test_the_progress_poll_refreshes_the_page_once_the_import_finishes(
    client: Client, office_user: User, running: ListImport
) -> None:
    ListImport.objects.filter(pk=running.pk).update(status=ListImport.Status.DRY_RUN_READY)
    client.force_login(office_user)

    response = client.get(
        _url("list_import_detail", pk=running.pk),
        headers={"HX-Request": "true", "HX-Target": "import-progress"},
    )
    page = client.get(_url("list_import_detail", pk=running.pk))

    assert (response.status_code, response["HX-Refresh"]) == (200, "true")
    assert 'hx-trigger="every' not in page.content.decode()


# Exports ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
    ],
)
def test_any_edition_downloads_in_each_format(
    client: Client, office_user: User, draft: AnnualList, file_format: str, content_type: str
) -> None:
    client.force_login(office_user)

    response = client.get(_url("annual_list_export", pk=draft.pk, file_format=file_format))

    assert (response["Content-Type"], response["Content-Disposition"]) == (
        content_type,
        f'attachment; filename="2024-batch-1.{file_format}"',
    )


def test_an_unknown_format_is_not_found(
    client: Client, office_user: User, draft: AnnualList
) -> None:
    client.force_login(office_user)

    response = client.get(_url("annual_list_export", pk=draft.pk, file_format="pdf"))

    assert response.status_code == 404


def test_the_list_page_offers_exports_for_every_edition_and_imports_for_drafts(
    client: Client, office_user: User, draft: AnnualList
) -> None:
    AnnualList.objects.create(
        year=2023,
        batch=draft.batch,
        status=AnnualList.Status.PUBLISHED,
        approved_on=datetime.date(2023, 3, 1),
        published_on=datetime.date(2023, 3, 10),
    )
    client.force_login(office_user)

    page = client.get(_url("list_import_list"))

    content = page.content.decode()
    published = AnnualList.objects.get(year=2023)
    for annual_list in (draft, published):
        for file_format in ("xlsx", "csv", "json"):
            assert _url("annual_list_export", pk=annual_list.pk, file_format=file_format) in content
    assert _url("list_import_create", pk=draft.pk) in content
    assert _url("list_import_create", pk=published.pk) not in content


def test_the_import_page_is_reached_from_a_draft_and_from_the_staff_start_page(
    client: Client, office_user: User, draft: AnnualList
) -> None:
    client.force_login(office_user)

    edition_page = client.get(_url("annual_list_detail", pk=draft.pk))
    start_page = client.get(_url("dashboard_home"))

    assertContains(edition_page, f'href="{_url("list_import_create", pk=draft.pk)}"')
    assertContains(edition_page, 'data-testid="edition-import"')
    assertContains(start_page, f'href="{_url("list_import_list")}"')


def _zh_url(name: str, **kwargs: object) -> str:
    with translation.override("zh-hans"):
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)


def test_errors_found_in_one_language_read_in_the_readers(
    client: Client,
    office_user: User,
    draft: AnnualList,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """An import checked while Chinese was active stores its errors as codes (ADR 0041): the
    English page reads them in English, the Chinese page in Chinese."""
    client.force_login(office_user)
    bad_area = [2, "新设支持事项", "", "", "四川省司法厅", "支持事项", "南区"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_zh_url("list_import_create", pk=draft.pk), {"workbook": _upload(bad_area)})

    list_import = ListImport.objects.get()
    assert [error["code"] for error in list_import.errors] == ["unknown_area"]
    assert list_import.errors[0]["message"].startswith('{"code":"list_import.error.')
    english = client.get(_url("list_import_detail", pk=list_import.pk))
    chinese = client.get(_zh_url("list_import_detail", pk=list_import.pk))
    assertContains(
        english, 'Unknown receiving area “<span lang="zh-Hans">南区</span>”.', html=False
    )
    assertNotContains(english, "无法识别")
    assertContains(chinese, "无法识别的承接区域“南区”。")
    assertNotContains(chinese, "Unknown receiving area")
