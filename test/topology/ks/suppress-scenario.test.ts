// Ports of Kafka Streams' SuppressScenarioTest: suppress() after a count, by time limit,
// record limit and byte limit, and the final results of time, sliding and session windows;
// suppress() before a groupBy and on either side of a table join (the suppressed table's
// value getter answers what downstream last saw). Same inputs, same outputs and timestamps.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Serde } from "../../../src/serdes/serde.js";
import { windowedToString } from "../../../src/serdes/windowed.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { BufferConfig, Suppressed } from "../../../src/topology/dsl/suppressed.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";
import type { KeyValueTimestamp } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const longs = Serdes.long() as Serde<number>;
const { untilTimeLimit, untilWindowCloses } = Suppressed;
const { unbounded, maxRecords, maxBytes } = BufferConfig;
const LONG_MAX = Number.MAX_SAFE_INTEGER;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function drain<V>(topic: string, valueSerde: Serde<V>): KeyValueTimestamp<string, V>[] {
  return readAll(driver!.createOutputTopic(topic, Serdes.string(), valueSerde));
}

/** table("input") regrouped by value and counted, with and without suppression (the count scenarios). */
async function countScenario(
  suppressed: Suppressed<string>,
): Promise<(key: string, value: string, timestamp: number) => Promise<void>> {
  const builder = new StreamsBuilder();
  const valueCounts = builder
    .table("input", { ...strings, caching: false, logging: false })
    .groupBy((k, v) => ({ key: v, value: k }), strings)
    .count();
  valueCounts.suppress(suppressed).toStream().to("output-suppressed", { key: Serdes.string(), value: longs });
  valueCounts.toStream().to("output-raw", { key: Serdes.string(), value: longs });
  driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
  const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
  return (key, value, timestamp) => input.pipeInput(key, value, { timestamp });
}

const RAW_FIRST_THREE = [kvt("v1", 1, 0), kvt("v1", 0, 1), kvt("v2", 1, 1), kvt("v1", 1, 2)];

/** A windowed count's table, with the windowed keys printed as Kafka Streams' Windowed.toString(). */
function windowedOutputs(valueCounts: KTable<Windowed<string>, number>): void {
  const printed = { key: Serdes.string(), value: longs };
  valueCounts
    .suppress(untilWindowCloses(unbounded()))
    .toStream()
    .map((k, v) => ({ key: windowedToString(k), value: v }))
    .to("output-suppressed", printed);
  valueCounts
    .toStream()
    .map((k, v) => ({ key: windowedToString(k), value: v }))
    .to("output-raw", printed);
}

async function pipe(topic: string, records: [string, string, number][]): Promise<void> {
  const input = driver!.createInputTopic(topic, Serdes.string(), Serdes.string());
  for (const [key, value, timestamp] of records) await input.pipeInput(key, value, { timestamp });
}

describe("suppress() (SuppressScenarioTest)", () => {
  it("shouldImmediatelyEmitEventsWithZeroEmitAfter", async () => {
    const pipeInput = await countScenario(untilTimeLimit(0, unbounded()));
    await pipeInput("k1", "v1", 0);
    await pipeInput("k1", "v2", 1);
    await pipeInput("k2", "v1", 2);
    expect(drain("output-raw", longs)).toEqual(RAW_FIRST_THREE);
    expect(drain("output-suppressed", longs)).toEqual(RAW_FIRST_THREE);
    await pipeInput("x", "x", 3);
    expect(drain("output-raw", longs)).toEqual([kvt("x", 1, 3)]);
    expect(drain("output-suppressed", longs)).toEqual([kvt("x", 1, 3)]);
    await pipeInput("x", "y", 4);
    expect(drain("output-raw", longs)).toEqual([kvt("x", 0, 4), kvt("y", 1, 4)]);
    expect(drain("output-suppressed", longs)).toEqual([kvt("x", 0, 4), kvt("y", 1, 4)]);
  });

  it("shouldSuppressIntermediateEventsWithTimeLimit", async () => {
    const pipeInput = await countScenario(untilTimeLimit(2, unbounded()));
    await pipeInput("k1", "v1", 0);
    await pipeInput("k1", "v2", 1);
    await pipeInput("k2", "v1", 2);
    expect(drain("output-raw", longs)).toEqual(RAW_FIRST_THREE);
    expect(drain("output-suppressed", longs)).toEqual([kvt("v1", 1, 2)]);
    // A "tick" only advances stream time: at 3 it is time to emit v2.
    await pipeInput("tick", "tick", 3);
    expect(drain("output-raw", longs)).toEqual([kvt("tick", 1, 3)]);
    expect(drain("output-suppressed", longs)).toEqual([kvt("v2", 1, 1)]);
    await pipeInput("tick", "tock", 4);
    expect(drain("output-raw", longs)).toEqual([kvt("tick", 0, 4), kvt("tock", 1, 4)]);
    // tick was first buffered at 3; at 4 it still waits.
    expect(drain("output-suppressed", longs)).toEqual([]);
  });

  for (const [name, config] of [
    ["shouldSuppressIntermediateEventsWithRecordLimit", maxRecords(1).emitEarlyWhenFull()],
    // Kafka Streams' entries are a little over 100 bytes each: two do not fit in 200.
    ["shouldSuppressIntermediateEventsWithBytesLimit", maxBytes(200).emitEarlyWhenFull()],
  ] as const) {
    it(name, async () => {
      const pipeInput = await countScenario(untilTimeLimit(LONG_MAX, config));
      await pipeInput("k1", "v1", 0);
      await pipeInput("k1", "v2", 1);
      await pipeInput("k2", "v1", 2);
      expect(drain("output-raw", longs)).toEqual(RAW_FIRST_THREE);
      // Consecutive updates of v1 fold into the latter; the last one waits until another key comes.
      expect(drain("output-suppressed", longs)).toEqual([kvt("v1", 0, 1), kvt("v2", 1, 1)]);
      await pipeInput("x", "x", 3);
      expect(drain("output-raw", longs)).toEqual([kvt("x", 1, 3)]);
      expect(drain("output-suppressed", longs)).toEqual([kvt("v1", 1, 2)]);
    });
  }

  it("shouldSupportFinalResultsForTimeWindows", async () => {
    const builder = new StreamsBuilder();
    windowedOutputs(
      builder
        .stream("input", strings)
        .groupBy((k) => k, strings)
        .windowedBy(TimeWindows.ofSizeAndGrace(2, 1))
        .count({ store: "counts", caching: false }),
    );
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    // The last record is dropped: out of the grace period.
    await pipe("input", [
      ["k1", "v1", 0],
      ["k1", "v1", 1],
      ["k1", "v1", 2],
      ["k1", "v1", 1],
      ["k1", "v1", 0],
      ["k1", "v1", 5],
      ["k1", "v1", 0],
    ]);
    expect(drain("output-raw", longs)).toEqual([
      kvt("[k1@0/2]", 1, 0),
      kvt("[k1@0/2]", 2, 1),
      kvt("[k1@2/4]", 1, 2),
      kvt("[k1@0/2]", 3, 1),
      kvt("[k1@0/2]", 4, 1),
      kvt("[k1@4/6]", 1, 5),
    ]);
    expect(drain("output-suppressed", longs)).toEqual([kvt("[k1@0/2]", 4, 1), kvt("[k1@2/4]", 1, 2)]);
  });

  it("shouldSupportFinalResultsForTimeWindowsWithLargeJump", async () => {
    const builder = new StreamsBuilder();
    windowedOutputs(
      builder
        .stream("input", strings)
        .groupBy((k) => k, strings)
        .windowedBy(TimeWindows.ofSizeAndGrace(2, 2))
        .count({ store: "counts", caching: false }),
    );
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    await pipe("input", [
      ["k1", "v1", 0],
      ["k1", "v1", 1],
      ["k1", "v1", 2],
      ["k1", "v1", 0],
      ["k1", "v1", 3],
      ["k1", "v1", 0],
      ["k1", "v1", 4],
      // Dropped: the previous record advanced stream time and closed the window.
      ["k1", "v1", 0],
      ["k1", "v1", 30],
    ]);
    expect(drain("output-raw", longs)).toEqual([
      kvt("[k1@0/2]", 1, 0),
      kvt("[k1@0/2]", 2, 1),
      kvt("[k1@2/4]", 1, 2),
      kvt("[k1@0/2]", 3, 1),
      kvt("[k1@2/4]", 2, 3),
      kvt("[k1@0/2]", 4, 1),
      kvt("[k1@4/6]", 1, 4),
      kvt("[k1@30/32]", 1, 30),
    ]);
    expect(drain("output-suppressed", longs)).toEqual([
      kvt("[k1@0/2]", 4, 1),
      kvt("[k1@2/4]", 2, 3),
      kvt("[k1@4/6]", 1, 4),
    ]);
  });

  it("shouldSupportFinalResultsForSlidingWindows", async () => {
    const builder = new StreamsBuilder();
    windowedOutputs(
      builder
        .stream("input", strings)
        .groupBy((k) => k, strings)
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(5, 15))
        .count({ store: "counts", caching: false }),
    );
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    await pipe("input", [
      ["k1", "v1", 10],
      ["k1", "v1", 11],
      ["k1", "v1", 10],
      ["k1", "v1", 13],
      ["k1", "v1", 10],
      ["k1", "v1", 24],
      // Dropped: the previous record advanced stream time and closed the window.
      ["k1", "v1", 5],
      ["k1", "v1", 7],
      // Advances stream time to flush the windows.
      ["k1", "v1", 90],
    ]);
    const raw = drain("output-raw", longs);
    // Kafka Streams sorts by key (the printed window) then timestamp, stably.
    raw.sort((a, b) => (a.key === b.key ? a.timestamp - b.timestamp : a.key! < b.key! ? -1 : 1));
    expect(raw).toEqual([
      kvt("[k1@11/16]", 1, 11),
      kvt("[k1@11/16]", 2, 13),
      kvt("[k1@12/17]", 1, 13),
      kvt("[k1@19/24]", 1, 24),
      kvt("[k1@5/10]", 1, 10),
      kvt("[k1@5/10]", 2, 10),
      kvt("[k1@5/10]", 3, 10),
      kvt("[k1@5/10]", 4, 10),
      kvt("[k1@5/10]", 5, 10),
      kvt("[k1@6/11]", 2, 11),
      kvt("[k1@6/11]", 3, 11),
      kvt("[k1@6/11]", 4, 11),
      kvt("[k1@6/11]", 5, 11),
      kvt("[k1@8/13]", 4, 13),
      kvt("[k1@8/13]", 5, 13),
      kvt("[k1@85/90]", 1, 90),
    ]);
    expect(drain("output-suppressed", longs)).toEqual([
      kvt("[k1@5/10]", 5, 10),
      kvt("[k1@6/11]", 5, 11),
      kvt("[k1@8/13]", 5, 13),
      kvt("[k1@11/16]", 2, 13),
      kvt("[k1@12/17]", 1, 13),
      kvt("[k1@19/24]", 1, 24),
    ]);
  });

  it("shouldSupportFinalResultsForSessionWindows", async () => {
    const builder = new StreamsBuilder();
    windowedOutputs(
      builder
        .stream("input", strings)
        .groupBy((k) => k, strings)
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
        .count({ store: "counts", caching: false }),
    );
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    await pipe("input", [
      ["k1", "v1", 0],
      ["k1", "v1", 5],
      // Disordered records are admitted until stream time passes the window's end + gap + grace.
      ["k1", "v1", 1],
      // Any key advances stream time.
      ["k2", "v1", 11],
      // Late for the first session: dropped everywhere.
      ["k1", "v1", 5],
      ["k1", "v1", 30],
    ]);
    expect(drain("output-raw", longs)).toEqual([
      kvt("[k1@0/0]", 1, 0),
      kvt("[k1@0/0]", null, 0),
      kvt("[k1@0/5]", 2, 5),
      kvt("[k1@0/5]", null, 5),
      kvt("[k1@0/5]", 3, 5),
      kvt("[k2@11/11]", 1, 11),
      kvt("[k1@30/30]", 1, 30),
    ]);
    expect(drain("output-suppressed", longs)).toEqual([kvt("[k1@0/5]", 3, 5), kvt("[k2@11/11]", 1, 11)]);
  });

  it("shouldWorkBeforeGroupBy", async () => {
    const builder = new StreamsBuilder();
    builder
      .table("topic", strings)
      .suppress(untilTimeLimit(10, unbounded()))
      .groupBy((key, value) => ({ key, value }), strings)
      .count()
      .toStream()
      .to("output", { key: Serdes.string(), value: longs });
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    await pipe("topic", [
      ["A", "a", 0],
      ["tick", "tick", 10],
    ]);
    expect(drain("output", longs)).toEqual([kvt("A", 1, 0)]);
  });

  for (const suppressedSide of ["right", "left"] as const) {
    const name = suppressedSide === "right" ? "shouldWorkBeforeJoinRight" : "shouldWorkBeforeJoinLeft";
    it(name, async () => {
      const builder = new StreamsBuilder();
      const table = (topic: string) => {
        const t = builder.table(topic, strings);
        return topic === suppressedSide ? t.suppress(untilTimeLimit(10, unbounded())) : t;
      };
      const left = table("left");
      const right = table("right");
      left
        .outerJoin(right, (l, r) => `(${String(l)},${String(r)})`, { value: Serdes.string() })
        .toStream()
        .to("output", strings);
      driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
      const other = suppressedSide === "right" ? "left" : "right";
      const pair = (suppressedValue: string, otherValue: string) =>
        suppressedSide === "right" ? `(${otherValue},${suppressedValue})` : `(${suppressedValue},${otherValue})`;
      await pipe(suppressedSide, [
        ["B", "1", 0],
        ["A", "1", 0],
      ]);
      // Buffered: nothing yet.
      expect(drain("output", Serdes.string())).toEqual([]);
      await pipe(suppressedSide, [["tick", "tick", 10]]);
      expect(drain("output", Serdes.string())).toEqual([
        kvt("A", pair("1", "null"), 0),
        kvt("B", pair("1", "null"), 0),
      ]);
      await pipe(suppressedSide, [["A", "2", 11]]);
      expect(drain("output", Serdes.string())).toEqual([]);
      await pipe(other, [["A", "a", 12]]);
      // Joins with the suppressed side's value downstream last saw.
      expect(drain("output", Serdes.string())).toEqual([kvt("A", pair("1", "a"), 12)]);
      await pipe(other, [["B", "b", 12]]);
      // B is no longer buffered: the view reads through to the parent table.
      expect(drain("output", Serdes.string())).toEqual([kvt("B", pair("1", "b"), 12)]);
      await pipe(other, [["A", "b", 13]]);
      expect(drain("output", Serdes.string())).toEqual([kvt("A", pair("1", "b"), 13)]);
      await pipe(suppressedSide, [["tick", "tick1", 21]]);
      expect(drain("output", Serdes.string())).toEqual([
        kvt("tick", pair("tick1", "null"), 21),
        kvt("A", pair("2", "b"), 13),
      ]);
    });
  }
});

describe("suppress() after a windowed cogroup (SuppressScenarioTest.shouldWorkWithCogrouped)", () => {
  it("finds the windows' grace through the cogroup and emits each window's final result", async () => {
    const builder = new StreamsBuilder();
    const one = builder.stream("one", strings).groupByKey(strings);
    const two = builder.stream("two", strings).groupByKey(strings);
    one
      .cogroup((_key: string, value: string, aggregate: string) => aggregate + value)
      .cogroup(two, (_key: string, value: string, aggregate: string) => aggregate + value)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(15 * 60_000))
      .aggregate(() => "", { name: "test", store: "store", value: Serdes.string() })
      .suppress(untilWindowCloses(unbounded()))
      .toStream()
      .map((k, v) => ({ key: windowedToString(k), value: v }))
      .to("output", strings);
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    await pipe("one", [["k", "a", 0]]);
    await pipe("two", [["k", "b", 1]]);
    expect(drain("output", Serdes.string())).toEqual([]);
    await pipe("one", [["k", "c", 15 * 60_000]]);
    expect(drain("output", Serdes.string())).toEqual([kvt("[k@0/900000]", "ab", 1)]);
  });
});

describe("suppress(untilWindowCloses) emission order", () => {
  it("emits the windows that close at once oldest first, then by key, as Kafka Streams' time-ordered buffer evicts", async () => {
    const builder = new StreamsBuilder();
    windowedOutputs(
      builder
        .stream("input", strings)
        .groupByKey(strings)
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 20))
        .count({ store: "counts" }),
    );
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    // Newest windows first, and keys out of order: the buffer orders them by window end, then key.
    await pipe("input", [
      ["k3", "v", 25],
      ["k2", "v", 15],
      ["k1", "v", 5],
      ["k2", "v", 6],
      ["k1", "v", 16],
      ["k1", "v", 27],
      ["k9", "v", 100],
    ]);
    expect(drain("output-suppressed", longs)).toEqual([
      kvt("[k1@0/10]", 1, 5),
      kvt("[k2@0/10]", 1, 6),
      kvt("[k1@10/20]", 1, 16),
      kvt("[k2@10/20]", 1, 15),
      kvt("[k1@20/30]", 1, 27),
      kvt("[k3@20/30]", 1, 25),
    ]);
  });
});
