"""Tables of selection (django-tables2)."""

from typing import Any

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from devolve.core.tables import GOVUK_TABLE_ATTRS, NUMERIC, RowErrorTable, invented_tag, numeric
from devolve.core.templatetags.devolve import localized, percent
from devolve.selection.models import SelectionRound


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


class CriterionPartColumn(tables.Column):
    """How much of one criterion's weight a candidate earns, as a bar against that weight."""

    def __init__(self, *, code: str, weight: float, **kwargs: Any) -> None:
        self.weight = weight
        super().__init__(
            accessor=tables.A(f"criteria__{code}"),
            attrs={"td": {"class": "govuk-table__cell", "data-criterion": code}},
            **kwargs,
        )

    def render(self, value: float) -> str:
        shown = floatformat(value, 3)
        return format_html(
            '<meter min="0" max="{}" value="{}" title="{}">{}</meter>',
            self.weight,
            value,
            shown,
            shown,
        )

    def value(self, value: float) -> float:
        return value


class CandidateRankingTable(tables.Table):
    """A scored round's candidates in rank order (``candidates`` of the result document, each
    with ``name`` and ``prefecture_name`` in the reader's language): a column per criterion
    (``criteria``: code, name and weight) and what the sensitivity runs did to each."""

    rank = tables.Column(verbose_name=_("Rank"), attrs=NUMERIC)
    name = tables.Column(verbose_name=_("Zone"), order_by=("zone",))
    prefecture_name = tables.Column(verbose_name=_("Prefecture"), order_by=("prefecture", "rank"))
    score = tables.Column(
        verbose_name=_("Score"),
        attrs=numeric(data_score=lambda record: record["score"]),
    )
    selection_frequency = tables.Column(verbose_name=_("Chosen in runs"), attrs=NUMERIC)
    rank_range = tables.Column(
        verbose_name=_("Rank range"), empty_values=(), order_by=("rank_p05", "rank_p95")
    )

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "ranking"}
        row_attrs = {
            "class": "govuk-table__row",
            "data-zone": lambda record: record["zone"],
            "data-rank": lambda record: record["rank"],
            "data-selected": lambda record: "true" if record["selected"] else "false",
        }
        sequence = ("rank", "name", "prefecture_name", "score", "...", "selection_frequency")
        empty_text = _("No candidate was scored.")

    def __init__(
        self, data: list[dict[str, Any]], *, criteria: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        parts = [
            (f"criterion-{criterion['code']}",
             CriterionPartColumn(code=criterion["code"], weight=criterion["weight"],
                                 verbose_name=criterion["name"]))
            for criterion in criteria
        ]  # fmt: skip
        super().__init__(data, extra_columns=parts, **kwargs)

    def render_name(self, record: dict[str, Any]) -> str:
        recommended = (
            format_html(' <strong class="govuk-tag govuk-tag--green">{}</strong>', _("Recommended"))
            if record["selected"]
            else ""
        )
        imputed = (
            format_html(
                ' <strong class="govuk-tag govuk-tag--orange" data-imputed="{}">{}</strong>',
                ",".join(record["imputed"]),
                _("Imputed: %(codes)s") % {"codes": ", ".join(record["imputed"])},
            )
            if record.get("imputed")
            else ""
        )
        return format_html("{}{}{}", record["name"], recommended, imputed)

    def value_name(self, record: dict[str, Any]) -> str:
        return str(record["name"])

    def render_score(self, value: float) -> str:
        return floatformat(value, 3)

    def render_selection_frequency(self, value: float) -> str:
        return percent(value)

    def render_rank_range(self, record: dict[str, Any]) -> str:
        return f"{floatformat(record['rank_p05'], 0)}–{floatformat(record['rank_p95'], 0)}"


class CandidateErrorTable(RowErrorTable):
    """The errors of a checked candidate file (``candidate_import.stored_check``), by row; the
    planner keeps no cell value."""

    class Meta(RowErrorTable.Meta):
        exclude = ("value",)
        row_attrs = {
            "class": "govuk-table__row",
            "data-error-code": lambda record: record["code"],
        }
