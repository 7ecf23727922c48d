import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from devolve.core.tables import GOVUK_TABLE_ATTRS, invented_tag
from devolve.core.templatetags.devolve import localized
from devolve.regions.models import Zone
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
        return f"{membership.joined_on.isoformat()}{marker}"
