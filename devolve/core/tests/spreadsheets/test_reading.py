import io
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from devolve.core.spreadsheets.reading import (
    EVIDENCE,
    TABLES,
    FileKind,
    FileRefused,
    Formula,
    UploadLimits,
    check_upload,
    read_rows,
)
from devolve.core.testing import hostile_files
from devolve.core.testing.hostile_files import HOSTILE_EVIDENCE, HOSTILE_TABLES, HostileFile

LIMITS = UploadLimits(max_bytes=10 * 1024 * 1024)


def _workbook(*sheets: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for number, rows in enumerate(sheets, start=1):
        sheet = book.create_sheet(f"Sheet{number}")
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    return output


@pytest.mark.parametrize("hostile", HOSTILE_TABLES, ids=lambda hostile: hostile.name)
def test_every_hostile_table_is_refused_with_its_code(hostile: HostileFile) -> None:
    with pytest.raises(FileRefused) as refused:
        check_upload(hostile.stream(), allowed=TABLES, limits=LIMITS)

    assert refused.value.code == hostile.code


@pytest.mark.parametrize("hostile", HOSTILE_EVIDENCE, ids=lambda hostile: hostile.name)
def test_every_hostile_evidence_file_is_refused_with_its_code(hostile: HostileFile) -> None:
    with pytest.raises(FileRefused) as refused:
        check_upload(hostile.stream(), allowed=EVIDENCE, limits=LIMITS)

    assert refused.value.code == hostile.code


@pytest.mark.parametrize(
    ("content", "allowed", "kind"),
    [
        (b"%PDF-1.7\n", EVIDENCE, FileKind.PDF),
        (b"\x89PNG\r\n\x1a\n" + bytes(8), EVIDENCE, FileKind.PNG),
        (b"\xff\xd8\xff\xe0" + bytes(8), EVIDENCE, FileKind.JPEG),
        ("序号,事项名称\n1,律师\n".encode("gb18030"), TABLES, FileKind.CSV),
        ("\ufeff序号,事项名称\n".encode(), TABLES, FileKind.CSV),
    ],
)
def test_the_kind_comes_from_the_content(
    content: bytes, allowed: frozenset[FileKind], kind: FileKind
) -> None:
    assert check_upload(io.BytesIO(content), allowed=allowed, limits=LIMITS) == kind


def test_a_workbook_is_a_workbook_whatever_its_name() -> None:
    assert check_upload(_workbook([["a"]]), allowed=TABLES, limits=LIMITS) == FileKind.XLSX


def test_the_total_unpacked_size_has_a_limit_of_its_own() -> None:
    small = UploadLimits(max_bytes=LIMITS.max_bytes, max_uncompressed_bytes=1_000)

    with pytest.raises(FileRefused) as refused:
        check_upload(_workbook([["a"]]), allowed=TABLES, limits=small)

    assert refused.value.code == "decompression_bomb"


def test_data_on_a_second_sheet_is_read_and_row_numbers_hold() -> None:
    upload = _workbook([], [[], ["序号", "事项名称"], [1, "律师事务所设立审批"]])

    rows = list(read_rows(upload, kind=FileKind.XLSX, limits=LIMITS))

    assert rows == [(), ("序号", "事项名称"), (1, "律师事务所设立审批")]


def test_formulas_are_kept_as_formulas_when_asked_and_exported_text_is_unescaped() -> None:
    upload = _workbook([["=1+1", "'=SUM(A1)", "text"]])

    (row,) = read_rows(upload, kind=FileKind.XLSX, limits=LIMITS, formulas=True)

    assert row == ("=1+1", "=SUM(A1)", "text")
    assert isinstance(row[0], Formula)
    assert not isinstance(row[1], Formula)


def test_a_gb18030_csv_is_read() -> None:
    upload = io.BytesIO("区域,值\n东区,'=1\n".encode("gb18030"))

    assert list(read_rows(upload, kind=FileKind.CSV, limits=LIMITS)) == [
        ("区域", "值"),
        ("东区", "=1"),
    ]


def test_reading_stops_at_the_deadline() -> None:
    upload = io.BytesIO(b"a\n" * 1_000)
    no_time = UploadLimits(max_bytes=LIMITS.max_bytes, seconds=-1)

    with pytest.raises(FileRefused) as refused:
        list(read_rows(upload, kind=FileKind.CSV, limits=no_time))

    assert refused.value.code == "too_slow"


def test_a_decompression_bomb_is_refused_in_under_a_second_in_under_200_mb(
    tmp_path: Path,
) -> None:
    """Measured in a fresh process: its peak resident memory and the time of the refusal."""
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(hostile_files.zip_bomb())
    script = textwrap.dedent(
        f"""
        import time, django
        django.setup()
        from devolve.core.spreadsheets.reading import (
            TABLES, FileRefused, UploadLimits, check_upload, read_rows)
        started = time.monotonic()
        with open({str(bomb)!r}, "rb") as stream:
            try:
                kind = check_upload(stream, allowed=TABLES, limits=UploadLimits(10_485_760))
                list(read_rows(stream, kind=kind))
                code = "accepted"
            except FileRefused as refused:
                code = refused.code
        elapsed = time.monotonic() - started
        # VmHWM is this process's own peak; ru_maxrss would include the forking parent's.
        with open("/proc/self/status") as status:
            peak_kb = next(line.split()[1] for line in status if line.startswith("VmHWM"))
        print(code, elapsed, peak_kb)
        """
    )
    result = subprocess.run(  # noqa: S603 — our own interpreter on our own script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[4],
        timeout=60,
    )
    code, elapsed, peak_kb = result.stdout.split()

    assert code == "decompression_bomb"
    assert float(elapsed) < 1.0
    assert int(peak_kb) < 200 * 1024
