"""The take-up matrix as a table: list entries (rows) by pilot areas (columns), a grant per cell.

Each cell shows the grant's status as a short, coloured design-system tag whose title gives the full
status and the grant's dates; downloads carry the full status label instead.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from devolve.core.templatetags.devolve import localized
from devolve.grants.models import Grant
from devolve.grants.selectors import TakeUpMatrix
from devolve.matters.models import ListEntry


@dataclass(frozen=True)
class StatusStyle:
    short: str | Promise
    colour: str  # a GOV.UK tag colour modifier; "" is the design system's default blue


STATUS_STYLES: dict[str, StatusStyle] = {
    Grant.Status.AWAITING_EFFECT: StatusStyle(_("Pending date"), ""),
    Grant.Status.AWAITING_AGREEMENT: StatusStyle(_("Pending agreement"), "yellow"),
    Grant.Status.EFFECTIVE: StatusStyle(_("Effective"), "green"),
    Grant.Status.HANDED_OVER: StatusStyle(_("Handed over"), "teal"),
    Grant.Status.RECALLED: StatusStyle(_("Recalled"), "red"),
    Grant.Status.SUPERSEDED: StatusStyle(_("Superseded"), "grey"),
}


def status_tag_class(status: str) -> str:
    colour = STATUS_STYLES[status].colour
    return f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    short: str
    tag_class: str
    count: int


def status_summary(matrix: TakeUpMatrix) -> list[StatusCount]:
    """Every status in its lifecycle order with the number of cells in it (0 included)."""
    counts = matrix.status_counts
    return [
        StatusCount(
            status=status,
            label=str(label),
            short=str(STATUS_STYLES[status].short),
            tag_class=status_tag_class(status),
            count=counts.get(status, 0),
        )
        for status, label in Grant.Status.choices
    ]


def grant_dates(grant: Grant) -> list[str]:
    """The dates a grant has reached, each with what it is, in the page's language."""
    dates = [
        (gettext("effective on %(date)s"), grant.effective_on),
        (
            gettext("handover due on %(date)s (provisional)")
            if grant.handover_due_is_provisional
            else gettext("handover due on %(date)s"),
            grant.handover_due_on,
        ),
        (gettext("handed over on %(date)s"), grant.handed_over_on),
        (gettext("supervision measures filed on %(date)s"), grant.supervision_filed_on),
        (gettext("ended on %(date)s"), grant.ended_on),
    ]
    return [text % {"date": day.isoformat()} for text, day in dates if day is not None]


def grant_title(grant: Grant) -> str:
    return " · ".join([str(grant.get_status_display()), *grant_dates(grant)])


@dataclass(frozen=True)
class MatrixRow:
    """One entry of the matrix with its cells, each cell ready to show."""

    entry: ListEntry
    matter: str
    kind: str
    mode: str
    department: str
    grants: list[Grant | None]
    cells: list[str]


class TakeUpMatrixTable:
    """The matrix laid out for the page and for downloads.

    Not a django-tables2 table: its per-cell machinery costs about half a second for 110 entries
    by 9 areas. Cells are rendered once per distinct status and dates instead (most cells repeat).
    """

    def __init__(self, matrix: TakeUpMatrix) -> None:
        self.zones = [(zone.slug, localized(zone, "name")) for zone in matrix.zones]
        shown: dict[tuple[object, ...], str] = {}
        self.rows = [
            MatrixRow(
                entry=entry,
                matter=localized(entry.matter, "name"),
                kind=str(entry.matter.get_kind_display()),
                mode=localized(entry.mode, "name"),
                department=localized(entry.granting_department, "name"),
                grants=grants,
                cells=[_cell(grant, shown) for grant in grants],
            )
            for entry, grants in ((entry, matrix.row(entry)) for entry in matrix.entries)
        ]

    def as_values(self) -> Iterator[list[str | int]]:
        """A header row, then one row per entry with each area's full status label."""
        labels = {status: str(label) for status, label in Grant.Status.choices}
        yield [
            gettext("No."),
            gettext("Matter code"),
            gettext("Matter"),
            gettext("Kind"),
            gettext("Mode"),
            gettext("Granting department"),
            *(name for _slug, name in self.zones),
        ]
        for row in self.rows:
            yield [
                row.entry.sequence,
                row.entry.matter.code,
                row.matter,
                row.kind,
                row.mode,
                row.department,
                *(labels[grant.status] if grant else "" for grant in row.grants),
            ]


def _cell(grant: Grant | None, shown: dict[tuple[object, ...], str]) -> str:
    if grant is None:
        return NO_GRANT
    key = (
        grant.status,
        grant.effective_on,
        grant.handover_due_on,
        grant.handover_due_is_provisional,
        grant.handed_over_on,
        grant.supervision_filed_on,
        grant.ended_on,
    )
    if key not in shown:
        shown[key] = format_html(
            '<strong class="{} app-grant" data-status="{}" title="{}">{}</strong>',
            status_tag_class(grant.status),
            grant.status,
            grant_title(grant),
            STATUS_STYLES[grant.status].short,
        )
    return shown[key]


NO_GRANT = "—"
