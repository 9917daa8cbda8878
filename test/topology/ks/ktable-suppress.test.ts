// suppress() as Kafka Streams' KTableSuppressProcessorTest and SuppressTopologyTest have it:
// emission by time limit and at window close (grace 0 still waits for the window's end),
// tombstones kept for tables and dropped for final results, buffers that emit early or stop
// the task when full; describe() and generated names; the errors of a wrong configuration.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Serde } from "../../../src/serdes/serde.js";
import { windowedToString } from "../../../src/serdes/windowed.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import {
  BufferConfig,
  EagerBufferConfig,
  StrictBufferConfig,
  Suppressed,
} from "../../../src/topology/dsl/suppressed.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { InvalidOperationError, SuppressionBufferFullError } from "../../../src/topology/errors.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const longs = Serdes.long() as Serde<number>;
const { untilTimeLimit, untilWindowCloses } = Suppressed;
const { unbounded, maxRecords, maxBytes } = BufferConfig;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** table("input") suppressed to "output"; returns a pipe into "input" (null values delete). */
function suppressedTable(suppressed: Suppressed<string>) {
  const builder = new StreamsBuilder();
  builder.table("input", strings).suppress(suppressed).toStream().to("output", strings);
  driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
  const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
  return (key: string, value: string | null, timestamp: number) => input.pipeInput(key, value, { timestamp });
}

const output = () => readAll(driver!.createOutputTopic("output", Serdes.string(), Serdes.string()));

/** A time-windowed count suppressed until its windows close, printed as "[key@start/end]". */
function finalCounts(windows: TimeWindows) {
  const builder = new StreamsBuilder();
  builder
    .stream("input", strings)
    .groupByKey()
    .windowedBy(windows)
    .count()
    .suppress(untilWindowCloses(unbounded()))
    .toStream()
    .map((k, v) => ({ key: windowedToString(k), value: v }))
    .to("output", { key: Serdes.string(), value: longs });
  driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
  const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
  return (key: string, timestamp: number) => input.pipeInput(key, "v", { timestamp });
}

const counts = () => readAll(driver!.createOutputTopic("output", Serdes.string(), longs));

describe("KTableSuppressProcessor (KTableSuppressProcessorTest)", () => {
  it("zeroTimeLimitShouldImmediatelyEmit", async () => {
    const pipe = suppressedTable(untilTimeLimit(0, unbounded()));
    await pipe("hey", "1", 1_000);
    expect(output()).toEqual([kvt("hey", "1", 1_000)]);
  });

  it("intermediateSuppressionShouldBufferAndEmitLater", async () => {
    const pipe = suppressedTable(untilTimeLimit(1, unbounded()));
    await pipe("hey", "1", 0);
    expect(output()).toEqual([]);
    await pipe("tick", "t", 1);
    expect(output()).toEqual([kvt("hey", "1", 0)]);
  });

  it("finalResultsSuppressionShouldBufferAndEmitAtGraceExpiration", async () => {
    const pipe = finalCounts(TimeWindows.ofSizeAndGrace(1, 1));
    await pipe("hey", 0);
    // Window [0, 1) closes once stream time reaches its end + grace: 2.
    await pipe("other", 1);
    expect(counts()).toEqual([]);
    await pipe("tick", 2);
    expect(counts()).toEqual([kvt("[hey@0/1]", 1, 0)]);
  });

  it("finalResultsWithZeroGraceShouldStillBufferUntilTheWindowEnd", async () => {
    const pipe = finalCounts(TimeWindows.ofSizeWithNoGrace(100));
    await pipe("hey", 50);
    expect(counts()).toEqual([]);
    await pipe("tick", 100);
    expect(counts()).toEqual([kvt("[hey@0/100]", 1, 50)]);
  });

  it("finalResultsShouldDropTombstonesForSessionWindows, as the merged sessions' deletes", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input", strings)
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
      .count()
      .suppress(untilWindowCloses(unbounded()))
      .toStream()
      .map((k, v) => ({ key: windowedToString(k), value: v }))
      .to("output", { key: Serdes.string(), value: longs });
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    // [0/0] is merged into [0/3] (a delete of [0/0]), then both close at 3 + 5.
    for (const timestamp of [0, 3, 9]) await input.pipeInput("k", "v", { timestamp });
    expect(counts()).toEqual([kvt("[k@0/3]", 2, 3)]);
  });

  it("suppressShouldNotDropTombstonesForKTable", async () => {
    const pipe = suppressedTable(untilTimeLimit(0, maxRecords(0)));
    await pipe("hey", "1", 90);
    await pipe("hey", null, 100);
    expect(output()).toEqual([kvt("hey", "1", 90), kvt("hey", null, 100)]);
  });

  it("suppressShouldEmitWhenOverRecordCapacity / ByteCapacity", async () => {
    for (const config of [maxRecords(1), maxBytes(60)]) {
      const pipe = suppressedTable(untilTimeLimit(100 * 86_400_000, config));
      await pipe("hey", "1", 100);
      expect(output()).toEqual([]);
      await pipe("dummyKey", "2", 101);
      expect(output()).toEqual([kvt("hey", "1", 100)]);
      await driver!.close();
      driver = undefined;
    }
  });

  it("suppressShouldShutDownWhenOverRecordCapacity / ByteCapacity: the task fails", async () => {
    for (const config of [maxRecords(1).shutDownWhenFull(), maxBytes(60).shutDownWhenFull()]) {
      const pipe = suppressedTable(untilTimeLimit(100 * 86_400_000, config));
      await pipe("hey", "1", 100);
      const failure = await pipe("dummyKey", "2", 101).then(
        () => undefined,
        (error: unknown) => (error as Error).cause,
      );
      expect(failure).toBeInstanceOf(SuppressionBufferFullError);
      expect((failure as Error).message).toContain("buffer exceeded its max capacity");
      expect((failure as Error).message).toMatch(
        /^KTABLE-SUPPRESS-0000000003 buffer exceeded its max capacity\. Currently \[2\/(1\] records and \[79\/9007199254740991\]|9007199254740991\] records and \[79\/60\]) bytes\./,
      );
      await driver!.close().catch(() => undefined);
      driver = undefined;
    }
  });

  it("a suppressed table's later update of a buffered key keeps its place in time", async () => {
    const pipe = suppressedTable(untilTimeLimit(10, unbounded()));
    await pipe("a", "1", 0);
    await pipe("b", "1", 5);
    await pipe("a", "2", 9);
    // a was buffered at 0: it leaves at 10 with its latest value and that update's time; b waits until 15.
    await pipe("tick", "t", 10);
    expect(output()).toEqual([kvt("a", "2", 9)]);
    await pipe("tick", "t", 15);
    expect(output()).toEqual([kvt("b", "1", 5)]);
  });
});

describe("suppress() names and describe() (SuppressTopologyTest)", () => {
  const intermediate = (suppress: string, store: string, toStream: string, sink: string) =>
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n" +
    "      --> KSTREAM-AGGREGATE-0000000002\n" +
    "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
    `      --> ${suppress}\n` +
    "      <-- KSTREAM-SOURCE-0000000000\n" +
    `    Processor: ${suppress} (stores: [${store}])\n` +
    `      --> ${toStream}\n` +
    "      <-- KSTREAM-AGGREGATE-0000000002\n" +
    `    Processor: ${toStream} (stores: [])\n` +
    `      --> ${sink}\n` +
    `      <-- ${suppress}\n` +
    `    Sink: ${sink} (topic: output)\n` +
    `      <-- ${toStream}\n\n`;

  const build = (suppressed: Suppressed<string>) => {
    const builder = new StreamsBuilder();
    builder
      .stream("input", strings)
      .groupByKey()
      .count()
      .suppress(suppressed)
      .toStream()
      .to("output", { key: Serdes.string(), value: longs });
    return builder.build();
  };

  it("shouldUseNumberingForAnonymousSuppressionNode", () => {
    const topology = build(untilTimeLimit(1_000, unbounded()));
    expect(topology.describe().toString()).toBe(
      intermediate(
        "KTABLE-SUPPRESS-0000000003",
        "KTABLE-SUPPRESS-STATE-STORE-0000000004",
        "KTABLE-TOSTREAM-0000000005",
        "KSTREAM-SINK-0000000006",
      ),
    );
    const store = topology.stores.get("KTABLE-SUPPRESS-STATE-STORE-0000000004");
    // An in-memory buffer, changelogged, internal (not served over HTTP unless internal stores are).
    expect(store).toMatchObject({ type: "buffer", persistent: false, logging: true, internal: true });
  });

  it("shouldApplyNameToSuppressionNode: the named node and its store spend no index", () => {
    expect(build(untilTimeLimit(1_000, unbounded()).withName("asdf")).describe().toString()).toBe(
      intermediate("asdf", "asdf-store", "KTABLE-TOSTREAM-0000000003", "KSTREAM-SINK-0000000004"),
    );
  });

  it("shouldUseNumberingForAnonymousFinalSuppressionNode / shouldApplyNameToFinalSuppressionNode", () => {
    for (const named of [false, true]) {
      const builder = new StreamsBuilder();
      const suppressed = untilWindowCloses(unbounded());
      builder
        .stream("input", strings)
        .groupBy((k) => k, strings)
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 5))
        .count({ store: "counts", caching: false })
        .suppress(named ? suppressed.withName("myname") : suppressed)
        .toStream()
        .map((k, v) => ({ key: windowedToString(k), value: v }))
        .to("output-suppressed", { key: Serdes.string(), value: longs });
      const text = builder.build().describe().toString();
      const [node, store, next] = named
        ? ["myname", "myname-store", "KTABLE-TOSTREAM-0000000006"]
        : ["KTABLE-SUPPRESS-0000000006", "KTABLE-SUPPRESS-STATE-STORE-0000000007", "KTABLE-TOSTREAM-0000000008"];
      expect(text).toContain(
        "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [counts])\n" +
          `      --> ${node}\n` +
          "      <-- counts-repartition-source\n" +
          `    Processor: ${node} (stores: [${store}])\n` +
          `      --> ${next}\n` +
          "      <-- KSTREAM-AGGREGATE-0000000002\n",
      );
    }
  });

  it("untilWindowCloses on a table without windows upstream is refused, naming the chain", () => {
    const builder = new StreamsBuilder();
    const table = builder.stream("input", strings).groupByKey().count();
    expect(() => table.suppress(untilWindowCloses(unbounded()) as unknown as Suppressed<string>)).toThrow(
      "Window close time is only defined for windowed computations. Got [KSTREAM-SOURCE-0000000000->KSTREAM-AGGREGATE-0000000002]",
    );
  });

  it("a windowed table's later operations inherit the windows' grace", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input", strings)
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
      .count()
      .filter(() => true)
      .suppress(untilWindowCloses(unbounded()))
      .toStream()
      .map((k, v) => ({ key: windowedToString(k), value: v }))
      .to("output", { key: Serdes.string(), value: longs });
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    await input.pipeInput("k", "v", { timestamp: 1 });
    await input.pipeInput("k", "v", { timestamp: 14 });
    expect(counts()).toEqual([]);
    await input.pipeInput("k", "v", { timestamp: 15 });
    expect(counts()).toEqual([kvt("[k@0/10]", 1, 1)]);
  });
});

describe("Suppressed and BufferConfig (SuppressedTest)", () => {
  it("bounds and strategies", () => {
    expect(maxRecords(2)).toBeInstanceOf(EagerBufferConfig);
    expect(maxRecords(2)).toMatchObject({ recordLimit: 2, byteLimit: Number.MAX_SAFE_INTEGER, fullStrategy: "emit" });
    expect(maxBytes(2).withMaxRecords(3)).toMatchObject({ recordLimit: 3, byteLimit: 2, fullStrategy: "emit" });
    expect(unbounded()).toBeInstanceOf(StrictBufferConfig);
    expect(unbounded().withMaxBytes(5).emitEarlyWhenFull()).toMatchObject({ byteLimit: 5, fullStrategy: "emit" });
    expect(maxRecords(2).shutDownWhenFull().withMaxRecords(4)).toMatchObject({
      recordLimit: 4,
      fullStrategy: "shutDown",
    });
    expect(maxRecords(2).withNoBound()).toMatchObject({
      recordLimit: Number.MAX_SAFE_INTEGER,
      fullStrategy: "shutDown",
    });
    expect(unbounded().withLoggingDisabled().loggingEnabled).toBe(false);
    expect(maxRecords(1).withLoggingDisabled().withLoggingEnabled().loggingEnabled).toBe(true);
    expect(unbounded().withLoggingDisabled().withLoggingEnabled().loggingEnabled).toBe(true);
    expect(maxBytes(1).withMaxBytes(9).withLoggingDisabled()).toMatchObject({ byteLimit: 9, loggingEnabled: false });
    expect(unbounded().withMaxRecords(7)).toMatchObject({ recordLimit: 7, fullStrategy: "shutDown" });
  });

  it("refuses bad limits, durations and an eager buffer for final results", () => {
    expect(() => maxRecords(-1)).toThrow(InvalidOperationError);
    expect(() => maxBytes(1.5)).toThrow(/maxBytes must be a whole number/);
    expect(() => untilTimeLimit(-1, unbounded())).toThrow(/timeToWaitForMoreEvents/);
    expect(() => untilTimeLimit(1, {} as BufferConfig)).toThrow(/needs a BufferConfig/);
    expect(() => untilWindowCloses(maxRecords(1) as unknown as StrictBufferConfig)).toThrow(/strict buffer config/);
    const named = untilTimeLimit(5, unbounded()).withName("n");
    expect(named).toMatchObject({ kind: "timeLimit", name: "n", timeToWaitForMoreEventsMs: 5 });
  });
});
