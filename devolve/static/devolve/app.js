// Page behaviour: design-system components and charts. Charts read their data from a
// json_script block named by data-chart-source, so no figure lives in this file.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();

function barChart(element, series) {
  const chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.on("finished", () => {
    element.dataset.chartReady = "true";
  });
  chart.setOption({
    animation: false,
    // ECharts would describe the chart in the browser's language; use the page's own label.
    aria: { enabled: true, label: { description: element.getAttribute("aria-label") } },
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: series.labels },
    series: [
      {
        type: "bar",
        name: series.name,
        data: series.values,
        itemStyle: { color: "#1d4f91" },
        label: { show: true, position: "right" },
      },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
}

// Lines by category (years, event times): {labels, lines: [{name, values, dashed}], bands:
// [{name, low, high}] drawn as shaded areas, zero_line, mark_x (a category to mark)}.
function lineChart(element, series) {
  const chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.on("finished", () => {
    element.dataset.chartReady = "true";
  });
  const palette = ["#1d4f91", "#d4351c", "#00703c", "#505a5f"];
  const bands = (series.bands || []).flatMap((band, index) => [
    {
      type: "line",
      name: band.name,
      data: band.low,
      stack: `band-${index}`,
      stackStrategy: "all",
      lineStyle: { opacity: 0 },
      symbol: "none",
      tooltip: { show: false },
    },
    {
      type: "line",
      name: band.name,
      data: band.high.map((high, i) =>
        high === null || band.low[i] === null ? null : high - band.low[i],
      ),
      stack: `band-${index}`,
      stackStrategy: "all",
      lineStyle: { opacity: 0 },
      areaStyle: { color: "#1d4f91", opacity: 0.15 },
      symbol: "none",
      tooltip: { show: false },
    },
  ]);
  const lines = series.lines.map((line, index) => ({
    type: "line",
    name: line.name,
    data: line.values,
    connectNulls: false,
    itemStyle: { color: palette[index % palette.length] },
    lineStyle: { type: line.dashed ? "dashed" : "solid" },
    markLine:
      index === 0 && (series.mark_x !== undefined || series.zero_line)
        ? {
            silent: true,
            symbol: "none",
            lineStyle: { color: "#505a5f", type: "dotted" },
            label: { show: false },
            data: [
              ...(series.mark_x !== undefined ? [{ xAxis: series.mark_x }] : []),
              ...(series.zero_line ? [{ yAxis: 0 }] : []),
            ],
          }
        : undefined,
  }));
  chart.setOption({
    animation: false,
    aria: { enabled: true, label: { description: element.getAttribute("aria-label") } },
    grid: { left: 8, right: 16, top: 40, bottom: 24, containLabel: true },
    legend: { top: 0, data: series.lines.map((line) => line.name) },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: series.labels, name: series.x_name || "" },
    yAxis: { type: "value", scale: true },
    series: [...bands, ...lines],
  });
  window.addEventListener("resize", () => chart.resize());
}

// Intervals per category (a candidate's rank from the 5th to the 95th percentile of the
// sensitivity runs): {name, labels, low, high}; an invisible bar up to low, a visible one to high.
function rangeChart(element, series) {
  const chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.on("finished", () => {
    element.dataset.chartReady = "true";
  });
  chart.setOption({
    animation: false,
    aria: { enabled: true, label: { description: element.getAttribute("aria-label") } },
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: series.labels },
    series: [
      {
        type: "bar",
        stack: "range",
        data: series.low.map((low) => low - 0.5),
        itemStyle: { color: "transparent" },
        tooltip: { show: false },
      },
      {
        type: "bar",
        stack: "range",
        name: series.name,
        data: series.high.map((high, index) => high - series.low[index] + 1),
        itemStyle: { color: "#1d4f91" },
      },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
}

const CHARTS = { bar: barChart, line: lineChart, range: rangeChart };

for (const element of document.querySelectorAll("[data-chart]")) {
  const source = document.getElementById(element.dataset.chartSource);
  const draw = CHARTS[element.dataset.chart] || barChart;
  if (!source || !window.echarts) continue;
  draw(element, JSON.parse(source.textContent));
}
