// Ports of Kafka Streams' KGroupedTableImplTest: a table regrouped and reduced with an
// adder and a subtractor (into a named and a generated store, and materialized), counted and
// aggregated; each group's latest value and timestamp, downstream and in the stores.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Serde } from "../../../src/serdes/serde.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier } from "./support.js";

const TOPIC = "input";
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function open(builder: StreamsBuilder): TopologyTestDriver {
  driver = new TopologyTestDriver(builder.build(), {
    startTime: 0,
    defaultKeySerde: Serdes.string(),
    defaultValueSerde: Serdes.int32() as Serde<unknown>,
  });
  return driver;
}

/** A table of doubles regrouped by key as ints (MockReducer.INTEGER_ADDER / INTEGER_SUBTRACTOR). */
function reducedTable(
  builder: StreamsBuilder,
  options?: { store?: string; value?: Serde<number> },
): KTable<string, number> {
  return builder
    .table(TOPIC, { key: Serdes.string(), value: Serdes.double(), store: "store" })
    .groupBy((key: string, value: number) => ({ key, value: Math.trunc(value) }), {
      key: Serdes.string(),
      value: Serdes.int32(),
    })
    .reduce(
      (aggregate, value) => aggregate + value,
      (aggregate, value) => aggregate - value,
      options,
    );
}

/** assertReduced: the last value and timestamp per key after each step. */
async function assertReduced(test: TopologyTestDriver, supplier: CapturingSupplier<string, number>): Promise<void> {
  const last = () => new Map(supplier.processed().map(({ key, value, timestamp }) => [key, [value, timestamp]]));
  const input = test.createInputTopic(TOPIC, Serdes.string(), Serdes.double());
  await input.pipeInput("A", 1.1, { timestamp: 10 });
  await input.pipeInput("B", 2.2, { timestamp: 11 });
  expect(last().get("A")).toEqual([1, 10]);
  expect(last().get("B")).toEqual([2, 11]);
  await input.pipeInput("A", 2.6, { timestamp: 30 });
  await input.pipeInput("B", 1.3, { timestamp: 30 });
  await input.pipeInput("A", 5.7, { timestamp: 50 });
  await input.pipeInput("B", 6.2, { timestamp: 20 });
  expect(last().get("A")).toEqual([5, 50]);
  expect(last().get("B")).toEqual([6, 30]);
}

async function processData(test: TopologyTestDriver): Promise<void> {
  const input = test.createInputTopic(TOPIC, Serdes.string(), Serdes.string());
  await input.pipeInput("A", "1", { timestamp: 10 });
  await input.pipeInput("B", "1", { timestamp: 50 });
  await input.pipeInput("C", "1", { timestamp: 30 });
  await input.pipeInput("D", "2", { timestamp: 40 });
  await input.pipeInput("E", "2", { timestamp: 60 });
}

describe("KGroupedTable (KGroupedTableImplTest)", () => {
  it.each([
    ["shouldReduce", { store: "reduced" }, "reduced"],
    ["shouldReduceWithInternalStoreName", undefined, undefined],
  ] as const)("%s", async (_name, options, storeName) => {
    const builder = new StreamsBuilder();
    const reduced = reducedTable(builder, options);
    const supplier = new CapturingSupplier<string, number>();
    reduced.toStream().process(supplier.supplier);
    await assertReduced(open(builder), supplier);
    expect(reduced.queryableStoreName).toBe(storeName);
  });

  it("shouldReduceAndMaterializeResults", async () => {
    const builder = new StreamsBuilder();
    const reduced = reducedTable(builder, { store: "reduce", value: Serdes.int32() });
    const supplier = new CapturingSupplier<string, number>();
    reduced.toStream().process(supplier.supplier);
    const test = open(builder);
    await assertReduced(test, supplier);
    const store = test.getKeyValueStore<string, number>("reduce");
    expect([await store.get("A"), await store.get("B")]).toEqual([5, 6]);
    const timestamped = test.getTimestampedKeyValueStore<string, number>("reduce");
    expect(await timestamped.get("A")).toEqual({ value: 5, timestamp: 50 });
    expect(await timestamped.get("B")).toEqual({ value: 6, timestamp: 30 });
  });

  it("shouldCountAndMaterializeResults", async () => {
    const builder = new StreamsBuilder();
    builder
      .table(TOPIC, { key: Serdes.string(), value: Serdes.string() })
      .groupBy((_key: string, value: string) => ({ key: value, value }), {
        key: Serdes.string(),
        value: Serdes.string(),
      })
      .count({ store: "count" });
    const test = open(builder);
    await processData(test);
    const counts = test.getKeyValueStore<string, number>("count");
    expect([await counts.get("1"), await counts.get("2")]).toEqual([3, 2]);
    const timestamped = test.getTimestampedKeyValueStore<string, number>("count");
    expect(await timestamped.get("1")).toEqual({ value: 3, timestamp: 50 });
    expect(await timestamped.get("2")).toEqual({ value: 2, timestamp: 60 });
  });

  it("shouldAggregateAndMaterializeResults", async () => {
    const builder = new StreamsBuilder();
    builder
      .table(TOPIC, { key: Serdes.string(), value: Serdes.string() })
      .groupBy((_key: string, value: string) => ({ key: value, value }), {
        key: Serdes.string(),
        value: Serdes.string(),
      })
      .aggregate(
        () => "0",
        (_key, value, aggregate) => `${aggregate}+${value}`,
        (_key, value, aggregate) => `${aggregate}-${value}`,
        { store: "aggregate", value: Serdes.string() },
      );
    const test = open(builder);
    await processData(test);
    const aggregate = test.getKeyValueStore<string, string>("aggregate");
    expect([await aggregate.get("1"), await aggregate.get("2")]).toEqual(["0+1+1+1", "0+2+2"]);
    const timestamped = test.getTimestampedKeyValueStore<string, string>("aggregate");
    expect(await timestamped.get("1")).toEqual({ value: "0+1+1+1", timestamp: 50 });
    expect(await timestamped.get("2")).toEqual({ value: "0+2+2", timestamp: 60 });
  });
});
