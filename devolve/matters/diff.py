"""Comparing two editions entry by entry. Pure: works on snapshots, knows no ORM.

Entries are matched by matter (the identity that persists across editions). An entry withdrawn
in the newer edition counts as removed; its reason comes from the withdrawing entry.
"""

from dataclasses import dataclass, field
from typing import Any

COMPARED_FIELDS = (
    "mode",
    "granting_department",
    "supervising_department",
    "all_areas",
    "receiving_areas",
    "conditions",
    "notes",
)


@dataclass(frozen=True)
class EntrySnapshot:
    """One entry as plain values: codes and slugs, never model instances."""

    matter_id: int
    matter_code: str
    matter_name_zh: str
    matter_name_en: str
    sequence: int
    values: dict[str, Any]
    change: str = "added"
    change_reason: str = ""
    matter_key: str = ""  # the matter's public key, for links to its page

    @property
    def is_withdrawn(self) -> bool:
        return self.change == "withdrawn"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class EntryDifference:
    kind: str  # "added", "removed", "modified" or "unchanged"
    old: EntrySnapshot | None
    new: EntrySnapshot | None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def snapshot(self) -> EntrySnapshot:
        snapshot = self.new or self.old
        assert snapshot is not None  # noqa: S101 — a difference always has one side
        return snapshot

    @property
    def reason(self) -> str:
        return self.new.change_reason if self.new is not None else ""


@dataclass(frozen=True)
class EditionDiff:
    differences: list[EntryDifference]

    def of_kind(self, kind: str) -> list[EntryDifference]:
        return [difference for difference in self.differences if difference.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        kinds = ("added", "removed", "modified", "unchanged")
        return {kind: len(self.of_kind(kind)) for kind in kinds}


def diff_editions(old: list[EntrySnapshot], new: list[EntrySnapshot]) -> EditionDiff:
    """Every matter of either edition once, in the newer edition's order, removed ones last.

    >>> a = EntrySnapshot(1, "X1", "甲", "A", 1, {"mode": "delegate"})
    >>> b = EntrySnapshot(1, "X1", "甲", "A", 1, {"mode": "entrust"}, "modified", "law changed")
    >>> (difference,) = diff_editions([a], [b]).differences
    >>> difference.kind, [(c.field, c.before, c.after) for c in difference.changes]
    ('modified', [('mode', 'delegate', 'entrust')])
    """
    old_live = {snapshot.matter_id: snapshot for snapshot in old if not snapshot.is_withdrawn}
    differences: list[EntryDifference] = []
    seen: set[int] = set()
    for snapshot in sorted(new, key=lambda item: item.sequence):
        seen.add(snapshot.matter_id)
        before = old_live.get(snapshot.matter_id)
        if snapshot.is_withdrawn:
            if before is not None:
                differences.append(EntryDifference("removed", before, snapshot))
            continue
        if before is None:
            differences.append(EntryDifference("added", None, snapshot))
            continue
        changes = [
            FieldChange(name, before.values.get(name), snapshot.values.get(name))
            for name in COMPARED_FIELDS
            if before.values.get(name) != snapshot.values.get(name)
        ]
        differences.append(
            EntryDifference("modified" if changes else "unchanged", before, snapshot, changes)
        )
    for matter_id, before in sorted(old_live.items(), key=lambda item: item[1].sequence):
        if matter_id not in seen:
            differences.append(EntryDifference("removed", before, None))
    return EditionDiff(differences)
