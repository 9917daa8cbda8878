// describe(): the topology rendered as Kafka Streams renders its TopologyDescription
// (InternalTopologyBuilder.TopologyDescription#toString), and the same graph as JSON.
//
// Kafka Streams' text rules, kept exactly:
// - "Topologies:\n " then, per sub-topology in id order, "  Sub-topology: <id>\n", its
//   nodes ("    " + node + "\n") and a blank line. (So the first header is indented by
//   three spaces and the others by two: a quirk every Kafka Streams user has seen.)
// - Nodes, and the names after "-->" and "<--", are ordered by the size of their
//   downstream sub-graph (the number of paths from the node, itself included), largest
//   first, then by name: sources first, sinks last. The "-->"/"<--" lists are TreeSets
//   filled while sizes still grow, so their order is reproduced by replaying Kafka
//   Streams' construction (see orderNodes).
// - "Source: <name> (topics: [<topics>])", "Processor: <name> (stores: [<stores>])",
//   "Sink: <name> (topic: <topic>)" or "(extractor class: <extractor>)"; topic and store
//   lists print in java.util.HashSet order; an empty successor or predecessor list
//   prints "none".
import { JavaTreeSet, javaCollectionToString, javaHashMapOrder, javaHashSetOrder } from "./java-collection-order.js";
import type { Serde } from "../serdes/serde.js";
import type { TopologyData, TopologyNode } from "./topology.js";

export interface NodeDescription {
  readonly name: string;
  readonly kind: TopologyNode["kind"];
  /** Ordered as describe() prints them. */
  readonly predecessors: readonly string[];
  readonly successors: readonly string[];
  /** Sources: topics (HashSet order); repartition topics are marked `internal`. */
  readonly topics?: readonly string[];
  /** Sources subscribed by regular expression: its source text. */
  readonly pattern?: string;
  readonly internal?: boolean;
  /** Processors. */
  readonly operation?: string;
  readonly stores?: readonly string[];
  /** handleCommands() processors: whether they validate commands with a zod schema (the schema itself is in the Topology data). */
  readonly commandSchema?: boolean;
  /** Sinks. */
  readonly topic?: string;
  readonly topicExtractor?: string;
  /** Sources and sinks. */
  readonly keySerde?: string;
  readonly valueSerde?: string;
}

export interface SubtopologyDescription {
  readonly id: number;
  /** In describe() order. */
  readonly nodes: readonly NodeDescription[];
  readonly sourceTopics: readonly string[];
  readonly repartitionSourceTopics: readonly string[];
  readonly sinkTopics: readonly string[];
  readonly repartitionSinkTopics: readonly string[];
  readonly stores: readonly string[];
}

/** A global store as describe() prints it: its source and processor, "for global store (will not generate tasks)". */
export interface GlobalStoreDescription {
  readonly id: number;
  readonly store: string;
  readonly topic: string;
  readonly source: string;
  readonly processor: string;
}

export interface TopologyDescriptionJSON {
  readonly subtopologies: readonly SubtopologyDescription[];
  readonly globalStores?: readonly GlobalStoreDescription[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly subtopology: number }[];
  readonly stores: readonly {
    readonly name: string;
    readonly keySerde: string;
    readonly valueSerde: string;
    readonly persistent: boolean;
    readonly logging: boolean;
    /** The source topic that is the store's changelog (topology.optimization reuse.ktable.source.topics, addReadOnlyStateStore). */
    readonly sourceChangelog?: string;
    readonly processors: readonly string[];
    readonly subtopology: number;
  }[];
  readonly topics: {
    readonly sources: readonly string[];
    readonly sinks: readonly string[];
    readonly repartition: readonly { readonly name: string; readonly partitions: number | null }[];
  };
  readonly copartitionGroups: readonly {
    readonly requiredBy: string;
    readonly sourceNodes: readonly string[];
    readonly topics: readonly string[];
    readonly repartitionTopics: readonly string[];
  }[];
}

interface NodeOrder {
  /** Nodes in describe() order. */
  readonly nodes: readonly string[];
  readonly predecessors: ReadonlyMap<string, readonly string[]>;
  readonly successors: ReadonlyMap<string, readonly string[]>;
}

/**
 * Kafka Streams' describeSubtopology(), step for step: nodes are connected in the
 * iteration order of a HashMap keyed by name; each connection inserts into TreeSets
 * ordered by (size descending, name) and then adds the child's size to the parent and
 * its ancestors (updateSize). The sub-topology's own node set is sorted once all sizes
 * are final; the predecessor and successor sets keep the shape they had when built.
 */
function orderNodes(data: TopologyData, namesInInsertionOrder: readonly string[]): NodeOrder {
  const sizes = new Map<string, number>(namesInInsertionOrder.map((name) => [name, 1]));
  const compare = (a: string, b: string): number =>
    a === b ? 0 : (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0) || (a < b ? -1 : 1);
  const predecessors = new Map<string, JavaTreeSet<string>>();
  const successors = new Map<string, JavaTreeSet<string>>();
  for (const name of namesInInsertionOrder) {
    predecessors.set(name, new JavaTreeSet(compare));
    successors.set(name, new JavaTreeSet(compare));
  }
  const updateSize = (name: string, delta: number): void => {
    sizes.set(name, (sizes.get(name) ?? 0) + delta);
    for (const parent of predecessors.get(name)?.values() ?? []) updateSize(parent, delta);
  };
  for (const name of javaHashMapOrder(namesInInsertionOrder)) {
    for (const parent of data.nodes.get(name)?.predecessors ?? []) {
      if (!sizes.has(parent)) continue;
      predecessors.get(name)?.add(parent);
      successors.get(parent)?.add(name);
      updateSize(parent, sizes.get(name) ?? 1);
    }
  }
  return {
    nodes: [...namesInInsertionOrder].sort(compare),
    predecessors: new Map([...predecessors].map(([name, set]) => [name, set.values()])),
    successors: new Map([...successors].map(([name, set]) => [name, set.values()])),
  };
}

/** A source's or sink's serde names; "none" where the topology has none yet (a description of an unchecked graph). */
function serdeNames(node: { keySerde: Serde<unknown> | undefined; valueSerde: Serde<unknown> | undefined }): {
  keySerde: string;
  valueSerde: string;
} {
  return { keySerde: node.keySerde?.name ?? "none", valueSerde: node.valueSerde?.name ?? "none" };
}

function nodeNames(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}

function nodeText(node: NodeDescription): string {
  switch (node.kind) {
    case "source":
      // Kafka Streams prints a pattern source's Pattern, whose toString() is its regular expression.
      return `Source: ${node.name} (topics: ${node.pattern ?? javaCollectionToString(node.topics ?? [])})\n      --> ${nodeNames(node.successors)}`;
    case "processor":
      return (
        `Processor: ${node.name} (stores: ${javaCollectionToString(node.stores ?? [])})\n` +
        `      --> ${nodeNames(node.successors)}\n      <-- ${nodeNames(node.predecessors)}`
      );
    case "sink":
      return node.topic !== undefined
        ? `Sink: ${node.name} (topic: ${node.topic})\n      <-- ${nodeNames(node.predecessors)}`
        : `Sink: ${node.name} (extractor class: ${node.topicExtractor ?? "unknown"})\n      <-- ${nodeNames(node.predecessors)}`;
  }
}

export class TopologyDescription {
  readonly subtopologies: readonly SubtopologyDescription[];
  readonly globalStores: readonly GlobalStoreDescription[];
  /** Set for a named topology (Kafka Streams' TopologyConfig). */
  readonly topologyName: string | undefined;
  readonly #json: TopologyDescriptionJSON;

  constructor(data: TopologyData) {
    this.topologyName = data.topologyName;
    this.globalStores = (data.globalStores ?? []).map((global) => ({
      id: global.id,
      store: global.store,
      topic: global.topic,
      source: global.sourceNode,
      processor: global.processorNode,
    }));
    this.subtopologies = data.subtopologies.map((subtopology) => {
      const order = orderNodes(data, subtopology.nodes);
      const nodes = order.nodes.map((name): NodeDescription => {
        const node = data.nodes.get(name);
        if (node === undefined) throw new RangeError(`Sub-topology ${subtopology.id} lists an unknown node "${name}"`);
        const common = {
          name,
          kind: node.kind,
          predecessors: order.predecessors.get(name) ?? [],
          successors: order.successors.get(name) ?? [],
        };
        switch (node.kind) {
          case "source":
            return {
              ...common,
              topics: javaHashSetOrder(node.topics),
              ...(node.pattern === undefined ? {} : { pattern: node.pattern.source }),
              internal: node.internal,
              ...serdeNames(node),
            };
          case "processor":
            return {
              ...common,
              operation: node.operation,
              stores: javaHashSetOrder(node.stores),
              ...(node.commandHandler === undefined ? {} : { commandSchema: node.commandHandler.schema !== undefined }),
            };
          case "sink":
            return {
              ...common,
              ...(node.topic !== undefined
                ? { topic: node.topic }
                : { topicExtractor: node.extractorDescription ?? "unknown" }),
              internal: node.internal,
              ...serdeNames(node),
            };
        }
      });
      return {
        id: subtopology.id,
        nodes,
        sourceTopics: subtopology.sourceTopics,
        repartitionSourceTopics: subtopology.repartitionSourceTopics,
        sinkTopics: subtopology.sinkTopics,
        repartitionSinkTopics: subtopology.repartitionSinkTopics,
        stores: subtopology.stores,
      };
    });

    const nodes = [...data.nodes.values()];
    this.#json = {
      subtopologies: this.subtopologies,
      ...(this.globalStores.length === 0 ? {} : { globalStores: this.globalStores }),
      edges: nodes.flatMap((node) =>
        node.successors.map((child) => ({ from: node.name, to: child, subtopology: node.subtopology })),
      ),
      stores: [...data.stores.values()].map((store) => ({
        name: store.name,
        // A topology described before its serdes are complete (describe() checks nothing) names none.
        keySerde: (store.keySerde as Serde<unknown> | undefined)?.name ?? "none",
        valueSerde: (store.valueSerde as Serde<unknown> | undefined)?.name ?? "none",
        persistent: store.persistent,
        logging: store.logging,
        ...(store.sourceChangelog === undefined ? {} : { sourceChangelog: store.sourceChangelog }),
        processors: store.processors,
        subtopology: store.subtopology,
      })),
      topics: {
        sources: [...new Set(data.subtopologies.flatMap((s) => s.sourceTopics))],
        sinks: [...new Set(data.subtopologies.flatMap((s) => s.sinkTopics))],
        repartition: data.repartitionTopics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions ?? null,
        })),
      },
      copartitionGroups: data.copartitionGroups.map((group) => ({
        requiredBy: group.requiredBy,
        sourceNodes: group.sourceNodes,
        topics: group.topics,
        repartitionTopics: group.repartitionTopics,
      })),
    };
  }

  toString(): string {
    let text = this.topologyName === undefined ? "Topologies:\n " : `Topology: ${this.topologyName}:\n `;
    // Sub-topologies and global stores share the numbering; each prints in id order.
    const parts = [
      ...this.subtopologies.map((subtopology) => ({ id: subtopology.id, text: subtopologyText(subtopology) })),
      ...this.globalStores.map((global) => ({ id: global.id, text: globalStoreText(global) })),
    ].sort((a, b) => a.id - b.id);
    for (const part of parts) text += `  ${part.text}`;
    return text;
  }

  toJSON(): TopologyDescriptionJSON {
    return this.#json;
  }
}

function subtopologyText(subtopology: SubtopologyDescription): string {
  let text = `Sub-topology: ${subtopology.id}\n`;
  for (const node of subtopology.nodes) text += `    ${nodeText(node)}\n`;
  return `${text}\n`;
}

/** Kafka Streams' GlobalStore#toString: no blank line after it, and its processor feeds "none". */
function globalStoreText(global: GlobalStoreDescription): string {
  return (
    `Sub-topology: ${global.id} for global store (will not generate tasks)\n` +
    `    Source: ${global.source} (topics: [${global.topic}])\n      --> ${global.processor}\n` +
    `    Processor: ${global.processor} (stores: [${global.store}])\n      --> none\n      <-- ${global.source}\n`
  );
}
