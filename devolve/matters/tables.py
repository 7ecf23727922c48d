from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import django_tables2 as tables
from django.db.models import Model
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from devolve.core.actions import marked_text
from devolve.core.dates import iso_date, written_date
from devolve.core.i18n import in_current_language, join_names, mark_language
from devolve.core.tables import GOVUK_TABLE_ATTRS, NUMERIC, DateColumn, invented_tag
from devolve.core.templatetags.devolve import localized
from devolve.matters.models import AnnualList, DemandItem, ListEntry, ListImport, Matter
from devolve.matters.readable import ShownChange, ValueLabels, entry_changes, value_labels
from devolve.matters.selectors import EditionCounts


class MatterTable(tables.Table):
    code = tables.Column(verbose_name=_("Matter code"), empty_values=(), order_by=("code", "pk"))
    name = tables.Column(verbose_name=_("Matter"), accessor="name_zh", order_by=("name_zh", "pk"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "pk"))
    matter_type = tables.Column(
        verbose_name=_("Matter type"), empty_values=(), order_by=("matter_type__sort_order", "pk")
    )
    competent_department = tables.Column(
        verbose_name=_("Competent department"), order_by=("competent_department__code", "pk")
    )

    class Meta:
        model = Matter
        fields = ("code", "name", "kind", "matter_type", "competent_department")
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row"}

    def render_code(self, record: Matter) -> str:
        return record.code or "—"

    def render_name(self, record: Matter) -> str:
        indent = "↳ " if record.parent_id else ""
        marker = invented_tag(record.is_illustrative)
        return format_html(
            '{}<a class="govuk-link" href="{}">{}</a>{}',
            indent,
            record.get_absolute_url(),
            localized(record, "name"),
            marker,
        )

    def render_matter_type(self, record: Matter) -> str:
        return localized(record.matter_type, "name") if record.matter_type else "—"

    def render_competent_department(self, record: Matter) -> str:
        return localized(record.competent_department, "name")


@dataclass(frozen=True)
class AnnualListRow:
    """An edition with its entry counts, as one row of the editions table."""

    edition: AnnualList
    counts: EditionCounts


class AnnualListTable(tables.Table):
    edition = tables.Column(verbose_name=_("Edition"), empty_values=(), orderable=False)
    year = tables.Column(verbose_name=_("Year"), accessor="edition__year")
    batch = tables.Column(
        verbose_name=_("Batch"), accessor="edition__batch", order_by=("edition__batch__number",)
    )
    number = tables.Column(verbose_name=_("No."), accessor="edition__edition")
    status = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)
    published_on = tables.Column(verbose_name=_("Published"), empty_values=(), orderable=False)
    document_number = tables.Column(
        verbose_name=_("Document number"), empty_values=(), orderable=False
    )
    entries = tables.Column(verbose_name=_("Entries"), accessor="counts__entries")
    powers = tables.Column(verbose_name=_("Powers"), accessor="counts__powers")
    support = tables.Column(verbose_name=_("Support matters"), accessor="counts__support")

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-edition": lambda record: record.edition.key,
            "data-status": lambda record: record.edition.status,
        }

    def render_edition(self, record: AnnualListRow) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}',
            record.edition.get_absolute_url(),
            record.edition,
            invented_tag(record.edition.is_illustrative),
        )

    def render_status(self, record: AnnualListRow) -> str:
        return str(record.edition.get_status_display())

    def render_published_on(self, record: AnnualListRow) -> str:
        published_on = record.edition.published_on
        return written_date(published_on)

    def value_published_on(self, record: AnnualListRow) -> str:
        return iso_date(record.edition.published_on)

    def render_document_number(self, record: AnnualListRow) -> str:
        return mark_language(record.edition.document_number) or "—"


def receiving_areas_label(entry: ListEntry) -> str:
    """ "All pilot areas of the batch", or the named areas (prefetched) in the page's language."""
    if entry.all_areas:
        return str(_("All pilot areas of the batch"))
    return join_names(localized(zone, "name") for zone in entry.receiving_areas.all()) or "—"


# The sections of an edition, as the published list heads them.
SECTION_HEADINGS = {
    Matter.Kind.POWER: _("1. Powers granted by the province"),
    Matter.Kind.SUPPORT: _("2. Matters the province supports"),
}


def _choice_labels(model: type[Model], field: str) -> dict[str, str]:
    """A choice field's value → its label in the page's language, translated once for a page:
    ``get_<field>_display`` hashes every lazy label of the field on each call."""
    choices = getattr(model._meta.get_field(field), "flatchoices", ())
    return {str(value): str(label) for value, label in choices}


class EntryLabels:
    """The labels an edition's entry rows repeat (section headings, kinds, changes), translated
    once per table rather than once per row and cell."""

    def __init__(self) -> None:
        self._sections: dict[str, str] | None = None
        self._kinds: dict[str, str] | None = None
        self._changes: dict[str, str] | None = None

    def section(self, entry: ListEntry) -> str:
        """The heading of the section an entry falls under (its matter's kind)."""
        if self._sections is None:
            self._sections = {str(kind): str(label) for kind, label in SECTION_HEADINGS.items()}
        return self._sections[entry.matter.kind]

    def kind(self, entry: ListEntry) -> str:
        if self._kinds is None:
            self._kinds = _choice_labels(Matter, "kind")
        return self._kinds.get(entry.matter.kind, entry.matter.kind)

    def change(self, entry: ListEntry) -> str:
        if self._changes is None:
            self._changes = _choice_labels(ListEntry, "change")
        return self._changes.get(entry.change, entry.change)


class ListEntryTable(tables.Table):
    """An edition's entries on its public page, in sections by kind (rows from
    ``matters.selectors.list_entries_by_section``)."""

    sequence = tables.Column(verbose_name=_("No."))
    matter = tables.Column(
        verbose_name=_("Matter"), empty_values=(), order_by=("matter__name_zh", "sequence")
    )
    kind = tables.Column(
        verbose_name=_("Kind"),
        accessor="matter__kind",
        empty_values=(),
        order_by=("matter__kind", "sequence"),
    )
    mode = tables.Column(
        verbose_name=_("Mode"), empty_values=(), order_by=("mode__sort_order", "sequence")
    )
    granting_department = tables.Column(
        verbose_name=_("Granting department"),
        empty_values=(),
        order_by=("granting_department__code", "sequence"),
    )
    supervising_department = tables.Column(
        verbose_name=_("Supervising department"), empty_values=(), orderable=False
    )
    receiving_areas = tables.Column(
        verbose_name=_("Receiving areas"), empty_values=(), orderable=False
    )
    change = tables.Column(
        verbose_name=_("Change"), empty_values=(), order_by=("change", "sequence")
    )
    change_reason = tables.Column(verbose_name=_("Reason"), empty_values=(), orderable=False)

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-entry": lambda record: record.sequence,
            "data-kind": lambda record: record.matter.kind,
            "data-mode": lambda record: record.mode.code,
            "data-change": lambda record: record.change,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entry_labels = EntryLabels()

    def render_matter(self, record: ListEntry) -> str:
        code = format_html('<br><span class="govuk-body-s">{}</span>', record.matter.code)
        sub_items = format_html_join(
            "",
            '<li class="govuk-body-s">{} · {}</li>',
            (
                (localized(sub.matter, "name"), localized(sub.mode, "name"))
                for sub in record.sub_items.all()
            ),
        )
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}{}{}',
            record.matter.get_absolute_url(),
            localized(record.matter, "name"),
            invented_tag(record.is_illustrative),
            code if record.matter.code else "",
            format_html('<ul class="govuk-list">{}</ul>', sub_items) if sub_items else "",
        )

    def render_kind(self, record: ListEntry) -> str:
        return self._entry_labels.kind(record)

    def render_mode(self, record: ListEntry) -> str:
        return localized(record.mode, "name")

    def render_granting_department(self, record: ListEntry) -> str:
        return localized(record.granting_department, "name")

    def render_supervising_department(self, record: ListEntry) -> str:
        department = record.supervising_department
        return localized(department, "name") if department else "—"

    def render_receiving_areas(self, record: ListEntry) -> str:
        if record.all_areas:
            return receiving_areas_label(record)
        return (
            format_html_join(
                pgettext("between the names of a list", ", "),
                '<a class="govuk-link" href="{}">{}</a>',
                (
                    (zone.get_absolute_url(), mark_language(localized(zone, "name")))
                    for zone in record.receiving_areas.all()
                ),
            )
            or "—"
        )

    def render_change(self, record: ListEntry) -> str:
        return format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
            CHANGE_TAG_COLOURS.get(record.change, "grey"),
            self._entry_labels.change(record),
        )

    def render_change_reason(self, record: ListEntry) -> str:
        return marked_text(record.change_reason) or "—"

    def section_of(self, record: ListEntry) -> str:
        return self._entry_labels.section(record)


class MatterEntryTable(tables.Table):
    """A matter's entries in the published editions, on its public page (rows from
    ``matters.selectors.list_matter_entries``): where it was listed, how, and each change."""

    edition = tables.Column(
        verbose_name=_("Edition"),
        accessor="annual_list",
        order_by=("annual_list__year", "annual_list__batch__number", "annual_list__edition"),
    )
    sequence = tables.Column(verbose_name=_("No."))
    mode = tables.Column(verbose_name=_("Mode"), order_by=("mode__sort_order", "pk"))
    granting_department = tables.Column(
        verbose_name=_("Granting department"), order_by=("granting_department__code", "pk")
    )
    supervising_department = tables.Column(
        verbose_name=_("Supervising department"), empty_values=(), orderable=False
    )
    receiving_areas = tables.Column(
        verbose_name=_("Receiving areas"), empty_values=(), orderable=False
    )
    change = tables.Column(verbose_name=_("Change"), order_by=("change", "pk"))

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-edition": lambda record: record.annual_list.key,
            "data-change": lambda record: record.change,
        }
        empty_text = _("This matter is not in any published edition.")

    def render_edition(self, record: ListEntry) -> str:
        edition = record.annual_list
        superseded = (
            format_html(' <strong class="govuk-tag govuk-tag--grey">{}</strong>', _("Superseded"))
            if edition.status == AnnualList.Status.SUPERSEDED
            else ""
        )
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}',
            edition.get_absolute_url(),
            edition,
            superseded,
        )

    def value_edition(self, record: ListEntry) -> str:
        return str(record.annual_list)

    def render_mode(self, record: ListEntry) -> str:
        return localized(record.mode, "name")

    def render_granting_department(self, record: ListEntry) -> str:
        return localized(record.granting_department, "name")

    def render_supervising_department(self, record: ListEntry) -> str:
        department = record.supervising_department
        return localized(department, "name") if department else "—"

    def render_receiving_areas(self, record: ListEntry) -> str:
        return receiving_areas_label(record)

    def render_change(self, record: ListEntry) -> str:
        reason = (
            format_html(" — {}", marked_text(record.change_reason)) if record.change_reason else ""
        )
        return format_html("{}{}", record.get_change_display(), reason)


# GOV.UK tag colours for an entry's change against the predecessor edition.
CHANGE_TAG_COLOURS: dict[str, str] = {
    ListEntry.Change.ADDED: "green",
    ListEntry.Change.KEPT: "grey",
    ListEntry.Change.MODIFIED: "yellow",
    ListEntry.Change.WITHDRAWN: "red",
    ListEntry.Change.SPLIT: "purple",
    ListEntry.Change.MERGED: "purple",
}


DEMAND_STATUS_COLOURS: dict[str, str] = {
    DemandItem.Status.SUBMITTED: "yellow",
    DemandItem.Status.ANSWERED: "blue",
    DemandItem.Status.ACCEPTED: "green",
    DemandItem.Status.REJECTED: "red",
}


class DemandItemTable(tables.Table):
    """The demand list for staff: what is asked, by whom, of which department, its status, the
    answer and decision, and the actions the reader's role may take (``is_office`` and
    ``is_department`` in the page's context)."""

    matter = tables.Column(
        verbose_name=_("Matter"), empty_values=(), order_by=("matter__name_zh", "description", "pk")
    )
    origin = tables.Column(
        verbose_name=_("From"), empty_values=(), order_by=("zone__slug", "origin", "pk")
    )
    department = tables.Column(
        verbose_name=_("Competent department"), order_by=("department__code", "pk")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))
    answer = tables.Column(verbose_name=_("Answer and decision"), empty_values=(), orderable=False)
    actions = tables.TemplateColumn(
        template_name="matters/_demand_item_actions.html",
        verbose_name=_("Actions"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-demand-item": lambda record: record.pk}
        empty_text = _("No demand item here.")

    def render_matter(self, record: DemandItem) -> str:
        return format_html(
            '{}{}<br><span class="govuk-body-s">{} · {}</span>{}',
            mark_language(record.matter if record.matter_id else record.description),
            invented_tag(record.is_illustrative),
            record.get_kind_display(),
            record.window,
            format_html(
                '<br><span class="govuk-body-s">{}</span>', mark_language(record.justification)
            )
            if record.justification
            else "",
        )

    def render_origin(self, record: DemandItem) -> str:
        return str(record.zone) if record.zone_id else str(record.get_origin_display())

    def render_status(self, record: DemandItem) -> str:
        return format_html(
            '<strong class="govuk-tag govuk-tag--{}" data-status="{}">{}</strong>',
            DEMAND_STATUS_COLOURS.get(record.status, "grey"),
            record.status,
            record.get_status_display(),
        )

    def render_answer(self, record: DemandItem) -> str:
        answer = (
            format_html(
                "{}{}",
                record.get_response_display(),
                format_html(": {}", mark_language(record.response_reason))
                if record.response_reason
                else "",
            )
            if record.response
            else "—"
        )
        decision = (
            format_html(
                '<br><span class="govuk-body-s">{} {}</span>',
                _("Office:"),
                mark_language(record.decision_reason),
            )
            if record.decision_reason
            else ""
        )
        return format_html("{}{}", answer, decision)


class GrantLink(Protocol):
    """A grant as the staff edition page links it (``grants.selectors.GrantLink``)."""

    @property
    def grant_id(self) -> int: ...
    @property
    def zone_name_zh(self) -> str: ...
    @property
    def zone_name_en(self) -> str: ...
    @property
    def status(self) -> str: ...


# Entry ids of a page → each entry's grants; the view passes ``grants.selectors.list_grant_links``.
GrantLinksOf = Callable[..., Mapping[int, Sequence[GrantLink]]]


class StaffListEntryTable(tables.Table):
    """An edition's entries on its staff page: matter, mode, departments, receiving areas, the
    change against the predecessor, and the grants (published) or the edits the office may make
    (``annual_list`` and ``actions`` in the page's context). In sections by kind (rows from
    ``matters.selectors.list_entries_by_section``); each row is its own anchor, ``entry-<id>``,
    which an edit returns to.

    A page of a national edition holds thousands of grants: its cells are formatted here, with
    the grants of the page's entries read in one query (``grant_links``), each area's name, each
    label and the grant address worked out once per page."""

    sequence = tables.Column(verbose_name=_("No."))
    matter = tables.Column(
        verbose_name=_("Matter"),
        empty_values=(),
        order_by=("matter__name_zh", "sequence"),
    )
    mode = tables.Column(
        verbose_name=_("Mode"),
        empty_values=(),
        order_by=("mode__sort_order", "sequence"),
        attrs={"td": {"data-mode": lambda record: record.mode.code}},
    )
    departments = tables.Column(
        verbose_name=_("Departments"),
        empty_values=(),
        order_by=("granting_department__code", "sequence"),
    )
    receiving_areas = tables.Column(
        verbose_name=_("Receiving areas"), empty_values=(), orderable=False
    )
    change = tables.Column(
        verbose_name=_("Change"),
        empty_values=(),
        order_by=("change", "sequence"),
        attrs={"td": {"data-change": lambda record: record.change}},
    )
    actions = tables.TemplateColumn(
        template_name="matters/_entry_actions_cell.html",
        verbose_name=_("Grants or actions"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "id": lambda record: f"entry-{record.pk}",
            "data-entry": lambda record: record.pk,
            "data-matter": lambda record: record.matter_id,
        }
        empty_text = _("No entry matches.")

    def __init__(self, *args: Any, grant_links: GrantLinksOf | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._grant_links_of = grant_links
        self._page_grants: Mapping[int, Sequence[GrantLink]] | None = None
        self._grant_cell: tuple[str, dict[str, str], dict[tuple[str, str], str]] | None = None
        self._labels: ValueLabels | None = None
        self._entry_labels = EntryLabels()

    def section_of(self, record: ListEntry) -> str:
        return self._entry_labels.section(record)

    def _page_records(self) -> list[ListEntry]:
        """The entries of the page being rendered (already read: the rows iterate them)."""
        return [row.record for row in self.paginated_rows]

    def render_matter(self, record: ListEntry) -> str:
        return format_html(
            "{}{}{}{}",
            mark_language(localized(record.matter, "name")),
            format_html(
                '<br><span class="govuk-hint govuk-!-margin-bottom-0">{}</span>',
                record.matter.code,
            )
            if record.matter.code
            else "",
            format_html(
                '<br><span class="govuk-body-s">{} {}</span>',
                _("Conditions:"),
                mark_language(record.conditions),
            )
            if record.conditions
            else "",
            format_html(
                '<br><span class="govuk-tag govuk-tag--light-blue">{}</span>',
                _("from the demand list"),
            )
            if record.demand_item_id
            else "",
        )

    def render_actions(
        self, record: ListEntry, value: Any, bound_column: Any, bound_row: Any
    ) -> str:
        """A published entry's grants, each linked; a draft's edits from the cell template."""
        context = getattr(self, "context", None)  # django-tables2 sets it while rendering
        annual_list = context.get("annual_list") if context is not None else None
        if annual_list is None or not annual_list.published_on or self._grant_links_of is None:
            return str(
                bound_column.column.render(
                    record=record,
                    table=self,
                    value=value,
                    bound_column=bound_column,
                    bound_row=bound_row,
                )
            )
        if self._page_grants is None:
            entry_ids = [entry.pk for entry in self._page_records()]
            self._page_grants = self._grant_links_of(entry_ids=entry_ids)
        if self._grant_cell is None:
            address = reverse("dashboards:grant_detail", kwargs={"pk": 1}).removesuffix("1/")
            grant_model = ListEntry._meta.get_field("grants").related_model
            statuses = {
                value: str(escape(label))
                for value, label in _choice_labels(grant_model, "status").items()
            }
            self._grant_cell = (str(escape(address)), statuses, {})
        address, statuses, zone_names = self._grant_cell
        items = []
        for grant in self._page_grants.get(record.pk, ()):
            names = (grant.zone_name_zh, grant.zone_name_en)
            zone = zone_names.get(names)
            if zone is None:
                zone = str(escape(in_current_language(zh=names[0], en=names[1])))
                zone_names[names] = zone
            items.append(
                f'<li><a class="govuk-link" href="{address}{grant.grant_id}/"'
                f' data-grant="{grant.grant_id}">{zone}</a>: {statuses[grant.status]}</li>'
            )
        # Every part of the items is escaped above.
        links = mark_safe("".join(items)) or format_html("<li>{}</li>", "—")  # noqa: S308
        return format_html('<ul class="govuk-list govuk-body-s">{}</ul>', links)

    def render_mode(self, record: ListEntry) -> str:
        return localized(record.mode, "name")

    def render_departments(self, record: ListEntry) -> str:
        supervising = record.supervising_department
        return format_html(
            "{}{}",
            localized(record.granting_department, "name"),
            format_html(
                '<br><span class="govuk-body-s">{} {}</span>',
                _("Supervised by"),
                localized(supervising, "name"),
            )
            if supervising
            else "",
        )

    def render_receiving_areas(self, record: ListEntry) -> str:
        return receiving_areas_label(record)

    def render_change(self, record: ListEntry) -> str:
        """The change and, field by field, what changed, in the reader's words (issue 13.6)."""
        if self._labels is None:
            named = {
                slug
                for entry in self._page_records()
                for values in [entry.changed_fields.get("receiving_areas") or []]
                for side in values
                for slug in side or []
            }
            self._labels = value_labels(zone_slugs=named)
        changes = format_html_join(
            "",
            '<br><span data-field="{}">{}: {} → {}</span>',
            (
                (
                    change.field,
                    change.label,
                    mark_language(change.before),
                    mark_language(change.after),
                )
                for change in entry_changes(record.changed_fields, self._labels)
            ),
        )
        reason = (
            format_html(
                '<br><span class="govuk-body-s">{}</span>', marked_text(record.change_reason)
            )
            if record.change_reason
            else ""
        )
        return format_html("{}{}{}", self._entry_labels.change(record), changes, reason)


class ChangeableMatterTable(MatterTable):
    """The catalogue matters a user may change, each with its "Change" link (staff start page)."""

    change = tables.Column(
        verbose_name=_("Change"), empty_values=(), orderable=False, exclude_from_export=True
    )

    class Meta(MatterTable.Meta):
        sequence = ("code", "name", "competent_department", "change")
        exclude = ("kind", "matter_type")

    def render_change(self, record: Matter) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {}</span></a>',
            reverse("dashboards:matter_edit", kwargs={"pk": record.pk}),
            _("Change"),
            localized(record, "name"),
        )


EDITION_STATUS_COLOURS = {
    AnnualList.Status.DRAFT.value: "grey",
    AnnualList.Status.IN_REVIEW.value: "yellow",
    AnnualList.Status.APPROVED.value: "blue",
    AnnualList.Status.PUBLISHED.value: "green",
}


class StaffAnnualListTable(tables.Table):
    """Every edition of every batch's list for staff, drafts included (rows from
    ``matters.selectors.list_annual_lists``, which counts the entries)."""

    edition = tables.Column(
        verbose_name=_("Edition"),
        accessor="key",
        order_by=("year", "batch__number", "edition"),
    )
    batch = tables.Column(verbose_name=_("Batch"), order_by=("batch__number", "year", "edition"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "-year"))
    entry_count = tables.Column(
        verbose_name=_("Entries"),
        attrs={
            "th": {"class": "govuk-table__header govuk-table__header--numeric"},
            "td": {"class": "govuk-table__cell govuk-table__cell--numeric"},
        },
    )
    approved_on = DateColumn(verbose_name=_("Approved on"))
    published_on = DateColumn(verbose_name=_("Published on"))
    predecessor = tables.Column(
        verbose_name=_("Derived from"),
        accessor="predecessor__key",
        order_by=("predecessor__year", "predecessor__batch__number", "predecessor__edition"),
    )

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "annual-lists"}
        row_attrs = {"class": "govuk-table__row", "data-annual-list": lambda record: record.key}
        empty_text = _("No edition matches.")

    def render_edition(self, record: AnnualList) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}<br>'
            '<span class="govuk-hint govuk-!-margin-bottom-0">{}</span>',
            reverse("dashboards:annual_list_detail", args=[record.pk]),
            record,
            invented_tag(record.is_illustrative),
            record.key,
        )

    def value_edition(self, record: AnnualList) -> str:
        return record.key

    def render_status(self, record: AnnualList) -> str:
        return format_html(
            '<strong class="govuk-tag govuk-tag--{}" data-status="{}">{}</strong>',
            EDITION_STATUS_COLOURS.get(record.status, "purple"),
            record.status,
            record.get_status_display(),
        )

    def value_status(self, record: AnnualList) -> str:
        return str(record.get_status_display())


class ExportableAnnualListTable(tables.Table):
    """Editions on the import and export page: each one's downloads in the official layout, and
    the import of a workbook into a draft."""

    edition = tables.Column(
        verbose_name=_("Edition"), accessor="key", order_by=("year", "batch__number", "edition")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "-year"))
    entry_count = tables.Column(verbose_name=_("Entries"))
    downloads = tables.Column(
        verbose_name=_("Export"), accessor="pk", orderable=False, exclude_from_export=True
    )
    workbook = tables.Column(
        verbose_name=_("Import"), accessor="pk", orderable=False, exclude_from_export=True
    )

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "list-editions"}
        row_attrs = {"class": "govuk-table__row", "data-annual-list": lambda record: record.key}
        empty_text = _("No edition matches.")

    render_status = StaffAnnualListTable.render_status
    value_status = StaffAnnualListTable.value_status

    def render_edition(self, record: AnnualList) -> str:
        return format_html(
            '{}{}<br><span class="govuk-hint govuk-!-margin-bottom-0">{}</span>',
            record,
            invented_tag(record.is_illustrative),
            record.key,
        )

    def value_edition(self, record: AnnualList) -> str:
        return record.key

    def render_downloads(self, record: AnnualList) -> str:
        return format_html_join(
            " · ",
            '<a class="govuk-link" href="{}" download>{}</a>',
            (
                (reverse("dashboards:annual_list_export", args=[record.pk, file_format]), label)
                for file_format, label in (("xlsx", ".xlsx"), ("csv", "CSV"), ("json", "JSON"))
            ),
        )

    def render_workbook(self, record: AnnualList) -> str:
        if not record.is_editable:
            return "—"
        return format_html(
            '<a class="govuk-link" href="{}" data-testid="list-import-create">{}'
            '<span class="govuk-visually-hidden"> {} {}</span></a>',
            reverse("dashboards:list_import_create", args=[record.pk]),
            _("Import a workbook"),
            _("into"),
            record.key,
        )


class ListImportTable(tables.Table):
    """Workbooks imported into draft editions, newest first."""

    original_name = tables.Column(verbose_name=_("Workbook"), order_by=("original_name", "pk"))
    edition = tables.Column(
        verbose_name=_("Edition"),
        accessor="annual_list__key",
        order_by=("annual_list__year", "annual_list__batch__number", "annual_list__edition"),
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "-created_at"))
    created_at = DateColumn(verbose_name=_("Uploaded"))
    created_by = tables.Column(
        verbose_name=_("By"), accessor="created_by__username", default=_("system")
    )

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "list-imports"}
        row_attrs = {"class": "govuk-table__row", "data-list-import": lambda record: record.pk}
        empty_text = _("No workbook matches.")

    def render_original_name(self, record: ListImport) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            reverse("dashboards:list_import_detail", args=[record.pk]),
            record.original_name,
        )

    def render_status(self, record: ListImport) -> str:
        return format_html(
            '<strong class="govuk-tag govuk-tag--grey" data-status="{}">{}</strong>',
            record.status,
            record.status_label,
        )

    def value_status(self, record: ListImport) -> str:
        return record.status_label


class ImportAdditionTable(tables.Table):
    """The entries an import adds (``ListImport.summary["add"]``) by their row in the workbook,
    marking matters new to the catalogue."""

    row = tables.Column(verbose_name=_("Row"), attrs=NUMERIC)
    matter = tables.Column(verbose_name=_("Matter"), empty_values=(), order_by=("sequence", "row"))

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "import-additions"}
        row_attrs = {"class": "govuk-table__row", "data-row": lambda record: record["row"]}

    def render_matter(self, record: dict[str, Any]) -> str:
        return format_html(
            "{}. {}{}{}",
            record["sequence"],
            record["matter_name"],
            format_html(
                ' <span class="govuk-hint govuk-!-margin-bottom-0">{}</span>', record["matter_code"]
            )
            if record["matter_code"]
            else "",
            format_html(
                ' <strong class="govuk-tag govuk-tag--light-blue">{}</strong>',
                _("new in the catalogue"),
            )
            if record["new_matter"]
            else "",
        )

    def value_matter(self, record: dict[str, Any]) -> str:
        return f"{record['sequence']}. {record['matter_name']}"


class ImportChangeTable(ImportAdditionTable):
    """The entries an import changes (``ListImport.summary["change"]``), each with its changes
    field by field."""

    changes = tables.Column(verbose_name=_("Changes"), orderable=False)

    class Meta(ImportAdditionTable.Meta):
        attrs = {**GOVUK_TABLE_ATTRS, "id": "import-changes"}

    def render_matter(self, record: dict[str, Any]) -> str:
        return format_html(
            "{}. {}{}",
            record["sequence"],
            record["matter_name"],
            format_html(
                '<br><span class="govuk-hint govuk-!-margin-bottom-0">{}</span>',
                record["matter_code"],
            )
            if record["matter_code"]
            else "",
        )

    def render_changes(self, value: list[dict[str, str]]) -> str:
        return format_html(
            '<ul class="govuk-list">{}</ul>',
            format_html_join(
                "",
                '<li data-column="{}"><strong>{}</strong>: {} → {}</li>',
                (
                    (change["column"], change["column"], change["before"] or "—",
                     change["after"] or "—")
                    for change in value
                ),
            ),
        )  # fmt: skip

    def value_changes(self, value: list[dict[str, str]]) -> str:
        return "; ".join(
            f"{change['column']}: {change['before'] or '—'} → {change['after'] or '—'}"
            for change in value
        )


class ShownEntryDifference(Protocol):
    """One entry compared across two editions, as the page reads it (labels, not codes)."""

    @property
    def kind(self) -> str: ...

    @property
    def kind_label(self) -> str: ...

    @property
    def sequence(self) -> int: ...

    @property
    def matter_code(self) -> str: ...

    @property
    def matter_name(self) -> str: ...

    @property
    def matter_key(self) -> str: ...

    @property
    def reason(self) -> str: ...

    @property
    def changes(self) -> Sequence[ShownChange]: ...


class EditionDifferenceTable(tables.Table):
    """Every entry of two compared editions, one row each, grouped by the kind of difference
    (added, removed, modified, unchanged), each with its changes field by field."""

    sequence = tables.Column(verbose_name=_("No."), attrs=NUMERIC, order_by=("sequence", "kind"))
    matter = tables.Column(
        verbose_name=_("Matter"), empty_values=(), order_by=("matter_name", "sequence")
    )
    kind = tables.Column(
        verbose_name=_("Change"), accessor="kind_label", order_by=("kind_label", "sequence")
    )
    changes = tables.Column(verbose_name=_("Changes"), empty_values=(), orderable=False)
    reason = tables.Column(verbose_name=_("Reason"), empty_values=(), orderable=False)

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "diff-entries"}
        row_attrs = {
            "class": "govuk-table__row",
            "data-difference": lambda record: record.kind,
            "data-sequence": lambda record: record.sequence,
        }

    def section_of(self, record: ShownEntryDifference) -> str:
        return record.kind_label

    def render_matter(self, record: ShownEntryDifference) -> str:
        name = (
            format_html(
                '<a class="govuk-link" href="{}">{}</a>',
                reverse("portal:matter_detail", args=[record.matter_key]),
                record.matter_name,
            )
            if record.matter_key
            else escape(record.matter_name)
        )
        code = (
            format_html('<br><span class="govuk-body-s">{}</span>', record.matter_code)
            if record.matter_code
            else ""
        )
        return format_html("{}{}", name, code)

    def value_matter(self, record: ShownEntryDifference) -> str:
        return record.matter_name

    def render_changes(self, record: ShownEntryDifference) -> str:
        if not record.changes:
            return "—"
        return format_html(
            '<ul class="govuk-list">{}</ul>',
            format_html_join(
                "",
                '<li data-field="{}"><span data-value="label">{}</span>: '
                '<span data-value="before">{}</span> → <span data-value="after">{}</span></li>',
                (
                    (
                        change.field,
                        change.label,
                        mark_language(change.before),
                        mark_language(change.after),
                    )
                    for change in record.changes
                ),
            ),
        )

    def value_changes(self, record: ShownEntryDifference) -> str:
        return "; ".join(
            f"{change.label}: {change.before} → {change.after}" for change in record.changes
        )

    def render_reason(self, record: ShownEntryDifference) -> str:
        return format_html('<span data-value="reason">{}</span>', marked_text(record.reason) or "—")

    def value_reason(self, record: ShownEntryDifference) -> str:
        return record.reason


class ImportMissingTable(tables.Table):
    """The edition's entries the workbook leaves out (``ListImport.summary["missing"]``), which
    the import leaves as they are, by number."""

    sequence = tables.Column(verbose_name=_("No."), attrs=NUMERIC)
    matter_code = tables.Column(verbose_name=_("Matter code"), default="—")
    matter_name = tables.Column(verbose_name=_("Matter"))

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "import-missing"}
        row_attrs = {
            "class": "govuk-table__row",
            "data-sequence": lambda record: record["sequence"],
        }
