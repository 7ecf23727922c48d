"""The official list layout: headers in either language, area lists, column letters. No DB."""

import pytest

from devolve.matters.list_workbook import (
    ALL_AREAS,
    COLUMNS,
    ColumnKey,
    column_for_header,
    column_letter,
    is_all_areas,
    normalize,
    split_areas,
)


def test_columns_follow_the_published_order() -> None:
    assert [column.header for column in COLUMNS] == [
        "序号",
        "事项名称",
        "事项编码",
        "事项类型",
        "主管部门/实施部门",
        "授权部门",
        "设定依据",
        "授权方式",
        "承接主体",
        "监管部门",
        "实施条件",
        "备注",
        "生效日期",
        "终止日期",
    ]
    assert [column.key for column in COLUMNS if column.required] == [
        ColumnKey.SEQUENCE,
        ColumnKey.MATTER_NAME,
        ColumnKey.DEPARTMENT,
        ColumnKey.MODE,
        ColumnKey.RECEIVING_AREAS,
    ]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("序号", ColumnKey.SEQUENCE),
        (" 序 号 ", ColumnKey.SEQUENCE),
        ("No.", ColumnKey.SEQUENCE),
        ("事项名称", ColumnKey.MATTER_NAME),
        ("MATTER", ColumnKey.MATTER_NAME),
        ("Matter code", ColumnKey.MATTER_CODE),
        ("事项类型", ColumnKey.MATTER_TYPE),
        ("主管部门/实施部门", ColumnKey.DEPARTMENT),
        ("主管部门 / 实施部门", ColumnKey.DEPARTMENT),
        ("主管部门\uff0f实施部门", ColumnKey.DEPARTMENT),  # full-width solidus
        ("实施部门", ColumnKey.DEPARTMENT),
        ("Competent department", ColumnKey.DEPARTMENT),
        ("设定依据", ColumnKey.LEGAL_BASIS),
        ("授权方式", ColumnKey.MODE),
        ("Mode", ColumnKey.MODE),
        ("承接主体", ColumnKey.RECEIVING_AREAS),
        ("Receiving\nareas", ColumnKey.RECEIVING_AREAS),
        ("监管部门", ColumnKey.SUPERVISING_DEPARTMENT),
        ("实施条件", ColumnKey.CONDITIONS),
        ("备注", ColumnKey.NOTES),
        ("Notes", ColumnKey.NOTES),
    ],
)
def test_a_header_names_its_column_in_either_language(header: str, key: ColumnKey) -> None:
    column = column_for_header(header)

    assert column is not None
    assert column.key == key


@pytest.mark.parametrize("header", ["备用", "Remarks 2", "2024年第一批清单", ""])
def test_an_unknown_header_names_no_column(header: str) -> None:
    assert column_for_header(header) is None


def test_normalize_folds_width_spacing_and_case() -> None:
    assert normalize("\u3000Matter\u00a0 Code ") == "mattercode"
    assert normalize("\uff21\uff22\uff23") == "abc"  # full-width ABC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ALL_AREAS, True),
        ("全部", True),
        ("All", True),
        (" all pilot areas ", True),
        ("东区", False),
    ],
)
def test_all_pilot_areas_has_several_spellings(text: str, expected: bool) -> None:
    assert is_all_areas(text) is expected


def test_areas_split_on_enumeration_commas_semicolons_and_new_lines() -> None:
    assert split_areas("天府新区、 成都高新区；绵阳高新区;East Zone\n西区，南区、") == [
        "天府新区",
        "成都高新区",
        "绵阳高新区",
        "East Zone",
        "西区",
        "南区",
    ]


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (10, "K"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA")]
)
def test_column_letters_follow_excel(index: int, letter: str) -> None:
    assert column_letter(index) == letter
