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
import { changelogTopicName } from "./internal-topic-names.js";
import type { GlobalStore, StoreDefinition } from "./topology-data.js";

/** What the choice reads of the topology. */
export interface StoreTopicSources {
  readonly globalStores?: readonly GlobalStore[] | undefined;
}

export function storeSerdeTopic(
  topology: StoreTopicSources,
  applicationId: string,
  store: Pick<StoreDefinition, "name" | "type">,
): string {
  if (store.type !== "buffer") {
    const global = topology.globalStores?.find((candidate) => candidate.store === store.name);
    if (global !== undefined) return global.topic;
  }
  return changelogTopicName(applicationId, store.name);
}
