// Ports of Kafka Streams' KTableSourceTest and KTableMapValuesTest: what a table source
// and a table's mapValues forward (new and old values, timestamps), what their stores
// hold, and when old values are sent. The Java tests turn the record cache off.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { dsl } from "../../../src/topology/dsl/dsl-state.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { Topology } from "../../../src/topology/topology.js";
import type { Change } from "../../../src/topology/dsl/processors/change.js";
import type { KeyValueStore } from "../../../src/stores/key-value-store.js";
import type { ValueAndTimestamp } from "../../../src/stores/value-and-timestamp.js";
import { CapturingSupplier, change, kvt } from "./support.js";

const topic1 = "topic1";
const strings = { key: Serdes.string(), value: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function start(topology: Topology): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, { startTime: 0, cacheMaxBytes: 0 });
  return driver;
}

function enableSendingOldValues<K, V>(table: KTable<K, V>, force: boolean): boolean {
  return table[dsl].supplier.enableSendingOldValues(force);
}

async function rowsOf<V>(
  store: KeyValueStore<string, ValueAndTimestamp<V>>,
  keys: string[],
): Promise<(ValueAndTimestamp<V> | null)[]> {
  const rows = [];
  for (const key of keys) rows.push((await store.get(key)) ?? null);
  return rows;
}

const vat = <V>(value: V, timestamp: number): ValueAndTimestamp<V> => ({ value, timestamp });

describe("KTableSourceTest", () => {
  it("testKTable", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, number | null>();
    builder.table(topic1, { key: Serdes.string(), value: Serdes.int32() }).toStream().process(supplier.supplier);
    const input = start(builder.build()).createInputTopic(topic1, Serdes.string(), Serdes.int32());
    await input.pipeInput("A", 1, { timestamp: 10 });
    await input.pipeInput("B", 2, { timestamp: 11 });
    await input.pipeInput("C", 3, { timestamp: 12 });
    await input.pipeInput("D", 4, { timestamp: 13 });
    await input.pipeInput("A", null, { timestamp: 14 });
    await input.pipeInput("B", null, { timestamp: 15 });
    expect(supplier.processed()).toEqual([
      kvt("A", 1, 10),
      kvt("B", 2, 11),
      kvt("C", 3, 12),
      kvt("D", 4, 13),
      kvt("A", null, 14),
      kvt("B", null, 15),
    ]);
  });

  it("kTableShouldLogAndMeterOnSkippedRecords: a null key is dropped and counted", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string | null>();
    builder.table("topic", strings).toStream().process(supplier.supplier);
    const d = start(builder.build());
    await d.createInputTopic("topic", Serdes.string(), Serdes.string()).pipeInput(null, "value");
    expect(supplier.processed()).toEqual([]);
    expect(d.droppedRecords).toBe(1);
  });

  it("testValueGetter (through the store)", async () => {
    const builder = new StreamsBuilder();
    builder.table(topic1, { ...strings, store: "store" });
    const d = start(builder.build());
    const input = d.createInputTopic(topic1, Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    const store = d.getTimestampedKeyValueStore<string, string>("store");
    await input.pipeInput("A", "01", { timestamp: 10 });
    await input.pipeInput("B", "01", { timestamp: 20 });
    await input.pipeInput("C", "01", { timestamp: 15 });
    expect(await rowsOf(store, ["A", "B", "C"])).toEqual([vat("01", 10), vat("01", 20), vat("01", 15)]);
    await input.pipeInput("A", "02", { timestamp: 30 });
    await input.pipeInput("B", "02", { timestamp: 5 });
    expect(await rowsOf(store, ["A", "B", "C"])).toEqual([vat("02", 30), vat("02", 5), vat("01", 15)]);
    await input.pipeInput("A", "03", { timestamp: 29 });
    expect(await rowsOf(store, ["A", "B", "C"])).toEqual([vat("03", 29), vat("02", 5), vat("01", 15)]);
    await input.pipeInput("A", null, { timestamp: 50 });
    await input.pipeInput("B", null, { timestamp: 3 });
    expect(await rowsOf(store, ["A", "B", "C"])).toEqual([null, null, vat("01", 15)]);
  });

  it.each([
    ["testNotSendingOldValue", false],
    ["testSendingOldValue", true],
  ] as const)("%s", async (_name, sendOldValues) => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, strings);
    if (sendOldValues) expect(enableSendingOldValues(table1, true)).toBe(true);
    const supplier = new CapturingSupplier<string, Change<string>>();
    const topology = builder.build().addProcessor("proc1", supplier.supplier, table1.name);
    const input = start(topology).createInputTopic(topic1, Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    const old = (value: string): string | null => (sendOldValues ? value : null);

    await input.pipeInput("A", "01", { timestamp: 10 });
    await input.pipeInput("B", "01", { timestamp: 20 });
    await input.pipeInput("C", "01", { timestamp: 15 });
    supplier.checkAndClear([
      kvt("A", change("01", null), 10),
      kvt("B", change("01", null), 20),
      kvt("C", change("01", null), 15),
    ]);
    await input.pipeInput("A", "02", { timestamp: 8 });
    await input.pipeInput("B", "02", { timestamp: 22 });
    supplier.checkAndClear([kvt("A", change("02", old("01")), 8), kvt("B", change("02", old("01")), 22)]);
    await input.pipeInput("A", "03", { timestamp: 12 });
    supplier.checkAndClear([kvt("A", change("03", old("02")), 12)]);
    await input.pipeInput("A", null, { timestamp: 15 });
    await input.pipeInput("B", null, { timestamp: 20 });
    supplier.checkAndClear([kvt("A", change(null, old("03")), 15), kvt("B", change(null, old("02")), 20)]);
    expect(supplier.processors).toHaveLength(1);
  });
});

describe("KTableMapValuesTest", () => {
  async function doTestKTable(builder: StreamsBuilder, supplier: CapturingSupplier<string, number | null>) {
    const input = start(builder.build()).createInputTopic(topic1, Serdes.string(), Serdes.string(), {
      startTimestamp: 0,
    });
    await input.pipeInput("A", "1", { timestamp: 5 });
    await input.pipeInput("B", "2", { timestamp: 25 });
    await input.pipeInput("C", "3", { timestamp: 20 });
    await input.pipeInput("D", "4", { timestamp: 10 });
    expect(supplier.processed()).toEqual([kvt("A", 1, 5), kvt("B", 2, 25), kvt("C", 3, 20), kvt("D", 4, 10)]);
  }

  it.each([
    ["testKTable", false],
    ["testQueryableKTable", true],
  ] as const)("%s", async (_name, queryable) => {
    const builder = new StreamsBuilder();
    const table2 = builder
      .table(topic1, strings)
      .mapValues(
        (value) => value.charCodeAt(0) - 48,
        queryable ? { store: "anyName", value: Serdes.int32() } : undefined,
      );
    const supplier = new CapturingSupplier<string, number | null>();
    table2.toStream().process(supplier.supplier);
    await doTestKTable(builder, supplier);
  });

  it("testQueryableValueGetter (through the stores)", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, strings);
    const table2 = table1.mapValues((value) => Number(value), { store: "store2", value: Serdes.int32() });
    const table3 = table1.mapValues((value) => Number(value) * -1, { store: "store3", value: Serdes.int32() });
    const table4 = table1.mapValues((value) => Number(value));
    expect([table2.queryableStoreName, table3.queryableStoreName, table4.queryableStoreName]).toEqual([
      "store2",
      "store3",
      undefined,
    ]);
    const d = start(builder.build());
    const input = d.createInputTopic(topic1, Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    const store2 = d.getTimestampedKeyValueStore<string, number>("store2");
    const store3 = d.getTimestampedKeyValueStore<string, number>("store3");
    const keys = ["A", "B", "C"];

    await input.pipeInput("A", "01", { timestamp: 50 });
    await input.pipeInput("B", "01", { timestamp: 10 });
    await input.pipeInput("C", "01", { timestamp: 30 });
    expect(await rowsOf(store2, keys)).toEqual([vat(1, 50), vat(1, 10), vat(1, 30)]);
    expect(await rowsOf(store3, keys)).toEqual([vat(-1, 50), vat(-1, 10), vat(-1, 30)]);

    await input.pipeInput("A", "02", { timestamp: 25 });
    await input.pipeInput("B", "02", { timestamp: 20 });
    expect(await rowsOf(store2, keys)).toEqual([vat(2, 25), vat(2, 20), vat(1, 30)]);
    expect(await rowsOf(store3, keys)).toEqual([vat(-2, 25), vat(-2, 20), vat(-1, 30)]);

    await input.pipeInput("A", "03", { timestamp: 35 });
    expect(await rowsOf(store2, keys)).toEqual([vat(3, 35), vat(2, 20), vat(1, 30)]);
    expect(await rowsOf(store3, keys)).toEqual([vat(-3, 35), vat(-2, 20), vat(-1, 30)]);

    await input.pipeInput("A", null, { timestamp: 1 });
    expect(await rowsOf(store2, keys)).toEqual([null, vat(2, 20), vat(1, 30)]);
    expect(await rowsOf(store3, keys)).toEqual([null, vat(-2, 20), vat(-1, 30)]);
  });

  it("testNotSendingOldValue", async () => {
    const builder = new StreamsBuilder();
    const table2 = builder.table(topic1, strings).mapValues((value) => Number(value));
    const supplier = new CapturingSupplier<string, Change<number>>();
    const topology = builder.build().addProcessor("proc", supplier.supplier, table2.name);
    const input = start(topology).createInputTopic(topic1, Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    await input.pipeInput("A", "01", { timestamp: 5 });
    await input.pipeInput("B", "01", { timestamp: 10 });
    await input.pipeInput("C", "01", { timestamp: 15 });
    supplier.checkAndClear([
      kvt("A", change(1, null), 5),
      kvt("B", change(1, null), 10),
      kvt("C", change(1, null), 15),
    ]);
    await input.pipeInput("A", "02", { timestamp: 10 });
    await input.pipeInput("B", "02", { timestamp: 8 });
    supplier.checkAndClear([kvt("A", change(2, null), 10), kvt("B", change(2, null), 8)]);
    await input.pipeInput("A", "03", { timestamp: 20 });
    supplier.checkAndClear([kvt("A", change(3, null), 20)]);
    await input.pipeInput("A", null, { timestamp: 30 });
    supplier.checkAndClear([kvt("A", change(null, null), 30)]);
  });

  it.each([
    ["shouldEnableSendingOldValuesOnParentIfMapValuesNotMaterialized", false],
    ["shouldNotEnableSendingOldValuesOnParentIfMapValuesMaterialized", true],
  ] as const)("%s", async (_name, materialized) => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, strings);
    const table2 = table1.mapValues(
      (value) => Number(value),
      materialized ? { store: "bob", value: Serdes.int32() } : undefined,
    );
    expect(enableSendingOldValues(table2, true)).toBe(true);
    const supplier = new CapturingSupplier<string, Change<number>>();
    const topology = builder.build().addProcessor("proc", supplier.supplier, table2.name);
    // The source was materialized for the old values only when the mapValues was not.
    expect([...topology.stores.keys()]).toEqual(materialized ? ["bob"] : ["topic1-STATE-STORE-0000000000"]);
    const input = start(topology).createInputTopic(topic1, Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    await input.pipeInput("A", "01", { timestamp: 5 });
    await input.pipeInput("B", "01", { timestamp: 10 });
    await input.pipeInput("C", "01", { timestamp: 15 });
    supplier.checkAndClear([
      kvt("A", change(1, null), 5),
      kvt("B", change(1, null), 10),
      kvt("C", change(1, null), 15),
    ]);
    await input.pipeInput("A", "02", { timestamp: 10 });
    await input.pipeInput("B", "02", { timestamp: 8 });
    supplier.checkAndClear([kvt("A", change(2, 1), 10), kvt("B", change(2, 1), 8)]);
    await input.pipeInput("A", "03", { timestamp: 20 });
    supplier.checkAndClear([kvt("A", change(3, 2), 20)]);
    await input.pipeInput("A", null, { timestamp: 30 });
    supplier.checkAndClear([kvt("A", change(null, 3), 30)]);
  });
});
