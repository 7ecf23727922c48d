"""The layout of an official list workbook (清单), shared by the importer and the exporters.

Columns follow the lists the provincial reform office publishes: 序号, 事项名称, 事项编码, 事项类型,
主管部门/实施部门, 设定依据, 授权方式, 承接主体, 监管部门, 实施条件, 备注. Headers are matched in
either language and regardless of spacing, width (全角/半角) or case, so 「主管部门 / 实施部门」,
「实施部门」 and "Competent department" all name the same column. Pure: no ORM, no I/O.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class ColumnKey(StrEnum):
    SEQUENCE = "sequence"
    MATTER_NAME = "matter_name"
    MATTER_CODE = "matter_code"
    MATTER_TYPE = "matter_type"
    DEPARTMENT = "department"
    LEGAL_BASIS = "legal_basis"
    MODE = "mode"
    RECEIVING_AREAS = "receiving_areas"
    SUPERVISING_DEPARTMENT = "supervising_department"
    CONDITIONS = "conditions"
    NOTES = "notes"


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
        ("主管部门", "实施部门", "省直部门", "department", "granting department"),
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
)

COLUMN_BY_KEY: dict[ColumnKey, Column] = {column.key: column for column in COLUMNS}

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
    """Text folded for matching: full-width forms to half-width, spaces removed, case folded.

    >>> normalize(" 主管部门 / 实施部门") == normalize("主管部门/实施部门")
    True
    >>> normalize("Matter  Code")
    'mattercode'
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).casefold()


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
