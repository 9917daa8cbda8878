// Ports of Kafka Streams' TimeWindowedCogroupedKStreamImplTest,
// SessionWindowedCogroupedKStreamImplTest and SlidingWindowedCogroupedKStreamImplTest: two
// grouped streams cogrouped (an adder and a remover) into windows, the same inputs, the
// same windowed results and timestamps, and the names of the nodes and the store.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Serde } from "../../../src/serdes/serde.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import type { CogroupedKStream } from "../../../src/topology/dsl/cogrouped-kstream.js";
import type { KGroupedStream } from "../../../src/topology/dsl/kgrouped-stream.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { InvalidOperationError } from "../../../src/topology/errors.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const STRING_INIT = () => "0";
const TOSTRING_ADDER = (_key: string, value: string, aggregate: string) => `${aggregate}+${value}`;
const TOSTRING_REMOVER = (_key: string, value: string, aggregate: string) => `${aggregate}-${value}`;
const sessionMerger = (_key: string, one: string, two: string) => `${one}+${two}`;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

interface Setup {
  builder: StreamsBuilder;
  groupedStream: KGroupedStream<string, string>;
  cogroupedStream: CogroupedKStream<string, string>;
}

function setup(): Setup {
  const builder = new StreamsBuilder();
  const groupedStream = builder.stream("topic", strings).groupByKey(strings);
  const groupedStream2 = builder.stream("topic2", strings).groupByKey(strings);
  const cogroupedStream = groupedStream.cogroup(TOSTRING_ADDER).cogroup(groupedStream2, TOSTRING_REMOVER);
  return { builder, groupedStream, cogroupedStream };
}

type Pipe = readonly [topic: 1 | 2, key: string, value: string, timestamp: number];

/** Pipes the records and reads the output as [key, value, timestamp] (assertOutputKeyValueTimestamp) and with windows. */
async function run(
  builder: StreamsBuilder,
  table: KTable<Windowed<string>, string>,
  outputKeys: Serde<Windowed<string>>,
  records: readonly Pipe[],
): Promise<{
  plain: [string, string | null, number | null][];
  windowed: [string, number, number, string | null, number | null][];
}> {
  table.toStream().to("output", { key: outputKeys, value: Serdes.string() });
  driver = new TopologyTestDriver(builder.build());
  const inputs = {
    1: driver.createInputTopic("topic", Serdes.string(), Serdes.string()),
    2: driver.createInputTopic("topic2", Serdes.string(), Serdes.string()),
  };
  for (const [topic, key, value, timestamp] of records) await inputs[topic].pipeInput(key, value, { timestamp });
  const out = driver.createOutputTopic("output", outputKeys, Serdes.string()).readRecordsToList();
  return {
    plain: out.map((r) => [r.key?.key ?? "", r.value, r.timestamp]),
    windowed: out.map((r) => [
      r.key?.key ?? "",
      r.key?.window.start ?? -1,
      r.key?.window.end ?? -1,
      r.value,
      r.timestamp,
    ]),
  };
}

const namedDescription =
  "Topologies:\n" +
  "   Sub-topology: 0\n" +
  "    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n" +
  "      --> foo-cogroup-agg-0\n" +
  "    Processor: foo-cogroup-agg-0 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
  "      --> foo-cogroup-merge\n" +
  "      <-- KSTREAM-SOURCE-0000000000\n" +
  "    Processor: foo-cogroup-merge (stores: [])\n" +
  "      --> none\n" +
  "      <-- foo-cogroup-agg-0\n\n";

function namedBuilder(): KGroupedStream<string, string> & { builder: StreamsBuilder } {
  const builder = new StreamsBuilder();
  return Object.assign(builder.stream("topic", strings).groupByKey(strings), { builder });
}

describe("TimeWindowedCogroupedKStream (TimeWindowedCogroupedKStreamImplTest)", () => {
  const WINDOW_SIZE = 500;
  const timeKeys = Serdes.timeWindowed(Serdes.string(), WINDOW_SIZE);
  const windowed = (s: Setup) => s.cogroupedStream.windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE));

  it("namedParamShouldSetName", () => {
    const grouped = namedBuilder();
    grouped
      .cogroup(TOSTRING_ADDER)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE))
      .aggregate(STRING_INIT, { name: "foo" });
    expect(grouped.builder.build().describe().toString()).toBe(namedDescription);
  });

  it("shouldNotHaveNullInitializerOnAggregate", () => {
    expect(() => windowed(setup()).aggregate(null as never)).toThrow(InvalidOperationError);
  });

  it("timeWindowAggregateTestStreamsTest", async () => {
    const s = setup();
    const table = windowed(s).aggregate(STRING_INIT, strings);
    const { plain } = await run(s.builder, table, timeKeys, [
      [1, "k1", "A", 0],
      [1, "k2", "A", 0],
      [1, "k2", "A", 1],
      [1, "k1", "A", 2],
      [1, "k1", "B", 3],
      [1, "k2", "B", 3],
      [1, "k2", "B", 4],
      [1, "k1", "B", 4],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k2", "0+A", 0],
      ["k2", "0+A+A", 1],
      ["k1", "0+A+A", 2],
      ["k1", "0+A+A+B", 3],
      ["k2", "0+A+A+B", 3],
      ["k2", "0+A+A+B+B", 4],
      ["k1", "0+A+A+B+B", 4],
    ]);
  });

  it("timeWindowMixAggregatorsTest", async () => {
    const s = setup();
    const table = windowed(s).aggregate(STRING_INIT, strings);
    const { plain } = await run(s.builder, table, timeKeys, [
      [1, "k1", "A", 0],
      [1, "k2", "A", 0],
      [1, "k2", "A", 1],
      [1, "k1", "A", 2],
      [2, "k1", "B", 3],
      [2, "k2", "B", 3],
      [2, "k2", "B", 4],
      [2, "k1", "B", 4],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k2", "0+A", 0],
      ["k2", "0+A+A", 1],
      ["k1", "0+A+A", 2],
      ["k1", "0+A+A-B", 3],
      ["k2", "0+A+A-B", 3],
      ["k2", "0+A+A-B-B", 4],
      ["k1", "0+A+A-B-B", 4],
    ]);
  });

  it("timeWindowAggregateManyWindowsTest", async () => {
    const s = setup();
    const table = s.groupedStream
      .cogroup(TOSTRING_ADDER)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(500))
      .aggregate(STRING_INIT, strings);
    const { plain } = await run(s.builder, table, timeKeys, [
      [1, "k1", "A", 0],
      [1, "k2", "A", 499],
      [1, "k2", "A", 500],
      [1, "k1", "A", 500],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k2", "0+A", 499],
      ["k2", "0+A", 500],
      ["k1", "0+A", 500],
    ]);
  });

  it("timeWindowAggregateOverlappingWindowsTest", async () => {
    const s = setup();
    const table = s.groupedStream
      .cogroup(TOSTRING_ADDER)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(500).advanceBy(200))
      .aggregate(STRING_INIT, strings);
    const { plain } = await run(s.builder, table, timeKeys, [
      [1, "k1", "A", 0],
      [1, "k2", "A", 0],
      [1, "k1", "B", 250],
      [1, "k2", "B", 250],
      [1, "k2", "A", 500],
      [1, "k1", "A", 500],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k2", "0+A", 0],
      ["k1", "0+A+B", 250],
      ["k1", "0+B", 250],
      ["k2", "0+A+B", 250],
      ["k2", "0+B", 250],
      ["k2", "0+B+A", 500],
      ["k2", "0+A", 500],
      ["k1", "0+B+A", 500],
      ["k1", "0+A", 500],
    ]);
  });

  it("timeWindowMixAggregatorsManyWindowsTest", async () => {
    const s = setup();
    const table = windowed(s).aggregate(STRING_INIT, strings);
    const { plain } = await run(s.builder, table, timeKeys, [
      [1, "k1", "A", 0],
      [1, "k2", "A", 0],
      [1, "k2", "A", 1],
      [1, "k1", "A", 2],
      [2, "k1", "B", 3],
      [2, "k2", "B", 3],
      [2, "k2", "B", 501],
      [2, "k1", "B", 501],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k2", "0+A", 0],
      ["k2", "0+A+A", 1],
      ["k1", "0+A+A", 2],
      ["k1", "0+A+A-B", 3],
      ["k2", "0+A+A-B", 3],
      ["k2", "0-B", 501],
      ["k1", "0-B", 501],
    ]);
  });

  it("keeps its windows in a window store of size + grace, queryable by name", async () => {
    const s = setup();
    const table = s.cogroupedStream
      .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_SIZE, 100))
      .aggregate(STRING_INIT, { ...strings, store: "cogrouped-windows" });
    await run(s.builder, table, timeKeys, [
      [1, "k1", "A", 10],
      [2, "k1", "B", 20],
    ]);
    expect(driver?.topology.stores.get("cogrouped-windows")).toMatchObject({
      type: "window",
      windowed: { windowSizeMs: 500, retentionMs: 600 },
    });
    expect(await driver?.getWindowStore<string, string>("cogrouped-windows").fetch("k1", 0)).toBe("0+A-B");
    expect(() =>
      setup().cogroupedStream.windowedBy(TimeWindows.ofSizeWithNoGrace(10)).aggregate(STRING_INIT, { retention: 5 }),
    ).toThrow(/retention period/);
  });
});

describe("SessionWindowedCogroupedKStream (SessionWindowedCogroupedKStreamImplTest)", () => {
  const sessionKeys = Serdes.sessionWindowed(Serdes.string());
  const windowed = (s: Setup) => s.cogroupedStream.windowedBy(SessionWindows.ofInactivityGapAndGrace(100, 86_400_000));
  const sessions500 = (s: Setup) =>
    s.groupedStream.cogroup(TOSTRING_ADDER).windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500));

  it("namedParamShouldSetName", () => {
    const grouped = namedBuilder();
    grouped
      .cogroup(TOSTRING_ADDER)
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1))
      .aggregate(STRING_INIT, sessionMerger, { name: "foo" });
    expect(grouped.builder.build().describe().toString()).toBe(namedDescription);
  });

  it("shouldNotHaveNullInitializerOnAggregate, shouldNotHaveNullSessionMergerOnAggregate", () => {
    expect(() => windowed(setup()).aggregate(null as never, sessionMerger)).toThrow(InvalidOperationError);
    expect(() => windowed(setup()).aggregate(STRING_INIT, null as never)).toThrow(/merger/);
  });

  it("sessionWindowAggregateTest", async () => {
    const s = setup();
    const { plain } = await run(s.builder, sessions500(s).aggregate(STRING_INIT, sessionMerger, strings), sessionKeys, [
      [1, "k1", "A", 0],
      [1, "k2", "A", 0],
      [1, "k1", "B", 599],
      [1, "k2", "B", 607],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k2", "0+A", 0],
      ["k1", "0+B", 599],
      ["k2", "0+B", 607],
    ]);
  });

  it("sessionWindowAggregate2Test", async () => {
    const s = setup();
    const { plain } = await run(s.builder, sessions500(s).aggregate(STRING_INIT, sessionMerger, strings), sessionKeys, [
      [1, "k1", "A", 0],
      [1, "k1", "A", 0],
      [1, "k2", "B", 599],
      [1, "k1", "B", 607],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k1", "0+0+A+A", 0],
      ["k2", "0+B", 599],
      ["k1", "0+B", 607],
    ]);
  });

  it("sessionWindowAggregateTest2StreamsTest", async () => {
    const s = setup();
    const { plain } = await run(s.builder, windowed(s).aggregate(STRING_INIT, sessionMerger, strings), sessionKeys, [
      [1, "k1", "A", 0],
      [1, "k1", "A", 84],
      [1, "k1", "A", 113],
      [1, "k1", "A", 199],
      [1, "k1", "B", 300],
      [1, "k2", "B", 301],
      [1, "k2", "B", 400],
      [1, "k1", "B", 400],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k1", null, 0],
      ["k1", "0+0+A+A", 84],
      ["k1", null, 84],
      ["k1", "0+0+0+A+A+A", 113],
      ["k1", null, 113],
      ["k1", "0+0+0+0+A+A+A+A", 199],
      ["k1", "0+B", 300],
      ["k2", "0+B", 301],
      ["k2", null, 301],
      ["k2", "0+0+B+B", 400],
      ["k1", null, 300],
      ["k1", "0+0+B+B", 400],
    ]);
  });

  it("sessionWindowMixAggregatorsTest", async () => {
    const s = setup();
    const { plain } = await run(s.builder, windowed(s).aggregate(STRING_INIT, sessionMerger, strings), sessionKeys, [
      [1, "k1", "A", 0],
      [1, "k2", "A", 0],
      [1, "k2", "A", 1],
      [1, "k1", "A", 2],
      [2, "k1", "B", 3],
      [2, "k2", "B", 3],
      [2, "k2", "B", 444],
      [2, "k1", "B", 444],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k2", "0+A", 0],
      ["k2", null, 0],
      ["k2", "0+0+A+A", 1],
      ["k1", null, 0],
      ["k1", "0+0+A+A", 2],
      ["k1", null, 2],
      ["k1", "0+0+0+A+A-B", 3],
      ["k2", null, 1],
      ["k2", "0+0+0+A+A-B", 3],
      ["k2", "0-B", 444],
      ["k1", "0-B", 444],
    ]);
  });

  it("sessionWindowMixAggregatorsManyWindowsTest", async () => {
    const s = setup();
    const { plain } = await run(s.builder, windowed(s).aggregate(STRING_INIT, sessionMerger, strings), sessionKeys, [
      [1, "k1", "A", 0],
      [1, "k2", "A", 0],
      [1, "k2", "A", 1],
      [1, "k1", "A", 2],
      [2, "k1", "B", 3],
      [2, "k2", "B", 500],
      [2, "k2", "B", 501],
      [2, "k1", "B", 501],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 0],
      ["k2", "0+A", 0],
      ["k2", null, 0],
      ["k2", "0+0+A+A", 1],
      ["k1", null, 0],
      ["k1", "0+0+A+A", 2],
      ["k1", null, 2],
      ["k1", "0+0+0+A+A-B", 3],
      ["k2", "0-B", 500],
      ["k2", null, 500],
      ["k2", "0+0-B-B", 501],
      ["k1", "0-B", 501],
    ]);
  });
});

describe("SlidingWindowedCogroupedKStream (SlidingWindowedCogroupedKStreamImplTest)", () => {
  const WINDOW_SIZE_MS = 500;
  const timeKeys = Serdes.timeWindowed(Serdes.string(), WINDOW_SIZE_MS);
  const windowed = (s: Setup) =>
    s.cogroupedStream.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(WINDOW_SIZE_MS, 2000));

  it("namedParamShouldSetName", () => {
    const grouped = namedBuilder();
    grouped
      .cogroup(TOSTRING_ADDER)
      .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(WINDOW_SIZE_MS))
      .aggregate(STRING_INIT, { name: "foo" });
    expect(grouped.builder.build().describe().toString()).toBe(namedDescription);
  });

  it("slidingWindowAggregateStreamsTest", async () => {
    const s = setup();
    const { windowed: out } = await run(s.builder, windowed(s).aggregate(STRING_INIT, strings), timeKeys, [
      [1, "k1", "A", 500],
      [1, "k2", "A", 500],
      [1, "k2", "A", 501],
      [1, "k1", "A", 502],
      [1, "k1", "B", 503],
      [1, "k2", "B", 503],
      [1, "k2", "B", 504],
      [1, "k1", "B", 504],
    ]);
    expect(out).toEqual([
      ["k1", 0, 500, "0+A", 500],
      ["k2", 0, 500, "0+A", 500],
      ["k2", 501, 1001, "0+A", 501],
      ["k2", 1, 501, "0+A+A", 501],
      ["k1", 501, 1001, "0+A", 502],
      ["k1", 2, 502, "0+A+A", 502],
      ["k1", 501, 1001, "0+A+B", 503],
      ["k1", 503, 1003, "0+B", 503],
      ["k1", 3, 503, "0+A+A+B", 503],
      ["k2", 501, 1001, "0+A+B", 503],
      ["k2", 502, 1002, "0+B", 503],
      ["k2", 3, 503, "0+A+A+B", 503],
      ["k2", 502, 1002, "0+B+B", 504],
      ["k2", 501, 1001, "0+A+B+B", 504],
      ["k2", 504, 1004, "0+B", 504],
      ["k2", 4, 504, "0+A+A+B+B", 504],
      ["k1", 503, 1003, "0+B+B", 504],
      ["k1", 501, 1001, "0+A+B+B", 504],
      ["k1", 504, 1004, "0+B", 504],
      ["k1", 4, 504, "0+A+A+B+B", 504],
    ]);
  });

  it("slidingWindowAggregateOverlappingWindowsTest", async () => {
    const s = setup();
    const table = s.groupedStream
      .cogroup(TOSTRING_ADDER)
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(WINDOW_SIZE_MS, 2000))
      .aggregate(STRING_INIT, strings);
    const { plain } = await run(s.builder, table, timeKeys, [
      [1, "k1", "A", 500],
      [1, "k2", "A", 500],
      [1, "k1", "B", 750],
      [1, "k2", "B", 750],
      [1, "k2", "A", 1000],
      [1, "k1", "A", 1000],
    ]);
    expect(plain).toEqual([
      ["k1", "0+A", 500],
      ["k2", "0+A", 500],
      ["k1", "0+B", 750],
      ["k1", "0+A+B", 750],
      ["k2", "0+B", 750],
      ["k2", "0+A+B", 750],
      ["k2", "0+B+A", 1000],
      ["k2", "0+A", 1000],
      ["k2", "0+A+B+A", 1000],
      ["k1", "0+B+A", 1000],
      ["k1", "0+A", 1000],
      ["k1", "0+A+B+A", 1000],
    ]);
  });
});
