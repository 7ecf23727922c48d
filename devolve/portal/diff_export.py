"""The difference between two editions as people read it, on the page and in .xlsx.

``matters.diff`` compares entries as codes and slugs; ``matters.readable`` gives each field its
label and each value its name in the page's language (a mode's name, a department's, the
receiving areas'). The
same rows feed the page and the workbook, so the download says exactly what the page says.
The workbook is written by ``devolve.core.spreadsheets``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from devolve.core.actions import render_text
from devolve.core.i18n import in_current_language
from devolve.core.spreadsheets import Sheet, xlsx_bytes
from devolve.matters.diff import COMPARED_FIELDS, EditionDiff, EntryDifference, EntrySnapshot
from devolve.matters.readable import (
    NOTHING,
    ShownChange,
    ValueLabels,
    field_label,
    shown_changes,
)

KIND_LABELS: dict[str, str | Promise] = {
    "added": _("Added"),
    "removed": _("Removed"),
    "modified": _("Modified"),
    "unchanged": _("Unchanged"),
}
# The order the page lists the kinds of difference in (unchanged entries last, folded away).
KINDS = ("added", "removed", "modified", "unchanged")


@dataclass(frozen=True)
class ShownDifference:
    kind: str
    kind_label: str
    sequence: int
    matter_code: str
    matter_name: str
    changes: list[ShownChange]
    reason: str
    matter_key: str = ""


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
        assert difference.old is not None  # noqa: S101 — a modified entry has both sides
        changes = shown_changes(
            difference.old.values,
            snapshot.values,
            [change.field for change in difference.changes],
            labels,
        )
    return ShownDifference(
        kind=difference.kind,
        kind_label=str(KIND_LABELS[difference.kind]),
        sequence=snapshot.sequence,
        matter_code=snapshot.matter_code,
        matter_name=in_current_language(zh=snapshot.matter_name_zh, en=snapshot.matter_name_en),
        changes=changes,
        reason=render_text(difference.reason),
        matter_key=snapshot.matter_key,
    )


def present_diff(diff: EditionDiff, labels: ValueLabels) -> list[ShownDifference]:
    """Every difference of ``diff``, in its order, with labels instead of codes."""
    return [_shown(difference, labels) for difference in diff.differences]


def by_kind(differences: Iterable[ShownDifference]) -> list[ShownDifference]:
    """The differences grouped in the page's order of kinds, each kind in its edition's order."""
    return sorted(differences, key=lambda difference: KINDS.index(difference.kind))


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
    rows = diff_rows(differences)
    return xlsx_bytes(
        [
            Sheet(name=gettext("Summary"), header=[summary[0]], rows=summary[1:]),
            Sheet(name=gettext("Differences"), header=rows[:1], rows=rows[1:]),
        ]
    )
