"""Exporting an edition as .xlsx, CSV and JSON, and the round trip: an exported workbook
imports into a fresh draft and exports again identically, and re-imports with no change."""

import datetime
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped]

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.core.models import AuditEvent
from devolve.core.spreadsheets import escape_formula
from devolve.grants.services import publish_annual_list
from devolve.matters.list_export import ExportFormat, export_annual_list
from devolve.matters.list_import import RowAction, plan_list_import
from devolve.matters.models import AnnualList, AuthorizationMode, Department, ListEntry, Matter
from devolve.matters.services import (
    add_list_entry,
    approve_annual_list,
    create_annual_list,
    derive_annual_list,
    import_list_workbook,
    submit_annual_list_for_review,
    withdraw_list_entry,
)
from devolve.matters.tests.factories import MatterFactory, matter_type
from devolve.regions.models import Batch
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

HEADER = [
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


def mode(code: str) -> AuthorizationMode:
    return AuthorizationMode.objects.get(code=code)


@dataclass
class Published:
    annual_list: AnnualList
    batch: Batch
    law_firms: Matter
    legal_aid: Matter
    tax_support: Matter


@pytest.fixture
def published(office_user: User, justice: Department, finance: Department) -> Published:
    """A published edition with a delegated power, an entrusted power for a subset of the batch
    (with a supervising department, conditions and a note that looks like a formula) and a
    support matter."""
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    east = ZoneFactory(slug="east", name_zh="东区", name_en="East Zone")
    west = ZoneFactory(slug="west", name_zh="西区", name_en="West Zone")
    south = ZoneFactory(slug="south", name_zh="南区", name_en="South Zone")
    for zone in (east, west, south):
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=datetime.date(2023, 1, 1))
    law_firms = MatterFactory(
        code="511A0000000001",
        name_zh="律师事务所设立审批",
        competent_department=justice,
        legal_basis="《中华人民共和国律师法》第十八条",
    )
    legal_aid = MatterFactory(
        code="511A0000000002",
        name_zh="法律援助机构设立确认",
        matter_type=matter_type("confirmation"),
        competent_department=justice,
    )
    tax_support = MatterFactory(
        support=True, name_zh="财税管理体制支持", competent_department=finance
    )
    annual_list = create_annual_list(year=2023, batch=batch, created_by=office_user)
    add_list_entry(
        annual_list=annual_list,
        matter=law_firms,
        mode=mode("delegate"),
        granting_department=justice,
        added_by=office_user,
    )
    add_list_entry(
        annual_list=annual_list,
        matter=legal_aid,
        mode=mode("entrust"),
        granting_department=justice,
        supervising_department=finance,
        receiving_areas=[west, east],
        conditions="具备承接条件",
        notes="=以委托书为准",
        added_by=office_user,
    )
    add_list_entry(
        annual_list=annual_list,
        matter=tax_support,
        mode=mode("support"),
        granting_department=finance,
        added_by=office_user,
    )
    submit_annual_list_for_review(annual_list=annual_list, submitted_by=office_user)
    approve_annual_list(
        annual_list=annual_list,
        approved_by=office_user,
        approved_on=datetime.date(2023, 3, 1),
        document_number="川改办〔2023〕1号",
    )
    publish_annual_list(
        annual_list=annual_list, published_on=datetime.date(2023, 3, 10), published_by=office_user
    )
    annual_list.refresh_from_db()
    return Published(annual_list, batch, law_firms, legal_aid, tax_support)


ROWS = [
    [
        1,
        "律师事务所设立审批",
        "511A0000000001",
        "行政许可",
        "四川省司法厅",
        "四川省司法厅",
        "《中华人民共和国律师法》第十八条",
        "下放",
        "全部试点区域",
        None,
        None,
        None,
        None,
        None,
    ],
    [
        2,
        "法律援助机构设立确认",
        "511A0000000002",
        "行政确认",
        "四川省司法厅",
        "四川省司法厅",
        None,
        "委托",
        "东区、西区",
        "四川省财政厅",
        "具备承接条件",
        "=以委托书为准",
        None,
        None,
    ],
    [
        3,
        "财税管理体制支持",
        None,
        None,
        "四川省财政厅",
        "四川省财政厅",
        None,
        "支持事项",
        "全部试点区域",
        None,
        None,
        None,
        None,
        None,
    ],
]


def sheet_rows(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    return [list(cells) for cells in book.active.iter_rows(values_only=True)]


def snapshot() -> dict[str, int]:
    return {
        "matters": Matter.objects.count(),
        "matter history": Matter.history.count(),
        "entries": ListEntry.objects.count(),
        "entry history": ListEntry.history.count(),
        "events": AuditEvent.objects.count(),
    }


def test_the_workbook_has_a_title_row_the_chinese_headers_and_the_live_entries(
    published: Published,
) -> None:
    exported = export_annual_list(annual_list=published.annual_list, file_format=ExportFormat.XLSX)

    rows = sheet_rows(exported.content)
    assert rows[0] == ["2023年第1批集成授权事项清单", *[None] * 13]
    # Text a spreadsheet would run as a formula is written with a leading apostrophe.
    assert rows[1:] == [HEADER, *[[escape_formula(value) for value in row] for row in ROWS]]
    assert (exported.filename, exported.content_type) == (
        "2023-batch-1.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    book = load_workbook(io.BytesIO(exported.content))
    assert (book.active["L4"].value, book.active["L4"].data_type) == ("'=以委托书为准", "s")


def test_the_csv_has_a_byte_order_mark_and_neutralises_formula_text(
    published: Published,
) -> None:
    exported = export_annual_list(annual_list=published.annual_list, file_format=ExportFormat.CSV)

    assert exported.content.startswith(b"\xef\xbb\xbf")
    assert exported.content.decode("utf-8-sig").split("\r\n") == [
        ",".join(HEADER),
        "1,律师事务所设立审批,511A0000000001,行政许可,四川省司法厅,四川省司法厅,"
        "《中华人民共和国律师法》第十八条,下放,全部试点区域,,,,,",
        "2,法律援助机构设立确认,511A0000000002,行政确认,四川省司法厅,四川省司法厅,,委托,东区、西区,"
        "四川省财政厅,具备承接条件,'=以委托书为准,,",
        "3,财税管理体制支持,,,四川省财政厅,四川省财政厅,,支持事项,全部试点区域,,,,,",
        "",
    ]
    assert exported.filename == "2023-batch-1.csv"


def test_the_json_document_has_stable_keys_and_codes(published: Published) -> None:
    exported = export_annual_list(annual_list=published.annual_list, file_format=ExportFormat.JSON)

    document = json.loads(exported.content)
    assert document["format"] == "devolve.annual_list"
    assert document["version"] == 1
    assert document["annual_list"] == {
        "key": "2023/batch-1",
        "year": 2023,
        "batch": 1,
        "edition": 1,
        "status": "published",
        "title_zh": "",
        "title_en": "",
        "document_number": "川改办〔2023〕1号",
        "published_on": "2023-03-10",
    }
    assert [column["header_zh"] for column in document["columns"]] == HEADER
    assert document["entries"][1] == {
        "sequence": 2,
        "matter_code": "511A0000000002",
        "matter_name_zh": "法律援助机构设立确认",
        "matter_name_en": published.legal_aid.name_en,
        "matter_kind": "power",
        "matter_type": "confirmation",
        "competent_department": "justice",
        "granting_department": "justice",
        "legal_basis": "",
        "mode": "entrust",
        "receiving_areas": ["east", "west"],
        "supervising_department": "finance",
        "conditions": "具备承接条件",
        "notes": "=以委托书为准",
        "effective_on": None,
        "ends_on": None,
        "sub_items": [],
        "change": "added",
    }
    assert [(entry["sequence"], entry["receiving_areas"]) for entry in document["entries"]] == [
        (1, "all"),
        (2, ["east", "west"]),
        (3, "all"),
    ]


def test_withdrawn_entries_are_left_out(published: Published, office_user: User) -> None:
    next_year = derive_annual_list(
        predecessor=published.annual_list, year=2024, created_by=office_user
    )
    withdraw_list_entry(
        entry=next_year.entries.get(matter=published.tax_support),
        withdrawn_by=office_user,
        reason="Reform completed.",
    )

    exported = export_annual_list(annual_list=next_year, file_format=ExportFormat.JSON)

    assert [entry["sequence"] for entry in json.loads(exported.content)["entries"]] == [1, 2]


# The round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_edition_imports_into_an_empty_draft_and_exports_identically(
    published: Published, office_user: User, language: str
) -> None:
    with translation.override(language):
        exported = export_annual_list(
            annual_list=published.annual_list, file_format=ExportFormat.XLSX
        )
        fresh = create_annual_list(year=2024, batch=published.batch, created_by=office_user)

        plan = import_list_workbook(
            annual_list=fresh, workbook=io.BytesIO(exported.content), imported_by=office_user
        )
        again = export_annual_list(annual_list=fresh, file_format=ExportFormat.XLSX)

    assert (plan.counts["add"], plan.counts["new_matters"]) == (3, 0)
    assert sheet_rows(again.content)[1:] == sheet_rows(exported.content)[1:]
    assert sheet_rows(again.content)[0][0] == "2024年第1批集成授权事项清单"
    for file_format in (ExportFormat.CSV, ExportFormat.JSON):
        before = export_annual_list(annual_list=published.annual_list, file_format=file_format)
        after = export_annual_list(annual_list=fresh, file_format=file_format)
        if file_format == ExportFormat.CSV:
            assert after.content == before.content
        else:
            assert json.loads(after.content)["entries"] == json.loads(before.content)["entries"]


def test_an_exported_edition_imports_into_its_derived_draft_with_no_change(
    published: Published, office_user: User
) -> None:
    exported = export_annual_list(annual_list=published.annual_list, file_format=ExportFormat.XLSX)
    derived = derive_annual_list(
        predecessor=published.annual_list, year=2024, created_by=office_user
    )
    before = snapshot()

    plan = import_list_workbook(
        annual_list=derived, workbook=io.BytesIO(exported.content), imported_by=office_user
    )

    assert [row.action for row in plan.rows] == [RowAction.UNCHANGED] * 3
    assert plan.errors == ()
    assert snapshot() == before


def test_a_draft_re_imports_its_own_export_with_no_change(
    published: Published, office_user: User
) -> None:
    fresh = create_annual_list(year=2024, batch=published.batch, created_by=office_user)
    import_list_workbook(
        annual_list=fresh,
        workbook=io.BytesIO(
            export_annual_list(
                annual_list=published.annual_list, file_format=ExportFormat.XLSX
            ).content
        ),
        imported_by=office_user,
    )
    own = export_annual_list(annual_list=fresh, file_format=ExportFormat.XLSX)
    before = snapshot()

    plan = plan_list_import(annual_list=fresh, workbook=io.BytesIO(own.content))
    import_list_workbook(annual_list=fresh, workbook=io.BytesIO(own.content), imported_by=SYSTEM)

    assert plan.counts == {
        "rows": 3,
        "add": 0,
        "change": 0,
        "unchanged": 3,
        "new_matters": 0,
        "missing": 0,
        "errors": 0,
    }
    assert snapshot() == before


# The export_list command ------------------------------------------------------------------------


def test_the_command_writes_the_export(published: Published, tmp_path: Any) -> None:
    output = tmp_path / "list.json"

    call_command("export_list", "2023/batch-1", "--format", "json", "-o", str(output))

    assert output.read_bytes() == (
        export_annual_list(annual_list=published.annual_list, file_format=ExportFormat.JSON).content
    )


@pytest.mark.parametrize("file_format", [ExportFormat.XLSX, ExportFormat.CSV])
def test_an_entry_granted_by_another_department_than_the_competent_one_round_trips(
    office_user: User, justice: Department, finance: Department, file_format: ExportFormat
) -> None:
    """The audit's entry 72: a matter without a code is matched by its name and competent
    department, so the export names that department, and the granting one in 授权部门."""
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    matter = MatterFactory(code="", name_zh="开放平台建设专项资金支持", support=True,
                           competent_department=justice)  # fmt: skip
    draft = create_annual_list(year=2024, batch=batch, created_by=office_user)
    add_list_entry(annual_list=draft, matter=matter, mode=mode("support"),
                   granting_department=finance, added_by=office_user)  # fmt: skip

    exported = export_annual_list(annual_list=draft, file_format=file_format)
    plan = plan_list_import(annual_list=draft, workbook=io.BytesIO(exported.content))

    assert (plan.errors_as_json(), plan.counts["unchanged"], plan.counts["change"]) == ([], 1, 0)


def test_offices_script_derive_export_and_import_from_the_command_line(
    published: Published, tmp_path: Any
) -> None:
    derived = io.StringIO()
    call_command("derive_list", "2023/batch-1", "--year", "2024", stdout=derived)
    key = derived.getvalue().splitlines()[-1]
    assert key == "2024/batch-1"
    exported = tmp_path / "2023.csv"
    call_command("export_list", "2023/batch-1", "--format", "csv", "-o", str(exported),
                 stdout=io.StringIO())  # fmt: skip

    result = io.StringIO()
    call_command("import_list", str(exported), "--list", key, "--json", stdout=result)

    assert json.loads(result.getvalue()) == {
        "added": 0, "changed": 0, "unchanged": 3, "withdrawn": 0, "errors": []
    }  # fmt: skip


def test_import_list_prints_errors_as_json_and_exits_1(published: Published, tmp_path: Any) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(
        "序号,事项名称,主管部门/实施部门,授权方式,承接主体\n1,律师事务所设立审批,四川省司法厅,转让,全部试点区域\n".encode()
    )
    result = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import_list", str(broken), "--list", "2023/batch-1", "--json", stdout=result)

    assert refused.value.returncode == 1
    document = json.loads(result.getvalue())
    assert document["errors"] == [
        {"row": 2, "column": "授权方式", "code": "unknown_mode",
         "message": "无法识别的授权方式“转让”：请填写下放、委托、既下放又委托、支持事项。",
         "value": "转让"}
    ]  # fmt: skip
    assert list(document) == ["added", "changed", "unchanged", "withdrawn", "errors"]


def test_import_list_counts_as_withdrawn_only_the_entries_the_file_leaves_out(
    published: Published, office_user: User, tmp_path: Any
) -> None:
    """An entry the draft already withdrew is not an omission; one the file leaves out is."""
    draft = derive_annual_list(predecessor=published.annual_list, year=2024, created_by=office_user)
    withdraw_list_entry(
        entry=draft.entries.get(matter=published.tax_support),
        withdrawn_by=office_user,
        reason="支持政策到期",
    )
    exported = export_annual_list(annual_list=draft, file_format=ExportFormat.CSV)
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3  # the header and the two live entries
    left_out = tmp_path / "without-legal-aid.csv"
    left_out.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8-sig")
    whole = tmp_path / "whole.csv"
    whole.write_bytes(exported.content)

    results = []
    for path in (whole, left_out):
        output = io.StringIO()
        call_command("import_list", str(path), "--list", draft.key, "--json", stdout=output)
        results.append(json.loads(output.getvalue()))

    assert results == [
        {"added": 0, "changed": 0, "unchanged": 2, "withdrawn": 0, "errors": []},
        {"added": 0, "changed": 0, "unchanged": 1, "withdrawn": 1, "errors": []},
    ]
