"""Exporting an edition in the official list layout: .xlsx, CSV and JSON.

Every format lists the edition's live entries (a withdrawn entry grants nothing, so a published
list leaves it out) in 序号 order, with the columns of ``list_workbook.COLUMNS``.

- **xlsx**: a title row (the edition's title), then the Chinese header row, then one row per
  entry. The importer skips the title row, so an exported workbook imports back unchanged.
- **CSV**: the header row and the entries, UTF-8 with a byte-order mark so Excel reads the
  Chinese text. A cell that starts with ``=``, ``+``, ``-`` or ``@`` gets a leading ``'``, so a
  spreadsheet shows it as text instead of running it as a formula.
- **JSON**: one object, stable keys (a published data contract: change it only with a
  deprecation note)::

      {
        "format": "devolve.annual_list",  "version": 1,
        "annual_list": {"key": "2024/batch-1", "year": 2024, "batch": 1, "edition": 1,
                        "status": "published", "title_zh": "…", "title_en": "…",
                        "document_number": "…", "published_on": "2024-03-10" | null},
        "columns": [{"key": "sequence", "header_zh": "序号", "header_en": "No."}, …],
        "entries": [{"sequence": 1, "matter_code": "…", "matter_name_zh": "…",
                     "matter_name_en": "…", "matter_kind": "power" | "support",
                     "matter_type": "licensing" | null, "competent_department": "justice",
                     "granting_department": "justice", "legal_basis": "…",
                     "mode": "delegate" | "entrust" | "both" | "support",
                     "receiving_areas": "all" | ["zone-key", …],
                     "supervising_department": "finance" | null,
                     "conditions": "…", "notes": "…", "change": "added" | "kept" | …}, …]
      }

  Departments, matter types, modes and areas are given by their stable codes and keys.
"""

import csv
import io
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

from devolve.core.spreadsheets import XLSX_CONTENT_TYPE
from devolve.matters.list_workbook import ALL_AREAS, AREA_SEPARATOR, COLUMNS, column_letter
from devolve.matters.models import AnnualList, ListEntry
from devolve.matters.selectors import list_entries

JSON_FORMAT = "devolve.annual_list"
JSON_VERSION = 1
# Characters that make a spreadsheet treat a CSV cell as a formula (OWASP "CSV injection").
_FORMULA_TRIGGERS = ("=", "+", "-", "@")


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"


_CONTENT_TYPES = {
    ExportFormat.XLSX: XLSX_CONTENT_TYPE,
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.JSON: "application/json",
}


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    filename: str
    content_type: str


def export_annual_list(*, annual_list: AnnualList, file_format: ExportFormat) -> ExportedFile:
    entries = list(
        list_entries(annual_list=annual_list, include_withdrawn=False).select_related(
            "matter__competent_department"
        )
    )
    if file_format == ExportFormat.XLSX:
        content = _xlsx(annual_list, entries)
    elif file_format == ExportFormat.CSV:
        content = _csv(entries)
    else:
        content = _json(annual_list, entries)
    return ExportedFile(
        content=content,
        filename=f"{annual_list.key.replace('/', '-')}.{file_format.value}",
        content_type=_CONTENT_TYPES[file_format],
    )


def list_title(annual_list: AnnualList) -> str:
    """The title row: the edition's Chinese title, else one in the form lists are published."""
    if annual_list.title_zh:
        return annual_list.title_zh
    correction = f"（第{annual_list.edition}版）" if annual_list.edition > 1 else ""
    return f"{annual_list.year}年第{annual_list.batch.number}批集成授权事项清单{correction}"


def _areas(entry: ListEntry) -> list[Any]:
    return sorted(entry.receiving_areas.all(), key=lambda zone: zone.slug)


def entry_row(entry: ListEntry) -> list[str | int]:
    """One entry as the layout's cells, in ``COLUMNS`` order."""
    matter = entry.matter
    areas = (
        ALL_AREAS
        if entry.all_areas
        else AREA_SEPARATOR.join(zone.name_zh for zone in _areas(entry))
    )
    supervisor = entry.supervising_department
    return [
        entry.sequence,
        matter.name_zh,
        matter.code,
        matter.matter_type.name_zh if matter.matter_type else "",
        entry.granting_department.name_zh,
        matter.legal_basis,
        entry.mode.name_zh,
        areas,
        supervisor.name_zh if supervisor else "",
        entry.conditions,
        entry.notes,
    ]


def _xlsx(annual_list: AnnualList, entries: list[ListEntry]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{annual_list.year}-{annual_list.batch.number}"
    sheet.append([list_title(annual_list)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for entry in entries:
        sheet.append(entry_row(entry))
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            # openpyxl stores any text that starts with "=" as a formula; keep it text.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[column_letter(index)].width = column.width
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _csv_cell(value: str | int) -> str | int:
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return f"'{value}"
    return value


def _csv(entries: list[ListEntry]) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([column.header for column in COLUMNS])
    for entry in entries:
        writer.writerow([_csv_cell(value) for value in entry_row(entry)])
    return output.getvalue().encode("utf-8-sig")


def entry_document(entry: ListEntry) -> dict[str, Any]:
    matter = entry.matter
    supervisor = entry.supervising_department
    return {
        "sequence": entry.sequence,
        "matter_code": matter.code,
        "matter_name_zh": matter.name_zh,
        "matter_name_en": matter.name_en,
        "matter_kind": matter.kind,
        "matter_type": matter.matter_type.code if matter.matter_type else None,
        "competent_department": matter.competent_department.code,
        "granting_department": entry.granting_department.code,
        "legal_basis": matter.legal_basis,
        "mode": entry.mode.code,
        "receiving_areas": "all" if entry.all_areas else [zone.slug for zone in _areas(entry)],
        "supervising_department": supervisor.code if supervisor else None,
        "conditions": entry.conditions,
        "notes": entry.notes,
        "change": entry.change,
    }


def _json(annual_list: AnnualList, entries: list[ListEntry]) -> bytes:
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "annual_list": {
            "key": annual_list.key,
            "year": annual_list.year,
            "batch": annual_list.batch.number,
            "edition": annual_list.edition,
            "status": annual_list.status,
            "title_zh": annual_list.title_zh,
            "title_en": annual_list.title_en,
            "document_number": annual_list.document_number,
            "published_on": annual_list.published_on.isoformat()
            if annual_list.published_on
            else None,
        },
        "columns": [
            {"key": column.key.value, "header_zh": column.header_zh, "header_en": column.header_en}
            for column in COLUMNS
        ],
        "entries": [entry_document(entry) for entry in entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
