// The statistics pages: the period form shows only the fields its kind needs, and the charts
// (ECharts, vendored) are drawn from the JSON the page carries. Clicking a bar, a slice, a point or a
// region opens the records behind it, as the numbers in the tables beside the charts do.
(function () {
  "use strict";

  var PERIOD_FIELDS = {
    ytd: [], month: ["month"], quarter: ["quarter"], year: ["year"], range: ["from", "to"], since: ["from", "to"],
  };

  function periodFields() {
    var form = document.querySelector("[data-report-form]");
    if (!form) return;
    var select = form.querySelector("select[name=period]");
    if (!select) return;
    function show() {
      var wanted = PERIOD_FIELDS[select.value] || [];
      form.querySelectorAll(".period-field").forEach(function (holder) {
        var name = holder.getAttribute("data-field");
        var hasError = holder.querySelector("[data-error]") !== null;
        holder.classList.toggle("d-none", wanted.indexOf(name) < 0 && !hasError);
      });
    }
    select.addEventListener("change", show);
    show();
  }

  function open(params) {
    var url = params && params.data && params.data.url;
    if (url) window.location.href = url;
  }

  function base() {
    return {
      // tooltips drawn on the canvas: ECharts' HTML tooltips carry style="" attributes, which the CSP refuses
      tooltip: { trigger: "item", renderMode: "richText" },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      aria: { enabled: true },
    };
  }

  function names(chart) { return chart.rows.map(function (r) { return r.name; }); }

  var DRAW = {
    line: function (chart) {
      var option = base();
      option.tooltip = { trigger: "axis", renderMode: "richText" };
      option.xAxis = { type: "category", data: names(chart) };
      option.yAxis = { type: "value", minInterval: 1 };
      option.series = [{
        type: "line", name: chart.title, data: chart.rows, symbolSize: 10, areaStyle: { opacity: 0.15 },
        label: { show: chart.rows.length <= 24, position: "top" }, cursor: "pointer",
      }];
      return option;
    },
    bar: function (chart) {
      var option = base();
      option.xAxis = { type: "value", minInterval: 1 };
      option.yAxis = { type: "category", data: names(chart), inverse: true, axisLabel: { width: 120, overflow: "truncate" } };
      option.series = [{ type: "bar", name: chart.title, data: chart.rows, label: { show: true, position: "right" }, cursor: "pointer" }];
      return option;
    },
    pie: function (chart) {
      var option = base();
      option.legend = { bottom: 0, type: "scroll" };
      option.series = [{
        type: "pie", name: chart.title, radius: ["35%", "65%"], center: ["50%", "45%"], data: chart.rows,
        label: { formatter: "{b}\n{c}" }, cursor: "pointer",
      }];
      return option;
    },
    map: function (chart) {
      var onMap = chart.rows.filter(function (r) { return r.geo; });
      var elsewhere = chart.rows.filter(function (r) { return !r.geo; });
      var max = Math.max.apply(null, [1].concat(chart.rows.map(function (r) { return r.value; })));
      return {
        tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) { return p.data ? p.data.title + "：" + p.data.value : p.name; } },
        title: {
          text: "", left: 8, top: 4, textStyle: { fontSize: 12 },
          subtext: elsewhere.map(function (r) { return r.name + " " + r.value; }).join("　"),
          subtextStyle: { fontSize: 12 },
        },
        visualMap: { min: 0, max: max, left: 8, bottom: 8, calculable: false, itemHeight: 80, text: [String(max), "0"] },
        series: [{
          type: "map", map: "china", roam: true, center: [117.6, 23.2], zoom: 5, cursor: "pointer",
          label: { show: false }, emphasis: { label: { show: true } },
          data: onMap.map(function (r) {
            return { name: r.geo, label: { show: true, formatter: r.name + "\n" + r.value }, title: r.name, value: r.value, url: r.url };
          }),
        }],
      };
    },
  };

  function draw(holder, chart) {
    var option = DRAW[chart.kind](chart);
    var instance = echarts.init(holder);
    instance.setOption(option);
    instance.on("click", open);
    window.addEventListener("resize", function () { instance.resize(); });
    holder.setAttribute("data-drawn", "1");
  }

  function charts() {
    var source = document.getElementById("report-charts");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var needsMap = false;
    data.charts.forEach(function (chart) {
      var holder = document.getElementById("chart-" + chart.id);
      if (!holder) return;
      if (chart.kind === "map") { needsMap = true; return; }
      draw(holder, chart);
    });
    if (!needsMap || !data.map) return;
    fetch(data.map, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (geo) {
        echarts.registerMap("china", geo);
        data.charts.forEach(function (chart) {
          var holder = document.getElementById("chart-" + chart.id);
          if (holder && chart.kind === "map") draw(holder, chart);
        });
      })
      .catch(function () { /* the table beside the map still has every figure */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    periodFields();
    charts();
  });
})();
