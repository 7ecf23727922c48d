"""Exporting an edition in the official list layout: .xlsx, CSV and JSON.

Every format lists the edition's live entries (a withdrawn entry grants nothing, so a published
list leaves it out) in 序号 order, with the columns of ``list_workbook.COLUMNS``. In the
spreadsheet formats an entry's sub-items follow its row, numbered 1.1, 1.2 … (in the catalogue
order of their matters), with the sub-item's own name, code, type, department, legal basis
and mode; dates are written as dates (ISO text in CSV).

- **xlsx**: a title row (the edition's title), then the Chinese header row, then one row per
  entry. The importer skips the title row, so an exported workbook imports back unchanged.
- **CSV**: the header row and the entries, UTF-8 with a byte-order mark so Excel reads the
  Chinese text.

Both spreadsheet formats are written by ``devolve.core.spreadsheets``, which escapes text a
spreadsheet would run as a formula (the importer reads it back unescaped).
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
                     "conditions": "…", "notes": "…",
                     "effective_on": "2025-01-01" | null, "ends_on": "2027-12-31" | null,
                     "sub_items": [{"number": "1.1", "matter_code": "…", "matter_name_zh": "…",
                                    "mode": "delegate"}, …],
                     "change": "added" | "kept" | …}, …]
      }

  Departments, matter types, modes and areas are given by their stable codes and keys.

  A JSON export imports back like a workbook: ``document_rows`` lays it out as the header and
  rows of the layout (codes and keys, which the importer recognises as it does names), and the
  importer checks those rows as it checks a workbook's.
"""

from enum import StrEnum
from typing import Any

from devolve.core.spreadsheets import (
    CSV_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    ExportedFile,
    Sheet,
    csv_bytes,
    json_bytes,
    xlsx_bytes,
)
from devolve.core.spreadsheets.cells import CellValue
from devolve.matters.list_workbook import ALL_AREAS, AREA_SEPARATOR, COLUMNS, ColumnKey
from devolve.matters.models import AnnualList, ListEntry, ListEntrySubItem
from devolve.matters.selectors import list_entries

JSON_FORMAT = "devolve.annual_list"
JSON_VERSION = 1


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"


_CONTENT_TYPES = {
    ExportFormat.XLSX: XLSX_CONTENT_TYPE,
    ExportFormat.CSV: CSV_CONTENT_TYPE,
    ExportFormat.JSON: JSON_CONTENT_TYPE,
}


def export_annual_list(*, annual_list: AnnualList, file_format: ExportFormat) -> ExportedFile:
    entries = list(
        list_entries(annual_list=annual_list, include_withdrawn=False)
        .select_related("matter__competent_department")
        .prefetch_related(
            "sub_items__matter__competent_department", "sub_items__matter__matter_type"
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


def entry_rows(entry: ListEntry) -> list[list[CellValue]]:
    """An entry's row, then a row for each of its sub-items (1.1, 1.2 …)."""
    return [
        entry_row(entry),
        *(
            sub_item_row(f"{entry.sequence}.{number}", sub_item)
            for number, sub_item in enumerate(entry.sub_items.all(), start=1)
        ),
    ]


def sub_item_row(number: str, sub_item: ListEntrySubItem) -> list[CellValue]:
    """A sub-item as the layout's cells: its matter and mode; the entry's cells left empty."""
    matter = sub_item.matter
    cells: dict[ColumnKey, CellValue] = {
        ColumnKey.SEQUENCE: number,
        ColumnKey.MATTER_NAME: matter.name_zh,
        ColumnKey.MATTER_CODE: matter.code,
        ColumnKey.MATTER_TYPE: matter.matter_type.name_zh if matter.matter_type else "",
        ColumnKey.DEPARTMENT: matter.competent_department.name_zh,
        ColumnKey.LEGAL_BASIS: matter.legal_basis,
        ColumnKey.MODE: sub_item.mode.name_zh,
    }
    return [cells.get(column.key, "") for column in COLUMNS]


def entry_row(entry: ListEntry) -> list[CellValue]:
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
        matter.competent_department.name_zh,
        entry.granting_department.name_zh,
        matter.legal_basis,
        entry.mode.name_zh,
        areas,
        supervisor.name_zh if supervisor else "",
        entry.conditions,
        entry.notes,
        entry.effective_on,
        entry.ends_on,
    ]


def _header() -> list[str]:
    return [column.header for column in COLUMNS]


def _xlsx(annual_list: AnnualList, entries: list[ListEntry]) -> bytes:
    sheet = Sheet(
        name=f"{annual_list.year}-{annual_list.batch.number}",
        title=list_title(annual_list),
        header=[_header()],
        rows=(row for entry in entries for row in entry_rows(entry)),
        widths=[column.width for column in COLUMNS],
        freeze_header=True,
    )
    return xlsx_bytes([sheet])


def _csv(entries: list[ListEntry]) -> bytes:
    return csv_bytes([_header(), *(row for entry in entries for row in entry_rows(entry))])


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
        "effective_on": entry.effective_on.isoformat() if entry.effective_on else None,
        "ends_on": entry.ends_on.isoformat() if entry.ends_on else None,
        "sub_items": [
            {
                "number": f"{entry.sequence}.{number}",
                "matter_code": sub_item.matter.code,
                "matter_name_zh": sub_item.matter.name_zh,
                "mode": sub_item.mode.code,
            }
            for number, sub_item in enumerate(entry.sub_items.all(), start=1)
        ],
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
    return json_bytes(document)


def is_list_document(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and document.get("format") == JSON_FORMAT
        and isinstance(document.get("entries"), list)
    )


def document_rows(document: dict[str, Any]) -> list[tuple[CellValue, ...]]:
    """A JSON export as the layout's header and rows, sub-item rows under their entry's."""
    rows: list[tuple[CellValue, ...]] = [tuple(_header())]
    for entry in document["entries"]:
        if not isinstance(entry, dict):
            rows.append((str(entry),))  # the importer reports it as a row it cannot read
            continue
        areas = entry.get("receiving_areas")
        cells: dict[ColumnKey, Any] = {
            ColumnKey.SEQUENCE: entry.get("sequence"),
            ColumnKey.MATTER_NAME: entry.get("matter_name_zh"),
            ColumnKey.MATTER_CODE: entry.get("matter_code"),
            ColumnKey.MATTER_TYPE: entry.get("matter_type"),
            ColumnKey.DEPARTMENT: entry.get("competent_department"),
            ColumnKey.GRANTING_DEPARTMENT: entry.get("granting_department"),
            ColumnKey.LEGAL_BASIS: entry.get("legal_basis"),
            ColumnKey.MODE: entry.get("mode"),
            ColumnKey.RECEIVING_AREAS: ALL_AREAS
            if areas == "all"
            else AREA_SEPARATOR.join(str(area) for area in areas or []),
            ColumnKey.SUPERVISING_DEPARTMENT: entry.get("supervising_department"),
            ColumnKey.CONDITIONS: entry.get("conditions"),
            ColumnKey.NOTES: entry.get("notes"),
            ColumnKey.EFFECTIVE_ON: entry.get("effective_on"),
            ColumnKey.ENDS_ON: entry.get("ends_on"),
        }
        rows.append(tuple(_plain(cells.get(column.key)) for column in COLUMNS))
        sub_items = entry.get("sub_items")
        for sub_item in sub_items if isinstance(sub_items, list) else []:
            if not isinstance(sub_item, dict):
                rows.append((str(sub_item),))
                continue
            sub_cells = {
                ColumnKey.SEQUENCE: sub_item.get("number"),
                ColumnKey.MATTER_NAME: sub_item.get("matter_name_zh"),
                ColumnKey.MATTER_CODE: sub_item.get("matter_code"),
                ColumnKey.MODE: sub_item.get("mode"),
            }
            rows.append(tuple(_plain(sub_cells.get(column.key)) for column in COLUMNS))
    return rows


def _plain(value: Any) -> CellValue:
    """A JSON value as a cell: numbers and text as they are, anything else as its text."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)
