"""The difference between two editions as people read it, on the page and in .xlsx.

``matters.diff`` compares entries as codes and slugs; here each field gets its label and each
value its name in the page's language (a mode's name, a department's, the receiving areas'). The
same rows feed the page and the workbook, so the download says exactly what the page says.
``workbook_bytes`` also writes the take-up matrix's download.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from devolve.core.i18n import in_current_language
from devolve.matters.diff import COMPARED_FIELDS, EditionDiff, EntryDifference, EntrySnapshot
from devolve.matters.models import ListEntry

KIND_LABELS: dict[str, str | Promise] = {
    "added": _("Added"),
    "removed": _("Removed"),
    "modified": _("Modified"),
    "unchanged": _("Unchanged"),
}
# The order the page lists the kinds of difference in (unchanged entries last, folded away).
KINDS = ("added", "removed", "modified", "unchanged")
NOTHING = "—"


@dataclass(frozen=True)
class ValueLabels:
    """Names for the codes an entry snapshot holds, in the page's language."""

    modes: dict[str, str]
    departments: dict[str, str]
    zones: dict[str, str]

    def label(self, field: str, value: Any) -> str:
        if field == "mode":
            return self.modes.get(value, str(value))
        if field in {"granting_department", "supervising_department"}:
            return self.departments.get(value, str(value)) if value else NOTHING
        if field == "all_areas":
            return gettext("Yes") if value else gettext("No")
        if field == "receiving_areas":
            return "、".join(self.zones.get(slug, slug) for slug in value or []) or NOTHING
        return str(value) if value not in (None, "") else NOTHING


def field_label(field: str) -> str:
    return capfirst(str(getattr(ListEntry._meta.get_field(field), "verbose_name", field)))


@dataclass(frozen=True)
class ShownChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ShownDifference:
    kind: str
    kind_label: str
    sequence: int
    matter_code: str
    matter_name: str
    changes: list[ShownChange]
    reason: str


def _has_value(value: Any) -> bool:
    return value not in (None, "", [])


def _all_fields(snapshot: EntrySnapshot, labels: ValueLabels, *, after: bool) -> list[ShownChange]:
    """Every field an added (``after``) or removed entry has, against nothing on the other side.

    The receiving areas read "all pilot areas of the batch" where the entry reaches them all.
    """
    changes = []
    for field in COMPARED_FIELDS:
        value = snapshot.values.get(field)
        if field == "all_areas" or not (_has_value(value) or field == "receiving_areas"):
            continue
        shown = labels.label(field, value)
        if field == "receiving_areas" and snapshot.values.get("all_areas"):
            shown = gettext("All pilot areas of the batch")
        changes.append(
            ShownChange(
                field,
                field_label(field),
                NOTHING if after else shown,
                shown if after else NOTHING,
            )
        )
    return changes


def _shown(difference: EntryDifference, labels: ValueLabels) -> ShownDifference:
    snapshot = difference.snapshot
    if difference.kind == "added":
        changes = _all_fields(snapshot, labels, after=True)
    elif difference.kind == "removed":
        assert difference.old is not None  # noqa: S101 — a removed entry was in the old edition
        changes = _all_fields(difference.old, labels, after=False)
    else:
        changes = [
            ShownChange(
                change.field,
                field_label(change.field),
                labels.label(change.field, change.before),
                labels.label(change.field, change.after),
            )
            for change in difference.changes
        ]
    return ShownDifference(
        kind=difference.kind,
        kind_label=str(KIND_LABELS[difference.kind]),
        sequence=snapshot.sequence,
        matter_code=snapshot.matter_code,
        matter_name=in_current_language(zh=snapshot.matter_name_zh, en=snapshot.matter_name_en),
        changes=changes,
        reason=difference.reason,
    )


def present_diff(diff: EditionDiff, labels: ValueLabels) -> list[ShownDifference]:
    """Every difference of ``diff``, in its order, with labels instead of codes."""
    return [_shown(difference, labels) for difference in diff.differences]


def diff_rows(differences: Iterable[ShownDifference]) -> list[list[Any]]:
    """One row per changed field (one for an unchanged entry), under a header row."""
    rows: list[list[Any]] = [
        [
            gettext("Change"),
            gettext("No."),
            gettext("Matter code"),
            gettext("Matter"),
            gettext("Field"),
            gettext("Before"),
            gettext("After"),
            gettext("Reason"),
        ]
    ]
    for difference in differences:
        start = [
            difference.kind_label,
            difference.sequence,
            difference.matter_code,
            difference.matter_name,
        ]
        if not difference.changes:
            rows.append([*start, "", "", "", difference.reason])
        rows.extend(
            [*start, change.label, change.before, change.after, difference.reason]
            for change in difference.changes
        )
    return rows


def diff_workbook(
    *,
    edition: str,
    against: str,
    counts: dict[str, int],
    differences: Sequence[ShownDifference],
) -> bytes:
    """The diff as .xlsx: a summary sheet with the counts, then every difference field by field."""
    summary: list[list[Any]] = [
        [gettext("Edition"), edition],
        [gettext("Compared with"), against],
        *([str(KIND_LABELS[kind]), counts[kind]] for kind in KINDS),
    ]
    return workbook_bytes(
        [(gettext("Summary"), summary), (gettext("Differences"), diff_rows(differences))]
    )


def _cell(sheet: Any, value: Any) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text
    return cell


def workbook_bytes(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> bytes:
    """An .xlsx file with one sheet per ``(title, rows)``, the first row of each bold."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for number, row in enumerate(rows):
            cells = [_cell(sheet, value) for value in row]
            if number == 0:
                for cell in cells:
                    cell.font = Font(bold=True)
            sheet.append(cells)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
