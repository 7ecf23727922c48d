"""Performance assessments, scores, manual values and appeals as django-tables2 tables for the
staff performance pages."""

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableListData

from devolve.core.tables import GOVUK_TABLE_ATTRS, NUMERIC, DateColumn, invented_tag, numeric
from devolve.performance.models import (
    Appeal,
    IndicatorItem,
    ManualInput,
    PerformanceAssessment,
    Score,
    ScoreItem,
)
from devolve.performance.overview import FlaggedRow, FlaggedRows
from devolve.performance.selectors import item_field

TIER_COLOURS = {"excellent": "green", "good": "blue", "pass": "yellow"}


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


class PerformanceAssessmentTable(tables.Table):
    """A year's assessments, newest first, each linking to its page."""

    year = tables.Column(verbose_name=_("Year"), order_by=("year", "scheme__code"))
    scheme = tables.Column(verbose_name=_("Scheme version"), order_by=("scheme__code", "year"))
    appeal_window = tables.Column(
        verbose_name=_("Appeal window"), empty_values=(), order_by=("appeal_opens_on", "pk")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "-year"))

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "assessments"}
        row_attrs = {"class": "govuk-table__row", "data-assessment": lambda record: record.pk}
        empty_text = _("No assessment you may see yet.")

    def render_year(self, record: PerformanceAssessment) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), record.year
        )

    def value_year(self, record: PerformanceAssessment) -> int:
        return record.year

    def render_scheme(self, record: PerformanceAssessment) -> str:
        return format_html("{}{}", record.scheme, invented_tag(record.is_illustrative))

    def value_scheme(self, record: PerformanceAssessment) -> str:
        return str(record.scheme)

    def render_appeal_window(self, record: PerformanceAssessment) -> str:
        return f"{record.appeal_opens_on:%Y-%m-%d} – {record.appeal_closes_on:%Y-%m-%d}"

    def render_status(self, record: PerformanceAssessment) -> str:
        return str(record.get_status_display())


class ScoreTable(tables.Table):
    """An assessment's scores in rank order, each subject linking to its score's page."""

    rank = tables.Column(verbose_name=_("Rank"), attrs=NUMERIC, order_by=("rank", "subject_key"))
    subject = tables.Column(verbose_name=_("Subject"), empty_values=(), order_by=("subject_key",))
    total = tables.Column(
        verbose_name=_("Score"),
        order_by=("total", "subject_key"),
        attrs=numeric(data_total=lambda record: record.total),
    )
    tier = tables.Column(verbose_name=_("Tier"), order_by=("tier", "rank"))

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "ranking"}
        row_attrs = {"class": "govuk-table__row", "data-subject": lambda record: record.subject_key}
        empty_text = _("No score yet.")

    def render_subject(self, record: Score) -> str:
        revised = (
            format_html(' <span class="govuk-body-s">({})</span>', _("revised"))
            if record.revision > 1
            else ""
        )
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>{}',
            record.get_absolute_url(),
            record.subject,
            revised,
        )

    def value_subject(self, record: Score) -> str:
        return str(record.subject)

    def render_tier(self, record: Score) -> str:
        return _tier_tag(record)

    def value_tier(self, record: Score) -> str:
        return str(record.get_tier_display())


class ManualInputTable(tables.Table):
    """The values the office entered by hand for an assessment, with their evidence."""

    item = tables.Column(verbose_name=_("Item"), order_by=("item__code", "subject_key"))
    subject = tables.Column(verbose_name=_("Subject"), empty_values=(), order_by=("subject_key",))
    value = tables.Column(verbose_name=_("Value"), attrs=NUMERIC)
    evidence = tables.Column(verbose_name=_("Evidence"), orderable=False)

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "manual-inputs"}
        row_attrs = {"class": "govuk-table__row", "data-item": lambda record: record.item.code}
        empty_text = _("No value was entered by hand.")

    def render_subject(self, record: ManualInput) -> str:
        return str(record.subject)

    def render_value(self, record: ManualInput) -> str:
        return floatformat(record.value, "-4")


class FlaggedRowData(TableListData):
    """The flagged grants as table data, read a page at a time: django-tables2 turns any data
    that is not a queryset into a list, which would read every flagged grant."""

    def __init__(self, data: FlaggedRows) -> None:
        super().__init__(data)


class FlaggedGrantTable(tables.Table):
    """Grants flagged for zero use (``performance.overview.FlaggedRows``), longest runs first;
    that order is the list's point, so it does not sort."""

    def __init__(self, data: FlaggedRows, *args: Any, **kwargs: Any) -> None:
        super().__init__(FlaggedRowData(data), *args, **kwargs)

    edition = tables.Column(verbose_name=_("Edition"), accessor="grant__entry__annual_list__key")
    matter = tables.Column(verbose_name=_("Matter"), accessor="grant__entry__matter")
    zone = tables.Column(verbose_name=_("Pilot area"), accessor="grant__zone")
    periods = tables.Column(
        verbose_name=_("Periods with no case"),
        accessor="flag__consecutive_zero_periods",
        attrs=NUMERIC,
    )
    last_period_end = DateColumn(verbose_name=_("Last period"), accessor="flag__last_period_end")

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "flagged"}
        row_attrs = {"class": "govuk-table__row", "data-grant": lambda record: record.grant.pk}
        orderable = False
        empty_text = _("No grant is flagged.")

    def render_matter(self, record: FlaggedRow) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            record.grant.get_absolute_url(),
            record.grant.entry.matter,
        )


def _tier_tag(record: Score) -> str:
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}" data-tier="{}">{}</strong>',
        TIER_COLOURS.get(record.tier, "red"),
        record.tier,
        record.get_tier_display(),
    )


class PublishedRankingTable(ScoreTable):
    """A published assessment's ranking on the public site: the staff ranking's columns, each
    subject named without a link to the staff pages."""

    class Meta(ScoreTable.Meta):
        pass

    def render_subject(self, record: Score) -> str:
        return str(record.subject)


_POINTS_PLACES = Decimal(1).scaleb(-ScoreItem._meta.get_field("points").decimal_places)


def _as_stored(points: Decimal | None) -> Decimal | None:
    """Points with the places the model stores them with: an annotation read on SQLite comes
    back as 50, where the model field reads 50.00."""
    return None if points is None else points.quantize(_POINTS_PLACES)


class ItemPointsColumn(tables.Column):
    """One item's points for each score (``selectors.with_item_points``): the points where the
    item was scored, "no data" (its outcome as a title) where the scheme's rule for missing
    data applied, — where the score has no line for the item. Sorts by the points."""

    def __init__(self, item: IndicatorItem) -> None:
        self.outcome_field = item_field(item, "outcome")
        points = item_field(item, "points")
        super().__init__(
            verbose_name=str(item),
            accessor=points,
            order_by=(points, "subject_key"),
            attrs=NUMERIC,
            empty_values=(),
        )

    def render(self, value: Decimal | None, record: Score) -> str:
        outcome = getattr(record, self.outcome_field)
        if outcome is None:
            return "—"
        if outcome == ScoreItem.Outcome.SCORED:
            return str(localize(_as_stored(value)))
        return format_html(
            '<span title="{}">{}</span>', ScoreItem.Outcome(outcome).label, _("no data")
        )

    def value(self, value: Decimal | None, record: Score) -> str:
        outcome = getattr(record, self.outcome_field)
        if outcome == ScoreItem.Outcome.SCORED:
            return str(_as_stored(value))
        return "" if outcome is None else str(ScoreItem.Outcome(outcome).label)


class ItemPointsTable(tables.Table):
    """Every subject's points item by item, one column per item of the assessment's scheme
    (rows from ``selectors.with_item_points``), then the score."""

    subject = tables.Column(verbose_name=_("Subject"), empty_values=(), order_by=("subject_key",))
    total = tables.Column(verbose_name=_("Score"), attrs=NUMERIC, order_by=("total", "subject_key"))

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "points"}
        row_attrs = {"class": "govuk-table__row", "data-subject": lambda record: record.subject_key}
        empty_text = _("No score yet.")

    def __init__(self, data: Any, *, items: list[IndicatorItem], **kwargs: Any) -> None:
        columns = [(f"item_{item.pk}", ItemPointsColumn(item)) for item in items]
        super().__init__(
            data,
            extra_columns=columns,
            sequence=("subject", *(name for name, _column in columns), "total"),
            **kwargs,
        )

    def render_subject(self, record: Score) -> str:
        return str(record.subject)
