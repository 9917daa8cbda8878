// A short link's visits per hour over the last 24 hours: the numbers (lastDayOfVisits, from
// the window store visit-counts-hourly) and the demo's page that draws them as bars
// (plain HTML and an inline script, no build step, nothing loaded from elsewhere).
import type { EddyHttpClient } from "../shared/eddy-http-client.js";
import { HOUR_MS, UrlVisitsStores } from "./topology.js";

export const CHART_HOURS = 24;

export interface HourlyVisits {
  /** Epoch milliseconds: the hour's start (inclusive) and end (exclusive). */
  readonly start: number;
  readonly end: number;
  readonly visits: number;
}

/** The 24 hours up to the one holding `until`, oldest first, an hour without visits as 0. */
export async function lastDayOfVisits(eddy: EddyHttpClient, code: string, until: number): Promise<HourlyVisits[]> {
  const last = Math.floor(until / HOUR_MS) * HOUR_MS;
  const first = last - (CHART_HOURS - 1) * HOUR_MS;
  const windows = await eddy.windows<number>(UrlVisitsStores.hourlyVisitCounts, code, {
    from: first,
    to: last,
    limit: CHART_HOURS,
  });
  const counted = new Map(windows.map((w) => [w.start, w.value]));
  return Array.from({ length: CHART_HOURS }, (_, i) => {
    const start = first + i * HOUR_MS;
    return { start, end: start + HOUR_MS, visits: counted.get(start) ?? 0 };
  });
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The chart page of one code; its script fetches /links/:code/hourly (passing ?until= on). */
export function hourlyChartPage(code: string): string {
  const shown = escapeHtml(code);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Visits per hour: ${shown}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}
svg{border-bottom:1px solid #999}
rect.bar{fill:#3b6fb6}
text{font-size:10px;fill:#444}
#status{color:#a00}
</style></head><body>
<h1>Visits per hour of <code>${shown}</code></h1>
<p>The last ${CHART_HOURS} hours, from the window store <code>${UrlVisitsStores.hourlyVisitCounts}</code> (1 h tumbling windows, 5 min grace).
Total: <b id="total">…</b></p>
<svg id="chart" width="720" height="240" viewBox="0 0 720 240" role="img" aria-label="visits per hour"></svg>
<p id="status"></p>
<script>
(async () => {
  const code = ${JSON.stringify(code).replace(/</g, "\\u003c")};
  const until = new URLSearchParams(location.search).get("until");
  const url = "/links/" + encodeURIComponent(code) + "/hourly" + (until === null ? "" : "?until=" + encodeURIComponent(until));
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const answer = await response.json();
  if (!response.ok) {
    document.getElementById("status").textContent = answer.message || response.statusText;
    return;
  }
  const svg = document.getElementById("chart");
  const ns = "http://www.w3.org/2000/svg";
  const width = 720, height = 240, top = 16, bottom = 20, slot = width / answer.hours.length;
  const max = Math.max(1, ...answer.hours.map((h) => h.visits));
  let total = 0;
  answer.hours.forEach((hour, i) => {
    total += hour.visits;
    const barHeight = ((height - top - bottom) * hour.visits) / max;
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("class", "bar");
    bar.setAttribute("x", String(i * slot + 2));
    bar.setAttribute("y", String(height - bottom - barHeight));
    bar.setAttribute("width", String(slot - 4));
    bar.setAttribute("height", String(barHeight));
    bar.dataset.start = String(hour.start);
    bar.dataset.visits = String(hour.visits);
    const title = document.createElementNS(ns, "title");
    title.textContent = new Date(hour.start).toISOString().slice(11, 16) + " UTC: " + hour.visits + " visits";
    bar.appendChild(title);
    svg.appendChild(bar);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", String(i * slot + slot / 2));
    label.setAttribute("y", String(height - 6));
    label.setAttribute("text-anchor", "middle");
    label.textContent = new Date(hour.start).toISOString().slice(11, 13);
    svg.appendChild(label);
    if (hour.visits > 0) {
      const count = document.createElementNS(ns, "text");
      count.setAttribute("class", "count");
      count.setAttribute("x", String(i * slot + slot / 2));
      count.setAttribute("y", String(height - bottom - barHeight - 3));
      count.setAttribute("text-anchor", "middle");
      count.textContent = String(hour.visits);
      svg.appendChild(count);
    }
  });
  document.getElementById("total").textContent = String(total);
  svg.dataset.drawn = "true";
})();
</script>
</body></html>`;
}
