import { describe, expect, it } from "vitest";
import { layoutSubtopology } from "../../src/api/topology-layout.js";
import { bankTopology } from "../topology/apps/bank.js";

describe("layoutSubtopology", () => {
  const description = bankTopology().describe();

  it("places every node and store once, edges pointing down, nodes of a layer side by side", () => {
    for (const sub of description.subtopologies) {
      const layout = layoutSubtopology(sub);
      const stores = new Set(sub.nodes.flatMap((n) => n.stores ?? []));
      expect(layout.nodes.map((n) => n.label).sort()).toEqual([...sub.nodes.map((n) => n.name), ...stores].sort());
      const at = new Map(layout.nodes.map((n) => [n.id, n]));
      for (const edge of layout.edges.filter((e) => e.kind === "flow")) {
        expect(at.get(edge.to)?.y ?? 0).toBeGreaterThan(at.get(edge.from)?.y ?? 0);
      }
      const rows = new Map<number, (typeof layout.nodes)[number][]>();
      for (const node of layout.nodes) rows.set(node.y, [...(rows.get(node.y) ?? []), node]);
      for (const row of rows.values()) {
        const sorted = [...row].sort((p, q) => p.x - q.x);
        sorted
          .slice(1)
          .forEach((node, i) => expect(node.x).toBeGreaterThanOrEqual((sorted[i]?.x ?? 0) + (sorted[i]?.width ?? 0)));
      }
      for (const node of layout.nodes) expect(node.x + node.width).toBeLessThanOrEqual(layout.width);
    }
  });

  it("is deterministic", () => {
    const sub = description.subtopologies[0];
    if (sub === undefined) throw new Error("no sub-topology");
    expect(layoutSubtopology(sub)).toEqual(layoutSubtopology(sub));
  });
});
