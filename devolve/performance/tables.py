"""Appeals as a django-tables2 table for the staff performance page."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from devolve.core.tables import GOVUK_TABLE_ATTRS
from devolve.performance.models import Appeal


class AppealTable(tables.Table):
    score = tables.Column(verbose_name=_("Score"), empty_values=(), order_by=("score__pk", "pk"))
    item = tables.Column(verbose_name=_("Item"), order_by=("item__pk", "pk"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-appeal": lambda record: record.pk}
        empty_text = _("No appeal.")

    def render_score(self, record: Appeal) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.score.get_absolute_url(), record.score
        )

    def render_status(self, record: Appeal) -> str:
        return str(record.get_status_display())
