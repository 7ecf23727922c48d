"""The programme's shape as plain data: one source for the overview page, the chart and
``devolve facts --json``."""

import datetime
from typing import Any

from devolve.grants.selectors import count_grants_by_edition_and_status
from devolve.matters.selectors import count_entries_by_edition, list_annual_lists_published_by
from devolve.regions.selectors import ProgrammeShape, get_programme_shape


def programme_facts(*, on: datetime.date) -> dict[str, Any]:
    """Figures computed from memberships on ``on``, and the annual lists published by then.

    ``areas_per_prefecture`` maps GB/T 2260 codes to counts, largest first;
    ``new_areas_included`` is "pilot new areas/all new areas"; ``by_level`` counts pilot areas by
    zone level (``unconfirmed`` where no source gives one) and ``by_kind`` by zone kind.
    ``lists`` and ``grants`` are described at ``annual_list_facts``.
    """
    shape = get_programme_shape(on=on)
    return {**facts_from_shape(shape), **annual_list_facts(on=on)}


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


def annual_list_facts(*, on: datetime.date) -> dict[str, dict[str, dict[str, int]]]:
    """Every edition published on or before ``on`` (superseded ones too), keyed by its public key
    (``2024/batch-1``), oldest first.

    ``lists`` gives its live entries: all, powers and support matters (withdrawn entries left
    out). ``grants`` counts its grants by status as they stand now, whatever ``on`` says: a grant
    keeps no dated status history to count from.
    """
    editions = sorted(
        list_annual_lists_published_by(on=on),
        key=lambda edition: (edition.year, edition.batch.number, edition.edition),
    )
    lists: dict[str, dict[str, int]] = {}
    counts_by_edition = count_entries_by_edition(annual_lists=editions)
    for edition in editions:
        counts = counts_by_edition[edition.pk]
        lists[edition.key] = {
            "entries": counts.entries,
            "powers": counts.powers,
            "support": counts.support,
        }
    by_edition = count_grants_by_edition_and_status(editions=editions)
    grants = {
        edition.key: dict(sorted(by_edition.get(edition.pk, {}).items())) for edition in editions
    }
    return {"lists": lists, "grants": grants}
