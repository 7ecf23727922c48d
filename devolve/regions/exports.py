"""The zones' open-data rows, in the column order of the ``zones`` dataset in
``devolve/portal/datasets.py``, which describes the columns and writes the files."""

from collections.abc import Iterator, Sequence
from typing import Any

from devolve.regions.selectors import list_zones


def zone_rows() -> Iterator[Sequence[Any]]:
    """key, names, kind, level, prefecture code, established on, illustrative. One query."""
    yield from list_zones().values_list(
        "slug", "name_zh", "name_en", "kind", "level", "prefecture__code", "established_on",
        "is_illustrative",
    )  # fmt: skip
