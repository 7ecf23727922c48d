"""Pure rules of editions: every status pair, and which modes fit which kind of matter. No DB."""

import itertools

import pytest

from devolve.matters import rules
from devolve.matters.models import ANNUAL_LIST_LIFECYCLE, AnnualList, AuthorizationMode, Matter

S = AnnualList.Status

# Written out by hand from the lifecycle (draft → in review → approved → published →
# superseded, review may send back to draft), not read from the table under test.
ALLOWED = {
    (S.DRAFT, S.IN_REVIEW),
    (S.IN_REVIEW, S.DRAFT),
    (S.IN_REVIEW, S.APPROVED),
    (S.APPROVED, S.PUBLISHED),
    (S.PUBLISHED, S.SUPERSEDED),
}
ALL_PAIRS = list(itertools.product(S, repeat=2))


def test_the_pairs_cover_every_status() -> None:
    assert (len(ALL_PAIRS), len(ALLOWED)) == (25, 5)


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_a_change_of_status_is_allowed_exactly_when_the_lifecycle_says(
    current: AnnualList.Status, target: AnnualList.Status
) -> None:
    assert (target in ANNUAL_LIST_LIFECYCLE.targets(current)) is ((current, target) in ALLOWED)


def test_superseded_is_the_only_terminal_status() -> None:
    terminal = [status for status in S if ANNUAL_LIST_LIFECYCLE.is_final(status)]
    assert terminal == [S.SUPERSEDED]


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


@pytest.mark.parametrize(
    ("title", "derived"),
    [
        ("2024年度第一批集成授权事项清单", "2025年度第一批集成授权事项清单"),
        ("Authorization list 2024, batch 1", "Authorization list 2025, batch 1"),
        ("第一批清单", "第一批清单"),
        ("", ""),
    ],
)
def test_a_derived_edition_is_titled_after_its_predecessor(title: str, derived: str) -> None:
    assert rules.derived_title(title, from_year=2024, to_year=2025) == derived
