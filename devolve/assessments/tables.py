"""Tables of assessment results shown to the public: what an area or a matter stopped holding
as it was, why, and the assessment behind the change."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from devolve.assessments.models import AssessmentRound, RecommendationChoice
from devolve.core.actions import marked_text
from devolve.core.dates import iso_date, written_date
from devolve.core.i18n import in_current_language
from devolve.core.tables import GOVUK_TABLE_ATTRS, DateColumn, invented_tag, link
from devolve.core.templatetags.devolve import localized
from devolve.grants.models import Grant
from devolve.grants.selectors import HoldingChange

CHANGE_TAG_COLOURS = {
    HoldingChange.RECALLED: "red",
    HoldingChange.WITHDRAWN: "red",
    HoldingChange.ADJUSTED: "yellow",
    HoldingChange.NARROWED: "orange",
    HoldingChange.UNLISTED: "grey",
}


class GrantChangeTable(tables.Table):
    """Rows from ``grants.selectors.list_grant_changes`` annotated by
    ``assessments.selectors.with_assessment_behind``."""

    matter = tables.Column(
        verbose_name=_("Matter"), empty_values=(), order_by=("entry__matter__name_zh",)
    )
    zone = tables.Column(
        verbose_name=_("Pilot area"),
        empty_values=(),
        order_by=("zone__prefecture__code", "zone__slug"),
    )
    edition = tables.Column(
        verbose_name=_("Held under"),
        empty_values=(),
        order_by=("entry__annual_list__year", "entry__annual_list__edition"),
    )
    change_kind = tables.Column(verbose_name=_("What changed"), empty_values=())
    ended_on = tables.Column(verbose_name=_("On"), empty_values=())
    reason = tables.Column(verbose_name=_("Reason"), empty_values=(), orderable=False)
    assessment = tables.Column(
        verbose_name=_("Assessment behind it"), empty_values=(), orderable=False
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-change": lambda record: record.change_kind,
            "data-kind": lambda record: record.entry.matter.kind,
        }
        order_by = ("-ended_on",)

    def render_matter(self, record: Grant) -> str:
        matter = record.entry.matter
        return link(matter.get_absolute_url(), localized(matter, "name"))

    def render_zone(self, record: Grant) -> str:
        return link(record.zone.get_absolute_url(), localized(record.zone, "name"))

    def render_edition(self, record: Grant) -> str:
        annual_list = record.entry.annual_list
        return link(annual_list.get_absolute_url(), annual_list.key)

    def render_change_kind(self, value: str, record: Grant) -> str:
        kind = HoldingChange(value)
        tag = format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
            CHANGE_TAG_COLOURS[kind],
            kind.label,
        )
        year = _annotation(record, "successor_year")
        if kind == HoldingChange.RECALLED or year is None:
            return tag
        diff = reverse(
            "portal:annual_list_diff",
            kwargs={
                "year": year,
                "batch": _annotation(record, "successor_batch"),
                "edition": _annotation(record, "successor_edition"),
            },
        )
        return format_html("{}<br>{}", tag, link(diff, str(_("see the next edition's changes"))))

    def render_ended_on(self, record: Grant) -> str:
        return written_date(record.ended_on)

    def value_ended_on(self, record: Grant) -> str:
        return iso_date(record.ended_on)

    def render_reason(self, record: Grant) -> str:
        if _annotation(record, "change_kind") == HoldingChange.RECALLED:
            return marked_text(record.end_reason) or "—"
        return marked_text(_annotation(record, "successor_reason")) or "—"

    def render_assessment(self, record: Grant) -> str:
        decision = _annotation(record, "decision")
        recommendation = _annotation(record, "recommendation")
        parts: list[str] = []
        if decision:
            reason = _annotation(record, "decision_reason")
            parts.append(
                format_html(
                    "{}: <strong>{}</strong>{}",
                    in_current_language(
                        zh=_annotation(record, "decision_round_zh") or "",
                        en=_annotation(record, "decision_round_en") or "",
                    ),
                    RecommendationChoice(decision).label,
                    format_html(" — {}", marked_text(reason)) if reason else "",
                )
            )
        if recommendation:
            score = _annotation(record, "assessed_score")
            reason = _annotation(record, "recommendation_reason")
            parts.append(
                format_html(
                    '<span class="govuk-body-s">{} {}{}{}</span>',
                    _("Evaluators recommended:"),
                    RecommendationChoice(recommendation).label,
                    format_html(" ({} {})", _("score"), score) if score is not None else "",
                    format_html(" — {}", marked_text(reason)) if reason else "",
                )
            )
        if not parts:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))


def _annotation(record: Grant, name: str) -> Any:
    """A value the selectors annotated onto the grant (unknown to the model's type)."""
    return tables.A(name).resolve(record)


class AssessmentRoundTable(tables.Table):
    """Assessment rounds, newest edition first, each linking to its page."""

    title = tables.Column(verbose_name=_("Round"), empty_values=(), order_by=("title_zh", "pk"))
    edition = tables.Column(
        verbose_name=_("Edition assessed"),
        accessor="annual_list__key",
        order_by=("annual_list__year", "annual_list__batch__number", "pk"),
    )
    period = tables.Column(
        verbose_name=_("Period"), empty_values=(), order_by=("period_starts_on", "pk")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))
    next_edition = tables.Column(
        verbose_name=_("Next edition drafted"),
        accessor="next_edition__key",
        order_by=("next_edition__year", "next_edition__batch__number", "pk"),
    )

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "assessment-rounds"}
        row_attrs = {"class": "govuk-table__row", "data-round": lambda record: record.pk}
        empty_text = _("No assessment round matches.")

    def render_title(self, record: AssessmentRound) -> str:
        illustrative = invented_tag(record.is_illustrative)
        return format_html("{}{}", link(record.get_absolute_url(), str(record)), illustrative)

    def value_title(self, record: AssessmentRound) -> str:
        return str(record)

    def render_period(self, record: AssessmentRound) -> str:
        return f"{record.period_starts_on:%Y-%m-%d} – {record.period_ends_on:%Y-%m-%d}"

    def render_status(self, record: AssessmentRound) -> str:
        return format_html(
            '<span data-status="{}">{}</span>', record.status, record.get_status_display()
        )

    def value_status(self, record: AssessmentRound) -> str:
        return str(record.get_status_display())


class EntryRollUpTable(tables.Table):
    """An assessment round's entries on its staff page (rows from
    ``assessments.selectors.list_entry_rollups``): each area's score and recommendation, the
    entry's rolled-up recommendation, and the decision or the link to make it (``round`` and
    ``actions`` in the page's context)."""

    sequence = tables.Column(verbose_name=_("No."), accessor="entry__sequence")
    matter = tables.Column(
        verbose_name=_("Matter"), empty_values=(), order_by=("entry__matter__name_zh",)
    )
    areas = tables.TemplateColumn(
        template_name="assessments/_rollup_areas_cell.html",
        verbose_name=_("Areas: score and recommendation"),
        orderable=False,
    )
    recommended = tables.Column(
        verbose_name=_("Recommended"),
        empty_values=(),
        attrs={"td": {"data-recommended": lambda record: record.recommended or ""}},
    )
    decision = tables.TemplateColumn(
        template_name="assessments/_rollup_decision_cell.html",
        verbose_name=_("Decision"),
        orderable=False,
        attrs={
            "td": {
                "data-decision": lambda record: record.decision.decision if record.decision else ""
            }
        },
    )

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-entry": lambda record: record.entry.pk}
        empty_text = _("No grant of this round is in your scope.")

    def render_matter(self, record: Any) -> str:
        entry = record.entry
        return format_html(
            '{}<br><span class="govuk-hint govuk-!-margin-bottom-0">{} · {}</span>',
            localized(entry.matter, "name"),
            entry.mode,
            entry.granting_department,
        )

    def value_matter(self, record: Any) -> str:
        return localized(record.entry.matter, "name")

    def render_recommended(self, record: Any) -> str:
        if record.recommended:
            return str(record.recommended_label)
        return str(_("waiting for scores"))


class FlaggedGrantAssessmentTable(tables.Table):
    """A round's grants flagged for zero use (rows from
    ``assessments.selectors.list_flagged_grant_assessments_visible_to``), longest run first."""

    matter = tables.Column(
        verbose_name=_("Matter"),
        empty_values=(),
        order_by=("grant__entry__matter__name_zh", "pk"),
    )
    zone = tables.Column(
        verbose_name=_("Pilot area"), accessor="grant__zone", order_by=("grant__zone__slug", "pk")
    )
    zero_use_periods = tables.Column(
        verbose_name=_("Periods without a case"),
        order_by=("zero_use_periods", "pk"),
        attrs={
            "th": {"class": "govuk-table__header govuk-table__header--numeric"},
            "td": {"class": "govuk-table__cell govuk-table__cell--numeric"},
        },
    )
    zero_use_ended_on = DateColumn(verbose_name=_("Until"), order_by=("zero_use_ended_on", "pk"))

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "round-flagged"}
        row_attrs = {"class": "govuk-table__row", "data-flagged": lambda record: record.grant_id}
        order_by = ("-zero_use_periods",)
        empty_text = _("No grant you can see reached the threshold without a case.")

    def render_matter(self, record: Any) -> str:
        return link(
            reverse("dashboards:grant_assessment_detail", args=[record.pk]),
            localized(record.grant.entry.matter, "name"),
        )

    def value_matter(self, record: Any) -> str:
        return localized(record.grant.entry.matter, "name")
