"""Reading candidate data (.xlsx or CSV) into an import plan: the dry run, which writes nothing.

Two layouts, told apart by the header row (the first row with a zone column; title rows above it
are skipped):

* **long** — one value per row, with the columns ``zone``, ``indicator`` and ``value`` and,
  optionally, ``year``, ``source`` and ``missing_reason`` (Chinese headers 区域, 指标, 值, 年份,
  来源, 缺失原因 work too);
* **wide** — one candidate per row: a ``zone`` column, optional ``year`` and ``source`` columns,
  and one column per sub-indicator, headed by its code (or its Chinese or English name).

A zone is named by its key, Chinese name or English name. A blank cell, or one of the markers in
``rules.MISSING_MARKERS`` (NA, -, 缺失 …), records the value as missing with its reason; it is
never read as zero. Every other problem is an error with its row and column: a non-numeric value,
a negative value where the sub-indicator cannot be negative, an unknown zone or sub-indicator, a
zone outside the round's candidate pool, the same zone and sub-indicator twice, a bad year.
``devolve.selection.services.candidate_data`` applies a plan that has no error.

CSV files may be UTF-8 (with or without BOM) or GB18030, as Excel saves them on Chinese Windows.
The file is read through the guarded reader of ``devolve.core.spreadsheets``, which refuses a
hostile file (too large, wrong type, bomb, macros, entities, encrypted) before it is parsed.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from devolve.core.actions import system_text
from devolve.core.spreadsheets.importing import (
    ErrorLog,
    ImportCheck,
    NameIndex,
    RowAction,
    RowError,
    action_counts,
    cell_text,
    fold_name,
)
from devolve.core.spreadsheets.reading import TABLES, FileRefused, check_upload, read_rows
from devolve.regions.selectors import list_zones
from devolve.selection import rules
from devolve.selection.models import SelectionRound
from devolve.selection.selectors import (
    list_candidate_pool,
    list_candidate_values,
    list_sub_indicators,
)

MAX_ROWS = 20_000
MAX_REPORTED_ERRORS = 500
HEADER_SEARCH_ROWS = 10

HEADERS = {
    "zone": {"zone", "zone key", "区域", "候选区域", "开发区"},
    "indicator": {
        "indicator", "sub-indicator", "sub indicator", "indicator code", "指标", "指标代码",
    },
    "value": {"value", "值", "数值"},
    "year": {"year", "年份", "年度"},
    "source": {"source", "来源", "数据来源"},
    "missing_reason": {"missing reason", "why missing", "缺失原因"},
}  # fmt: skip


class Layout(StrEnum):
    LONG = "long"
    WIDE = "wide"


@dataclass(frozen=True)
class PlannedValue:
    """A checked cell: the zone and sub-indicator resolved to ids, and its value or the reason it
    is missing."""

    row: int
    column: str
    zone_id: int
    zone_slug: str
    sub_indicator_id: int
    sub_indicator_code: str
    value: float | None
    missing_reason: str
    year: int | None
    source: str
    action: RowAction


@dataclass(frozen=True, kw_only=True)
class CandidateImportPlan(ImportCheck):
    layout: Layout | None
    values: tuple[PlannedValue, ...] = ()
    rows_read: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows_read,
            "values": len(self.values),
            "missing": sum(1 for planned in self.values if planned.value is None),
            **action_counts(planned.action for planned in self.values),
            "errors": self.error_count,
        }


# Where a round's last check of a file is kept in the checker's session, so its errors page
# and sort like any list: a check is a POST of a file, and the pager's links are GETs.
CHECK_SESSION_KEY = "selection-candidate-check-{pk}"


def stored_check(plan: CandidateImportPlan) -> dict[str, Any]:
    """What the page shows of a checked file, as JSON for the session: its layout, counts,
    validity and the errors kept (``MAX_REPORTED_ERRORS``; ``error_count`` counts them all)."""
    return {
        "layout": str(plan.layout) if plan.layout else None,
        "counts": plan.counts,
        "error_count": plan.error_count,
        "is_valid": plan.is_valid,
        "errors": [error.as_json() for error in plan.errors],
    }


def _refused(message: str, code: str) -> CandidateImportPlan:
    return CandidateImportPlan.refused(message, code, layout=None)


def _read_rows(upload: IO[bytes]) -> Iterator[list[str]]:
    kind = check_upload(upload, allowed=TABLES)
    for cells in read_rows(upload, kind=kind):
        yield [cell_text(cell) for cell in cells]


@dataclass
class _Reference:
    zones: NameIndex[tuple[int, str]]  # key or name → (id, key)
    pool: frozenset[int]
    indicators: NameIndex[tuple[int, str, bool]]  # code or name → (id, code, may be < 0)
    existing: dict[tuple[int, int], tuple[float | None, str]]  # (indicator, zone) → value, reason

    @classmethod
    def load(cls, selection_round: SelectionRound) -> "_Reference":
        zones: NameIndex[tuple[int, str]] = NameIndex(fold_name)
        for pk, slug, name_zh, name_en in list_zones().values_list(
            "pk", "slug", "name_zh", "name_en"
        ):
            zones.add((slug, name_zh, name_en), (pk, slug))
        indicators: NameIndex[tuple[int, str, bool]] = NameIndex(fold_name)
        for indicator in list_sub_indicators(selection_round=selection_round):
            indicators.add(
                (indicator.code, indicator.name_zh, indicator.name_en),
                (indicator.pk, indicator.code, indicator.may_be_negative),
            )
        existing = {
            (value.sub_indicator_id, value.zone_id): (value.value, value.missing_reason)
            for value in list_candidate_values(selection_round=selection_round)
        }
        pool = frozenset(
            list_candidate_pool(selection_round=selection_round).values_list("pk", flat=True)
        )
        return cls(zones=zones, pool=pool, indicators=indicators, existing=existing)


class _Planner:
    def __init__(self, reference: _Reference) -> None:
        self.reference = reference
        self.values: list[PlannedValue] = []
        self.log = ErrorLog(limit=MAX_REPORTED_ERRORS)
        self.seen: dict[tuple[int, int], int] = {}

    @property
    def errors(self) -> list[RowError]:
        return self.log.errors

    @property
    def error_count(self) -> int:
        return self.log.count

    def error(self, row: int | None, column: str, message: str, code: str) -> None:
        self.log.add(RowError(row, column, message, code))

    def zone(self, row: int, column: str, text: str) -> tuple[int, str] | None:
        if not text:
            message = system_text("candidate_import.error.zone_empty")
            self.error(row, column, message, "unknown_zone")
            return None
        zone = self.reference.zones.find(text)
        if zone is None:
            message = system_text("candidate_import.error.unknown_zone", zone=text)
            self.error(row, column, message, "unknown_zone")
            return None
        if zone[0] not in self.reference.pool:
            self.error(
                row,
                column,
                system_text("candidate_import.error.not_a_candidate", zone=text),
                "not_a_candidate",
            )
            return None
        return zone

    def year(self, row: int, column: str, text: str) -> tuple[bool, int | None]:
        if not text:
            return True, None
        if text.isdigit() and 1949 <= int(text) <= 2100:
            return True, int(text)
        message = system_text("candidate_import.error.invalid_year", year=text)
        self.error(row, column, message, "invalid_year")
        return False, None

    def cell(
        self,
        *,
        row: int,
        column: str,
        zone: tuple[int, str],
        indicator: tuple[int, str, bool],
        text: str,
        missing_reason: str,
        year: int | None,
        source: str,
    ) -> None:
        key = (indicator[0], zone[0])
        if key in self.seen:
            self.error(
                row,
                column,
                system_text(
                    "candidate_import.error.duplicate",
                    zone=zone[1],
                    indicator=indicator[1],
                    first=self.seen[key],
                ),
                "duplicate",
            )
            return
        self.seen[key] = row
        value: float | None
        if rules.is_missing_marker(text):
            value = None
            missing_reason = missing_reason or (
                system_text("candidate_value.blank_in_file")
                if not text
                else system_text("candidate_value.marked_in_file", mark=text)
            )
        else:
            value = rules.parse_number(text)
            if value is None:
                message = system_text("candidate_import.error.non_numeric", value=text)
                self.error(row, column, message, "non_numeric")
                return
            if value < 0 and not indicator[2]:
                self.error(
                    row,
                    column,
                    system_text(
                        "candidate_import.error.negative", indicator=indicator[1], value=text
                    ),
                    "negative",
                )
                return
            missing_reason = ""
        before = self.reference.existing.get(key)
        if before is None:
            action = RowAction.ADD
        elif before == (value, missing_reason):
            action = RowAction.UNCHANGED
        else:
            action = RowAction.CHANGE
        self.values.append(
            PlannedValue(
                row=row, column=column, zone_id=zone[0], zone_slug=zone[1],
                sub_indicator_id=indicator[0], sub_indicator_code=indicator[1], value=value,
                missing_reason=missing_reason, year=year, source=source, action=action,
            )
        )  # fmt: skip


_FOLDED_HEADERS = {
    key: frozenset(fold_name(name) for name in names) for key, names in HEADERS.items()
}


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        for key, names in _FOLDED_HEADERS.items():
            if fold_name(text) in names and key not in found:
                found[key] = index
    return found


def _at(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def plan_candidate_import(
    *, selection_round: SelectionRound, upload: IO[bytes]
) -> CandidateImportPlan:
    """Check ``upload`` (.xlsx or CSV) against the round's sub-indicators and pool; write
    nothing."""
    try:
        rows = list(_read_rows(upload))
    except FileRefused as refused:
        return _refused(refused.text, refused.code)
    numbered = [(number, cells) for number, cells in enumerate(rows, start=1) if any(cells)]
    if not numbered:
        return _refused(system_text("candidate_import.error.empty"), "empty")
    if len(numbered) > MAX_ROWS + 1:
        return _refused(
            system_text("candidate_import.error.too_many_rows", count=MAX_ROWS), "too_many_rows"
        )
    # The header is the first row with a zone column; title rows above it are skipped.
    position = next(
        (index for index, (_number, cells) in enumerate(numbered[:HEADER_SEARCH_ROWS])
         if "zone" in _columns(cells)),
        None,
    )  # fmt: skip
    if position is None:
        return _refused(system_text("candidate_import.error.no_zone_column"), "no_zone_column")
    (header_row, header), body = numbered[position], numbered[position + 1 :]
    columns = _columns(header)
    planner = _Planner(_Reference.load(selection_round))
    if "indicator" in columns:
        layout = Layout.LONG
        if "value" not in columns:
            return _refused(
                system_text("candidate_import.error.no_value_column"), "no_value_column"
            )
        _plan_long(planner, header, columns, body)
    else:
        layout = Layout.WIDE
        _plan_wide(planner, header_row, header, columns, body)
    return CandidateImportPlan(
        layout=layout,
        values=tuple(planner.values),
        errors=tuple(planner.errors),
        error_count=planner.error_count,
        rows_read=len(body),
    )


def _plan_long(
    planner: _Planner,
    header: list[str],
    columns: dict[str, int],
    body: list[tuple[int, list[str]]],
) -> None:
    def heading(key: str) -> str:
        return header[columns[key]] if key in columns else key

    for number, cells in body:
        zone = planner.zone(number, heading("zone"), _at(cells, columns["zone"]))
        code = _at(cells, columns["indicator"])
        indicator = planner.reference.indicators.find(code)
        if indicator is None:
            planner.error(
                number,
                heading("indicator"),
                system_text("candidate_import.error.unknown_indicator", indicator=code),
                "unknown_indicator",
            )
        year_ok, year = planner.year(number, heading("year"), _at(cells, columns.get("year")))
        if zone is None or indicator is None or not year_ok:
            continue
        planner.cell(
            row=number,
            column=heading("value"),
            zone=zone,
            indicator=indicator,
            text=_at(cells, columns["value"]),
            missing_reason=_at(cells, columns.get("missing_reason")),
            year=year,
            source=_at(cells, columns.get("source")),
        )


def _plan_wide(
    planner: _Planner,
    header_row: int,
    header: list[str],
    columns: dict[str, int],
    body: list[tuple[int, list[str]]],
) -> None:
    known = set(columns.values())
    indicator_columns: list[tuple[int, tuple[int, str, bool]]] = []
    for index, text in enumerate(header):
        if index in known or not text:
            continue
        indicator = planner.reference.indicators.find(text)
        if indicator is None:
            planner.error(
                header_row,
                text,
                system_text("candidate_import.error.unknown_indicator", indicator=text),
                "unknown_indicator",
            )
            continue
        indicator_columns.append((index, indicator))
    if not indicator_columns:
        message = system_text("candidate_import.error.no_indicator")
        planner.error(None, "", message, "no_indicator")
        return
    for number, cells in body:
        zone = planner.zone(number, header[columns["zone"]], _at(cells, columns["zone"]))
        year_ok, year = planner.year(number, "year", _at(cells, columns.get("year")))
        if zone is None or not year_ok:
            continue
        for index, indicator in indicator_columns:
            planner.cell(
                row=number,
                column=header[index],
                zone=zone,
                indicator=indicator,
                text=_at(cells, index),
                missing_reason="",
                year=year,
                source=_at(cells, columns.get("source")),
            )
