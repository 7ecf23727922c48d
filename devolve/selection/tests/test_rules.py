"""Pure rules of selection rounds: status moves, reading cells, the inputs' fingerprint."""

import pytest

from devolve.selection import rules
from devolve.selection.models import SELECTION_ROUND_LIFECYCLE


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "scored", True),
        ("scored", "scored", True),
        ("scored", "draft", True),
        ("scored", "decided", True),
        ("decided", "approved", True),
        ("draft", "decided", False),
        ("draft", "approved", False),
        ("approved", "draft", False),
        ("approved", "scored", False),
    ],
)
def test_status_moves(current: str, target: str, allowed: bool) -> None:
    assert (target in SELECTION_ROUND_LIFECYCLE.targets(current)) is allowed


@pytest.mark.parametrize(
    ("text", "number"),
    [("12", 12.0), (" 1,234.5 ", 1234.5), ("-3.5", -3.5), ("1e3", 1000.0), ("abc", None),
     ("nan", None), ("inf", None), ("", None)],
)  # fmt: skip
def test_parse_number(text: str, number: float | None) -> None:
    assert rules.parse_number(text) == number


@pytest.mark.parametrize(
    ("text", "missing"), [("", True), (" NA ", True), ("缺失", True), ("-", True), ("0", False)]
)
def test_missing_markers(text: str, missing: bool) -> None:
    assert rules.is_missing_marker(text) is missing


def test_the_fingerprint_ignores_key_order_but_not_values() -> None:
    first = rules.fingerprint({"a": 1, "b": [1.5, None]})

    assert first == rules.fingerprint({"b": [1.5, None], "a": 1})
    assert first != rules.fingerprint({"a": 1, "b": [1.5, 0]})
    assert len(first) == 64
