"""Reading an official list workbook (.xlsx) into an import plan: the dry run, which writes nothing.

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
import datetime
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook  # type: ignore[import-untyped]

from devolve.core.errors import DomainError
from devolve.matters import rules
from devolve.matters.list_workbook import (
    ALL_AREAS,
    AREA_SEPARATOR,
    COLUMN_BY_KEY,
    COLUMNS,
    MIN_RECOGNISED_HEADERS,
    ColumnKey,
    column_for_header,
    column_letter,
    is_all_areas,
    normalize,
    split_areas,
)
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    Department,
    ListEntry,
    ListImport,
    Matter,
    MatterType,
)
from devolve.regions.models import BatchMembership, Zone

# Official lists run to a few hundred rows; 20,000 leaves room for any catalogue-wide list while
# keeping a background check to seconds.
MAX_ROWS = 20_000
# Rows between two progress reports (each report is one UPDATE of the import's row).
PROGRESS_EVERY = 500
# Errors kept for display; a wholly wrong file would otherwise produce one per cell.
MAX_REPORTED_ERRORS = 1_000
# The header row sits below at most a few title rows.
HEADER_SEARCH_ROWS = 10
# A password-protected .xlsx is an encrypted OLE compound file, as is an old .xls workbook.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
LARGEST_SEQUENCE = 2_147_483_647

ProgressCallback = Callable[[int, int], None]


class RowAction(StrEnum):
    ADD = "add"
    CHANGE = "change"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowError:
    """A problem of the workbook: its row (None for the file as a whole), the column's header as
    written in the workbook, the column's letter and a message for people."""

    row: int | None
    column: str
    message: str
    code: str
    letter: str = ""


@dataclass(frozen=True)
class FieldChange:
    key: ColumnKey
    before: str
    after: str

    @property
    def column(self) -> str:
        return COLUMN_BY_KEY[self.key].header


@dataclass(frozen=True)
class RowValues:
    """A checked row with names resolved to ids. ``present`` holds the columns the workbook has:
    a column left out changes nothing."""

    sequence: int
    matter_code: str
    matter_name: str
    matter_kind: str
    matter_type_id: int | None
    department_id: int
    legal_basis: str
    mode_id: int
    all_areas: bool
    receiving_area_ids: tuple[int, ...]
    supervising_department_id: int | None
    conditions: str
    notes: str
    present: frozenset[ColumnKey]


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


@dataclass(frozen=True)
class ImportPlan:
    annual_list_id: int
    rows: tuple[PlannedRow, ...] = ()
    errors: tuple[RowError, ...] = ()
    error_count: int = 0
    missing: tuple[MissingEntry, ...] = ()
    rows_read: int = 0  # rows of the list read below the header, blank rows left out

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    def rows_to(self, action: RowAction) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "add": len(self.rows_to(RowAction.ADD)),
            "change": len(self.rows_to(RowAction.CHANGE)),
            "unchanged": len(self.rows_to(RowAction.UNCHANGED)),
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
             "message": error.message, "code": error.code}
            for error in self.errors
        ]  # fmt: skip


class WorkbookRefused(DomainError):
    """A workbook with errors: nothing of it is applied. ``plan`` holds every error."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(
            "invalid_workbook",
            ngettext(
                "The workbook has %(count)d error; nothing was imported.",
                "The workbook has %(count)d errors; nothing was imported.",
                plan.error_count,
            )
            % {"count": plan.error_count},
        )
        self.plan = plan


def max_import_bytes() -> int:
    return int(settings.DEVOLVE_IMPORT_MAX_BYTES)


def plan_list_import(
    *,
    annual_list: AnnualList,
    workbook: IO[bytes],
    on_progress: ProgressCallback | None = None,
) -> ImportPlan:
    """Check ``workbook`` against ``annual_list`` and the catalogue; write nothing.

    ``on_progress(rows_done, rows_total)`` is called every ``PROGRESS_EVERY`` rows and at the end.
    """
    file_error = _check_file(workbook)
    if file_error is not None:
        return _refused(annual_list, file_error)
    try:
        book = load_workbook(workbook, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error for a broken or foreign package
        return _refused(annual_list, _not_xlsx())
    try:
        planner = _Planner(annual_list=annual_list, reference=_Reference.load(annual_list))
        sheet = book.worksheets[0]
        return planner.read(sheet.iter_rows(), estimate=sheet.max_row, on_progress=on_progress)
    except (ValueError, KeyError, OSError, SyntaxError):  # a sheet that breaks while read
        return _refused(annual_list, _not_xlsx())
    finally:
        book.close()


def _refused(annual_list: AnnualList, error: RowError) -> ImportPlan:
    return ImportPlan(annual_list_id=annual_list.pk, errors=(error,), error_count=1)


def _not_xlsx() -> RowError:
    return RowError(
        None, "", _("The file is not an Excel workbook (.xlsx). Save it as .xlsx."), "not_xlsx"
    )


def _check_file(workbook: IO[bytes]) -> RowError | None:
    workbook.seek(0, os.SEEK_END)
    size = workbook.tell()
    workbook.seek(0)
    head = workbook.read(len(OLE_SIGNATURE))
    workbook.seek(0)
    if size > max_import_bytes():
        return RowError(
            None,
            "",
            _("The file is %(size)s MB; the largest accepted is %(limit)s MB.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": f"{max_import_bytes() / 1_048_576:.1f}"},
            "too_large",
        )
    if head == OLE_SIGNATURE:
        return RowError(
            None,
            "",
            _(
                "The file is password-protected or an old .xls workbook. Remove the password and "
                "save it as .xlsx."
            ),
            "encrypted",
        )
    if not head.startswith(ZIP_SIGNATURE):
        return _not_xlsx()
    return None


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
        entries = [
            _Entry(pk, sequence, matter_id, mode_id, granting, supervising, all_areas,
                   tuple(sorted(areas.get(pk, []))), conditions, notes, change)
            for (pk, sequence, matter_id, mode_id, granting, supervising, all_areas, conditions,
                 notes, change) in ListEntry.objects.filter(annual_list=annual_list).values_list(
                "pk", "sequence", "matter_id", "mode_id", "granting_department_id",
                "supervising_department_id", "all_areas", "conditions", "notes", "change",
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


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


class _RowRejected(Exception):
    """The row has an error already recorded; stop checking it."""


class _Planner:
    """Walks the rows once, collecting planned rows and errors."""

    def __init__(self, *, annual_list: AnnualList, reference: _Reference) -> None:
        self.annual_list = annual_list
        self.reference = reference
        self.columns: dict[ColumnKey, tuple[int, str]] = {}
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows: list[PlannedRow] = []
        self.rows_by_sequence: dict[int, int] = {}
        self.rows_by_matter: dict[tuple[object, ...], int] = {}
        self.saw_text = False
        self.rows_read = 0

    def error(self, row: int | None, key: ColumnKey | None, message: str, code: str) -> None:
        if key is None:
            self._record(RowError(row, "", message, code))
            return
        index, header = self.columns.get(key, (None, COLUMN_BY_KEY[key].header))
        self._record(
            RowError(row, header, message, code, column_letter(index) if index is not None else "")
        )

    def _record(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def read(
        self,
        rows: Iterable[tuple[Any, ...]],
        *,
        estimate: int | None,
        on_progress: ProgressCallback | None,
    ) -> ImportPlan:
        header_row = 0
        data_rows = 0
        rows_total = 0
        for number, cells in enumerate(rows, start=1):
            if not header_row:
                if number > HEADER_SEARCH_ROWS:
                    break
                if self._read_header(number, cells):
                    if self.error_count:
                        return self._plan()
                    header_row = number
                    rows_total = max(0, (estimate or 0) - header_row)
                continue
            if all(_text(cell.value) == "" for cell in cells):
                continue
            data_rows += 1
            self.rows_read = min(data_rows, MAX_ROWS)
            if data_rows > MAX_ROWS:
                self.error(
                    number,
                    None,
                    _("The workbook has more than %(limit)s rows; split it into smaller ones.")
                    % {"limit": f"{MAX_ROWS:,}"},
                    "too_many_rows",
                )
                return self._plan()
            with contextlib.suppress(_RowRejected):
                self._read_row(number, cells)
            if on_progress is not None and data_rows % PROGRESS_EVERY == 0:
                on_progress(data_rows, max(rows_total, data_rows))
        if not header_row and not self.saw_text:
            self.error(None, None, _("The workbook is empty."), "empty")
        elif not header_row:
            self.error(
                1,
                None,
                _(
                    "No header row in the first %(count)d rows: name the list's columns (序号, "
                    "事项名称 …) above its rows."
                )
                % {"count": HEADER_SEARCH_ROWS},
                "missing_header",
            )
        elif data_rows == 0:
            self.error(header_row, None, _("The workbook lists no matters."), "empty")
        else:
            self._check_sequences_against_edition()
        if on_progress is not None:
            on_progress(data_rows, data_rows)
        return self._plan()

    def _read_header(self, number: int, cells: tuple[Any, ...]) -> bool:
        """Take ``cells`` as the header row when they name enough columns; record its errors."""
        texts = [_text(cell.value) for cell in cells]
        self.saw_text = self.saw_text or any(texts)
        recognised = [column_for_header(text) if text else None for text in texts]
        if sum(1 for column in recognised if column is not None) < MIN_RECOGNISED_HEADERS:
            return False
        for index, (text, column) in enumerate(zip(texts, recognised, strict=True)):
            if not text:
                continue
            if column is None:
                message = _("Unknown column “%(header)s”.") % {"header": text}
                self._record(
                    RowError(number, text, message, "unknown_header", column_letter(index))
                )
            elif column.key in self.columns:
                message = _("The column “%(header)s” appears twice.") % {"header": text}
                self._record(
                    RowError(number, text, message, "duplicate_header", column_letter(index))
                )
            else:
                self.columns[column.key] = (index, text)
        for column in COLUMNS:
            if column.required and column.key not in self.columns:
                message = _("The column “%(header)s” (%(english)s) is missing.") % {
                    "header": column.header,
                    "english": column.header_en,
                }
                self._record(RowError(number, column.header, message, "missing_header"))
        return True

    def _cell(self, cells: tuple[Any, ...], key: ColumnKey) -> Any:
        position = self.columns.get(key)
        if position is None or position[0] >= len(cells):
            return None
        return cells[position[0]]

    def _read_row(self, number: int, cells: tuple[Any, ...]) -> None:
        texts: dict[ColumnKey, str] = {}
        errors_before = self.error_count
        for key in self.columns:
            cell = self._cell(cells, key)
            # data_only=False keeps a formula as its text (data type "f"), so the cached result
            # of a formula, which may be stale or missing, is never imported as a value.
            if cell is not None and getattr(cell, "data_type", None) == "f":
                message = _("A formula is not accepted here; enter the value itself.")
                self.error(number, key, message, "formula")
            texts[key] = _text(cell.value) if cell is not None else ""
        if self.error_count > errors_before:
            raise _RowRejected
        sequence = self._sequence(number, self._cell(cells, ColumnKey.SEQUENCE))
        name = self._required(number, texts, ColumnKey.MATTER_NAME)
        code = texts.get(ColumnKey.MATTER_CODE, "")
        self._check_length(number, ColumnKey.MATTER_NAME, name, self.reference.name_length)
        self._check_length(number, ColumnKey.MATTER_CODE, code, self.reference.code_length)
        department = self._look_up(number, texts, ColumnKey.DEPARTMENT, self.reference.departments)
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
            message = _(
                "%(mode)s does not fit “%(matter)s”: a power is delegated or entrusted, a "
                "support matter is supported."
            ) % {"mode": mode.name_zh, "matter": name}
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
            legal_basis=texts.get(ColumnKey.LEGAL_BASIS, ""),
            mode_id=mode.id,
            all_areas=areas[0],
            receiving_area_ids=areas[1],
            supervising_department_id=supervisor.id if supervisor else None,
            conditions=texts.get(ColumnKey.CONDITIONS, ""),
            notes=texts.get(ColumnKey.NOTES, ""),
            present=frozenset(self.columns),
        )
        self._check_unique(number, values, matter)
        self.rows.append(self._planned(number, values, matter))

    def _required(self, number: int, texts: dict[ColumnKey, str], key: ColumnKey) -> str:
        text = texts.get(key, "")
        if not text and key in self.columns:
            self.error(number, key, _("This cell must not be empty."), "required")
        return text

    def _check_length(self, number: int, key: ColumnKey, text: str, limit: int) -> None:
        if len(text) > limit:
            message = _("At most %(limit)d characters (this has %(length)d).") % {
                "limit": limit,
                "length": len(text),
            }
            self.error(number, key, message, "too_long")

    def _sequence(self, number: int, cell: Any) -> int | None:
        value = cell.value if cell is not None else None
        if isinstance(value, str) and value.strip().isdecimal():
            value = int(value.strip())
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= LARGEST_SEQUENCE:
            return value
        if value is None or _text(value) == "":
            self.error(number, ColumnKey.SEQUENCE, _("This cell must not be empty."), "required")
            return None
        message = _("“%(value)s” is not a row number: enter a whole number from 1.") % {
            "value": _text(value)
        }
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
                message = _("Unknown receiving area “%(value)s”.") % {"value": name}
                self.error(number, ColumnKey.RECEIVING_AREAS, message, "unknown_area")
            elif zone.id not in self.reference.members:
                message = _("%(area)s is not a pilot area of %(batch)s.") % {
                    "area": zone.name_zh,
                    "batch": self.annual_list.batch,
                }
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
            message = _(
                "%(count)d matters of %(department)s are called “%(name)s”: give the 事项编码."
            ) % {"count": len(candidates), "department": department.name_zh, "name": name}
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
            self.error(
                number, ColumnKey.MATTER_TYPE, _("A power needs a matter type."), "type_required"
            )
            raise _RowRejected
        if kind == Matter.Kind.SUPPORT and matter_type is not None:
            message = _("A support matter has no matter type; leave the cell empty.")
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
            message = _("The same matter as row %(row)d.") % {"row": earlier}
            self.error(number, ColumnKey.MATTER_NAME, message, "duplicate_row")
            raise _RowRejected
        earlier = self.rows_by_sequence.get(values.sequence)
        if earlier is not None:
            message = _("Row %(row)d has the same number.") % {"row": earlier}
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
            message = _(
                "This matter is withdrawn from the edition; leave it out of the workbook, or "
                "remove the withdrawal on the edition's page first."
            )
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
                ColumnKey.DEPARTMENT,
                reference.department_label(entry.granting_department_id),
                reference.department_label(values.department_id),
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
        ]
        return tuple(
            FieldChange(key, before, after)
            for key, before, after in compared
            if key in values.present and before != after
        )

    def _check_sequences_against_edition(self) -> None:
        """A number the workbook gives must not belong to an entry the workbook leaves out."""
        listed = {row.matter_id for row in self.rows if row.matter_id is not None}
        for row in self.rows:
            holder = self.reference.entries_by_sequence.get(row.values.sequence)
            if holder is not None and holder.matter_id not in listed:
                message = _(
                    "Number %(number)d belongs to “%(matter)s” in the edition, which the workbook "
                    "does not list."
                ) % {
                    "number": row.values.sequence,
                    "matter": self.reference.matters_by_id[holder.matter_id].name_zh,
                }
                self.error(row.row, ColumnKey.SEQUENCE, message, "number_taken")

    def _plan(self) -> ImportPlan:
        listed = {row.matter_id for row in self.rows}
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
            errors=tuple(sorted(self.errors, key=lambda error: error.row or 0)),
            error_count=self.error_count,
            missing=missing if self.columns and not self.error_count else (),
            rows_read=self.rows_read,
        )


def _by_sequence(entry: _Entry) -> int:
    return entry.sequence


def _unknown_value(key: ColumnKey, text: str) -> tuple[str, str]:
    """The message and code for a name that matches nothing in the reference data."""
    if key == ColumnKey.MODE:
        message = _("Unknown mode “%(value)s”: use 下放, 委托, 既下放又委托 or 支持事项.")
        return message % {"value": text}, "unknown_mode"
    if key == ColumnKey.MATTER_TYPE:
        return _("Unknown matter type “%(value)s”.") % {"value": text}, "unknown_matter_type"
    return _("Unknown department “%(value)s”.") % {"value": text}, "unknown_department"


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


def list_list_imports(*, limit: int = 50) -> list[ListImport]:
    return list(
        ListImport.objects.select_related(
            "annual_list", "annual_list__batch", "created_by"
        ).order_by("-created_at", "-pk")[:limit]
    )
