from dataclasses import dataclass

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from devolve.core.tables import GOVUK_TABLE_ATTRS
from devolve.core.templatetags.devolve import localized
from devolve.matters.models import AnnualList, ListEntry, Matter
from devolve.matters.selectors import EditionCounts


class MatterTable(tables.Table):
    code = tables.Column(verbose_name=_("Matter code"), empty_values=())
    name = tables.Column(verbose_name=_("Matter"), accessor="name_zh")
    kind = tables.Column(verbose_name=_("Kind"))
    matter_type = tables.Column(verbose_name=_("Matter type"), empty_values=())
    competent_department = tables.Column(verbose_name=_("Competent department"))

    class Meta:
        model = Matter
        fields = ("code", "name", "kind", "matter_type", "competent_department")
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row"}
        orderable = False

    def render_code(self, record: Matter) -> str:
        return record.code or "—"

    def render_name(self, record: Matter) -> str:
        indent = "↳ " if record.parent_id else ""
        marker = (
            format_html(
                ' <strong class="govuk-tag govuk-tag--yellow">{}</strong>', _("illustrative")
            )
            if record.is_illustrative
            else ""
        )
        return format_html("{}{}{}", indent, localized(record, "name"), marker)

    def render_matter_type(self, record: Matter) -> str:
        return localized(record.matter_type, "name") if record.matter_type else "—"

    def render_competent_department(self, record: Matter) -> str:
        return localized(record.competent_department, "name")


@dataclass(frozen=True)
class AnnualListRow:
    """An edition with its entry counts, as one row of the editions table."""

    edition: AnnualList
    counts: EditionCounts


def _illustrative_tag() -> str:
    return format_html(
        ' <strong class="govuk-tag govuk-tag--yellow">{}</strong>', _("illustrative")
    )


class AnnualListTable(tables.Table):
    edition = tables.Column(verbose_name=_("Edition"), empty_values=())
    year = tables.Column(verbose_name=_("Year"), accessor="edition__year")
    batch = tables.Column(verbose_name=_("Batch"), accessor="edition__batch")
    number = tables.Column(verbose_name=_("No."), accessor="edition__edition")
    status = tables.Column(verbose_name=_("Status"), empty_values=())
    published_on = tables.Column(verbose_name=_("Published"), empty_values=())
    document_number = tables.Column(verbose_name=_("Document number"), empty_values=())
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
        orderable = False

    def render_edition(self, record: AnnualListRow) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}',
            record.edition.get_absolute_url(),
            record.edition,
            _illustrative_tag() if record.edition.is_illustrative else "",
        )

    def render_status(self, record: AnnualListRow) -> str:
        return str(record.edition.get_status_display())

    def render_published_on(self, record: AnnualListRow) -> str:
        published_on = record.edition.published_on
        return published_on.isoformat() if published_on else "—"

    def render_document_number(self, record: AnnualListRow) -> str:
        return record.edition.document_number or "—"


def receiving_areas_label(entry: ListEntry) -> str:
    """ "All pilot areas of the batch", or the named areas (prefetched) in the page's language."""
    if entry.all_areas:
        return str(_("All pilot areas of the batch"))
    return "、".join(localized(zone, "name") for zone in entry.receiving_areas.all()) or "—"


class ListEntryTable(tables.Table):
    sequence = tables.Column(verbose_name=_("No."))
    matter = tables.Column(verbose_name=_("Matter"), empty_values=())
    kind = tables.Column(verbose_name=_("Kind"), accessor="matter__kind", empty_values=())
    mode = tables.Column(verbose_name=_("Mode"), empty_values=())
    granting_department = tables.Column(verbose_name=_("Granting department"), empty_values=())
    supervising_department = tables.Column(
        verbose_name=_("Supervising department"), empty_values=()
    )
    receiving_areas = tables.Column(verbose_name=_("Receiving areas"), empty_values=())
    change = tables.Column(verbose_name=_("Change"), empty_values=())
    change_reason = tables.Column(verbose_name=_("Reason"), empty_values=())

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-entry": lambda record: record.sequence,
            "data-kind": lambda record: record.matter.kind,
            "data-mode": lambda record: record.mode.code,
            "data-change": lambda record: record.change,
        }
        orderable = False

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
            "{}{}{}{}",
            localized(record.matter, "name"),
            _illustrative_tag() if record.is_illustrative else "",
            code if record.matter.code else "",
            format_html('<ul class="govuk-list">{}</ul>', sub_items) if sub_items else "",
        )

    def render_kind(self, record: ListEntry) -> str:
        return str(record.matter.get_kind_display())

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
        return format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
            CHANGE_TAG_COLOURS.get(record.change, "grey"),
            record.get_change_display(),
        )

    def render_change_reason(self, record: ListEntry) -> str:
        return record.change_reason or "—"


# GOV.UK tag colours for an entry's change against the predecessor edition.
CHANGE_TAG_COLOURS: dict[str, str] = {
    ListEntry.Change.ADDED: "green",
    ListEntry.Change.KEPT: "grey",
    ListEntry.Change.MODIFIED: "yellow",
    ListEntry.Change.WITHDRAWN: "red",
    ListEntry.Change.SPLIT: "purple",
    ListEntry.Change.MERGED: "purple",
}
