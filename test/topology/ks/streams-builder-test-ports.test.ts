// Ports of Kafka Streams' StreamsBuilderTest cases not in streams-builder-naming.test.ts:
// global stores, which stores a stream-table join connects to (shouldAllowJoin...KTable:
// Kafka Streams' ProcessorTopology.processorConnectedStateStores is the node's `stores`),
// records through sinks, repartition topics and merges, Materialized serdes, when tables
// are materialized and changelogged, the stream-stream join names, and the topics and
// patterns a builder may read twice. Eddy refuses a second read of a topic at once where
// Kafka Streams waits for build(); both are TopologyErrors naming the topic.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { StreamJoined } from "../../../src/topology/dsl/stream-joined.js";
import { Stores } from "../../../src/topology/stores.js";
import { TopologyError } from "../../../src/topology/errors.js";
import { TopologyOptimization } from "../../../src/topology/topology-optimization.js";
import { TopologyMetadata } from "../../../src/runtime/topology-metadata.js";
import type { ProcessorNode, Topology } from "../../../src/topology/topology.js";
import type { ProcessorContext } from "../../../src/topology/processor.js";
import type { KeyValueStore } from "../../../src/stores/key-value-store.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { TopologyTestDriverOptions } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier, kvt, toStringJoiner } from "./support.js";

const STREAM_TOPIC = "stream-topic";
const STREAM_TOPIC_TWO = "stream-topic-two";
const TABLE_TOPIC = "table-topic";
const STREAM_OPERATION_NAME = "stream-operation";
const strings = { key: Serdes.string(), value: Serdes.string() };
/** StreamsTestUtils.getStreamsConfig(Serdes.String(), Serdes.String()). */
const props: TopologyTestDriverOptions = {
  applicationId: "appId",
  defaultKeySerde: Serdes.string(),
  defaultValueSerde: Serdes.string(),
};

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function start(topology: Topology, options: TopologyTestDriverOptions = props): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, options);
  return driver;
}

/** ProcessorTopology.processorConnectedStateStores(name). */
function connectedStores(topology: Topology, name: string): string[] {
  return [...(topology.node(name) as ProcessorNode).stores];
}

describe("StreamsBuilderTest: global stores", () => {
  it("shouldAddGlobalStore", async () => {
    const builder = new StreamsBuilder();
    builder.addGlobalStore({ name: "store", persistent: false, ...strings }, "topic", strings, () => {
      let store: KeyValueStore<string, string>;
      return {
        init(context: ProcessorContext<never, never>) {
          store = context.getStateStore<string, string>("store");
        },
        async process(record) {
          await store.put(record.key, record.value);
        },
      };
    });
    const driver = start(builder.build());
    await driver.createInputTopic("topic", Serdes.string(), Serdes.string()).pipeInput("hey", "there");
    expect(await driver.getKeyValueStore<string, string>("store").get("hey")).toBe("there");
  });

  it("shouldNotThrowNullPointerIfOptimizationsNotSpecified", () => {
    expect(() => new StreamsBuilder().build({})).not.toThrow();
  });
});

describe("StreamsBuilderTest: the stores a stream-table join reads", () => {
  it("shouldAllowJoinUnmaterializedFilteredKTable", () => {
    const builder = new StreamsBuilder();
    const filtered = builder.table(TABLE_TOPIC).filter(() => true);
    builder.stream(STREAM_TOPIC).join(filtered, toStringJoiner);
    const topology = builder.build();
    expect([...topology.stores.keys()]).toEqual(["table-topic-STATE-STORE-0000000000"]);
    expect(connectedStores(topology, "KSTREAM-JOIN-0000000005")).toEqual(["table-topic-STATE-STORE-0000000000"]);
    expect(connectedStores(topology, "KTABLE-FILTER-0000000003")).toEqual([]);
  });

  it("shouldAllowJoinMaterializedFilteredKTable", () => {
    const builder = new StreamsBuilder();
    const filtered = builder.table(TABLE_TOPIC).filter(() => true, { store: "store" });
    builder.stream(STREAM_TOPIC).join(filtered, toStringJoiner);
    const topology = builder.build();
    expect([...topology.stores.keys()]).toEqual(["store"]);
    expect(connectedStores(topology, "KSTREAM-JOIN-0000000005")).toEqual(["store"]);
    expect(connectedStores(topology, "KTABLE-FILTER-0000000003")).toEqual(["store"]);
  });

  it("shouldAllowJoinUnmaterializedMapValuedKTable", () => {
    const builder = new StreamsBuilder();
    const mapped = builder.table(TABLE_TOPIC).mapValues((value) => value);
    builder.stream(STREAM_TOPIC).join(mapped, toStringJoiner);
    const topology = builder.build();
    expect([...topology.stores.keys()]).toEqual(["table-topic-STATE-STORE-0000000000"]);
    expect(connectedStores(topology, "KSTREAM-JOIN-0000000005")).toEqual(["table-topic-STATE-STORE-0000000000"]);
    expect(connectedStores(topology, "KTABLE-MAPVALUES-0000000003")).toEqual([]);
  });

  it("shouldAllowJoinMaterializedMapValuedKTable", () => {
    const builder = new StreamsBuilder();
    const mapped = builder.table(TABLE_TOPIC).mapValues((value) => value, { store: "store" });
    builder.stream(STREAM_TOPIC).join(mapped, toStringJoiner);
    const topology = builder.build();
    expect([...topology.stores.keys()]).toEqual(["store"]);
    expect(connectedStores(topology, "KSTREAM-JOIN-0000000005")).toEqual(["store"]);
    expect(connectedStores(topology, "KTABLE-MAPVALUES-0000000003")).toEqual(["store"]);
  });

  it("shouldAllowJoinUnmaterializedJoinedKTable", () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table("table-topic1");
    const table2 = builder.table("table-topic2");
    builder.stream(STREAM_TOPIC).join(table1.join(table2, toStringJoiner), toStringJoiner);
    const topology = builder.build();
    const stores = [...topology.stores.keys()];
    expect(stores).toHaveLength(2);
    expect(connectedStores(topology, "KSTREAM-JOIN-0000000010").sort()).toEqual([...stores].sort());
    expect(connectedStores(topology, "KTABLE-MERGE-0000000007")).toEqual([]);
  });

  it("shouldAllowJoinMaterializedJoinedKTable", () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table("table-topic1");
    const table2 = builder.table("table-topic2");
    builder.stream(STREAM_TOPIC).join(table1.join(table2, toStringJoiner, { store: "store" }), toStringJoiner);
    const topology = builder.build();
    expect(topology.stores.size).toBe(3);
    expect(connectedStores(topology, "KSTREAM-JOIN-0000000010")).toEqual(["store"]);
    expect(connectedStores(topology, "KTABLE-MERGE-0000000007")).toEqual(["store"]);
  });

  it("shouldAllowJoinMaterializedSourceKTable", () => {
    const builder = new StreamsBuilder();
    const table = builder.table(TABLE_TOPIC);
    builder.stream(STREAM_TOPIC).join(table, toStringJoiner);
    const topology = builder.build();
    const stores = [...topology.stores.keys()];
    expect(stores).toHaveLength(1);
    expect(connectedStores(topology, "KTABLE-SOURCE-0000000002")).toEqual(stores);
    expect(connectedStores(topology, "KSTREAM-JOIN-0000000004")).toEqual(stores);
  });
});

describe("StreamsBuilderTest: records through sinks, repartition topics and merges", () => {
  const input = (topic: string) =>
    driver!.createInputTopic(topic, Serdes.string(), Serdes.string(), { startTimestamp: 0 });

  it("shouldProcessingFromSinkTopic", async () => {
    const builder = new StreamsBuilder();
    const source = builder.stream<string, string>("topic-source");
    source.to("topic-sink");
    const supplier = new CapturingSupplier<string, string>();
    source.process(supplier.supplier);
    start(builder.build());
    await input("topic-source").pipeInput("A", "aa");
    expect(supplier.processed()).toEqual([kvt("A", "aa", 0)]);
  });

  it("shouldProcessViaRepartitionTopic", async () => {
    const builder = new StreamsBuilder();
    const source = builder.stream<string, string>("topic-source");
    const through = source.repartition();
    const sourceSupplier = new CapturingSupplier<string, string>();
    source.process(sourceSupplier.supplier);
    const throughSupplier = new CapturingSupplier<string, string>();
    through.process(throughSupplier.supplier);
    start(builder.build());
    await input("topic-source").pipeInput("A", "aa");
    expect(sourceSupplier.processed()).toEqual([kvt("A", "aa", 0)]);
    expect(throughSupplier.processed()).toEqual([kvt("A", "aa", 0)]);
  });

  it("shouldMergeStreams", async () => {
    const builder = new StreamsBuilder();
    const merged = builder.stream<string, string>("topic-1").merge(builder.stream("topic-2"));
    const supplier = new CapturingSupplier<string, string>();
    merged.process(supplier.supplier);
    start(builder.build());
    const [topic1, topic2] = [input("topic-1"), input("topic-2")];
    await topic1.pipeInput("A", "aa");
    await topic2.pipeInput("B", "bb");
    await topic2.pipeInput("C", "cc");
    await topic1.pipeInput("D", "dd");
    expect(supplier.processed()).toEqual([kvt("A", "aa", 0), kvt("B", "bb", 0), kvt("C", "cc", 0), kvt("D", "dd", 0)]);
  });
});

describe("StreamsBuilderTest: tables, their serdes, stores and changelogs", () => {
  it("shouldUseSerdesDefinedInMaterializedToConsumeTable", async () => {
    const builder = new StreamsBuilder();
    const results = new Map<number, string>();
    builder
      .table<number, string>("topic", { store: "store", key: Serdes.long(), value: Serdes.string() })
      .toStream()
      .foreach((key, value) => results.set(key as number, value as string));
    const driver = start(builder.build());
    const topic = driver.createInputTopic("topic", Serdes.long(), Serdes.string());
    await topic.pipeInput(1, "value1");
    await topic.pipeInput(2, "value2");
    const store = driver.getKeyValueStore<number, string>("store");
    expect(await store.get(1)).toBe("value1");
    expect(await store.get(2)).toBe("value2");
    expect(results).toEqual(
      new Map([
        [1, "value1"],
        [2, "value2"],
      ]),
    );
  });

  it("shouldUseSerdesDefinedInMaterializedToConsumeGlobalTable", async () => {
    const builder = new StreamsBuilder();
    builder.globalTable<number, string>("topic", { store: "store", key: Serdes.long(), value: Serdes.string() });
    const driver = start(builder.build());
    const topic = driver.createInputTopic("topic", Serdes.long(), Serdes.string());
    await topic.pipeInput(1, "value1");
    await topic.pipeInput(2, "value2");
    const store = driver.getKeyValueStore<number, string>("store");
    expect(await store.get(1)).toBe("value1");
    expect(await store.get(2)).toBe("value2");
  });

  it("shouldThrowOnVersionedStoreSupplierForGlobalTable", () => {
    const builder = new StreamsBuilder();
    expect(() =>
      builder.globalTable("topic", {
        ...Stores.persistentVersionedKeyValueStore("store", 0),
        key: Serdes.long(),
        value: Serdes.string(),
      } as never),
    ).toThrow(TopologyError);
    expect(() =>
      new StreamsBuilder().globalTable("topic", { ...Stores.persistentVersionedKeyValueStore("store", 0) } as never),
    ).toThrow(/globalTable\(\).*versioned|versioned.*global/);
  });

  it("shouldNotMaterializeStoresIfNotRequired", () => {
    const builder = new StreamsBuilder();
    builder.table("topic", { key: Serdes.long(), value: Serdes.string() });
    expect(builder.build().stores.size).toBe(0);
  });

  it("shouldNotReuseSourceTopicAsChangelogsByDefault", async () => {
    const builder = new StreamsBuilder();
    builder.table("topic", { store: "store" });
    const topology = builder.build();
    expect([...topology.stores.keys()]).toEqual(["store"]);
    expect(topology.stores.get("store")?.logging).toBe(true);
    expect(topology.stores.get("store")?.subtopology).toBe(0);
    const driver = start(topology);
    await driver.createInputTopic("topic", Serdes.string(), Serdes.string()).pipeInput("k", "v", { timestamp: 5 });
    expect(
      driver.createOutputTopic("appId-store-changelog", Serdes.string(), Serdes.string()).readKeyValuesToList(),
    ).toEqual([{ key: "k", value: "v" }]);
  });

  it("shouldReuseSourceTopicAsChangelogsWithOptimization20", async () => {
    const builder = new StreamsBuilder();
    builder.table("topic", { key: Serdes.long(), value: Serdes.string(), store: "store" });
    const topology = builder.build({ topologyOptimization: TopologyOptimization.OPTIMIZE });
    expect([...topology.stores.keys()]).toEqual(["store"]);
    expect(topology.stores.get("store")?.logging).toBe(false);
    expect(topology.stores.get("store")?.sourceChangelog).toBe("topic");
    // storeToChangelogTopic() is {store=topic}; the sub-topology has no changelog of its own to create.
    const metadata = TopologyMetadata.resolve(topology, "appId", new Map([["topic", 1]]), "appId-dlq");
    expect([...metadata.subtopology(0).changelogTopics]).toEqual([["store", "topic"]]);
    expect(metadata.internalTopics(1).filter((spec) => spec.kind === "changelog")).toEqual([]);
    const driver = start(topology, { ...props, defaultKeySerde: Serdes.long() });
    await driver.createInputTopic("topic", Serdes.long(), Serdes.string()).pipeInput(1, "v", { timestamp: 5 });
    expect(await driver.getKeyValueStore<number, string>("store").get(1)).toBe("v");
    expect([...driver.producedTopicNames()]).toEqual([]);
  });

  it("shouldNotReuseRepartitionTopicAsChangelogs", async () => {
    const builder = new StreamsBuilder();
    builder.stream("topic").repartition().toTable({ store: "store" });
    const topology = builder.build({ topologyOptimization: TopologyOptimization.OPTIMIZE });
    expect([...topology.stores.keys()]).toEqual(["store"]);
    expect(topology.stores.get("store")?.logging).toBe(true);
    expect(topology.stores.get("store")?.sourceChangelog).toBeUndefined();
    expect(topology.stores.get("store")?.subtopology).toBe(1);
    const metadata = TopologyMetadata.resolve(topology, "appId", new Map([["topic", 1]]), "appId-dlq");
    expect([...metadata.subtopology(1).changelogTopics]).toEqual([["store", "appId-store-changelog"]]);
    const driver = start(topology);
    await driver.createInputTopic("topic", Serdes.string(), Serdes.string()).pipeInput("k", "v", { timestamp: 5 });
    expect(
      driver.createOutputTopic("appId-store-changelog", Serdes.string(), Serdes.string()).readKeyValuesToList(),
    ).toEqual([{ key: "k", value: "v" }]);
  });
});

describe("StreamsBuilderTest: source topics", () => {
  it("shouldThrowExceptionWhenNoTopicPresent", () => {
    expect(() => new StreamsBuilder().stream([])).toThrow(TopologyError);
  });

  it("shouldThrowExceptionWhenTopicNamesAreNull", () => {
    expect(() => new StreamsBuilder().stream([null, null] as never)).toThrow(/Topic name null/);
  });

  it("shouldAllowSubscribingToSamePattern", () => {
    const builder = new StreamsBuilder();
    builder.stream(/some-regex/);
    builder.stream(/some-regex/);
    const topology = builder.build();
    expect(topology.sourceNodes().map((node) => node.name)).toEqual(["KSTREAM-SOURCE-0000000000"]);
  });

  it("shouldThrowWhenSubscribedToATopicWithUnsetAndSetResetPolicies", () => {
    const builder = new StreamsBuilder();
    builder.stream("another-topic");
    expect(() => builder.stream("another-topic", { autoOffsetReset: "latest" })).toThrow(
      /another-topic.*autoOffsetReset/,
    );
  });

  it("shouldThrowWhenSubscribedToAPatternWithDifferentResetPolicies", () => {
    const builder = new StreamsBuilder();
    builder.stream(/some-regex/, { autoOffsetReset: "earliest" });
    expect(() => builder.stream(/some-regex/, { autoOffsetReset: "latest" })).toThrow(TopologyError);
    expect(() => builder.stream(/some-regex/, { autoOffsetReset: "latest" })).toThrow(/some-regex.*autoOffsetReset/);
  });

  it("shouldThrowWhenSubscribedToAPatternWithSetAndUnsetResetPolicies", () => {
    const builder = new StreamsBuilder();
    builder.stream(/some-regex/, { autoOffsetReset: "earliest" });
    expect(() => builder.stream(/some-regex/)).toThrow(/some-regex.*autoOffsetReset/);
  });

  it("shouldNotAllowTablesFromSameTopic", () => {
    const builder = new StreamsBuilder();
    builder.table("topic");
    expect(() => builder.table("topic")).toThrow(TopologyError);
  });

  it("shouldNowAllowStreamAndTableFromSameTopic", () => {
    const builder = new StreamsBuilder();
    builder.stream("topic");
    expect(() => builder.table("topic")).toThrow(/Topic "topic" is already read/);
  });
});

describe("StreamsBuilderTest: the names of stream-stream joins", () => {
  const oneHour = 3_600_000;

  function expectJoin(topology: Topology, stores: string[], nodes: string[]): void {
    expect([...topology.stores.keys()]).toEqual(stores);
    expect([...topology.nodes.keys()]).toEqual(nodes);
  }

  const namedNodes = (thisJoin: string, otherJoin: string) => [
    "KSTREAM-SOURCE-0000000000",
    "KSTREAM-SOURCE-0000000001",
    `${STREAM_OPERATION_NAME}-this-windowed`,
    `${STREAM_OPERATION_NAME}-other-windowed`,
    `${STREAM_OPERATION_NAME}-${thisJoin}`,
    `${STREAM_OPERATION_NAME}-${otherJoin}`,
    `${STREAM_OPERATION_NAME}-merge`,
  ];

  function streams(builder: StreamsBuilder) {
    return [builder.stream<string, string>(STREAM_TOPIC), builder.stream<string, string>(STREAM_TOPIC_TWO)] as const;
  }

  it("shouldUseSpecifiedNameForLeftJoinOperationBetweenKStreamAndKStream", () => {
    const builder = new StreamsBuilder();
    const [one, two] = streams(builder);
    one.leftJoin(
      two,
      (value1: string) => value1,
      JoinWindows.ofTimeDifferenceWithNoGrace(oneHour),
      StreamJoined.as<string, string, string>(STREAM_OPERATION_NAME).withName(STREAM_OPERATION_NAME),
    );
    expectJoin(
      builder.build(),
      [
        `${STREAM_OPERATION_NAME}-this-join-store`,
        `${STREAM_OPERATION_NAME}-outer-other-join-store`,
        `${STREAM_OPERATION_NAME}-left-shared-join-store`,
      ],
      namedNodes("this-join", "outer-other-join"),
    );
  });

  it("shouldUseGeneratedStoreNamesForLeftJoinOperationBetweenKStreamAndKStream", () => {
    const builder = new StreamsBuilder();
    const [one, two] = streams(builder);
    one.leftJoin(
      two,
      (value1: string) => value1,
      JoinWindows.ofTimeDifferenceWithNoGrace(oneHour),
      StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string()).withName(STREAM_OPERATION_NAME),
    );
    expectJoin(
      builder.build(),
      [
        "KSTREAM-JOINTHIS-0000000004-store",
        "KSTREAM-OUTEROTHER-0000000005-store",
        "KSTREAM-OUTERSHARED-0000000004-store",
      ],
      namedNodes("this-join", "outer-other-join"),
    );
  });

  it("shouldUseSpecifiedNameForJoinOperationBetweenKStreamAndKStream", () => {
    const builder = new StreamsBuilder();
    const [one, two] = streams(builder);
    one.join(
      two,
      (value1: string) => value1,
      JoinWindows.of(oneHour),
      StreamJoined.as<string, string, string>(STREAM_OPERATION_NAME).withName(STREAM_OPERATION_NAME),
    );
    expectJoin(
      builder.build(),
      [`${STREAM_OPERATION_NAME}-this-join-store`, `${STREAM_OPERATION_NAME}-other-join-store`],
      namedNodes("this-join", "other-join"),
    );
  });

  it("shouldUseGeneratedNameForJoinOperationBetweenKStreamAndKStream", () => {
    const builder = new StreamsBuilder();
    const [one, two] = streams(builder);
    one.join(
      two,
      (value1: string) => value1,
      JoinWindows.of(oneHour),
      StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string()).withName(STREAM_OPERATION_NAME),
    );
    expectJoin(
      builder.build(),
      ["KSTREAM-JOINTHIS-0000000004-store", "KSTREAM-JOINOTHER-0000000005-store"],
      namedNodes("this-join", "other-join"),
    );
  });

  it("shouldUseSpecifiedNameForOuterJoinOperationBetweenKStreamAndKStream", () => {
    const builder = new StreamsBuilder();
    const [one, two] = streams(builder);
    one.outerJoin(
      two,
      (value1: string) => value1,
      JoinWindows.ofTimeDifferenceWithNoGrace(oneHour),
      StreamJoined.as<string, string, string>(STREAM_OPERATION_NAME).withName(STREAM_OPERATION_NAME),
    );
    expectJoin(
      builder.build(),
      [
        `${STREAM_OPERATION_NAME}-outer-this-join-store`,
        `${STREAM_OPERATION_NAME}-outer-other-join-store`,
        `${STREAM_OPERATION_NAME}-outer-shared-join-store`,
      ],
      namedNodes("outer-this-join", "outer-other-join"),
    );
  });

  it("shouldUseGeneratedStoreNamesForOuterJoinOperationBetweenKStreamAndKStream", () => {
    const builder = new StreamsBuilder();
    const [one, two] = streams(builder);
    one.outerJoin(
      two,
      (value1: string) => value1,
      JoinWindows.ofTimeDifferenceWithNoGrace(oneHour),
      StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string()).withName(STREAM_OPERATION_NAME),
    );
    expectJoin(
      builder.build(),
      [
        "KSTREAM-OUTERTHIS-0000000004-store",
        "KSTREAM-OUTEROTHER-0000000005-store",
        "KSTREAM-OUTERSHARED-0000000004-store",
      ],
      namedNodes("outer-this-join", "outer-other-join"),
    );
  });
});
