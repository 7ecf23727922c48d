"""Importing an official list workbook: the dry run writes nothing; apply writes in one
transaction; every bad workbook is refused with its row and column, and nothing is written."""

import dataclasses
import datetime
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.utils import translation
from openpyxl import Workbook  # type: ignore[import-untyped]

from devolve.accounts.models import User
from devolve.core.actions import render_text
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.core.spreadsheets.reading import OLE_SIGNATURE
from devolve.grants.services import publish_annual_list
from devolve.matters import list_import
from devolve.matters.list_import import (
    FieldChange,
    MissingEntry,
    RowAction,
    RowError,
    WorkbookRefused,
    plan_list_import,
)
from devolve.matters.list_workbook import ColumnKey
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    Department,
    ListEntry,
    ListImport,
    Matter,
)
from devolve.matters.services import (
    add_list_entry,
    approve_annual_list,
    create_annual_list,
    derive_annual_list,
    import_list_workbook,
    queue_list_import_apply,
    start_list_import,
    submit_annual_list_for_review,
    withdraw_list_entry,
)
from devolve.matters.services import list_imports as list_import_services
from devolve.matters.tests.factories import MatterFactory, matter_type
from devolve.regions.models import Zone
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

HEADER = [
    "序号",
    "事项名称",
    "事项编码",
    "事项类型",
    "主管部门/实施部门",
    "设定依据",
    "授权方式",
    "承接主体",
    "监管部门",
    "实施条件",
    "备注",
]
LAW_FIRMS = "律师事务所设立审批"
LAW_FIRMS_CODE = "511A0000000001"
TAX_SUPPORT = "财税管理体制支持"
JUSTICE = "四川省司法厅"
FINANCE = "四川省财政厅"


def row(
    sequence: object = 1,
    name: str = LAW_FIRMS,
    code: str = LAW_FIRMS_CODE,
    matter_type_name: str = "行政许可",
    department: str = JUSTICE,
    legal_basis: str = "",
    mode: str = "下放",
    areas: str = "全部试点区域",
    supervisor: str = "",
    conditions: str = "",
    notes: str = "",
) -> list[object]:
    return [
        sequence,
        name,
        code,
        matter_type_name,
        department,
        legal_basis,
        mode,
        areas,
        supervisor,
        conditions,
        notes,
    ]


def tax_row(sequence: object = 2, **changes: Any) -> list[object]:
    values: dict[str, Any] = {
        "name": TAX_SUPPORT,
        "code": "",
        "matter_type_name": "",
        "department": FINANCE,
        "mode": "支持事项",
    }
    values.update(changes)
    return row(sequence, **values)


def workbook(*rows: list[object], header: list[str] | None = HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    if header is not None:
        sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    return output


def snapshot() -> dict[str, int]:
    """Counts of every table an import may write, to show a refusal wrote nothing."""
    return {
        "matters": Matter.objects.count(),
        "matter history": Matter.history.count(),
        "entries": ListEntry.objects.count(),
        "entry history": ListEntry.history.count(),
        "receiving areas": ListEntry.receiving_areas.through.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def entry_values(annual_list: AnnualList) -> list[tuple[object, ...]]:
    return [
        (
            entry.sequence,
            entry.matter.name_zh,
            entry.mode.code,
            entry.all_areas,
            sorted(zone.slug for zone in entry.receiving_areas.all()),
            entry.supervising_department.code if entry.supervising_department else None,
            entry.conditions,
            entry.notes,
            entry.change,
        )
        for entry in annual_list.entries.order_by("sequence")
    ]


@dataclass
class Edition:
    annual_list: AnnualList
    justice: Department
    finance: Department
    east: Zone
    west: Zone
    law_firms: Matter
    tax_support: Matter


def in_words(errors: tuple[RowError, ...]) -> tuple[RowError, ...]:
    """The errors with their stored messages read in the active language (ADR 0041)."""
    return tuple(dataclasses.replace(error, message=render_text(error.message)) for error in errors)


def stored_in_words(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**error, "message": render_text(error["message"])} for error in errors]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def edition(office_user: User, justice: Department, finance: Department) -> Edition:
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    east = ZoneFactory(slug="east", name_zh="东区", name_en="East Zone")
    west = ZoneFactory(slug="west", name_zh="西区", name_en="West Zone")
    ZoneFactory(slug="north", name_zh="北区", name_en="North Zone")
    for zone in (east, west):
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=datetime.date(2023, 1, 1))
    return Edition(
        annual_list=create_annual_list(year=2024, batch=batch, created_by=office_user),
        justice=justice,
        finance=finance,
        east=east,
        west=west,
        law_firms=MatterFactory(
            code=LAW_FIRMS_CODE, name_zh=LAW_FIRMS, competent_department=justice
        ),
        tax_support=MatterFactory(support=True, name_zh=TAX_SUPPORT, competent_department=finance),
    )


def mode(code: str) -> AuthorizationMode:
    return AuthorizationMode.objects.get(code=code)


def add_entries(edition: Edition, office_user: User) -> tuple[ListEntry, ListEntry]:
    law_firms = add_list_entry(
        annual_list=edition.annual_list,
        matter=edition.law_firms,
        mode=mode("delegate"),
        granting_department=edition.justice,
        supervising_department=edition.finance,
        notes="旧备注",
        sequence=1,
        added_by=office_user,
    )
    tax_support = add_list_entry(
        annual_list=edition.annual_list,
        matter=edition.tax_support,
        mode=mode("support"),
        granting_department=edition.finance,
        sequence=2,
        added_by=office_user,
    )
    return law_firms, tax_support


NEW_POWER = row(
    3,
    name="新设事项审批",
    code="511A0000000999",
    matter_type_name="行政确认",
    mode="委托",
    areas="东区",
    supervisor=FINANCE,
    conditions="具备承接条件",
    notes="试点",
)
ADDED = [
    (1, LAW_FIRMS, "delegate", True, [], None, "", "", "added"),
    (2, TAX_SUPPORT, "support", True, [], None, "", "", "added"),
    (3, "新设事项审批", "entrust", False, ["east"], "finance", "具备承接条件", "试点", "added"),
]


# The dry run ------------------------------------------------------------------------------------


def test_dry_run_lists_what_would_be_added_and_writes_nothing(edition: Edition) -> None:
    before = snapshot()

    plan = plan_list_import(
        annual_list=edition.annual_list, workbook=workbook(row(), tax_row(), NEW_POWER)
    )

    assert plan.errors == ()
    assert plan.counts == {
        "rows": 3,
        "add": 3,
        "change": 0,
        "unchanged": 0,
        "new_matters": 1,
        "missing": 0,
        "errors": 0,
    }
    assert [(row.row, row.matter_id) for row in plan.rows_to(RowAction.ADD)] == [
        (2, edition.law_firms.pk),
        (3, edition.tax_support.pk),
        (4, None),
    ]
    assert plan.rows_read == 3
    assert snapshot() == before


def test_headers_match_in_english_and_regardless_of_spacing_and_width(edition: Edition) -> None:
    header = [" 序 号 ", "Matter", "matter code", "Matter type", "主管部门\uff0f实施部门", "Mode"]
    header += ["Receiving areas"]
    english_row = [1, LAW_FIRMS, LAW_FIRMS_CODE, "Administrative licensing", "justice"]
    english_row += ["entrust", "East Zone; west"]

    plan = plan_list_import(
        annual_list=edition.annual_list, workbook=workbook(english_row, header=header)
    )

    assert plan.errors == ()
    (planned,) = plan.rows
    assert planned.values.mode_id == mode("entrust").pk
    assert planned.values.department_id == edition.justice.pk
    assert planned.values.receiving_area_ids == (edition.east.pk, edition.west.pk)
    assert planned.values.present == frozenset(
        {
            ColumnKey.SEQUENCE,
            ColumnKey.MATTER_NAME,
            ColumnKey.MATTER_CODE,
            ColumnKey.MATTER_TYPE,
            ColumnKey.DEPARTMENT,
            ColumnKey.MODE,
            ColumnKey.RECEIVING_AREAS,
        }
    )


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_numbers(
    edition: Edition,
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年第一批集成授权事项清单"])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(row())
    sheet.append([])
    sheet.append(tax_row(mode="转让"))
    output = io.BytesIO()
    book.save(output)

    plan = plan_list_import(annual_list=edition.annual_list, workbook=output)

    assert in_words(plan.errors) == (
        RowError(
            6,
            "授权方式",
            "Unknown mode “转让”: use 下放、委托、既下放又委托、支持事项.",
            "unknown_mode",
            "G",
            "转让",
        ),
    )
    assert [planned.row for planned in plan.rows] == [4]


def test_progress_is_reported_every_batch_of_rows_and_at_the_end(
    edition: Edition, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_import, "PROGRESS_EVERY", 2)
    rows = [row(number, name=f"事项{number}", code=f"C{number}") for number in range(1, 6)]
    reports: list[tuple[int, int]] = []

    plan_list_import(
        annual_list=edition.annual_list,
        workbook=workbook(*rows),
        on_progress=lambda done, total: reports.append((done, total)),
    )

    assert reports == [(2, 5), (4, 5), (5, 5)]


@pytest.mark.parametrize("rows", [1, 40])
def test_checking_reads_the_database_a_fixed_number_of_times_whatever_the_rows(
    edition: Edition, office_user: User, django_assert_num_queries: Any, rows: int
) -> None:
    add_entries(edition, office_user)
    content = workbook(
        row(1, supervisor=FINANCE),
        tax_row(2),
        *[row(number, name=f"事项{number}", code=f"C{number}") for number in range(3, rows + 3)],
    )

    # departments, matter types, modes, zones, batch members, matters, entries, their areas,
    # their sub-items
    with django_assert_num_queries(9):
        plan = plan_list_import(annual_list=edition.annual_list, workbook=content)

    assert plan.counts["add"] == rows


# Apply ------------------------------------------------------------------------------------------


def test_apply_adds_entries_and_new_matters_through_the_services(
    edition: Edition, office_user: User
) -> None:
    last_event = AuditEvent.objects.latest("pk").pk

    import_list_workbook(
        annual_list=edition.annual_list,
        workbook=workbook(row(), tax_row(), NEW_POWER),
        imported_by=office_user,
        source_name="2024.xlsx",
    )

    assert entry_values(edition.annual_list) == ADDED
    created = Matter.objects.get(code="511A0000000999")
    assert (created.kind, created.matter_type, created.competent_department, created.source) == (
        "power",
        matter_type("confirmation"),
        edition.justice,
        "2024.xlsx",
    )
    assert sorted(
        AuditEvent.objects.filter(pk__gt=last_event).values_list("action", flat=True)
    ) == [
        "annual_list.imported",
        "list_entry.added",
        "list_entry.added",
        "list_entry.added",
        "matter.created",
    ]
    imported = AuditEvent.objects.get(action="annual_list.imported")
    assert (imported.actor, imported.details["add"], imported.details["source"]) == (
        office_user,
        3,
        "2024.xlsx",
    )


def test_a_large_apply_bulk_inserts_rows_with_their_history_and_one_event(
    edition: Edition, office_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_import_services, "BULK_FROM_ROWS", 1)
    last_event = AuditEvent.objects.latest("pk").pk

    import_list_workbook(
        annual_list=edition.annual_list,
        workbook=workbook(row(), tax_row(), NEW_POWER),
        imported_by=office_user,
        reason="川改办〔2024〕3号",
        source_name="2024.xlsx",
    )

    assert entry_values(edition.annual_list) == ADDED
    assert list(AuditEvent.objects.filter(pk__gt=last_event).values_list("action", flat=True)) == [
        "annual_list.imported"
    ]
    created = Matter.objects.get(code="511A0000000999")
    assert list(created.history.values_list("history_type", "history_change_reason")) == [
        ("+", "川改办〔2024〕3号")
    ]
    entry = ListEntry.objects.get(matter=created)
    history = entry.history.get()
    assert (history.history_type, history.history_user, history.sequence) == ("+", office_user, 3)
    assert [area.zone for area in history.receiving_areas.all()] == [edition.east]
    assert ListEntry.history.filter(history_type="+").count() == 3


def test_apply_changes_entries_field_by_field_and_renumbers_them(
    edition: Edition, office_user: User
) -> None:
    _, tax_support = add_entries(edition, office_user)
    changed = workbook(
        row(
            2,
            legal_basis="《律师法》第十八条",
            mode="委托",
            areas="东区",
            supervisor="",
            notes="新备注",
        ),
        tax_row(1),
    )

    plan = plan_list_import(annual_list=edition.annual_list, workbook=changed)

    assert [(planned.row, planned.action, planned.changes) for planned in plan.rows] == [
        (
            2,
            RowAction.CHANGE,
            (
                FieldChange(ColumnKey.LEGAL_BASIS, "", "《律师法》第十八条"),
                FieldChange(ColumnKey.SEQUENCE, "1", "2"),
                FieldChange(ColumnKey.MODE, "下放", "委托"),
                FieldChange(ColumnKey.RECEIVING_AREAS, "全部试点区域", "东区"),
                FieldChange(ColumnKey.SUPERVISING_DEPARTMENT, FINANCE, ""),
                FieldChange(ColumnKey.NOTES, "旧备注", "新备注"),
            ),
        ),
        (3, RowAction.CHANGE, (FieldChange(ColumnKey.SEQUENCE, "2", "1"),)),
    ]

    changed.seek(0)
    import_list_workbook(
        annual_list=edition.annual_list,
        workbook=changed,
        imported_by=office_user,
        reason="川改办〔2024〕5号",
    )

    assert entry_values(edition.annual_list) == [
        (1, TAX_SUPPORT, "support", True, [], None, "", "", "added"),
        (2, LAW_FIRMS, "entrust", False, ["east"], None, "", "新备注", "added"),
    ]
    edition.law_firms.refresh_from_db()
    assert edition.law_firms.legal_basis == "《律师法》第十八条"
    latest = ListEntry.history.filter(id=tax_support.pk).latest("history_id")
    assert (latest.sequence, latest.history_change_reason) == (1, "川改办〔2024〕5号")
    changed.seek(0)
    replanned = plan_list_import(annual_list=edition.annual_list, workbook=changed)
    assert replanned.counts["unchanged"] == 2


def test_apply_that_changes_entries_needs_a_reason_and_writes_nothing_without_one(
    edition: Edition, office_user: User
) -> None:
    add_entries(edition, office_user)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        import_list_workbook(
            annual_list=edition.annual_list,
            workbook=workbook(row(1, mode="委托"), tax_row(2)),
            imported_by=office_user,
            reason=" ",
        )

    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert snapshot() == before


def test_entries_the_workbook_leaves_out_are_listed_and_kept(
    edition: Edition, office_user: User
) -> None:
    _, tax_support = add_entries(edition, office_user)

    plan = import_list_workbook(
        annual_list=edition.annual_list,
        workbook=workbook(row(1, supervisor=FINANCE, notes="旧备注")),
        imported_by=office_user,
    )

    assert plan.missing == (MissingEntry(tax_support.pk, 2, "", TAX_SUPPORT),)
    assert plan.counts["unchanged"] == 1
    assert ListEntry.objects.filter(annual_list=edition.annual_list).count() == 2


def test_an_import_that_changes_nothing_writes_nothing(edition: Edition, office_user: User) -> None:
    add_entries(edition, office_user)
    before = snapshot()

    plan = import_list_workbook(
        annual_list=edition.annual_list,
        workbook=workbook(row(1, supervisor=FINANCE, notes="旧备注"), tax_row(2)),
        imported_by=office_user,
    )

    assert plan.counts["unchanged"] == 2
    assert snapshot() == before


def test_a_published_edition_is_refused(edition: Edition, office_user: User) -> None:
    published = AnnualList.objects.create(
        year=2023,
        batch=edition.annual_list.batch,
        status=AnnualList.Status.PUBLISHED,
        approved_on=datetime.date(2023, 3, 1),
        published_on=datetime.date(2023, 3, 10),
        document_number="川改办〔2023〕1号",
    )
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        import_list_workbook(annual_list=published, workbook=workbook(row()), imported_by=SYSTEM)

    assert refused.value.code == "not_editable"
    assert snapshot() == before


def test_a_department_may_not_import(edition: Edition, department_user: User) -> None:
    before = snapshot()

    with pytest.raises(NotAllowed):
        import_list_workbook(
            annual_list=edition.annual_list, workbook=workbook(row()), imported_by=department_user
        )

    assert snapshot() == before


# Bad input --------------------------------------------------------------------------------------


def _zip_without_workbook() -> io.BytesIO:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return output


def _formula(column: int) -> io.BytesIO:
    cells = row()
    cells[column] = "=1+1"
    return workbook(cells)


def _without_mode_column() -> io.BytesIO:
    header = [title for title in HEADER if title != "授权方式"]
    cells = row()
    del cells[6]
    return workbook(cells, header=header)


BAD_WORKBOOKS: dict[str, tuple[Callable[[], io.BytesIO], RowError]] = {
    "neither xlsx nor text": (
        lambda: io.BytesIO(b"\x00\x01binary\x00" * 10),
        RowError(
            None,
            "",
            "The file is not of an accepted kind (.csv, .xlsx); its content decides, not its name.",
            "wrong_type",
        ),
    ),
    "zip that is not a workbook": (
        _zip_without_workbook,
        RowError(None, "", "The file is a ZIP archive, not an Office document.", "wrong_type"),
    ),
    "password-protected": (
        lambda: io.BytesIO(OLE_SIGNATURE + bytes(504)),
        RowError(
            None,
            "",
            "The file is password-protected or an old .xls/.doc file. Remove the password and "
            "save it as .xlsx (or .docx).",
            "encrypted",
        ),
    ),
    "empty workbook": (
        lambda: workbook(header=None),
        RowError(None, "", "The workbook is empty.", "empty"),
    ),
    "header without rows": (
        lambda: workbook(),
        RowError(1, "", "The workbook lists no matters.", "empty"),
    ),
    "no header row": (
        lambda: workbook(*[["说明"]] * 11, header=None),
        RowError(
            1,
            "",
            "No header row in the first 10 rows: name the list's columns (序号、事项名称 …) "
            "above its rows.",
            "missing_header",
        ),
    ),
    "missing header": (
        _without_mode_column,
        RowError(1, "授权方式", "The column “授权方式” (Mode) is missing.", "missing_header"),
    ),
    "unknown header": (
        lambda: workbook(row(), header=[*HEADER, "备用"]),
        RowError(1, "备用", "Unknown column “备用”.", "unknown_header", "L"),
    ),
    "unknown department": (
        lambda: workbook(row(department="四川省不存在厅")),
        RowError(
            2,
            "主管部门/实施部门",
            "Unknown department “四川省不存在厅”.",
            "unknown_department",
            "E",
        ),
    ),
    "unknown supervising department": (
        lambda: workbook(row(supervisor="监管厅")),
        RowError(2, "监管部门", "Unknown department “监管厅”.", "unknown_department", "I"),
    ),
    "unknown matter type": (
        lambda: workbook(row(matter_type_name="行政魔法")),
        RowError(2, "事项类型", "Unknown matter type “行政魔法”.", "unknown_matter_type", "D"),
    ),
    "unknown mode": (
        lambda: workbook(row(mode="转让")),
        RowError(
            2,
            "授权方式",
            "Unknown mode “转让”: use 下放、委托、既下放又委托、支持事项.",
            "unknown_mode",
            "G",
        ),
    ),
    "mode that does not fit the matter": (
        lambda: workbook(tax_row(1, mode="下放")),
        RowError(
            2,
            "授权方式",
            "下放 does not fit “财税管理体制支持”: a power is delegated or entrusted, a support "
            "matter is supported.",
            "mode_mismatch",
            "G",
        ),
    ),
    "support matter with a type": (
        lambda: workbook(row(name="新支持事项", code="", mode="支持事项")),
        RowError(
            2,
            "事项类型",
            "A support matter has no matter type; leave the cell empty.",
            "type_not_allowed",
            "D",
        ),
    ),
    "new power without a type": (
        lambda: workbook(row(name="新权力事项", code="", matter_type_name="")),
        RowError(2, "事项类型", "A power needs a matter type.", "type_required", "D"),
    ),
    "unknown receiving area": (
        lambda: workbook(row(areas="东区、南区")),
        RowError(2, "承接主体", "Unknown receiving area “南区”.", "unknown_area", "H"),
    ),
    "receiving area outside the batch": (
        lambda: workbook(row(areas="北区")),
        RowError(2, "承接主体", "北区 is not a pilot area of batch 1.", "not_a_batch_member", "H"),
    ),
    "duplicate row": (
        lambda: workbook(row(1), row(2)),
        RowError(3, "事项名称", "The same matter as row 2.", "duplicate_row", "B"),
    ),
    "duplicate number": (
        lambda: workbook(row(1), tax_row(1)),
        RowError(3, "序号", "Row 2 has the same number.", "duplicate_number", "A"),
    ),
    "words in 序号": (
        lambda: workbook(row("一")),
        RowError(
            2, "序号", "“一” is not a row number: enter a whole number from 1.", "bad_number", "A"
        ),
    ),
    "zero in 序号": (
        lambda: workbook(row(0)),
        RowError(
            2, "序号", "“0” is not a row number: enter a whole number from 1.", "bad_number", "A"
        ),
    ),
    # 1.5 numbers the fifth sub-item of entry 1, which needs entry 1's row above it.
    "fraction in 序号": (
        lambda: workbook(row(1.5)),
        RowError(
            2,
            "序号",
            "“1.5” numbers a sub-item of entry 1, but it is not below the row of entry 1.",
            "orphan_sub_item",
            "A",
        ),
    ),
    "empty 序号": (
        lambda: workbook(row(None)),
        RowError(2, "序号", "This cell must not be empty.", "required", "A"),
    ),
    "empty matter name": (
        lambda: workbook(row(name="", code="")),
        RowError(2, "事项名称", "This cell must not be empty.", "required", "B"),
    ),
    "matter name too long": (
        lambda: workbook(row(name="审" * 201, code="")),
        RowError(2, "事项名称", "At most 200 characters (this has 201).", "too_long", "B"),
    ),
    "formula in 序号": (
        lambda: _formula(0),
        RowError(
            2, "序号", "A formula is not accepted here; enter the value itself.", "formula", "A"
        ),
    ),
    "formula in 备注": (
        lambda: _formula(10),
        RowError(
            2, "备注", "A formula is not accepted here; enter the value itself.", "formula", "K"
        ),
    ),
}


# The cell each error quotes, as the workbook holds it (errors about the file or a header, or
# about an empty cell, quote nothing).
CELL_VALUES = {
    "unknown department": "四川省不存在厅",
    "unknown supervising department": "监管厅",
    "unknown matter type": "行政魔法",
    "unknown mode": "转让",
    "mode that does not fit the matter": "下放",
    "support matter with a type": "行政许可",
    "unknown receiving area": "东区、南区",
    "receiving area outside the batch": "北区",
    "duplicate row": "律师事务所设立审批",
    "duplicate number": "1",
    "words in 序号": "一",
    "zero in 序号": "0",
    "fraction in 序号": "1.5",
    "matter name too long": "审" * 200,  # quoted up to 200 characters
    "formula in 序号": "=1+1",
    "formula in 备注": "=1+1",
}


@pytest.mark.parametrize("case", BAD_WORKBOOKS)
def test_a_bad_workbook_is_refused_with_its_row_and_column_and_nothing_is_written(
    edition: Edition, office_user: User, case: str
) -> None:
    make_workbook, expected = BAD_WORKBOOKS[case]
    expected = dataclasses.replace(expected, value=CELL_VALUES.get(case, ""))
    before = snapshot()

    plan = plan_list_import(annual_list=edition.annual_list, workbook=make_workbook())
    with pytest.raises(WorkbookRefused) as refused:
        import_list_workbook(
            annual_list=edition.annual_list, workbook=make_workbook(), imported_by=office_user
        )

    assert (in_words(plan.errors), plan.error_count, plan.is_valid) == ((expected,), 1, False)
    assert in_words(refused.value.plan.errors) == (expected,)
    assert refused.value.code == "invalid_workbook"
    assert snapshot() == before


def test_a_file_over_the_size_limit_is_refused_unopened(edition: Edition, settings: Any) -> None:
    settings.DEVOLVE_IMPORT_MAX_BYTES = 1_048_576

    plan = plan_list_import(annual_list=edition.annual_list, workbook=io.BytesIO(bytes(1_048_577)))

    assert in_words(plan.errors) == (
        RowError(None, "", "The file is 1.0 MB; the largest accepted is 1.0 MB.", "too_large"),
    )


def test_a_dry_run_keeps_a_bounded_sample_and_counts_every_row(
    edition: Edition, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No row cap: a dry run counts every row but keeps only a sample of those to add or change,
    so its memory does not grow with the workbook."""
    monkeypatch.setattr(list_import, "SAMPLE_ROWS", 2)
    upload = workbook(row(1), tax_row(2), NEW_POWER)

    sampled = plan_list_import(annual_list=edition.annual_list, workbook=upload, keep_rows=False)
    upload.seek(0)
    whole = plan_list_import(annual_list=edition.annual_list, workbook=upload)

    assert (sampled.counts, len(sampled.rows)) == (whole.counts, 2)
    assert sampled.counts["add"] == len(whole.rows) == 3
    assert sampled.summary()["add"] == whole.summary(row_limit=2)["add"]


def test_a_number_held_by_an_entry_the_workbook_leaves_out_is_refused(
    edition: Edition, office_user: User
) -> None:
    add_entries(edition, office_user)

    plan = plan_list_import(annual_list=edition.annual_list, workbook=workbook(tax_row(1)))

    assert in_words(plan.errors) == (
        RowError(
            2,
            "序号",
            "Number 1 belongs to “律师事务所设立审批” in the edition, which the workbook does not "
            "list.",
            "number_taken",
            "A",
            "1",
        ),
    )
    assert plan.missing == ()


def test_a_matter_withdrawn_from_the_edition_is_refused(
    edition: Edition, office_user: User
) -> None:
    add_entries(edition, office_user)
    submit_annual_list_for_review(annual_list=edition.annual_list, submitted_by=office_user)
    approve_annual_list(
        annual_list=edition.annual_list,
        approved_by=office_user,
        approved_on=datetime.date(2024, 3, 1),
        document_number="川改办〔2024〕1号",
    )
    publish_annual_list(
        annual_list=edition.annual_list,
        published_on=datetime.date(2024, 3, 15),
        published_by=office_user,
    )
    next_year = derive_annual_list(
        predecessor=edition.annual_list, year=2025, created_by=office_user
    )
    withdraw_list_entry(
        entry=next_year.entries.get(matter=edition.tax_support),
        withdrawn_by=office_user,
        reason="Reform completed.",
    )

    plan = plan_list_import(
        annual_list=next_year, workbook=workbook(row(1, supervisor=FINANCE), tax_row(2))
    )

    assert in_words(plan.errors) == (
        RowError(
            3,
            "事项名称",
            "This matter is withdrawn from the edition; leave it out of the workbook, or remove "
            "the withdrawal on the edition's page first.",
            "withdrawn",
            "B",
            "财税管理体制支持",
        ),
    )


def test_a_name_two_matters_of_the_department_share_needs_the_code(edition: Edition) -> None:
    for _ in range(2):
        MatterFactory(code="", name_zh="同名事项", competent_department=edition.justice)

    plan = plan_list_import(
        annual_list=edition.annual_list, workbook=workbook(row(name="同名事项", code=""))
    )

    assert in_words(plan.errors) == (
        RowError(
            2,
            "事项名称",
            "2 matters of 四川省司法厅 are called “同名事项”: give the 事项编码.",
            "ambiguous_matter",
            "B",
            "同名事项",
        ),
    )


# Imports as records: upload, background dry run, apply --------------------------------------


def _upload(content: io.BytesIO, name: str = "2024.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.getvalue())


def test_an_upload_is_checked_then_applied_in_the_background(
    edition: Edition,
    office_user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        started = start_list_import(
            annual_list=edition.annual_list,
            workbook=_upload(workbook(row(), tax_row(), NEW_POWER)),
            started_by=office_user,
        )
    checked = ListImport.objects.get(pk=started.pk)
    assert (checked.status, checked.rows_done, checked.rows_total, checked.errors) == (
        "dry_run_ready",
        3,
        3,
        [],
    )
    assert checked.summary["counts"]["add"] == 3
    assert ListEntry.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        queue_list_import_apply(list_import=checked, applied_by=office_user, reason="")

    applied = ListImport.objects.get(pk=started.pk)
    assert (applied.status, applied.applied_by, applied.errors) == ("applied", office_user, [])
    assert entry_values(edition.annual_list) == ADDED
    assert list(applied.history.order_by("history_id").values_list("status", flat=True)) == [
        "queued",
        "running",
        "dry_run_ready",
        "queued",
        "running",
        "applied",
    ]


def test_a_checked_import_with_errors_cannot_be_applied(
    edition: Edition, office_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        started = start_list_import(
            annual_list=edition.annual_list,
            workbook=_upload(workbook(row(mode="转让"))),
            started_by=office_user,
        )
    checked = ListImport.objects.get(pk=started.pk)
    assert stored_in_words(checked.errors) == [
        {
            "row": 2,
            "column": "授权方式",
            "letter": "G",
            "message": "Unknown mode “转让”: use 下放、委托、既下放又委托、支持事项.",
            "code": "unknown_mode",
            "value": "转让",
        }
    ]

    with pytest.raises(DomainError) as refused:
        queue_list_import_apply(list_import=checked, applied_by=office_user, reason="")

    assert refused.value.code == "not_ready"
    assert ListImport.objects.get(pk=started.pk).status == "dry_run_ready"


def test_an_apply_the_edition_no_longer_fits_fails_and_writes_nothing(
    edition: Edition, office_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        started = start_list_import(
            annual_list=edition.annual_list,
            workbook=_upload(workbook(tax_row(1))),
            started_by=office_user,
        )
    add_entries(edition, office_user)  # after the check, 序号 1 goes to another matter
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        queue_list_import_apply(list_import=started, applied_by=office_user, reason="")

    failed = ListImport.objects.get(pk=started.pk)
    assert failed.status == "failed"
    assert [error["code"] for error in failed.errors] == ["number_taken"]
    assert snapshot() == before


def test_an_upload_over_the_size_limit_or_for_a_published_edition_is_refused(
    edition: Edition, office_user: User, settings: Any
) -> None:
    settings.DEVOLVE_IMPORT_MAX_BYTES = 100
    with pytest.raises(DomainError) as too_large:
        start_list_import(
            annual_list=edition.annual_list,
            workbook=_upload(workbook(row())),
            started_by=office_user,
        )
    AnnualList.objects.filter(pk=edition.annual_list.pk).update(
        status=AnnualList.Status.PUBLISHED,
        approved_on=datetime.date(2024, 3, 1),
        published_on=datetime.date(2024, 3, 2),
    )
    settings.DEVOLVE_IMPORT_MAX_BYTES = 10_485_760
    with pytest.raises(DomainError) as published:
        start_list_import(
            annual_list=edition.annual_list,
            workbook=_upload(workbook(row())),
            started_by=office_user,
        )

    assert (too_large.value.code, too_large.value.field, published.value.code) == (
        "too_large",
        "workbook",
        "not_editable",
    )
    assert ListImport.objects.count() == 0


def test_an_applied_import_records_when_it_was_applied(edition: Edition) -> None:
    with pytest.raises(IntegrityError):
        ListImport.objects.create(
            annual_list=edition.annual_list,
            workbook="list-imports/2024.xlsx",
            original_name="2024.xlsx",
            status=ListImport.Status.APPLIED,
        )


# The import_list command ------------------------------------------------------------------------


def test_the_command_prints_the_plan_and_applies_it(
    edition: Edition, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "2024.xlsx"
    path.write_bytes(workbook(row(), tax_row()).getvalue())

    call_command("import_list", str(path), "--list", "2024/batch-1")
    assert ListEntry.objects.count() == 0
    call_command("import_list", str(path), "--list", "2024/batch-1", "--apply")

    assert capsys.readouterr().out.splitlines() == [
        "dry run: 2 to add (0 new matters), 0 to change, 0 unchanged, "
        "0 entries of the edition not in the workbook",
        f"+ row 2: 1. {LAW_FIRMS}",
        f"+ row 3: 2. {TAX_SUPPORT}",
        "applied: 2 to add (0 new matters), 0 to change, 0 unchanged, "
        "0 entries of the edition not in the workbook",
        f"+ row 2: 1. {LAW_FIRMS}",
        f"+ row 3: 2. {TAX_SUPPORT}",
    ]
    assert ListEntry.objects.count() == 2


def test_the_command_prints_every_error_and_exits_1(
    edition: Edition, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(row(mode="转让"), tax_row(department="无名厅")).getvalue())

    with pytest.raises(CommandError) as failed:
        call_command("import_list", str(path), "--list", "2024/batch-1", "--apply")

    assert str(failed.value) == "[invalid_workbook] 2 error(s); nothing was written"
    assert capsys.readouterr().err.splitlines() == [
        "row 2, 授权方式 (G): Unknown mode “转让”: use 下放、委托、既下放又委托、支持事项. "
        "[cell: '转让']",
        "row 3, 主管部门/实施部门 (E): Unknown department “无名厅”. [cell: '无名厅']",
    ]
    assert ListEntry.objects.count() == 0


def _stored(settings: Any) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_a_refused_import_keeps_its_errors_but_not_the_upload(
    edition: Edition, office_user: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        started = start_list_import(
            annual_list=edition.annual_list,
            workbook=_upload(workbook(row(mode="转让"))),
            started_by=office_user,
        )

    checked = ListImport.objects.get(pk=started.pk)
    assert (checked.status_label, [error["code"] for error in checked.errors]) == (
        "Checked, has errors",
        ["unknown_mode"],
    )
    assert (checked.workbook.name, _stored(settings)) == ("", [])


def test_an_applied_upload_is_kept_for_the_retention_period_then_purged(
    edition: Edition, office_user: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.DEVOLVE_UPLOAD_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        started = start_list_import(
            annual_list=edition.annual_list, workbook=_upload(workbook(row())),
            started_by=office_user,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        queue_list_import_apply(list_import=started, applied_by=office_user, reason="")
    applied = ListImport.objects.get(pk=started.pk)
    stored = _stored(settings)
    assert (applied.status, applied.status_label, len(stored)) == ("applied", "Applied", 1)
    assert applied.applied_at is not None

    kept = list_import_services.purge_list_import_uploads(
        now=applied.applied_at + datetime.timedelta(days=29)
    )
    assert (kept, _stored(settings)) == (0, stored)
    purged = list_import_services.purge_list_import_uploads(
        now=applied.applied_at + datetime.timedelta(days=31)
    )
    assert (purged, _stored(settings), ListImport.objects.get(pk=started.pk).workbook.name) == (
        1,
        [],
        "",
    )
