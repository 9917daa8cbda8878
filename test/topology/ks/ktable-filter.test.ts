// Port of Kafka Streams' KTableFilterTest: filter and filterNot on a table, materialized
// or not, what a processor downstream receives (new and old values, timestamps) with and
// without sendOldValues, the filtered stores' contents, and the tombstones a filter skips
// when a downstream aggregation has enabled old values.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { dsl } from "../../../src/topology/dsl/dsl-state.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { Stores } from "../../../src/topology/stores.js";
import type { Topology } from "../../../src/topology/topology.js";
import type { Change } from "../../../src/topology/dsl/processors/change.js";
import { CapturingSupplier, change, kvt } from "./support.js";

const topic1 = "topic1";
const consumed = { key: Serdes.string(), value: Serdes.int32() };
const predicate = (_key: string, value: number): boolean => value % 2 === 0;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function start(topology: Topology): TopologyTestDriver {
  // KTableFilterTest turns the record cache off (statestore.cache.max.bytes = 0).
  driver = new TopologyTestDriver(topology, { startTime: 0, cacheMaxBytes: 0 });
  return driver;
}

/** KTableImpl.enableSendingOldValues(forceMaterialization), as the Java tests call it. */
function enableSendingOldValues<K, V>(table: KTable<K, V>, force: boolean): boolean {
  return table[dsl].supplier.enableSendingOldValues(force);
}

describe("KTableFilterTest", () => {
  async function doTestKTable(builder: StreamsBuilder, table2: KTable<string, number>, table3: KTable<string, number>) {
    const supplier = new CapturingSupplier<string, number | null>();
    table2.toStream().process(supplier.supplier);
    table3.toStream().process(supplier.supplier);
    const input = start(builder.build()).createInputTopic(topic1, Serdes.string(), Serdes.int32(), {
      startTimestamp: 0,
    });
    await input.pipeInput("A", 1, { timestamp: 10 });
    await input.pipeInput("B", 2, { timestamp: 5 });
    await input.pipeInput("C", 3, { timestamp: 8 });
    await input.pipeInput("D", 4, { timestamp: 14 });
    await input.pipeInput("A", null, { timestamp: 18 });
    await input.pipeInput("B", null, { timestamp: 15 });
    expect(supplier.processors).toHaveLength(2);
    supplier.checkAndClear(
      [kvt("A", null, 10), kvt("B", 2, 5), kvt("C", null, 8), kvt("D", 4, 14), kvt("A", null, 18), kvt("B", null, 15)],
      0,
    );
    supplier.checkAndClear(
      [kvt("A", 1, 10), kvt("B", null, 5), kvt("C", 3, 8), kvt("D", null, 14), kvt("A", null, 18), kvt("B", null, 15)],
      1,
    );
  }

  it("shouldPassThroughWithoutMaterialization", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, consumed);
    const table2 = table1.filter(predicate);
    const table3 = table1.filterNot(predicate);
    expect([table1.queryableStoreName, table2.queryableStoreName, table3.queryableStoreName]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    await doTestKTable(builder, table2, table3);
  });

  it("shouldPassThroughOnMaterialization", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, consumed);
    const table2 = table1.filter(predicate, { store: "store2" });
    const table3 = table1.filterNot(predicate);
    expect([table1.queryableStoreName, table2.queryableStoreName, table3.queryableStoreName]).toEqual([
      undefined,
      "store2",
      undefined,
    ]);
    await doTestKTable(builder, table2, table3);
  });

  it("shouldGetValuesOnMaterialization (the value getters, read through the stores)", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, consumed);
    const table2 = table1.filter(predicate, { store: "store2" });
    const table3 = table1.filterNot(predicate, { store: "store3" });
    const table4 = table1.filterNot(predicate);
    expect([table1.queryableStoreName, table2.queryableStoreName, table3.queryableStoreName]).toEqual([
      undefined,
      "store2",
      "store3",
    ]);
    expect(table4.queryableStoreName).toBeUndefined();
    const d = start(builder.build());
    const input = d.createInputTopic(topic1, Serdes.string(), Serdes.int32(), { startTimestamp: 0 });
    const store2 = d.getTimestampedKeyValueStore<string, number>("store2");
    const store3 = d.getTimestampedKeyValueStore<string, number>("store3");
    const check = async (expected2: ([number, number] | null)[], expected3: ([number, number] | null)[]) => {
      for (const [store, expected] of [
        [store2, expected2],
        [store3, expected3],
      ] as const) {
        const actual = [];
        for (const key of ["A", "B", "C"]) actual.push((await store.get(key)) ?? null);
        expect(actual).toEqual(
          expected.map((entry) => (entry === null ? null : { value: entry[0], timestamp: entry[1] })),
        );
      }
    };

    await input.pipeInput("A", 1, { timestamp: 5 });
    await input.pipeInput("B", 1, { timestamp: 10 });
    await input.pipeInput("C", 1, { timestamp: 15 });
    await check(
      [null, null, null],
      [
        [1, 5],
        [1, 10],
        [1, 15],
      ],
    );

    await input.pipeInput("A", 2, { timestamp: 10 });
    await input.pipeInput("B", 2, { timestamp: 5 });
    await check([[2, 10], [2, 5], null], [null, null, [1, 15]]);

    await input.pipeInput("A", 3, { timestamp: 15 });
    await check([null, [2, 5], null], [[3, 15], null, [1, 15]]);

    await input.pipeInput("A", null, { timestamp: 10 });
    await input.pipeInput("B", null, { timestamp: 20 });
    await check([null, null, null], [null, null, [1, 15]]);
  });

  /** doTestNotSendingOldValue: processors under the source and under the filter. */
  async function doTestNotSendingOldValue(
    builder: StreamsBuilder,
    table1: KTable<string, number>,
    table2: KTable<string, number>,
  ) {
    const supplier = new CapturingSupplier<string, Change<number>>();
    const topology = builder.build();
    topology.addProcessor("proc1", supplier.supplier, table1.name);
    topology.addProcessor("proc2", supplier.supplier, table2.name);
    const input = start(topology).createInputTopic(topic1, Serdes.string(), Serdes.int32(), { startTimestamp: 0 });

    await input.pipeInput("A", 1, { timestamp: 5 });
    await input.pipeInput("B", 1, { timestamp: 10 });
    await input.pipeInput("C", 1, { timestamp: 15 });
    expect(supplier.processors).toHaveLength(2);
    supplier.checkAndClear(
      [kvt("A", change(1, null), 5), kvt("B", change(1, null), 10), kvt("C", change(1, null), 15)],
      0,
    );
    supplier.checkAndClear(
      [kvt("A", change(null, null), 5), kvt("B", change(null, null), 10), kvt("C", change(null, null), 15)],
      1,
    );

    await input.pipeInput("A", 2, { timestamp: 15 });
    await input.pipeInput("B", 2, { timestamp: 8 });
    supplier.checkAndClear([kvt("A", change(2, null), 15), kvt("B", change(2, null), 8)], 0);
    supplier.checkAndClear([kvt("A", change(2, null), 15), kvt("B", change(2, null), 8)], 1);

    await input.pipeInput("A", 3, { timestamp: 20 });
    supplier.checkAndClear([kvt("A", change(3, null), 20)], 0);
    supplier.checkAndClear([kvt("A", change(null, null), 20)], 1);

    await input.pipeInput("A", null, { timestamp: 10 });
    await input.pipeInput("B", null, { timestamp: 20 });
    supplier.checkAndClear([kvt("A", change(null, null), 10), kvt("B", change(null, null), 20)], 0);
    supplier.checkAndClear([kvt("A", change(null, null), 10), kvt("B", change(null, null), 20)], 1);
  }

  it("shouldNotSendOldValuesWithoutMaterialization", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, consumed);
    await doTestNotSendingOldValue(builder, table1, table1.filter(predicate));
  });

  it("shouldNotSendOldValuesOnMaterialization", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, consumed);
    await doTestNotSendingOldValue(builder, table1, table1.filter(predicate, { store: "store2" }));
  });

  it("shouldNotEnableSendingOldValuesIfNotAlreadyMaterializedAndNotForcedToMaterialize", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, consumed);
    const table2 = table1.filter(predicate);
    expect(enableSendingOldValues(table2, false)).toBe(false);
    await doTestNotSendingOldValue(builder, table1, table2);
  });

  /** doTestSendingOldValue: the filter sends old values; the source does when `parentSendsOldValues`. */
  async function doTestSendingOldValue(
    builder: StreamsBuilder,
    table1: KTable<string, number>,
    table2: KTable<string, number>,
    parentSendsOldValues: boolean,
  ) {
    const supplier = new CapturingSupplier<string, Change<number>>();
    const topology = builder.build();
    topology.addProcessor("proc1", supplier.supplier, table1.name);
    topology.addProcessor("proc2", supplier.supplier, table2.name);
    const input = start(topology).createInputTopic(topic1, Serdes.string(), Serdes.int32(), { startTimestamp: 0 });
    const old = <V>(value: V): V | null => (parentSendsOldValues ? value : null);

    await input.pipeInput("A", 1, { timestamp: 5 });
    await input.pipeInput("B", 1, { timestamp: 10 });
    await input.pipeInput("C", 1, { timestamp: 15 });
    expect(supplier.processors).toHaveLength(2);
    supplier.checkAndClear(
      [kvt("A", change(1, null), 5), kvt("B", change(1, null), 10), kvt("C", change(1, null), 15)],
      0,
    );
    supplier.checkAndClear([], 1);

    await input.pipeInput("A", 2, { timestamp: 15 });
    await input.pipeInput("B", 2, { timestamp: 8 });
    supplier.checkAndClear([kvt("A", change(2, old(1)), 15), kvt("B", change(2, old(1)), 8)], 0);
    supplier.checkAndClear([kvt("A", change(2, null), 15), kvt("B", change(2, null), 8)], 1);

    await input.pipeInput("A", 3, { timestamp: 20 });
    supplier.checkAndClear([kvt("A", change(3, old(2)), 20)], 0);
    supplier.checkAndClear([kvt("A", change(null, 2), 20)], 1);

    await input.pipeInput("A", null, { timestamp: 10 });
    await input.pipeInput("B", null, { timestamp: 20 });
    supplier.checkAndClear([kvt("A", change(null, old(3)), 10), kvt("B", change(null, old(2)), 20)], 0);
    supplier.checkAndClear([kvt("B", change(null, 2), 20)], 1);
  }

  it("shouldEnableSendOldValuesWhenNotMaterializedAlreadyButForcedToMaterialize", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, consumed);
    const table2 = table1.filter(predicate);
    expect(enableSendingOldValues(table2, true)).toBe(true);
    await doTestSendingOldValue(builder, table1, table2, true);
  });

  it("shouldEnableSendOldValuesWhenMaterializedAlreadyAndForcedToMaterialize", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, consumed);
    const table2 = table1.filter(predicate, { store: "store2" });
    expect(enableSendingOldValues(table2, true)).toBe(true);
    await doTestSendingOldValue(builder, table1, table2, false);
  });

  it("shouldSendOldValuesWhenEnabledOnUpStreamMaterialization", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, { ...consumed, store: "store2" });
    const table2 = table1.filter(predicate);
    expect(enableSendingOldValues(table2, false)).toBe(true);
    await doTestSendingOldValue(builder, table1, table2, true);
  });

  /**
   * doTestSkipNullOnMaterialization: a filter whose old values a downstream reduce enabled
   * skips (null, null), unless its input table is versioned (then every tombstone goes on).
   */
  async function doTestSkipNullOnMaterialization(
    builder: StreamsBuilder,
    table1: KTable<string, string>,
    table2: KTable<string, string>,
    shouldSkip = true,
  ) {
    const supplier = new CapturingSupplier<string, Change<string>>();
    const topology = builder.build();
    topology.addProcessor("proc1", supplier.supplier, table1.name);
    topology.addProcessor("proc2", supplier.supplier, table2.name);
    const input = start(topology).createInputTopic(topic1, Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    await input.pipeInput("A", "reject", { timestamp: 5 });
    await input.pipeInput("B", "reject", { timestamp: 10 });
    await input.pipeInput("C", "reject", { timestamp: 20 });
    expect(supplier.processors).toHaveLength(2);
    // A versioned table's changes also say whether they are its key's latest (Kafka Streams' Change.isLatest).
    const source = (value: string | null) =>
      shouldSkip ? change(value, null) : { ...change(value, null), isLatest: true };
    supplier.checkAndClear(
      [kvt("A", source("reject"), 5), kvt("B", source("reject"), 10), kvt("C", source("reject"), 20)],
      0,
    );
    supplier.checkAndClear(
      shouldSkip
        ? []
        : [kvt("A", change(null, null), 5), kvt("B", change(null, null), 10), kvt("C", change(null, null), 20)],
      1,
    );
  }

  const strings = { key: Serdes.string(), value: Serdes.string() };
  const accept = (_key: string, value: string): boolean => value.toLowerCase() === "accept";
  const adder = (aggregate: string, value: string): string => aggregate + value;
  const remover = (aggregate: string, value: string): string => aggregate.replace(value, "");

  it("shouldSkipNullToRepartitionWithoutMaterialization", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, strings);
    const table2 = table1.filter(accept);
    table2
      .groupBy((key, value) => ({ key, value }), { key: Serdes.string(), value: Serdes.string() })
      .reduce(adder, remover);
    await doTestSkipNullOnMaterialization(builder, table1, table2);
  });

  it("shouldSkipNullToRepartitionOnMaterialization", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, strings);
    const table2 = table1.filter(accept, { store: "store2" });
    table2
      .groupBy((key, value) => ({ key, value }), { key: Serdes.string(), value: Serdes.string() })
      .reduce(adder, remover, { store: "mock-result" });
    await doTestSkipNullOnMaterialization(builder, table1, table2);
  });

  it("shouldNotSkipNullIfVersionedUpstream", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, {
      ...strings,
      ...Stores.persistentVersionedKeyValueStore("versioned", 300_000),
    });
    const table2 = table1.filter(accept);
    table2.groupBy((key, value) => ({ key, value }), strings).reduce(adder, remover);
    await doTestSkipNullOnMaterialization(builder, table1, table2, false);
  });

  it("shouldSkipNullIfVersionedDownstream", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table(topic1, { ...strings, store: "store" });
    const table2 = table1.filter(accept, Stores.persistentVersionedKeyValueStore("versioned", 300_000));
    table2.groupBy((key, value) => ({ key, value }), strings).reduce(adder, remover);
    await doTestSkipNullOnMaterialization(builder, table1, table2, true);
  });

  it("shouldNotAllowNullPredicate (KTableImpl)", () => {
    const table = new StreamsBuilder().table(topic1, consumed);
    expect(() => table.filter(null as unknown as typeof predicate)).toThrow("predicate can't be null");
  });
});
