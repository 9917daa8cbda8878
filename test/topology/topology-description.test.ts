// describe() against text Kafka Streams printed (its own TopologyTest and
// StreamsGraphTest expectations), for graphs built by hand: the node order, the
// "-->"/"<--" order (TreeSets filled while sizes grow), spacing and "none".
import { describe, expect, it } from "vitest";
import type { ProcessorSupplier } from "../../src/topology/processor.js";
import type { Serde } from "../../src/serdes/serde.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { Topology } from "../../src/topology/topology.js";
import type { StoreDefinition, Subtopology, TopologyNode } from "../../src/topology/topology.js";

type Spec =
  | { kind: "source"; name: string; topics: string[] }
  | { kind: "processor"; name: string; parents: string[]; stores?: string[] }
  | { kind: "sink"; name: string; parents: string[]; topic: string };

const serde = Serdes.string() as Serde<unknown>;
const supplier: ProcessorSupplier<unknown, unknown, unknown, unknown> = () => ({ process: () => undefined });

/** One sub-topology per group of node specs, nodes in the order Kafka Streams added them. */
function topologyOf(groups: Spec[][]): Topology {
  const nodes = new Map<string, TopologyNode>();
  const stores = new Map<string, StoreDefinition>();
  const subtopologies: Subtopology[] = [];
  groups.forEach((specs, id) => {
    for (const spec of specs) {
      const predecessors = spec.kind === "source" ? [] : spec.parents;
      const successors = specs
        .filter((other) => other.kind !== "source" && other.parents.includes(spec.name))
        .map((other) => other.name);
      const common = { name: spec.name, subtopology: id, predecessors, successors };
      if (spec.kind === "source") {
        nodes.set(spec.name, {
          ...common,
          kind: "source",
          topics: spec.topics,
          internal: false,
          keySerde: serde,
          valueSerde: serde,
        });
      } else if (spec.kind === "processor") {
        nodes.set(spec.name, { ...common, kind: "processor", operation: "test", stores: spec.stores ?? [], supplier });
        for (const store of spec.stores ?? []) {
          stores.set(store, {
            name: store,
            type: "keyValue",
            timestamped: false,
            caching: false,
            keySerde: serde,
            valueSerde: serde,
            persistent: true,
            logging: true,
            processors: [spec.name],
            subtopology: id,
          });
        }
      } else {
        nodes.set(spec.name, {
          ...common,
          kind: "sink",
          topic: spec.topic,
          topicExtractor: undefined,
          extractorDescription: undefined,
          internal: false,
          keySerde: serde,
          valueSerde: serde,
          partitioner: undefined,
        });
      }
    }
    subtopologies.push({
      id,
      nodes: specs.map((spec) => spec.name),
      sourceTopics: [],
      repartitionSourceTopics: [],
      sinkTopics: [],
      repartitionSinkTopics: [],
      stores: [],
    });
  });
  return new Topology({ nodes, subtopologies, stores, repartitionTopics: [], copartitionGroups: [] });
}

describe("TopologyDescription text", () => {
  it("prints an empty topology as Kafka Streams does", () => {
    expect(topologyOf([]).describe().toString()).toBe("Topologies:\n ");
  });

  it("orders equal-size predecessors by the shape of Kafka Streams' TreeSet, not by name (stream-stream join)", () => {
    // TopologyTest.streamStreamJoinTopologyWithDefaultStoresNames
    const topology = topologyOf([
      [
        { kind: "source", name: "KSTREAM-SOURCE-0000000000", topics: ["input-topic1"] },
        { kind: "source", name: "KSTREAM-SOURCE-0000000001", topics: ["input-topic2"] },
        {
          kind: "processor",
          name: "KSTREAM-WINDOWED-0000000002",
          parents: ["KSTREAM-SOURCE-0000000000"],
          stores: ["KSTREAM-JOINTHIS-0000000004-store"],
        },
        {
          kind: "processor",
          name: "KSTREAM-WINDOWED-0000000003",
          parents: ["KSTREAM-SOURCE-0000000001"],
          stores: ["KSTREAM-JOINOTHER-0000000005-store"],
        },
        {
          kind: "processor",
          name: "KSTREAM-JOINTHIS-0000000004",
          parents: ["KSTREAM-WINDOWED-0000000002"],
          stores: ["KSTREAM-JOINOTHER-0000000005-store"],
        },
        {
          kind: "processor",
          name: "KSTREAM-JOINOTHER-0000000005",
          parents: ["KSTREAM-WINDOWED-0000000003"],
          stores: ["KSTREAM-JOINTHIS-0000000004-store"],
        },
        {
          kind: "processor",
          name: "KSTREAM-MERGE-0000000006",
          parents: ["KSTREAM-JOINTHIS-0000000004", "KSTREAM-JOINOTHER-0000000005"],
        },
      ],
    ]);
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n" +
        "      --> KSTREAM-WINDOWED-0000000002\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n" +
        "      --> KSTREAM-WINDOWED-0000000003\n" +
        "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n" +
        "      --> KSTREAM-JOINTHIS-0000000004\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [KSTREAM-JOINOTHER-0000000005-store])\n" +
        "      --> KSTREAM-JOINOTHER-0000000005\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: KSTREAM-JOINOTHER-0000000005 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n" +
        "      --> KSTREAM-MERGE-0000000006\n" +
        "      <-- KSTREAM-WINDOWED-0000000003\n" +
        "    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [KSTREAM-JOINOTHER-0000000005-store])\n" +
        "      --> KSTREAM-MERGE-0000000006\n" +
        "      <-- KSTREAM-WINDOWED-0000000002\n" +
        "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-JOINTHIS-0000000004, KSTREAM-JOINOTHER-0000000005\n\n",
    );
  });

  it("orders fan-out and fan-in as Kafka Streams printed them (merges of one key-selected stream)", () => {
    // StreamsGraphTest.expectedMergeOptimizedTopology
    const topology = topologyOf([
      [
        { kind: "source", name: "KSTREAM-SOURCE-0000000000", topics: ["input_topic"] },
        { kind: "processor", name: "KSTREAM-KEY-SELECT-0000000001", parents: ["KSTREAM-SOURCE-0000000000"] },
        { kind: "processor", name: "KSTREAM-MAPVALUES-0000000002", parents: ["KSTREAM-KEY-SELECT-0000000001"] },
        { kind: "processor", name: "KSTREAM-MAPVALUES-0000000003", parents: ["KSTREAM-KEY-SELECT-0000000001"] },
        { kind: "processor", name: "KSTREAM-MAPVALUES-0000000004", parents: ["KSTREAM-KEY-SELECT-0000000001"] },
        {
          kind: "processor",
          name: "KSTREAM-MERGE-0000000005",
          parents: ["KSTREAM-MAPVALUES-0000000002", "KSTREAM-MAPVALUES-0000000003"],
        },
        {
          kind: "processor",
          name: "KSTREAM-MERGE-0000000006",
          parents: ["KSTREAM-MERGE-0000000005", "KSTREAM-MAPVALUES-0000000004"],
        },
        { kind: "sink", name: "KSTREAM-SINK-0000000007", parents: ["KSTREAM-MERGE-0000000006"], topic: "output_topic" },
      ],
    ]);
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input_topic])\n" +
        "      --> KSTREAM-KEY-SELECT-0000000001\n" +
        "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n" +
        "      --> KSTREAM-MAPVALUES-0000000002, KSTREAM-MAPVALUES-0000000003, KSTREAM-MAPVALUES-0000000004\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KSTREAM-MAPVALUES-0000000002 (stores: [])\n" +
        "      --> KSTREAM-MERGE-0000000005\n" +
        "      <-- KSTREAM-KEY-SELECT-0000000001\n" +
        "    Processor: KSTREAM-MAPVALUES-0000000003 (stores: [])\n" +
        "      --> KSTREAM-MERGE-0000000005\n" +
        "      <-- KSTREAM-KEY-SELECT-0000000001\n" +
        "    Processor: KSTREAM-MAPVALUES-0000000004 (stores: [])\n" +
        "      --> KSTREAM-MERGE-0000000006\n" +
        "      <-- KSTREAM-KEY-SELECT-0000000001\n" +
        "    Processor: KSTREAM-MERGE-0000000005 (stores: [])\n" +
        "      --> KSTREAM-MERGE-0000000006\n" +
        "      <-- KSTREAM-MAPVALUES-0000000002, KSTREAM-MAPVALUES-0000000003\n" +
        "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000007\n" +
        "      <-- KSTREAM-MERGE-0000000005, KSTREAM-MAPVALUES-0000000004\n" +
        "    Sink: KSTREAM-SINK-0000000007 (topic: output_topic)\n" +
        "      <-- KSTREAM-MERGE-0000000006\n\n",
    );
  });

  it("gives JSON with the same nodes, edges and stores", () => {
    const topology = topologyOf([
      [
        { kind: "source", name: "in", topics: ["a", "b"] },
        { kind: "processor", name: "p", parents: ["in"], stores: ["s"] },
        { kind: "sink", name: "out", parents: ["p"], topic: "c" },
      ],
    ]);
    const json = topology.describe().toJSON();
    expect(json.subtopologies[0]?.nodes.map((node) => [node.kind, node.name])).toEqual([
      ["source", "in"],
      ["processor", "p"],
      ["sink", "out"],
    ]);
    expect(json.subtopologies[0]?.nodes[0]).toMatchObject({
      topics: ["a", "b"],
      keySerde: "string",
      successors: ["p"],
    });
    expect(json.subtopologies[0]?.nodes[2]).toMatchObject({ topic: "c", predecessors: ["p"] });
    expect(json.edges).toEqual([
      { from: "in", to: "p", subtopology: 0 },
      { from: "p", to: "out", subtopology: 0 },
    ]);
    expect(json.stores).toEqual([
      {
        name: "s",
        keySerde: "string",
        valueSerde: "string",
        persistent: true,
        logging: true,
        processors: ["p"],
        subtopology: 0,
      },
    ]);
    expect(JSON.parse(JSON.stringify(topology))).toEqual(JSON.parse(JSON.stringify(json)));
  });
});
