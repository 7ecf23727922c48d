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

for (const element of document.querySelectorAll("[data-chart]")) {
  const source = document.getElementById(element.dataset.chartSource);
  if (!source || !window.echarts) continue;
  barChart(element, JSON.parse(source.textContent));
}
