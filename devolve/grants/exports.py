"""The grants' open-data rows, in the column order of the ``grants`` dataset in
``devolve/portal/datasets.py``, which describes the columns and writes the files. Only grants of
published and superseded editions leave the system this way (``list_public_grants``)."""

from collections.abc import Iterator, Sequence
from typing import Any

from devolve.core.actions import render_text
from devolve.grants.selectors import list_public_grants
from devolve.matters.rules import edition_key


def grant_rows() -> Iterator[Sequence[Any]]:
    """edition key, matter key, area key, kind, mode, granting department, status, effective,
    handover due, handed over, supervision filed and ended on, why it ended, illustrative. One
    query."""
    rows = (
        list_public_grants()
        .order_by("entry__annual_list__year", "entry__annual_list__batch__number",
                  "entry__annual_list__edition", "entry__sequence", "zone__slug")
        .values_list(
            "entry__annual_list__year", "entry__annual_list__batch__number",
            "entry__annual_list__edition", "entry__matter__key", "zone__slug",
            "entry__matter__kind", "entry__mode__code", "entry__granting_department__code",
            "status", "effective_on", "handover_due_on", "handed_over_on",
            "supervision_filed_on", "ended_on", "end_reason", "is_illustrative",
        )
    )  # fmt: skip
    for year, batch, edition, *rest, end_reason, illustrative in rows:
        # Why a grant ended reads in the request's language (a sentence the system stored).
        yield (edition_key(year, batch, edition), *rest, render_text(end_reason), illustrative)
