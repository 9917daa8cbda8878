// A layered drawing of one sub-topology (Sugiyama's scheme, small): each node's layer
// is the longest path to it from a source, so every edge points down; stores sit one
// layer below the first processor that uses them; nodes within a layer are ordered by
// the mean position of their neighbours (a few sweeps down and up) to avoid crossings.
// Pure: description in, coordinates out, so the page renders the same graph every time.
import type { SubtopologyDescription } from "../topology/topology-description.js";

export interface LaidOutNode {
  readonly id: string;
  readonly kind: "source" | "processor" | "sink" | "store";
  readonly label: string;
  /** Second line: topics, operation, store serdes... */
  readonly detail: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LaidOutEdge {
  readonly from: string;
  readonly to: string;
  /** Processor-store connections are drawn without an arrow. */
  readonly kind: "flow" | "store";
  readonly points: readonly { x: number; y: number }[];
}

export interface SubtopologyLayout {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidOutNode[];
  readonly edges: readonly LaidOutEdge[];
}

const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 44;
const H_GAP = 28;
const V_GAP = 56;
const MARGIN = 16;
const SWEEPS = 4;

interface Vertex {
  id: string;
  kind: LaidOutNode["kind"];
  label: string;
  detail: string;
  layer: number;
  order: number;
  width: number;
}

export function layoutSubtopology(
  sub: SubtopologyDescription,
  storeDetails: ReadonlyMap<string, string> = new Map(),
): SubtopologyLayout {
  const vertices = new Map<string, Vertex>();
  const flow: Array<[string, string]> = [];
  const storeLinks: Array<[string, string]> = [];
  for (const node of sub.nodes) {
    const detail =
      node.kind === "source"
        ? `topics: ${(node.topics ?? []).join(", ")}`
        : node.kind === "sink"
          ? node.topic !== undefined
            ? `topic: ${node.topic}`
            : `topic from: ${node.topicExtractor ?? "extractor"}`
          : (node.operation ?? "processor");
    vertices.set(node.name, { id: node.name, kind: node.kind, label: node.name, detail, layer: 0, order: 0, width: 0 });
    for (const child of node.successors) flow.push([node.name, child]);
  }
  for (const node of sub.nodes) {
    for (const store of node.stores ?? []) {
      const id = `store:${store}`;
      if (!vertices.has(id)) {
        vertices.set(id, {
          id,
          kind: "store",
          label: store,
          detail: storeDetails.get(store) ?? "state store",
          layer: 0,
          order: 0,
          width: 0,
        });
      }
      storeLinks.push([node.name, id]);
    }
  }

  // Layers: longest path from a source (the sub-topology is acyclic; the bound guards a malformed one).
  const parents = new Map<string, string[]>();
  for (const [from, to] of flow) parents.set(to, [...(parents.get(to) ?? []), from]);
  const memo = new Map<string, number>();
  const layerOf = (id: string, depth = 0): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const vertex = vertices.get(id);
    if (vertex === undefined || depth > vertices.size) return 0;
    const ps = (parents.get(id) ?? []).filter((p) => vertices.has(p));
    vertex.layer = ps.length === 0 ? 0 : Math.max(...ps.map((p) => layerOf(p, depth + 1))) + 1;
    memo.set(id, vertex.layer);
    return vertex.layer;
  };
  for (const vertex of vertices.values()) if (vertex.kind !== "store") layerOf(vertex.id);
  for (const [processor, store] of storeLinks) {
    const s = vertices.get(store);
    const p = vertices.get(processor);
    if (s !== undefined && p !== undefined && (s.layer === 0 || p.layer + 1 < s.layer)) s.layer = p.layer + 1;
  }

  const layers: Vertex[][] = [];
  for (const vertex of vertices.values()) {
    vertex.width = Math.max(vertex.label.length, Math.min(vertex.detail.length, 48)) * CHAR_WIDTH + 24;
    (layers[vertex.layer] ??= []).push(vertex);
  }
  for (const layer of layers) layer?.forEach((v, i) => (v.order = i));

  const neighbours = new Map<string, string[]>();
  for (const [a, b] of [...flow, ...storeLinks]) {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
  }
  const barycenter = (v: Vertex, towardLayer: number): number => {
    const ns = (neighbours.get(v.id) ?? [])
      .map((n) => vertices.get(n))
      .filter((n): n is Vertex => n !== undefined && n.layer === towardLayer);
    return ns.length === 0 ? v.order : ns.reduce((sum, n) => sum + n.order, 0) / ns.length;
  };
  for (let sweep = 0; sweep < SWEEPS; sweep += 1) {
    const down = sweep % 2 === 0;
    const indices = layers.map((_, i) => i);
    for (const i of down ? indices.slice(1) : indices.reverse().slice(1)) {
      const layer = layers[i];
      if (layer === undefined) continue;
      const toward = down ? i - 1 : i + 1;
      const keys = new Map(layer.map((v) => [v.id, barycenter(v, toward)]));
      layer.sort((a, b) => (keys.get(a.id) ?? 0) - (keys.get(b.id) ?? 0) || a.order - b.order);
      layer.forEach((v, j) => (v.order = j));
    }
  }

  const layerWidths = layers.map(
    (layer) => (layer ?? []).reduce((sum, v) => sum + v.width, 0) + H_GAP * Math.max(0, (layer ?? []).length - 1),
  );
  const width = Math.max(200, ...layerWidths) + 2 * MARGIN;
  const nodes: LaidOutNode[] = [];
  const position = new Map<string, LaidOutNode>();
  layers.forEach((layer, i) => {
    let x = MARGIN + (width - 2 * MARGIN - (layerWidths[i] ?? 0)) / 2;
    for (const v of layer ?? []) {
      const node: LaidOutNode = {
        id: v.id,
        kind: v.kind,
        label: v.label,
        detail: v.detail,
        x,
        y: MARGIN + i * (NODE_HEIGHT + V_GAP),
        width: v.width,
        height: NODE_HEIGHT,
      };
      nodes.push(node);
      position.set(v.id, node);
      x += v.width + H_GAP;
    }
  });
  const edge = (from: string, to: string, kind: LaidOutEdge["kind"]): LaidOutEdge | undefined => {
    const a = position.get(from);
    const b = position.get(to);
    if (a === undefined || b === undefined) return undefined;
    const downward = b.y > a.y;
    const start = { x: a.x + a.width / 2, y: downward ? a.y + a.height : a.y };
    const end = { x: b.x + b.width / 2, y: downward ? b.y : b.y + b.height };
    return { from, to, kind, points: [start, end] };
  };
  const edges = [
    ...flow.map(([a, b]) => edge(a, b, "flow")),
    ...storeLinks.map(([a, b]) => edge(a, b, "store")),
  ].filter((e): e is LaidOutEdge => e !== undefined);
  const height = MARGIN * 2 + layers.length * NODE_HEIGHT + Math.max(0, layers.length - 1) * V_GAP;
  return { id: sub.id, width, height, nodes, edges };
}
