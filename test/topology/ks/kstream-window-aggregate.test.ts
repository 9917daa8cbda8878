// Ports of Kafka Streams' KStreamWindowAggregateTest (emit eager, with and without the
// record cache): the same inputs, the same windowed outputs and timestamps; late
// records dropped and counted.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { windowedToString } from "../../../src/serdes/windowed.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

const w = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });

describe.each([
  ["with the record cache", undefined],
  ["without the record cache", 0],
] as const)("KStreamWindowAggregate (KStreamWindowAggregateTest, %s)", (_label, cacheMaxBytes) => {
  const options = { startTime: 0, ...(cacheMaxBytes === undefined ? {} : { cacheMaxBytes }) };

  it("testAggBasic: hopping windows of 10 advancing by 5, grace 100", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic1", strings)
      .groupByKey(strings)
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5))
      .aggregate(
        () => "0",
        (_key, value, aggregate) => `${aggregate}+${value}`,
        { store: "topic1-Canonized", value: Serdes.string() },
      )
      .toStream()
      .to("output");
    driver = new TopologyTestDriver(builder.build(), options);
    const input = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
    const output = driver.createOutputTopic("output", Serdes.timeWindowed(Serdes.string(), 10), Serdes.string());
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
    expect(readAll(output)).toEqual([
      kvt(w("A", 0, 10), "0+1", 0),
      kvt(w("B", 0, 10), "0+2", 1),
      kvt(w("C", 0, 10), "0+3", 2),
      kvt(w("D", 0, 10), "0+4", 3),
      kvt(w("A", 0, 10), "0+1+1", 4),
      kvt(w("A", 0, 10), "0+1+1+1", 5),
      kvt(w("A", 5, 15), "0+1", 5),
      kvt(w("B", 0, 10), "0+2+2", 6),
      kvt(w("B", 5, 15), "0+2", 6),
      kvt(w("D", 0, 10), "0+4+4", 7),
      kvt(w("D", 5, 15), "0+4", 7),
      kvt(w("B", 0, 10), "0+2+2+2", 8),
      kvt(w("B", 5, 15), "0+2+2", 8),
      kvt(w("C", 0, 10), "0+3+3", 9),
      kvt(w("C", 5, 15), "0+3", 9),
      kvt(w("A", 5, 15), "0+1+1", 10),
      kvt(w("A", 10, 20), "0+1", 10),
      kvt(w("B", 5, 15), "0+2+2+2", 11),
      kvt(w("B", 10, 20), "0+2", 11),
      kvt(w("D", 5, 15), "0+4+4", 12),
      kvt(w("D", 10, 20), "0+4", 12),
      kvt(w("B", 5, 15), "0+2+2+2+2", 13),
      kvt(w("B", 10, 20), "0+2+2", 13),
      kvt(w("C", 5, 15), "0+3+3", 14),
      kvt(w("C", 10, 20), "0+3", 14),
      kvt(w("B", 0, 10), "0+2+2+2+1", 8),
      kvt(w("B", 0, 10), "0+2+2+2+1+2", 8),
      kvt(w("B", 0, 10), "0+2+2+2+1+2+3", 9),
      kvt(w("B", 5, 15), "0+2+2+2+2+3", 13),
    ]);
    // The store holds each window's latest aggregate, by window start.
    const store = driver.getWindowStore<string, string>("topic1-Canonized");
    const windows: Array<[number, string]> = [];
    for await (const { key, value } of store.fetch("B", 0, 20)) windows.push([key, value]);
    expect(windows).toEqual([
      [0, "0+2+2+2+1+2+3"],
      [5, "0+2+2+2+2+3"],
      [10, "0+2+2"],
    ]);
    expect(await store.fetch("A", 10)).toBe("0+1");
    const stamped = driver.getTimestampedWindowStore<string, string>("topic1-Canonized");
    expect(await stamped.fetch("B", 5)).toEqual({ value: "0+2+2+2+2+3", timestamp: 13 });
  });

  it("shouldLogAndMeterWhenSkippingNullKey: a record without a key is dropped and counted", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5))
      .aggregate(
        () => "",
        (_key, value, aggregate) => `${aggregate}+${value}`,
        { value: Serdes.string() },
      );
    driver = new TopologyTestDriver(builder.build(), options);
    await driver.createInputTopic("topic", Serdes.string(), Serdes.string()).pipeInput(null, "1");
    expect(driver.droppedRecords).toBe(1);
  });

  it("shouldLogAndMeterWhenSkippingExpiredWindowByGrace: records later than end + grace are dropped", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 90).advanceBy(10))
      .aggregate(
        () => "",
        (_key, value, aggregate) => `${aggregate}+${value}`,
        { store: "topic1-Canonicalized", value: Serdes.string(), logging: false },
      )
      .toStream()
      .map((key, value) => ({ key: windowedToString(key), value }))
      .to("output", strings);
    driver = new TopologyTestDriver(builder.build(), options);
    const input = driver.createInputTopic("topic", Serdes.string(), Serdes.string());
    await input.pipeInput("k", "100", { timestamp: 200 });
    await input.pipeInput("k", "0", { timestamp: 100 });
    await input.pipeInput("k", "1", { timestamp: 101 });
    await input.pipeInput("k", "2", { timestamp: 102 });
    await input.pipeInput("k", "3", { timestamp: 103 });
    await input.pipeInput("k", "4", { timestamp: 104 });
    await input.pipeInput("k", "5", { timestamp: 105 });
    await input.pipeInput("k", "6", { timestamp: 6 });
    expect(driver.droppedRecords).toBe(7);
    expect(readAll(driver.createOutputTopic("output", Serdes.string(), Serdes.string()))).toEqual([
      kvt("[k@200/210]", "+100", 200),
    ]);
  });

  it("shouldLogAndMeterWhenSkippingExpiredWindow: each window a late record misses is dropped and counted", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 90).advanceBy(5))
      .aggregate(
        () => "",
        (_key, value, aggregate) => `${aggregate}+${value}`,
        { store: "topic1-Canonicalized", value: Serdes.string(), logging: false, retention: 100 },
      )
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
    expect(readAll(driver.createOutputTopic("output", Serdes.string(), Serdes.string()))).toEqual([
      kvt("[k@95/105]", "+100", 100),
      kvt("[k@100/110]", "+100", 100),
      kvt("[k@5/15]", "+5", 5),
      kvt("[k@5/15]", "+5+6", 6),
      kvt("[k@100/110]", "+100+105", 105),
      kvt("[k@105/115]", "+105", 105),
      kvt("[k@100/110]", "+100+105+106", 106),
      kvt("[k@105/115]", "+105+106", 106),
    ]);
  });

  it("refuses a retention shorter than size + grace, as Kafka Streams' WindowStoreMaterializer", () => {
    const grouped = new StreamsBuilder().stream("topic", strings).groupByKey(strings);
    expect(() =>
      grouped.windowedBy(TimeWindows.ofSizeAndGrace(10, 90)).count({ store: "counts", retention: 99 }),
    ).toThrow(
      "The retention period of the window store counts must be no smaller than its window size plus the grace period. Got size=[10], grace=[90], retention=[99]",
    );
  });
});
