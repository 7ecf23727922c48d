"""Pure rules about division codes and membership periods. No ORM, no Django."""

import datetime
import itertools
import re

# GB/T 2260: two digits province, two prefecture, two county. The first digit is 1–8 (regions of
# China); a province code ends in 0000, a prefecture-level code in 00.
# ASCII digits only (\d would accept full-width ones); fullmatch, since $ allows a trailing newline.
DIVISION_CODE = re.compile(r"[1-8][0-9]{5}")

PROVINCE = "province"
PREFECTURE = "prefecture"
COUNTY = "county"


def is_valid_division_code(code: str) -> bool:
    return division_level_for_code(code) is not None


def division_level_for_code(code: str) -> str | None:
    """The level a GB/T 2260 code denotes, or None if the code is malformed.

    >>> division_level_for_code("510000"), division_level_for_code("510100")
    ('province', 'prefecture')
    >>> [division_level_for_code(code) for code in ("510104", "51010", "510099")]
    ['county', None, None]
    """
    if not DIVISION_CODE.fullmatch(code):
        return None
    if code[2:] == "0000":
        return PROVINCE
    if code[2:4] == "00":
        return None
    if code[4:] == "00":
        return PREFECTURE
    return COUNTY


def parent_code_for(code: str) -> str | None:
    """The code of the division one level up, or None for a province or a malformed code."""
    level = division_level_for_code(code)
    if level == PREFECTURE:
        return code[:2] + "0000"
    if level == COUNTY:
        return code[:4] + "00"
    return None


def periods_overlap(
    first_start: datetime.date,
    first_end: datetime.date | None,
    second_start: datetime.date,
    second_end: datetime.date | None,
) -> bool:
    """Half-open periods [start, end) overlap; an open end runs forever."""
    first_ends_after = first_end is None or first_end > second_start
    second_ends_after = second_end is None or second_end > first_start
    return first_ends_after and second_ends_after


def dates_in_order(*dates: datetime.date | None) -> bool:
    """True when the given dates, ignoring the missing ones, never go backwards."""
    present = [date for date in dates if date is not None]
    return all(earlier <= later for earlier, later in itertools.pairwise(present))
