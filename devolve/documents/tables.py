"""The documents asked for, as a django-tables2 table for the staff list."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from devolve.core.tables import GOVUK_TABLE_ATTRS, DateColumn
from devolve.documents.models import GeneratedDocument


class GeneratedDocumentTable(tables.Table):
    document = tables.Column(
        verbose_name=_("Document"), empty_values=(), order_by=("kind", "subject_key", "pk")
    )
    as_of = DateColumn(verbose_name=_("Data as of"))
    status = tables.Column(verbose_name=_("Status"))
    requested_at = DateColumn(verbose_name=_("Asked for"))
    requested_by = tables.Column(verbose_name=_("Asked by"), order_by=("requested_by__username",))

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-document": lambda record: record.pk}
        empty_text = _("No document has been asked for yet.")

    def render_document(self, record: GeneratedDocument) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a> ({})',
            reverse("dashboards:generated_document_detail", kwargs={"pk": record.pk}),
            record,
            record.get_language_display(),
        )

    def render_status(self, record: GeneratedDocument) -> str:
        return str(record.get_status_display())
