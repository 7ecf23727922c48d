"""Public pages of the economy feature, mounted by portal/urls.py: the headline comparison of pilot
areas with the province, and per batch and indicator the stored causal evaluation next to it.

Every figure comes from the database (observations, and the latest ``EvaluationRun``); this
module only shapes stored numbers for the page and its charts.
"""

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from devolve.indicators import selectors
from devolve.indicators.models import EvaluationRun, Indicator
from devolve.regions.models import Batch, Zone
from devolve.regions.selectors import get_batch, list_batches

MINUS = "\u2212"


def signed(value: float | None, digits: int = 1) -> str:
    """+6.7, \u22120.3 (a true minus sign) or an em dash when there is no value."""
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}"
    return text.replace("-", MINUS)


def number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace("-", MINUS)


@dataclass(frozen=True)
class EstimateRow:
    key: int
    att: str
    se: str
    ci: str
    band: str
    units: int | None = None


def _estimate_rows(rows: list[dict[str, Any]], digits: int) -> list[EstimateRow]:
    return [
        EstimateRow(
            key=int(row["key"]),
            att=number(row.get("att"), digits),
            se=number(row.get("se"), digits),
            ci=f"[{number(row.get('ci_low'), digits)}, {number(row.get('ci_high'), digits)}]",
            band=(
                f"[{number(row.get('band_low'), digits)}, {number(row.get('band_high'), digits)}]"
                if row.get("band_low") is not None
                else "—"
            ),
            units=row.get("units"),
        )
        for row in rows
    ]


def _event_chart(summary: dict[str, Any]) -> dict[str, Any]:
    event = summary.get("event", [])
    return {
        "labels": [str(row["key"]) for row in event],
        "x_name": _("Years since the batch began"),
        "lines": [{"name": _("Estimate"), "values": [row.get("att") for row in event]}],
        "bands": [
            {
                "name": _("Uniform 95% band"),
                "low": [row.get("band_low") for row in event],
                "high": [row.get("band_high") for row in event],
            }
        ],
        "zero_line": True,
        "mark_x": "0",
    }


@dataclass(frozen=True)
class SynthPanel:
    zone: Zone | None
    unit: str
    chart: dict[str, Any]
    pre_rmspe: str
    p_value: str
    n_placebos: int
    gap_after: str
    weights: list[tuple[str, str]]

    @property
    def data_id(self) -> str:
        return f"synth-data-{self.unit}"


def _synth_panels(run: EvaluationRun) -> list[SynthPanel]:
    charts = run.results.get("synth") or []
    zones = {zone.slug: zone for zone in Zone.objects.all()}
    panels: list[SynthPanel] = []
    for chart in charts:
        zone = zones.get(chart["unit"])
        periods = [str(period) for period in chart["periods"]]
        post = [
            gap
            for gap, period in zip(chart["gap"], chart["periods"], strict=True)
            if period >= chart["cohort"] and gap is not None
        ]
        panels.append(
            SynthPanel(
                zone=zone,
                unit=chart["unit"],
                chart={
                    "labels": periods,
                    "lines": [
                        {"name": str(zone) if zone else chart["unit"], "values": chart["treated"]},
                        {
                            "name": _("Synthetic control"),
                            "values": chart["synthetic"],
                            "dashed": True,
                        },
                    ],
                    "mark_x": str(chart["cohort"]),
                },
                pre_rmspe=number(chart.get("pre_rmspe"), 2),
                p_value=number(chart.get("p_value"), 2),
                n_placebos=int(chart.get("n_placebos") or 0),
                gap_after=signed(sum(post) / len(post) if post else None, 1),
                weights=[
                    (str(zones[slug]) if slug in zones else slug, number(weight, 2))
                    for slug, weight in sorted(
                        chart.get("weights", {}).items(), key=lambda item: -item[1]
                    )[:5]
                ],
            )
        )
    return panels


def _headline_rows(comparison: selectors.HeadlineComparison, year: int) -> list[dict[str, Any]]:
    return [
        {
            "row": row,
            "simple": number(row.simple_mean),
            "weighted": number(row.weighted_mean),
            "province": number(row.province),
            "gap": signed(row.gap),
            "weighted_gap": signed(row.weighted_gap),
        }
        for row in comparison.rows
        if row.year == year
    ]


def _indicator_or_404(code: str) -> Indicator:
    indicator = selectors.get_indicator(code=code)
    if indicator is None or indicator.kind != Indicator.Kind.GROWTH_RATE:
        raise Http404(_("No such growth indicator."))
    return indicator


def _batch_or_404(number: int) -> Batch:
    batch = get_batch(number=number)
    if batch is None:
        raise Http404(_("No such batch."))
    return batch


@require_GET
def economy_overview(request: HttpRequest) -> HttpResponse:
    """Growth indicators, each batch's headline and a link to its evaluation."""
    today = timezone.localdate()
    cards = []
    for indicator in selectors.list_indicators().filter(kind=Indicator.Kind.GROWTH_RATE):
        comparison = selectors.get_headline_comparison(indicator=indicator, as_of=today)
        for batch in list_batches():
            headline = comparison.headlines.get(batch.number)
            cards.append(
                {
                    "indicator": indicator,
                    "batch": batch,
                    "headline": headline,
                    "pilot_mean": number(headline.pilot_mean) if headline else "—",
                    "province": number(headline.province) if headline else "—",
                    "gap": signed(headline.gap) if headline else "—",
                    "simulated": bool(headline and headline.row.simulated),
                }
            )
    return render(request, "portal/economy/economy_overview.html", {"cards": cards})


@require_GET
def evaluation_detail(request: HttpRequest, indicator: str, batch: int) -> HttpResponse:
    indicator_object = _indicator_or_404(indicator)
    batch_object = _batch_or_404(batch)
    run = selectors.get_latest_run(indicator=indicator_object, batch=batch_object)
    as_of = run.as_of if run is not None else timezone.localdate()
    comparison = selectors.get_headline_comparison(indicator=indicator_object, as_of=as_of)
    headline = comparison.headlines.get(batch_object.number)
    context: dict[str, Any] = {
        "indicator": indicator_object,
        "batch": batch_object,
        "as_of": as_of,
        "headline": headline,
        "headline_figures": _headline_figures(headline),
        "headline_rows": _headline_rows(comparison, headline.year) if headline else [],
        "headline_chart": comparison.chart(batch_number=batch_object.number),
        "pre_reform_gap": signed(comparison.pre_reform_gap(batch_number=batch_object.number), 1),
        "run": run,
        "simulated": bool((headline and headline.row.simulated) or (run and run.is_simulated)),
    }
    if run is not None:
        context.update(_run_context(run, headline))
    return render(request, "portal/economy/evaluation_detail.html", context)


def _headline_figures(headline: selectors.Headline | None) -> dict[str, str]:
    if headline is None:
        return {}
    return {
        "pilot_mean": number(headline.pilot_mean),
        "province": number(headline.province),
        "gap": signed(headline.gap),
        "weighted_mean": number(headline.row.weighted_mean),
        "weighted_gap": signed(headline.row.weighted_gap),
    }


def _run_context(run: EvaluationRun, headline: selectors.Headline | None) -> dict[str, Any]:
    summary = run.results.get("summary") or {}
    overall = summary.get("overall") or {}
    bjs = run.results.get("bjs") or {}
    bjs_overall = bjs.get("overall") or {}
    digits = 2
    notes = run.diagnostics.get("notes", [])
    known = run.known_effect or {}
    return {
        "overall": {
            "att": signed(overall.get("att"), digits),
            "ci": f"[{number(overall.get('ci_low'), digits)}, "
            f"{number(overall.get('ci_high'), digits)}]",
            "se": number(overall.get("se"), digits),
        },
        "explained_by_selection": signed(
            headline.gap - overall["att"]
            if headline and headline.gap is not None and overall.get("att") is not None
            else None
        ),
        "bjs_overall": {
            "att": signed(bjs_overall.get("att"), digits),
            "ci": f"[{number(bjs_overall.get('ci_low'), digits)}, "
            f"{number(bjs_overall.get('ci_high'), digits)}]",
        },
        "comparison_notes": run.results.get("comparison", []),
        "refusal_notes": [note for note in notes if note.get("severity") == "error"],
        "notes": notes,
        "event_rows": _estimate_rows(summary.get("event", []), digits),
        "cohort_rows": _estimate_rows(summary.get("cohort", []), digits),
        "event_chart": _event_chart(summary),
        "synth_panels": _synth_panels(run),
        "diagnostics": run.diagnostics,
        "pretrend_p": number(run.diagnostics.get("pretrend_p"), 3),
        "pscore_range": (
            f"{number(run.diagnostics.get('pscore_min'), 3)} – "
            f"{number(run.diagnostics.get('pscore_max'), 3)}"
        ),
        "known_effect": signed(known.get("effect_pp"), 1) if known else None,
        "calibration_shift": signed(known.get("calibration_shift_pp"), 2) if known else None,
        "error": run.results.get("error"),
    }


urlpatterns: list[URLPattern] = [
    path("economy/", economy_overview, name="economy_overview"),
    path(
        "economy/<slug:indicator>/batch-<int:batch>/",
        evaluation_detail,
        name="economy_evaluation_detail",
    ),
]
