// Ports of Kafka Streams' CogroupedKStreamImplTest: the describe() text and generated
// names of cogroups (named, repartitioned, a grouping reused in one cogroup, in two, or
// aggregated twice), and the records, values and timestamps they produce through the
// driver.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { KGroupedStream } from "../../../src/topology/dsl/kgrouped-stream.js";
import { InvalidOperationError } from "../../../src/topology/errors.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { TestOutputTopic } from "../../../src/testing/test-output-topic.js";
import { expectOutput, kvt, toStringJoiner } from "./support.js";

const stringConsumed = { key: Serdes.string(), value: Serdes.string() };
const OUTPUT = "output";
const STRING_AGGREGATOR = (_key: string, value: string, aggregate: string): string => aggregate + value;
const STRING_INITIALIZER = (): string => "";
const STRING_SUM_AGGREGATOR = (_key: string, value: string, aggregate: number): number =>
  aggregate + Number.parseInt(value, 10);
const SUM_AGGREGATOR = (_key: string, value: number, aggregate: number): number => aggregate + value;
const SUM_INITIALIZER = (): number => 0;
// MockAggregator.TOSTRING_ADDER / TOSTRING_REMOVER, MockInitializer.STRING_INIT
const TOSTRING_ADDER = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;
const TOSTRING_REMOVER = (_key: string, value: string, aggregate: string): string => `${aggregate}-${value}`;
const STRING_INIT = (): string => "0";

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

const swap = (key: string, value: string) => ({ key: value, value: key });

describe("CogroupedKStream (CogroupedKStreamImplTest): describe() and names", () => {
  it("refuses a missing grouped stream, aggregator or initializer", () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream("topic", stringConsumed).groupByKey();
    const cogrouped = grouped.cogroup(STRING_AGGREGATOR);
    expect(() => cogrouped.cogroup(null as unknown as KGroupedStream<string, string>, STRING_AGGREGATOR)).toThrow(
      InvalidOperationError,
    );
    expect(() => cogrouped.cogroup(grouped, null as unknown as typeof STRING_AGGREGATOR)).toThrow(
      InvalidOperationError,
    );
    expect(() => cogrouped.aggregate(null as unknown as () => string)).toThrow(InvalidOperationError);
  });

  it("shouldNameProcessorsAndStoreBasedOnNamedParameter", () => {
    const builder = new StreamsBuilder();
    const groupedOne = builder.stream("one", stringConsumed).groupByKey();
    const groupedTwo = builder.stream("two", stringConsumed).groupByKey();
    groupedOne
      .cogroup(STRING_AGGREGATOR)
      .cogroup(groupedTwo, STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER, { name: "test", store: "store" })
      .toStream()
      .to(OUTPUT);
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n" +
        "      --> test-cogroup-agg-0\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n" +
        "      --> test-cogroup-agg-1\n" +
        "    Processor: test-cogroup-agg-0 (stores: [store])\n" +
        "      --> test-cogroup-merge\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: test-cogroup-agg-1 (stores: [store])\n" +
        "      --> test-cogroup-merge\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: test-cogroup-merge (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000005\n" +
        "      <-- test-cogroup-agg-0, test-cogroup-agg-1\n" +
        "    Processor: KTABLE-TOSTREAM-0000000005 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000006\n" +
        "      <-- test-cogroup-merge\n" +
        "    Sink: KSTREAM-SINK-0000000006 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000005\n\n",
    );
  });

  it("shouldNameRepartitionTopic", () => {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream("one", stringConsumed);
    const stream2 = builder.stream("two", stringConsumed);
    const groupedOne = stream1.map(swap).groupByKey({ name: "repartition-test" });
    const groupedTwo = stream2.groupByKey();
    groupedOne
      .cogroup(STRING_AGGREGATOR)
      .cogroup(groupedTwo, STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER)
      .toStream()
      .to(OUTPUT);
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n" +
        "      --> KSTREAM-MAP-0000000002\n" +
        "    Processor: KSTREAM-MAP-0000000002 (stores: [])\n" +
        "      --> repartition-test-repartition-filter\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: repartition-test-repartition-filter (stores: [])\n" +
        "      --> repartition-test-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000002\n" +
        "    Sink: repartition-test-repartition-sink (topic: repartition-test-repartition)\n" +
        "      <-- repartition-test-repartition-filter\n\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000008\n" +
        "    Source: repartition-test-repartition-source (topics: [repartition-test-repartition])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000007\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000007 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000009\n" +
        "      <-- repartition-test-repartition-source\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000008 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000009\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: COGROUPKSTREAM-MERGE-0000000009 (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000010\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-0000000007, COGROUPKSTREAM-AGGREGATE-0000000008\n" +
        "    Processor: KTABLE-TOSTREAM-0000000010 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000011\n" +
        "      <-- COGROUPKSTREAM-MERGE-0000000009\n" +
        "    Sink: KSTREAM-SINK-0000000011 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000010\n\n",
    );
  });

  it("shouldInsertRepartitionsTopicForUpstreamKeyModification", () => {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream("one", stringConsumed);
    const stream2 = builder.stream("two", stringConsumed);
    const groupedOne = stream1.map(swap).groupByKey();
    const groupedTwo = stream2.groupByKey();
    groupedOne
      .cogroup(STRING_AGGREGATOR)
      .cogroup(groupedTwo, STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER, { name: "test", store: "store" })
      .toStream()
      .to(OUTPUT);
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n" +
        "      --> KSTREAM-MAP-0000000002\n" +
        "    Processor: KSTREAM-MAP-0000000002 (stores: [])\n" +
        "      --> store-repartition-filter\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: store-repartition-filter (stores: [])\n" +
        "      --> store-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000002\n" +
        "    Sink: store-repartition-sink (topic: store-repartition)\n" +
        "      <-- store-repartition-filter\n\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n" +
        "      --> test-cogroup-agg-1\n" +
        "    Source: store-repartition-source (topics: [store-repartition])\n" +
        "      --> test-cogroup-agg-0\n" +
        "    Processor: test-cogroup-agg-0 (stores: [store])\n" +
        "      --> test-cogroup-merge\n" +
        "      <-- store-repartition-source\n" +
        "    Processor: test-cogroup-agg-1 (stores: [store])\n" +
        "      --> test-cogroup-merge\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: test-cogroup-merge (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000009\n" +
        "      <-- test-cogroup-agg-0, test-cogroup-agg-1\n" +
        "    Processor: KTABLE-TOSTREAM-0000000009 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000010\n" +
        "      <-- test-cogroup-merge\n" +
        "    Sink: KSTREAM-SINK-0000000010 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000009\n\n",
    );
  });

  it("shouldInsertRepartitionsTopicForUpstreamKeyModificationWithGroupedReusedInSameCogroups", () => {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream("one", stringConsumed);
    const stream2 = builder.stream("two", stringConsumed);
    const groupedOne = stream1.map(swap).groupByKey();
    const groupedTwo = stream2.groupByKey();
    const cogroupedTwo = groupedOne
      .cogroup(STRING_AGGREGATOR)
      .cogroup(groupedTwo, STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER);
    const cogroupedOne = groupedOne
      .cogroup(STRING_AGGREGATOR)
      .cogroup(groupedTwo, STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER);
    cogroupedOne.toStream().to(OUTPUT);
    cogroupedTwo.toStream().to("OUTPUT2");
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n" +
        "      --> KSTREAM-MAP-0000000002\n" +
        "    Processor: KSTREAM-MAP-0000000002 (stores: [])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition-filter, COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-filter\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-filter (stores: [])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000002\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition-filter (stores: [])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000002\n" +
        "    Sink: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-sink (topic: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition)\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-filter\n" +
        "    Sink: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition-sink (topic: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition)\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition-filter\n\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000008, COGROUPKSTREAM-AGGREGATE-0000000015\n" +
        "    Source: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-source (topics: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000007\n" +
        "    Source: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition-source (topics: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000014\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000007 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000009\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-source\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000008 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000009\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000014 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000016\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010-repartition-source\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000015 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000010])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000016\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: COGROUPKSTREAM-MERGE-0000000009 (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000019\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-0000000007, COGROUPKSTREAM-AGGREGATE-0000000008\n" +
        "    Processor: COGROUPKSTREAM-MERGE-0000000016 (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000017\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-0000000014, COGROUPKSTREAM-AGGREGATE-0000000015\n" +
        "    Processor: KTABLE-TOSTREAM-0000000017 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000018\n" +
        "      <-- COGROUPKSTREAM-MERGE-0000000016\n" +
        "    Processor: KTABLE-TOSTREAM-0000000019 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000020\n" +
        "      <-- COGROUPKSTREAM-MERGE-0000000009\n" +
        "    Sink: KSTREAM-SINK-0000000018 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000017\n" +
        "    Sink: KSTREAM-SINK-0000000020 (topic: OUTPUT2)\n" +
        "      <-- KTABLE-TOSTREAM-0000000019\n\n",
    );
  });

  it("shouldInsertRepartitionsTopicForUpstreamKeyModificationWithGroupedReusedInDifferentCogroups", () => {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream("one", stringConsumed);
    const stream2 = builder.stream("two", stringConsumed);
    const stream3 = builder.stream("three", stringConsumed);
    const groupedOne = stream1.map(swap).groupByKey();
    const groupedTwo = stream2.groupByKey();
    const groupedThree = stream3.groupByKey();
    groupedOne.cogroup(STRING_AGGREGATOR).cogroup(groupedThree, STRING_AGGREGATOR).aggregate(STRING_INITIALIZER);
    groupedOne.cogroup(STRING_AGGREGATOR).cogroup(groupedTwo, STRING_AGGREGATOR).aggregate(STRING_INITIALIZER);
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n" +
        "      --> KSTREAM-MAP-0000000003\n" +
        "    Processor: KSTREAM-MAP-0000000003 (stores: [])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-filter, COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-filter\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-filter (stores: [])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000003\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-filter (stores: [])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000003\n" +
        "    Sink: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-sink (topic: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition)\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-filter\n" +
        "    Sink: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-sink (topic: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition)\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-filter\n\n" +
        "  Sub-topology: 1\n" +
        "    Source: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-source (topics: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000015\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000016\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000015 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000017\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-source\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000016 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000017\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: COGROUPKSTREAM-MERGE-0000000017 (stores: [])\n" +
        "      --> none\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-0000000015, COGROUPKSTREAM-AGGREGATE-0000000016\n\n" +
        "  Sub-topology: 2\n" +
        "    Source: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-source (topics: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000008\n" +
        "    Source: KSTREAM-SOURCE-0000000002 (topics: [three])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000009\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000008 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000010\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-source\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000009 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000010\n" +
        "      <-- KSTREAM-SOURCE-0000000002\n" +
        "    Processor: COGROUPKSTREAM-MERGE-0000000010 (stores: [])\n" +
        "      --> none\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-0000000008, COGROUPKSTREAM-AGGREGATE-0000000009\n\n",
    );
  });

  it("shouldInsertRepartitionsTopicForCogroupsUsedTwice", () => {
    const builder = new StreamsBuilder();
    const groupedOne = builder.stream("one", stringConsumed).map(swap).groupByKey({ name: "foo" });
    const one = groupedOne.cogroup(STRING_AGGREGATOR);
    one.aggregate(STRING_INITIALIZER);
    one.aggregate(STRING_INITIALIZER);
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n" +
        "      --> KSTREAM-MAP-0000000001\n" +
        "    Processor: KSTREAM-MAP-0000000001 (stores: [])\n" +
        "      --> foo-repartition-filter\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: foo-repartition-filter (stores: [])\n" +
        "      --> foo-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000001\n" +
        "    Sink: foo-repartition-sink (topic: foo-repartition)\n" +
        "      <-- foo-repartition-filter\n\n" +
        "  Sub-topology: 1\n" +
        "    Source: foo-repartition-source (topics: [foo-repartition])\n" +
        "      --> COGROUPKSTREAM-AGGREGATE-0000000006, COGROUPKSTREAM-AGGREGATE-0000000012\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000006 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000002])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000007\n" +
        "      <-- foo-repartition-source\n" +
        "    Processor: COGROUPKSTREAM-AGGREGATE-0000000012 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000008])\n" +
        "      --> COGROUPKSTREAM-MERGE-0000000013\n" +
        "      <-- foo-repartition-source\n" +
        "    Processor: COGROUPKSTREAM-MERGE-0000000007 (stores: [])\n" +
        "      --> none\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-0000000006\n" +
        "    Processor: COGROUPKSTREAM-MERGE-0000000013 (stores: [])\n" +
        "      --> none\n" +
        "      <-- COGROUPKSTREAM-AGGREGATE-0000000012\n\n",
    );
  });
});

describe("CogroupedKStream (CogroupedKStreamImplTest): records and timestamps", () => {
  function twoStreams(): {
    builder: StreamsBuilder;
    grouped1: KGroupedStream<string, string>;
    grouped2: KGroupedStream<string, string>;
  } {
    const builder = new StreamsBuilder();
    const grouped1 = builder.stream("one", stringConsumed).groupByKey();
    const grouped2 = builder.stream("two", stringConsumed).groupByKey();
    return { builder, grouped1, grouped2 };
  }
  const run = (builder: StreamsBuilder): TopologyTestDriver => {
    driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: "string", defaultValueSerde: "string" });
    return driver;
  };
  const pipe = async (d: TopologyTestDriver, topic: string, records: [string, string | null, number][]) => {
    const input = d.createInputTopic(topic, Serdes.string(), Serdes.string());
    for (const [key, value, timestamp] of records) await input.pipeInput(key, value, { timestamp });
  };

  it("shouldCogroupAndAggregateSingleKStreams", async () => {
    const { builder, grouped1 } = twoStreams();
    grouped1.cogroup(STRING_AGGREGATOR).aggregate(STRING_INITIALIZER).toStream().to(OUTPUT);
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.string());
    await pipe(d, "one", [
      ["k1", "A", 0],
      ["k2", "B", 0],
      ["k2", "B", 0],
      ["k1", "A", 0],
    ]);
    expectOutput(output, [kvt("k1", "A", 0), kvt("k2", "B", 0), kvt("k2", "BB", 0), kvt("k1", "AA", 0)]);
  });

  it("testCogroupHandleNullValues", async () => {
    const { builder, grouped1 } = twoStreams();
    grouped1.cogroup(STRING_AGGREGATOR).aggregate(STRING_INITIALIZER).toStream().to(OUTPUT);
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.string());
    await pipe(d, "one", [
      ["k1", "A", 0],
      ["k2", "B", 0],
      ["k2", null, 0],
      ["k2", "B", 0],
      ["k1", "A", 0],
    ]);
    expectOutput(output, [kvt("k1", "A", 0), kvt("k2", "B", 0), kvt("k2", "BB", 0), kvt("k1", "AA", 0)]);
  });

  it("shouldCogroupAndAggregateTwoKStreamsWithDistinctKeys", async () => {
    const { builder, grouped1, grouped2 } = twoStreams();
    grouped1
      .cogroup(STRING_AGGREGATOR)
      .cogroup(grouped2, STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER)
      .toStream()
      .to(OUTPUT);
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.string());
    await pipe(d, "one", [
      ["k1", "A", 0],
      ["k1", "A", 1],
      ["k1", "A", 10],
      ["k1", "A", 100],
    ]);
    await pipe(d, "two", [
      ["k2", "B", 100],
      ["k2", "B", 200],
      ["k2", "B", 1],
      ["k2", "B", 500],
      ["k2", "B", 500],
      ["k2", "B", 100],
    ]);
    expectOutput(output, [
      kvt("k1", "A", 0),
      kvt("k1", "AA", 1),
      kvt("k1", "AAA", 10),
      kvt("k1", "AAAA", 100),
      kvt("k2", "B", 100),
      kvt("k2", "BB", 200),
      kvt("k2", "BBB", 200),
      kvt("k2", "BBBB", 500),
      kvt("k2", "BBBBB", 500),
      kvt("k2", "BBBBBB", 500),
    ]);
  });

  const sharedKeysOne: [string, string, number][] = [
    ["k1", "A", 0],
    ["k2", "A", 1],
    ["k1", "A", 10],
    ["k2", "A", 100],
  ];

  it("shouldCogroupAndAggregateTwoKStreamsWithSharedKeys", async () => {
    const { builder, grouped1, grouped2 } = twoStreams();
    grouped1
      .cogroup(STRING_AGGREGATOR)
      .cogroup(grouped2, STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER)
      .toStream()
      .to(OUTPUT);
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.string());
    await pipe(d, "one", sharedKeysOne);
    await pipe(d, "two", [
      ["k2", "B", 100],
      ["k2", "B", 200],
      ["k1", "B", 1],
      ["k2", "B", 500],
      ["k1", "B", 500],
      ["k2", "B", 500],
      ["k3", "B", 500],
      ["k2", "B", 100],
    ]);
    expectOutput(output, [
      kvt("k1", "A", 0),
      kvt("k2", "A", 1),
      kvt("k1", "AA", 10),
      kvt("k2", "AA", 100),
      kvt("k2", "AAB", 100),
      kvt("k2", "AABB", 200),
      kvt("k1", "AAB", 10),
      kvt("k2", "AABBB", 500),
      kvt("k1", "AABB", 500),
      kvt("k2", "AABBBB", 500),
      kvt("k3", "B", 500),
      kvt("k2", "AABBBBB", 500),
    ]);
  });

  const sumsExpected = (output: TestOutputTopic<string, number>, withK3: boolean) =>
    expectOutput(output, [
      kvt("k1", 1, 0),
      kvt("k2", 1, 1),
      kvt("k1", 2, 10),
      kvt("k2", 2, 100),
      kvt("k2", 4, 100),
      kvt("k2", 6, 200),
      kvt("k1", 4, 10),
      kvt("k2", 8, 500),
      kvt("k1", 6, 500),
      kvt("k2", 11, 500),
      ...(withK3 ? [kvt("k3", 2, 500), kvt("k2", 13, 500)] : []),
    ]);

  it("shouldAllowDifferentOutputTypeInCoGroup", async () => {
    const { builder, grouped1, grouped2 } = twoStreams();
    grouped1
      .cogroup(STRING_SUM_AGGREGATOR)
      .cogroup(grouped2, STRING_SUM_AGGREGATOR)
      .aggregate(SUM_INITIALIZER, { store: "store1", value: Serdes.int32() })
      .toStream()
      .to(OUTPUT, { value: Serdes.int32() });
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.int32());
    await pipe(d, "one", [
      ["k1", "1", 0],
      ["k2", "1", 1],
      ["k1", "1", 10],
      ["k2", "1", 100],
    ]);
    await pipe(d, "two", [
      ["k2", "2", 100],
      ["k2", "2", 200],
      ["k1", "2", 1],
      ["k2", "2", 500],
      ["k1", "2", 500],
      ["k2", "3", 500],
      ["k3", "2", 500],
      ["k2", "2", 100],
    ]);
    sumsExpected(output, true);
  });

  it("shouldCoGroupStreamsWithDifferentInputTypes", async () => {
    const builder = new StreamsBuilder();
    const grouped1 = builder.stream("one", stringConsumed).groupByKey();
    const grouped2 = builder.stream("two", { key: Serdes.string(), value: Serdes.int32() }).groupByKey();
    grouped1
      .cogroup(STRING_SUM_AGGREGATOR)
      .cogroup(grouped2, SUM_AGGREGATOR)
      .aggregate(SUM_INITIALIZER, { store: "store1", value: Serdes.int32() })
      .toStream()
      .to(OUTPUT, { value: Serdes.int32() });
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.int32());
    await pipe(d, "one", [
      ["k1", "1", 0],
      ["k2", "1", 1],
      ["k1", "1", 10],
      ["k2", "1", 100],
    ]);
    const two = d.createInputTopic("two", Serdes.string(), Serdes.int32());
    for (const [key, value, timestamp] of [
      ["k2", 2, 100],
      ["k2", 2, 200],
      ["k1", 2, 1],
      ["k2", 2, 500],
      ["k1", 2, 500],
      ["k2", 3, 500],
      ["k3", 2, 500],
      ["k2", 2, 100],
    ] as const)
      await two.pipeInput(key, value, { timestamp });
    sumsExpected(output, true);
    // The store holds the aggregates, queryable by the name given.
    expect(await d.getKeyValueStore<string, number>("store1").get("k2")).toBe(13);
  });

  it("testCogroupKeyMixedAggregators", async () => {
    const { builder, grouped1, grouped2 } = twoStreams();
    grouped1
      .cogroup(TOSTRING_REMOVER)
      .cogroup(grouped2, TOSTRING_ADDER)
      .aggregate(STRING_INIT, { store: "store1", value: Serdes.string() })
      .toStream()
      .to(OUTPUT);
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.string());
    await pipe(d, "one", [
      ["k1", "1", 0],
      ["k2", "1", 1],
      ["k1", "1", 10],
      ["k2", "1", 100],
    ]);
    await pipe(d, "two", [
      ["k1", "2", 500],
      ["k2", "2", 500],
      ["k1", "2", 500],
      ["k2", "2", 100],
    ]);
    expectOutput(output, [
      kvt("k1", "0-1", 0),
      kvt("k2", "0-1", 1),
      kvt("k1", "0-1-1", 10),
      kvt("k2", "0-1-1", 100),
      kvt("k1", "0-1-1+2", 500),
      kvt("k2", "0-1-1+2", 500),
      kvt("k1", "0-1-1+2+2", 500),
      kvt("k2", "0-1-1+2+2", 500),
    ]);
  });

  it("testCogroupWithThreeGroupedStreams", async () => {
    const { builder, grouped1, grouped2 } = twoStreams();
    const grouped3 = builder.stream("three", stringConsumed).groupByKey();
    grouped1
      .cogroup(STRING_AGGREGATOR)
      .cogroup(grouped2, STRING_AGGREGATOR)
      .cogroup(grouped3, STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER)
      .toStream()
      .to(OUTPUT);
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.string());
    await pipe(d, "one", sharedKeysOne);
    await pipe(d, "two", [
      ["k2", "B", 100],
      ["k2", "B", 200],
      ["k1", "B", 1],
      ["k2", "B", 500],
    ]);
    await pipe(d, "three", [
      ["k1", "B", 500],
      ["k2", "B", 500],
      ["k3", "B", 500],
      ["k2", "B", 100],
    ]);
    expectOutput(output, [
      kvt("k1", "A", 0),
      kvt("k2", "A", 1),
      kvt("k1", "AA", 10),
      kvt("k2", "AA", 100),
      kvt("k2", "AAB", 100),
      kvt("k2", "AABB", 200),
      kvt("k1", "AAB", 10),
      kvt("k2", "AABBB", 500),
      kvt("k1", "AABB", 500),
      kvt("k2", "AABBBB", 500),
      kvt("k3", "B", 500),
      kvt("k2", "AABBBBB", 500),
    ]);
  });

  it("testCogroupWithKTableKTableInnerJoin", async () => {
    const { builder, grouped1, grouped2 } = twoStreams();
    const table1 = grouped1
      .cogroup(STRING_AGGREGATOR)
      .cogroup(grouped2, STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER, { name: "name", store: "store" });
    const table2 = builder.table("three", stringConsumed);
    table1.join(table2, toStringJoiner, { value: Serdes.string() }).toStream().to(OUTPUT);
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.string());
    await pipe(d, "one", [["k1", "A", 5]]);
    await pipe(d, "two", [["k2", "B", 6]]);
    expect(output.isEmpty()).toBe(true);
    await pipe(d, "three", [
      ["k1", "C", 0],
      ["k2", "D", 10],
    ]);
    expectOutput(output, [kvt("k1", "A+C", 5), kvt("k2", "B+D", 10)]);
  });

  it("repartitions a re-keyed input and aggregates it with the others by the new key", async () => {
    const builder = new StreamsBuilder();
    const byValue = builder.stream("one", stringConsumed).map(swap).groupByKey();
    const byKey = builder.stream("two", stringConsumed).groupByKey();
    byValue
      .cogroup(STRING_AGGREGATOR)
      .cogroup(byKey, (_key, value, aggregate: string) => aggregate + value.toLowerCase())
      .aggregate(STRING_INITIALIZER, { store: "letters", value: Serdes.string() })
      .toStream()
      .to(OUTPUT);
    const d = run(builder);
    const output = d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.string());
    await pipe(d, "one", [
      ["X", "k1", 1],
      ["Y", "k1", 2],
    ]);
    await pipe(d, "two", [["k1", "Z", 3]]);
    expectOutput(output, [kvt("k1", "X", 1), kvt("k1", "XY", 2), kvt("k1", "XYz", 3)]);
    expect(d.topology.repartitionTopics.map((topic) => topic.name)).toEqual(["letters-repartition"]);
  });
});
