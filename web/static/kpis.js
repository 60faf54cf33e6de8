// Draws a uPlot line chart of each KPI's weekly trend against its target
// on the KPI page. The data comes from the JSON endpoint named by
// #kpi-charts[data-url]; each chart goes into div.chart[data-kpi=ID].
// Without JavaScript the page still shows the tiles and the trend table.
(function () {
  "use strict";

  function format(unit, v) {
    if (v === null || v === undefined) return "no data";
    if (unit === "percent") return v.toFixed(1) + "%";
    if (v >= 86400) return (v / 86400).toFixed(1) + "d";
    if (v >= 3600) return (v / 3600).toFixed(1) + "h";
    if (v >= 60) return (v / 60).toFixed(1) + "m";
    return Math.round(v) + "s";
  }

  function draw(el, weeks, k) {
    var target = weeks.map(function () { return k.target; });
    var width = Math.max(200, Math.min(el.clientWidth || 300, 600));
    var opts = {
      width: width,
      height: 160,
      series: [
        {},
        { label: k.title, stroke: "#0b57d0", width: 2, spanGaps: false,
          value: function (u, v) { return format(k.unit, v); } },
        { label: "target", stroke: "#b3261e", width: 1, dash: [6, 4],
          value: function (u, v) { return format(k.unit, v); } }
      ],
      axes: [
        {},
        { values: function (u, vals) { return vals.map(function (v) { return format(k.unit, v); }); }, size: 60 }
      ],
      scales: { x: { time: true } }
    };
    var data = k.target === null ? [weeks, k.values] : [weeks, k.values, target];
    if (k.target === null) opts.series.pop();
    new uPlot(opts, data, el);
  }

  function start() {
    var holder = document.getElementById("kpi-charts");
    if (!holder || typeof uPlot === "undefined") return;
    fetch(holder.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (body) {
        body.kpis.forEach(function (k) {
          var el = document.querySelector('.chart[data-kpi="' + k.id + '"]');
          if (el) draw(el, body.weeks, k);
        });
      })
      .catch(function (e) { holder.textContent = "The charts could not be loaded (" + e.message + "); the table below has the same numbers."; });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
