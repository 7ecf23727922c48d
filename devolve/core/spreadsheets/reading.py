"""The one guarded reader every uploaded file goes through: lists, statistics, candidates,
appeal evidence, and any future upload.

``check_upload`` decides what a file is from its bytes, never its name, and refuses it before
anything parses it:

- larger than the upload limit (``too_large``);
- an OLE compound file: a password-protected workbook or an old .xls (``encrypted``);
- a ZIP package (xlsx, docx) with too many members (``too_many_members``), more uncompressed
  bytes than the limit, one member over the XML limit, or a compression ratio no real
  workbook has (``decompression_bomb``) — all read from the ZIP directory, so a bomb is
  refused without inflating a byte of it; encrypted members (``encrypted``); a VBA project or a
  macro-enabled content type (``macros``); XML that declares a DOCTYPE or entities, the vehicle
  of XXE and "billion laughs" (``xml_entities``);
- a kind the caller does not accept (``wrong_type``).

``read_rows`` then yields a table's rows as plain values, from CSV (UTF-8 or GB18030, as Excel
saves it on Chinese Windows) or from the first worksheet that has any content, so data on a
second sheet is found. openpyxl parses through defusedxml (installed as a dependency) and in
read-only mode, so rows stream. A deadline is checked as rows are read (``too_slow``).
"""

import codecs
import contextlib
import csv
import io
import os
import time
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook  # type: ignore[import-untyped]

from devolve.core.actions import render_text, system_text
from devolve.core.errors import DomainError
from devolve.core.spreadsheets.cells import unescape_formula

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
PDF_SIGNATURE = b"%PDF"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
# A DOCTYPE must come before the root element, so the start of each XML part shows it.
XML_PROLOGUE_BYTES = 4_096
# Bytes of a text file looked at to tell CSV from binary.
TEXT_SNIFF_BYTES = 65_536
# Rows read between two looks at the clock.
DEADLINE_EVERY = 256
MACRO_CONTENT_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX")


# The words of every reason an upload is refused for (``FileRefused.text``), registered with
# the system's sentences by the core app (``core.actions.label_actions``).
UPLOAD_LABELS: dict[str, Promise] = {
    "upload.wrong_type": _(
        "The file is not of an accepted kind (%(kinds)s); its content decides, not its name."
    ),
    "upload.too_large": _("The file is %(size)s MB; the largest accepted is %(limit)s MB."),
    "upload.empty": _("The file is empty."),
    "upload.old_or_protected": _(
        "The file is password-protected or an old .xls/.doc file. Remove the password and save "
        "it as .xlsx (or .docx)."
    ),
    "upload.damaged_zip": _("The file is a damaged ZIP package; save it again."),
    "upload.too_many_members": _("The file packs %(count)d parts; a workbook has far fewer."),
    "upload.unpacks_too_large": _(
        "The file unpacks to %(size)s MB; the largest accepted is %(limit)s MB."
    ),
    "upload.part_too_large": _(
        "A part of the file unpacks to %(size)s MB; the largest accepted is %(limit)s MB."
    ),
    "upload.password_protected": _("The file is password-protected; remove the password."),
    "upload.compression_ratio": _(
        "The file unpacks %(ratio)d times its size; no real workbook does."
    ),
    "upload.xml_entities": _(
        "The file's XML declares entities (a DOCTYPE); Office never writes them, and they are "
        "refused."
    ),
    "upload.zip_not_office": _("The file is a ZIP archive, not an Office document."),
    "upload.macros": _("The workbook contains macros (.xlsm); save it as a plain .xlsx workbook."),
    "upload.too_slow": _("Reading the file took longer than %(seconds)d seconds; split it."),
    "upload.csv_encoding": _("The CSV file cannot be read: save it as UTF-8 or GB18030."),
    "upload.not_xlsx": _("The file is not an Excel workbook (.xlsx). Save it as .xlsx."),
    "upload.damaged_workbook": _("The workbook is damaged and cannot be read; save it again."),
}


class FileKind(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    DOCX = "docx"
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"


TABLES = frozenset({FileKind.XLSX, FileKind.CSV})
EVIDENCE = frozenset({FileKind.PDF, FileKind.PNG, FileKind.JPEG, FileKind.DOCX, FileKind.XLSX})
CONTENT_TYPES = {
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.CSV: "text/csv",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.PDF: "application/pdf",
    FileKind.PNG: "image/png",
    FileKind.JPEG: "image/jpeg",
}


class FileRefused(DomainError):
    """An upload refused before (or while) it was read; nothing of it is used. ``text`` is the
    reason as stored (``core.actions.system_text``: a sentence code and its parameters), so an
    importer that keeps it shows it later in the reader's language; ``message`` is its words
    in the language active when it was refused."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(code, render_text(text))
        self.text = text


@dataclass(frozen=True)
class UploadLimits:
    """What an upload may be. ``from_settings`` reads the ``DEVOLVE_UPLOAD_*`` settings."""

    max_bytes: int
    max_members: int = 1_000
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_member_bytes: int = 128 * 1024 * 1024
    max_ratio: int = 200
    seconds: float = 120.0

    @classmethod
    def from_settings(cls, *, max_bytes: int | None = None) -> "UploadLimits":
        return cls(
            max_bytes=int(
                max_bytes if max_bytes is not None else settings.DEVOLVE_UPLOAD_MAX_BYTES
            ),
            max_members=int(settings.DEVOLVE_UPLOAD_MAX_ZIP_MEMBERS),
            max_uncompressed_bytes=int(settings.DEVOLVE_UPLOAD_MAX_UNCOMPRESSED_BYTES),
            max_member_bytes=int(settings.DEVOLVE_UPLOAD_MAX_XML_BYTES),
            max_ratio=int(settings.DEVOLVE_UPLOAD_MAX_COMPRESSION_RATIO),
            seconds=float(settings.DEVOLVE_UPLOAD_SECONDS),
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}"


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _wrong_type(allowed: Collection[FileKind]) -> FileRefused:
    kinds = ", ".join(f".{kind.value}" for kind in sorted(allowed))
    return FileRefused("wrong_type", system_text("upload.wrong_type", kinds=kinds))


def check_upload(
    stream: IO[bytes], *, allowed: Collection[FileKind], limits: UploadLimits | None = None
) -> FileKind:
    """What ``stream`` is, by its bytes; ``FileRefused`` if it may not be read. Leaves the stream
    at its start."""
    limits = limits or UploadLimits.from_settings()
    size = _size(stream)
    if size > limits.max_bytes:
        raise FileRefused(
            "too_large",
            system_text(
                "upload.too_large", size=_megabytes(size), limit=_megabytes(limits.max_bytes)
            ),
        )
    head = stream.read(TEXT_SNIFF_BYTES)
    stream.seek(0)
    if not head:
        raise FileRefused("empty", system_text("upload.empty"))
    if head.startswith(OLE_SIGNATURE):
        raise FileRefused("encrypted", system_text("upload.old_or_protected"))
    if head.startswith(ZIP_SIGNATURES):
        kind = _check_package(stream, limits)
    elif head.startswith(PDF_SIGNATURE):
        kind = FileKind.PDF
    elif head.startswith(PNG_SIGNATURE):
        kind = FileKind.PNG
    elif head.startswith(JPEG_SIGNATURE):
        kind = FileKind.JPEG
    elif FileKind.CSV in allowed and _is_text(head):
        kind = FileKind.CSV
    else:
        raise _wrong_type(allowed)
    stream.seek(0)
    if kind not in allowed:
        raise _wrong_type(allowed)
    return kind


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(head, final=False)  # the sniffed bytes may end mid-character
        except UnicodeDecodeError:
            continue
        return True
    return False


def _bomb(text: str) -> FileRefused:
    return FileRefused("decompression_bomb", text)


def _check_package(stream: IO[bytes], limits: UploadLimits) -> FileKind:
    """Check an Office package by its ZIP directory and its XML prologues only."""
    try:
        package = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileRefused("unreadable", system_text("upload.damaged_zip")) from error
    with package:
        members = package.infolist()
        if len(members) > limits.max_members:
            raise FileRefused(
                "too_many_members", system_text("upload.too_many_members", count=len(members))
            )
        total = sum(member.file_size for member in members)
        packed = sum(member.compress_size for member in members) or 1
        if total > limits.max_uncompressed_bytes:
            raise _bomb(
                system_text(
                    "upload.unpacks_too_large",
                    size=_megabytes(total),
                    limit=_megabytes(limits.max_uncompressed_bytes),
                )
            )
        for member in members:
            if member.file_size > limits.max_member_bytes:
                raise _bomb(
                    system_text(
                        "upload.part_too_large",
                        size=_megabytes(member.file_size),
                        limit=_megabytes(limits.max_member_bytes),
                    )
                )
            if member.flag_bits & 0x1:
                raise FileRefused("encrypted", system_text("upload.password_protected"))
        # Real workbooks compress 5–50 times; only past a megabyte does the ratio tell a bomb.
        if total > 1_048_576 and total / packed > limits.max_ratio:
            raise _bomb(system_text("upload.compression_ratio", ratio=total // packed))
        names = {member.filename for member in members}
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise _macros()
        content_types = (
            _prologue(package, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
        )
        if any(marker in content_types for marker in MACRO_CONTENT_TYPES):
            raise _macros()
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                prologue = _prologue(package, member.filename).upper()
                if b"<!DOCTYPE" in prologue or b"<!ENTITY" in prologue:
                    raise FileRefused("xml_entities", system_text("upload.xml_entities"))
        if "xl/workbook.xml" in names:
            return FileKind.XLSX
        if "word/document.xml" in names:
            return FileKind.DOCX
    raise FileRefused("wrong_type", system_text("upload.zip_not_office"))


def _macros() -> FileRefused:
    return FileRefused("macros", system_text("upload.macros"))


def _prologue(package: zipfile.ZipFile, name: str) -> bytes:
    try:
        with package.open(name) as member:
            return member.read(XML_PROLOGUE_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise FileRefused("unreadable", system_text("upload.damaged_zip")) from error


class Formula(str):
    """A cell holding a formula (its text), so an importer can refuse it instead of trusting a
    cached result that may be stale or missing."""

    __slots__ = ()


@dataclass
class Deadline:
    """The time a read may take; ``check`` raises ``too_slow`` past it."""

    seconds: float
    started: float = 0.0

    def __post_init__(self) -> None:
        self.started = time.monotonic()

    def check(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise FileRefused("too_slow", system_text("upload.too_slow", seconds=int(self.seconds)))


type Row = tuple[Any, ...]


class TableRows(Iterator[Row]):
    """The rows of a checked table file, read as they are asked for. ``estimate`` is the row
    count the worksheet declares (known once the first row is read; None for CSV)."""

    def __init__(
        self, stream: IO[bytes], *, kind: FileKind, limits: UploadLimits, formulas: bool
    ) -> None:
        self.estimate: int | None = None
        self._deadline = Deadline(limits.seconds)
        self._count = 0
        self._rows = (
            _csv_rows(stream) if kind == FileKind.CSV else _xlsx_rows(self, stream, formulas)
        )

    def __next__(self) -> Row:
        if self._count % DEADLINE_EVERY == 0:
            self._deadline.check()
        self._count += 1
        return next(self._rows)


def read_rows(
    stream: IO[bytes],
    *,
    kind: FileKind,
    limits: UploadLimits | None = None,
    formulas: bool = False,
) -> TableRows:
    """The rows of a checked table file as plain values (text stripped of the apostrophe the
    exporters add). ``formulas=True`` keeps formulas as ``Formula`` values; otherwise a
    workbook's cached results are read."""
    return TableRows(
        stream, kind=kind, limits=limits or UploadLimits.from_settings(), formulas=formulas
    )


def _csv_rows(stream: IO[bytes]) -> Iterator[Row]:
    encoding = "utf-8-sig"
    head = stream.read(TEXT_SNIFF_BYTES)
    stream.seek(0)
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        for cells in csv.reader(text):
            yield tuple(unescape_formula(cell) for cell in cells)
    except (UnicodeDecodeError, csv.Error) as error:
        raise FileRefused("unreadable", system_text("upload.csv_encoding")) from error
    finally:
        with contextlib.suppress(ValueError):  # the caller may have closed the stream
            text.detach()


def _value(cell: Any, formulas: bool) -> Any:
    value = cell.value
    if isinstance(value, str):
        if formulas and getattr(cell, "data_type", None) == "f":
            return Formula(value)
        return unescape_formula(value)
    return value


def _xlsx_rows(table: TableRows, stream: IO[bytes], formulas: bool) -> Iterator[Row]:
    try:
        book = load_workbook(stream, read_only=True, data_only=not formulas)
    except Exception as error:  # openpyxl raises many kinds of error for a foreign package
        raise FileRefused("unreadable", system_text("upload.not_xlsx")) from error
    try:
        for sheet in book.worksheets:
            table.estimate = sheet.max_row
            blank_rows = 0  # rows above the first with content, kept so row numbers hold
            found = False
            for cells in sheet.iter_rows():
                row = tuple(_value(cell, formulas) for cell in cells)
                if found:
                    yield row
                elif any(value not in (None, "") for value in row):
                    found = True
                    yield from ((),) * blank_rows
                    yield row
                else:
                    blank_rows += 1
            if found:
                return
    except FileRefused:
        raise
    except (ValueError, KeyError, OSError, SyntaxError, TypeError, zipfile.BadZipFile) as error:
        raise FileRefused("unreadable", system_text("upload.damaged_workbook")) from error
    finally:
        book.close()
