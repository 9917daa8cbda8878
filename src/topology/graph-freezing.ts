// The builder's pending graph frozen into the Topology's data: nodes with their
// successors and sub-topology, store definitions with their processors, sub-topologies
// with their topics and stores, every serde filled (given, default, or reported missing).
import type { PendingNode, PendingSink, PendingSource, PendingStore, FillSerde } from "./pending-graph.js";
import type {
  GlobalStore,
  ProcessorNode,
  SinkNode,
  SourceNode,
  StoreDefinition,
  Subtopology,
  TopologyNode,
} from "./topology-data.js";

export function freezeStores(
  stores: readonly PendingStore[],
  storeUsers: ReadonlyMap<string, string[]>,
  subtopologyOf: ReadonlyMap<string, number>,
  serde: FillSerde,
): Map<string, StoreDefinition> {
  const storeDefinitions = new Map<string, StoreDefinition>();
  for (const store of stores) {
    const users = storeUsers.get(store.name) ?? [];
    storeDefinitions.set(
      store.name,
      Object.freeze({
        name: store.name,
        type: store.type,
        timestamped: store.timestamped,
        caching: store.caching,
        ...(store.windowed !== undefined ? { windowed: store.windowed } : {}),
        ...(store.versioned !== undefined ? { versioned: store.versioned } : {}),
        keySerde: serde(store.keySerde, store.name, "key"),
        valueSerde: serde(store.valueSerde, store.name, "value"),
        persistent: store.persistent,
        ...(store.persistentByDefault ? { persistentByDefault: true } : {}),
        logging: store.logging,
        ...(store.sourceChangelog !== undefined ? { sourceChangelog: store.sourceChangelog } : {}),
        internal: store.internal,
        ...(store.global ? { global: true } : {}),
        processors: Object.freeze([...users]),
        subtopology: subtopologyOf.get(users[0] ?? "") ?? 0,
      }),
    );
  }
  return storeDefinitions;
}

export function freezeSubtopologies(
  nodes: readonly PendingNode[],
  subtopologyOf: ReadonlyMap<string, number>,
  storeDefinitions: ReadonlyMap<string, StoreDefinition>,
): readonly Subtopology[] {
  const ids = [...new Set(subtopologyOf.values())];
  const subtopologies: Subtopology[] = ids.map((id) => {
    const members = nodes.filter((node) => subtopologyOf.get(node.name) === id);
    const sources = members.filter((node): node is PendingSource => node.kind === "source");
    const sinks = members.filter((node): node is PendingSink => node.kind === "sink");
    const unique = (items: (string | undefined)[]): readonly string[] =>
      Object.freeze([...new Set(items.filter((item): item is string => item !== undefined))]);
    return Object.freeze({
      id,
      nodes: Object.freeze(members.map((node) => node.name)),
      sourceTopics: unique(sources.filter((node) => !node.internal).flatMap((node) => node.topics)),
      repartitionSourceTopics: unique(sources.filter((node) => node.internal).flatMap((node) => node.topics)),
      sinkTopics: unique(sinks.filter((node) => !node.internal).map((node) => node.topic)),
      repartitionSinkTopics: unique(sinks.filter((node) => node.internal).map((node) => node.topic)),
      stores: unique(
        [...storeDefinitions.values()].filter((store) => store.subtopology === id).map((store) => store.name),
      ),
    });
  });
  return Object.freeze(subtopologies);
}

export function freezeNode(
  node: PendingNode,
  subtopology: number,
  successors: readonly string[],
  serde: FillSerde,
): TopologyNode {
  const common = {
    name: node.name,
    subtopology,
    predecessors: Object.freeze([...node.predecessors]),
    successors: Object.freeze([...successors]),
  };
  switch (node.kind) {
    case "source":
      return Object.freeze<SourceNode>({
        ...common,
        kind: "source",
        topics: Object.freeze([...node.topics]),
        ...(node.pattern === undefined ? {} : { pattern: node.pattern }),
        ...(node.autoOffsetReset === undefined ? {} : { autoOffsetReset: node.autoOffsetReset }),
        internal: node.internal,
        keySerde: serde(node.keySerde, node.name, "key"),
        valueSerde: serde(node.valueSerde, node.name, "value"),
        timestampExtractor: node.timestampExtractor,
      });
    case "processor":
      return Object.freeze<ProcessorNode>({
        ...common,
        kind: "processor",
        operation: node.operation,
        stores: Object.freeze([...node.stores]),
        supplier: node.supplier,
        ...(node.commandHandler === undefined
          ? {}
          : {
              commandHandler: Object.freeze({
                schema: node.commandHandler.schema,
                // The handler's store is keyed the same: its key serde reports a gap.
                keySerde: serde(node.commandHandler.keySerde, node.name, "key"),
              }),
            }),
      });
    case "sink":
      return Object.freeze<SinkNode>({
        ...common,
        kind: "sink",
        topic: node.topic,
        topicExtractor: node.topicExtractor,
        extractorDescription: node.extractorDescription,
        internal: node.internal,
        keySerde: serde(node.keySerde, node.name, "key"),
        valueSerde: serde(node.valueSerde, node.name, "value"),
        partitioner: node.partitioner,
      });
  }
}

/**
 * The global stores' sub-topologies (each a global store's source and processor), and
 * the global stores: a global topic is the store's own, not a source of the application's tasks.
 */
export function freezeGlobalStores(
  all: readonly Subtopology[],
  subtopologyOf: ReadonlyMap<string, number>,
  globalSources: ReadonlyMap<string, { readonly store: string; readonly processor: string; readonly topic: string }>,
): { globalIds: Set<number>; globalStores: GlobalStore[] } {
  const globalIds = new Map<number, { source: string; store: string; processor: string; topic: string }>();
  for (const [source, entry] of globalSources) {
    const id = subtopologyOf.get(source);
    if (id !== undefined) globalIds.set(id, { source, ...entry });
  }
  const globalStores: GlobalStore[] = [];
  for (const subtopology of all) {
    const entry = globalIds.get(subtopology.id);
    if (entry === undefined) continue;
    globalStores.push(
      Object.freeze({
        id: subtopology.id,
        store: entry.store,
        topic: entry.topic,
        sourceNode: entry.source,
        processorNode: entry.processor,
        // A global topic is the store's own: not a source of the application's tasks.
        subtopology,
      }),
    );
  }
  return { globalIds: new Set(globalIds.keys()), globalStores };
}
