"""Spreadsheets in and out: the one writer every export uses, the one guarded reader every upload
goes through, and the row-error and plan kit the importers share.

- ``cells``: formula escaping on the way out and its undoing on the way in;
- ``writing``: .xlsx, CSV and JSON files and the download response;
- ``reading``: the guarded reader (``check_upload``, ``read_rows``) every upload goes through;
- ``importing``: the row error, the capped error log, cell text and header folding.
"""

from devolve.core.spreadsheets.cells import CellValue, escape_formula, unescape_formula
from devolve.core.spreadsheets.writing import (
    CSV_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    ExportedFile,
    Sheet,
    csv_bytes,
    csv_file,
    download_response,
    json_bytes,
    json_file,
    stored_file_response,
    xlsx_bytes,
    xlsx_file,
)

__all__ = [
    "CSV_CONTENT_TYPE",
    "JSON_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "CellValue",
    "ExportedFile",
    "Sheet",
    "csv_bytes",
    "csv_file",
    "download_response",
    "escape_formula",
    "json_bytes",
    "json_file",
    "stored_file_response",
    "unescape_formula",
    "xlsx_bytes",
    "xlsx_file",
]
