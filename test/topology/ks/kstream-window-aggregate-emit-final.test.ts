// Ports of Kafka Streams' KStreamWindowAggregateTest cases with EmitStrategy.onWindowClose()
// (KIP-825): the same inputs, each window's final result once, when stream time closes it,
// oldest window first and then by key, stamped with the window's time. The processor-level
// cases (setSystemTimeMs) run through the DSL here, with the driver's wall clock and the
// emit interval config.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { windowedToString } from "../../../src/serdes/windowed.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import { EmitStrategy } from "../../../src/topology/dsl/emit-strategy.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { EMIT_INTERVAL_CONFIG } from "../../../src/topology/internal-configs.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const DAY = 86_400_000;
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

const w = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });
const adder = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;

describe.each([
  ["with the record cache", undefined],
  ["without the record cache", 0],
] as const)("KStreamWindowAggregate on window close (KStreamWindowAggregateTest, %s)", (_label, cacheMaxBytes) => {
  const options = { startTime: 0, ...(cacheMaxBytes === undefined ? {} : { cacheMaxBytes }) };

  /** The processor-level cases' topology: hopping windows of 10 by 5, grace 5, a day's retention. */
  function hopping(config: Record<string, unknown> = {}): void {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5))
      .emitStrategy(EmitStrategy.onWindowClose())
      .aggregate(() => "0", adder, { store: "dummy-store-name", value: Serdes.string(), retention: DAY })
      .toStream()
      .to("output");
    driver = new TopologyTestDriver(builder.build(), { ...options, config });
  }

  async function pipe(records: readonly (readonly [string, string, number])[]): Promise<void> {
    const input = driver!.createInputTopic("topic", Serdes.string(), Serdes.string());
    for (const [key, value, timestamp] of records) await input.pipeInput(key, value, { timestamp });
  }

  const output = () =>
    readAll(driver!.createOutputTopic("output", Serdes.timeWindowed(Serdes.string(), 10), Serdes.string()));

  it("testAggBasic: nothing is emitted while no window closes (grace 100)", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic1", strings)
      .groupByKey(strings)
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5))
      .emitStrategy(EmitStrategy.onWindowClose())
      .aggregate(() => "0", adder, { store: "topic1-Canonized", value: Serdes.string() })
      .toStream()
      .to("output");
    driver = new TopologyTestDriver(builder.build(), options);
    const input = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
    for (const [key, value, timestamp] of [
      ["A", "1", 0],
      ["B", "2", 1],
      ["C", "3", 2],
      ["D", "4", 3],
      ["A", "1", 4],
      ["A", "1", 5],
      ["B", "2", 6],
      ["D", "4", 7],
      ["B", "2", 8],
      ["C", "3", 9],
      ["A", "1", 10],
      ["B", "2", 11],
      ["D", "4", 12],
      ["B", "2", 13],
      ["C", "3", 14],
      ["B", "1", 3],
      ["B", "2", 2],
      ["B", "3", 9],
    ] as const) {
      await input.pipeInput(key, value, { timestamp });
    }
    expect(output()).toEqual([]);
    // The store holds every window all the same.
    expect(await driver.getWindowStore<string, string>("topic1-Canonized").fetch("B", 5)).toBe("0+2+2+2+2+3");
  });

  it("shouldLogAndMeterWhenSkippingExpiredWindow: the one window that closes, once, with its final value", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 90).advanceBy(5))
      .emitStrategy(EmitStrategy.onWindowClose())
      .aggregate(() => "", adder, {
        store: "topic1-Canonicalized",
        value: Serdes.string(),
        logging: false,
        retention: 100,
      })
      .toStream()
      .map((key, value) => ({ key: windowedToString(key), value }))
      .to("output", strings);
    driver = new TopologyTestDriver(builder.build(), options);
    const input = driver.createInputTopic("topic", Serdes.string(), Serdes.string());
    for (const [value, timestamp] of [
      ["100", 100],
      ["0", 0],
      ["1", 1],
      ["2", 2],
      ["3", 3],
      ["4", 4],
      ["5", 5],
      ["6", 6],
      ["105", 105],
      ["106", 106],
    ] as const) {
      await input.pipeInput("k", value, { timestamp });
    }
    expect(driver.droppedRecords).toBe(7);
    // Window close time is 15 when the timestamp is 105.
    expect(readAll(driver.createOutputTopic("output", Serdes.string(), Serdes.string()))).toEqual([
      kvt("[k@5/15]", "+5+6", 6),
    ]);
  });

  it("shouldLogAndMeterWhenSkippingExpiredWindowByGrace: late records dropped, no window closed", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 90).advanceBy(10))
      .emitStrategy(EmitStrategy.onWindowClose())
      .aggregate(() => "", adder, { store: "topic1-Canonicalized", value: Serdes.string(), logging: false })
      .toStream()
      .map((key, value) => ({ key: windowedToString(key), value }))
      .to("output", strings);
    driver = new TopologyTestDriver(builder.build(), options);
    const input = driver.createInputTopic("topic", Serdes.string(), Serdes.string());
    for (const [value, timestamp] of [
      ["100", 200],
      ["0", 100],
      ["1", 101],
      ["2", 102],
      ["3", 103],
      ["4", 104],
      ["5", 105],
      ["6", 6],
    ] as const) {
      await input.pipeInput("k", value, { timestamp });
    }
    expect(driver.droppedRecords).toBe(7);
    expect(readAll(driver.createOutputTopic("output", Serdes.string(), Serdes.string()))).toEqual([]);
  });

  it("shouldNotEmitFinalIfNotProgressEnough", async () => {
    hopping({ [EMIT_INTERVAL_CONFIG]: 0 });
    await pipe([
      ["A", "1", 0],
      ["B", "2", 5],
      ["C", "3", 15],
    ]);
    expect(output()).toEqual([kvt(w("A", 0, 10), "0+1", 0), kvt(w("B", 0, 10), "0+2", 5)]);
    // Stream time does not move: nothing.
    await pipe([["D", "4", 15]]);
    expect(output()).toEqual([]);
    // Stream time moves, but not enough to close another window.
    await pipe([["E", "5", 19]]);
    expect(output()).toEqual([]);
  });

  it("shouldEmitWithInterval0", async () => {
    hopping({ [EMIT_INTERVAL_CONFIG]: 0 });
    await pipe([
      ["A", "1", 0],
      ["A", "1", 5],
      ["B", "2", 10],
      ["C", "3", 15],
      ["D", "4", 20],
    ]);
    expect(output()).toEqual([
      kvt(w("A", 0, 10), "0+1+1", 5),
      kvt(w("A", 5, 15), "0+1", 5),
      kvt(w("B", 5, 15), "0+2", 10),
    ]);
  });

  it("shouldEmitWithLargeInterval: at most once a second of wall-clock time", async () => {
    hopping({ [EMIT_INTERVAL_CONFIG]: 1000 });
    await pipe([
      ["A", "1", 0],
      ["A", "1", 5],
      ["B", "2", 10],
      ["C", "3", 15],
    ]);
    expect(output()).toEqual([]);
    await driver!.advanceWallClockTime(10_000);
    await pipe([["D", "4", 20]]);
    expect(output()).toEqual([
      kvt(w("A", 0, 10), "0+1+1", 5),
      kvt(w("A", 5, 15), "0+1", 5),
      kvt(w("B", 5, 15), "0+2", 10),
    ]);
    await driver!.advanceWallClockTime(100);
    await pipe([["E", "5", 40]]);
    expect(output()).toEqual([]);
  });

  it("the driver's default emit interval is 0, as Kafka Streams' driver sets it", async () => {
    hopping();
    await pipe([
      ["A", "1", 0],
      ["B", "2", 5],
      ["C", "3", 15],
    ]);
    expect(output()).toEqual([kvt(w("A", 0, 10), "0+1", 0), kvt(w("B", 0, 10), "0+2", 5)]);
  });
});

describe("KStreamWindowAggregateTest.testJoin on window close, without the record cache", () => {
  it("joins the two tables' final results as each window closes", async () => {
    const builder = new StreamsBuilder();
    const windows = TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5);
    const table = (topic: string, store: string) =>
      builder
        .stream(topic, strings)
        .groupByKey(strings)
        .windowedBy(windows)
        .emitStrategy(EmitStrategy.onWindowClose())
        .aggregate(() => "0", adder, { store, value: Serdes.string() });
    const table1 = table("topic1", "topic1-Canonized");
    table1.toStream().to("out1");
    const table2 = table("topic2", "topic2-Canonized");
    table2.toStream().to("out2");
    table1
      .join(table2, (p1, p2) => `${p1}%${p2}`)
      .toStream()
      .to("out3", { value: Serdes.string() });
    driver = new TopologyTestDriver(builder.build(), { startTime: 0, cacheMaxBytes: 0 });
    const input1 = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
    const input2 = driver.createInputTopic("topic2", Serdes.string(), Serdes.string());
    const windowed = Serdes.timeWindowed(Serdes.string(), 10);
    const out = (topic: string) => readAll(driver!.createOutputTopic(topic, windowed, Serdes.string()));
    const pipe = async (input: typeof input1, records: readonly (readonly [string, string, number])[]) => {
      for (const [key, value, timestamp] of records) await input.pipeInput(key, value, { timestamp });
    };

    await pipe(input1, [
      ["A", "1", 0],
      ["B", "2", 1],
      ["C", "3", 2],
      ["D", "4", 3],
      ["A", "1", 9],
      ["A", "1", 15],
    ]);
    expect(out("out1")).toEqual([
      kvt(w("A", 0, 10), "0+1+1", 9),
      kvt(w("B", 0, 10), "0+2", 1),
      kvt(w("C", 0, 10), "0+3", 2),
      kvt(w("D", 0, 10), "0+4", 3),
    ]);
    expect(out("out2")).toEqual([]);
    expect(out("out3")).toEqual([]);

    await pipe(input1, [
      ["A", "1", 10],
      ["B", "2", 11],
      ["D", "4", 12],
      ["B", "2", 13],
      ["C", "3", 14],
      ["A", "1", 20],
    ]);
    expect(out("out1")).toEqual([
      kvt(w("A", 5, 15), "0+1+1", 10),
      kvt(w("B", 5, 15), "0+2+2", 13),
      kvt(w("C", 5, 15), "0+3", 14),
      kvt(w("D", 5, 15), "0+4", 12),
    ]);
    expect(out("out2")).toEqual([]);
    expect(out("out3")).toEqual([]);

    await pipe(input2, [
      ["A", "a", 0],
      ["B", "b", 1],
      ["C", "c", 2],
      ["D", "d", 10],
      ["A", "a", 15],
    ]);
    expect(out("out1")).toEqual([]);
    // topic1's windows [0, 10) expired from its store (retention 15): the join finds nothing for them.
    expect(out("out3")).toEqual([]);

    await pipe(input2, [
      ["A", "a", 5],
      ["B", "b", 6],
      ["D", "d", 7],
      ["D", "d", 18],
      ["A", "a", 21],
    ]);
    expect(out("out1")).toEqual([]);
    expect(out("out2")).toEqual([
      kvt(w("A", 0, 10), "0+a", 0),
      kvt(w("B", 0, 10), "0+b", 1),
      kvt(w("C", 0, 10), "0+c", 2),
      kvt(w("A", 5, 15), "0+a", 5),
      kvt(w("B", 5, 15), "0+b", 6),
      kvt(w("D", 5, 15), "0+d+d", 10),
    ]);
    expect(out("out3")).toEqual([
      kvt(w("A", 5, 15), "0+1+1%0+a", 10),
      kvt(w("B", 5, 15), "0+2+2%0+b", 13),
      kvt(w("D", 5, 15), "0+4%0+d+d", 12),
    ]);
  });
});
