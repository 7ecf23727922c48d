"""Workbooks as departments really send them: an "附件1" line and a merged title above the
headers, two-row merged headers (授权方式 over 下放 | 委托), header cells with line breaks,
full-width spaces and trailing colons, section rows whose counts are checked, a "注：" footnote,
hundreds of formatted blank rows, data on a second sheet, and CSV. Anything the importer cannot
place is an error naming its row and column."""

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Border, PatternFill, Side  # type: ignore[import-untyped]

from devolve.accounts.models import User
from devolve.core.actions import render_text
from devolve.core.spreadsheets import csv_bytes
from devolve.matters.list_export import ExportFormat, export_annual_list
from devolve.matters.list_import import ImportPlan, RowAction, plan_list_import
from devolve.matters.models import ListEntry, Matter
from devolve.matters.services import import_list_workbook
from devolve.matters.tests.test_list_import import (
    FINANCE,
    JUSTICE,
    LAW_FIRMS,
    LAW_FIRMS_CODE,
    TAX_SUPPORT,
    Edition,
)

# Two header rows: 授权方式 is merged over 下放 | 委托; the other headers are merged down.
TOP = ["序号", "事项\n名称", "事项编码", "事项类型", "主管部门：", "授权方式", None, "承接　主体",
       "备　注"]  # fmt: skip
BOTTOM = [None, None, None, None, None, "下放", "委托", None, None]
LAW = [1, LAW_FIRMS, LAW_FIRMS_CODE, "行政许可", JUSTICE, "√", None, "全部试点区域", None]
# No tick: a row of the 支持事项 section is a support matter.
TAX = [1, TAX_SUPPORT, None, None, FINANCE, None, None, "东区、西区", None]
NEW = [2, "新设事项审批", "511A0000000999", "行政确认", JUSTICE, "√", "√", "东区", "试点"]


def _official(
    *,
    sections: list[tuple[str, list[list[Any]]]],
    footnote: str = "注：本清单所列事项自印发之日起施行。",
    blank_rows: int = 300,
    second_sheet: bool = False,
) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    if second_sheet:
        sheet.title = "说明"
        sheet = book.create_sheet("清单")
    width = len(TOP)
    sheet.append(["附件1"])
    sheet.append(["2024年第一批集成授权事项清单"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.append(TOP)
    sheet.append(BOTTOM)
    sheet.merge_cells(start_row=3, start_column=6, end_row=3, end_column=7)
    for column in (1, 2, 3, 4, 5, 8, 9):
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    for heading, rows in sections:
        sheet.append([heading])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width
        )
        for cells in rows:
            sheet.append(cells)
    sheet.append([footnote])
    sheet.append(["1. 事项编码以省政务服务事项目录为准。"])
    thin = Side(style="thin")
    for number in range(sheet.max_row + 1, sheet.max_row + 1 + blank_rows):
        for column in range(1, width + 1):
            cell = sheet.cell(row=number, column=column)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.fill = PatternFill("solid", fgColor="FFFFEE")
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    return output


SECTIONS = [
    ("一、省级授权事项（2项）", [LAW, NEW]),
    ("二、省级支持事项（1项）", [[3, *TAX[1:]]]),
]


def test_an_official_workbook_imports_with_the_right_counts(edition: Edition) -> None:
    plan = plan_list_import(annual_list=edition.annual_list, workbook=_official(sections=SECTIONS))

    assert plan.errors_as_json() == []
    assert plan.counts["add"] == 3
    by_sequence = {row.values.sequence: row for row in plan.rows}
    modes = {row.values.sequence: row.values.mode_id for row in plan.rows}
    assert sorted(by_sequence) == [1, 2, 3]
    assert by_sequence[1].values.notes == ""
    assert by_sequence[2].values.notes == "试点"
    assert len(set(modes.values())) == 3  # 下放, 既下放又委托 (both ticked), 支持事项
    assert all(row.action == RowAction.ADD for row in plan.rows)


def test_the_same_list_on_a_second_sheet_is_found(edition: Edition) -> None:
    plan = plan_list_import(
        annual_list=edition.annual_list, workbook=_official(sections=SECTIONS, second_sheet=True)
    )

    assert (plan.errors_as_json(), plan.counts["add"]) == ([], 3)


def test_a_section_whose_count_does_not_match_is_an_error_on_its_row(edition: Edition) -> None:
    sections = [("一、省级授权事项（3项）", [LAW, NEW]), *SECTIONS[1:]]

    plan = plan_list_import(annual_list=edition.annual_list, workbook=_official(sections=sections))

    assert [(error.row, error.code, error.letter) for error in plan.errors] == [
        (5, "section_count", "A")
    ]
    message = render_text(plan.errors[0].message)
    assert message == "“一、省级授权事项（3项）”标明3项，但其下列有2行。"


def test_a_value_the_importer_cannot_place_names_its_row_and_column(edition: Edition) -> None:
    stray = [*LAW, "多余的值"]

    plan = plan_list_import(
        annual_list=edition.annual_list,
        workbook=_official(sections=[("一、省级授权事项（1项）", [stray])]),
    )

    assert [(error.row, error.letter, error.code) for error in plan.errors] == [
        (6, "J", "unplaced_value")
    ]


def test_a_row_with_no_mode_ticked_is_an_error_on_the_mode_column(edition: Edition) -> None:
    unticked = [1, LAW_FIRMS, LAW_FIRMS_CODE, "行政许可", JUSTICE, None, None, "全部试点区域"]

    plan = plan_list_import(
        annual_list=edition.annual_list,
        workbook=_official(sections=[("一、省级授权事项", [unticked])]),
    )

    assert [(error.row, error.column, error.letter, error.code) for error in plan.errors] == [
        (6, "授权方式", "F", "required")
    ]


def test_a_csv_list_imports_like_a_workbook(edition: Edition) -> None:
    header = [
        "序号",
        "事项名称",
        "事项编码",
        "事项类型",
        "主管部门/实施部门",
        "授权方式",
        "承接主体",
    ]
    content = csv_bytes(
        [
            ["附件1"],
            header,
            ["一、省级授权事项（1项）"],
            [1, LAW_FIRMS, LAW_FIRMS_CODE, "行政许可", JUSTICE, "下放", "全部试点区域"],
            ["注：以上事项依法实施。"],
        ]
    )

    plan = plan_list_import(annual_list=edition.annual_list, workbook=io.BytesIO(content))

    assert (plan.errors_as_json(), plan.counts["add"]) == ([], 1)


LIBREOFFICE_LIST = Path(__file__).parent / "workbooks" / "official-list-libreoffice.xlsx"


def _full_width(text: str) -> str:
    """Digits and full stops as typed with a Chinese input method in full-width mode."""
    return "".join(chr(ord(char) + 0xFEE0) if char in "0123456789." else char for char in text)


def _wps_style() -> io.BytesIO:
    """The list of ``workbooks/build.py`` as WPS users send it: headers merged down over a blank
    second row, a blank row between entries, full-width digits in 序号, section counts and
    dates, trailing spaces, and the mode written out instead of ticked."""
    book = Workbook()
    sheet = book.active
    header = ["序　号", "事项名称 ", "事项编码", "事项类型", "主管部门：", "授权方式",
              "承接主体", "生效日期", "终止日期", "备注"]  # fmt: skip
    sheet.append(["附件1 "])
    sheet.append(["2024年第一批集成授权事项清单 "])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    sheet.append(header)
    sheet.append([])
    for column in range(1, len(header) + 1):
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    full = _full_width
    rows: list[list[Any]] = [
        [full("一、省级授权事项（2项）")],
        [full("1"), LAW_FIRMS + " ", LAW_FIRMS_CODE, "行政许可 ", JUSTICE + " ", "下放 ",
         "全部试点区域 ", None, None, None],
        [],
        [full("2"), "新设事项审批", "511A0000000999", "行政确认", JUSTICE, "既下放又委托", "东区",
         full("2024年4月1日"), full("2026年3月31日"), "委托期限两年 "],
        [full("2.1"), "新设事项审批（设立） ", "511A0000000998", "行政确认", None, "下放"],
        [full("2.2"), "新设事项审批（变更）", "511A0000000997", "行政确认", "", "委托 "],
        [],
        [full("二、省级支持事项（1项）")],
        [full("3"), TAX_SUPPORT, None, None, FINANCE + " ", "支持事项", "东区、西区 "],
        ["注：本清单所列事项自印发之日起施行。"],
    ]  # fmt: skip
    for cells in rows:
        sheet.append(cells)
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    return output


def _read(plan: ImportPlan) -> list[tuple[Any, ...]]:
    """What a plan would write, without the workbook's row numbers and layout."""
    return [
        (row.values.sequence, row.values.matter_name, row.values.mode_id, row.values.all_areas,
         row.values.receiving_area_ids, row.values.effective_on, row.values.ends_on,
         row.values.notes, row.values.sub_items)
        for row in plan.rows
    ]  # fmt: skip


def test_the_libreoffice_fixture_is_saved_by_libreoffice() -> None:
    with zipfile.ZipFile(LIBREOFFICE_LIST) as package:
        assert b"<Application>LibreOffice/" in package.read("docProps/app.xml")


def test_a_list_saved_by_libreoffice_imports_with_its_sub_items_and_dates(
    edition: Edition, office_user: User
) -> None:
    with LIBREOFFICE_LIST.open("rb") as saved:
        plan = import_list_workbook(
            annual_list=edition.annual_list, workbook=saved, imported_by=office_user
        )

    assert plan.errors_as_json() == []
    assert (plan.counts["add"], plan.counts["new_matters"]) == (3, 1)
    new = ListEntry.objects.get(annual_list=edition.annual_list, sequence=2)
    assert (new.mode.code, new.effective_on, new.ends_on, new.notes) == (
        "both",
        datetime.date(2024, 4, 1),
        datetime.date(2026, 3, 31),
        "委托期限两年",
    )
    assert [(item.matter.name_zh, item.mode.code) for item in new.sub_items.all()] == [
        ("新设事项审批（变更）", "entrust"),
        ("新设事项审批（设立）", "delegate"),
    ]
    assert set(Matter.objects.filter(parent=new.matter).values_list("code", flat=True)) == {
        "511A0000000997",
        "511A0000000998",
    }
    exported = export_annual_list(annual_list=edition.annual_list, file_format=ExportFormat.XLSX)
    again = plan_list_import(annual_list=edition.annual_list, workbook=io.BytesIO(exported.content))
    assert (again.errors_as_json(), again.counts["unchanged"], again.counts["change"]) == (
        [],
        3,
        0,
    )


def test_the_same_list_from_wps_reads_as_from_libreoffice(edition: Edition) -> None:
    with LIBREOFFICE_LIST.open("rb") as saved:
        libreoffice = plan_list_import(annual_list=edition.annual_list, workbook=saved)

    wps = plan_list_import(annual_list=edition.annual_list, workbook=_wps_style())

    assert (wps.errors_as_json(), libreoffice.errors_as_json()) == ([], [])
    assert _read(wps) == _read(libreoffice)
    assert [row.values.sequence for row in wps.rows] == [1, 2, 3]
    assert [item.number for item in wps.rows[1].values.sub_items] == ["2.1", "2.2"]
