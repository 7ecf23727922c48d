"""Comparing two editions' snapshots: what was added, removed, modified or kept, in which order,
and with which reason. No DB."""

import doctest
from typing import Any

from devolve.matters import diff
from devolve.matters.diff import EditionDiff, EntryDifference, EntrySnapshot, FieldChange

BASE_VALUES: dict[str, Any] = {
    "mode": "delegate",
    "granting_department": "justice",
    "supervising_department": "",
    "all_areas": True,
    "receiving_areas": [],
    "conditions": "",
    "notes": "",
}


def snapshot(
    matter_id: int,
    sequence: int,
    *,
    change: str = "added",
    reason: str = "",
    **values: Any,
) -> EntrySnapshot:
    return EntrySnapshot(
        matter_id=matter_id,
        matter_code=f"511A{matter_id:010d}",
        matter_name_zh=f"事项{matter_id}",
        matter_name_en=f"Matter {matter_id}",
        sequence=sequence,
        values={**BASE_VALUES, **values},
        change=change,
        change_reason=reason,
    )


def kinds(result: EditionDiff) -> list[tuple[str, int]]:
    return [(difference.kind, difference.snapshot.matter_id) for difference in result.differences]


def test_an_entry_only_in_the_new_edition_is_added() -> None:
    new = snapshot(1, 1, reason="asked for by Tianfu")

    result = diff.diff_editions([], [new])

    assert result.differences == [EntryDifference("added", None, new)]
    assert (result.differences[0].snapshot, result.differences[0].reason) == (
        new,
        "asked for by Tianfu",
    )


def test_an_entry_missing_from_the_new_edition_is_removed_without_a_reason() -> None:
    old = snapshot(1, 1)

    result = diff.diff_editions([old], [])

    assert result.differences == [EntryDifference("removed", old, None)]
    assert (result.differences[0].snapshot, result.differences[0].reason) == (old, "")


def test_an_entry_withdrawn_in_the_new_edition_is_removed_with_its_reason() -> None:
    old = snapshot(1, 1)
    withdrawn = snapshot(1, 1, change="withdrawn", reason="Fiscal reform completed.")

    result = diff.diff_editions([old], [withdrawn])

    assert result.differences == [EntryDifference("removed", old, withdrawn)]
    assert result.differences[0].reason == "Fiscal reform completed."
    assert result.counts == {"added": 0, "removed": 1, "modified": 0, "unchanged": 0}


def test_an_identical_entry_is_unchanged_even_if_its_number_moved() -> None:
    old = snapshot(1, 1)
    new = snapshot(1, 7, change="kept")

    result = diff.diff_editions([old], [new])

    assert result.differences == [EntryDifference("unchanged", old, new, [])]


def test_values_outside_the_compared_fields_do_not_count() -> None:
    old = snapshot(1, 1, sub_items=["a"])
    new = snapshot(1, 1, change="kept", sub_items=["b"])

    assert kinds(diff.diff_editions([old], [new])) == [("unchanged", 1)]


def test_a_modified_entry_lists_each_changed_field_in_a_fixed_order() -> None:
    old = snapshot(1, 1)
    new = snapshot(
        1,
        1,
        change="modified",
        reason="The law requires the department to keep the decision.",
        notes="only for Tianfu",
        mode="entrust",
        receiving_areas=["tianfu"],
        all_areas=False,
    )

    (difference,) = diff.diff_editions([old], [new]).differences

    assert (difference.kind, difference.old, difference.new) == ("modified", old, new)
    assert difference.changes == [
        FieldChange("mode", "delegate", "entrust"),
        FieldChange("all_areas", True, False),
        FieldChange("receiving_areas", [], ["tianfu"]),
        FieldChange("notes", "", "only for Tianfu"),
    ]
    assert difference.reason == "The law requires the department to keep the decision."


def test_every_compared_field_is_reported() -> None:
    old = snapshot(1, 1)
    changed = {
        "mode": "both",
        "granting_department": "finance",
        "supervising_department": "justice",
        "all_areas": False,
        "receiving_areas": ["east", "west"],
        "conditions": "after training",
        "notes": "pilot",
    }
    new = snapshot(1, 1, change="modified", **changed)

    (difference,) = diff.diff_editions([old], [new]).differences

    assert difference.changes == [
        FieldChange(name, BASE_VALUES[name], changed[name]) for name in diff.COMPARED_FIELDS
    ]


def test_a_field_missing_on_one_side_is_compared_as_none() -> None:
    old = EntrySnapshot(1, "X1", "甲", "A", 1, {"mode": "delegate"})
    new = EntrySnapshot(1, "X1", "甲", "A", 1, {"mode": "delegate", "notes": "new"}, "modified")

    (difference,) = diff.diff_editions([old], [new]).differences

    assert difference.changes == [FieldChange("notes", None, "new")]


def test_an_entry_withdrawn_in_the_old_edition_and_listed_again_is_added() -> None:
    old = snapshot(1, 1, change="withdrawn", reason="suspended")
    new = snapshot(1, 1, reason="restored")

    result = diff.diff_editions([old], [new])

    assert result.differences == [EntryDifference("added", None, new)]


def test_an_entry_withdrawn_in_the_old_edition_and_absent_now_is_not_listed() -> None:
    old = snapshot(1, 1, change="withdrawn", reason="suspended")

    assert diff.diff_editions([old], []).differences == []


def test_an_entry_withdrawn_in_both_editions_is_not_listed() -> None:
    old = snapshot(1, 1, change="withdrawn", reason="suspended")
    new = snapshot(1, 1, change="withdrawn", reason="still suspended")

    assert diff.diff_editions([old], [new]).differences == []


def test_a_withdrawn_entry_with_no_live_predecessor_is_not_listed() -> None:
    new = snapshot(1, 1, change="withdrawn", reason="never there")

    assert diff.diff_editions([], [new]).differences == []


def test_order_follows_the_new_edition_then_entries_missing_from_it() -> None:
    old = [
        snapshot(5, 1),  # gone
        snapshot(2, 2),
        snapshot(3, 3),  # gone
        snapshot(4, 4),
        snapshot(6, 5),
    ]
    new = [  # given out of order on purpose
        snapshot(9, 4),
        snapshot(4, 1, change="kept"),
        snapshot(6, 3, change="withdrawn", reason="done"),
        snapshot(2, 2, change="modified", notes="changed"),
    ]

    result = diff.diff_editions(old, new)

    assert kinds(result) == [
        ("unchanged", 4),
        ("modified", 2),
        ("removed", 6),  # withdrawn: keeps its place in the new edition
        ("added", 9),
        ("removed", 5),  # missing: after the new edition, in the old edition's order
        ("removed", 3),
    ]
    assert result.counts == {"added": 1, "removed": 3, "modified": 1, "unchanged": 1}
    assert [difference.snapshot.matter_id for difference in result.of_kind("removed")] == [6, 5, 3]


def test_two_empty_editions_have_no_differences() -> None:
    result = diff.diff_editions([], [])

    assert (result.differences, result.counts) == (
        [],
        {"added": 0, "removed": 0, "modified": 0, "unchanged": 0},
    )


def test_of_kind_selects_one_kind_and_knows_no_other() -> None:
    old, new = snapshot(1, 1), snapshot(1, 1, change="kept")
    result = diff.diff_editions([old], [new])

    assert result.of_kind("unchanged") == [EntryDifference("unchanged", old, new, [])]
    assert (result.of_kind("added"), result.of_kind("split")) == ([], [])


def test_snapshot_is_withdrawn() -> None:
    assert [snapshot(1, 1, change=change).is_withdrawn for change in ("withdrawn", "kept")] == [
        True,
        False,
    ]


def test_the_module_doctest_passes() -> None:
    results = doctest.testmod(diff)
    assert (results.attempted, results.failed) == (4, 0)
