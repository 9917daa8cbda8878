// The topology as a web page: every sub-topology drawn as a layered graph in inline
// SVG (sources, processors, sinks, stores, with every node's name), the Kafka Streams
// text below it. Self-contained: inline CSS and JS, no external requests, so it works
// on an air-gapped cluster and behind any proxy.
import type { TopologyDescription } from "../topology/topology-description.js";
import { layoutSubtopology } from "./topology-layout.js";
import type { SubtopologyLayout } from "./topology-layout.js";

function escape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface SvgOptions {
  /**
   * A badge above each source, processor and sink (`<text class="node-rate" data-node="<name>">`)
   * for a script to write the node's records/s into (the console's graph).
   */
  readonly nodeRates?: boolean;
}

export function renderSvg(layout: SubtopologyLayout, options: SvgOptions = {}): string {
  const edges = layout.edges
    .map((edge) => {
      const [a, b] = [edge.points[0], edge.points[edge.points.length - 1]];
      if (a === undefined || b === undefined) return "";
      const midY = (a.y + b.y) / 2;
      const d = `M${a.x},${a.y} C${a.x},${midY} ${b.x},${midY} ${b.x},${b.y}`;
      const marker = edge.kind === "flow" ? ' marker-end="url(#arrow)"' : "";
      return `<path class="edge ${edge.kind}" data-from="${escape(edge.from)}" data-to="${escape(edge.to)}" d="${d}"${marker}/>`;
    })
    .join("\n");
  const nodes = layout.nodes
    .map((node) => {
      const cx = node.x + node.width / 2;
      const shape =
        node.kind === "store"
          ? `<rect class="shape" x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" rx="18" ry="18"/>`
          : `<rect class="shape" x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" rx="6" ry="6"/>`;
      const rate =
        options.nodeRates === true && node.kind !== "store"
          ? `<text class="node-rate" data-node="${escape(node.id)}" x="${node.x + node.width - 4}" y="${node.y - 4}">–</text>`
          : "";
      return (
        `<g class="node ${node.kind}" data-id="${escape(node.id)}" tabindex="0">` +
        `<title>${escape(`${node.kind}: ${node.label}\n${node.detail}`)}</title>${shape}` +
        `<text class="name" x="${cx}" y="${node.y + 18}">${escape(node.label)}</text>` +
        `<text class="detail" x="${cx}" y="${node.y + 34}">${escape(truncate(node.detail, 48))}</text>${rate}</g>`
      );
    })
    .join("\n");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" ` +
    `role="img" aria-label="Sub-topology ${layout.id}">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
    `<path d="M0,0 L10,5 L0,10 z"/></marker></defs>\n${edges}\n${nodes}</svg>`
  );
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2433; background: #f7f8fa; }
h1 { font-size: 20px; margin: 0 0 4px; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 4px; vertical-align: -1px; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 12px 16px; margin: 16px 0; overflow-x: auto; }
h2 { font-size: 16px; margin: 0 0 8px; }
svg text { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; text-anchor: middle; pointer-events: none; }
svg text.detail { font-size: 10.5px; fill: #4b5568; }
.shape { stroke-width: 1.5; }
.source .shape { fill: #e3f2e8; stroke: #2f8a4c; }
.processor .shape { fill: #e6eefb; stroke: #3565b8; }
.sink .shape { fill: #fbeee3; stroke: #b86a35; }
.store .shape { fill: #f3e8fb; stroke: #7d3fb0; stroke-dasharray: 4 2; }
.edge { fill: none; stroke: #8792a6; stroke-width: 1.4; }
.edge.store { stroke-dasharray: 3 3; }
marker path { fill: #8792a6; }
.node { cursor: pointer; }
.node.selected .shape, .node:focus .shape { stroke-width: 3; }
.edge.highlight { stroke: #d23f3f; stroke-width: 2.4; }
pre { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 12px; overflow-x: auto; }
#details { position: fixed; right: 16px; bottom: 16px; max-width: 420px; background: #1d2433; color: #fff; padding: 10px 14px;
  border-radius: 8px; font: 12px ui-monospace, monospace; white-space: pre-wrap; display: none; }
`;

// Highlights the edges of the node under the pointer (or focused), and shows its details.
export const TOPOLOGY_PAGE_SCRIPT = `
(function () {
  var details = document.getElementById("details");
  function select(node, on) {
    var id = node.getAttribute("data-id");
    var svg = node.ownerSVGElement;
    svg.querySelectorAll(".edge").forEach(function (edge) {
      var touches = edge.getAttribute("data-from") === id || edge.getAttribute("data-to") === id;
      edge.classList.toggle("highlight", on && touches);
    });
    node.classList.toggle("selected", on);
    details.style.display = on ? "block" : "none";
    if (on) details.textContent = node.querySelector("title").textContent;
  }
  document.querySelectorAll(".node").forEach(function (node) {
    node.addEventListener("mouseenter", function () { select(node, true); });
    node.addEventListener("mouseleave", function () { select(node, false); });
    node.addEventListener("focus", function () { select(node, true); });
    node.addEventListener("blur", function () { select(node, false); });
  });
})();
`;

export interface TopologyPageOptions {
  readonly title: string;
}

export function renderTopologyPage(description: TopologyDescription, options: TopologyPageOptions): string {
  const json = description.toJSON();
  const storeDetails = new Map(
    json.stores.map((s) => [
      s.name,
      `${s.persistent ? "LevelDB" : "in-memory"}${s.logging ? ", changelog" : ""}${s.sourceChangelog === undefined ? "" : `, changelog ${s.sourceChangelog}`} · ${s.keySerde}/${s.valueSerde}`,
    ]),
  );
  const sections = description.subtopologies
    .map((sub) => {
      const layout = layoutSubtopology(sub, storeDetails);
      return `<section id="subtopology-${sub.id}"><h2>Sub-topology: ${sub.id}</h2>${renderSvg(layout)}</section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escape(options.title)}</h1>
<p class="legend"><span><i style="background:#e3f2e8;border:1px solid #2f8a4c"></i>source</span><span><i style="background:#e6eefb;border:1px solid #3565b8"></i>processor</span><span><i style="background:#fbeee3;border:1px solid #b86a35"></i>sink</span><span><i style="background:#f3e8fb;border:1px dashed #7d3fb0"></i>state store</span></p>
${sections}
<h2>As text</h2>
<pre>${escape(description.toString())}</pre>
<div id="details" role="status"></div>
<script>${TOPOLOGY_PAGE_SCRIPT}</script>
</body>
</html>
`;
}
