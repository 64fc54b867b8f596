// The occupancy-by-month chart of a carrier's page (ECharts, vendored); the table beside it has the numbers.
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("occupancy-chart");
    var source = document.getElementById("occupancy-data");
    if (!holder || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var series = [
      { name: data.labels.hosted, type: "bar", data: data.hosted },
      { name: data.labels.peak, type: "line", data: data.peak },
    ];
    if (data.capacity) {
      series.push({
        name: data.labels.capacity, type: "line", symbol: "none", lineStyle: { type: "dashed" },
        data: data.months.map(function () { return data.capacity; }),
      });
    }
    var chart = echarts.init(holder);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },  // no HTML tooltip: its style="" breaks the CSP
      legend: { top: 0 },
      grid: { left: 32, right: 12, top: 30, bottom: 24 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
