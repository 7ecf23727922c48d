"""The one writer every download uses: .xlsx, CSV and JSON files and the response that serves them.

Exporters build rows of plain values and hand them here; the writer escapes every text cell that
a spreadsheet program would run as a formula (``cells.escape_formula``), so no exporter can
forget to. Workbooks are written in openpyxl's write-only mode, row by row, so a large export
does not hold a worksheet of cell objects in memory.
"""

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from devolve.core.spreadsheets.cells import CellValue, escape_formula

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
# Excel limits a sheet's name to 31 characters.
SHEET_TITLE_LENGTH = 31

type Row = Sequence[CellValue]


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: optional title line (merged across the columns, as official
    lists print their title), header row(s) in bold, then the rows.

    ``rows`` may be a generator: it is read once, as the sheet is written.
    """

    name: str
    header: Sequence[Row]
    rows: Iterable[Row]
    title: str = ""
    widths: Sequence[int] = ()
    freeze_header: bool = False


@dataclass(frozen=True)
class ExportedFile:
    """A file to download: its bytes, name and content type."""

    content: bytes
    filename: str
    content_type: str = field(default=XLSX_CONTENT_TYPE)

    def response(self) -> HttpResponse:
        return download_response(
            self.content, filename=self.filename, content_type=self.content_type
        )


def _cell(sheet: Any, value: CellValue, *, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet, value=escape_formula(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would store text that starts with "=" as a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An .xlsx workbook with one sheet per ``Sheet``."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.name[:SHEET_TITLE_LENGTH])
        width = max((len(row) for row in spec.header), default=1)
        for index, column_width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column_width
        if spec.freeze_header:  # a write-only sheet takes its views before its first row
            sheet.freeze_panes = f"A{len(spec.header) + (2 if spec.title else 1)}"
        if spec.title:
            title = _cell(sheet, spec.title)
            title.font = Font(bold=True, size=14)
            title.alignment = Alignment(horizontal="center")
            sheet.append([title])
            sheet.merged_cells.ranges.add(f"A1:{get_column_letter(width)}1")
        for row in spec.header:
            sheet.append([_cell(sheet, value, bold=True) for value in row])
        for row in spec.rows:
            sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Row], *, for_machines: bool = False) -> bytes:
    """Rows as UTF-8 CSV, every text cell a spreadsheet would run escaped.

    For people (the default) the file opens in Excel: a byte-order mark, so it reads the Chinese
    text as UTF-8, and CRLF line ends. ``for_machines`` writes what open-data readers (RFC 4180
    parsers, Frictionless) take as is: no byte-order mark, LF line ends.
    """
    output = io.StringIO()
    if not for_machines:
        output.write("\ufeff")
    writer = csv.writer(output, lineterminator="\n" if for_machines else "\r\n")
    for row in rows:
        writer.writerow(["" if value is None else escape_formula(value) for value in row])
    return output.getvalue().encode("utf-8")


def json_bytes(document: Any, *, indent: int = 2) -> bytes:
    """A JSON document as UTF-8, Chinese text unescaped, indented for people."""
    return json.dumps(document, ensure_ascii=False, indent=indent, default=str).encode("utf-8")


def content_disposition(filename: str) -> str:
    """``attachment`` with the name in ASCII and, for any other name, in RFC 5987 form."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    if ascii_name == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def download_response(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """A download: always an attachment, and never sniffed into something the browser runs."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def stored_file_response(stored: FieldFile) -> FileResponse:
    """An uploaded file (evidence, an agreement) served back: streamed from the storage, always
    as an attachment under its own name, as opaque bytes that no browser renders or sniffs.
    Callers check that the user may see it first."""
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=os.path.basename(stored.name or "file"),
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def xlsx_file(sheets: Iterable[Sheet], *, filename: str) -> ExportedFile:
    return ExportedFile(xlsx_bytes(sheets), filename, XLSX_CONTENT_TYPE)


def csv_file(rows: Iterable[Row], *, filename: str) -> ExportedFile:
    return ExportedFile(csv_bytes(rows), filename, CSV_CONTENT_TYPE)


def json_file(document: Any, *, filename: str) -> ExportedFile:
    return ExportedFile(json_bytes(document), filename, JSON_CONTENT_TYPE)
