"""Statistics imports, their rows and evaluation runs as django-tables2 tables for staff."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from devolve.core.dates import written_date
from devolve.core.tables import GOVUK_TABLE_ATTRS, NUMERIC, DateColumn, invented_tag
from devolve.indicators.models import EvaluationRun, ObservationImport


class ObservationImportTable(tables.Table):
    file_name = tables.Column(verbose_name=_("File"))
    vintage = DateColumn(verbose_name=_("Release date"))
    status = tables.Column(verbose_name=_("Status"))
    rows = tables.Column(
        verbose_name=_("Rows"), accessor="summary__rows", empty_values=(), orderable=False
    )
    errors = tables.Column(
        verbose_name=_("Errors"), accessor="summary__errors", empty_values=(), orderable=False
    )
    uploaded_at = DateColumn(verbose_name=_("Uploaded"))
    uploaded_by = tables.Column(
        verbose_name=_("Uploaded by"), order_by=("uploaded_by__username",), empty_values=()
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-import": lambda record: record.pk}
        empty_text = _("No file has been uploaded yet.")

    def render_file_name(self, record: ObservationImport) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), record.file_name
        )

    def render_status(self, record: ObservationImport) -> str:
        return str(record.get_status_display())

    def render_rows(self, record: ObservationImport) -> str:
        return str((record.summary or {}).get("rows", "—"))

    def render_errors(self, record: ObservationImport) -> str:
        return str((record.summary or {}).get("errors", "—"))

    def render_uploaded_by(self, record: ObservationImport) -> str:
        return record.uploaded_by.get_username() if record.uploaded_by else "—"


class EvaluationRunTable(tables.Table):
    run = tables.Column(verbose_name=_("Run"), empty_values=(), order_by=("created_at", "pk"))
    batch = tables.Column(verbose_name=_("Batch"), order_by=("batch__number", "pk"))
    method = tables.Column(verbose_name=_("Method"), empty_values=(), order_by=("method", "pk"))
    as_of = DateColumn(verbose_name=_("Data as of"))
    headline_allowed = tables.BooleanColumn(
        verbose_name=_("Headline effect shown"), yesno=(_("yes"), _("no"))
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-run": lambda record: record.pk}
        empty_text = _("No evaluation has been run yet.")

    def render_run(self, record: EvaluationRun) -> str:
        simulated = invented_tag(record.is_simulated, _("simulated"))
        return format_html(
            '<a class="govuk-link" href="{}">{} · {}</a>{}',
            record.get_absolute_url(),
            record.indicator,
            written_date(record.created_at),
            simulated,
        )

    def render_method(self, record: EvaluationRun) -> str:
        return f"{record.get_method_display()} · {record.get_control_display()}"


class ObservationPreviewTable(tables.Table):
    """A statistics file's rows as they will be written (rows from
    ``indicators.selectors.list_observation_import_preview``), in the file's order."""

    row = tables.Column(verbose_name=_("Row"), attrs=NUMERIC)
    indicator = tables.Column(verbose_name=_("Indicator"))
    subject = tables.Column(verbose_name=_("Subject"))
    year = tables.Column(verbose_name=_("Year"))
    quarter = tables.Column(verbose_name=_("Quarter"))
    value = tables.Column(verbose_name=_("Value"), attrs=NUMERIC)

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "import-preview"}
        row_attrs = {"class": "govuk-table__row", "data-row": lambda record: record["row"]}
        empty_text = _("The file has no rows.")
