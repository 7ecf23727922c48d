import csv
import io
import json

from openpyxl import load_workbook  # type: ignore[import-untyped]

from devolve.core.spreadsheets import (
    CSV_CONTENT_TYPE,
    Sheet,
    csv_bytes,
    download_response,
    json_bytes,
    xlsx_bytes,
)

HOSTILE = '=HYPERLINK("http://example.invalid","点此")'


def test_a_workbook_has_its_title_header_and_rows_with_formula_text_escaped() -> None:
    content = xlsx_bytes(
        [
            Sheet(
                name="清单",
                title="2024年第1批集成授权事项清单",
                header=[["序号", "事项名称", "备注"]],
                rows=[[1, HOSTILE, "-"], [2, "律师事务所设立审批", None]],
                widths=[6, 40, 20],
                freeze_header=True,
            ),
            Sheet(name="A" * 40, header=[["x"]], rows=[["@cmd"]]),
        ]
    )

    book = load_workbook(io.BytesIO(content))
    first, second = book.worksheets
    assert [[cell.value for cell in row] for row in first.iter_rows()] == [
        ["2024年第1批集成授权事项清单", None, None],
        ["序号", "事项名称", "备注"],
        [1, "'" + HOSTILE, "'-"],
        [2, "律师事务所设立审批", None],
    ]
    assert first["B3"].data_type == "s"
    assert first["A2"].font.bold is True
    assert [str(merged) for merged in first.merged_cells.ranges] == ["A1:C1"]
    assert first.freeze_panes == "A3"
    assert first.column_dimensions["B"].width == 40
    assert second.title == "A" * 31
    assert second["A2"].value == "'@cmd"


def test_csv_has_a_byte_order_mark_and_escapes_every_text_cell() -> None:
    content = csv_bytes([["名称", "值"], [HOSTILE, -1], ["\t=1", None]])

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["名称", "值"], ["'" + HOSTILE, "-1"], ["'\t=1", ""]]


def test_csv_for_machines_has_no_byte_order_mark_and_ends_lines_with_lf() -> None:
    content = csv_bytes([["名称", "值"], [HOSTILE, 2]], for_machines=True)

    assert content.decode("utf-8").splitlines(keepends=True)[0] == "名称,值\n"
    assert not content.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in content
    assert list(csv.reader(io.StringIO(content.decode("utf-8")))) == [
        ["名称", "值"],
        ["'" + HOSTILE, "2"],
    ]


def test_json_keeps_chinese_text_readable() -> None:
    assert json.loads(json_bytes({"名称": "清单"})) == {"名称": "清单"}
    assert "清单".encode() in json_bytes({"名称": "清单"})


def test_a_download_is_an_attachment_that_is_never_sniffed() -> None:
    response = download_response(b"a,b", filename="清单-2024.csv", content_type=CSV_CONTENT_TYPE)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"__-2024.csv\"; filename*=UTF-8''%E6%B8%85%E5%8D%95-2024.csv"
    )
    ascii_response = download_response(b"", filename="take-up.csv", content_type="text/csv")
    assert ascii_response["Content-Disposition"] == 'attachment; filename="take-up.csv"'
