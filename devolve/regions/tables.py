from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from devolve.core.actions import marked_text, render_text
from devolve.core.dates import iso_date, written_date
from devolve.core.tables import GOVUK_TABLE_ATTRS, invented_tag
from devolve.core.templatetags.devolve import localized
from devolve.regions.models import BatchMembership, Zone
from devolve.regions.selectors import active_membership_of


class PilotAreaTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Pilot area"), accessor="name_zh", order_by=("name_zh", "slug")
    )
    prefecture = tables.Column(verbose_name=_("Prefecture"), order_by=("prefecture__code", "slug"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "slug"))
    level = tables.Column(verbose_name=_("Level"), empty_values=(), order_by=("level", "slug"))
    batch = tables.Column(verbose_name=_("Batch"), empty_values=(), orderable=False)
    joined_on = tables.Column(verbose_name=_("Joined"), empty_values=(), orderable=False)

    class Meta:
        model = Zone
        fields = ("name", "prefecture", "kind", "level", "batch", "joined_on")
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-zone": lambda record: record.slug}

    def render_name(self, record: Zone) -> str:
        marker = invented_tag(record.is_illustrative)
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}',
            record.get_absolute_url(),
            localized(record, "name"),
            marker,
        )

    def render_prefecture(self, record: Zone) -> str:
        return localized(record.prefecture, "name")

    def render_level(self, record: Zone) -> str:
        return str(record.get_level_display() or _("Not confirmed"))

    def render_batch(self, record: Zone) -> str:
        return str(active_membership_of(record).batch)

    def render_joined_on(self, record: Zone) -> str:
        membership = active_membership_of(record)
        marker = " *" if membership.is_illustrative else ""
        return f"{written_date(membership.joined_on)}{marker}"

    def value_joined_on(self, record: Zone) -> str:
        membership = active_membership_of(record)
        marker = " *" if membership.is_illustrative else ""
        return f"{iso_date(membership.joined_on)}{marker}"


class BatchMembershipTable(tables.Table):
    """Memberships of pilot batches: a batch's pilot areas on its page (``exclude=("batch",)``),
    a zone's batches on its page (``exclude=("zone", "prefecture")``). Rows from
    ``regions.selectors.list_memberships``."""

    batch = tables.Column(verbose_name=_("Batch"), order_by=("batch__number", "joined_on"))
    zone = tables.Column(verbose_name=_("Pilot area"), order_by=("zone__name_zh", "zone__slug"))
    prefecture = tables.Column(
        verbose_name=_("Prefecture"),
        accessor="zone__prefecture",
        order_by=("zone__prefecture__code", "zone__slug"),
    )
    joined_on = tables.Column(verbose_name=_("Joined"), order_by=("joined_on", "zone__slug"))
    left_on = tables.Column(
        verbose_name=_("Left"), empty_values=(), order_by=("left_on", "zone__slug")
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-zone": lambda record: record.zone.slug,
            "data-batch": lambda record: record.batch.number,
        }
        empty_text = _("No pilot areas.")

    def render_batch(self, record: BatchMembership) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.batch.get_absolute_url(), record.batch
        )

    def value_batch(self, record: BatchMembership) -> str:
        return str(record.batch)

    def render_zone(self, record: BatchMembership) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            record.zone.get_absolute_url(),
            localized(record.zone, "name"),
        )

    def value_zone(self, record: BatchMembership) -> str:
        return localized(record.zone, "name")

    def render_prefecture(self, record: BatchMembership) -> str:
        return localized(record.zone.prefecture, "name")

    def render_joined_on(self, record: BatchMembership) -> str:
        return format_html(
            "{}{}", written_date(record.joined_on), invented_tag(record.is_illustrative)
        )

    def value_joined_on(self, record: BatchMembership) -> str:
        return iso_date(record.joined_on)

    def render_left_on(self, record: BatchMembership) -> str:
        if record.left_on is None:
            return "—"
        reason = format_html(" — {}", marked_text(record.left_reason)) if record.left_reason else ""
        return format_html("{}{}", written_date(record.left_on), reason)

    def value_left_on(self, record: BatchMembership) -> str:
        if record.left_on is None:
            return "—"
        reason = f" — {render_text(record.left_reason)}" if record.left_reason else ""
        return f"{iso_date(record.left_on)}{reason}"


class PrefectureZoneTable(tables.Table):
    """The zones registered in one prefecture, and whether each is a pilot area on the page's
    day (``pilot_slugs``)."""

    name = tables.Column(verbose_name=_("Zone"), accessor="name_zh", order_by=("name_zh", "slug"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "slug"))
    level = tables.Column(verbose_name=_("Level"), empty_values=(), order_by=("level", "slug"))
    is_pilot = tables.Column(verbose_name=_("Pilot area"), empty_values=(), orderable=False)

    def __init__(self, data: Any, *, pilot_slugs: set[str], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.pilot_slugs = pilot_slugs

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-zone": lambda record: record.slug}
        empty_text = _("No zones registered in this prefecture.")

    def render_name(self, record: Zone) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}',
            record.get_absolute_url(),
            localized(record, "name"),
            invented_tag(record.is_illustrative),
        )

    def value_name(self, record: Zone) -> str:
        return localized(record, "name")

    def render_level(self, record: Zone) -> str:
        return str(record.get_level_display() or _("Not confirmed"))

    def render_is_pilot(self, record: Zone) -> str:
        return str(_("yes") if record.slug in self.pilot_slugs else _("no"))
