// GET /console: a live view of the running application in a browser, from this instance's
// API alone. The page is a shell rendered here (the topology drawn as on /topology); its
// script (console-script.ts) fills it from the existing routes (/metadata, /health,
// /ready, /stores, /docs/json) every two seconds: instances and their tasks, each task's
// lag, each partition's lag with a sparkline of the last minutes, restore progress bars,
// records per second per sub-topology and per processor node (on the graph and in a
// table), a store browser (lookups and paged scans) and a form per command endpoint built
// from its schema. Plain HTML and one inline script: no build step, nothing loaded from elsewhere.
import type { TopologyDescription } from "../topology/topology-description.js";
import { CONSOLE_SCRIPT } from "./console-script.js";
import { escapeHtml as escape } from "./html-escape.js";
import { layoutSubtopology } from "./topology-layout.js";
import { renderSvg } from "./topology-page.js";

/** The partition sparklines' span: the script's PARTITION_HISTORY points, one per 2 s poll. */
const HISTORY_MINUTES = 3;

export interface ConsolePageOptions {
  readonly title: string;
  /** Where the API is mounted ("" at the root): the script's routes are relative to it. */
  readonly prefix: string;
}

export function renderConsolePage(description: TopologyDescription, options: ConsolePageOptions): string {
  const json = description.toJSON();
  const storeDetails = new Map(
    json.stores.map((s) => [s.name, `${s.persistent ? "LevelDB" : "in-memory"} · ${s.keySerde}/${s.valueSerde}`]),
  );
  const graphs = description.subtopologies
    .map((sub) => {
      const layout = layoutSubtopology(sub, storeDetails);
      return (
        `<section class="graph" data-subtopology="${sub.id}"><h3>Sub-topology ${sub.id} ` +
        `<span class="rate" data-rate="${sub.id}">–</span></h3>${renderSvg(layout, { nodeRates: true })}</section>`
      );
    })
    .join("\n");
  const nodeRows = description.subtopologies
    .flatMap((sub) =>
      sub.nodes.map(
        (node) =>
          `<tr data-node-row="${escape(node.name)}"><td>${escape(node.name)}</td><td>${node.kind}</td><td>${sub.id}</td>` +
          `<td class="node-total">–</td><td class="node-rate">–</td></tr>`,
      ),
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(options.title)} · console</title>
<style>${STYLE}</style>
</head>
<body data-prefix="${escape(options.prefix)}">
<header>
<h1>${escape(options.title)} <small>console</small></h1>
<span id="state" class="pill">…</span><span id="health" class="pill">…</span><span id="ready" class="pill">…</span>
<span id="updated" class="muted"></span>
<form id="token-form" class="token"><label>Token <input id="token" type="password" autocomplete="off" placeholder="bearer token, if the API needs one"></label><button type="submit">Use</button></form>
</header>
<nav id="tabs" role="tablist">
<button role="tab" data-panel="overview" aria-selected="true">Instances</button>
<button role="tab" data-panel="lag">Partitions</button>
<button role="tab" data-panel="topology">Topology</button>
<button role="tab" data-panel="stores">Stores</button>
<button role="tab" data-panel="commands">Commands</button>
</nav>
<p id="problem" class="problem" hidden></p>
<main>
<section id="overview" class="panel">
<h2>Sub-topologies</h2>
<table id="rates"><thead><tr><th>sub-topology</th><th>tasks</th><th>records/s</th><th>lag</th></tr></thead><tbody></tbody></table>
<h2>Instances</h2>
<div id="stalled"></div>
<div id="instances"></div>
</section>
<section id="lag" class="panel" hidden>
<h2>Lag per partition</h2>
<p class="muted">Records between each task's position and the end of each partition it reads (input partitions of active tasks, changelogs of standbys), transaction markers not counted; the line is the last ${HISTORY_MINUTES} minutes this page has seen.</p>
<table id="partitions"><thead><tr><th>topic</th><th>partition</th><th>task</th><th>kind</th><th>instance</th><th>lag</th><th>lag (last ${HISTORY_MINUTES} minutes)</th></tr></thead><tbody></tbody></table>
</section>
<section id="topology" class="panel" hidden>
<h2>Topology</h2>
<p class="muted">Records per second of each sub-topology beside its name, and of each node above it, over every instance (Kafka Streams' process-total of the node, per task, summed).</p>
${graphs}
<h2>Processor nodes</h2>
<table id="node-rates"><thead><tr><th>node</th><th>kind</th><th>sub-topology</th><th>records</th><th>records/s</th></tr></thead><tbody>
${nodeRows}
</tbody></table>
</section>
<section id="stores" class="panel" hidden>
<h2>Stores</h2>
<form id="store-form">
<label>Store <select id="store"></select></label>
<label>Key <input id="key" placeholder="a key, as text"></label><button type="submit" id="lookup">Look up</button>
<label>Prefix <input id="prefix" placeholder="(optional)"></label><button type="button" id="scan">Scan</button>
</form>
<div id="store-result"></div>
<button type="button" id="next-page" hidden>Next page</button>
</section>
<section id="commands" class="panel" hidden>
<h2>Commands</h2>
<div id="command-forms"><p class="muted">No command endpoints.</p></div>
</section>
</main>
<script>${CONSOLE_SCRIPT}</script>
</body>
</html>
`;
}

export { CONSOLE_SCRIPT };

const STYLE = `
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f7f8fa; }
header { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; padding: 12px 24px; background: #fff; border-bottom: 1px solid #dde1e8; }
h1 { font-size: 18px; margin: 0 12px 0 0; } h1 small { font-weight: 400; color: #4b5568; }
h2 { font-size: 16px; margin: 16px 0 8px; } h3 { font-size: 14px; margin: 0 0 6px; }
.pill { border-radius: 10px; padding: 1px 10px; font-size: 12px; background: #eef0f4; }
.pill.good { background: #e3f2e8; color: #1f6b38; } .pill.warn { background: #fbf3dc; color: #7a5a00; } .pill.bad { background: #fbe3e3; color: #8a1f1f; }
.muted { color: #6b7385; font-size: 12px; }
.token { margin-left: auto; display: flex; gap: 6px; font-size: 12px; }
nav { display: flex; gap: 4px; padding: 8px 24px 0; }
nav button { border: 1px solid #dde1e8; border-bottom: none; background: #eef0f4; padding: 6px 14px; border-radius: 6px 6px 0 0; cursor: pointer; font: inherit; }
nav button[aria-selected="true"] { background: #fff; font-weight: 600; }
main { padding: 0 24px 24px; }
.panel { background: #fff; border: 1px solid #dde1e8; border-radius: 0 8px 8px 8px; padding: 8px 16px 16px; }
.problem { margin: 8px 24px; padding: 8px 12px; background: #fbe3e3; color: #8a1f1f; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin-bottom: 8px; }
th, td { text-align: left; border-top: 1px solid #eef0f4; padding: 4px 8px 4px 0; vertical-align: middle; }
.instance { border: 1px solid #dde1e8; border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
.instance h3 { display: flex; gap: 8px; align-items: center; }
.bar { display: inline-block; width: 120px; height: 10px; background: #eef0f4; border-radius: 5px; overflow: hidden; vertical-align: middle; }
.bar i { display: block; height: 100%; background: #3565b8; }
svg.spark { vertical-align: middle; } svg.spark polyline { fill: none; stroke: #3565b8; stroke-width: 1.5; }
.graph { overflow-x: auto; margin: 12px 0; }
.graph svg text { font: 12px ui-monospace, monospace; text-anchor: middle; }
.graph svg text.detail { font-size: 10.5px; fill: #4b5568; }
.shape { stroke-width: 1.5; }
.source .shape { fill: #e3f2e8; stroke: #2f8a4c; } .processor .shape { fill: #e6eefb; stroke: #3565b8; }
.sink .shape { fill: #fbeee3; stroke: #b86a35; } .store .shape { fill: #f3e8fb; stroke: #7d3fb0; stroke-dasharray: 4 2; }
.edge { fill: none; stroke: #8792a6; stroke-width: 1.4; } .edge.store { stroke-dasharray: 3 3; } marker path { fill: #8792a6; }
.rate { font-weight: 400; color: #3565b8; }
.graph svg text.node-rate { font-size: 10.5px; fill: #3565b8; text-anchor: end; }
form label { margin-right: 8px; font-size: 13px; }
input, select, textarea, button { font: inherit; font-size: 13px; }
textarea { width: 100%; min-height: 120px; font-family: ui-monospace, monospace; }
pre { background: #f3f5f8; border-radius: 6px; padding: 8px 12px; overflow-x: auto; font-size: 12px; }
.command { border: 1px solid #dde1e8; border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
`;
