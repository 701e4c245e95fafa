// perfgate trend site: draws the history written beside this file (window.PERFGATE_TRENDS or
// window.PERFGATE_TREND_INDEX) with uPlot. No network: everything it needs is in this directory.
(function () {
  "use strict";
  var started = performance.now();
  var errors = 0;
  var origError = console.error;
  console.error = function () { errors++; origError.apply(console, arguments); };
  window.addEventListener("error", function () { errors++; });

  var app = document.getElementById("app");
  var COLORS = { p50Ms: "#1e88e5", p95Ms: "#fb8c00", p99Ms: "#8e24aa", serverP50Ms: "#64b5f6",
    serverP95Ms: "#ffb74d", serverP99Ms: "#ce93d8", throughputPerSecond: "#00897b", errorPercent: "#e53935",
    statementsMean: "#6d4c41" };
  var LATENCY = ["p50Ms", "p95Ms", "p99Ms", "serverP50Ms", "serverP95Ms", "serverP99Ms"];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text != null) { e.textContent = text; }
    return e;
  }
  function fmt(v) { return v == null ? "–" : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3); }
  function pct(v) { return (v >= 0 ? "+" : "") + (100 * v).toFixed(1) + " %"; }
  function finish(charts, points) {
    document.body.dataset.rendered = "true";
    document.body.dataset.charts = String(charts);
    document.body.dataset.points = String(points);
    document.body.dataset.errors = String(errors);
    document.body.dataset.renderMs = String(Math.round(performance.now() - started));
  }

  if (window.PERFGATE_TREND_INDEX) { return index(window.PERFGATE_TREND_INDEX); }
  var data = window.PERFGATE_TRENDS;
  if (!data) { app.textContent = "No trend data beside this page."; console.error("no trend data"); return finish(0, 0); }

  function index(d) {
    app.innerHTML = "";
    app.appendChild(el("h1", null, "perfgate trends"));
    app.appendChild(el("p", { "class": "muted" }, "Generated " + d.generatedAt + " from the run history; one page per environment (runs measured elsewhere are not comparable)."));
    var t = el("table");
    var head = el("tr");
    ["environment", "runs", "series", "change points", "lasting worsenings", "unreadable entries", "latest run"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    t.appendChild(head);
    d.environments.forEach(function (e) {
      var tr = el("tr");
      var a = el("a", { href: e.page }, e.environment);
      var td = el("td"); td.appendChild(a); tr.appendChild(td);
      [e.runs, e.series, e.changePoints].forEach(function (v) { tr.appendChild(el("td", null, String(v))); });
      tr.appendChild(el("td", { "class": e.worsening ? "worse" : "" }, String(e.worsening)));
      tr.appendChild(el("td", null, String(e.problems)));
      tr.appendChild(el("td", null, e.latest || "–"));
      t.appendChild(tr);
    });
    app.appendChild(t);
    finish(0, 0);
  }

  var runs = data.runs;
  app.innerHTML = "";
  app.appendChild(el("h1", null, "perfgate trends · " + data.environment));
  var v = el("div", { "class": "verdict " + (data.verdict.length ? "fail" : "ok"), id: "verdict" });
  if (data.verdict.length) {
    v.appendChild(el("b", null, data.verdict.length + " lasting worsening(s) at the end of their series: "));
    var ul = el("ul");
    data.verdict.forEach(function (w) {
      ul.appendChild(el("li", null, w.group + " · " + w.subject + " · " + w.metric + ": " + fmt(w.before) + " → " +
        fmt(w.after) + " (" + pct(w.worse) + " worse) since run #" + w.x + " (commit " + w.commit + ")"));
    });
    v.appendChild(ul);
  } else {
    v.appendChild(el("b", null, "No lasting worsening at the end of any series."));
  }
  app.appendChild(v);
  app.appendChild(el("p", { "class": "muted" }, runs.length + " runs · " + data.series.length + " series · " +
    data.changePoints + " change points (E-Divisive means, p ≤ 0.001; red: worse, green: better) · generated " +
    data.generatedAt + ". Hover a chart for the run's commit and date."));
  if (data.problems.length) {
    var pl = el("ul", { id: "problems" });
    data.problems.forEach(function (p) { pl.appendChild(el("li", { "class": "worse" }, p)); });
    app.appendChild(pl);
  }
  var nav = el("nav");
  data.groups.forEach(function (g) { nav.appendChild(el("a", { href: "#" + encodeURIComponent(g) }, g)); });
  app.appendChild(nav);

  // series by group, then subject
  var bySubject = {};
  data.series.forEach(function (s) {
    var key = s.group + "\u0000" + s.subject;
    (bySubject[key] = bySubject[key] || { group: s.group, subject: s.subject, series: {} }).series[s.metric] = s;
  });
  var charts = 0, points = 0;
  var width = Math.max(480, Math.min(600, (app.clientWidth || 1200) / 2 - 40));

  data.groups.forEach(function (g) {
    app.appendChild(el("h2", { id: g }, g));
    var cards = el("div", { "class": "cards" });
    app.appendChild(cards);
    Object.keys(bySubject).filter(function (k) { return bySubject[k].group === g; }).sort().forEach(function (k) {
      var subj = bySubject[k];
      var card = el("div", { "class": "card" });
      card.appendChild(el("h3", null, subj.subject));
      cards.appendChild(card);
      var metrics = Object.keys(subj.series);
      var plots = [];
      if (g === "jmh") {
        plots.push({ title: metrics[0], metrics: [metrics[0]], band: true });
      } else {
        plots.push({ title: "latency (ms)", metrics: LATENCY.filter(function (m) { return subj.series[m]; }) });
        if (subj.series.throughputPerSecond) { plots.push({ title: "throughput (/s)", metrics: ["throughputPerSecond"] }); }
        var other = ["errorPercent", "statementsMean"].filter(function (m) { return subj.series[m]; });
        if (other.length) { plots.push({ title: "errors (%) · SQL statements per request", metrics: other, twoAxes: other.length === 2 }); }
      }
      plots.forEach(function (p) {
        if (!p.metrics.length) { return; }
        var drawn = chart(card, subj, p);
        charts++;
        points += drawn;
      });
    });
  });
  finish(charts, points);

  function chart(card, subj, p) {
    var xs = {};
    p.metrics.forEach(function (m) { subj.series[m].x.forEach(function (x) { xs[x] = true; }); });
    var x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
    var pos = {};
    x.forEach(function (v, i) { pos[v] = i; });
    var cols = [x];
    var series = [{ label: "run" }];
    var drawn = 0;
    var marks = [];
    var budgets = [];
    p.metrics.forEach(function (m) {
      var s = subj.series[m];
      var y = new Array(x.length).fill(null);
      s.x.forEach(function (rx, i) { y[pos[rx]] = s.y[i]; drawn++; });
      if (p.band) {
        var lo = new Array(x.length).fill(null), hi = new Array(x.length).fill(null);
        s.x.forEach(function (rx, i) {
          var e = s.e && s.e[i] != null && isFinite(s.e[i]) ? s.e[i] : 0;
          lo[pos[rx]] = s.y[i] - e; hi[pos[rx]] = s.y[i] + e;
        });
        cols.push(lo, y, hi);
        series.push({ label: "low", stroke: "rgba(30,136,229,.3)", points: { show: false } },
          { label: "score", stroke: "#1e88e5", width: 1.5 },
          { label: "high", stroke: "rgba(30,136,229,.3)", points: { show: false } });
      } else {
        cols.push(y);
        series.push({ label: m, stroke: COLORS[m] || "#333", width: m.indexOf("server") === 0 ? 1 : 1.5,
          dash: m.indexOf("server") === 0 ? [4, 3] : undefined, scale: p.twoAxes && m === "statementsMean" ? "n" : "y",
          spanGaps: true });
      }
      s.changes.forEach(function (c) { marks.push({ x: c.x, worse: c.worse > 0, label: m + " " + pct(c.worse) }); });
      if (s.budget != null) { budgets.push({ y: s.budget, label: m + " budget " + fmt(s.budget), scale: p.twoAxes && m === "statementsMean" ? "n" : "y" }); }
    });
    var caption = el("div", { "class": "caption" }, p.title);
    card.appendChild(caption);
    var holder = el("div", { "class": "chart", "data-points": String(drawn), "data-series": p.metrics.join(",") });
    card.appendChild(holder);
    var axes = [{ label: "run" }, { scale: "y", size: 56 }];
    if (p.twoAxes) { axes.push({ scale: "n", side: 1, grid: { show: false } }); }
    var opts = {
      width: width, height: 200, series: series, axes: axes, legend: { live: true },
      scales: { x: { time: false, range: function (u, min, max) { return min === max ? [min - 1, max + 1] : [min, max]; } } },
      bands: p.band ? [{ series: [3, 1], fill: "rgba(30,136,229,.12)" }] : undefined,
      hooks: {
        setCursor: [function (u) {
          var i = u.cursor.idx;
          if (i == null) { caption.textContent = p.title; return; }
          var r = runs[u.data[0][i]];
          caption.textContent = p.title + " · run #" + u.data[0][i] + " · commit " + r.commit + " · " + r.at +
            (r.valid ? "" : " · INVALID run (timing left out)");
        }],
        draw: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          marks.forEach(function (m) {
            var cx = Math.round(u.valToPos(m.x, "x", true));
            ctx.strokeStyle = m.worse ? "rgba(198,40,40,.8)" : "rgba(46,125,50,.8)";
            ctx.setLineDash([3, 3]); ctx.lineWidth = 1.5;
            ctx.beginPath(); ctx.moveTo(cx, u.bbox.top); ctx.lineTo(cx, u.bbox.top + u.bbox.height); ctx.stroke();
          });
          var above = [];
          budgets.forEach(function (b) {
            var cy = Math.round(u.valToPos(b.y, b.scale, true));
            if (cy < u.bbox.top) { above.push(b.label); return; }
            if (cy > u.bbox.top + u.bbox.height) { return; }
            ctx.strokeStyle = "rgba(0,0,0,.45)"; ctx.setLineDash([8, 4]); ctx.lineWidth = 1;
            ctx.beginPath(); ctx.moveTo(u.bbox.left, cy); ctx.lineTo(u.bbox.left + u.bbox.width, cy); ctx.stroke();
            ctx.fillStyle = "rgba(0,0,0,.65)"; ctx.font = "11px sans-serif"; ctx.textAlign = "right";
            ctx.fillText(b.label, u.bbox.left + u.bbox.width - 4, cy - 3);
          });
          if (above.length) {
            // a budget far above the data would flatten it: named at the top instead of drawn
            ctx.fillStyle = "rgba(0,0,0,.65)"; ctx.font = "11px sans-serif"; ctx.textAlign = "right";
            ctx.fillText("\u2191 " + above.join(", "), u.bbox.left + u.bbox.width - 4, u.bbox.top + 11);
          }
          ctx.restore();
        }]
      }
    };
    // a budget up to twice the data's top is drawn as a line within the chart; one further above is named instead
    if (budgets.length) {
      opts.scales.y = { range: function (u, min, max) {
        var top = max;
        budgets.forEach(function (b) { if (b.scale === "y" && b.y <= 2 * max) { top = Math.max(top, b.y); } });
        return [Math.min(0, min), top * 1.08 || 1];
      } };
    }
    new uPlot(opts, cols, holder);
    holder.dataset.changePoints = String(marks.length);
    return drawn;
  }
})();
