// Ports of Kafka Streams' StreamsBuilderTest naming cases (shouldUseSpecifiedNameFor...,
// shouldUseDefaultNameForGlobalStoreProcessor) and its checks of source topics read by
// several streams: a given name replaces the generated one and burns no index (except
// where Kafka Streams' does), generated names keep counting from there. The cases of
// transform(), transformValues() and flatTransformValues() (removed in Kafka Streams 4)
// and of stream-stream joins are left out.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyError } from "../../../src/topology/errors.js";
import type { Topology } from "../../../src/topology/topology.js";

const STREAM_TOPIC = "stream-topic";
const STREAM_TOPIC_TWO = "stream-topic-two";
const STREAM_OPERATION_NAME = "stream-operation";
const strings = { key: Serdes.string(), value: Serdes.string() };

/** assertNamesForOperation: the topology's processor nodes (global ones included), in any order. */
function expectNodes(topology: Topology, ...expected: string[]): void {
  expect([...topology.nodes.keys()].sort()).toEqual([...expected].sort());
}

describe("StreamsBuilderTest naming", () => {
  it("shouldUseSpecifiedNameForStreamSourceProcessor", () => {
    const builder = new StreamsBuilder();
    builder.stream(STREAM_TOPIC, { ...strings, name: "source-node" });
    builder.stream(STREAM_TOPIC_TWO, strings);
    expectNodes(builder.build(), "source-node", "KSTREAM-SOURCE-0000000001");
  });

  it("shouldUseSpecifiedNameForTableSourceProcessor", () => {
    const builder = new StreamsBuilder();
    builder.table(STREAM_TOPIC, { ...strings, name: "source-node" });
    builder.table(STREAM_TOPIC_TWO, strings);
    expectNodes(
      builder.build(),
      "source-node-source",
      "source-node",
      "KSTREAM-SOURCE-0000000004",
      "KTABLE-SOURCE-0000000005",
    );
  });

  it("shouldUseSpecifiedNameForGlobalTableSourceProcessor (the stores keep generated names)", () => {
    const builder = new StreamsBuilder();
    builder.globalTable(STREAM_TOPIC, { ...strings, name: "source-processor" });
    builder.globalTable(STREAM_TOPIC_TWO, strings);
    expect([...builder.build().stores.keys()].sort()).toEqual([
      "stream-topic-STATE-STORE-0000000000",
      "stream-topic-two-STATE-STORE-0000000003",
    ]);
  });

  it("shouldUseSpecifiedNameForSinkProcessor", () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream(STREAM_TOPIC, strings);
    stream.to(STREAM_TOPIC_TWO, { name: "sink-processor" });
    stream.to(STREAM_TOPIC_TWO);
    expectNodes(builder.build(), "KSTREAM-SOURCE-0000000000", "sink-processor", "KSTREAM-SINK-0000000002");
  });

  it.each([
    [
      "shouldUseSpecifiedNameForMapOperation",
      (b: StreamsBuilder) =>
        b.stream(STREAM_TOPIC, strings).map((key, value) => ({ key, value }), { name: STREAM_OPERATION_NAME }),
    ],
    [
      "shouldUseSpecifiedNameForMapValuesOperation",
      (b: StreamsBuilder) => b.stream(STREAM_TOPIC, strings).mapValues((v) => v, { name: STREAM_OPERATION_NAME }),
    ],
    [
      "shouldUseSpecifiedNameForMapValuesWithKeyOperation",
      (b: StreamsBuilder) => b.stream(STREAM_TOPIC, strings).mapValues((v, _k) => v, { name: STREAM_OPERATION_NAME }),
    ],
    [
      "shouldUseSpecifiedNameForFilterOperation",
      (b: StreamsBuilder) => b.stream(STREAM_TOPIC, strings).filter(() => true, { name: STREAM_OPERATION_NAME }),
    ],
    [
      "shouldUseSpecifiedNameForForEachOperation",
      (b: StreamsBuilder) => b.stream(STREAM_TOPIC, strings).foreach(() => {}, { name: STREAM_OPERATION_NAME }),
    ],
    [
      "shouldUseSpecifiedNameForProcessOperation",
      (b: StreamsBuilder) =>
        b.stream(STREAM_TOPIC, strings).process(() => ({ process() {} }), { name: STREAM_OPERATION_NAME }),
    ],
    [
      "shouldUseSpecifiedNameForPrintOperation",
      (b: StreamsBuilder) => b.stream(STREAM_TOPIC, strings).print({ name: STREAM_OPERATION_NAME, to: () => {} }),
    ],
  ] as const)("%s", (_name, build) => {
    const builder = new StreamsBuilder();
    build(builder);
    expectNodes(builder.build(), "KSTREAM-SOURCE-0000000000", STREAM_OPERATION_NAME);
  });

  it("shouldUseSpecifiedNameForSplitOperation", () => {
    const builder = new StreamsBuilder();
    builder
      .stream(STREAM_TOPIC, strings)
      .split({ name: "branch-processor" })
      .branch(() => true, { name: "-1" })
      .branch(() => false, { name: "-2" });
    expectNodes(
      builder.build(),
      "KSTREAM-SOURCE-0000000000",
      "branch-processor",
      "branch-processor-1",
      "branch-processor-2",
    );
  });

  it.each([
    ["shouldUseSpecifiedNameForJoinOperationBetweenKStreamAndKTable", "join"],
    ["shouldUseSpecifiedNameForLeftJoinOperationBetweenKStreamAndKTable", "leftJoin"],
  ] as const)("%s", (_name, kind) => {
    const builder = new StreamsBuilder();
    const stream = builder.stream(STREAM_TOPIC, strings);
    const table = builder.table("table-topic", strings);
    const joiner = (value1: string): string => value1;
    if (kind === "join") stream.join(table, joiner, { name: STREAM_OPERATION_NAME });
    else stream.leftJoin(table, joiner, { name: STREAM_OPERATION_NAME });
    expectNodes(
      builder.build(),
      "KSTREAM-SOURCE-0000000000",
      "KSTREAM-SOURCE-0000000002",
      "KTABLE-SOURCE-0000000003",
      STREAM_OPERATION_NAME,
    );
  });

  it("shouldUseSpecifiedNameForMergeOperation", () => {
    const builder = new StreamsBuilder();
    const source1 = builder.stream("topic-1", strings);
    const source2 = builder.stream("topic-2", strings);
    source1.merge(source2, { name: "merge-processor" });
    expectNodes(builder.build(), "KSTREAM-SOURCE-0000000000", "KSTREAM-SOURCE-0000000001", "merge-processor");
  });

  it("shouldUseSpecifiedNameForToStream", () => {
    const builder = new StreamsBuilder();
    builder.table(STREAM_TOPIC, strings).toStream({ name: "to-stream" });
    expectNodes(builder.build(), "KSTREAM-SOURCE-0000000001", "KTABLE-SOURCE-0000000002", "to-stream");
  });

  it("shouldUseSpecifiedNameForToStreamWithMapper", () => {
    const builder = new StreamsBuilder();
    builder.table(STREAM_TOPIC, strings).toStream((key) => key, { name: "to-stream" });
    expectNodes(
      builder.build(),
      "KSTREAM-SOURCE-0000000001",
      "KTABLE-SOURCE-0000000002",
      "to-stream",
      "KSTREAM-KEY-SELECT-0000000004",
    );
  });

  it("shouldUseSpecifiedNameForAggregateOperationGivenTable", () => {
    const builder = new StreamsBuilder();
    builder
      .table(STREAM_TOPIC, strings)
      .groupBy((key, value) => ({ key, value }), { ...strings, name: "group-operation" })
      .count({ name: STREAM_OPERATION_NAME });
    const topology = builder.build();
    expect([...topology.stores.keys()].sort()).toEqual([
      "KTABLE-AGGREGATE-STATE-STORE-0000000004",
      `${STREAM_TOPIC}-STATE-STORE-0000000000`,
    ]);
    expectNodes(
      topology,
      "KSTREAM-SOURCE-0000000001",
      "KTABLE-SOURCE-0000000002",
      "group-operation",
      `${STREAM_OPERATION_NAME}-sink`,
      `${STREAM_OPERATION_NAME}-source`,
      STREAM_OPERATION_NAME,
    );
  });

  it.each([
    ["shouldUseSpecifiedNameForGlobalStoreProcessor", "test", ["test-source", "test"]],
    [
      "shouldUseDefaultNameForGlobalStoreProcessor",
      undefined,
      ["KSTREAM-SOURCE-0000000000", "KTABLE-SOURCE-0000000001"],
    ],
  ] as const)("%s", (_name, name, nodes) => {
    const builder = new StreamsBuilder();
    builder.addGlobalStore(
      { name: "store", persistent: false, key: Serdes.string(), value: Serdes.string() },
      "topic",
      { ...strings, ...(name === undefined ? {} : { name }) },
      () => ({ process() {} }),
    );
    expectNodes(builder.build(), ...nodes);
  });
});

describe("StreamsBuilderTest source topics", () => {
  it("shouldAllowStreamsFromSameTopic", () => {
    const builder = new StreamsBuilder();
    builder.stream("topic", strings);
    builder.stream("topic", strings);
    expect(() => builder.build()).not.toThrow();
  });

  it("shouldAllowReadingFromSameCollectionOfTopics", () => {
    const builder = new StreamsBuilder();
    builder.stream(["topic1", "topic2"], strings);
    builder.stream(["topic2", "topic1"], strings);
    expect(() => builder.build()).not.toThrow();
  });

  it("shouldNotAllowReadingFromOverlappingAndUnequalCollectionOfTopics", () => {
    const builder = new StreamsBuilder();
    builder.stream(["topic"], strings);
    // Eddy refuses the second read at once; Kafka Streams at build().
    expect(() => {
      builder.stream(["topic", "anotherTopic"], strings);
      builder.build();
    }).toThrow(TopologyError);
  });

  it("shouldThrowWhenSubscribedToATopicWithDifferentResetPolicies", () => {
    const builder = new StreamsBuilder();
    builder.stream("topic", { ...strings, autoOffsetReset: "earliest" });
    // Eddy refuses the second read at once; Kafka Streams at build().
    expect(() => {
      builder.stream("topic", { ...strings, autoOffsetReset: "latest" });
      builder.build();
    }).toThrow(/autoOffsetReset/);
  });

  it("shouldThrowWhenSubscribedToATopicWithSetAndUnsetResetPolicies", () => {
    const builder = new StreamsBuilder();
    builder.stream("topic", { ...strings, autoOffsetReset: "earliest" });
    // Eddy refuses the second read at once; Kafka Streams at build().
    expect(() => {
      builder.stream("topic", strings);
      builder.build();
    }).toThrow(/autoOffsetReset/);
  });
});
