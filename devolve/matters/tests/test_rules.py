"""Pure rules of editions: every status pair, and which modes fit which kind of matter. No DB."""

import itertools

import pytest

from devolve.matters import rules
from devolve.matters.models import AnnualList, AuthorizationMode, Matter
from devolve.matters.rules import ListStatus

S = ListStatus

# Written out by hand from the lifecycle (draft → in review → approved → published →
# superseded, review may send back to draft, approval may be reopened to review), not read from
# the table under test.
ALLOWED = {
    (S.DRAFT, S.IN_REVIEW),
    (S.IN_REVIEW, S.DRAFT),
    (S.IN_REVIEW, S.APPROVED),
    (S.APPROVED, S.IN_REVIEW),
    (S.APPROVED, S.PUBLISHED),
    (S.PUBLISHED, S.SUPERSEDED),
}
ALL_PAIRS = list(itertools.product(ListStatus, repeat=2))
REFUSED = [pair for pair in ALL_PAIRS if pair not in ALLOWED]


def test_the_pairs_cover_every_status_twice_over() -> None:
    assert (len(ALL_PAIRS), len(ALLOWED), len(REFUSED)) == (25, 6, 19)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_an_allowed_change_of_status(current: ListStatus, target: ListStatus) -> None:
    assert rules.can_change_list_status(current.value, target.value) is True


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_a_refused_change_of_status(current: ListStatus, target: ListStatus) -> None:
    assert rules.can_change_list_status(current.value, target.value) is False


def test_superseded_is_the_only_terminal_status() -> None:
    terminal = [status for status, targets in rules.ALLOWED_LIST_TRANSITIONS.items() if not targets]
    assert (set(rules.ALLOWED_LIST_TRANSITIONS), terminal) == (set(ListStatus), [S.SUPERSEDED])


def test_the_rule_statuses_are_the_model_statuses() -> None:
    assert sorted(status.value for status in ListStatus) == sorted(AnnualList.Status.values)


@pytest.mark.parametrize(("current", "target"), [("draft", "archived"), ("lost", "draft")])
def test_an_unknown_status_is_an_error(current: str, target: str) -> None:
    with pytest.raises(ValueError, match="is not a valid ListStatus"):
        rules.can_change_list_status(current, target)


@pytest.mark.parametrize(
    ("mode_code", "matter_kind", "fits"),
    [
        ("delegate", "power", True),
        ("entrust", "power", True),
        ("both", "power", True),
        ("support", "power", False),
        ("delegate", "support", False),
        ("entrust", "support", False),
        ("both", "support", False),
        ("support", "support", True),
        ("unknown", "power", False),
        ("unknown", "support", False),
    ],
)
def test_mode_fits_matter(mode_code: str, matter_kind: str, fits: bool) -> None:
    assert rules.mode_fits_matter(mode_code=mode_code, matter_kind=matter_kind) is fits


def test_the_rule_modes_are_the_model_modes_and_kinds() -> None:
    assert sorted([*rules.POWER_MODES, rules.SUPPORT_MODE]) == sorted(AuthorizationMode.Code.values)
    assert sorted(Matter.Kind.values) == ["power", "support"]
