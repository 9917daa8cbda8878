// Where suppress(untilWindowCloses) finds the grace period of the windows it follows
// (Kafka Streams' GraphGraceSearchUtil): the windowed aggregation upstream of the table
// defines it (time and sliding windows: their grace; sessions: gap + grace); a node that is
// not one inherits the largest grace of its parents; a table with no windowed aggregation
// upstream has no window close time, and suppressing it until windows close is an error.
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import { InvalidOperationError } from "../errors.js";

const graces = new WeakMap<InternalTopologyBuilder, Map<string, number>>();

/** Records that `node` is a windowed aggregation whose windows close `graceMs` after their end. */
export function registerWindowGrace(builder: InternalTopologyBuilder, node: string, graceMs: number): void {
  let byNode = graces.get(builder);
  if (byNode === undefined) graces.set(builder, (byNode = new Map()));
  byNode.set(node, graceMs);
}

/** The grace period a window close time of `node`'s output is measured with. */
export function findWindowGrace(builder: InternalTopologyBuilder, node: string, chain = ""): number {
  const own = graces.get(builder)?.get(node);
  if (own !== undefined) return own;
  const newChain = chain === "" ? node : `${node}->${chain}`;
  const parents = builder.parentsOf(node);
  if (parents.length === 0) {
    throw new InvalidOperationError(
      `Window close time is only defined for windowed computations. Got [${newChain}]. suppress(Suppressed.untilWindowCloses(...)) follows windowedBy(...) aggregations; use Suppressed.untilTimeLimit(...) for other tables`,
    );
  }
  return Math.max(...parents.map((parent) => findWindowGrace(builder, parent, newChain)));
}
