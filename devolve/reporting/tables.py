"""Reporting tables (django-tables2): completeness and timeliness, and lists of reports."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from devolve.core.tables import GOVUK_TABLE_ATTRS
from devolve.core.templatetags.devolve import percent
from devolve.reporting.models import AreaReport, DepartmentReport
from devolve.reporting.selectors import CompletenessRow

STATUS_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "reviewed": "purple",
    "accepted": "green",
    "returned": "red",
}


def status_tag(report: AreaReport | DepartmentReport) -> str:
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}" data-status="{}">{}</strong>',
        STATUS_COLOURS[report.status],
        report.status,
        report.get_status_display(),
    )


class CompletenessTable(tables.Table):
    label = tables.Column(verbose_name=_("Reporting unit"))
    expected = tables.Column(verbose_name=_("Expected"), attrs={"td": {"data-col": "expected"}})
    submitted = tables.Column(verbose_name=_("Submitted"), attrs={"td": {"data-col": "submitted"}})
    submitted_on_time = tables.Column(
        verbose_name=_("On time"), attrs={"td": {"data-col": "on-time"}}
    )
    accepted = tables.Column(verbose_name=_("Accepted"))
    returned = tables.Column(verbose_name=_("Returned"))
    overdue = tables.Column(verbose_name=_("Overdue"), attrs={"td": {"data-col": "overdue"}})
    completeness = tables.Column(
        verbose_name=_("Completeness"), attrs={"td": {"data-col": "completeness"}}
    )
    timeliness = tables.Column(
        verbose_name=_("Timeliness"), attrs={"td": {"data-col": "timeliness"}}
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-key": lambda record: record.key}
        orderable = False
        empty_text = _("No report was due yet.")

    def render_completeness(self, record: CompletenessRow) -> str:
        return percent(float(record.completeness) if record.completeness is not None else None)

    def render_timeliness(self, record: CompletenessRow) -> str:
        return percent(float(record.timeliness) if record.timeliness is not None else None)


class AreaReportTable(tables.Table):
    cycle = tables.Column(verbose_name=_("Period"), accessor="cycle__label", orderable=False)
    edition = tables.Column(verbose_name=_("Edition"), accessor="cycle__annual_list__key")
    zone = tables.Column(verbose_name=_("Pilot area"))
    due_on = tables.Column(verbose_name=_("Due on"), accessor="cycle__due_on")
    status = tables.Column(verbose_name=_("Status"))
    first_submitted_on = tables.Column(verbose_name=_("First submitted on"))

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-report": lambda record: record.pk}
        orderable = False
        empty_text = _("No report.")

    def render_cycle(self, record: AreaReport) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), record.cycle.label
        )

    def render_status(self, record: AreaReport) -> str:
        return status_tag(record)


class DepartmentReportTable(tables.Table):
    cycle = tables.Column(verbose_name=_("Period"), accessor="cycle__label")
    edition = tables.Column(verbose_name=_("Edition"), accessor="cycle__annual_list__key")
    department = tables.Column(verbose_name=_("Department"))
    due_on = tables.Column(verbose_name=_("Due on"), accessor="cycle__due_on")
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-report": lambda record: record.pk}
        orderable = False
        empty_text = _("No report.")

    def render_cycle(self, record: DepartmentReport) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), record.cycle.label
        )

    def render_status(self, record: DepartmentReport) -> str:
        return status_tag(record)
