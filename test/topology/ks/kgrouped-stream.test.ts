// Ports of Kafka Streams' KGroupedStreamImplTest: a grouped stream's count, reduce and
// aggregate into named and generated stores (values and timestamps read back through the
// driver's key-value and timestamped stores), a record with a null value skipped and
// counted by aggregate and reduce (the driver's droppedRecords stands for the log line the
// Java tests read), and its windowed counts: tumbling with grace, sliding, and sessions
// counted, reduced and aggregated, each with the records, values and timestamps Kafka
// Streams gives. The argument checks are in kgrouped-stream-arguments.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { KGroupedStream } from "../../../src/topology/dsl/kgrouped-stream.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier, kvt } from "./support.js";
import type { KeyValueTimestamp } from "./support.js";

const TOPIC = "topic";
const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function grouped(): { builder: StreamsBuilder; groupedStream: KGroupedStream<string, string> } {
  const builder = new StreamsBuilder();
  const groupedStream = builder.stream(TOPIC, strings).groupByKey(strings);
  return { builder, groupedStream };
}

async function open(builder: StreamsBuilder): Promise<TopologyTestDriver> {
  driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
  return driver;
}

async function processData(test: TopologyTestDriver): Promise<void> {
  const input = test.createInputTopic(TOPIC, Serdes.string(), Serdes.string());
  await input.pipeInput("1", "A", { timestamp: 5 });
  await input.pipeInput("2", "B", { timestamp: 1 });
  await input.pipeInput("1", "C", { timestamp: 3 });
  await input.pipeInput("1", "D", { timestamp: 10 });
  await input.pipeInput("3", "E", { timestamp: 8 });
  await input.pipeInput("3", "F", { timestamp: 9 });
  await input.pipeInput("3", null);
}

const w = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });

/** lastValueAndTimestampPerKey(), by the windowed key's text. */
function lastPerKey<V>(processed: KeyValueTimestamp<Windowed<string>, V>[]): Map<string, [V | null, number]> {
  const last = new Map<string, [V | null, number]>();
  for (const { key, value, timestamp } of processed) {
    last.set(`${key!.key}@${key!.window.start}-${key!.window.end}`, [value, timestamp]);
  }
  return last;
}

describe("KGroupedStream (KGroupedStreamImplTest): materialized results", () => {
  it("shouldCountAndMaterializeResults", async () => {
    const { builder, groupedStream } = grouped();
    groupedStream.count({ store: "count" });
    const test = await open(builder);
    await processData(test);
    const count = test.getKeyValueStore<string, number>("count");
    expect([await count.get("1"), await count.get("2"), await count.get("3")]).toEqual([3, 1, 2]);
    const timestamped = test.getTimestampedKeyValueStore<string, number>("count");
    expect(await timestamped.get("1")).toEqual({ value: 3, timestamp: 10 });
    expect(await timestamped.get("2")).toEqual({ value: 1, timestamp: 1 });
    expect(await timestamped.get("3")).toEqual({ value: 2, timestamp: 9 });
  });

  it("shouldLogAndMeasureSkipsInAggregate: the record with a null value is dropped and counted", async () => {
    const { builder, groupedStream } = grouped();
    groupedStream.count({ store: "count" });
    const test = await open(builder);
    await processData(test);
    expect(test.droppedRecords).toBe(1);
    expect(await test.getKeyValueStore<string, number>("count").get("3")).toBe(2);
  });

  it("shouldReduceAndMaterializeResults", async () => {
    const { builder, groupedStream } = grouped();
    groupedStream.reduce((a, b) => `${a}+${b}`, { store: "reduce", value: Serdes.string() });
    const test = await open(builder);
    await processData(test);
    const reduced = test.getKeyValueStore<string, string>("reduce");
    expect([await reduced.get("1"), await reduced.get("2"), await reduced.get("3")]).toEqual(["A+C+D", "B", "E+F"]);
    const timestamped = test.getTimestampedKeyValueStore<string, string>("reduce");
    expect(await timestamped.get("1")).toEqual({ value: "A+C+D", timestamp: 10 });
    expect(await timestamped.get("2")).toEqual({ value: "B", timestamp: 1 });
    expect(await timestamped.get("3")).toEqual({ value: "E+F", timestamp: 9 });
  });

  it("shouldLogAndMeasureSkipsInReduce: the record with a null value is dropped and counted", async () => {
    const { builder, groupedStream } = grouped();
    groupedStream.reduce((a, b) => `${a}+${b}`, { store: "reduce", value: Serdes.string() });
    const test = await open(builder);
    await processData(test);
    expect(test.droppedRecords).toBe(1);
    expect(await test.getKeyValueStore<string, string>("reduce").get("3")).toBe("E+F");
  });

  it("shouldAggregateAndMaterializeResults", async () => {
    const { builder, groupedStream } = grouped();
    groupedStream.aggregate(
      () => "0",
      (_key, value, aggregate) => `${aggregate}+${value}`,
      { store: "aggregate", value: Serdes.string() },
    );
    const test = await open(builder);
    await processData(test);
    const timestamped = test.getTimestampedKeyValueStore<string, string>("aggregate");
    expect(await timestamped.get("1")).toEqual({ value: "0+A+C+D", timestamp: 10 });
    expect(await timestamped.get("2")).toEqual({ value: "0+B", timestamp: 1 });
    expect(await timestamped.get("3")).toEqual({ value: "0+E+F", timestamp: 9 });
  });

  it("shouldAggregateWithDefaultSerdes", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    builder
      .stream(TOPIC)
      .groupByKey()
      .aggregate(
        () => "0",
        (_key, value, aggregate: string) => `${aggregate}+${String(value)}`,
      )
      .toStream()
      .process(supplier.supplier);
    driver = new TopologyTestDriver(builder.build(), {
      startTime: 0,
      defaultKeySerde: Serdes.string(),
      defaultValueSerde: Serdes.string(),
    });
    await processData(driver);
    const last = new Map(supplier.processed().map(({ key, value, timestamp }) => [key, [value, timestamp]]));
    expect(last.get("1")).toEqual(["0+A+C+D", 10]);
    expect(last.get("2")).toEqual(["0+B", 1]);
    expect(last.get("3")).toEqual(["0+E+F", 9]);
  });
});

describe("KGroupedStream (KGroupedStreamImplTest): windowed", () => {
  async function countWindowed(table: KTable<Windowed<string>, number>, builder: StreamsBuilder) {
    const supplier = new CapturingSupplier<Windowed<string>, number>();
    table.toStream().process(supplier.supplier);
    const test = await open(builder);
    const input = test.createInputTopic(TOPIC, Serdes.string(), Serdes.string());
    const records: Array<[string, string, number]> = [
      ["1", "A", 0],
      ["1", "A", 499],
      ["1", "A", 100],
      ["2", "B", 0],
      ["2", "B", 100],
      ["2", "B", 200],
      ["3", "C", 1],
      ["1", "A", 500],
      ["1", "A", 500],
      ["2", "B", 500],
      ["2", "B", 500],
      ["3", "B", 100],
    ];
    for (const [key, value, timestamp] of records) await input.pipeInput(key, value, { timestamp });
    return supplier.processed();
  }

  const windowedCounts = [
    kvt(w("1", 0, 500), 1, 0),
    kvt(w("1", 0, 500), 2, 499),
    kvt(w("1", 0, 500), 3, 499),
    kvt(w("2", 0, 500), 1, 0),
    kvt(w("2", 0, 500), 2, 100),
    kvt(w("2", 0, 500), 3, 200),
    kvt(w("3", 0, 500), 1, 1),
    kvt(w("1", 500, 1000), 1, 500),
    kvt(w("1", 500, 1000), 2, 500),
    kvt(w("2", 500, 1000), 1, 500),
    kvt(w("2", 500, 1000), 2, 500),
    kvt(w("3", 0, 500), 2, 100),
  ];

  it.each([
    ["shouldCountWindowed", { store: "aggregate-by-key-windowed" }],
    ["shouldCountWindowedWithInternalStoreName", undefined],
  ] as const)("%s", async (_name, options) => {
    const { builder, groupedStream } = grouped();
    const table = groupedStream.windowedBy(TimeWindows.ofSizeAndGrace(500, 100)).count(options);
    expect(await countWindowed(table, builder)).toEqual(windowedCounts);
  });

  it.each([
    ["shouldCountSlidingWindows", { store: "aggregate-by-key-windowed" }],
    ["shouldCountSlidingWindowsWithInternalStoreName", undefined],
  ] as const)("%s", async (_name, options) => {
    const { builder, groupedStream } = grouped();
    const table = groupedStream.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(500, 2000)).count(options);
    const supplier = new CapturingSupplier<Windowed<string>, number>();
    table.toStream().process(supplier.supplier);
    const test = await open(builder);
    const input = test.createInputTopic(TOPIC, Serdes.string(), Serdes.string());
    const records: Array<[string, string, number]> = [
      ["1", "A", 500],
      ["1", "A", 999],
      ["1", "A", 600],
      ["2", "B", 500],
      ["2", "B", 600],
      ["2", "B", 700],
      ["3", "C", 501],
      ["1", "A", 1000],
      ["1", "A", 1000],
      ["2", "B", 1000],
      ["2", "B", 1000],
      ["3", "C", 600],
    ];
    for (const [key, value, timestamp] of records) await input.pipeInput(key, value, { timestamp });
    // The test sorts what was processed by key, then window start (a stable sort).
    const actual = [...supplier.processed()].sort(
      (x, y) => x.key!.key.localeCompare(y.key!.key) || x.key!.window.start - y.key!.window.start,
    );
    expect(actual).toEqual([
      kvt(w("1", 0, 500), 1, 500),
      kvt(w("1", 100, 600), 2, 600),
      kvt(w("1", 499, 999), 2, 999),
      kvt(w("1", 499, 999), 3, 999),
      kvt(w("1", 500, 1000), 4, 1000),
      kvt(w("1", 500, 1000), 5, 1000),
      kvt(w("1", 501, 1001), 1, 999),
      kvt(w("1", 501, 1001), 2, 999),
      kvt(w("1", 501, 1001), 3, 1000),
      kvt(w("1", 501, 1001), 4, 1000),
      kvt(w("1", 601, 1101), 1, 999),
      kvt(w("1", 601, 1101), 2, 1000),
      kvt(w("1", 601, 1101), 3, 1000),
      kvt(w("1", 1000, 1500), 1, 1000),
      kvt(w("1", 1000, 1500), 2, 1000),
      kvt(w("2", 0, 500), 1, 500),
      kvt(w("2", 100, 600), 2, 600),
      kvt(w("2", 200, 700), 3, 700),
      kvt(w("2", 500, 1000), 4, 1000),
      kvt(w("2", 500, 1000), 5, 1000),
      kvt(w("2", 501, 1001), 1, 600),
      kvt(w("2", 501, 1001), 2, 700),
      kvt(w("2", 501, 1001), 3, 1000),
      kvt(w("2", 501, 1001), 4, 1000),
      kvt(w("2", 601, 1101), 1, 700),
      kvt(w("2", 601, 1101), 2, 1000),
      kvt(w("2", 601, 1101), 3, 1000),
      kvt(w("2", 701, 1201), 1, 1000),
      kvt(w("2", 701, 1201), 2, 1000),
      kvt(w("3", 1, 501), 1, 501),
      kvt(w("3", 100, 600), 2, 600),
      kvt(w("3", 502, 1002), 1, 600),
    ]);
  });

  async function sessions<V>(table: KTable<Windowed<string>, V>, builder: StreamsBuilder, values: string[]) {
    const supplier = new CapturingSupplier<Windowed<string>, V>();
    table.toStream().process(supplier.supplier);
    const test = await open(builder);
    const input = test.createInputTopic(TOPIC, Serdes.string(), Serdes.string());
    const keysAndTimes: Array<[string, number]> = [
      ["1", 10],
      ["2", 15],
      ["1", 30],
      ["1", 70],
      ["1", 100],
      ["1", 90],
    ];
    for (const [i, [key, timestamp]] of keysAndTimes.entries()) {
      await input.pipeInput(key, values[i]!, { timestamp });
    }
    return lastPerKey(supplier.processed());
  }

  it.each([
    ["shouldCountSessionWindows", { store: "session-store" }, "session-store"],
    ["shouldCountSessionWindowsWithInternalStoreName", undefined, undefined],
  ] as const)("%s", async (_name, options, storeName) => {
    const { builder, groupedStream } = grouped();
    const table = groupedStream.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30)).count(options);
    const last = await sessions(table, builder, ["1", "2", "1", "1", "1", "1"]);
    expect(last.get("1@10-30")).toEqual([2, 30]);
    expect(last.get("2@15-15")).toEqual([1, 15]);
    expect(last.get("1@70-100")).toEqual([3, 100]);
    expect(table.queryableStoreName).toBe(storeName);
  });

  it.each([
    ["shouldReduceSessionWindows", { store: "session-store" }, "session-store"],
    ["shouldReduceSessionWindowsWithInternalStoreName", undefined, undefined],
  ] as const)("%s", async (_name, options, storeName) => {
    const { builder, groupedStream } = grouped();
    const table = groupedStream
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30))
      .reduce((a, b) => `${a}:${b}`, options);
    const last = await sessions(table, builder, ["A", "Z", "B", "A", "B", "C"]);
    expect(last.get("1@10-30")).toEqual(["A:B", 30]);
    expect(last.get("2@15-15")).toEqual(["Z", 15]);
    expect(last.get("1@70-100")).toEqual(["A:B:C", 100]);
    expect(table.queryableStoreName).toBe(storeName);
  });

  it.each([
    ["shouldAggregateSessionWindows", { store: "session-store", value: Serdes.int32() }, "session-store"],
    ["shouldAggregateSessionWindowsWithInternalStoreName", { value: Serdes.int32() }, undefined],
  ] as const)("%s", async (_name, options, storeName) => {
    const { builder, groupedStream } = grouped();
    const table = groupedStream.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30)).aggregate(
      () => 0,
      (_key, _value, aggregate) => aggregate + 1,
      (_key, one, two) => one + two,
      options,
    );
    const last = await sessions(table, builder, ["1", "2", "1", "1", "1", "1"]);
    expect(last.get("1@10-30")).toEqual([2, 30]);
    expect(last.get("2@15-15")).toEqual([1, 15]);
    expect(last.get("1@70-100")).toEqual([3, 100]);
    expect(table.queryableStoreName).toBe(storeName);
  });
});
