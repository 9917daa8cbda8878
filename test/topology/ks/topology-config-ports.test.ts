// Ports of Kafka Streams' TopologyTest cases of a StreamsBuilder given a TopologyConfig
// (*WithTopologyConfigShouldPreserveTopologyStructure: a topology named "my-topology"
// whose DSL stores are in memory unless an operation says otherwise) and of stream-stream
// joins given their window stores (*WithCustomStoresSuppliers): the describe() text Kafka
// Streams prints, and whether the topology keeps a persistent store.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { BuiltInDslStoreSuppliers } from "../../../src/topology/dsl-store-suppliers.js";
import { InvalidOperationError } from "../../../src/topology/errors.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { StreamJoined } from "../../../src/topology/dsl/stream-joined.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { Stores } from "../../../src/topology/stores.js";
import type { Topology } from "../../../src/topology/topology.js";
import { joinOf } from "./stream-join-support.js";
import type { JoinKind } from "./stream-join-support.js";

/** TopologyTest.overrideDefaultStore(StreamsConfig.IN_MEMORY). */
const inMemoryTopology = () =>
  new StreamsBuilder({ topologyName: "my-topology", defaultDslStore: BuiltInDslStoreSuppliers.IN_MEMORY });

/** ProcessorTopology.hasPersistentLocalStore(). */
const hasPersistentLocalStore = (topology: Topology): boolean =>
  [...topology.stores.values()].some((store) => store.persistent);

const AGGREGATE =
  "Topology: my-topology:\n" +
  "   Sub-topology: 0\n" +
  "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
  "      --> KSTREAM-AGGREGATE-0000000002\n" +
  "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
  "      --> none\n" +
  "      <-- KSTREAM-SOURCE-0000000000\n\n";

const COGROUP =
  "Topology: my-topology:\n" +
  "   Sub-topology: 0\n" +
  "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
  "      --> COGROUPKSTREAM-AGGREGATE-0000000002\n" +
  "    Processor: COGROUPKSTREAM-AGGREGATE-0000000002 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
  "      --> COGROUPKSTREAM-MERGE-0000000003\n" +
  "      <-- KSTREAM-SOURCE-0000000000\n" +
  "    Processor: COGROUPKSTREAM-MERGE-0000000003 (stores: [])\n" +
  "      --> none\n" +
  "      <-- COGROUPKSTREAM-AGGREGATE-0000000002\n\n";

function build(work: (builder: StreamsBuilder) => unknown): Topology {
  const builder = inMemoryTopology();
  work(builder);
  return builder.build();
}

const cogrouped = (builder: StreamsBuilder) =>
  builder
    .stream<string, string>("input-topic")
    .groupByKey()
    .cogroup((_key, value: string) => value);

describe("TopologyTest: a StreamsBuilder given a TopologyConfig", () => {
  it.each([
    [
      "kGroupedStreamZeroArgCountWithTopologyConfigShouldPreserveTopologyStructure",
      () => build((b) => b.stream("input-topic").groupByKey().count()),
      AGGREGATE,
    ],
    [
      "timeWindowZeroArgCountWithTopologyConfigShouldPreserveTopologyStructure",
      () => build((b) => b.stream("input-topic").groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(1)).count()),
      AGGREGATE,
    ],
    [
      "slidingWindowZeroArgCountWithTopologyConfigShouldPreserveTopologyStructure",
      () =>
        build((b) =>
          b.stream("input-topic").groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(1)).count(),
        ),
      AGGREGATE,
    ],
    [
      "sessionWindowZeroArgCountWithTopologyConfigShouldPreserveTopologyStructure",
      () =>
        build((b) =>
          b.stream("input-topic").groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1)).count(),
        ),
      AGGREGATE,
    ],
    [
      "timeWindowedCogroupedZeroArgCountWithTopologyConfigShouldPreserveTopologyStructure",
      () =>
        build((b) =>
          cogrouped(b)
            .windowedBy(TimeWindows.ofSizeWithNoGrace(1))
            .aggregate(() => ""),
        ),
      COGROUP,
    ],
    [
      "slidingWindowedCogroupedZeroArgCountWithTopologyConfigShouldPreserveTopologyStructure",
      () =>
        build((b) =>
          cogrouped(b)
            .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(1))
            .aggregate(() => ""),
        ),
      COGROUP,
    ],
    [
      "sessionWindowedCogroupedZeroArgCountWithTopologyConfigShouldPreserveTopologyStructure",
      () =>
        build((b) =>
          cogrouped(b)
            .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1))
            .aggregate(
              () => "",
              () => "",
            ),
        ),
      COGROUP,
    ],
  ] as const)("%s", (_name, topology, text) => {
    expect(topology().describe().toString()).toBe(text);
    expect(hasPersistentLocalStore(topology())).toBe(false);
  });

  it("tableNamedMaterializedCountWithTopologyConfigShouldPreserveTopologyStructure", () => {
    const topology = build((b) =>
      b
        .table("input-topic")
        .groupBy(() => {
          throw new Error("not called");
        })
        // can still override the default store dynamically
        .count({ persistent: true }),
    );
    expect(topology.describe().toString()).toBe(
      "Topology: my-topology:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n" +
        "      --> KTABLE-SOURCE-0000000002\n" +
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n" +
        "      --> KTABLE-SELECT-0000000003\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: KTABLE-SELECT-0000000003 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000005\n" +
        "      <-- KTABLE-SOURCE-0000000002\n" +
        "    Sink: KSTREAM-SINK-0000000005 (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n" +
        "      <-- KTABLE-SELECT-0000000003\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000006 (topics: [KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n" +
        "      --> KTABLE-AGGREGATE-0000000007\n" +
        "    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000006\n" +
        "\n",
    );
    // one for the table, one for the count: the table's in memory (the default), the count's persistent
    expect([...topology.stores.values()].map((store) => [store.name, store.persistent])).toEqual([
      ["input-topic-STATE-STORE-0000000000", false],
      ["KTABLE-AGGREGATE-STATE-STORE-0000000004", true],
    ]);
  });

  it("names its topology only with a name, and takes only the kinds of store Kafka Streams has", () => {
    const builder = new StreamsBuilder({ defaultDslStore: "in_memory" });
    builder.stream("input-topic").groupByKey().count();
    expect(builder.build().describe().toString()).toBe(AGGREGATE.replace("Topology: my-topology:", "Topologies:"));
    expect(() => new StreamsBuilder({ defaultDslStore: "leveldb" as never })).toThrow(InvalidOperationError);
    expect(() => new StreamsBuilder({ defaultDslStore: "leveldb" as never })).toThrow(/defaultDslStore/);
    expect(() => new StreamsBuilder({ topologyName: "" })).toThrow(/topologyName/);
  });

  it("keeps the stores a user gives as the user gives them", () => {
    const builder = inMemoryTopology();
    builder.addStateStore({ name: "user-store", key: Serdes.string(), value: Serdes.string() });
    builder.stream("input-topic").process(() => ({ process() {} }), { stores: ["user-store"] });
    expect(builder.build().stores.get("user-store")?.persistent).toBe(true);
  });
});

function describeJoin(kind: JoinKind, suppliers: "in-memory" | "persistent" = "in-memory"): string {
  const builder = new StreamsBuilder();
  const stream1 = builder.stream<number, string>("input-topic1");
  const stream2 = builder.stream<number, string>("input-topic2");
  const windows = JoinWindows.ofTimeDifferenceWithNoGrace(100);
  const supplier = suppliers === "in-memory" ? Stores.inMemoryWindowStore : Stores.persistentWindowStore;
  const retention = windows.size() + windows.gracePeriodMs();
  joinOf(
    kind,
    stream1,
    stream2,
    windows,
    StreamJoined.with(Serdes.int32(), Serdes.string(), Serdes.string())
      .withThisStoreSupplier(supplier("in-memory-join-store", retention, windows.size(), true))
      .withOtherStoreSupplier(supplier("in-memory-join-store-other", retention, windows.size(), true)),
  );
  return builder.build().describe().toString();
}

function joinText(thisJoin: string, otherJoin: string, nodes: string): string {
  return (
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n" +
    "      --> KSTREAM-WINDOWED-0000000002\n" +
    "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n" +
    "      --> KSTREAM-WINDOWED-0000000003\n" +
    "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [in-memory-join-store])\n" +
    `      --> ${thisJoin}\n` +
    "      <-- KSTREAM-SOURCE-0000000000\n" +
    "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [in-memory-join-store-other])\n" +
    `      --> ${otherJoin}\n` +
    "      <-- KSTREAM-SOURCE-0000000001\n" +
    nodes +
    "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n" +
    "      --> none\n" +
    `      <-- ${thisJoin}, ${otherJoin}\n\n`
  );
}

describe("TopologyTest: stream-stream joins given their window stores", () => {
  it("streamStreamJoinTopologyWithCustomStoresSuppliers", () => {
    expect(describeJoin("join")).toBe(
      joinText(
        "KSTREAM-JOINTHIS-0000000004",
        "KSTREAM-JOINOTHER-0000000005",
        "    Processor: KSTREAM-JOINOTHER-0000000005 (stores: [in-memory-join-store])\n" +
          "      --> KSTREAM-MERGE-0000000006\n" +
          "      <-- KSTREAM-WINDOWED-0000000003\n" +
          "    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [in-memory-join-store-other])\n" +
          "      --> KSTREAM-MERGE-0000000006\n" +
          "      <-- KSTREAM-WINDOWED-0000000002\n",
      ),
    );
  });

  it("streamStreamLeftJoinTopologyWithCustomStoresSuppliers", () => {
    expect(describeJoin("leftJoin")).toBe(
      joinText(
        "KSTREAM-JOINTHIS-0000000004",
        "KSTREAM-OUTEROTHER-0000000005",
        "    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [in-memory-join-store-other, in-memory-join-store-left-shared-join-store])\n" +
          "      --> KSTREAM-MERGE-0000000006\n" +
          "      <-- KSTREAM-WINDOWED-0000000002\n" +
          "    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [in-memory-join-store, in-memory-join-store-left-shared-join-store])\n" +
          "      --> KSTREAM-MERGE-0000000006\n" +
          "      <-- KSTREAM-WINDOWED-0000000003\n",
      ),
    );
  });

  it("streamStreamOuterJoinTopologyWithCustomStoresSuppliers", () => {
    expect(describeJoin("outerJoin")).toBe(
      joinText(
        "KSTREAM-OUTERTHIS-0000000004",
        "KSTREAM-OUTEROTHER-0000000005",
        "    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [in-memory-join-store-outer-shared-join-store, in-memory-join-store])\n" +
          "      --> KSTREAM-MERGE-0000000006\n" +
          "      <-- KSTREAM-WINDOWED-0000000003\n" +
          "    Processor: KSTREAM-OUTERTHIS-0000000004 (stores: [in-memory-join-store-other, in-memory-join-store-outer-shared-join-store])\n" +
          "      --> KSTREAM-MERGE-0000000006\n" +
          "      <-- KSTREAM-WINDOWED-0000000002\n",
      ),
    );
  });

  it("refuses suppliers that do not fit the JoinWindows, keep no duplicates, or share a name (KStreamImplJoin)", () => {
    const builder = new StreamsBuilder();
    const [one, two] = [builder.stream<number, string>("a"), builder.stream<number, string>("b")];
    const windows = JoinWindows.ofTimeDifferenceWithNoGrace(100);
    const join = (joined: StreamJoined<number, string, string>) => () =>
      one.join(two, (v1, v2) => `${v1}+${v2}`, windows, joined);
    const fits = (name: string) => Stores.inMemoryWindowStore(name, 200, 200, true);
    expect(
      join(
        StreamJoined.as<number, string, string>("s").withThisStoreSupplier(
          Stores.inMemoryWindowStore("x", 300, 200, true),
        ),
      ),
    ).toThrow(/^Window settings mismatch\. WindowBytesStoreSupplier settings \(window store "x"/);
    expect(
      join(
        StreamJoined.as<number, string, string>("s").withThisStoreSupplier(
          Stores.inMemoryWindowStore("x", 200, 200, false),
        ),
      ),
    ).toThrow(/^The StoreSupplier must set retainDuplicates=true, found retainDuplicates=false \(window store "x"/);
    expect(
      join(
        StreamJoined.as<number, string, string>("s").withThisStoreSupplier(fits("x")).withOtherStoreSupplier(fits("x")),
      ),
    ).toThrow(
      /^Both StoreSuppliers have the same name\. {2}StoreSuppliers must provide unique names \(both join stores are named "x"\)/,
    );
    expect(() => Stores.persistentWindowStore("y", 10, 20, true)).toThrow(/no smaller than its window size/);
  });
});
