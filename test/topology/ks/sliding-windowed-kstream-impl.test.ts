// Ports of Kafka Streams' SlidingWindowedKStreamImplTest: count, reduce and aggregate over
// sliding windows of a 100 ms time difference and 1000 ms grace; the same inputs, the last
// value and timestamp of each window downstream (MockApiProcessor's
// lastValueAndTimestampPerKey, read here off an output topic), and the same contents of the
// materialized window stores. The Java fetch(keyFrom, keyTo, from, to) over the test's only
// keys "1" and "2" is fetchAll(from, to). shouldDropWindowsOutsideOfRetention's in-memory
// store supplier of 1200 ms retention is the materialization { persistent: false, retention }.
// Materialized.withKeySerde is the grouping's key serde, which Eddy's materialization takes.
// Left out: the null Materialized and Named cases (a TypeScript options object cannot be
// null where it is optional; an absent one is the default).
import { afterEach, describe, expect, it } from "vitest";
import type { Serde } from "../../../src/serdes/serde.js";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import type { ReadOnlyWindowStore } from "../../../src/stores/window-store.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { EmitStrategy } from "../../../src/topology/dsl/emit-strategy.js";
import type { TimeWindowedKStream } from "../../../src/topology/dsl/time-windowed-kstream.js";
import { readAll } from "./support.js";

const TOPIC = "input";
const strings = { key: Serdes.string(), value: Serdes.string() };
const w = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });
const stringAdder = (aggregate: string, value: string): string => `${aggregate}+${value}`;
const toStringAdder = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function setup(): { builder: StreamsBuilder; windowedStream: TimeWindowedKStream<string, string> } {
  const builder = new StreamsBuilder();
  const windowedStream = builder
    .stream(TOPIC, strings)
    .groupByKey(strings)
    .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(100, 1000));
  return { builder, windowedStream };
}

async function processData(d: TopologyTestDriver): Promise<void> {
  const input = d.createInputTopic(TOPIC, Serdes.string(), Serdes.string());
  await input.pipeInput("1", "1", { timestamp: 100 });
  await input.pipeInput("1", "2", { timestamp: 150 });
  await input.pipeInput("1", "3", { timestamp: 500 });
  await input.pipeInput("2", "10", { timestamp: 200 });
  await input.pipeInput("2", "20", { timestamp: 150 });
}

/** lastValueAndTimestampPerKey(), keyed "key@start/end". */
async function lastValueAndTimestampPerKey<V>(
  builder: StreamsBuilder,
  table: KTable<Windowed<string>, V>,
  values: "string" | "long",
): Promise<Map<string, { value: V | null; timestamp: number }>> {
  table.toStream().to("output");
  driver = new TopologyTestDriver(builder.build());
  await processData(driver);
  const valueSerde = (values === "long" ? Serdes.long() : Serdes.string()) as Serde<unknown>;
  const output = driver.createOutputTopic("output", Serdes.timeWindowed(Serdes.string(), 100), valueSerde);
  const last = new Map<string, { value: V | null; timestamp: number }>();
  for (const { key, value, timestamp } of readAll(output)) {
    last.set(`${key!.key}@${key!.window.start}/${key!.window.end}`, { value: value as V | null, timestamp });
  }
  return last;
}

async function fetched<V>(store: ReadOnlyWindowStore<string, V>, from: number, to: number) {
  const list: { key: Windowed<string>; value: V }[] = [];
  for await (const entry of store.fetchAll(from, to)) list.push(entry);
  return list;
}

const vt = <V>(value: V, timestamp: number) => ({ value, timestamp });

describe("SlidingWindowedKStreamImpl (SlidingWindowedKStreamImplTest)", () => {
  it("shouldCountSlidingWindows", async () => {
    const { builder, windowedStream } = setup();
    const last = await lastValueAndTimestampPerKey(builder, windowedStream.count(), "long");
    expect(last.get("1@0/100")).toEqual(vt(1, 100));
    expect(last.get("1@101/201")).toEqual(vt(1, 150));
    expect(last.get("1@50/150")).toEqual(vt(2, 150));
    expect(last.get("1@400/500")).toEqual(vt(1, 500));
    expect(last.get("2@100/200")).toEqual(vt(2, 200));
    expect(last.get("2@50/150")).toEqual(vt(1, 150));
    expect(last.get("2@151/251")).toEqual(vt(1, 200));
  });

  it("shouldReduceSlidingWindows", async () => {
    const { builder, windowedStream } = setup();
    const last = await lastValueAndTimestampPerKey(builder, windowedStream.reduce(stringAdder), "string");
    expect(last.get("1@0/100")).toEqual(vt("1", 100));
    expect(last.get("1@101/201")).toEqual(vt("2", 150));
    expect(last.get("1@50/150")).toEqual(vt("1+2", 150));
    expect(last.get("1@400/500")).toEqual(vt("3", 500));
    expect(last.get("2@100/200")).toEqual(vt("10+20", 200));
    expect(last.get("2@50/150")).toEqual(vt("20", 150));
    expect(last.get("2@151/251")).toEqual(vt("10", 200));
  });

  it("shouldAggregateSlidingWindows", async () => {
    const { builder, windowedStream } = setup();
    const table = windowedStream.aggregate(() => "0", toStringAdder, { value: Serdes.string() });
    const last = await lastValueAndTimestampPerKey(builder, table, "string");
    expect(last.get("1@0/100")).toEqual(vt("0+1", 100));
    expect(last.get("1@101/201")).toEqual(vt("0+2", 150));
    expect(last.get("1@50/150")).toEqual(vt("0+1+2", 150));
    expect(last.get("1@400/500")).toEqual(vt("0+3", 500));
    expect(last.get("2@100/200")).toEqual(vt("0+10+20", 200));
    expect(last.get("2@50/150")).toEqual(vt("0+20", 150));
    expect(last.get("2@151/251")).toEqual(vt("0+10", 200));
  });

  it("shouldMaterializeCount", async () => {
    const { builder, windowedStream } = setup();
    windowedStream.count({ store: "count-store" });
    driver = new TopologyTestDriver(builder.build());
    await processData(driver);
    expect(await fetched(driver.getWindowStore<string, number>("count-store"), 0, 1000)).toEqual([
      { key: w("1", 0, 100), value: 1 },
      { key: w("1", 50, 150), value: 2 },
      { key: w("1", 101, 201), value: 1 },
      { key: w("1", 400, 500), value: 1 },
      { key: w("2", 50, 150), value: 1 },
      { key: w("2", 100, 200), value: 2 },
      { key: w("2", 151, 251), value: 1 },
    ]);
    expect(await fetched(driver.getTimestampedWindowStore<string, number>("count-store"), 0, 1000)).toEqual([
      { key: w("1", 0, 100), value: vt(1, 100) },
      { key: w("1", 50, 150), value: vt(2, 150) },
      { key: w("1", 101, 201), value: vt(1, 150) },
      { key: w("1", 400, 500), value: vt(1, 500) },
      { key: w("2", 50, 150), value: vt(1, 150) },
      { key: w("2", 100, 200), value: vt(2, 200) },
      { key: w("2", 151, 251), value: vt(1, 200) },
    ]);
  });

  it("shouldMaterializeReduced", async () => {
    const { builder, windowedStream } = setup();
    windowedStream.reduce(stringAdder, { store: "reduced", value: Serdes.string() });
    driver = new TopologyTestDriver(builder.build());
    await processData(driver);
    expect(await fetched(driver.getWindowStore<string, string>("reduced"), 0, 1000)).toEqual([
      { key: w("1", 0, 100), value: "1" },
      { key: w("1", 50, 150), value: "1+2" },
      { key: w("1", 101, 201), value: "2" },
      { key: w("1", 400, 500), value: "3" },
      { key: w("2", 50, 150), value: "20" },
      { key: w("2", 100, 200), value: "10+20" },
      { key: w("2", 151, 251), value: "10" },
    ]);
    expect(await fetched(driver.getTimestampedWindowStore<string, string>("reduced"), 0, 1000)).toEqual([
      { key: w("1", 0, 100), value: vt("1", 100) },
      { key: w("1", 50, 150), value: vt("1+2", 150) },
      { key: w("1", 101, 201), value: vt("2", 150) },
      { key: w("1", 400, 500), value: vt("3", 500) },
      { key: w("2", 50, 150), value: vt("20", 150) },
      { key: w("2", 100, 200), value: vt("10+20", 200) },
      { key: w("2", 151, 251), value: vt("10", 200) },
    ]);
  });

  it("shouldMaterializeAggregated", async () => {
    const { builder, windowedStream } = setup();
    windowedStream.aggregate(() => "0", toStringAdder, {
      store: "aggregated",
      value: Serdes.string(),
    });
    driver = new TopologyTestDriver(builder.build());
    await processData(driver);
    expect(await fetched(driver.getWindowStore<string, string>("aggregated"), 0, 1000)).toEqual([
      { key: w("1", 0, 100), value: "0+1" },
      { key: w("1", 50, 150), value: "0+1+2" },
      { key: w("1", 101, 201), value: "0+2" },
      { key: w("1", 400, 500), value: "0+3" },
      { key: w("2", 50, 150), value: "0+20" },
      { key: w("2", 100, 200), value: "0+10+20" },
      { key: w("2", 151, 251), value: "0+10" },
    ]);
    expect(await fetched(driver.getTimestampedWindowStore<string, string>("aggregated"), 0, 1000)).toEqual([
      { key: w("1", 0, 100), value: vt("0+1", 100) },
      { key: w("1", 50, 150), value: vt("0+1+2", 150) },
      { key: w("1", 101, 201), value: vt("0+2", 150) },
      { key: w("1", 400, 500), value: vt("0+3", 500) },
      { key: w("2", 50, 150), value: vt("0+20", 150) },
      { key: w("2", 100, 200), value: vt("0+10+20", 200) },
      { key: w("2", 151, 251), value: vt("0+10", 200) },
    ]);
  });

  it("shouldThrowNullPointerOnAggregateIfInitializerIsNull", () => {
    expect(() => setup().windowedStream.aggregate(null as never, toStringAdder)).toThrow("initializer can't be null");
  });

  it("shouldThrowNullPointerOnAggregateIfAggregatorIsNull", () => {
    expect(() => setup().windowedStream.aggregate(() => "0", null as never)).toThrow("aggregator can't be null");
  });

  it("shouldThrowNullPointerOnReduceIfReducerIsNull", () => {
    expect(() => setup().windowedStream.reduce(null as never)).toThrow("reducer can't be null");
  });

  it("shouldThrowNullPointerOnMaterializedAggregateIfInitializerIsNull", () => {
    expect(() => setup().windowedStream.aggregate(null as never, toStringAdder, { store: "store" })).toThrow(
      "initializer can't be null",
    );
  });

  it("shouldThrowNullPointerOnMaterializedAggregateIfAggregatorIsNull", () => {
    expect(() => setup().windowedStream.aggregate(() => "0", null as never, { store: "store" })).toThrow(
      "aggregator can't be null",
    );
  });

  it("shouldThrowNullPointerOnMaterializedReduceIfReducerIsNull", () => {
    expect(() => setup().windowedStream.reduce(null as never, { store: "store" })).toThrow("reducer can't be null");
  });

  // Kafka Streams' SlidingWindowStoreMaterializer: no record cache for a store whose windows are emitted on close.
  it("keeps the store of an aggregation that emits on window close out of the record cache", () => {
    for (const [strategy, caching] of [
      [EmitStrategy.onWindowUpdate(), true],
      [EmitStrategy.onWindowClose(), false],
    ] as const) {
      const { builder, windowedStream } = setup();
      windowedStream.emitStrategy(strategy).aggregate(() => "0", toStringAdder, { store: "aggregated" });
      expect(builder.build().stores.get("aggregated")?.caching).toBe(caching);
    }
  });

  it("shouldThrowIllegalArgumentWhenRetentionIsTooSmall", () => {
    expect(() =>
      setup().windowedStream.aggregate(() => "0", toStringAdder, {
        store: "aggregated",
        value: Serdes.string(),
        retention: 1,
      }),
    ).toThrow("The retention period of the window store aggregated must be no smaller than 2 * time difference");
  });

  it("shouldDropWindowsOutsideOfRetention", async () => {
    const { builder, windowedStream } = setup();
    windowedStream.aggregate(() => "0", toStringAdder, {
      store: "aggregated",
      persistent: false,
      retention: 1200,
      value: Serdes.string(),
      caching: false,
    });
    driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic(TOPIC, Serdes.string(), Serdes.string());
    await input.pipeInput("1", "2", { timestamp: 100 });
    await input.pipeInput("1", "3", { timestamp: 500 });
    await input.pipeInput("1", "4", { timestamp: 799 });
    await input.pipeInput("1", "4", { timestamp: 1000 });
    await input.pipeInput("1", "5", { timestamp: 2000 });
    expect(await fetched(driver.getWindowStore<string, string>("aggregated"), 0, 10000)).toEqual([
      { key: w("1", 900, 1000), value: "0+4" },
      { key: w("1", 1900, 2000), value: "0+5" },
    ]);
    expect(await fetched(driver.getTimestampedWindowStore<string, string>("aggregated"), 0, 2000)).toEqual([
      { key: w("1", 900, 1000), value: vt("0+4", 1000) },
      { key: w("1", 1900, 2000), value: vt("0+5", 2000) },
    ]);
  });
});
