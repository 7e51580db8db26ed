// The dashboard's charts (ECharts, vendored): drawn from the page's JSON data block
// (<script type="application/json" id="chart-data">), never from inline script (CSP).
(function () {
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ animation: false, tooltip: {}, legend: { bottom: 0, type: "scroll" },
      grid: { left: 40, right: 10, top: 10, bottom: 50 } }, option));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  // Plan status by level: a stacked bar per level.
  var levels = data.levels, statuses = data.statuses;
  draw("chart-plans", {
    xAxis: { type: "category", data: levels.map(function (l) { return l.label; }) },
    yAxis: { type: "value", minInterval: 1 },
    series: statuses.map(function (s) {
      return { name: s.label, type: "bar", stack: "plans",
        data: levels.map(function (l) { return l.counts[s.code] || 0; }) };
    })
  });
  // Activities per week by kind: stacked bars.
  var weeks = Object.keys(data.weeks), kinds = {};
  weeks.forEach(function (w) { Object.keys(data.weeks[w]).forEach(function (k) { kinds[k] = true; }); });
  draw("chart-activities", {
    xAxis: { type: "category", data: weeks },
    yAxis: { type: "value", minInterval: 1 },
    series: Object.keys(kinds).map(function (k) {
      return { name: k, type: "bar", stack: "kinds", data: weeks.map(function (w) { return data.weeks[w][k] || 0; }) };
    })
  });
  // Rectifications by colour: a pie (none drawn when there are none).
  var problems = data.problems.filter(function (p) { return p.value > 0; });
  if (!problems.length) { return; }
  draw("chart-problems", {
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: problems.map(function (p) {
      return { name: p.label, value: p.value, itemStyle: { color: p.color } };
    }) }]
  });
})();
