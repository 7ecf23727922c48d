"""Tables of selection (django-tables2)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from devolve.core.tables import GOVUK_TABLE_ATTRS, invented_tag
from devolve.core.templatetags.devolve import localized
from devolve.selection.models import SelectionRound

NUMERIC = {
    "th": {"class": "govuk-table__header govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell govuk-table__cell--numeric"},
}


class SelectionRoundTable(tables.Table):
    """Selection rounds, newest first (rows from ``selectors.list_rounds``, which counts the
    results)."""

    title = tables.Column(verbose_name=_("Round"), empty_values=(), order_by=("title_zh", "slug"))
    year = tables.Column(verbose_name=_("Year"), attrs=NUMERIC, order_by=("year", "slug"))
    batch_number = tables.Column(
        verbose_name=_("Batch"), attrs=NUMERIC, order_by=("batch_number", "slug")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "slug"))
    result_count = tables.Column(verbose_name=_("Results"), attrs=NUMERIC)

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "selection-rounds"}
        row_attrs = {"class": "govuk-table__row", "data-round": lambda record: record.slug}
        empty_text = _("No selection round matches.")

    def render_title(self, record: SelectionRound) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}',
            reverse("dashboards:selection_round_detail", args=[record.slug]),
            localized(record, "title"),
            invented_tag(record.is_illustrative, _("Illustrative")),
        )

    def value_title(self, record: SelectionRound) -> str:
        return localized(record, "title")

    def render_status(self, record: SelectionRound) -> str:
        return format_html(
            '<strong class="govuk-tag govuk-tag--grey" data-status="{}">{}</strong>',
            record.status,
            record.get_status_display(),
        )

    def value_status(self, record: SelectionRound) -> str:
        return str(record.get_status_display())
