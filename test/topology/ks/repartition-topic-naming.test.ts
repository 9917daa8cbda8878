// Ports of Kafka Streams' RepartitionTopicNamingTest (the cases without stream-stream
// joins or merge.repartition.topics, which Eddy does not apply yet) and KStreamRepartitionTest:
// a named grouping keeps its repartition topic's name whatever operators come before it,
// one grouping shares one repartition topic between its aggregations, unnamed ones do not,
// and two groupings of one name are refused.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import type { KStream } from "../../../src/topology/dsl/kstream.js";
import { InvalidTopologyError, TopologyError } from "../../../src/topology/errors.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { expectOutput, kvt } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const kvMapper = (key: string, value: string): string => key + value;

/** getCountOfRepartitionTopicsFound: sinks writing to a repartition topic. */
function repartitionSinks(topology: string): number {
  return topology.match(/Sink: .*-repartition/g)?.length ?? 0;
}

function describeOf(builder: StreamsBuilder): string {
  return builder.build().describe().toString();
}

describe("RepartitionTopicNamingTest", () => {
  it("shouldFailWithSameRepartitionTopicName", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .selectKey((key) => key)
      .groupByKey({ name: "grouping" })
      .count()
      .toStream();
    expect(() => {
      builder
        .stream("topicII", strings)
        .selectKey((key) => key)
        .groupByKey({ name: "grouping" })
        .count()
        .toStream();
      builder.build();
    }).toThrow(TopologyError);
  });

  it("shouldNotFailWithSameRepartitionTopicNameUsingSameKGroupedStream", () => {
    const builder = new StreamsBuilder();
    const grouped = builder
      .stream("topic", strings)
      .selectKey((key) => key)
      .groupByKey({ name: "grouping" });
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count().toStream().to("output-one");
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(30)).count().toStream().to("output-two");
    const topology = describeOf(builder);
    expect(repartitionSinks(topology)).toBe(1);
    expect(topology).toContain("grouping-repartition");
  });

  it.each([
    ["shouldNotFailWithSameRepartitionTopicNameUsingSameTimeWindowStream", false],
    ["shouldNotFailWithSameRepartitionTopicNameUsingSameSessionWindowStream", true],
  ] as const)("%s", (_name, session) => {
    const builder = new StreamsBuilder();
    const grouped = builder
      .stream("topic", strings)
      .selectKey((key) => key)
      .groupByKey({ name: "grouping" });
    const windowed = session
      ? grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
      : grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10));
    windowed.count().toStream().to("output-one");
    windowed
      .reduce((v1: string, v2: string) => v1 + v2)
      .toStream()
      .to("output-two");
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(30)).count().toStream().to("output-two");
    const topology = describeOf(builder);
    expect(repartitionSinks(topology)).toBe(1);
    expect(topology).toContain("grouping-repartition");
  });

  it("shouldNotFailWithSameRepartitionTopicNameUsingSameKGroupedTable", () => {
    const builder = new StreamsBuilder();
    const grouped = builder.table("topic", strings).groupBy((key, value) => ({ key, value }), { name: "grouping" });
    grouped.count().toStream().to("output-count");
    grouped
      .reduce(
        (_v, v2) => v2,
        (_v, v2) => v2,
      )
      .toStream()
      .to("output-reduce");
    const topology = describeOf(builder);
    expect(repartitionSinks(topology)).toBe(1);
    expect(topology).toContain("grouping-repartition");
  });

  it("shouldNotReuseRepartitionNodeWithUnnamedRepartitionTopics", () => {
    const builder = new StreamsBuilder();
    const grouped = builder
      .stream("topic", strings)
      .selectKey((key) => key)
      .groupByKey();
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count().toStream().to("output-one");
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(30)).count().toStream().to("output-two");
    expect(repartitionSinks(describeOf(builder))).toBe(2);
  });

  it("shouldNotReuseRepartitionNodeWithUnnamedRepartitionTopicsKGroupedTable", () => {
    const builder = new StreamsBuilder();
    const grouped = builder.table("topic", strings).groupBy((key, value) => ({ key, value }));
    grouped.count().toStream().to("output-count");
    grouped
      .reduce(
        (_v, v2) => v2,
        (_v, v2) => v2,
      )
      .toStream()
      .to("output-reduce");
    expect(repartitionSinks(describeOf(builder))).toBe(2);
  });

  /** The builders of buildStreamGroupByKey*: a re-keyed stream, maybe filtered and mapped, grouped by a given name. */
  function grouped(otherOperations: boolean, groupByKey: boolean, name: string) {
    const builder = new StreamsBuilder();
    let stream: KStream<string, string> = builder.stream("topic", strings).selectKey((key, value) => key + value);
    if (otherOperations) stream = stream.filter(() => true).mapValues((value) => value);
    const groupedStream = groupByKey ? stream.groupByKey({ name }) : stream.groupBy(kvMapper, { name });
    return { builder, groupedStream };
  }

  describe.each([false, true])("other operations before the grouping: %s", (otherOperations) => {
    it.each([
      ["shouldKeepRepartitionTopicNameForGroupByKeyTimeWindows", true],
      ["shouldKeepRepartitionTopicNameForGroupByTimeWindows", false],
    ] as const)("%s", (_name, groupByKey) => {
      const { builder, groupedStream } = grouped(otherOperations, groupByKey, "time-window-grouping");
      // As the Java test: groupByKey is windowed, groupBy is not.
      if (groupByKey) groupedStream.windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count();
      else groupedStream.count();
      expect(describeOf(builder)).toContain("(topic: time-window-grouping-repartition)");
    });

    it.each([
      ["shouldKeepRepartitionTopicNameForGroupByKeySessionWindows", true],
      ["shouldKeepRepartitionTopicNameForGroupBySessionWindows", false],
    ] as const)("%s", (_name, groupByKey) => {
      const { builder, groupedStream } = grouped(otherOperations, groupByKey, "session-window-grouping");
      groupedStream.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10)).count();
      expect(describeOf(builder)).toContain("(topic: session-window-grouping-repartition)");
    });

    it.each([
      ["shouldKeepRepartitionTopicNameForGroupByKeyNoWindows", true],
      ["shouldKeepRepartitionTopicNameForGroupByNoWindows", false],
    ] as const)("%s", (_name, groupByKey) => {
      const { builder, groupedStream } = grouped(otherOperations, groupByKey, "kstream-grouping");
      groupedStream.count();
      expect(describeOf(builder)).toContain("(topic: kstream-grouping-repartition)");
    });

    it("shouldKeepRepartitionNameForGroupByKTable", () => {
      const builder = new StreamsBuilder();
      let table = builder.table("topic", strings);
      if (otherOperations) table = table.filter(() => true);
      table.groupBy((key, value) => ({ key, value }), { name: "ktable-group-by" }).count();
      expect(describeOf(builder)).toContain("(topic: ktable-group-by-repartition)");
    });
  });
});

describe("KStreamRepartitionTest", () => {
  let driver: TopologyTestDriver | undefined;
  afterEach(async () => {
    await driver?.close();
    driver = undefined;
  });

  it("shouldInvokePartitionerWhenSet", async () => {
    const calls: [number, string, number][] = [];
    const builder = new StreamsBuilder();
    builder.stream("input-topic", { key: Serdes.int32(), value: Serdes.string() }).repartition({
      name: "test",
      partitioner: (_topic, key, value, numPartitions) => {
        calls.push([key, value, numPartitions]);
        return 0;
      },
    });
    driver = new TopologyTestDriver(builder.build(), { applicationId: "app" });
    const input = driver.createInputTopic("input-topic", Serdes.int32(), Serdes.string());
    const output = driver.createOutputTopic("app-test-repartition", Serdes.int32(), Serdes.string());
    for (const key of [0, 1]) await input.pipeInput(key, `X${key}`, { timestamp: key + 10 });
    expectOutput(output, [kvt(0, "X0", 10), kvt(1, "X1", 11)]);
    expect(calls.map(([key, value]) => [key, value])).toEqual([
      [0, "X0"],
      [1, "X1"],
    ]);
  });

  // Kafka Streams' TopologyException reads "Following topics do not have the same number of
  // partitions: [{input-topic-scale-up-repartition=4, topic-b-scale-up-repartition=2}]";
  // Eddy's InvalidTopologyError names the same topics and counts in its own words.
  it("shouldThrowAnExceptionWhenNumberOfPartitionsOfRepartitionOperationsDoNotMatchWhenJoining", () => {
    const builder = new StreamsBuilder();
    const consumed = { key: Serdes.int32(), value: Serdes.string() };
    const topicBStream = builder.stream("topic-b", consumed).repartition({ name: "topic-b-scale-up", partitions: 2 });
    builder
      .stream("input-topic", consumed)
      .repartition({ name: "input-topic-scale-up", partitions: 4 })
      .join(topicBStream, (_value1: string, value2: string) => value2, JoinWindows.ofTimeDifferenceWithNoGrace(10_000))
      .to("topic-output");
    let error: unknown;
    try {
      builder.build();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidTopologyError);
    expect((error as Error).message).toContain(
      "different partition counts (input-topic-scale-up-repartition: 4, topic-b-scale-up-repartition: 2)",
    );
  });
});
