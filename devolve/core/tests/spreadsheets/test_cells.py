import pytest

from devolve.core.spreadsheets import CellValue, escape_formula, unescape_formula


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://example.invalid","点此")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "\x00nul",
        "\n换行开头",
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_and_reads_back(text: str) -> None:
    escaped = escape_formula(text)

    assert escaped == "'" + text
    assert unescape_formula(str(escaped)) == text


@pytest.mark.parametrize("value", ["成都高新区", "a=b", "", "'引号", 12, -3.5, None, True])
def test_other_values_are_left_as_they_are(value: CellValue) -> None:
    assert escape_formula(value) == value


def test_an_apostrophe_before_ordinary_text_is_kept_on_reading() -> None:
    assert unescape_formula("'引号开头") == "'引号开头"
