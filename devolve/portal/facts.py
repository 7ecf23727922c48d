"""The programme's shape as plain data: one source for the overview page, the chart and
``devolve facts --json``."""

import datetime
from typing import Any

from devolve.regions.selectors import ProgrammeShape, get_programme_shape


def programme_facts(*, on: datetime.date) -> dict[str, Any]:
    """Figures computed from memberships on ``on``.

    ``areas_per_prefecture`` maps GB/T 2260 codes to counts, largest first;
    ``new_areas_included`` is "pilot new areas/all new areas"; ``by_level`` counts pilot areas by
    zone level (``unconfirmed`` where no source gives one) and ``by_kind`` by zone kind.
    """
    shape = get_programme_shape(on=on)
    return facts_from_shape(shape)


def facts_from_shape(shape: ProgrammeShape) -> dict[str, Any]:
    return {
        "on": shape.on.isoformat(),
        "batches": shape.batches,
        "pilot_areas": shape.pilot_areas,
        "pilot_areas_per_batch": {
            str(number): count for number, count in shape.areas_per_batch.items()
        },
        "prefectures_covered": shape.prefectures_covered,
        "prefectures_total": shape.prefectures_total,
        "areas_per_prefecture": shape.areas_per_prefecture,
        "new_areas_included": f"{shape.new_areas_included}/{shape.new_areas_total}",
        "by_level": shape.by_level,
        "by_kind": shape.by_kind,
    }
