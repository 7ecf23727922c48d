"""The layout of an official list workbook (清单), shared by the importer and the exporters.

Columns follow the lists the provincial reform office publishes: 序号, 事项名称, 事项编码, 事项类型,
主管部门/实施部门 (the matter's competent department, which with the name identifies a matter
without a code), 授权部门 (the department that grants it in this edition, when it is another;
left out, it is the competent one), 设定依据, 授权方式, 承接主体, 监管部门, 实施条件, 备注, and
生效日期 / 终止日期 for an entry the list gives dates of its own.

A sub-item of an entry (a "delegate and entrust" matter split into parts, each with its own
mode) is a row numbered under its entry's row: 序号 1.1, 1.2 … below 序号 1, giving the
sub-item's name, code, type, department and mode; its other cells are left empty.
Headers are matched in either language and regardless of spacing, line breaks, width (全角/半角),
case or a trailing colon, so 「主管部门 / 实施部门」, 「实施部门：」 and "Competent department"
all name the same column. Pure: no ORM, no I/O.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from devolve.core.spreadsheets.importing import fold


class ColumnKey(StrEnum):
    SEQUENCE = "sequence"
    MATTER_NAME = "matter_name"
    MATTER_CODE = "matter_code"
    MATTER_TYPE = "matter_type"
    DEPARTMENT = "department"
    GRANTING_DEPARTMENT = "granting_department"
    LEGAL_BASIS = "legal_basis"
    MODE = "mode"
    RECEIVING_AREAS = "receiving_areas"
    SUPERVISING_DEPARTMENT = "supervising_department"
    CONDITIONS = "conditions"
    NOTES = "notes"
    EFFECTIVE_ON = "effective_on"
    ENDS_ON = "ends_on"
    # Not a column: the rows numbered 1.1, 1.2 … under an entry, named in changes.
    SUB_ITEMS = "sub_items"


@dataclass(frozen=True)
class Column:
    """One column of the layout.

    A required column must be present in every workbook; an optional one may be left out, and a
    column left out changes nothing on import (its values stay as they are).
    """

    key: ColumnKey
    header_zh: str
    header_en: str
    required: bool
    width: int
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """The header exports write: the Chinese one, as published."""
        return self.header_zh


COLUMNS: tuple[Column, ...] = (
    Column(ColumnKey.SEQUENCE, "序号", "No.", True, 6, ("no", "number")),
    Column(ColumnKey.MATTER_NAME, "事项名称", "Matter", True, 40, ("matter name", "name")),
    Column(ColumnKey.MATTER_CODE, "事项编码", "Matter code", False, 18, ("code",)),
    Column(ColumnKey.MATTER_TYPE, "事项类型", "Matter type", False, 12, ("type",)),
    Column(
        ColumnKey.DEPARTMENT,
        "主管部门/实施部门",
        "Competent department",
        True,
        22,
        ("主管部门", "实施部门", "省直部门", "department"),
    ),
    Column(
        ColumnKey.GRANTING_DEPARTMENT,
        "授权部门",
        "Granting department",
        False,
        22,
        ("赋权部门", "下放部门"),
    ),
    Column(ColumnKey.LEGAL_BASIS, "设定依据", "Legal basis", False, 40, ("basis",)),
    Column(ColumnKey.MODE, "授权方式", "Mode", True, 12, ("赋权方式", "authorization mode")),
    Column(
        ColumnKey.RECEIVING_AREAS,
        "承接主体",
        "Receiving areas",
        True,
        24,
        ("承接单位", "承接区域", "receiving area", "pilot areas"),
    ),
    Column(
        ColumnKey.SUPERVISING_DEPARTMENT,
        "监管部门",
        "Supervising department",
        False,
        22,
        ("监管单位", "supervisor"),
    ),
    Column(ColumnKey.CONDITIONS, "实施条件", "Conditions", False, 30, ("承接条件",)),
    Column(ColumnKey.NOTES, "备注", "Notes", False, 30, ("note", "remarks")),
    Column(
        ColumnKey.EFFECTIVE_ON,
        "生效日期",
        "Effective on",
        False,
        12,
        ("施行日期", "实施日期", "起始日期", "effective date", "effective from"),
    ),
    Column(
        ColumnKey.ENDS_ON,
        "终止日期",
        "Ends on",
        False,
        12,
        ("截止日期", "失效日期", "有效期至", "termination date", "end date"),
    ),
)

COLUMN_BY_KEY: dict[ColumnKey, Column] = {column.key: column for column in COLUMNS}
# What a change to an entry's sub-items is called where changes are listed by column.
SUB_ITEMS_LABEL = "子项"

# Written in 承接主体 when every pilot area of the batch receives the matter; the other spellings
# are accepted on import.
ALL_AREAS = "全部试点区域"
_ALL_AREAS_WORDS = frozenset({"全部试点区域", "全部", "所有试点区域", "all", "allpilotareas"})
# Exports join area names with 、 (the enumeration comma of published lists).
AREA_SEPARATOR = "、"
_AREA_SEPARATORS = re.compile(r"[、;；,，\n]+")

# A header row names at least this many columns; a title row above it names none or one.
MIN_RECOGNISED_HEADERS = 3


def normalize(text: str) -> str:
    """Text folded for matching (``core.spreadsheets.importing.fold``): full-width forms to
    half-width, spaces and line breaks removed, case folded, trailing colons dropped.

    >>> normalize(" 主管部门\n/ 实施部门：") == normalize("主管部门/实施部门")
    True
    >>> normalize("Matter  Code")
    'mattercode'
    """
    return fold(text)


_COLUMN_BY_HEADER: dict[str, Column] = {
    normalize(name): column
    for column in COLUMNS
    for name in (column.header_zh, column.header_en, column.key.value, *column.aliases)
}


def column_for_header(text: str) -> Column | None:
    """The column a header cell names, in either language; None for an unknown header."""
    return _COLUMN_BY_HEADER.get(normalize(text))


def is_all_areas(text: str) -> bool:
    return normalize(text) in _ALL_AREAS_WORDS


def split_areas(text: str) -> list[str]:
    """Area names of a 承接主体 cell, split on 、 ; ， and new lines.

    >>> split_areas("天府新区、 成都高新区；绵阳高新区")
    ['天府新区', '成都高新区', '绵阳高新区']
    """
    return [name.strip() for name in _AREA_SEPARATORS.split(text) if name.strip()]


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# 2025-01-01, 2025/1/1, 2025.1.1, 2025年1月1日 (full-width digits too, folded first).
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# 1.1, 1.2, 12-3 (full-width forms folded first): the second sub-item of entry 12 is 12.2.
_SUB_ITEM_NUMBER = re.compile(r"^(\d+)\s*[.\-]\s*(\d+)$")


def parse_date(text: str) -> datetime.date | None:
    """The date a cell gives as text; None when it gives none; ValueError when it is no date.

    >>> parse_date("２０２５年１月３１日"), parse_date("2025/2/1"), parse_date("")
    (datetime.date(2025, 1, 31), datetime.date(2025, 2, 1), None)
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded:
        return None
    match = _DATE.match(folded)
    if match is None:
        raise ValueError(text)
    year, month, day = (int(part) for part in match.groups())
    return datetime.date(year, month, day)


def sub_item_number(text: str) -> tuple[int, int] | None:
    """(entry number, sub-item number) of a 序号 such as 1.2; None for any other text.

    >>> sub_item_number("3.2"), sub_item_number("\uff13\uff0e\uff11"), sub_item_number("3")
    ((3, 2), (3, 1), None)
    """
    match = _SUB_ITEM_NUMBER.match(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))
