"""Builds the official-style list behind ``official-list-libreoffice.xlsx``, the fixture of a
list as LibreOffice Calc saves it (see ``README.md``): an "附件1" line, a merged title, two
header rows (授权方式 merged over 下放 | 委托, the other headers merged down), section rows with
their counts, an entry split into sub-items 2.1 and 2.2, a fixed-term entry with its dates, a
"注：" footnote and formatted blank rows below.

``python -m devolve.matters.tests.workbooks.build OUTPUT.xlsx`` writes the openpyxl original;
LibreOffice then re-saves it (the README has the command). The tests import the saved file.
"""

import datetime
import sys

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]

TOP = ["序号", "事项名称", "事项编码", "事项类型", "主管部门", "授权方式", None, "承接主体",
       "生效日期", "终止日期", "备注"]  # fmt: skip
BOTTOM = [None, None, None, None, None, "下放", "委托", None, None, None, None]
POWERS = [
    [1, "律师事务所设立审批", "511A0000000001", "行政许可", "四川省司法厅", "√", None,
     "全部试点区域", None, None, None],
    [2, "新设事项审批", "511A0000000999", "行政确认", "四川省司法厅", "√", "√", "东区",
     datetime.date(2024, 4, 1), datetime.date(2026, 3, 31), "委托期限两年"],
    ["2.1", "新设事项审批（设立）", "511A0000000998", "行政确认", None, "√", None, None, None,
     None, None],
    ["2.2", "新设事项审批（变更）", "511A0000000997", "行政确认", None, None, "√", None, None,
     None, None],
]  # fmt: skip
SUPPORT = [
    [3, "财税管理体制支持", None, None, "四川省财政厅", None, None, "东区、西区", None, None,
     None],
]  # fmt: skip
SECTIONS = [("一、省级授权事项（2项）", POWERS), ("二、省级支持事项（1项）", SUPPORT)]


def official_list() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "附件1"
    width = len(TOP)
    sheet.append(["附件1"])
    sheet.append(["2024年第一批集成授权事项清单"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A2"].font = Font(name="方正小标宋简体", size=18)
    sheet["A2"].alignment = Alignment(horizontal="center")
    sheet.append(TOP)
    sheet.append(BOTTOM)
    sheet.merge_cells(start_row=3, start_column=6, end_row=3, end_column=7)
    for column in (1, 2, 3, 4, 5, 8, 9, 10, 11):
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    for heading, rows in SECTIONS:
        sheet.append([heading])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width
        )
        for cells in rows:
            sheet.append(cells)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy年m月d日"
    sheet.append(["注：本清单所列事项自印发之日起施行。"])
    thin = Side(style="thin")
    for number in range(sheet.max_row + 1, sheet.max_row + 201):
        for column in range(1, width + 1):
            cell = sheet.cell(row=number, column=column)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.fill = PatternFill("solid", fgColor="FFFFEE")
    return book


if __name__ == "__main__":
    official_list().save(sys.argv[1])
