// Kafka Streams' KStreamImplTest, the cases that run a topology: merge() of two and of
// several streams, sources matching patterns, to() with Produced and with a topic chosen
// per record, repartition() with Repartitioned, the timestamps a repartition topic's
// source reads, a table from toTable() in a table-table join, a stream-table join and a
// groupBy().count(), and a materialized mapValues() after toTable(); the same inputs, the
// same records, timestamps and describe() text. shouldPreserveSerdesForOperators is
// ported as what is observable of a stream's serdes: whether a sink after the operation,
// given no serde and no default, is refused for the key or the value.
//
// Already ported elsewhere: shouldNotMaterializedKTableFromKStream,
// shouldMaterializeKTableFromKStream, shouldSupportKeyChangeKTableFromKStream and
// shouldProcessValues (test/topology/kstream-impl.test.ts), and
// shouldSupportForeignKeyTableTableJoinWithKTableFromKStream (ktable-fk-join.test.ts).
// Left out: shouldProcessWithOldProcessorAndState, shouldBindStateWithOldProcessorSupplier
// and shouldBindStateWithOldProcessor (the old Processor API, removed in Kafka Streams 4),
// and the transform()/transformValues() lines of shouldPreserveSerdesForOperators.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import type { KStream } from "../../../src/topology/dsl/kstream.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import type { GlobalKTable } from "../../../src/topology/dsl/global-ktable.js";
import { InvalidTopologyError, MissingSerdeError } from "../../../src/topology/errors.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { TopologyTestDriverOptions } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier, kvt, toStringJoiner } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
/** StreamsTestUtils.getStreamsConfig(Serdes.String(), Serdes.String()). */
const props: TopologyTestDriverOptions = { defaultKeySerde: Serdes.string(), defaultValueSerde: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function start(builder: StreamsBuilder, options: TopologyTestDriverOptions = props): TopologyTestDriver {
  driver = new TopologyTestDriver(builder.build(), options);
  return driver;
}

function inputTopic(topic: string) {
  return driver!.createInputTopic(topic, Serdes.string(), Serdes.string(), { startTimestamp: 0 });
}

describe("KStreamImplTest: merge() and patterns", () => {
  it("shouldMergeTwoStreams", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    builder.stream<string, string>("topic-1").merge(builder.stream("topic-2")).process(supplier.supplier);
    start(builder);
    const [input1, input2] = [inputTopic("topic-1"), inputTopic("topic-2")];
    await input1.pipeInput("A", "aa");
    await input2.pipeInput("B", "bb");
    await input2.pipeInput("C", "cc");
    await input1.pipeInput("D", "dd");
    expect(supplier.processed()).toEqual([kvt("A", "aa", 0), kvt("B", "bb", 0), kvt("C", "cc", 0), kvt("D", "dd", 0)]);
  });

  it("shouldMergeMultipleStreams", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    const [s1, s2, s3, s4] = [1, 2, 3, 4].map((i) => builder.stream<string, string>(`topic-${i}`));
    s1!.merge(s2!).merge(s3!).merge(s4!).process(supplier.supplier);
    start(builder);
    const [t1, t2, t3, t4] = [1, 2, 3, 4].map((i) => inputTopic(`topic-${i}`));
    await t1!.pipeInput("A", "aa", { timestamp: 1 });
    await t2!.pipeInput("B", "bb", { timestamp: 9 });
    await t3!.pipeInput("C", "cc", { timestamp: 2 });
    await t4!.pipeInput("D", "dd", { timestamp: 8 });
    await t4!.pipeInput("E", "ee", { timestamp: 3 });
    await t3!.pipeInput("F", "ff", { timestamp: 7 });
    await t2!.pipeInput("G", "gg", { timestamp: 4 });
    await t1!.pipeInput("H", "hh", { timestamp: 6 });
    expect(supplier.processed()).toEqual([
      kvt("A", "aa", 1),
      kvt("B", "bb", 9),
      kvt("C", "cc", 2),
      kvt("D", "dd", 8),
      kvt("E", "ee", 3),
      kvt("F", "ff", 7),
      kvt("G", "gg", 4),
      kvt("H", "hh", 6),
    ]);
  });

  it("shouldProcessFromSourceThatMatchPattern", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    builder.stream<string, string>(/topic-\d/).process(supplier.supplier);
    start(builder);
    await inputTopic("topic-3").pipeInput("A", "aa", { timestamp: 1 });
    await inputTopic("topic-4").pipeInput("B", "bb", { timestamp: 5 });
    await inputTopic("topic-5").pipeInput("C", "cc", { timestamp: 10 });
    await inputTopic("topic-6").pipeInput("D", "dd", { timestamp: 8 });
    await inputTopic("topic-7").pipeInput("E", "ee", { timestamp: 3 });
    expect(supplier.processed()).toEqual([
      kvt("A", "aa", 1),
      kvt("B", "bb", 5),
      kvt("C", "cc", 10),
      kvt("D", "dd", 8),
      kvt("E", "ee", 3),
    ]);
  });

  it("shouldProcessFromSourcesThatMatchMultiplePattern", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    const pattern1 = builder.stream<string, string>(/topic-\d/);
    const pattern2 = builder.stream<string, string>(/topic-[A-Z]/);
    const source3 = builder.stream<string, string>("topic-without-pattern");
    pattern1.merge(pattern2).merge(source3).process(supplier.supplier);
    start(builder);
    await inputTopic("topic-3").pipeInput("A", "aa", { timestamp: 1 });
    await inputTopic("topic-4").pipeInput("B", "bb", { timestamp: 5 });
    await inputTopic("topic-A").pipeInput("C", "cc", { timestamp: 10 });
    await inputTopic("topic-Z").pipeInput("D", "dd", { timestamp: 8 });
    await inputTopic("topic-without-pattern").pipeInput("E", "ee", { timestamp: 3 });
    expect(supplier.processed()).toEqual([
      kvt("A", "aa", 1),
      kvt("B", "bb", 5),
      kvt("C", "cc", 10),
      kvt("D", "dd", 8),
      kvt("E", "ee", 3),
    ]);
  });
});

describe("KStreamImplTest: to() and repartition()", () => {
  it("shouldSendDataThroughRepartitionTopicUsingRepartitioned", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    builder.stream("topic", strings).repartition(strings).process(supplier.supplier);
    start(builder);
    await inputTopic("topic").pipeInput("a", "b");
    expect(supplier.processed()).toEqual([kvt("a", "b", 0)]);
  });

  it("shouldSendDataToTopicUsingProduced", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    builder.stream("topic", strings).to("to-topic", strings);
    builder.stream("to-topic", strings).process(supplier.supplier);
    start(builder);
    await inputTopic("topic").pipeInput("e", "f");
    expect(supplier.processed()).toEqual([kvt("e", "f", 0)]);
  });

  it("shouldSendDataToDynamicTopics", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    builder
      .stream("topic", strings)
      .to((record, context) => `${context.topic}-${record.key}-${record.value!.charAt(0)}`, strings);
    builder.stream("topic-a-v", strings).process(supplier.supplier);
    builder.stream("topic-b-v", strings).process(supplier.supplier);
    start(builder);
    const input = inputTopic("topic");
    await input.pipeInput("a", "v1");
    await input.pipeInput("a", "v2");
    await input.pipeInput("b", "v1");
    expect(supplier.processors).toHaveLength(2);
    supplier.checkAndClear([kvt("a", "v1", 0), kvt("a", "v2", 0)], 0);
    supplier.checkAndClear([kvt("b", "v1", 0)], 1);
  });

  // Kafka Streams gives a repartition topic's source FailOnInvalidTimestamp, whatever the
  // default extractor: the record's own timestamp, extracted once upstream, is kept. The
  // default extractor here moves every timestamp by 1000, so a second extraction would show.
  const shifted: TopologyTestDriverOptions = {
    ...props,
    defaultTimestampExtractor: (record) => record.timestamp + 1000,
  };

  it("shouldUseRecordMetadataTimestampExtractorWithRepartition", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    builder.stream(["topic-1", "topic-2"], strings).to("topic-5");
    builder.stream(["topic-3", "topic-4"], strings).repartition({ name: "topic-6" }).process(supplier.supplier);
    start(builder, shifted);
    const output = driver!.createOutputTopic("topic-5", Serdes.string(), Serdes.string());
    await inputTopic("topic-1").pipeInput("a", "1", { timestamp: 5 });
    await inputTopic("topic-2").pipeInput("b", "2", { timestamp: 6 });
    await inputTopic("topic-3").pipeInput("c", "3", { timestamp: 7 });
    await inputTopic("topic-4").pipeInput("d", "4", { timestamp: 8 });
    expect(output.readRecordsToList().map(({ key, timestamp }) => [key, timestamp])).toEqual([
      ["a", 1005],
      ["b", 1006],
    ]);
    expect(supplier.processed()).toEqual([kvt("c", "3", 1007), kvt("d", "4", 1008)]);
  });

  it("shouldUseRecordMetadataTimestampExtractorWhenInternalRepartitioningTopicCreated, shouldUseRecordMetadataTimestampExtractorWhenInternalRepartitioningTopicCreatedWithRetention", async () => {
    const builder = new StreamsBuilder();
    const kStream = builder.stream("topic-1", strings);
    const windowSize = 24 * 60 * 60 * 1000;
    kStream
      .map((_key, value) => ({ key: value, value }))
      .join(kStream, (v1, v2) => `${v1}:${v2}`, JoinWindows.ofTimeDifferenceAndGrace(windowSize, 3 * windowSize), {
        key: Serdes.string(),
        value: Serdes.string(),
        otherValue: Serdes.string(),
      })
      .to("output-topic", strings);
    start(builder, shifted);
    const output = driver!.createOutputTopic("output-topic", Serdes.string(), Serdes.string());
    await inputTopic("topic-1").pipeInput("k", "k", { timestamp: 5 });
    // The left side went through the repartition topic, the right did not: both at 1005.
    expect(output.readRecordsToList().map(({ key, value, timestamp }) => [key, value, timestamp])).toEqual([
      ["k", "k:k", 1005],
    ]);
  });

  it("shouldPropagateRepartitionFlagAfterGlobalKTableJoin", () => {
    const builder = new StreamsBuilder();
    const globalKTable = builder.globalTable<string, string>("globalTopic");
    builder
      .stream<string, string>("topic")
      .selectKey((_k, v) => v)
      .join(
        globalKTable,
        (k, v) => k + v,
        (v1, v2) => v1 + v2,
      )
      .groupByKey()
      .count();
    const match = /Sink: .*-repartition/.exec(builder.build().describe().toString());
    expect(match).not.toBeNull();
    expect(match![0].endsWith("repartition")).toBe(true);
  });
});

describe("KStreamImplTest: tables from toTable()", () => {
  it("shouldSupportTableTableJoinWithKStreamToKTable", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.stream("left", strings).toTable();
    const table2 = builder.stream("right", strings).toTable();
    table1.join(table2, toStringJoiner).toStream().to("output");
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [left])\n" +
        "      --> KSTREAM-TOTABLE-0000000001\n" +
        "    Source: KSTREAM-SOURCE-0000000003 (topics: [right])\n" +
        "      --> KSTREAM-TOTABLE-0000000004\n" +
        "    Processor: KSTREAM-TOTABLE-0000000001 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000002])\n" +
        "      --> KTABLE-JOINTHIS-0000000007\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KSTREAM-TOTABLE-0000000004 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000005])\n" +
        "      --> KTABLE-JOINOTHER-0000000008\n" +
        "      <-- KSTREAM-SOURCE-0000000003\n" +
        "    Processor: KTABLE-JOINOTHER-0000000008 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000002])\n" +
        "      --> KTABLE-MERGE-0000000006\n" +
        "      <-- KSTREAM-TOTABLE-0000000004\n" +
        "    Processor: KTABLE-JOINTHIS-0000000007 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000005])\n" +
        "      --> KTABLE-MERGE-0000000006\n" +
        "      <-- KSTREAM-TOTABLE-0000000001\n" +
        "    Processor: KTABLE-MERGE-0000000006 (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000009\n" +
        "      <-- KTABLE-JOINTHIS-0000000007, KTABLE-JOINOTHER-0000000008\n" +
        "    Processor: KTABLE-TOSTREAM-0000000009 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000010\n" +
        "      <-- KTABLE-MERGE-0000000006\n" +
        "    Sink: KSTREAM-SINK-0000000010 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000009\n\n",
    );
    await pipeJoinInputs(new TopologyTestDriver(topology, props), "left", "right");
  });

  it("shouldSupportStreamTableJoinWithKStreamToKTable", async () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream("streamTopic", strings);
    const table = builder.stream("tableTopic", strings).toTable();
    stream.join(table, toStringJoiner).to("output");
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [streamTopic])\n" +
        "      --> KSTREAM-JOIN-0000000004\n" +
        "    Processor: KSTREAM-JOIN-0000000004 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000003])\n" +
        "      --> KSTREAM-SINK-0000000005\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [tableTopic])\n" +
        "      --> KSTREAM-TOTABLE-0000000002\n" +
        "    Sink: KSTREAM-SINK-0000000005 (topic: output)\n" +
        "      <-- KSTREAM-JOIN-0000000004\n" +
        "    Processor: KSTREAM-TOTABLE-0000000002 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000003])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n\n",
    );
    await pipeJoinInputs(new TopologyTestDriver(topology, props), "streamTopic", "tableTopic");
  });

  /** The inputs and outputs both join cases share. */
  async function pipeJoinInputs(started: TopologyTestDriver, leftTopic: string, rightTopic: string): Promise<void> {
    driver = started;
    const left = driver.createInputTopic(leftTopic, Serdes.string(), Serdes.string());
    const right = driver.createInputTopic(rightTopic, Serdes.string(), Serdes.string());
    const output = driver.createOutputTopic("output", Serdes.string(), Serdes.string());
    await right.pipeInput("lhs1", "rhsValue1");
    await right.pipeInput("rhs2", "rhsValue2");
    await right.pipeInput("lhs3", "rhsValue3");
    expect(output.readKeyValuesToMap()).toEqual(new Map());
    await left.pipeInput("lhs1", "lhsValue1");
    await left.pipeInput("lhs2", "lhsValue2");
    expect(output.readKeyValuesToMap()).toEqual(new Map([["lhs1", "lhsValue1+rhsValue1"]]));
    await left.pipeInput("lhs3", "lhsValue3");
    expect(output.readKeyValuesToMap()).toEqual(new Map([["lhs3", "lhsValue3+rhsValue3"]]));
    await left.pipeInput("lhs1", "lhsValue4");
    expect(output.readKeyValuesToMap()).toEqual(new Map([["lhs1", "lhsValue4+rhsValue1"]]));
  }

  it("shouldSupportGroupByCountWithKStreamToKTable", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input", strings)
      .toTable()
      .groupBy((_key, value) => ({ key: value, value }), strings)
      .count()
      .toStream()
      .to("output");
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n" +
        "      --> KSTREAM-TOTABLE-0000000001\n" +
        "    Processor: KSTREAM-TOTABLE-0000000001 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000002])\n" +
        "      --> KTABLE-SELECT-0000000003\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KTABLE-SELECT-0000000003 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000005\n" +
        "      <-- KSTREAM-TOTABLE-0000000001\n" +
        "    Sink: KSTREAM-SINK-0000000005 (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n" +
        "      <-- KTABLE-SELECT-0000000003\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000006 (topics: [KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n" +
        "      --> KTABLE-AGGREGATE-0000000007\n" +
        "    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n" +
        "      --> KTABLE-TOSTREAM-0000000008\n" +
        "      <-- KSTREAM-SOURCE-0000000006\n" +
        "    Processor: KTABLE-TOSTREAM-0000000008 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000009\n" +
        "      <-- KTABLE-AGGREGATE-0000000007\n" +
        "    Sink: KSTREAM-SINK-0000000009 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000008\n\n",
    );
    driver = new TopologyTestDriver(topology, props);
    const input = inputTopic("input");
    const output = driver.createOutputTopic("output", Serdes.string(), Serdes.long());
    await input.pipeInput("A", "green", { timestamp: 10 });
    await input.pipeInput("B", "green", { timestamp: 9 });
    await input.pipeInput("A", "blue", { timestamp: 12 });
    await input.pipeInput("C", "yellow", { timestamp: 15 });
    await input.pipeInput("D", "green", { timestamp: 11 });
    expect(output.readRecordsToList().map(({ key, value, timestamp }) => kvt(key, value, timestamp!))).toEqual([
      kvt("green", 1, 10),
      kvt("green", 2, 10),
      kvt("green", 1, 12),
      kvt("blue", 1, 12),
      kvt("yellow", 1, 15),
      kvt("green", 2, 12),
    ]);
  });

  it("shouldSupportTriggerMaterializedWithKTableFromKStream", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input", strings)
      .toTable()
      .mapValues((value) => value.charCodeAt(0) - "a".charCodeAt(0), { store: "store", value: Serdes.int32() })
      .toStream()
      .to("output");
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n" +
        "      --> KSTREAM-TOTABLE-0000000001\n" +
        "    Processor: KSTREAM-TOTABLE-0000000001 (stores: [])\n" +
        "      --> KTABLE-MAPVALUES-0000000003\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KTABLE-MAPVALUES-0000000003 (stores: [store])\n" +
        "      --> KTABLE-TOSTREAM-0000000004\n" +
        "      <-- KSTREAM-TOTABLE-0000000001\n" +
        "    Processor: KTABLE-TOSTREAM-0000000004 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000005\n" +
        "      <-- KTABLE-MAPVALUES-0000000003\n" +
        "    Sink: KSTREAM-SINK-0000000005 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000004\n\n",
    );
    driver = new TopologyTestDriver(topology, props);
    const input = inputTopic("input");
    const output = driver.createOutputTopic("output", Serdes.string(), Serdes.int32());
    await input.pipeInput("A", "green", { timestamp: 10 });
    await input.pipeInput("B", "green", { timestamp: 9 });
    await input.pipeInput("A", "blue", { timestamp: 12 });
    await input.pipeInput("C", "yellow", { timestamp: 15 });
    await input.pipeInput("D", "green", { timestamp: 11 });
    const store = driver.getKeyValueStore<string, number>("store");
    const rows = new Map<string, number>();
    for await (const { key, value } of store.all()) rows.set(key, value);
    expect(rows).toEqual(
      new Map([
        ["A", 1],
        ["B", 6],
        ["C", 24],
        ["D", 6],
      ]),
    );
    expect(output.readRecordsToList().map(({ key, value, timestamp }) => kvt(key, value, timestamp!))).toEqual([
      kvt("A", 6, 10),
      kvt("B", 6, 9),
      kvt("A", 1, 12),
      kvt("C", 24, 15),
      kvt("D", 6, 11),
    ]);
  });
});

describe("KStreamImplTest.shouldPreserveSerdesForOperators", () => {
  interface Sources {
    stream1: KStream<string, string>;
    table1: KTable<string, string>;
    table2: GlobalKTable<string, string>;
  }
  const mySerde = Serdes.string();
  const windows = JoinWindows.ofTimeDifferenceWithNoGrace(100);
  const joiner = (value1: string): string => value1;
  const selector = (key: string): string => key;
  const streamJoined = { key: mySerde, value: mySerde, otherValue: mySerde };

  /** The serdes a sink after `operation` lacks, given none itself and no defaults: what the stream lost. */
  async function missingSerdes(
    operation: (sources: Sources) => { to(topic: string, options: { name: string }): void },
  ): Promise<string[]> {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream(["topic-1"], strings);
    const table1 = builder.table("topic-2", strings);
    const table2 = builder.globalTable("topic-3", strings);
    operation({ stream1, table1, table2 }).to("output", { name: "sink" });
    try {
      await new TopologyTestDriver(builder.build()).close();
    } catch (error) {
      if (!(error instanceof InvalidTopologyError)) throw error;
      return error.problems
        .filter((problem): problem is MissingSerdeError => problem instanceof MissingSerdeError)
        .filter((problem) => problem.node === "sink")
        .map((problem) => problem.part);
    }
    return [];
  }

  it.each([
    ["filter", ({ stream1 }: Sources) => stream1.filter(() => false), []],
    ["filterNot", ({ stream1 }: Sources) => stream1.filterNot(() => false), []],
    ["selectKey", ({ stream1 }: Sources) => stream1.selectKey(selector), ["key"]],
    ["map", ({ stream1 }: Sources) => stream1.map((key, value) => ({ key, value })), ["key", "value"]],
    ["mapValues", ({ stream1 }: Sources) => stream1.mapValues((value) => value), ["value"]],
    ["flatMap", ({ stream1 }: Sources) => stream1.flatMap((key, value) => [{ key, value }]), ["key", "value"]],
    ["merge", ({ stream1 }: Sources) => stream1.merge(stream1), ["key", "value"]],
    ["flatMapValues", ({ stream1 }: Sources) => stream1.flatMapValues((value) => [value]), ["value"]],
    ["repartition()", ({ stream1 }: Sources) => stream1.repartition(), []],
    [
      "repartition(Repartitioned.with(mySerde, mySerde))",
      ({ stream1 }: Sources) => stream1.repartition({ key: mySerde, value: mySerde }),
      [],
    ],
    ["groupByKey().reduce()", ({ stream1 }: Sources) => stream1.groupByKey().reduce(joiner).toStream(), []],
    [
      "groupBy(selector).count()",
      ({ stream1 }: Sources) => stream1.groupBy(selector).count().toStream() as never,
      ["key"],
    ],
    [
      "groupBy(selector).reduce()",
      ({ stream1 }: Sources) => stream1.groupBy(selector).reduce(joiner).toStream(),
      ["key"],
    ],
    [
      "groupBy(selector, Grouped.with(mySerde, mySerde))",
      ({ stream1 }: Sources) => stream1.groupBy(selector, { key: mySerde, value: mySerde }).reduce(joiner).toStream(),
      [],
    ],
    ["join(stream)", ({ stream1 }: Sources) => stream1.join(stream1, joiner, windows), ["key", "value"]],
    ["leftJoin(stream)", ({ stream1 }: Sources) => stream1.leftJoin(stream1, joiner, windows), ["key", "value"]],
    ["outerJoin(stream)", ({ stream1 }: Sources) => stream1.outerJoin(stream1, joiner, windows), ["key", "value"]],
    [
      "join(stream, StreamJoined)",
      ({ stream1 }: Sources) => stream1.join(stream1, joiner, windows, streamJoined),
      ["value"],
    ],
    [
      "leftJoin(stream, StreamJoined)",
      ({ stream1 }: Sources) => stream1.leftJoin(stream1, joiner, windows, streamJoined),
      ["value"],
    ],
    [
      "outerJoin(stream, StreamJoined)",
      ({ stream1 }: Sources) => stream1.outerJoin(stream1, joiner, windows, streamJoined),
      ["value"],
    ],
    ["join(table)", ({ stream1, table1 }: Sources) => stream1.join(table1, joiner), ["value"]],
    [
      "join(table, Joined)",
      ({ stream1, table1 }: Sources) => stream1.join(table1, joiner, { key: mySerde, value: mySerde }),
      ["value"],
    ],
    ["leftJoin(table)", ({ stream1, table1 }: Sources) => stream1.leftJoin(table1, joiner), ["value"]],
    [
      "leftJoin(table, Joined)",
      ({ stream1, table1 }: Sources) => stream1.leftJoin(table1, joiner, { key: mySerde, value: mySerde }),
      ["value"],
    ],
    ["join(globalTable)", ({ stream1, table2 }: Sources) => stream1.join(table2, selector, joiner), ["value"]],
    ["leftJoin(globalTable)", ({ stream1, table2 }: Sources) => stream1.leftJoin(table2, selector, joiner), ["value"]],
  ] as const)("%s", async (_name, operation, missing) => {
    expect(await missingSerdes(operation)).toEqual(missing);
  });
});
