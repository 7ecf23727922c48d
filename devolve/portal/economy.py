"""Public pages of the economy feature, mounted by portal/urls.py: the headline comparison of pilot
areas with the province, and per batch and indicator the stored causal evaluation next to it.

Every figure comes from the database (observations, and the latest ``EvaluationRun``); this
module only shapes stored numbers for the page and its charts.
"""

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from devolve.core.numbers import number, signed
from devolve.indicators import selectors
from devolve.indicators.models import EvaluationRun, Indicator
from devolve.indicators.notes import read_notes
from devolve.portal.synthetic_control import (
    synth_method_names,
    synth_panels,
    synth_placebo_count,
)
from devolve.regions.models import Batch
from devolve.regions.selectors import get_batch, list_batches


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


@require_safe
def economy_overview(request: HttpRequest) -> HttpResponse:
    """Growth indicators, each batch's headline and a link to its evaluation."""
    today = timezone.localdate()
    cards = []
    for indicator in selectors.list_growth_indicators():
        headlines = selectors.get_headlines(indicator=indicator, as_of=today)
        for batch in list_batches():
            headline = headlines.get(batch.number)
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


@require_safe
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


def _matched_estimate(
    run: EvaluationRun, headline: selectors.Headline | None, digits: int
) -> dict[str, Any] | None:
    """The estimate for the naive gap's own units and year: ATT(g, t) with g the batch's first
    treated year and t the headline's year (the same year), with its pointwise interval."""
    if headline is None:
        return None
    alpha = float(run.parameters.get("alpha", 0.05))
    for cell in (run.results.get("cs") or {}).get("att_gt", []):
        if cell["cohort"] == headline.year and cell["period"] == headline.year:
            att, se = cell.get("att"), cell.get("se")
            if att is None or se is None:
                return None
            z = NormalDist().inv_cdf(1 - alpha / 2)
            return {
                "value": att,
                "att": signed(att, digits),
                "ci": f"[{number(att - z * se, digits)}, {number(att + z * se, digits)}]",
                "year": headline.year,
            }
    return None


def _sensitivity_context(sensitivity: dict[str, Any] | None, digits: int) -> dict[str, Any]:
    """Rambachan–Roth sets of the stored run: at M̄ = 1, for a continued linear pre-trend, and
    the breakdown value (the smallest M̄ whose set contains zero)."""
    if not sensitivity:
        return {}

    def interval(rows: list[dict[str, Any]], bound: float) -> str | None:
        for row in rows:
            if row.get("bound") == bound:
                return f"[{number(row.get('low'), digits)}, {number(row.get('high'), digits)}]"
        return None

    magnitudes = sensitivity.get("relative_magnitudes") or []
    breakdown = sensitivity.get("breakdown")
    return {
        "at_one": interval(magnitudes, 1.0),
        "linear": interval(sensitivity.get("linear_trend") or [], 0.0),
        "breakdown": number(breakdown, 2) if breakdown is not None else None,
        "largest": number(max((row["bound"] for row in magnitudes), default=None), 2),
    }


def _wild_context(wild: dict[str, Any] | None, digits: int) -> dict[str, Any] | None:
    if not wild:
        return None
    return {
        "ci": f"[{number(wild.get('ci_low'), digits)}, {number(wild.get('ci_high'), digits)}]",
        "n_clusters": wild.get("n_clusters"),
        "p_value": number(wild.get("p_value"), 3),
    }


def _bjs_pretrend(bjs: dict[str, Any]) -> dict[str, Any] | None:
    """The imputation pre-trend test's wild cluster bootstrap, if the run has one."""
    wild = bjs.get("pretrend_wild")
    if not wild:
        return None
    return {
        "wild_p": number(wild.get("p_value"), 3),
        "clusters": wild.get("n_clusters"),
        "draws": wild.get("draws"),
        "asymptotic": number(bjs.get("pretrend_p"), 3),
    }


def _run_context(run: EvaluationRun, headline: selectors.Headline | None) -> dict[str, Any]:
    summary = run.results.get("summary") or {}
    overall = summary.get("overall") or {}
    bjs = run.results.get("bjs") or {}
    bjs_overall = bjs.get("overall") or {}
    digits = 2
    notes = read_notes(run.diagnostics.get("notes", []))
    known = run.known_effect or {}
    matched = _matched_estimate(run, headline, digits)
    panels = synth_panels(run)
    return {
        "overall": {
            "att": signed(overall.get("att"), digits),
            "ci": f"[{number(overall.get('ci_low'), digits)}, "
            f"{number(overall.get('ci_high'), digits)}]",
            "se": number(overall.get("se"), digits),
            "wild": _wild_context(summary.get("overall_wild"), digits),
        },
        "matched": matched,
        "explained_by_selection": signed(
            headline.gap - matched["value"]
            if headline and headline.gap is not None and matched is not None
            else None
        ),
        "bjs_overall": {
            "att": signed(bjs_overall.get("att"), digits),
            "ci": f"[{number(bjs_overall.get('ci_low'), digits)}, "
            f"{number(bjs_overall.get('ci_high'), digits)}]",
        },
        "comparison_notes": read_notes(run.results.get("comparison", [])),
        "refusal_notes": [note for note in notes if note.get("severity") == "error"],
        "notes": notes,
        "event_rows": _estimate_rows(summary.get("event", []), digits),
        "cohort_rows": _estimate_rows(summary.get("cohort", []), digits),
        "event_chart": _event_chart(summary),
        "synth_panels": panels,
        "synth_methods": synth_method_names(panels),
        "synth_placebos": synth_placebo_count(panels),
        "sensitivity": _sensitivity_context(run.results.get("sensitivity"), digits),
        "diagnostics": run.diagnostics,
        "pretrend_p": number(run.diagnostics.get("pretrend_p"), 3),
        "bjs_pretrend": _bjs_pretrend(bjs),
        "pretrend_randomisation_p": number(run.diagnostics.get("pretrend_randomisation_p"), 3),
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
