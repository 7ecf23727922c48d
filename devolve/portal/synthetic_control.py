"""The evaluation page's synthetic controls: stored ``EvaluationRun.results["synth"]`` shaped
for the page and its charts. Each pilot area shows every stored fit under its method's name
(ADH and the de-meaned variant; ADR 0029), its placebo p-value with the smallest p-value its
placebos allow, its in-time placebo, and conformal intervals of the yearly gaps."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from devolve.core.numbers import number, signed
from devolve.indicators.models import EvaluationRun
from devolve.regions.models import Zone
from devolve.regions.selectors import list_zones

# The variants' names on the page (analytics.synth.VARIANTS, in the interface's words).
SYNTH_VARIANT_NAMES = {
    "adh": gettext_lazy(
        "Abadie–Diamond–Hainmueller synthetic control (predictors, nested weights)"
    ),
    "outcome": gettext_lazy("synthetic control on pre-period outcomes only"),
    "shift": gettext_lazy(
        "de-meaned synthetic control (pre-period outcomes, with a constant shift)"
    ),
}
# The chart's line for each variant's synthetic pilot area.
SYNTH_LINE_NAMES = {
    "adh": gettext_lazy("ADH synthetic control"),
    "outcome": gettext_lazy("Synthetic control (outcomes only)"),
    "shift": gettext_lazy("De-meaned synthetic control"),
}


@dataclass(frozen=True)
class SynthFit:
    variant: str
    name: str
    pre_rmspe: str
    gap_after: str
    p_value: str
    n_placebos: int
    p_floor: str
    weights: list[tuple[str, str]]
    in_time_start: int | None = None
    in_time_gap: str = "—"
    in_time_pre_rmspe: str = "—"


@dataclass(frozen=True)
class SynthPanel:
    zone: Zone | None
    unit: str
    chart: dict[str, Any]
    fits: list[SynthFit]
    conformal: list[tuple[str, str, bool]]  # (year, "[low, high]", reached the grid's edge)
    conformal_level: int | None  # per cent

    @property
    def data_id(self) -> str:
        return f"synth-data-{self.unit}"


def _fit(fit: dict[str, Any], chart: dict[str, Any], zones: dict[str, Zone]) -> SynthFit:
    post = [
        gap
        for gap, period in zip(fit["gap"], chart["periods"], strict=True)
        if period >= chart["cohort"] and gap is not None
    ]
    in_time = fit.get("in_time") or {}
    return SynthFit(
        variant=fit.get("variant", "shift"),
        name=str(SYNTH_VARIANT_NAMES.get(fit.get("variant", "shift"), "")),
        pre_rmspe=number(fit.get("pre_rmspe"), 2),
        gap_after=signed(sum(post) / len(post) if post else None, 1),
        p_value=number(fit.get("p_value"), 2),
        n_placebos=int(fit.get("n_placebos") or 0),
        p_floor=number(fit.get("p_floor"), 2),
        weights=[
            (str(zones[slug]) if slug in zones else slug, number(weight, 2))
            for slug, weight in sorted(fit.get("weights", {}).items(), key=lambda item: -item[1])[
                :5
            ]
        ],
        in_time_start=in_time.get("start"),
        in_time_gap=signed(in_time.get("mean_gap"), 1),
        in_time_pre_rmspe=number(in_time.get("pre_rmspe"), 2),
    )


def synth_panels(run: EvaluationRun) -> list[SynthPanel]:
    charts = run.results.get("synth") or []
    zones = {zone.slug: zone for zone in list_zones()}
    panels: list[SynthPanel] = []
    for chart in charts:
        zone = zones.get(chart["unit"])
        # Runs stored before ADH was added hold one fit in the chart itself.
        fits = chart.get("fits") or [chart]
        conformal = chart.get("conformal") or {}
        panels.append(
            SynthPanel(
                zone=zone,
                unit=chart["unit"],
                chart={
                    "labels": [str(period) for period in chart["periods"]],
                    "lines": [
                        {"name": str(zone) if zone else chart["unit"], "values": chart["treated"]},
                        *(
                            {
                                "name": str(SYNTH_LINE_NAMES.get(fit.get("variant", "shift"), "")),
                                "values": fit["synthetic"],
                                "dashed": True,
                            }
                            for fit in fits
                        ),
                    ],
                    "mark_x": str(chart["cohort"]),
                },
                fits=[_fit(fit, chart, zones) for fit in fits],
                conformal=[
                    (
                        str(interval["period"]),
                        f"[{number(interval.get('low'), 1)}, {number(interval.get('high'), 1)}]",
                        bool(interval.get("open_ended")),
                    )
                    for interval in conformal.get("intervals", [])
                ],
                conformal_level=(
                    round(100 * (1 - conformal["alpha"])) if "alpha" in conformal else None
                ),
            )
        )
    return panels


def synth_method_names(panels: list[SynthPanel]) -> list[str]:
    """The methods the page's synthetic controls use, in order, each named once."""
    names: list[str] = []
    for panel in panels:
        for fit in panel.fits:
            if fit.name not in names:
                names.append(fit.name)
    return names


def synth_placebo_count(panels: list[SynthPanel]) -> tuple[int, int, str] | None:
    """(N comparison zones, N + 1, the smallest p-value 1 / (N + 1)) when every fit on the page
    has the same number of placebos, else None."""
    counts = {fit.n_placebos for panel in panels for fit in panel.fits}
    if len(counts) != 1:
        return None
    (count,) = counts
    return count, count + 1, number(1 / (count + 1), 2)
