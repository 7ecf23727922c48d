"""The columns offices use that the layout lacked: an entry's own dates (生效日期, 终止日期) and
the sub-items of an entry (rows numbered 1.1, 1.2 … under it). Both export, re-import with no
change, import into a draft that lacks them, and are refused with the row and column when they
cannot be read."""

import datetime
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped]

from devolve.accounts.models import User
from devolve.core.actions import render_text
from devolve.core.spreadsheets import escape_formula
from devolve.grants.services import publish_annual_list
from devolve.matters.list_export import ExportFormat, export_annual_list
from devolve.matters.list_import import RowAction, plan_list_import
from devolve.matters.models import AnnualList, Department, ListEntry, ListEntrySubItem, Matter
from devolve.matters.services import (
    approve_annual_list,
    derive_annual_list,
    import_list_workbook,
    set_list_entry_sub_items,
    submit_annual_list_for_review,
    update_list_entry,
)
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.test_list_export import Published, mode, published
from devolve.matters.tests.test_list_import import HEADER, row, workbook

__all__ = ["published"]

EFFECTIVE = datetime.date(2024, 4, 1)
ENDS = datetime.date(2026, 3, 31)


@dataclass
class Draft:
    annual_list: AnnualList
    law_firms: ListEntry
    legal_aid: ListEntry
    founding: Matter
    changes: Matter


@pytest.fixture
def draft(published: Published, office_user: User, justice: Department) -> Draft:
    """The 2024 draft of the published 2023 list: the law-firm entry has dates of its own, and
    the legal-aid entry is delegated and entrusted in two sub-items."""
    annual_list = derive_annual_list(
        predecessor=published.annual_list, year=2024, created_by=office_user
    )
    law_firms = update_list_entry(
        entry=annual_list.entries.get(matter=published.law_firms),
        updated_by=office_user,
        reason="委托期限两年",
        effective_on=EFFECTIVE,
        ends_on=ENDS,
    )
    legal_aid = update_list_entry(
        entry=annual_list.entries.get(matter=published.legal_aid),
        updated_by=office_user,
        reason="分设子项",
        mode=mode("both"),
    )
    founding = MatterFactory(
        code="511A0000000021",
        name_zh="法律援助机构设立",
        competent_department=justice,
        parent=published.legal_aid,
    )
    changes = MatterFactory(
        code="511A0000000022",
        name_zh="法律援助机构变更",
        competent_department=justice,
        parent=published.legal_aid,
    )
    set_list_entry_sub_items(
        entry=legal_aid,
        sub_items=[(founding, mode("delegate")), (changes, mode("entrust"))],
        updated_by=office_user,
    )
    return Draft(annual_list, law_firms, legal_aid, founding, changes)


def _sub_items(entry: ListEntry) -> list[tuple[str, str]]:
    return [
        (item.matter.code, item.mode.code)
        for item in ListEntrySubItem.objects.filter(entry=entry).select_related("matter", "mode")
    ]


def test_the_workbook_numbers_sub_items_under_their_entry_and_writes_dates(draft: Draft) -> None:
    exported = export_annual_list(annual_list=draft.annual_list, file_format=ExportFormat.XLSX)

    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    by_number = {cells[0]: cells for cells in rows[2:]}
    assert list(by_number) == [1, 2, "2.1", "2.2", 3]
    # openpyxl reads a date cell back as a naive datetime at midnight.
    assert [cell.date() for cell in by_number[1][12:]] == [EFFECTIVE, ENDS]
    assert by_number["2.1"] == (
        "2.1", "法律援助机构设立", "511A0000000021", "行政许可", "四川省司法厅", None, None,
        "下放", None, None, None, None, None, None,
    )  # fmt: skip
    assert by_number["2.2"][7] == "委托"


def test_the_json_document_carries_dates_and_sub_items(draft: Draft) -> None:
    exported = export_annual_list(annual_list=draft.annual_list, file_format=ExportFormat.JSON)

    entries = json.loads(exported.content)["entries"]
    assert [(entry["effective_on"], entry["ends_on"]) for entry in entries] == [
        ("2024-04-01", "2026-03-31"),
        (None, None),
        (None, None),
    ]
    assert entries[1]["sub_items"] == [
        {"number": "2.1", "matter_code": "511A0000000021",
         "matter_name_zh": "法律援助机构设立", "mode": "delegate"},
        {"number": "2.2", "matter_code": "511A0000000022",
         "matter_name_zh": "法律援助机构变更", "mode": "entrust"},
    ]  # fmt: skip


@pytest.mark.parametrize("file_format", list(ExportFormat))
def test_a_draft_and_its_published_successor_re_import_with_no_change(
    draft: Draft, office_user: User, file_format: ExportFormat
) -> None:
    own = export_annual_list(annual_list=draft.annual_list, file_format=file_format)
    own_plan = plan_list_import(annual_list=draft.annual_list, workbook=io.BytesIO(own.content))

    submit_annual_list_for_review(annual_list=draft.annual_list, submitted_by=office_user)
    approve_annual_list(
        annual_list=draft.annual_list,
        approved_by=office_user,
        approved_on=datetime.date(2024, 3, 1),
        document_number="川改办〔2024〕1号",
    )
    publish_annual_list(
        annual_list=draft.annual_list,
        published_on=datetime.date(2024, 3, 10),
        published_by=office_user,
    )
    published = export_annual_list(annual_list=draft.annual_list, file_format=file_format)
    successor = derive_annual_list(predecessor=draft.annual_list, year=2025, created_by=office_user)
    plan = plan_list_import(annual_list=successor, workbook=io.BytesIO(published.content))

    for checked in (own_plan, plan):
        assert checked.errors_as_json() == []
        assert (checked.counts["unchanged"], checked.counts["change"]) == (3, 0)
        assert (checked.counts["add"], checked.counts["missing"]) == (0, 0)
    assert successor.entries.get(matter=draft.law_firms.matter).ends_on == ENDS
    assert _sub_items(successor.entries.get(matter=draft.legal_aid.matter)) == [
        ("511A0000000021", "delegate"),
        ("511A0000000022", "entrust"),
    ]


def test_a_workbook_with_sub_items_and_dates_fills_an_edition_that_lacks_them(
    published: Published, draft: Draft, office_user: User
) -> None:
    """The export of the draft, imported into a plain derived draft of the same list, writes
    the dates, the sub-items and a sub-item the catalogue lacks (under its entry's matter)."""
    content = export_annual_list(
        annual_list=draft.annual_list, file_format=ExportFormat.CSV
    ).content.decode("utf-8-sig")
    lines = content.split("\r\n")
    # A third sub-item the catalogue lacks, under entry 2 (above entry 3's row).
    third = "2.3,法律援助机构注销,,行政许可,四川省司法厅,,,委托,,,,,,"
    lines.insert(lines.index(next(line for line in lines if line.startswith("3,"))), third)
    plain = derive_annual_list(
        predecessor=published.annual_list, year=2024, edition=2, created_by=office_user
    )

    plan = import_list_workbook(
        annual_list=plain,
        workbook=io.BytesIO("\r\n".join(lines).encode()),
        imported_by=office_user,
        reason="按正式清单补全",
    )

    assert plan.errors_as_json() == []
    changed = {row.values.sequence: row for row in plan.rows_to(RowAction.CHANGE)}
    assert sorted(changed) == [1, 2]
    assert [(change.column, change.before, change.after) for change in changed[1].changes] == [
        ("生效日期", "", "2024-04-01"),
        ("终止日期", "", "2026-03-31"),
    ]
    assert [change.column for change in changed[2].changes] == ["授权方式", "子项"]
    law_firms = plain.entries.get(matter=published.law_firms)
    assert (law_firms.effective_on, law_firms.ends_on) == (EFFECTIVE, ENDS)
    new_sub_item = Matter.objects.get(name_zh="法律援助机构注销")
    assert (new_sub_item.parent, new_sub_item.kind) == (published.legal_aid, Matter.Kind.POWER)
    assert _sub_items(plain.entries.get(matter=published.legal_aid)) == [
        ("", "entrust"),
        ("511A0000000021", "delegate"),
        ("511A0000000022", "entrust"),
    ]


def _dated(effective: object, ends: object) -> list[object]:
    return [*row(), effective, ends]


DATED_HEADER = [*HEADER, "生效日期", "终止日期"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [_dated("2025年13月1日", None)],
            (2, "生效日期", "L", "bad_date", "2025年13月1日"),
        ),
        (
            [_dated("2025-04-01", "2025/4/1")],
            (2, "终止日期", "M", "ends_before_effective", "2025/4/1"),
        ),
        (
            [_dated(None, None), [*row(2.1, name="律师事务所分所设立审批", code=""), None, None]],
            (3, "序号", "A", "orphan_sub_item", "2.1"),
        ),
        (
            [
                _dated(None, None),
                [*row("1.1", name="律师事务所设立审批子项", code="", mode="支持事项"), None, None],
            ],
            (3, "授权方式", "G", "mode_mismatch", "支持事项"),
        ),
    ],
    ids=["no date", "ends before it starts", "sub-item under no entry", "support sub-item"],
)
def test_a_date_or_sub_item_the_importer_cannot_read_is_an_error_on_its_cell(
    published: Published, office_user: User, rows: list[list[object]], expected: tuple[Any, ...]
) -> None:
    target = derive_annual_list(
        predecessor=published.annual_list, year=2024, created_by=office_user
    )

    plan = plan_list_import(annual_list=target, workbook=workbook(*rows, header=DATED_HEADER))

    assert [
        (error.row, error.column, error.letter, error.code, error.value) for error in plan.errors
    ] == [expected]


def test_an_end_before_the_start_names_the_start_in_the_readers_date_format(
    published: Published, office_user: User
) -> None:
    target = derive_annual_list(
        predecessor=published.annual_list, year=2024, created_by=office_user
    )
    with translation.override("zh-hans"):
        plan = plan_list_import(
            annual_list=target,
            workbook=workbook(_dated("2025-04-01", "2025/4/1"), header=DATED_HEADER),
        )
    [error] = plan.errors

    with translation.override("en"):
        assert "1 Apr 2025" in render_text(error.message)
    with translation.override("zh-hans"):
        assert "2025年4月1日" in render_text(error.message)


LAW_FIRMS_BASIS = "《中华人民共和国律师法》第十八条"


def _full_width(text: str) -> str:
    """Digits and full stops as a WPS user with the Chinese input method types them."""
    return "".join(chr(ord(char) + 0xFEE0) if char in "0123456789." else char for char in text)


def test_full_width_dates_and_sub_item_numbers_are_read(
    published: Published, draft: Draft, office_user: User
) -> None:
    rows = [
        [*row(1, legal_basis=LAW_FIRMS_BASIS), _full_width("2024年4月1日"), "2026.3.31"],
        [*row(2, name="法律援助机构设立确认", code="511A0000000002", matter_type_name="行政确认",
              mode="既下放又委托", areas="东区、西区", supervisor="四川省财政厅",
              conditions="具备承接条件", notes=escape_formula("=以委托书为准")), None, None],
        [*row(_full_width("2.1"), name="法律援助机构设立 ", code="511A0000000021", department=""),
         None, None],
        [*row("2.2", name="法律援助机构变更", code="511A0000000022", mode="委托"), None, None],
        [*row(3, name="财税管理体制支持", code="", matter_type_name="", department="四川省财政厅",
              mode="支持事项"), None, None],
    ]  # fmt: skip

    plan = plan_list_import(
        annual_list=draft.annual_list, workbook=workbook(*rows, header=DATED_HEADER)
    )

    assert plan.errors_as_json() == []
    assert (plan.counts["unchanged"], plan.counts["change"]) == (3, 0)


def test_a_json_export_with_a_value_the_importer_cannot_read_names_its_row_and_column(
    draft: Draft,
) -> None:
    document = json.loads(
        export_annual_list(annual_list=draft.annual_list, file_format=ExportFormat.JSON).content
    )
    document["entries"][0]["mode"] = "transfer"
    document["entries"][1]["sub_items"][0]["number"] = "9.1"

    plan = plan_list_import(
        annual_list=draft.annual_list,
        workbook=io.BytesIO(json.dumps(document, ensure_ascii=False).encode()),
    )

    assert [(error.row, error.column, error.code, error.value) for error in plan.errors] == [
        (2, "授权方式", "unknown_mode", "transfer"),
        (4, "序号", "orphan_sub_item", "9.1"),
    ]


@pytest.mark.parametrize(
    "content",
    [b'{"format": "another.format", "entries": []}', b'{"format": "devolve.annual_list", '],
    ids=["another format", "broken JSON"],
)
def test_a_json_file_that_is_not_an_exported_edition_is_refused(
    draft: Draft, content: bytes
) -> None:
    plan = plan_list_import(annual_list=draft.annual_list, workbook=io.BytesIO(content))

    assert [(error.row, error.code) for error in plan.errors] == [(None, "unreadable")]
