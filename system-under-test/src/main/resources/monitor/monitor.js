// Renders the service's live performance summary (GET /api/performance/metrics/stream) as a table.
// Text only goes through textContent, never innerHTML: route names and SQL come from the service's traffic.
"use strict";

const fixed = (value, digits) => (value === null || value === undefined) ? "-" : Number(value).toFixed(digits);

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
}

function render(summary) {
  const cache = summary.cache.enabled
    ? (summary.cache.hitRatio === null ? "no lookups" : fixed(100 * summary.cache.hitRatio, 1) + "% of " + summary.cache.lookups)
    : "off";
  const pools = ["write", "read"].map(name => {
    const p = summary.pools[name];
    return name + " " + p.active + "/" + p.max + " active, " + p.waiting + " waiting";
  }).join("   ");
  document.getElementById("summary").textContent =
    "requests " + fixed(summary.perSecond, 1) + "/s   cache hits " + cache + "   rate-limited " + summary.rateLimited
    + "   slow statements " + summary.slowStatements.new + "   heap " + Math.round(summary.heapUsedBytes / 1048576)
    + " MB   pools " + pools;
  const body = document.getElementById("routes");
  body.replaceChildren();
  for (const e of summary.endpoints) {
    const row = document.createElement("tr");
    cell(row, e.route);
    cell(row, fixed(e.perSecond, 1));
    for (const key of ["p50Ms", "p95Ms", "p99Ms", "maxMs"]) {
      cell(row, fixed(e[key], 2));
    }
    cell(row, String(e.clientErrors));
    cell(row, String(e.errors));
    if (e.errors > 0) {
      row.className = "error";
    }
    body.appendChild(row);
  }
  const slow = document.getElementById("slow");
  slow.replaceChildren();
  for (const s of summary.slowStatements.latest) {
    const item = document.createElement("li");
    item.textContent = fixed(s.durationMs, 1) + " ms  " + s.route + "  " + s.fingerprint;
    slow.appendChild(item);
  }
  document.getElementById("status").textContent = "last interval " + fixed(summary.intervalSeconds, 1) + " s, at " + summary.at;
}

// EventSource reconnects by itself (after the stream's retry: delay) and sends Last-Event-ID when it does.
const source = new EventSource("/api/performance/metrics/stream?intervalMs=1000");
source.addEventListener("metrics", event => render(JSON.parse(event.data)));
source.onerror = () => {
  document.getElementById("status").textContent = "disconnected, reconnecting…";
};
