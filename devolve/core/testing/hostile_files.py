"""The hostile-file corpus: files an attacker or a broken export may upload, generated on the fly.

Each entry is a name, a function that builds the file's bytes, and the code the guarded reader
refuses it with. ``HOSTILE_TABLES`` is run through every importer (lists, statistics,
candidates) by their tests; the evidence upload adds ``HOSTILE_EVIDENCE``. Builders are cached,
so a corpus is built once per test process.
"""

import functools
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook  # type: ignore[import-untyped]

from devolve.core.spreadsheets.reading import OLE_SIGNATURE


@dataclass(frozen=True)
class HostileFile:
    name: str
    build: Callable[[], bytes]
    code: str
    filename: str = "upload.xlsx"

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.build())


@functools.cache
def plain_workbook() -> bytes:
    """A small, honest workbook whose parts the hostile variants replace."""
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "事项名称", "主管部门/实施部门", "授权方式", "承接主体"])
    sheet.append([1, "律师事务所设立审批", "四川省司法厅", "下放", "全部试点区域"])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _rewrite(replacements: dict[str, bytes], *, extra: dict[str, bytes] | None = None) -> bytes:
    """The plain workbook with some parts replaced and others added."""
    source = zipfile.ZipFile(io.BytesIO(plain_workbook()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replacements.get(info.filename, source.read(info)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return output.getvalue()


_SHEET = "xl/worksheets/sheet1.xml"


@functools.cache
def zip_bomb() -> bytes:
    """A workbook of about 100 kB whose sheet unpacks to 100 MB of one repeated row."""
    row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
    body = row * (100 * 1024 * 1024 // len(row))
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return _rewrite({_SHEET: sheet + b"<sheetData>" + body + b"</sheetData></worksheet>"})


@functools.cache
def huge_shared_strings() -> bytes:
    """The audit's case: a small file whose shared strings unpack to 40 MB."""
    strings = b"<si><t>" + b"A" * 1_000 + b"</t></si>"
    count = 40 * 1024 * 1024 // len(strings)
    part = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="'
        + str(count).encode()
        + b'">'
        + strings * count
        + b"</sst>"
    )
    return _rewrite({}, extra={"xl/sharedStrings.xml": part})


@functools.cache
def xxe() -> bytes:
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return _rewrite({_SHEET: sheet})


@functools.cache
def billion_laughs() -> bytes:
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">'.encode() for level in range(1, 10)
    )
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + b"]>"
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return _rewrite({_SHEET: sheet})


def encrypted_workbook() -> bytes:
    """A password-protected .xlsx is an OLE compound file holding the encrypted package."""
    return OLE_SIGNATURE + bytes(4_088)


@functools.cache
def encrypted_zip_member() -> bytes:
    """The plain workbook with every member flagged as encrypted (ZipCrypto), in the local and
    the central headers (Python's zipfile writes no encrypted members, so the flag is set in
    the bytes)."""
    content = bytearray(plain_workbook())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = content.find(signature)
        while start != -1:
            content[start + offset] |= 0x1
            start = content.find(signature, start + 4)
    return bytes(content)


@functools.cache
def macro_workbook() -> bytes:
    types = zipfile.ZipFile(io.BytesIO(plain_workbook())).read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return _rewrite(
        {"[Content_Types].xml": types}, extra={"xl/vbaProject.bin": OLE_SIGNATURE + bytes(504)}
    )


@functools.cache
def many_members() -> bytes:
    return _rewrite({}, extra={f"xl/media/image{index}.png": b"x" for index in range(1_100)})


def over_limit() -> bytes:
    """Larger than the 10 MB default, made of a ZIP's bytes so only the size refuses it."""
    return plain_workbook() + bytes(11 * 1024 * 1024)


def pdf_named_xlsx() -> bytes:
    return b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def executable() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(256)


def zip_not_office() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + bytes(64))
    return output.getvalue()


def html_page() -> bytes:
    return b"<!doctype html><html><script>alert(document.cookie)</script></html>"


HOSTILE_TABLES: tuple[HostileFile, ...] = (
    HostileFile("zip bomb", zip_bomb, "decompression_bomb"),
    HostileFile("1 GiB-style shared strings", huge_shared_strings, "decompression_bomb"),
    HostileFile("XXE", xxe, "xml_entities"),
    HostileFile("billion laughs", billion_laughs, "xml_entities"),
    HostileFile("password-protected workbook", encrypted_workbook, "encrypted"),
    HostileFile("encrypted ZIP members", encrypted_zip_member, "encrypted"),
    HostileFile("macros (.xlsm renamed .xlsx)", macro_workbook, "macros"),
    HostileFile("too many parts", many_members, "too_many_members"),
    HostileFile("over the size limit", over_limit, "too_large"),
    HostileFile("a PDF named .xlsx", pdf_named_xlsx, "wrong_type"),
    HostileFile("an executable", executable, "wrong_type"),
    HostileFile("a ZIP that is no workbook", zip_not_office, "wrong_type"),
)

HOSTILE_EVIDENCE: tuple[HostileFile, ...] = (
    HostileFile("an HTML page named .pdf", html_page, "wrong_type", "evidence.pdf"),
    HostileFile("an executable", executable, "wrong_type", "evidence.pdf"),
    HostileFile("macros", macro_workbook, "macros", "evidence.xlsx"),
    HostileFile("zip bomb", zip_bomb, "decompression_bomb", "evidence.xlsx"),
    HostileFile("XXE", xxe, "xml_entities", "evidence.xlsx"),
    HostileFile("over the size limit", over_limit, "too_large", "evidence.xlsx"),
)
