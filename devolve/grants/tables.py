"""The take-up matrix as a table: list entries (rows) by pilot areas (columns), a grant per cell.

Each cell shows the grant's status as a short, coloured design-system tag whose title gives the full
status and the grant's dates; downloads carry the full status label instead.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.functional import Promise, cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from devolve.core.dates import iso_date, written_date
from devolve.core.i18n import join_names, mark_language
from devolve.core.tables import (
    GOVUK_TABLE_ATTRS,
    NUMERIC,
    DateColumn,
    choose_column,
    invented_tag,
    link,
)
from devolve.core.templatetags.devolve import localized
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.grants.selectors import AreaGrantCounts, GrantCell, TakeUpMatrix, TakeUpSelection
from devolve.matters.models import AnnualList, ListEntry


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


def status_summary(counts: dict[str, int]) -> list[StatusCount]:
    """Every status in its lifecycle order with the number of cells in it (0 included), from
    status → cells (``TakeUpMatrix.status_counts`` or ``TakeUpSelection.status_counts``)."""
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


def grant_dates(grant: Grant | GrantCell) -> list[str]:
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
    return [text % {"date": written_date(day)} for text, day in dates if day is not None]


def grant_title(grant: Grant | GrantCell) -> str:
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


def _cell(grant: Grant | GrantCell | None, shown: dict[tuple[object, ...], str]) -> str:
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


AREA_CELL = '<td class="govuk-table__cell app-take-up__cell">{}</td>'


class TakeUpTable(tables.Table):
    """The take-up grid as a list: the selection's live entries (rows, paged and sorted on the
    server) by the areas its grants reach (columns). The entry's own columns go through
    django-tables2; the areas' headers and cells, thousands a page, are rendered here a row at a
    time (``grants/take_up_table.html``, ``cells_after_columns``): the cells are read for the
    entries shown, one query a page, and each distinct cell is rendered once (most cells
    repeat)."""

    sequence = tables.Column(verbose_name=_("No."), order_by=("sequence",))
    matter = tables.Column(
        verbose_name=_("Matter"), empty_values=(), order_by=("matter__name_zh", "sequence")
    )
    kind = tables.Column(
        verbose_name=_("Kind"), accessor="matter__kind", order_by=("matter__kind", "sequence")
    )
    mode = tables.Column(
        verbose_name=_("Mode"), empty_values=(), order_by=("mode__name_zh", "sequence")
    )
    department = tables.Column(
        verbose_name=_("Granting department"),
        empty_values=(),
        order_by=("granting_department__name_zh", "sequence"),
    )

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "class": "govuk-table app-take-up", "id": "take-up"}
        row_attrs = {"class": "govuk-table__row", "data-entry": lambda record: record.sequence}
        empty_text = _("No grant matches these filters.")
        template_name = "grants/take_up_table.html"

    def __init__(self, selection: TakeUpSelection, **kwargs: Any) -> None:
        self.selection = selection
        self.shown: dict[tuple[object, ...], str] = {}
        self.zone_ids = [zone.pk for zone in selection.zones]
        super().__init__(selection.entries, **kwargs)

    @property
    def area_headers(self) -> str:
        """A header per area, linking to its page."""
        return format_html_join(
            "",
            '<th scope="col" class="govuk-table__header" data-zone="{}">{}</th>',
            (
                (
                    zone.slug,
                    link(reverse("portal:zone_detail", args=[zone.slug]), localized(zone, "name")),
                )
                for zone in self.selection.zones
            ),
        )

    @cached_property
    def _page_cells(self) -> dict[tuple[int, int], GrantCell]:
        """The cells of the page's entries, read in one query for the page."""
        return self.selection.cells_of([row.record for row in self.paginated_rows])

    def cells_after_columns(self, record: ListEntry) -> str:
        """The entry's areas' cells, after its own columns (``core.lists.render_rows``)."""
        cells = self._page_cells
        return mark_safe(  # noqa: S308 - each cell is escaped by _cell
            "".join(
                AREA_CELL.format(_cell(cells.get((record.pk, zone_id)), self.shown))
                for zone_id in self.zone_ids
            )
        )

    def render_matter(self, record: ListEntry) -> str:
        code = record.matter.code
        return format_html(
            "{}{}",
            link(record.matter.get_absolute_url(), localized(record.matter, "name")),
            format_html('<br><span class="govuk-body-s">{}</span>', code) if code else "",
        )

    def value_matter(self, record: ListEntry) -> str:
        return localized(record.matter, "name")

    def render_kind(self, record: ListEntry) -> str:
        return str(record.matter.get_kind_display())

    def render_mode(self, record: ListEntry) -> str:
        return localized(record.mode, "name")

    def render_department(self, record: ListEntry) -> str:
        return localized(record.granting_department, "name")


def _day(day: datetime.date | None) -> str:
    return written_date(day)


class HeldGrantTable(tables.Table):
    """Published grants, one row each, for an area's or a matter's public page: the matter (or
    the area), the edition, how and by whom it is granted, its dates, status and accepted use.
    Sorted and paginated by the server; the queryset comes annotated by
    ``reporting.selectors.with_accepted_usage`` and ``grants.selectors.with_first_effective_on``.
    """

    matter = tables.Column(
        verbose_name=_("Matter"), empty_values=(), order_by=("entry__matter__name_zh",)
    )
    zone = tables.Column(
        verbose_name=_("Pilot area"),
        empty_values=(),
        order_by=("zone__prefecture__code", "zone__slug"),
    )
    kind = tables.Column(verbose_name=_("Kind"), accessor="entry__matter__kind", empty_values=())
    edition = tables.Column(
        verbose_name=_("Edition"),
        empty_values=(),
        order_by=("entry__annual_list__year", "entry__annual_list__edition"),
    )
    mode = tables.Column(
        verbose_name=_("Mode"), empty_values=(), order_by=("entry__mode__sort_order",)
    )
    department = tables.Column(
        verbose_name=_("Granting department"),
        empty_values=(),
        order_by=("entry__granting_department__code",),
    )
    effective_on = tables.Column(verbose_name=_("Effective on"), empty_values=())
    first_effective_on = tables.Column(verbose_name=_("Held since"), empty_values=())
    handover = tables.Column(
        verbose_name=_("Handover"), empty_values=(), order_by=("handed_over_on", "handover_due_on")
    )
    supervision_filed_on = tables.Column(verbose_name=_("Supervision filed"), empty_values=())
    status = tables.Column(verbose_name=_("Status"), empty_values=())
    accepted_received = tables.Column(verbose_name=_("Cases received"), empty_values=())
    accepted_completed = tables.Column(verbose_name=_("Cases completed"), empty_values=())

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-grant": lambda record: (
                f"{record.entry.annual_list.key}:{record.entry.matter.key}:{record.zone.slug}"
            ),
            "data-kind": lambda record: record.entry.matter.kind,
            "data-status": lambda record: record.status,
        }
        order_by = ("edition", "kind", "matter")

    def render_matter(self, record: Grant) -> str:
        matter = record.entry.matter
        return format_html(
            "{}{}",
            link(matter.get_absolute_url(), localized(matter, "name")),
            invented_tag(record.is_illustrative),
        )

    def render_zone(self, record: Grant) -> str:
        return link(record.zone.get_absolute_url(), localized(record.zone, "name"))

    def render_kind(self, record: Grant) -> str:
        return str(record.entry.matter.get_kind_display())

    def render_edition(self, record: Grant) -> str:
        annual_list = record.entry.annual_list
        return link(annual_list.get_absolute_url(), annual_list.key)

    def render_mode(self, record: Grant) -> str:
        return localized(record.entry.mode, "name")

    def render_department(self, record: Grant) -> str:
        department = record.entry.granting_department
        return link(
            f"{reverse('portal:matter_list')}?department={department.code}",
            localized(department, "name"),
        )

    def render_effective_on(self, record: Grant) -> str:
        return _day(record.effective_on)

    def value_effective_on(self, record: Grant) -> str:
        return iso_date(record.effective_on)

    def render_first_effective_on(self, value: datetime.date | None) -> str:
        return _day(value)

    def value_first_effective_on(self, value: datetime.date | None) -> str:
        return iso_date(value)

    def render_handover(self, record: Grant) -> str:
        if record.handed_over_on:
            return gettext("done %(date)s") % {"date": written_date(record.handed_over_on)}
        if record.handover_due_on:
            return gettext("due %(date)s") % {"date": written_date(record.handover_due_on)}
        return "—"

    def render_supervision_filed_on(self, record: Grant) -> str:
        return _day(record.supervision_filed_on)

    def value_supervision_filed_on(self, record: Grant) -> str:
        return iso_date(record.supervision_filed_on)

    def render_status(self, record: Grant) -> str:
        return format_html(
            '<strong class="{}" title="{}">{}</strong>',
            status_tag_class(record.status),
            grant_title(record),
            record.get_status_display(),
        )


class StaffGrantTable(tables.Table):
    """Grants for the staff pages, one row each, linking to the grant's staff page: matter and
    edition, pilot area, mode, status, dates and the handover (overdue marked). The queryset
    comes annotated by ``grants.selectors.with_handover_overdue``."""

    matter = tables.Column(
        verbose_name=_("Matter"), empty_values=(), order_by=("entry__matter__name_zh", "pk")
    )
    zone = tables.Column(
        verbose_name=_("Pilot area"), empty_values=(), order_by=("zone__slug", "pk")
    )
    mode = tables.Column(
        verbose_name=_("Mode"), empty_values=(), order_by=("entry__mode__sort_order", "pk")
    )
    status = tables.Column(verbose_name=_("Status"), empty_values=(), order_by=("status", "pk"))
    effective_on = tables.Column(
        verbose_name=_("Effective on"), empty_values=(), order_by=("effective_on", "pk")
    )
    handover = tables.Column(
        verbose_name=_("Handover due on"),
        empty_values=(),
        order_by=("handed_over_on", "handover_due_on", "pk"),
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-grant": lambda record: record.pk,
            "data-status": lambda record: record.status,
            "data-overdue": lambda record: bool(record.is_handover_overdue),
        }
        empty_text = _("No grant here.")

    def render_matter(self, record: Grant) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}<br>'
            '<span class="govuk-hint govuk-!-margin-bottom-0">{}</span>',
            record.get_absolute_url(),
            localized(record.entry.matter, "name"),
            invented_tag(record.is_illustrative),
            record.entry.annual_list.key,
        )

    def render_zone(self, record: Grant) -> str:
        return localized(record.zone, "name")

    def render_mode(self, record: Grant) -> str:
        return localized(record.entry.mode, "name")

    def render_status(self, record: Grant) -> str:
        return format_html(
            '<strong class="{}">{}</strong>',
            status_tag_class(record.status),
            record.get_status_display(),
        )

    def render_effective_on(self, record: Grant) -> str:
        return _day(record.effective_on)

    def value_effective_on(self, record: Grant) -> str:
        return iso_date(record.effective_on)

    def render_handover(self, record: Grant) -> str:
        if record.handed_over_on:
            return gettext("handed over %(day)s") % {"day": written_date(record.handed_over_on)}
        if record.handover_due_on is None:
            return "—"
        provisional = (
            format_html(
                ' <strong class="govuk-tag govuk-tag--grey" data-provisional>{}</strong>',
                gettext("provisional"),
            )
            if record.handover_due_is_provisional
            else ""
        )
        overdue = (
            format_html(' <strong class="govuk-tag govuk-tag--red">{}</strong>', gettext("overdue"))
            if getattr(record, "is_handover_overdue", False)
            else ""
        )
        return format_html("{}{}{}", written_date(record.handover_due_on), provisional, overdue)


class ChoosableGrantTable(StaffGrantTable):
    """Staff grants with a box per row, for recording several handovers at once (``grant`` = the
    grant's id)."""

    choose = choose_column("grant")

    class Meta(StaffGrantTable.Meta):
        sequence = ("choose", "...")


class ExpiringAgreementTable(tables.Table):
    """Entrustment agreements in their renewal warning period, soonest end first."""

    number = tables.Column(verbose_name=_("Agreement"))
    zone = tables.Column(verbose_name=_("Pilot area"), accessor="grant__zone", empty_values=())
    ends_on = DateColumn(verbose_name=_("Term ends on"))

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "expiring-agreements"}
        row_attrs = {"class": "govuk-table__row", "data-agreement": lambda record: record.number}
        order_by = ("ends_on",)
        empty_text = _("No agreement is about to expire.")

    def render_number(self, record: EntrustmentAgreement) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            reverse("dashboards:grant_detail", args=[record.grant_id]),
            mark_language(record.number),
        )

    def render_zone(self, record: EntrustmentAgreement) -> str:
        return localized(record.grant.zone, "name")


class AreaGrantCountTable(tables.Table):
    """Grants per pilot area and status (``grants.selectors.count_grants_by_area``): a column per
    status, the total and the handovers overdue; the area links to its grants."""

    zone = tables.Column(verbose_name=_("Pilot area"), empty_values=(), order_by=("zone__slug",))
    total = tables.Column(verbose_name=_("Total"), attrs=NUMERIC)
    overdue = tables.Column(verbose_name=_("Handovers overdue"), attrs=NUMERIC)

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "area-overview"}
        row_attrs = {"class": "govuk-table__row", "data-zone": lambda record: record.zone.slug}
        empty_text = _("No pilot area holds a grant yet.")

    def __init__(self, data: list[AreaGrantCounts], **kwargs: object) -> None:
        by_status = [
            (status, tables.Column(verbose_name=label, accessor=f"counts__{status}", attrs=NUMERIC))
            for status, label in Grant.Status.choices
        ]
        super().__init__(
            data,
            extra_columns=by_status,
            sequence=["zone", *Grant.Status.values, "total", "overdue"],
            **kwargs,
        )

    def render_zone(self, record: AreaGrantCounts) -> str:
        return format_html(
            '<a class="govuk-link" href="{}?zone={}">{}</a><br>'
            '<span class="govuk-body-s">{}</span>',
            reverse("dashboards:grant_held_list"),
            record.zone.slug,
            localized(record.zone, "name"),
            record.zone.prefecture,
        )

    def value_zone(self, record: AreaGrantCounts) -> str:
        return localized(record.zone, "name")

    def render_overdue(self, record: AreaGrantCounts) -> str:
        if not record.overdue:
            return format_html('<span data-overdue="{}">{}</span>', 0, 0)
        return format_html(
            '<strong class="govuk-tag govuk-tag--red" data-overdue="{}">{}</strong>',
            record.overdue,
            record.overdue,
        )


class EntrustmentAgreementTable(tables.Table):
    """A grant's entrustment agreements (行政委托书), oldest first: number (and the agreement it
    renews), the parties, what it entrusts, when it was signed and its term."""

    number = tables.Column(verbose_name=_("Number"))
    parties = tables.Column(verbose_name=_("Parties"), empty_values=(), orderable=False)
    scope = tables.Column(verbose_name=_("Scope"), empty_values=(), orderable=False)
    signed_on = DateColumn(verbose_name=_("Signed on"))
    term = tables.Column(verbose_name=_("Term"), empty_values=(), order_by=("ends_on",))

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-agreement": lambda record: record.number}

    def render_number(self, record: EntrustmentAgreement) -> str:
        if record.renews is None:
            return mark_language(record.number)
        renews = format_html(gettext("renews {number}"), number=mark_language(record.renews.number))
        return format_html(
            '{}<br><span class="govuk-body-s">{}</span>', mark_language(record.number), renews
        )

    def render_parties(self, record: EntrustmentAgreement) -> str:
        return format_html(
            "{} → {}",
            mark_language(record.entrusting_department),
            mark_language(record.entrusted_body),
        )

    def render_scope(self, record: EntrustmentAgreement) -> str:
        return join_names(record.scope_labels)

    def render_term(self, record: EntrustmentAgreement) -> str:
        return f"{written_date(record.starts_on)} – {written_date(record.ends_on)}"


class EditionHoldingTable(tables.Table):
    """The editions that reach a pilot area or a matter, oldest first, with the grants each
    gives: rows with ``annual_list`` and ``holding`` (``grants.selectors.EditionHolding``).
    ``exclude=("total",)`` on an area's page, ``("powers", "support")`` on a matter's."""

    edition = tables.Column(
        verbose_name=_("Edition"),
        accessor="annual_list",
        order_by=("annual_list__year", "annual_list__edition", "annual_list__pk"),
    )
    status = tables.Column(
        verbose_name=_("Status"), accessor="annual_list__status", empty_values=()
    )
    powers = tables.Column(verbose_name=_("Powers"), accessor="holding__powers", attrs=NUMERIC)
    support = tables.Column(
        verbose_name=_("Support matters"), accessor="holding__support", attrs=NUMERIC
    )
    total = tables.Column(verbose_name=_("Pilot areas"), accessor="holding__total", attrs=NUMERIC)
    active = tables.Column(verbose_name=_("In force"), accessor="holding__active", attrs=NUMERIC)

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "editions"}
        row_attrs = {
            "class": "govuk-table__row",
            "data-edition": lambda record: record.annual_list.key,
        }

    def render_edition(self, value: AnnualList) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', value.get_absolute_url(), value
        )

    def value_edition(self, value: AnnualList) -> str:
        return str(value)

    def render_status(self, record: Any) -> str:
        if record.is_current:
            return format_html(
                '<strong class="govuk-tag govuk-tag--green">{}</strong>', _("In force")
            )
        return format_html(
            '<strong class="govuk-tag govuk-tag--grey">{}</strong>',
            record.annual_list.get_status_display(),
        )

    def value_status(self, record: Any) -> str:
        if record.is_current:
            return str(_("In force"))
        return str(record.annual_list.get_status_display())
