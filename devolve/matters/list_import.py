"""Reading an official list workbook (.xlsx, CSV, or the JSON export) into an import plan: the dry
run, which writes nothing.

``plan_list_import`` opens the workbook with openpyxl (read-only, formulas kept as formulas so
they can be refused), finds the header row (title rows above it are skipped), checks every row
and compares it with the target edition. The plan lists what applying would add, change
(field by field) and leave unchanged, and every error with its row, column and message.
``devolve.matters.services.list_imports`` applies a plan.

Speed: the catalogue, the reference data and the edition's entries are read into dicts once
(about ten queries whatever the size of the workbook), so checking a row costs dict look-ups and
no query; a 10,000-row workbook is checked in about the time openpyxl takes to read it
(``make bench``).

Matching: a row names a catalogue matter by 事项编码 when it has one, else by its name and
department. Departments, matter types and modes are recognised by Chinese name, English name or
code; pilot areas by Chinese name, English name or key. A matter the catalogue lacks is created
on apply (a power needs a matter type; a support matter has none). An entry of the edition whose
matter is not in the workbook is listed as missing and left alone: withdrawing a matter needs a
reason, so the office does it on the edition's page.
"""

import contextlib
import dataclasses
import datetime
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from devolve.core.actions import system_text
from devolve.core.spreadsheets.importing import (
    ErrorLog,
    FileHasErrors,
    ImportCheck,
    action_counts,
    cell_text,
)
from devolve.core.spreadsheets.importing import RowAction as RowAction
from devolve.core.spreadsheets.importing import RowError as RowError
from devolve.core.spreadsheets.reading import (
    TABLES,
    FileKind,
    FileRefused,
    Formula,
    UploadLimits,
    check_upload,
    read_rows,
)
from devolve.matters import rules
from devolve.matters.list_export import JSON_FORMAT, document_rows, is_list_document
from devolve.matters.list_workbook import (
    ALL_AREAS,
    AREA_SEPARATOR,
    COLUMN_BY_KEY,
    COLUMNS,
    MIN_RECOGNISED_HEADERS,
    SUB_ITEMS_LABEL,
    ColumnKey,
    column_for_header,
    column_letter,
    is_all_areas,
    normalize,
    parse_date,
    split_areas,
    sub_item_number,
)
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    Department,
    ListEntry,
    ListEntrySubItem,
    ListImport,
    Matter,
    MatterType,
)
from devolve.regions.models import BatchMembership, Zone

# A dry run keeps at most this many rows to add and to change (for the page and the command);
# the counts cover every row. Applying keeps every row.
SAMPLE_ROWS = 1_000
# Rows between two progress reports (each report is one UPDATE of the import's row).
PROGRESS_EVERY = 500
# The header row sits below at most a few title rows.
HEADER_SEARCH_ROWS = 10
LARGEST_SEQUENCE = 2_147_483_647

ProgressCallback = Callable[[int, int], None]
# Official terms an error names as the workbook writes them (parameters of its sentence, so an
# English page marks them as Chinese).
HEADER_EXAMPLES = "序号、事项名称"
MODE_NAMES = "下放、委托、既下放又委托、支持事项"
CHINESE_DATE_EXAMPLE = "2025年1月1日"


@dataclass(frozen=True)
class FieldChange:
    key: ColumnKey
    before: str
    after: str

    @property
    def column(self) -> str:
        if self.key == ColumnKey.SUB_ITEMS:
            return SUB_ITEMS_LABEL
        return COLUMN_BY_KEY[self.key].header


@dataclass(frozen=True)
class SubItemValues:
    """A checked sub-item row (序号 1.1 …): its matter (None: one the catalogue lacks, created
    on apply under the entry's matter) and its mode."""

    number: str
    matter_id: int | None
    matter_code: str
    matter_name: str
    matter_type_id: int | None
    department_id: int
    legal_basis: str
    mode_id: int


@dataclass(frozen=True)
class RowValues:
    """A checked row with names resolved to ids. ``present`` holds the columns the workbook has:
    a column left out changes nothing."""

    sequence: int
    matter_code: str
    matter_name: str
    matter_kind: str
    matter_type_id: int | None
    department_id: int  # the matter's competent department
    granting_department_id: int
    legal_basis: str
    mode_id: int
    all_areas: bool
    receiving_area_ids: tuple[int, ...]
    supervising_department_id: int | None
    conditions: str
    notes: str
    present: frozenset[ColumnKey]
    effective_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    sub_items: tuple[SubItemValues, ...] = ()


@dataclass(frozen=True)
class PlannedRow:
    row: int
    action: RowAction
    values: RowValues
    matter_id: int | None  # None: a matter the catalogue lacks, created on apply
    entry_id: int | None  # None: a new entry of the edition
    matter_changes: tuple[FieldChange, ...] = ()
    entry_changes: tuple[FieldChange, ...] = ()

    @property
    def changes(self) -> tuple[FieldChange, ...]:
        return self.matter_changes + self.entry_changes


@dataclass(frozen=True)
class MissingEntry:
    """An entry of the edition whose matter the workbook does not list (left unchanged)."""

    entry_id: int
    sequence: int
    matter_code: str
    matter_name: str


@dataclass(frozen=True, kw_only=True)
class ImportPlan(ImportCheck):
    annual_list_id: int
    rows: tuple[PlannedRow, ...] = ()
    missing: tuple[MissingEntry, ...] = ()
    rows_read: int = 0  # rows of the list read below the header, blank rows left out
    # Counts by action when ``rows`` holds only a sample (a dry run keeps a bounded plan).
    tallies: dict[str, int] | None = None

    def rows_to(self, action: RowAction) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def counts(self) -> dict[str, int]:
        if self.tallies is not None:
            return {**self.tallies, "missing": len(self.missing), "errors": self.error_count}
        return {
            "rows": len(self.rows),
            **action_counts(row.action for row in self.rows),
            "new_matters": sum(1 for row in self.rows if row.matter_id is None),
            "missing": len(self.missing),
            "errors": self.error_count,
        }

    def summary(self, *, row_limit: int = 1_000) -> dict[str, Any]:
        """The plan as JSON for a ``ListImport``: counts, then the rows to add and change (at most
        ``row_limit`` of each) with their changes, and the entries missing from the workbook."""

        def described(row: PlannedRow) -> dict[str, Any]:
            return {
                "row": row.row,
                "sequence": row.values.sequence,
                "matter_code": row.values.matter_code,
                "matter_name": row.values.matter_name,
                "new_matter": row.matter_id is None,
                "changes": [
                    {"column": change.column, "before": change.before, "after": change.after}
                    for change in row.changes
                ],
            }

        return {
            "counts": self.counts,
            "add": [described(row) for row in self.rows_to(RowAction.ADD)[:row_limit]],
            "change": [described(row) for row in self.rows_to(RowAction.CHANGE)[:row_limit]],
            "missing": [
                {"sequence": entry.sequence, "matter_code": entry.matter_code,
                 "matter_name": entry.matter_name}
                for entry in self.missing[:row_limit]
            ],
        }  # fmt: skip

    def errors_as_json(self) -> list[dict[str, Any]]:
        return [
            {"row": error.row, "column": error.column, "letter": error.letter,
             "message": error.message, "code": error.code, "value": error.value}
            for error in self.errors
        ]  # fmt: skip


class WorkbookRefused(FileHasErrors):
    """A workbook with errors: nothing of it is applied. ``plan`` holds every error."""

    plan: ImportPlan
    code_for_errors = "invalid_workbook"
    message_for_errors = ngettext_lazy(
        "The workbook has %(count)d error; nothing was imported.",
        "The workbook has %(count)d errors; nothing was imported.",
        "count",
    )


def max_import_bytes() -> int:
    return int(settings.DEVOLVE_IMPORT_MAX_BYTES)


def plan_list_import(
    *,
    annual_list: AnnualList,
    workbook: IO[bytes],
    on_progress: ProgressCallback | None = None,
    keep_rows: bool = True,
) -> ImportPlan:
    """Check ``workbook`` (.xlsx, CSV or the JSON export) against ``annual_list`` and the
    catalogue; write nothing.

    ``keep_rows=False`` (a dry run that only reports) keeps a sample of the rows to add and
    change and counts the rest, so memory stays bounded for any number of rows; rows stream from
    the reader.

    The file goes through the guarded reader first (size, type by content, ZIP structure,
    macros, entities), so a hostile file is refused before it is parsed.
    ``on_progress(rows_done, rows_total)`` is called every ``PROGRESS_EVERY`` rows and at the end.
    """
    limits = UploadLimits.from_settings(max_bytes=max_import_bytes())
    try:
        kind = check_upload(workbook, allowed=TABLES, limits=limits)
        planner = _Planner(
            annual_list=annual_list, reference=_Reference.load(annual_list), keep_rows=keep_rows
        )
        document = _list_document(workbook) if kind == FileKind.CSV else None
        if document is not None:
            laid_out = document_rows(document)
            return planner.read(laid_out, estimate=lambda: len(laid_out), on_progress=on_progress)
        rows = read_rows(workbook, kind=kind, limits=limits, formulas=True)
        return planner.read(rows, estimate=lambda: rows.estimate, on_progress=on_progress)
    except FileRefused as refused:
        return ImportPlan.refused(refused.text, refused.code, annual_list_id=annual_list.pk)


def _list_document(stream: IO[bytes]) -> dict[str, Any] | None:
    """The JSON export a text file holds, or None for any other text (a CSV file). A file that
    opens as JSON but is not an edition exported by Devolve is refused."""
    head = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    stream.seek(0)
    if not head.startswith(b"{"):
        return None
    try:
        document = json.loads(stream.read().decode("utf-8-sig"))
    except (ValueError, RecursionError) as error:
        raise FileRefused("unreadable", system_text("list_import.error.json_unreadable")) from error
    finally:
        stream.seek(0)
    if not is_list_document(document):
        raise FileRefused(
            "unreadable", system_text("list_import.error.json_foreign", format=JSON_FORMAT)
        )
    return dict(document)


@dataclass(frozen=True)
class _Named:
    id: int
    code: str
    name_zh: str


@dataclass(frozen=True)
class _Matter:
    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    matter_type_id: int | None
    competent_department_id: int
    legal_basis: str


@dataclass(frozen=True)
class _Entry:
    id: int
    sequence: int
    matter_id: int
    mode_id: int
    granting_department_id: int
    supervising_department_id: int | None
    all_areas: bool
    area_ids: tuple[int, ...]
    conditions: str
    notes: str
    change: str
    effective_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    sub_items: tuple[tuple[int, int], ...] = ()  # (matter, mode), sorted


def _index(
    items: Iterable[tuple[int, str, str, str]],
) -> tuple[dict[str, _Named], dict[int, _Named]]:
    """(id, code, name_zh, name_en) rows → look-up by folded code or either name, and by id."""
    by_text: dict[str, _Named] = {}
    by_id: dict[int, _Named] = {}
    for pk, code, name_zh, name_en in items:
        named = _Named(pk, code, name_zh)
        by_id[pk] = named
        for text in (code, name_zh, name_en):
            if text:
                by_text.setdefault(normalize(text), named)
    return by_text, by_id


@dataclass
class _Reference:
    """Everything a row is checked against, read once."""

    departments: dict[str, _Named]
    departments_by_id: dict[int, _Named]
    matter_types: dict[str, _Named]
    matter_types_by_id: dict[int, _Named]
    modes: dict[str, _Named]
    modes_by_id: dict[int, _Named]
    zones: dict[str, _Named]
    zones_by_id: dict[int, _Named]
    members: frozenset[int]
    matters_by_code: dict[str, _Matter]
    matters_by_name: dict[tuple[int, str], list[_Matter]]
    matters_by_id: dict[int, _Matter]
    entries_by_matter: dict[int, _Entry]
    entries_by_sequence: dict[int, _Entry]
    name_length: int
    code_length: int

    @classmethod
    def load(cls, annual_list: AnnualList) -> "_Reference":
        departments, departments_by_id = _index(
            Department.objects.values_list("pk", "code", "name_zh", "name_en")
        )
        matter_types, matter_types_by_id = _index(
            MatterType.objects.values_list("pk", "code", "name_zh", "name_en")
        )
        modes, modes_by_id = _index(
            AuthorizationMode.objects.values_list("pk", "code", "name_zh", "name_en")
        )
        zones, zones_by_id = _index(Zone.objects.values_list("pk", "slug", "name_zh", "name_en"))
        members = frozenset(
            BatchMembership.objects.filter(batch_id=annual_list.batch_id).values_list(
                "zone_id", flat=True
            )
        )
        matters = [
            _Matter(*row)
            for row in Matter.objects.values_list(
                "pk", "code", "name_zh", "name_en", "kind", "matter_type_id",
                "competent_department_id", "legal_basis",
            )
        ]  # fmt: skip
        matters_by_name: dict[tuple[int, str], list[_Matter]] = {}
        for matter in matters:
            for name in {normalize(matter.name_zh), normalize(matter.name_en)} - {""}:
                matters_by_name.setdefault((matter.competent_department_id, name), []).append(
                    matter
                )
        areas: dict[int, list[int]] = {}
        through = ListEntry.receiving_areas.through
        for entry_id, zone_id in through.objects.filter(
            listentry__annual_list=annual_list
        ).values_list("listentry_id", "zone_id"):
            areas.setdefault(entry_id, []).append(zone_id)
        sub_items: dict[int, list[tuple[int, int]]] = {}
        for entry_id, matter_id, mode_id in ListEntrySubItem.objects.filter(
            entry__annual_list=annual_list
        ).values_list("entry_id", "matter_id", "mode_id"):
            sub_items.setdefault(entry_id, []).append((matter_id, mode_id))
        entries = [
            _Entry(pk, sequence, matter_id, mode_id, granting, supervising, all_areas,
                   tuple(sorted(areas.get(pk, []))), conditions, notes, change, effective_on,
                   ends_on, tuple(sorted(sub_items.get(pk, []))))
            for (pk, sequence, matter_id, mode_id, granting, supervising, all_areas, conditions,
                 notes, change, effective_on, ends_on) in ListEntry.objects.filter(
                annual_list=annual_list
            ).values_list(
                "pk", "sequence", "matter_id", "mode_id", "granting_department_id",
                "supervising_department_id", "all_areas", "conditions", "notes", "change",
                "effective_on", "ends_on",
            )
        ]  # fmt: skip
        return cls(
            departments=departments,
            departments_by_id=departments_by_id,
            matter_types=matter_types,
            matter_types_by_id=matter_types_by_id,
            modes=modes,
            modes_by_id=modes_by_id,
            zones=zones,
            zones_by_id=zones_by_id,
            members=members,
            matters_by_code={matter.code: matter for matter in matters if matter.code},
            matters_by_name=matters_by_name,
            matters_by_id={matter.id: matter for matter in matters},
            entries_by_matter={entry.matter_id: entry for entry in entries},
            entries_by_sequence={entry.sequence: entry for entry in entries},
            name_length=Matter._meta.get_field("name_zh").max_length or 200,
            code_length=Matter._meta.get_field("code").max_length or 64,
        )

    def areas_label(self, all_areas: bool, area_ids: Iterable[int]) -> str:
        """承接主体 as exports write it: 全部试点区域, or area names in key order."""
        if all_areas:
            return ALL_AREAS
        zones = sorted((self.zones_by_id[pk] for pk in area_ids), key=lambda zone: zone.code)
        return AREA_SEPARATOR.join(zone.name_zh for zone in zones)

    def department_label(self, pk: int | None) -> str:
        return self.departments_by_id[pk].name_zh if pk is not None else ""

    def matter_type_label(self, pk: int | None) -> str:
        return self.matter_types_by_id[pk].name_zh if pk is not None else ""


_text = cell_text  # the kit's: whole floats without .0, dates in ISO form
# An error quotes at most this much of its cell.
RAW_VALUE_LENGTH = 200


def raw_value(value: Any) -> str:
    """A cell as the workbook holds it, for an error to quote: text unstripped (a trailing or
    full-width space is often the problem), a formula as its text, other values as shown.

    >>> raw_value("下放 "), raw_value(3.0), raw_value(None)
    ('下放 ', '3', '')
    """
    if isinstance(value, str):  # a Formula too: its text
        return value[:RAW_VALUE_LENGTH]
    return _text(value)[:RAW_VALUE_LENGTH]


class _RowShape(StrEnum):
    BLANK = "blank"
    DATA = "data"
    SECTION = "section"
    FOOTNOTE = "footnote"


# Mode codes (reference data, migration 0002) that ticks under 下放 | 委托 combine into.
DELEGATE_MODE, ENTRUST_MODE, BOTH_MODE = "delegate", "entrust", "both"
# 一、省级授权事项（8项） / 二、省级支持事项(102项): a section heading with an optional count.
SECTION = re.compile(
    r"^[一二三四五六七八九十百]+[、.\uff0e]\s*.*?(?:[（(]\s*(?:共\s*)?(?P<count>\d+)\s*项\s*[)）])?\s*$"
)
# A section of support matters (二、省级支持事项): its rows need no tick under 下放 | 委托.
SUPPORT_SECTION = "支持"
# 注：… / 说明：… / 备注：… below the list.
FOOTNOTE = re.compile(r"^(?:注|说明|备注)\s*\d*\s*[:：]")
# What a ticked mode cell may hold; anything else non-empty counts as ticked too, except these.
_UNTICKED = frozenset({"", "否", "无", "\u00d7", "\u2717", "0", "-", "—", "/"})


def _is_mark(text: str) -> bool:
    return text.strip() not in _UNTICKED


def _at(cells: Any, index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _sequence_text(cells: tuple[Any, ...], columns: dict[ColumnKey, tuple[int, str]]) -> str:
    position = columns.get(ColumnKey.SEQUENCE)
    return _text(_at(cells, position[0])) if position else ""


class _RowRejected(Exception):
    """The row has an error already recorded; stop checking it."""


class _Planner:
    """Walks the rows once, collecting planned rows and errors."""

    def __init__(
        self, *, annual_list: AnnualList, reference: _Reference, keep_rows: bool = True
    ) -> None:
        self.annual_list = annual_list
        self.reference = reference
        self.columns: dict[ColumnKey, tuple[int, str]] = {}
        self.log = ErrorLog()
        self.rows: list[PlannedRow] = []
        self.rows_by_sequence: dict[int, int] = {}
        self.rows_by_matter: dict[tuple[object, ...], int] = {}
        self.saw_text = False
        self.rows_read = 0
        self.keep_rows = keep_rows
        self.tallies: Counter[str] = Counter(
            {"rows": 0, "add": 0, "change": 0, "unchanged": 0, "new_matters": 0}
        )
        self.listed: set[int] = set()  # catalogue matters the workbook lists
        # (row, number, matter holding that number in the edition) where another matter does
        self.taken: list[tuple[int, int, int]] = []
        self.header_texts: list[str] = []
        self.mode_marks: dict[int, _Named] = {}
        self.placed: set[int] = set()
        # (row, text, announced count, rows found) of the section being read
        self.section: tuple[int, str, int | None, int] | None = None
        # (number, cells) of the row being read: errors on it quote the cell they are about
        self.current: tuple[int, tuple[Any, ...]] = (0, ())
        # The last entry row read, kept until the sub-item rows under it (1.1, 1.2 …) are read;
        # parent_number is the 序号 of the last entry row, even one with an error.
        self.pending: PlannedRow | None = None
        self.pending_sub_items: list[SubItemValues] = []
        self.parent_number: int | None = None

    def error(
        self, row: int | None, key: ColumnKey | None, message: str, code: str, value: str = ""
    ) -> None:
        """Record an error; on the row being read it quotes the cell (or ``value``)."""
        if key is None:
            self._record(RowError(row, "", message, code))
            return
        index, header = self.columns.get(key, (None, COLUMN_BY_KEY[key].header))
        letter = column_letter(index) if index is not None else ""
        self._record(RowError(row, header, message, code, letter, value or self._raw(row, index)))

    def _raw(self, row: int | None, index: int | None) -> str:
        """The cell at ``index`` of the row being read, as the workbook holds it."""
        number, cells = self.current
        if row is None or row != number or index is None:
            return ""
        return raw_value(_at(cells, index))

    @property
    def error_count(self) -> int:
        return self.log.count

    def _record(self, error: RowError) -> None:
        self.log.add(error)

    def read(
        self,
        rows: Iterable[tuple[Any, ...]],
        *,
        estimate: Callable[[], int | None],
        on_progress: ProgressCallback | None,
    ) -> ImportPlan:
        header_row = 0
        data_rows = 0
        rows_total = 0
        awaiting_second_header = False
        for number, cells in enumerate(rows, start=1):
            if not header_row:
                if number > HEADER_SEARCH_ROWS:
                    break
                if self._read_header(number, cells):
                    header_row = number
                    awaiting_second_header = True
                    rows_total = max(0, (estimate() or 0) - header_row)
                continue
            if awaiting_second_header:
                awaiting_second_header = False
                second = self._is_second_header_row(cells)
                self._finish_header(header_row, cells if second else None)
                if self.error_count:
                    return self._plan()
                if second:
                    header_row = number
                    continue
            shape = self._shape(cells)
            if shape == _RowShape.BLANK:
                continue
            if shape == _RowShape.FOOTNOTE:
                break  # "注：" and what follows it are notes, not entries
            if shape == _RowShape.SECTION:
                self._open_section(number, cells)
                continue
            data_rows += 1
            self.rows_read = data_rows
            with contextlib.suppress(_RowRejected):
                self._read_row(number, cells)
            if on_progress is not None and data_rows % PROGRESS_EVERY == 0:
                on_progress(data_rows, max(rows_total, data_rows))
        self._flush()
        self.current = (0, ())  # the checks below are about the file, not its last row
        if awaiting_second_header:
            self._finish_header(header_row, None)
        self._close_section()
        if not header_row and not self.saw_text:
            self.error(None, None, system_text("list_import.error.empty"), "empty")
        elif not header_row:
            self.error(
                1,
                None,
                system_text(
                    "list_import.error.no_header_row",
                    count=HEADER_SEARCH_ROWS,
                    columns=HEADER_EXAMPLES,
                ),
                "missing_header",
            )
        elif data_rows == 0:
            self.error(header_row, None, system_text("list_import.error.no_matters"), "empty")
        else:
            self._check_sequences_against_edition()
        if on_progress is not None:
            on_progress(data_rows, data_rows)
        return self._plan()

    def _read_header(self, number: int, cells: tuple[Any, ...]) -> bool:
        """Whether ``cells`` are the header row: they name enough columns. Rows above it (an
        "附件1" line, a merged title) are skipped; ``_finish_header`` reads it."""
        texts = [_text(value) for value in cells]
        self.saw_text = self.saw_text or any(texts)
        recognised = [column_for_header(text) if text else None for text in texts]
        if sum(1 for column in recognised if column is not None) < MIN_RECOGNISED_HEADERS:
            return False
        self.header_texts = texts
        return True

    def _is_second_header_row(self, cells: tuple[Any, ...]) -> bool:
        """A second header row under merged group headers (授权方式 over 下放 | 委托): it has no
        序号, and every text in it is a column's header or a mode's name."""
        texts = [_text(value) for value in cells]
        sequence_at = next(
            (index for index, text in enumerate(self.header_texts)
             if (column := column_for_header(text)) and column.key == ColumnKey.SEQUENCE),
            None,
        )  # fmt: skip
        if not any(texts) or (sequence_at is not None and _at(texts, sequence_at)):
            return False
        return all(
            column_for_header(text) is not None or normalize(text) in self.reference.modes
            for text in texts
            if text
        )

    def _finish_header(self, number: int, second: tuple[Any, ...] | None) -> None:
        """Place the columns from the header row and, under merged group headers, the row below
        it; record the header's errors."""
        texts = list(self.header_texts)
        if second is not None:
            below = [_text(value) for value in second]
            group = ""
            for index in range(max(len(texts), len(below))):
                top = _at(texts, index)
                group = top or group  # a merged group header covers the blank cells to its right
                text = _at(below, index)
                if not text:
                    continue
                group_column = column_for_header(group)
                if (
                    group_column is not None
                    and group_column.key == ColumnKey.MODE
                    and (normalize(text) in self.reference.modes)
                ):
                    self.mode_marks[index] = self.reference.modes[normalize(text)]
                    texts[index : index + 1] = [""] if index < len(texts) else []
                    continue
                texts.extend([""] * (index + 1 - len(texts)))
                texts[index] = text
            if self.mode_marks:
                first = min(self.mode_marks)
                self.columns[ColumnKey.MODE] = (first, _at(self.header_texts, first))
        recognised = [column_for_header(text) if text else None for text in texts]
        for index, (text, column) in enumerate(zip(texts, recognised, strict=True)):
            if not text:
                continue
            if column is None:
                message = system_text("list_import.error.unknown_header", header=text)
                self._record(
                    RowError(number, text, message, "unknown_header", column_letter(index))
                )
            elif column.key in self.columns:
                message = system_text("list_import.error.duplicate_header", header=text)
                self._record(
                    RowError(number, text, message, "duplicate_header", column_letter(index))
                )
            else:
                self.columns[column.key] = (index, text)
        self.placed = {index for index, _header in self.columns.values()} | set(self.mode_marks)
        for column in COLUMNS:
            if column.required and column.key not in self.columns:
                message = system_text(
                    "list_import.error.missing_header",
                    header=column.header,
                    english=column.header_en,
                )
                self._record(RowError(number, column.header, message, "missing_header"))

    def _shape(self, cells: tuple[Any, ...]) -> "_RowShape":
        texts = [text for text in (_text(value) for value in cells) if text]
        if not texts:
            return _RowShape.BLANK
        # A section or footnote row is one text, merged across the row (or repeated by WPS).
        if len(set(texts)) == 1 and _sequence_text(cells, self.columns) in ("", texts[0]):
            if FOOTNOTE.match(texts[0]):
                return _RowShape.FOOTNOTE
            if SECTION.match(texts[0]):
                return _RowShape.SECTION
        return _RowShape.DATA

    def _open_section(self, number: int, cells: tuple[Any, ...]) -> None:
        """A section row (一、省级授权事项（8项）) starts a group whose count is checked."""
        self._close_section()
        text = next(text for text in (_text(value) for value in cells) if text)
        match = SECTION.match(text)
        expected = match.group("count") if match else None
        self.section = (number, text, int(expected) if expected else None, 0)

    def _close_section(self) -> None:
        if self.section is None:
            return
        number, text, expected, found = self.section
        self.section = None
        if expected is not None and expected != found:
            message = system_text(
                "list_import.error.section_count", section=text, expected=expected, found=found
            )
            self._record(RowError(number, "", message, "section_count", "A"))

    def _marked_mode(self, number: int, cells: tuple[Any, ...]) -> str:
        """The mode of a row whose mode is ticked under split headers (下放 | 委托)."""
        marked = [
            mode for index, mode in sorted(self.mode_marks.items())
            if _is_mark(_text(_at(cells, index)))
        ]  # fmt: skip
        codes = {mode.code for mode in marked}
        if codes == {DELEGATE_MODE, ENTRUST_MODE}:
            both = self.reference.modes.get(normalize(BOTH_MODE))
            return both.name_zh if both else ""
        if len(marked) == 1:
            return marked[0].name_zh
        if not marked and self.section is not None and SUPPORT_SECTION in self.section[1]:
            support = self.reference.modes.get(normalize(rules.SUPPORT_MODE))
            return support.name_zh if support else ""
        if len(marked) > 1:
            message = system_text(
                "list_import.error.ambiguous_mode", delegate="下放", entrust="委托"
            )
            self.error(number, ColumnKey.MODE, message, "ambiguous_mode")
            raise _RowRejected
        return ""

    def _check_placed(self, number: int, cells: tuple[Any, ...]) -> None:
        """A value in a column without a header cannot be placed: an error naming its cell."""
        for index, value in enumerate(cells):
            if index not in self.placed and _text(value):
                message = system_text("list_import.error.unplaced_value", value=_text(value)[:40])
                self._record(
                    RowError(
                        number, "", message, "unplaced_value", column_letter(index),
                        raw_value(value),
                    )
                )  # fmt: skip

    def _cell(self, cells: tuple[Any, ...], key: ColumnKey) -> Any:
        position = self.columns.get(key)
        if position is None or position[0] >= len(cells):
            return None
        return cells[position[0]]

    def _read_row(self, number: int, cells: tuple[Any, ...]) -> None:
        self.current = (number, cells)
        texts: dict[ColumnKey, str] = {}
        errors_before = self.error_count
        for key in self.columns:
            value = self._cell(cells, key)
            # The reader keeps a formula as its text, so the cached result of a formula, which
            # may be stale or missing, is never imported as a value.
            if isinstance(value, Formula):
                message = system_text("list_import.error.formula")
                self.error(number, key, message, "formula")
            texts[key] = _text(value)
        if self.mode_marks:
            texts[ColumnKey.MODE] = self._marked_mode(number, cells)
        self._check_placed(number, cells)
        sub_item = sub_item_number(_text(self._cell(cells, ColumnKey.SEQUENCE)))
        if sub_item is None:
            # The rows numbered 1.1 … below belong to this row, even if it has an error.
            self.parent_number = _whole_number(self._cell(cells, ColumnKey.SEQUENCE))
            if self.section is not None:  # a section counts its entries, not their sub-items
                row, text, expected, found = self.section
                self.section = (row, text, expected, found + 1)
        if self.error_count > errors_before:
            raise _RowRejected
        if sub_item is not None:
            self._read_sub_item(number, texts, sub_item)
            return
        sequence = self._sequence(number, self._cell(cells, ColumnKey.SEQUENCE))
        name = self._required(number, texts, ColumnKey.MATTER_NAME)
        code = texts.get(ColumnKey.MATTER_CODE, "")
        self._check_length(number, ColumnKey.MATTER_NAME, name, self.reference.name_length)
        self._check_length(number, ColumnKey.MATTER_CODE, code, self.reference.code_length)
        department = self._look_up(number, texts, ColumnKey.DEPARTMENT, self.reference.departments)
        granting = self._look_up(
            number,
            texts,
            ColumnKey.GRANTING_DEPARTMENT,
            self.reference.departments,
            required=False,
        )
        mode = self._look_up(number, texts, ColumnKey.MODE, self.reference.modes)
        matter_type = self._look_up(
            number, texts, ColumnKey.MATTER_TYPE, self.reference.matter_types, required=False
        )
        supervisor = self._look_up(
            number,
            texts,
            ColumnKey.SUPERVISING_DEPARTMENT,
            self.reference.departments,
            required=False,
        )
        areas = self._areas(number, texts)
        effective_on = self._date(number, texts, ColumnKey.EFFECTIVE_ON)
        ends_on = self._date(number, texts, ColumnKey.ENDS_ON)
        if effective_on and ends_on and ends_on <= effective_on:
            message = system_text("list_import.error.ends_before_effective", date=effective_on)
            self.error(number, ColumnKey.ENDS_ON, message, "ends_before_effective")
        if self.error_count > errors_before:
            raise _RowRejected
        if sequence is None or department is None or mode is None or areas is None:
            raise _RowRejected  # an empty required cell, already reported
        matter = self._matter(number, code=code, name=name, department=department)
        if matter is not None:
            kind = matter.kind
        else:
            kind = Matter.Kind.SUPPORT if mode.code == rules.SUPPORT_MODE else Matter.Kind.POWER
        if not rules.mode_fits_matter(mode_code=mode.code, matter_kind=kind):
            message = system_text("list_import.error.mode_mismatch", mode=mode.name_zh, matter=name)
            self.error(number, ColumnKey.MODE, message, "mode_mismatch")
            raise _RowRejected
        self._check_matter_type(number, kind=kind, matter_type=matter_type, is_new=matter is None)
        values = RowValues(
            sequence=sequence,
            matter_code=code,
            matter_name=name,
            matter_kind=kind,
            matter_type_id=matter_type.id if matter_type else None,
            department_id=department.id,
            granting_department_id=(granting or department).id,
            legal_basis=texts.get(ColumnKey.LEGAL_BASIS, ""),
            mode_id=mode.id,
            all_areas=areas[0],
            receiving_area_ids=areas[1],
            supervising_department_id=supervisor.id if supervisor else None,
            conditions=texts.get(ColumnKey.CONDITIONS, ""),
            notes=texts.get(ColumnKey.NOTES, ""),
            present=frozenset(self.columns),
            effective_on=effective_on,
            ends_on=ends_on,
        )
        self._check_unique(number, values, matter)
        self._flush()
        self.pending = self._planned(number, values, matter)

    def _date(
        self, number: int, texts: dict[ColumnKey, str], key: ColumnKey
    ) -> datetime.date | None:
        try:
            return parse_date(texts.get(key, ""))
        except ValueError:
            message = system_text(
                "list_import.error.bad_date", value=texts[key], example=CHINESE_DATE_EXAMPLE
            )
            self.error(number, key, message, "bad_date")
            return None

    def _read_sub_item(
        self, number: int, texts: dict[ColumnKey, str], sub_item: tuple[int, int]
    ) -> None:
        """A row numbered 1.1, 1.2 … under the entry row numbered 1: a sub-item with its mode."""
        entry_number, position = sub_item
        label = texts.get(ColumnKey.SEQUENCE, "")
        if self.parent_number != entry_number:
            message = system_text(
                "list_import.error.orphan_sub_item", number=label, entry=entry_number
            )
            self.error(number, ColumnKey.SEQUENCE, message, "orphan_sub_item")
            raise _RowRejected
        parent = self.pending
        if parent is None or parent.values.sequence != entry_number:
            raise _RowRejected  # the entry's own row has an error, already reported
        errors_before = self.error_count
        name = self._required(number, texts, ColumnKey.MATTER_NAME)
        code = texts.get(ColumnKey.MATTER_CODE, "")
        self._check_length(number, ColumnKey.MATTER_NAME, name, self.reference.name_length)
        self._check_length(number, ColumnKey.MATTER_CODE, code, self.reference.code_length)
        reference = self.reference
        department = (
            self._look_up(
                number, texts, ColumnKey.DEPARTMENT, reference.departments, required=False
            )
            or reference.departments_by_id[parent.values.department_id]
        )
        mode = self._look_up(number, texts, ColumnKey.MODE, reference.modes)
        matter_type = self._look_up(
            number, texts, ColumnKey.MATTER_TYPE, reference.matter_types, required=False
        )
        if self.error_count > errors_before or not name or mode is None:
            raise _RowRejected
        matter = self._matter(number, code=code, name=name, department=department)
        kind = matter.kind if matter is not None else Matter.Kind.POWER
        if not rules.mode_fits_matter(mode_code=mode.code, matter_kind=kind):
            message = system_text(
                "list_import.error.sub_item_mode_mismatch", mode=mode.name_zh, matter=name
            )
            self.error(number, ColumnKey.MODE, message, "mode_mismatch")
            raise _RowRejected
        if matter is None or matter_type is not None:  # a sub-item's type is not imported
            self._check_matter_type(number, kind=kind, matter_type=matter_type, is_new=True)
        matter_id = matter.id if matter is not None else None
        same = [
            earlier for earlier in self.pending_sub_items
            if (matter_id is not None and earlier.matter_id == matter_id)
            or normalize(earlier.matter_name) == normalize(name)
        ]  # fmt: skip
        if (matter_id is not None and matter_id == parent.matter_id) or same:
            message = system_text(
                "list_import.error.duplicate_sub_item", matter=name, entry=entry_number
            )
            self.error(number, ColumnKey.MATTER_NAME, message, "duplicate_sub_item")
            raise _RowRejected
        self.pending_sub_items.append(
            SubItemValues(
                number=f"{entry_number}.{position}",
                matter_id=matter_id,
                matter_code=code,
                matter_name=name,
                matter_type_id=matter_type.id if matter_type else None,
                department_id=department.id,
                legal_basis=texts.get(ColumnKey.LEGAL_BASIS, ""),
                mode_id=mode.id,
            )
        )

    def _flush(self) -> None:
        """Keep the entry row read last, with the sub-item rows read under it."""
        planned, sub_items = self.pending, tuple(self.pending_sub_items)
        self.pending, self.pending_sub_items = None, []
        if planned is None:
            return
        planned = dataclasses.replace(
            planned, values=dataclasses.replace(planned.values, sub_items=sub_items)
        )
        entry = self.reference.entries_by_matter.get(planned.matter_id or 0)
        if planned.entry_id is not None and entry is not None:
            change = self._sub_item_change(entry, sub_items)
            if change is not None:
                planned = dataclasses.replace(
                    planned,
                    action=RowAction.CHANGE,
                    entry_changes=(*planned.entry_changes, change),
                )
        self._keep(planned)

    def _sub_item_change(
        self, entry: _Entry, sub_items: tuple[SubItemValues, ...]
    ) -> FieldChange | None:
        after = tuple(sorted((item.matter_id or 0, item.mode_id) for item in sub_items))
        if after == entry.sub_items and all(item.matter_id for item in sub_items):
            return None
        modes = self.reference.modes_by_id
        matters = self.reference.matters_by_id
        before_text = "；".join(
            f"{matters[matter_id].name_zh}（{modes[mode_id].name_zh}）"
            for matter_id, mode_id in entry.sub_items
        )
        after_text = "；".join(
            f"{item.number} {item.matter_name}（{modes[item.mode_id].name_zh}）"
            for item in sub_items
        )
        return FieldChange(ColumnKey.SUB_ITEMS, before_text, after_text)

    def _keep(self, planned: PlannedRow) -> None:
        """Count every row; keep all of them to apply, or a sample of those that change
        something in a dry run, so its memory stays bounded whatever the workbook's size."""
        self.tallies["rows"] += 1
        self.tallies[planned.action.value] += 1
        self.tallies["new_matters"] += planned.matter_id is None
        if planned.matter_id is not None:
            self.listed.add(planned.matter_id)
        holder = self.reference.entries_by_sequence.get(planned.values.sequence)
        if holder is not None and holder.matter_id != planned.matter_id:
            self.taken.append((planned.row, planned.values.sequence, holder.matter_id))
        if self.keep_rows or (
            planned.action != RowAction.UNCHANGED
            and self.tallies[planned.action.value] <= SAMPLE_ROWS
        ):
            self.rows.append(planned)

    def _required(self, number: int, texts: dict[ColumnKey, str], key: ColumnKey) -> str:
        text = texts.get(key, "")
        if not text and key in self.columns:
            self.error(number, key, system_text("list_import.error.required"), "required")
        return text

    def _check_length(self, number: int, key: ColumnKey, text: str, limit: int) -> None:
        if len(text) > limit:
            message = system_text("list_import.error.too_long", limit=limit, length=len(text))
            self.error(number, key, message, "too_long")

    def _sequence(self, number: int, value: Any) -> int | None:
        whole = _whole_number(value)
        if whole is not None:
            return whole
        if value is None or _text(value) == "":
            message = system_text("list_import.error.required")
            self.error(number, ColumnKey.SEQUENCE, message, "required")
            return None
        message = system_text("list_import.error.bad_number", value=_text(value))
        self.error(number, ColumnKey.SEQUENCE, message, "bad_number")
        return None

    def _look_up(
        self,
        number: int,
        texts: dict[ColumnKey, str],
        key: ColumnKey,
        table: dict[str, _Named],
        *,
        required: bool = True,
    ) -> _Named | None:
        text = self._required(number, texts, key) if required else texts.get(key, "")
        if not text:
            return None
        found = table.get(normalize(text))
        if found is None:
            self.error(number, key, *_unknown_value(key, text))
        return found

    def _areas(
        self, number: int, texts: dict[ColumnKey, str]
    ) -> tuple[bool, tuple[int, ...]] | None:
        text = self._required(number, texts, ColumnKey.RECEIVING_AREAS)
        if not text:
            return None
        if is_all_areas(text):
            return True, ()
        errors_before = self.error_count
        area_ids: set[int] = set()
        for name in split_areas(text):
            zone = self.reference.zones.get(normalize(name))
            if zone is None:
                message = system_text("list_import.error.unknown_area", value=name)
                self.error(number, ColumnKey.RECEIVING_AREAS, message, "unknown_area")
            elif zone.id not in self.reference.members:
                message = system_text(
                    "list_import.error.not_a_batch_member",
                    area=zone.name_zh,
                    batch=self.annual_list.batch.number,
                )
                self.error(number, ColumnKey.RECEIVING_AREAS, message, "not_a_batch_member")
            else:
                area_ids.add(zone.id)
        if self.error_count > errors_before:
            return None
        return False, tuple(sorted(area_ids))

    def _matter(self, number: int, *, code: str, name: str, department: _Named) -> _Matter | None:
        """The catalogue matter the row names, or None for a matter the catalogue lacks."""
        if code:
            return self.reference.matters_by_code.get(code)
        candidates = self.reference.matters_by_name.get((department.id, normalize(name)), [])
        if len(candidates) > 1:
            message = system_text(
                "list_import.error.ambiguous_matter",
                count=len(candidates),
                department=department.name_zh,
                name=name,
                column=COLUMN_BY_KEY[ColumnKey.MATTER_CODE].header,
            )
            self.error(number, ColumnKey.MATTER_NAME, message, "ambiguous_matter")
            raise _RowRejected
        return candidates[0] if candidates else None

    def _check_matter_type(
        self, number: int, *, kind: str, matter_type: _Named | None, is_new: bool
    ) -> None:
        """A power has a matter type and a support matter none. Without the 事项类型 column the
        catalogue keeps an existing matter's type, so only a new power lacks one."""
        column_present = ColumnKey.MATTER_TYPE in self.columns
        if kind == Matter.Kind.POWER and matter_type is None and (column_present or is_new):
            message = system_text("list_import.error.type_required")
            self.error(number, ColumnKey.MATTER_TYPE, message, "type_required")
            raise _RowRejected
        if kind == Matter.Kind.SUPPORT and matter_type is not None:
            message = system_text("list_import.error.type_not_allowed")
            self.error(number, ColumnKey.MATTER_TYPE, message, "type_not_allowed")
            raise _RowRejected

    def _check_unique(self, number: int, values: RowValues, matter: _Matter | None) -> None:
        identity: tuple[object, ...]
        if matter is not None:
            identity = ("matter", matter.id)
        elif values.matter_code:
            identity = ("code", values.matter_code)
        else:
            identity = ("name", values.department_id, normalize(values.matter_name))
        earlier = self.rows_by_matter.get(identity)
        if earlier is not None:
            message = system_text("list_import.error.duplicate_row", row=earlier)
            self.error(number, ColumnKey.MATTER_NAME, message, "duplicate_row")
            raise _RowRejected
        earlier = self.rows_by_sequence.get(values.sequence)
        if earlier is not None:
            message = system_text("list_import.error.duplicate_number", row=earlier)
            self.error(number, ColumnKey.SEQUENCE, message, "duplicate_number")
            raise _RowRejected
        self.rows_by_matter[identity] = number
        self.rows_by_sequence[values.sequence] = number

    def _planned(self, number: int, values: RowValues, matter: _Matter | None) -> PlannedRow:
        if matter is None:
            return PlannedRow(number, RowAction.ADD, values, None, None)
        matter_changes = self._matter_changes(matter, values)
        entry = self.reference.entries_by_matter.get(matter.id)
        if entry is None:
            return PlannedRow(number, RowAction.ADD, values, matter.id, None, matter_changes)
        if entry.change == ListEntry.Change.WITHDRAWN:
            message = system_text("list_import.error.withdrawn")
            self.error(number, ColumnKey.MATTER_NAME, message, "withdrawn")
            raise _RowRejected
        entry_changes = self._entry_changes(entry, values)
        action = RowAction.CHANGE if matter_changes or entry_changes else RowAction.UNCHANGED
        return PlannedRow(
            number, action, values, matter.id, entry.id, matter_changes, entry_changes
        )

    def _matter_changes(self, matter: _Matter, values: RowValues) -> tuple[FieldChange, ...]:
        """Catalogue fields the row states differently. The name counts only when the row
        names the matter by code (a row found by its name has that name)."""
        reference = self.reference
        changes = []
        if values.matter_code and values.matter_name not in {matter.name_zh, matter.name_en}:
            changes.append(FieldChange(ColumnKey.MATTER_NAME, matter.name_zh, values.matter_name))
        if (
            ColumnKey.MATTER_TYPE in values.present
            and values.matter_type_id != matter.matter_type_id
        ):
            before = reference.matter_type_label(matter.matter_type_id)
            after = reference.matter_type_label(values.matter_type_id)
            changes.append(FieldChange(ColumnKey.MATTER_TYPE, before, after))
        if ColumnKey.LEGAL_BASIS in values.present and values.legal_basis != matter.legal_basis:
            changes.append(
                FieldChange(ColumnKey.LEGAL_BASIS, matter.legal_basis, values.legal_basis)
            )
        return tuple(changes)

    def _entry_changes(self, entry: _Entry, values: RowValues) -> tuple[FieldChange, ...]:
        reference = self.reference
        modes = reference.modes_by_id
        compared: list[tuple[ColumnKey, str, str]] = [
            (ColumnKey.SEQUENCE, str(entry.sequence), str(values.sequence)),
            (ColumnKey.MODE, modes[entry.mode_id].name_zh, modes[values.mode_id].name_zh),
            (
                ColumnKey.GRANTING_DEPARTMENT
                if ColumnKey.GRANTING_DEPARTMENT in values.present
                else ColumnKey.DEPARTMENT,
                reference.department_label(entry.granting_department_id),
                reference.department_label(values.granting_department_id),
            ),
            (
                ColumnKey.RECEIVING_AREAS,
                reference.areas_label(entry.all_areas, entry.area_ids),
                reference.areas_label(values.all_areas, values.receiving_area_ids),
            ),
            (
                ColumnKey.SUPERVISING_DEPARTMENT,
                reference.department_label(entry.supervising_department_id),
                reference.department_label(values.supervising_department_id),
            ),
            (ColumnKey.CONDITIONS, entry.conditions, values.conditions),
            (ColumnKey.NOTES, entry.notes, values.notes),
            (ColumnKey.EFFECTIVE_ON, _iso(entry.effective_on), _iso(values.effective_on)),
            (ColumnKey.ENDS_ON, _iso(entry.ends_on), _iso(values.ends_on)),
        ]
        return tuple(
            FieldChange(key, before, after)
            for key, before, after in compared
            if key in values.present and before != after
        )

    def _check_sequences_against_edition(self) -> None:
        """A number the workbook gives must not belong to an entry the workbook leaves out."""
        for row, sequence, holder_matter_id in self.taken:
            if holder_matter_id not in self.listed:
                message = system_text(
                    "list_import.error.number_taken",
                    number=sequence,
                    matter=self.reference.matters_by_id[holder_matter_id].name_zh,
                )
                self.error(row, ColumnKey.SEQUENCE, message, "number_taken", str(sequence))

    def _plan(self) -> ImportPlan:
        listed = self.listed
        matters = self.reference.matters_by_id
        missing = tuple(
            MissingEntry(
                entry.id,
                entry.sequence,
                matters[entry.matter_id].code,
                matters[entry.matter_id].name_zh,
            )
            for entry in sorted(self.reference.entries_by_matter.values(), key=_by_sequence)
            if entry.matter_id not in listed and entry.change != ListEntry.Change.WITHDRAWN
        )
        return ImportPlan(
            annual_list_id=self.annual_list.pk,
            rows=tuple(self.rows),
            errors=self.log.sorted(),
            error_count=self.error_count,
            missing=missing if self.columns and not self.error_count else (),
            rows_read=self.rows_read,
            tallies=None if self.keep_rows else dict(self.tallies),
        )


def _whole_number(value: Any) -> int | None:
    """A 序号 cell's whole number from 1, or None."""
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= LARGEST_SEQUENCE:
        return value
    return None


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _by_sequence(entry: _Entry) -> int:
    return entry.sequence


def _unknown_value(key: ColumnKey, text: str) -> tuple[str, str]:
    """The message (stored form) and code for a name that matches nothing in the reference
    data."""
    if key == ColumnKey.MODE:
        message = system_text("list_import.error.unknown_mode", value=text, modes=MODE_NAMES)
        return message, "unknown_mode"
    if key == ColumnKey.MATTER_TYPE:
        message = system_text("list_import.error.unknown_matter_type", value=text)
        return message, "unknown_matter_type"
    return system_text("list_import.error.unknown_department", value=text), "unknown_department"


def access_list_import(*, list_import_id: int) -> ListImport:
    """An import with its edition; 404 when there is none. Callers check the office role."""
    found = (
        ListImport.objects.select_related("annual_list", "annual_list__batch", "created_by")
        .filter(pk=list_import_id)
        .first()
    )
    if found is None:
        raise Http404(_("No such import."))
    return found


def list_list_imports() -> QuerySet[ListImport]:
    """Every imported workbook, newest first."""
    return ListImport.objects.select_related(
        "annual_list", "annual_list__batch", "created_by"
    ).order_by("-created_at", "-pk")
