import datetime

import pytest

from devolve.regions import rules


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("510000", "province"),
        ("510100", "prefecture"),
        ("513400", "prefecture"),
        ("510104", "county"),
        ("510099", None),
        ("51010", None),
        ("5101000", None),
        ("910100", None),
        ("01a100", None),
    ],
)
def test_division_level_for_code(code: str, level: str | None) -> None:
    assert rules.division_level_for_code(code) == level


@pytest.mark.parametrize(
    ("code", "parent"),
    [("510000", None), ("510100", "510000"), ("510104", "510100"), ("bad", None)],
)
def test_parent_code_for(code: str, parent: str | None) -> None:
    assert rules.parent_code_for(code) == parent


D = datetime.date


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ((D(2023, 1, 1), None), (D(2024, 1, 1), None), True),
        ((D(2023, 1, 1), D(2024, 1, 1)), (D(2024, 1, 1), None), False),
        ((D(2023, 1, 1), D(2024, 1, 2)), (D(2024, 1, 1), None), True),
        ((D(2024, 1, 1), None), (D(2023, 1, 1), D(2023, 6, 1)), False),
        ((D(2024, 1, 1), D(2024, 2, 1)), (D(2023, 1, 1), D(2025, 1, 1)), True),
    ],
)
def test_periods_overlap_is_symmetric(first: tuple, second: tuple, overlap: bool) -> None:  # type: ignore[type-arg]
    assert rules.periods_overlap(*first, *second) is overlap
    assert rules.periods_overlap(*second, *first) is overlap


def test_dates_in_order_ignores_missing_dates() -> None:
    assert rules.dates_in_order(D(2023, 1, 1), None, D(2023, 1, 2)) is True
    assert rules.dates_in_order(D(2023, 1, 2), None, D(2023, 1, 1)) is False
    assert rules.dates_in_order(None, None) is True
