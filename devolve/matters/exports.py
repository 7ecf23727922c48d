"""The catalogue's open-data rows: editions, matters, departments and one edition's entries.

Each function yields plain values in one query (two for an edition's entries, whose receiving
areas are a many-to-many), in the column order of its dataset in ``devolve/portal/datasets.py``,
which describes the columns and writes the files. Only published and superseded editions leave
the system this way.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from devolve.core.actions import render_text
from devolve.matters.models import AnnualList, ListEntry
from devolve.matters.rules import edition_key
from devolve.matters.selectors import (
    PUBLIC_EDITION_STATUSES,
    list_departments,
    list_entries,
    list_matters,
)


def edition_rows() -> Iterator[Sequence[Any]]:
    """key, year, batch, edition, status, titles, document number, approved, published and
    superseded on, predecessor key, illustrative."""
    rows = (
        AnnualList.objects.filter(status__in=PUBLIC_EDITION_STATUSES)
        .order_by("year", "batch__number", "edition")
        .values_list(
            "year", "batch__number", "edition", "status", "title_zh", "title_en",
            "document_number", "approved_on", "published_on", "superseded_on",
            "predecessor__year", "predecessor__batch__number", "predecessor__edition",
            "is_illustrative",
        )
    )  # fmt: skip
    for year, batch, edition, status, *middle, p_year, p_batch, p_edition, illustrative in rows:
        predecessor = edition_key(p_year, p_batch, p_edition) if p_year else None
        yield (edition_key(year, batch, edition), year, batch, edition, status, *middle,
               predecessor, illustrative)  # fmt: skip


def matter_rows() -> Iterator[Sequence[Any]]:
    """key, code, names, kind, matter type, competent department, legal basis, main item,
    illustrative."""
    yield from list_matters().values_list(
        "key", "code", "name_zh", "name_en", "kind", "matter_type__code",
        "competent_department__code", "legal_basis", "parent__key", "is_illustrative",
    )  # fmt: skip


def department_rows() -> Iterator[Sequence[Any]]:
    """key, names, illustrative."""
    yield from list_departments().values_list("code", "name_zh", "name_en", "is_illustrative")


def entry_rows(*, annual_list: AnnualList) -> Iterator[Sequence[Any]]:
    """The edition's entries, withdrawn ones included: sequence, matter key, code and names,
    kind, mode, granting and supervising departments, receiving areas (empty for every pilot
    area of the batch, else keys separated by semicolons), conditions, change and its reason in
    the request's language, illustrative."""
    receiving: dict[int, list[str]] = {}
    links = ListEntry.receiving_areas.through.objects.filter(
        listentry__annual_list=annual_list
    ).order_by("zone__slug")
    for entry_id, slug in links.values_list("listentry_id", "zone__slug"):
        receiving.setdefault(entry_id, []).append(slug)
    entries = list_entries(annual_list=annual_list).values_list(
        "pk", "sequence", "matter__key", "matter__code", "matter__name_zh",
        "matter__name_en", "matter__kind", "mode__code", "granting_department__code",
        "supervising_department__code", "all_areas", "conditions", "change",
        "change_reason", "is_illustrative",
    )  # fmt: skip
    for pk, *head, all_areas, conditions, change, reason, illustrative in entries:
        areas = "" if all_areas else ";".join(receiving.get(pk, []))
        yield (*head, areas, conditions, change, render_text(reason), illustrative)
