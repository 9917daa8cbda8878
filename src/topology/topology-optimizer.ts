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
