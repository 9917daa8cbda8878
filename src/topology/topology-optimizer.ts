// The optimizations topology.optimization asks for (Kafka Streams' InternalStreamsBuilder.
// optimizeTopology), applied to the builder's graph once the DSL is done with it and before
// it is checked and frozen.
import { InvalidOperationError } from "./errors.js";
import type { PendingNode, PendingStore } from "./pending-graph.js";
import { TopologyOptimization } from "./topology-optimization.js";
import type { OptimizationRule } from "./topology-optimization.js";

/** The builder's graph, as the optimizations rewrite it. */
export interface OptimizableGraph {
  readonly nodes: Map<string, PendingNode>;
  readonly stores: Map<string, PendingStore>;
}

export function optimize(graph: OptimizableGraph, optimizations: ReadonlySet<OptimizationRule>): void {
  if (optimizations.has(TopologyOptimization.REUSE_KTABLE_SOURCE_TOPICS)) reuseKTableSourceTopics(graph);
  if (optimizations.has(TopologyOptimization.SINGLE_STORE_SELF_JOIN)) rewriteSingleStoreSelfJoins(graph);
}

/**
 * Kafka Streams' connectSourceStoreAndTopic: the store logs nothing (no `-changelog` topic)
 * and restores from the source topic, which is its changelog.
 */
export function connectSourceStoreAndTopic(stores: Map<string, PendingStore>, store: string, topic: string): void {
  const pending = stores.get(store);
  if (pending === undefined) throw new InvalidOperationError(`StateStore ${store} is not added yet.`);
  if (pending.sourceChangelog !== undefined) throw new InvalidOperationError(`Source store ${store} is already added.`);
  stores.set(store, { ...pending, logging: false, sourceChangelog: topic });
}

/**
 * InternalStreamsBuilder.reuseKTableSourceTopics: a source table whose store is
 * materialized (named, or read by a join, an aggregation, a query) restores it from its
 * topic (TableSourceNode.writeToTopology); an unmaterialized one has no store to restore.
 */
function reuseKTableSourceTopics(graph: OptimizableGraph): void {
  for (const store of [...graph.stores.values()]) {
    const topic = store.tableSourceTopic;
    if (topic === undefined) continue;
    const materialized = [...graph.nodes.values()].some(
      (node) => node.kind === "processor" && node.stores.includes(store.name),
    );
    if (materialized) connectSourceStoreAndTopic(graph.stores, store.name, topic);
  }
}

/**
 * InternalStreamsBuilder.rewriteSingleStoreSelfJoin: a stream-stream join whose two sides
 * are one node (the same stream, or two streams of the same topics, which are one source)
 * keeps one window store and one processor, KStreamKStreamSelfJoin, under the merge
 * node's name (StreamStreamJoinNode.writeToTopology when it is a self-join).
 */
function rewriteSingleStoreSelfJoins(graph: OptimizableGraph): void {
  for (const node of [...graph.nodes.values()]) {
    if (node.kind !== "processor" || node.selfJoin === undefined) continue;
    const join = node.selfJoin;
    const thisParent = graph.nodes.get(join.thisWindowed)?.predecessors;
    const otherParent = graph.nodes.get(join.otherWindowed)?.predecessors;
    if (thisParent === undefined || otherParent === undefined || thisParent[0] !== otherParent[0]) continue;
    for (const removed of [join.otherWindowed, join.joinThis, join.joinOther]) graph.nodes.delete(removed);
    for (const store of join.unusedStores) graph.stores.delete(store);
    // Set again under its name, the node keeps its place (and the sub-topology numbering with it).
    graph.nodes.set(node.name, {
      ...node,
      operation: "join",
      supplier: join.supplier,
      predecessors: [join.thisWindowed],
      stores: [join.thisStore],
      selfJoin: undefined,
    });
  }
}
