"""Reporting tables (django-tables2): completeness and timeliness, and lists of reports."""

import django_tables2 as tables
from django.urls import reverse, translate_url
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from devolve.core.i18n import mark_language
from devolve.core.tables import (
    GOVUK_TABLE_ATTRS,
    NUMERIC,
    DateColumn,
    choose_column,
    invented_tag,
    numeric,
)
from devolve.core.templatetags.devolve import localized, percent
from devolve.reporting.findings import flag_messages
from devolve.reporting.models import (
    AreaReport,
    DepartmentReport,
    ReportingCycle,
    ReportingNotice,
    UsageLine,
)
from devolve.reporting.selectors import AreaUsage, CompletenessRow, OverdueReport

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
        verbose_name=_("Completeness"),
        attrs={"td": {"data-col": "completeness"}},
        orderable=False,
    )
    timeliness = tables.Column(
        verbose_name=_("Timeliness"), attrs={"td": {"data-col": "timeliness"}}, orderable=False
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-key": lambda record: record.key}
        empty_text = _("No report was due yet.")

    def render_completeness(self, record: CompletenessRow) -> str:
        return percent(float(record.completeness) if record.completeness is not None else None)

    def render_timeliness(self, record: CompletenessRow) -> str:
        return percent(float(record.timeliness) if record.timeliness is not None else None)


class AreaReportTable(tables.Table):
    cycle = tables.Column(
        verbose_name=_("Period"),
        accessor="cycle__label",
        order_by=("cycle__period_start", "zone__slug"),
    )
    edition = tables.Column(
        verbose_name=_("Edition"),
        accessor="cycle__annual_list__key",
        order_by=("cycle__annual_list__year", "cycle__annual_list__batch__number", "pk"),
    )
    zone = tables.Column(verbose_name=_("Pilot area"), order_by=("zone__slug", "pk"))
    due_on = tables.Column(
        verbose_name=_("Due on"), accessor="cycle__due_on", order_by=("cycle__due_on", "pk")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))
    first_submitted_on = tables.Column(
        verbose_name=_("First submitted on"), order_by=("first_submitted_on", "pk")
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-report": lambda record: record.pk}
        empty_text = _("No report.")

    def render_cycle(self, record: AreaReport) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), record.cycle.label
        )

    def render_status(self, record: AreaReport) -> str:
        return status_tag(record)


class ChoosableAreaReportTable(AreaReportTable):
    """Area reports with a box per row, for the bulk actions (``report`` = the report's id)."""

    choose = choose_column("report")

    class Meta(AreaReportTable.Meta):
        sequence = ("choose", "...")


class UsageLineTable(tables.Table):
    """An area report's lines, one per grant, in the edition's order (rows from
    ``reporting.selectors.list_usage_lines``): paged like every list, where the page drew a
    national report's 500 lines at once."""

    matter = tables.Column(
        verbose_name=_("Matter"),
        accessor="grant__entry__matter",
        order_by=("grant__entry__sequence", "pk"),
    )
    cases_received = tables.Column(
        verbose_name=_("Cases received"),
        attrs=numeric(data_col="cases-received"),
        order_by=("cases_received", "pk"),
    )
    cases_completed = tables.Column(
        verbose_name=_("Cases completed"),
        attrs=numeric(data_col="cases-completed"),
        order_by=("cases_completed", "pk"),
    )
    average_handling_days = tables.Column(
        verbose_name=_("Average handling days"), attrs=NUMERIC, default="—", orderable=False
    )
    promised_limit_days = tables.Column(
        verbose_name=_("Promised limit (days)"), attrs=NUMERIC, default="—", orderable=False
    )
    problems = tables.Column(verbose_name=_("Problems met"), empty_values=(), orderable=False)
    help_needed = tables.Column(verbose_name=_("Help needed"), empty_values=(), orderable=False)

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "usage-lines"}
        row_attrs = {"class": "govuk-table__row", "data-grant": lambda record: record.grant_id}
        empty_text = _("No figures entered yet.")

    def render_matter(self, record: UsageLine) -> str:
        flags = format_html_join(
            "",
            '<br><strong class="govuk-tag govuk-tag--orange" data-flag>{}</strong>',
            ((flag,) for flag in flag_messages(record.flags)),
        )
        return format_html(
            "{}{}", mark_language(localized(record.grant.entry.matter, "name")), flags
        )

    def value_matter(self, record: UsageLine) -> str:
        return localized(record.grant.entry.matter, "name")

    def render_problems(self, value: str) -> str:
        return mark_language(value)

    def render_help_needed(self, value: str) -> str:
        return mark_language(value)


class ReportFormGrantTable(tables.Table):
    """The grants an area report's edit form asks figures for, a page at a time (rows from
    ``reporting.selectors.reportable_grants``): the form draws a fieldset per grant of the page,
    not this table, and takes its count, pager, page sizes and ``?page=`` from the one list
    mechanism. A national report's 500 lines in one form took 435 ms of CPU to draw."""

    matter = tables.Column(verbose_name=_("Matter"), accessor="entry__matter", orderable=False)

    class Meta:
        orderable = False


class DepartmentReportTable(tables.Table):
    cycle = tables.Column(
        verbose_name=_("Period"), accessor="cycle__label", order_by=("cycle__period_start", "pk")
    )
    edition = tables.Column(
        verbose_name=_("Edition"),
        accessor="cycle__annual_list__key",
        order_by=("cycle__annual_list__year", "cycle__annual_list__batch__number", "pk"),
    )
    department = tables.Column(verbose_name=_("Department"), order_by=("department__code", "pk"))
    due_on = tables.Column(
        verbose_name=_("Due on"), accessor="cycle__due_on", order_by=("cycle__due_on", "pk")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-report": lambda record: record.pk}
        empty_text = _("No report.")

    def render_cycle(self, record: DepartmentReport) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), record.cycle.label
        )

    def render_status(self, record: DepartmentReport) -> str:
        return status_tag(record)


class ReportingCycleTable(tables.Table):
    """Reporting cycles, each with the download of its edition's accepted usage."""

    edition = tables.Column(
        verbose_name=_("Edition"),
        accessor="annual_list__key",
        order_by=("annual_list__year", "annual_list__batch__number", "period_start"),
    )
    period = tables.Column(
        verbose_name=_("Period"), accessor="label", order_by=("period_start", "annual_list_id")
    )
    frequency = tables.Column(verbose_name=_("Frequency"), order_by=("frequency", "period_start"))
    opens_on = DateColumn(verbose_name=_("Entry opens on"), order_by=("opens_on", "pk"))
    due_on = DateColumn(verbose_name=_("Due on"), order_by=("due_on", "pk"))
    locks_on = DateColumn(verbose_name=_("Entry locks on"), order_by=("locks_on", "pk"))
    usage = tables.Column(
        verbose_name=_("Accepted usage"),
        accessor="annual_list_id",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-cycle": lambda record: record.pk,
            "data-edition": lambda record: record.annual_list_id,
        }
        empty_text = _("No reporting cycle matches.")

    def render_period(self, record: ReportingCycle) -> str:
        return format_html("{}{}", record.label, invented_tag(record.is_illustrative))

    def value_period(self, record: ReportingCycle) -> str:
        return record.label

    def render_usage(self, record: ReportingCycle) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            reverse("dashboards:reporting_usage_export", args=[record.annual_list_id]),
            _("Download (.xlsx)"),
        )


class OverdueReportTable(tables.Table):
    """Reports due and still owed (``selectors.overdue_reports``), most overdue first."""

    subject_label = tables.Column(verbose_name=_("Owed by"))
    cycle_label = tables.Column(verbose_name=_("Period"), order_by=("due_on", "subject_key"))
    due_on = DateColumn(verbose_name=_("Due on"))
    days_overdue = tables.Column(
        verbose_name=_("Days overdue"),
        attrs={
            "th": {"class": "govuk-table__header govuk-table__header--numeric"},
            "td": {"class": "govuk-table__cell govuk-table__cell--numeric"},
        },
    )

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "overdue-reports"}
        row_attrs = {
            "class": "govuk-table__row",
            "data-overdue": lambda record: f"{record.kind}-{record.report_id}",
        }
        empty_text = _("No report is overdue.")

    def render_subject_label(self, record: OverdueReport) -> str:
        returned = (
            format_html(' <strong class="govuk-tag govuk-tag--red">{}</strong>', _("returned"))
            if record.status == "returned"
            else ""
        )
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}', record.url, record.subject_label, returned
        )

    def value_subject_label(self, record: OverdueReport) -> str:
        return record.subject_label


NOTICE_TAGS: dict[str, str] = {
    ReportingNotice.Kind.OVERDUE.value: "red",
    ReportingNotice.Kind.REOPENED.value: "blue",
}


class ReportingNoticeTable(tables.Table):
    """A user's reporting reminders, newest first; unread ones are marked."""

    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "-created_at"))
    text = tables.Column(verbose_name=_("Reminder"), orderable=False, empty_values=())
    due_on = DateColumn(verbose_name=_("Due on"))
    created_at = DateColumn(verbose_name=_("Sent"))

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "notices-table"}
        row_attrs = {
            "class": "govuk-table__row",
            "data-notice": lambda record: record.kind,
            "data-unread": lambda record: "" if record.read_at is None else None,
        }
        empty_text = _("No reminder.")

    def render_kind(self, record: ReportingNotice) -> str:
        return format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
            NOTICE_TAGS.get(record.kind, "yellow"),
            record.get_kind_display(),
        )

    def render_text(self, record: ReportingNotice) -> str:
        if not record.link:
            return record.text
        # The link was stored in the language of the run that sent the notice; the reader
        # follows it in their own.
        link = translate_url(record.link, get_language())
        return format_html('<a class="govuk-link" href="{}">{}</a>', link, record.text)


class PeriodUsageTable(tables.Table):
    """Accepted cases per reporting period of an area's or a matter's grants, oldest first
    (rows from ``reporting.selectors.accepted_usage_by_period``); ``exclude=("areas",)`` on an
    area's page."""

    label = tables.Column(verbose_name=_("Period"), order_by=("period_start", "period_end"))
    cases_received = tables.Column(verbose_name=_("Cases received"), attrs=NUMERIC)
    cases_completed = tables.Column(verbose_name=_("Cases completed"), attrs=NUMERIC)
    areas = tables.Column(verbose_name=_("Areas reporting"), attrs=NUMERIC)

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-period": lambda record: record.period_start.isoformat(),
            "data-received": lambda record: record.cases_received,
            "data-completed": lambda record: record.cases_completed,
        }


class AreaUsageTable(tables.Table):
    """A matter's accepted cases per pilot area, most received first (rows from
    ``reporting.selectors.accepted_usage_by_area``)."""

    area = tables.Column(verbose_name=_("Pilot area"), empty_values=(), order_by=("zone_slug",))
    cases_received = tables.Column(verbose_name=_("Cases received"), attrs=NUMERIC)
    cases_completed = tables.Column(verbose_name=_("Cases completed"), attrs=NUMERIC)
    periods = tables.Column(verbose_name=_("Periods"), attrs=NUMERIC)

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-zone": lambda record: record.zone_slug}

    def render_area(self, record: AreaUsage) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            reverse("portal:zone_detail", kwargs={"slug": record.zone_slug}),
            localized(record, "name"),
        )

    def value_area(self, record: AreaUsage) -> str:
        return localized(record, "name")
