// Which repartition topics carry records with a null key (KIP-962, Kafka Streams 3.7+). A
// left or outer stream-stream join, and a stream's left join with a table or a global
// table, take a record with a null key (it joins nothing, and is joined with null). Every
// other consumer drops such a record, so a repartition drops it before the topic (it has no
// partition to go to) unless one of those joins is downstream of it, however far: Kafka
// Streams' NodesWithRelaxedNullKeyJoinDownstream, decided once the graph is complete.
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";

interface RelaxedJoinGraph {
  /** The join processors that take null keys. */
  readonly joins: Set<string>;
  /** Each repartition's sink and the source that reads its topic back: the graph goes on there. */
  readonly topicHops: Map<string, string>;
}

const graphs = new WeakMap<InternalTopologyBuilder, RelaxedJoinGraph>();

function graphOf(builder: InternalTopologyBuilder): RelaxedJoinGraph {
  let graph = graphs.get(builder);
  if (graph === undefined) {
    graph = { joins: new Set(), topicHops: new Map() };
    graphs.set(builder, graph);
  }
  return graph;
}

/** `node` is a join that takes records with a null key (Kafka Streams' NULL_KEY_RELAXED_JOIN label). */
export function markNullKeyRelaxedJoin(builder: InternalTopologyBuilder, node: string): void {
  graphOf(builder).joins.add(node);
}

/** Records `sink` writes to a repartition topic that `source` reads. */
export function linkRepartitionTopic(builder: InternalTopologyBuilder, sink: string, source: string): void {
  graphOf(builder).topicHops.set(sink, source);
}

/** Whether a null-key-taking join is downstream of `node`, through repartition topics too. */
export function nullKeyRelaxedJoinDownstream(builder: InternalTopologyBuilder, node: string): boolean {
  const { joins, topicHops } = graphOf(builder);
  const seen = new Set<string>();
  const pending = [node];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const next = [...builder.childrenOf(current)];
    const hop = topicHops.get(current);
    if (hop !== undefined) next.push(hop);
    for (const child of next) {
      if (joins.has(child)) return true;
      if (!seen.has(child)) {
        seen.add(child);
        pending.push(child);
      }
    }
  }
  return false;
}
