"""Reading a statistics file (.xlsx or .csv) into checked observation rows: the dry run, which
writes nothing.

The layout is long: one row per indicator, subject and period, with a header row (title rows
above it are skipped) naming these columns, in Chinese or English:

=============  ==========================  =====================================================
column         headers accepted            content
=============  ==========================  =====================================================
indicator      指标, 指标编码, indicator     the indicator's code or name (Chinese or English)
subject        地区, 主体, subject, area    a zone (key or name), a prefecture or the province
                                           (GB/T 2260 code or name)
year           年份, 年度, year             four digits
quarter        季度, quarter (optional)     1–4, empty for a whole year
value          数值, 值, value              a number; thousands separators are allowed
=============  ==========================  =====================================================

The release date (vintage) and the source are the same for the whole file and are given on the
upload form. ``check_rows`` reports every problem with its row and column; a file with any error
is refused whole. The file is read through the guarded reader of ``devolve.core.spreadsheets``
(size, type by content, ZIP structure, macros, entities, time), which refuses a hostile file
before it is parsed.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from devolve.core.actions import system_text
from devolve.core.spreadsheets.importing import (
    ErrorLog,
    ImportCheck,
    NameIndex,
    RowError,
    cell_text,
    fold,
)
from devolve.core.spreadsheets.reading import TABLES, FileRefused, check_upload, read_rows
from devolve.indicators.models import Indicator, Observation, SubjectKind
from devolve.regions.models import Division, Zone

MAX_ROWS = 50_000
MAX_REPORTED_ERRORS = 500
HEADER_SEARCH_ROWS = 10
# Decimal(20, 6) holds 14 digits before the point.
LARGEST_VALUE = Decimal("99999999999999")

HEADERS: dict[str, frozenset[str]] = {
    key: frozenset(fold(name) for name in names)
    for key, names in {
        "indicator": ("指标", "指标编码", "指标名称", "indicator"),
        "subject": ("地区", "主体", "subject", "area"),
        "year": ("年份", "年度", "year"),
        "quarter": ("季度", "quarter"),
        "value": ("数值", "值", "value"),
    }.items()
}
REQUIRED = ("indicator", "subject", "year", "value")


FileError = RowError  # the kit's row error; ``row`` None is the file as a whole


@dataclass(frozen=True)
class CheckedRow:
    row: int
    indicator_id: int
    subject_kind: str
    zone_id: int | None
    division_id: int | None
    year: int
    quarter: int | None
    value: str  # a Decimal as text, so the row survives JSON

    def key(self) -> tuple[int, int | None, int | None, int, int | None]:
        return (self.indicator_id, self.zone_id, self.division_id, self.year, self.quarter)


@dataclass(frozen=True, kw_only=True)
class CheckedFile(ImportCheck):
    rows: tuple[CheckedRow, ...] = ()

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0 and bool(self.rows)

    def rows_as_json(self) -> list[dict[str, Any]]:
        return [asdict(row) for row in self.rows]

    def errors_as_json(self) -> list[dict[str, Any]]:
        # The stored and published shape: row, column, message, code.
        return [
            {"row": error.row, "column": error.column, "message": error.message, "code": error.code}
            for error in self.errors
        ]


class _Reference:
    """Indicators and subjects by code and name, read once (three queries)."""

    def __init__(self) -> None:
        self.indicators: NameIndex[Indicator] = NameIndex()
        for indicator in Indicator.objects.all():
            self.indicators.add((indicator.code, indicator.name_zh, indicator.name_en), indicator)
        self.subjects: NameIndex[tuple[str, int | None, int | None]] = NameIndex()
        for zone_id, slug, name_zh, name_en in Zone.objects.values_list(
            "pk", "slug", "name_zh", "name_en"
        ):
            self.subjects.add((slug, name_zh, name_en), (SubjectKind.ZONE, zone_id, None))
        for division_id, code, level, name_zh, name_en in Division.objects.filter(
            level__in=[Division.Level.PREFECTURE, Division.Level.PROVINCE]
        ).values_list("pk", "code", "level", "name_zh", "name_en"):
            self.subjects.add((code, name_zh, name_en), (level, None, division_id))


def _find_header(rows: Iterator[tuple[object, ...]]) -> tuple[dict[str, int], int] | None:
    for number, row in enumerate(rows, start=1):
        columns: dict[str, int] = {}
        for index, cell in enumerate(row):
            for key, accepted in HEADERS.items():
                if fold(cell) in accepted:
                    columns.setdefault(key, index)
        if all(key in columns for key in REQUIRED):
            return columns, number
        if number >= HEADER_SEARCH_ROWS:
            return None
    return None


def check_file(*, upload: IO[bytes], name: str, vintage: datetime.date) -> CheckedFile:
    """Check every row of ``upload`` against the catalogue, the subjects and what release
    ``vintage`` already holds; write nothing. ``name`` is only for messages: the content decides
    what the file is."""
    try:
        kind = check_upload(upload, allowed=TABLES)
        rows = read_rows(upload, kind=kind)
        found = _find_header(rows)
        if found is None:
            return CheckedFile.refused(
                system_text("statistics_import.error.no_header"), "no_header"
            )
        columns, header_row = found
        return _Checker(_Reference(), columns, vintage).check(rows, first_row=header_row + 1)
    except FileRefused as refused:
        return CheckedFile.refused(refused.text, refused.code)


class _Checker:
    def __init__(self, reference: _Reference, columns: dict[str, int], vintage: datetime.date):
        self.reference = reference
        self.columns = columns
        self.vintage = vintage
        self.log = ErrorLog(limit=MAX_REPORTED_ERRORS)

    @property
    def error_count(self) -> int:
        return self.log.count

    def _error(self, row: int | None, column: str, message: str, code: str) -> None:
        self.log.add(RowError(row, column, message, code))

    def _cell(self, values: tuple[object, ...], key: str) -> object:
        index = self.columns.get(key)
        if index is None or index >= len(values):
            return None
        value = values[index]
        return value.strip() if isinstance(value, str) else value

    def check(self, rows: Iterable[tuple[object, ...]], *, first_row: int) -> CheckedFile:
        checked: list[CheckedRow] = []
        seen: dict[tuple[int, int | None, int | None, int, int | None], int] = {}
        for number, values in enumerate(rows, start=first_row):
            if all(value in (None, "") for value in values):
                continue
            if len(checked) + self.error_count >= MAX_ROWS:
                self._error(
                    None,
                    "",
                    system_text("statistics_import.error.too_many_rows", max=MAX_ROWS),
                    "too_many_rows",
                )
                break
            row = self._check_row(number, values)
            if row is None:
                continue
            if row.key() in seen:
                self._error(
                    number,
                    "subject",
                    system_text("statistics_import.error.duplicate_row", row=seen[row.key()]),
                    "duplicate_row",
                )
                continue
            seen[row.key()] = number
            checked.append(row)
        self._check_existing(checked)
        if not checked and not self.error_count:
            self._error(None, "", system_text("statistics_import.error.empty"), "empty")
        return CheckedFile(
            rows=tuple(checked), errors=tuple(self.log.errors), error_count=self.error_count
        )

    def _check_row(self, number: int, values: tuple[object, ...]) -> CheckedRow | None:
        errors_before = self.error_count
        indicator = self.reference.indicators.find(self._cell(values, "indicator"))
        if indicator is None:
            self._error(
                number,
                "indicator",
                system_text(
                    "statistics_import.error.unknown_indicator",
                    value=cell_text(self._cell(values, "indicator")),
                ),
                "unknown_indicator",
            )
        subject = self.reference.subjects.find(self._cell(values, "subject"))
        if subject is None:
            self._error(
                number,
                "subject",
                system_text(
                    "statistics_import.error.unknown_subject",
                    value=cell_text(self._cell(values, "subject")),
                ),
                "unknown_subject",
            )
        year = _as_integer(self._cell(values, "year"))
        if year is None or not 1949 <= year <= 2100:
            message = system_text("statistics_import.error.bad_year")
            self._error(number, "year", message, "bad_year")
        raw_quarter = self._cell(values, "quarter")
        quarter = None if raw_quarter in (None, "") else _as_integer(raw_quarter)
        if raw_quarter not in (None, "") and (quarter is None or not 1 <= quarter <= 4):
            message = system_text("statistics_import.error.bad_quarter")
            self._error(number, "quarter", message, "bad_quarter")
        elif (
            quarter is not None
            and indicator is not None
            and indicator.frequency == Indicator.Frequency.YEAR
        ):
            self._error(
                number,
                "quarter",
                system_text("statistics_import.error.annual_indicator", indicator=indicator.code),
                "annual_indicator",
            )
        value = _as_decimal(self._cell(values, "value"))
        if value is None:
            self._error(
                number,
                "value",
                system_text(
                    "statistics_import.error.not_a_number",
                    value=cell_text(self._cell(values, "value")),
                ),
                "not_a_number",
            )
        if self.error_count > errors_before:
            return None
        assert indicator is not None  # noqa: S101
        assert subject is not None  # noqa: S101
        assert year is not None  # noqa: S101
        assert value is not None  # noqa: S101
        kind, zone_id, division_id = subject
        return CheckedRow(
            number, indicator.pk, kind, zone_id, division_id, year, quarter, str(value)
        )

    def _check_existing(self, rows: list[CheckedRow]) -> None:
        """A release holds one value per subject and period: refuse rows it already has."""
        if not rows:
            return
        existing = set(
            Observation.objects.filter(
                vintage=self.vintage, indicator_id__in={row.indicator_id for row in rows}
            ).values_list("indicator_id", "zone_id", "division_id", "year", "quarter")
        )
        for row in rows:
            if row.key() in existing:
                self._error(
                    row.row,
                    "value",
                    system_text(
                        "statistics_import.error.already_released",
                        vintage=self.vintage,
                    ),
                    "already_released",
                )


def _as_integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _as_decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    text = repr(value) if isinstance(value, float) else str(value).replace(",", "").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) > LARGEST_VALUE:
        return None
    return number.quantize(Decimal("0.000001"))
