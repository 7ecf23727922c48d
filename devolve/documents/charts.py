"""Charts for the briefing, drawn by matplotlib with the CJK font the document uses.

A chart is data first (``Chart``: labels and series, the same numbers as the briefing's tables and
the pages' charts) and a PNG second, so the tests compare numbers, not pixels.
"""

import io
from dataclasses import dataclass, field

from devolve.documents.fonts import FontPlan, FontRole


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    kind: str  # "bar" or "line"
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    notes: tuple[str, ...] = field(default=())


def render_png(chart: Chart, fonts: FontPlan, *, dpi: int = 150) -> bytes:
    """The chart as a PNG, 16 by 7.5 cm at ``dpi``; metadata left out so the bytes depend on the
    data only."""
    import matplotlib  # heavy import: only when a chart is drawn

    matplotlib.use("Agg")
    from matplotlib import pyplot

    family = fonts.family(FontRole.HEITI)
    with matplotlib.rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, "Noto Sans CJK SC", "DejaVu Sans"],
            "axes.unicode_minus": False,
        }
    ):
        figure, axes = pyplot.subplots(figsize=(16 / 2.54, 7.5 / 2.54))
        try:
            positions = list(range(len(chart.labels)))
            if chart.kind == "bar":
                count = max(len(chart.series), 1)
                width = 0.8 / count
                for index, series in enumerate(chart.series):
                    offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
                    values = [0.0 if value is None else value for value in series.values]
                    axes.bar(offsets, values, width=width, label=series.name)
            else:
                for series in chart.series:
                    values = [float("nan") if value is None else value for value in series.values]
                    axes.plot(
                        positions,
                        values,
                        marker="o",
                        linestyle="--" if series.dashed else "-",
                        label=series.name,
                    )
            axes.set_xticks(positions, chart.labels, fontsize=7)
            if chart.kind == "bar" and len(chart.labels) > 6:
                pyplot.setp(axes.get_xticklabels(), rotation=45, ha="right")
            axes.tick_params(axis="y", labelsize=7)
            axes.set_title(chart.title, fontsize=9)
            if chart.unit:
                axes.set_ylabel(chart.unit, fontsize=7)
            if len(chart.series) > 1:
                axes.legend(fontsize=7)
            axes.grid(axis="y", linewidth=0.3)
            figure.tight_layout()
            output = io.BytesIO()
            figure.savefig(output, format="png", dpi=dpi, metadata={"Software": None})
            return output.getvalue()
        finally:
            pyplot.close(figure)
