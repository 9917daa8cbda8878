// Sliding windows beyond the aggregate cases: KStreamSlidingWindowAggregateTest's join of two
// sliding-windowed tables, its late-record and null-key drops, its randomized input (the
// final windows do not depend on the order records arrive in within the grace period), and
// SlidingWindowsTest; names, stores and describe() as Kafka Streams gives them.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { InvalidOperationError } from "../../../src/topology/errors.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const windowedStrings = Serdes.timeWindowed(Serdes.string(), 10);
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

const w = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });
const adder = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;

describe("sliding-windowed aggregations (KStreamSlidingWindowAggregateTest)", () => {
  it("testJoin: two sliding-windowed tables joined window by window", async () => {
    const builder = new StreamsBuilder();
    const windows = SlidingWindows.ofTimeDifferenceAndGrace(10, 100);
    const table = (topic: string, store: string) =>
      builder
        .stream(topic, strings)
        .groupByKey(strings)
        .windowedBy(windows)
        .aggregate(() => "0", adder, { store, value: Serdes.string(), retention: 50_000 });
    const table1 = table("topic1", "Reverse1");
    const table2 = table("topic2", "Reverse2");
    table1.toStream().to("out1");
    table2.toStream().to("out2");
    table1
      .join(table2, (p1, p2) => `${p1}%${p2}`, { value: Serdes.string() })
      .toStream()
      .to("joined");
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const in1 = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
    const in2 = driver.createInputTopic("topic2", Serdes.string(), Serdes.string());
    const out1 = driver.createOutputTopic("out1", windowedStrings, Serdes.string());
    const out2 = driver.createOutputTopic("out2", windowedStrings, Serdes.string());
    const joined = driver.createOutputTopic("joined", windowedStrings, Serdes.string());

    await in1.pipeInput("A", "1", { timestamp: 10 });
    await in1.pipeInput("B", "2", { timestamp: 11 });
    await in1.pipeInput("C", "3", { timestamp: 12 });
    expect(readAll(out1)).toEqual([
      kvt(w("A", 0, 10), "0+1", 10),
      kvt(w("B", 1, 11), "0+2", 11),
      kvt(w("C", 2, 12), "0+3", 12),
    ]);
    expect(readAll(out2)).toEqual([]);
    expect(readAll(joined)).toEqual([]);

    await in1.pipeInput("A", "1", { timestamp: 15 });
    await in1.pipeInput("B", "2", { timestamp: 16 });
    await in1.pipeInput("C", "3", { timestamp: 19 });
    expect(readAll(out1)).toEqual([
      kvt(w("A", 11, 21), "0+1", 15),
      kvt(w("A", 5, 15), "0+1+1", 15),
      kvt(w("B", 12, 22), "0+2", 16),
      kvt(w("B", 6, 16), "0+2+2", 16),
      kvt(w("C", 13, 23), "0+3", 19),
      kvt(w("C", 9, 19), "0+3+3", 19),
    ]);
    expect(readAll(out2)).toEqual([]);
    expect(readAll(joined)).toEqual([]);

    await in2.pipeInput("A", "a", { timestamp: 10 });
    await in2.pipeInput("C", "c", { timestamp: 12 });
    expect(readAll(out1)).toEqual([]);
    expect(readAll(out2)).toEqual([kvt(w("A", 0, 10), "0+a", 10), kvt(w("C", 2, 12), "0+c", 12)]);
    expect(readAll(joined)).toEqual([kvt(w("A", 0, 10), "0+1%0+a", 10), kvt(w("C", 2, 12), "0+3%0+c", 12)]);

    await in2.pipeInput("A", "a", { timestamp: 15 });
    await in2.pipeInput("B", "b", { timestamp: 16 });
    await in2.pipeInput("C", "c", { timestamp: 17 });
    expect(readAll(out1)).toEqual([]);
    expect(readAll(out2)).toEqual([
      kvt(w("A", 11, 21), "0+a", 15),
      kvt(w("A", 5, 15), "0+a+a", 15),
      kvt(w("B", 6, 16), "0+b", 16),
      kvt(w("C", 13, 23), "0+c", 17),
      kvt(w("C", 7, 17), "0+c+c", 17),
    ]);
    expect(readAll(joined)).toEqual([
      kvt(w("A", 11, 21), "0+1%0+a", 15),
      kvt(w("A", 5, 15), "0+1+1%0+a+a", 15),
      kvt(w("B", 6, 16), "0+2+2%0+b", 16),
      kvt(w("C", 13, 23), "0+3%0+c", 19),
    ]);
  });

  it("shouldLogAndMeterWhenSkippingNullKey: a record without a key is dropped and counted", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 100))
      .aggregate(() => "0", adder, { store: "topic1-Canonized", value: Serdes.string() })
      .toStream()
      .to("output");
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    await driver.createInputTopic("topic", Serdes.string(), Serdes.string()).pipeInput(null, "1");
    expect(driver.droppedRecords).toBe(1);
    expect(readAll(driver.createOutputTopic("output", windowedStrings, Serdes.string()))).toEqual([]);
  });

  it("shouldLogAndMeterWhenSkippingExpiredWindowByGrace: records later than end + grace are dropped and counted", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 90))
      .aggregate(() => "0", adder, { store: "Reverse1", value: Serdes.string(), retention: 50_000 })
      .toStream()
      .to("output");
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const input = driver.createInputTopic("topic", Serdes.string(), Serdes.string());
    for (const [value, timestamp] of [
      ["100", 200],
      ["0", 100],
      ["1", 101],
      ["2", 102],
      ["3", 103],
      ["4", 104],
      ["5", 105],
      ["6", 15],
      ["101", 300],
      ["102", 400],
    ] as const) {
      await input.pipeInput("k", value, { timestamp });
    }
    expect(driver.droppedRecords).toBe(7);
    expect(readAll(driver.createOutputTopic("output", windowedStrings, Serdes.string()))).toEqual([
      kvt(w("k", 190, 200), "0+100", 200),
      kvt(w("k", 290, 300), "0+101", 300),
      kvt(w("k", 390, 400), "0+102", 400),
    ]);
  });

  it("testAggregateRandomInput: the final windows are the same whatever order the records come in", async () => {
    const input: [string, number][] = [
      ["A", 10],
      ["B", 15],
      ["C", 16],
      ["D", 18],
      ["E", 30],
      ["F", 40],
      ["G", 55],
      ["H", 56],
      ["I", 58],
      ["J", 58],
      ["K", 62],
      ["L", 63],
      ["M", 63],
      ["N", 63],
      ["O", 76],
      ["P", 77],
      ["Q", 80],
      ["R", 2],
      ["S", 3],
      ["T", 5],
      ["U", 8],
    ];
    const expected = {
      0: ["ARSTU", 10],
      3: ["ASTU", 10],
      4: ["ATU", 10],
      5: ["ABTU", 15],
      6: ["ABCU", 16],
      8: ["ABCDU", 18],
      9: ["ABCD", 18],
      11: ["BCD", 18],
      16: ["CD", 18],
      17: ["D", 18],
      20: ["E", 30],
      30: ["EF", 40],
      31: ["F", 40],
      45: ["G", 55],
      46: ["GH", 56],
      48: ["GHIJ", 58],
      52: ["GHIJK", 62],
      53: ["GHIJKLMN", 63],
      56: ["HIJKLMN", 63],
      57: ["IJKLMN", 63],
      59: ["KLMN", 63],
      63: ["LMN", 63],
      66: ["O", 76],
      67: ["OP", 77],
      70: ["OPQ", 80],
      77: ["PQ", 80],
      78: ["Q", 80],
      171: ["V", 181],
    };
    // A seeded shuffle (mulberry32): reproducible, and a different order for each seed.
    for (const seed of [1, 7, 42, 2024]) {
      let state = seed;
      const random = () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const shuffled = [...input];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const builder = new StreamsBuilder();
      builder
        .stream("topic1", strings)
        .groupByKey(strings)
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 100))
        .aggregate(
          () => "",
          (_key, value, aggregate) => [...(aggregate + value)].sort().join(""),
          {
            store: "Reverse",
            value: Serdes.string(),
            retention: 50_000,
          },
        )
        .toStream()
        .to("output");
      driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
      const topic = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
      for (const [value, timestamp] of shuffled) await topic.pipeInput("A", value, { timestamp });
      await topic.pipeInput("A", "V", { timestamp: 181 });
      const results: Record<number, [string, number]> = {};
      for (const { key, value, timestamp } of readAll(
        driver.createOutputTopic("output", windowedStrings, Serdes.string()),
      )) {
        results[key!.window.start] = [value!, timestamp];
      }
      expect(results, `seed ${seed}`).toEqual(expected);
      await driver.close();
      driver = undefined;
    }
  });

  it("counts and reduces: the window store holds the latest aggregate of every window", async () => {
    const builder = new StreamsBuilder();
    const windowed = builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    windowed.count({ store: "counts" }).toStream().to("counts");
    windowed.reduce((a, b) => `${a}+${b}`, { store: "reduced" });
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const input = driver.createInputTopic("topic", Serdes.string(), Serdes.string());
    await input.pipeInput("A", "1", { timestamp: 10 });
    await input.pipeInput("A", "2", { timestamp: 15 });
    await input.pipeInput("A", "3", { timestamp: 12 });
    expect(readAll(driver.createOutputTopic("counts", windowedStrings, Serdes.long()))).toEqual([
      kvt(w("A", 0, 10), 1, 10),
      kvt(w("A", 11, 21), 1, 15),
      kvt(w("A", 5, 15), 2, 15),
      kvt(w("A", 11, 21), 2, 15),
      kvt(w("A", 5, 15), 3, 15),
      // The record's left window [2, 12] closed when stream time reached 15 (no grace): dropped and counted.
      kvt(w("A", 13, 23), 1, 15),
    ]);
    // Once by the count, once by the reduce.
    expect(driver.droppedRecords).toBe(2);
    const counts = driver.getWindowStore<string, number>("counts");
    const all: [number, number][] = [];
    for await (const { key, value } of counts.fetch("A", 0, 100)) all.push([key, value]);
    expect(all).toEqual([
      [0, 1],
      [5, 3],
      [11, 2],
      [13, 1],
    ]);
    expect(await driver.getWindowStore<string, string>("reduced").fetch("A", 5)).toBe("1+2+3");
  });
});

describe("SlidingWindows (SlidingWindowsTest)", () => {
  it("keeps the time difference and the grace period", () => {
    expect(SlidingWindows.ofTimeDifferenceAndGrace(123, 1024).timeDifferenceMs()).toBe(123);
    expect(SlidingWindows.ofTimeDifferenceWithNoGrace(123).timeDifferenceMs()).toBe(123);
    expect(SlidingWindows.ofTimeDifferenceAndGrace(10, 123).gracePeriodMs()).toBe(123);
    expect(SlidingWindows.ofTimeDifferenceWithNoGrace(10).gracePeriodMs()).toBe(0);
    expect(String(SlidingWindows.ofTimeDifferenceAndGrace(10, 5))).toBe("SlidingWindows{, sizeMs=10, graceMs=5}");
  });

  it("refuses a negative time difference or grace period, and a fraction", () => {
    expect(() => SlidingWindows.ofTimeDifferenceAndGrace(-1, 5)).toThrow(InvalidOperationError);
    expect(() => SlidingWindows.ofTimeDifferenceAndGrace(10, -1)).toThrow(/grace period must not be negative/);
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(1.5)).toThrow(/time difference must not be negative/);
  });

  it("equals by time difference and grace", () => {
    expect(SlidingWindows.ofTimeDifferenceAndGrace(5, 3).equals(SlidingWindows.ofTimeDifferenceAndGrace(5, 3))).toBe(
      true,
    );
    expect(SlidingWindows.ofTimeDifferenceWithNoGrace(5).equals(SlidingWindows.ofTimeDifferenceAndGrace(5, 0))).toBe(
      true,
    );
    expect(SlidingWindows.ofTimeDifferenceAndGrace(5, 3).equals(SlidingWindows.ofTimeDifferenceAndGrace(25, 3))).toBe(
      false,
    );
    expect(SlidingWindows.ofTimeDifferenceAndGrace(5, 3).equals(SlidingWindows.ofTimeDifferenceAndGrace(5, 23))).toBe(
      false,
    );
  });
});

describe("sliding-windowed aggregations: Kafka Streams' names, stores and describe() text", () => {
  const describeCount = (processor: string, store: string): string =>
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
    `      --> ${processor}\n` +
    `    Processor: ${processor} (stores: [${store}])\n` +
    "      --> none\n" +
    "      <-- KSTREAM-SOURCE-0000000000\n\n";

  it("slidingWindowZeroArgCount: the store is named before the processor; retention 2 * difference + grace", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input-topic", strings)
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(1, 3))
      .count();
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      describeCount("KSTREAM-AGGREGATE-0000000002", "KSTREAM-AGGREGATE-STATE-STORE-0000000001"),
    );
    const store = topology.stores.get("KSTREAM-AGGREGATE-STATE-STORE-0000000001");
    expect(store?.type).toBe("window");
    expect(store?.persistent).toBe(true);
    expect(store?.windowed).toEqual({ windowSizeMs: 1, retentionMs: 5, retainDuplicates: false });
  });

  it("slidingWindowNamedMaterializedCount: an in-memory store of the user's name", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input-topic", strings)
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(1))
      .count({ store: "count-store", persistent: false });
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(describeCount("KSTREAM-AGGREGATE-0000000001", "count-store"));
    expect(topology.stores.get("count-store")?.persistent).toBe(false);
  });

  it("a materialization without a store name spends no extra name (SlidingWindowedKStreamImpl.count)", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input-topic", strings)
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(1))
      .count({ persistent: true });
    expect(builder.build().describe().toString()).toBe(
      describeCount("KSTREAM-AGGREGATE-0000000002", "KSTREAM-AGGREGATE-STATE-STORE-0000000001"),
    );
  });

  it("reduce takes the REDUCE names; a retention below 2 * difference + grace is refused", () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream("input-topic", strings).groupByKey();
    grouped.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5)).reduce((a, b) => a + b);
    expect(builder.build().describe().toString()).toContain(
      "Processor: KSTREAM-REDUCE-0000000002 (stores: [KSTREAM-REDUCE-STATE-STORE-0000000001])",
    );
    expect(() =>
      grouped.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5)).count({ store: "short", retention: 24 }),
    ).toThrow(
      "The retention period of the window store short must be no smaller than 2 * time difference plus the grace period. Got time difference=[10], grace=[5], retention=[24]",
    );
  });

  it("a time difference of 0 is refused at windowedBy, naming what to do", () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream("input-topic", strings).groupByKey();
    expect(() => grouped.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(0))).toThrow(/time difference > 0/);
  });
});
