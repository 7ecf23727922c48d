"""The economic statistics' open-data rows, in the column order of the ``economic-indicators``
dataset in ``devolve/portal/datasets.py``, which describes the columns and writes the files."""

from collections.abc import Iterator, Sequence
from typing import Any

from devolve.indicators.selectors import list_observations


def observation_rows() -> Iterator[Sequence[Any]]:
    """indicator, unit, subject kind, area key, division code, year, quarter, value, vintage,
    source, simulated, illustrative (the subject area's). Every release, one query."""
    yield from (
        list_observations()
        .order_by("indicator__code", "subject_kind", "zone__slug", "division__code", "year",
                  "quarter", "vintage")
        .values_list(
            "indicator__code", "indicator__unit_en", "subject_kind", "zone__slug",
            "division__code", "year", "quarter", "value", "vintage", "source", "is_simulated",
            "zone__is_illustrative",
        )
    )  # fmt: skip
