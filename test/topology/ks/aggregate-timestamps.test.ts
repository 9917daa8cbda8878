// Ports of Kafka Streams' KTableAggregateTest (testAggBasic, testRemoveOldBeforeAddNew)
// and of KStreamAggregate's timestamp rule: an aggregate is as recent as the latest
// record folded into it, so a count fed records at 100 then 50 forwards [100, 100].
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("KTable aggregations (KTableAggregateTest)", () => {
  it("testAggBasic: each update carries the later of the record's and the aggregate's timestamps", async () => {
    const builder = new StreamsBuilder();
    builder
      .table("topic1", strings)
      .groupBy((key, value) => ({ key, value }), strings)
      .aggregate(
        () => "0",
        (_key, value, aggregate) => `${aggregate}+${value}`,
        (_key, value, aggregate) => `${aggregate}-${value}`,
        { store: "topic1-Canonized", value: Serdes.string() },
      )
      .toStream()
      .to("output", { value: Serdes.string() });
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const input = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
    const output = driver.createOutputTopic("output", Serdes.string(), Serdes.string());
    for (const [key, value, timestamp] of [
      ["A", "1", 10],
      ["B", "2", 15],
      ["A", "3", 20],
      ["B", "4", 18],
      ["C", "5", 5],
      ["D", "6", 25],
      ["B", "7", 15],
      ["C", "8", 10],
    ] as const) {
      await input.pipeInput(key, value, { timestamp });
    }
    expect(readAll(output)).toEqual([
      kvt("A", "0+1", 10),
      kvt("B", "0+2", 15),
      kvt("A", "0+1-1+3", 20),
      kvt("B", "0+2-2+4", 18),
      kvt("C", "0+5", 5),
      kvt("D", "0+6", 25),
      kvt("B", "0+2-2+4-4+7", 18),
      kvt("C", "0+5-5+8", 10),
    ]);
    const store = driver.getTimestampedKeyValueStore<string, string>("topic1-Canonized");
    expect(await store.get("B")).toEqual({ value: "0+2-2+4-4+7", timestamp: 18 });
    expect(await driver.getKeyValueStore<string, string>("topic1-Canonized").get("B")).toBe("0+2-2+4-4+7");
  });

  it("testRemoveOldBeforeAddNew: a row moving within its group subtracts first, then adds", async () => {
    const builder = new StreamsBuilder();
    builder
      .table("count-test-input", strings)
      .groupBy((key) => ({ key: key.charAt(0), value: key.charAt(1) }), strings)
      .aggregate(
        () => "",
        (_key, value, aggregate) => aggregate + value,
        (_key, value, aggregate) => aggregate.replaceAll(value, ""),
        { store: "someStore", value: Serdes.string() },
      )
      .toStream()
      .to("output", { value: Serdes.string() });
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const input = driver.createInputTopic("count-test-input", Serdes.string(), Serdes.string());
    const output = driver.createOutputTopic("output", Serdes.string(), Serdes.string());
    await input.pipeInput("11", "A", { timestamp: 10 });
    await input.pipeInput("12", "B", { timestamp: 8 });
    await input.pipeInput("11", null, { timestamp: 12 });
    await input.pipeInput("12", "C", { timestamp: 6 });
    expect(readAll(output)).toEqual([kvt("1", "1", 10), kvt("1", "12", 10), kvt("1", "2", 12), kvt("1", "2", 12)]);
  });
});

describe("KStream aggregations (KStreamAggregate)", () => {
  it("a count fed records at 100 then 50 forwards timestamps [100, 100]", async () => {
    const builder = new StreamsBuilder();
    builder.stream("input", strings).groupByKey().count({ store: "counts" }).toStream().to("output");
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    const output = driver.createOutputTopic("output", Serdes.string(), Serdes.long());
    await input.pipeInput("a", "x", { timestamp: 100 });
    await input.pipeInput("a", "y", { timestamp: 50 });
    await input.pipeInput("b", "z", { timestamp: 10 });
    expect(readAll(output)).toEqual([kvt("a", 1, 100), kvt("a", 2, 100), kvt("b", 1, 10)]);
    expect(await driver.getTimestampedKeyValueStore<string, number>("counts").get("a")).toEqual({
      value: 2,
      timestamp: 100,
    });
  });

  it("reduce and aggregate keep the latest timestamp too, and tables keep each row's own", async () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream("input", strings);
    stream
      .groupByKey()
      .reduce((aggregate, value) => aggregate + value, { store: "reduced" })
      .toStream()
      .to("reduced-out");
    builder.table("table", { ...strings, store: "rows" });
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    const table = driver.createInputTopic("table", Serdes.string(), Serdes.string());
    const output = driver.createOutputTopic("reduced-out", Serdes.string(), Serdes.string());
    await input.pipeInput("k", "a", { timestamp: 30 });
    await input.pipeInput("k", "b", { timestamp: 20 });
    await input.pipeInput("k", "c", { timestamp: 40 });
    expect(readAll(output)).toEqual([kvt("k", "a", 30), kvt("k", "ab", 30), kvt("k", "abc", 40)]);
    await table.pipeInput("r", "v1", { timestamp: 9 });
    await table.pipeInput("r", "v2", { timestamp: 3 });
    // Out of order: a non-versioned table takes the update anyway, with its own timestamp.
    expect(await driver.getTimestampedKeyValueStore<string, string>("rows").get("r")).toEqual({
      value: "v2",
      timestamp: 3,
    });
  });
});
