"""Pure rules of the indicators app: when a zone counts as treated, and the two means of growth
rates that the headline comparison reports. No ORM, no Django."""

import datetime
import math
from collections.abc import Sequence


def first_treated_year(joined_on: datetime.date) -> int:
    """The first calendar year a zone spent wholly as a pilot area: the year it joined when it
    joined on 1 January, else the next year.

    Annual statistics cannot split a year, so a zone that joined on 2 December 2024 (batch 2) is
    treated from 2025; one that joined on 1 January 2023 (batch 1) from 2023. A zone that later
    left a batch stays in its cohort (the estimate is of being selected, not of staying).

    >>> first_treated_year(datetime.date(2023, 1, 1))
    2023
    >>> first_treated_year(datetime.date(2024, 12, 2))
    2025
    """
    if (joined_on.month, joined_on.day) == (1, 1):
        return joined_on.year
    return joined_on.year + 1


def simple_mean(values: Sequence[float]) -> float | None:
    """The mean of the zones' growth rates, each zone counting once (the mean officials quote)."""
    if not values:
        return None
    return math.fsum(values) / len(values)


def weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float | None:
    """The mean of growth rates weighted by each zone's output in the year before: the growth of
    the zones' combined output, to a first approximation. None without positive weights."""
    if len(values) != len(weights):
        raise ValueError("values and weights differ in length")
    total = math.fsum(weights)
    if not values or total <= 0:
        return None
    return math.fsum(value * weight for value, weight in zip(values, weights, strict=True)) / total
