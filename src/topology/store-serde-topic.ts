// The topic a store's serdes are told. Kafka Streams' Metered stores (MeteredKeyValueStore,
// MeteredWindowStore, MeteredSessionStore, MeteredVersionedKeyValueStore, and the
// timestamped ones through them) make their StateSerdes with
// ProcessorContextUtils.changelogFor(context, name, false): the topic the state manager
// restores the store from when it has one (its changelog; a global store's source topic,
// which InternalTopologyBuilder.addGlobalStore connects to it; a source table's topic
// when the optimizer reuses it as the changelog), else
// ProcessorStateManager.storeChangelogTopic(applicationId, store, topologyName), the name
// its changelog would have (logging disabled). suppress()'s buffer asks with
// newChangelogTopic = true (InMemoryTimeOrderedKeyValueChangeBuffer): always that name.
//
// The one place that choice is made: the engine tells each task store the answer once,
// when it opens the store, and queries the same.
import { changelogTopicName, physicalTopicName } from "./internal-topic-names.js";
import { javaHashSetOrder } from "./java-collection-order.js";
import type { GlobalStore, StoreDefinition, TopologyNode } from "./topology-data.js";

/** What the choice reads of the topology. */
export interface StoreTopicSources {
  readonly globalStores?: readonly GlobalStore[] | undefined;
}

export function storeSerdeTopic(
  topology: StoreTopicSources,
  applicationId: string,
  store: Pick<StoreDefinition, "name" | "type" | "sourceChangelog">,
): string {
  // A source table's topic (reuse.ktable.source.topics) or a read-only store's: connectSourceStoreAndTopic.
  if (store.sourceChangelog !== undefined) return store.sourceChangelog;
  if (store.type !== "buffer") {
    const global = topology.globalStores?.find((candidate) => candidate.store === store.name);
    if (global !== undefined) return global.topic;
  }
  return changelogTopicName(applicationId, store.name);
}

/**
 * The topics queryMetadataForKey() chooses from for the key serializer, which Kafka Streams
 * tells the one with the most partitions (StreamsMetadataState's SourceTopicsInfo, the first
 * of them on a tie): its sourceTopicsForStore, the topics of the sources upstream of the
 * first processor connected to the store (InternalTopologyBuilder's
 * connectStateStoreNameToSourceTopicsOrPattern), in the order of Java's HashSet of their
 * names, a repartition topic by its full name. Empty when they subscribe by pattern.
 */
export function storeSourceTopics(
  topology: { readonly nodes: ReadonlyMap<string, TopologyNode> },
  applicationId: string,
  store: Pick<StoreDefinition, "processors">,
): string[] {
  const first = store.processors[0];
  if (first === undefined) return [];
  const internal = new Map<string, boolean>();
  const seen = new Set<string>();
  const visit = (names: readonly string[]): void => {
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const node = topology.nodes.get(name);
      if (node?.kind === "source") {
        if (node.pattern === undefined) for (const topic of node.topics) internal.set(topic, node.internal);
      } else if (node !== undefined) visit(node.predecessors);
    }
  };
  visit(topology.nodes.get(first)?.predecessors ?? []);
  return javaHashSetOrder(internal.keys()).map((topic) =>
    physicalTopicName(applicationId, topic, internal.get(topic) ?? false),
  );
}

/**
 * The topic queryMetadataForKey() tells the key serializer: of the store's source topics
 * (storeSourceTopics), the first with the most partitions (`partitions`, by full name), as
 * Kafka Streams' SourceTopicsInfo.topicWithMostPartitions; none when no count is known.
 */
export function queryKeyTopic(
  topology: { readonly nodes: ReadonlyMap<string, TopologyNode> },
  applicationId: string,
  store: Pick<StoreDefinition, "processors">,
  partitions: ReadonlyMap<string, number>,
): string | undefined {
  let chosen: string | undefined;
  let most = 0;
  for (const topic of storeSourceTopics(topology, applicationId, store)) {
    const count = partitions.get(topic) ?? 0;
    if (count > most) {
      most = count;
      chosen = topic;
    }
  }
  return chosen;
}
