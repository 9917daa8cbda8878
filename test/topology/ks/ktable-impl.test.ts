// Port of Kafka Streams' KTableImplTest: what processors under a table, its mapValues and
// its filter receive (materialized or not), which stores a topology of tables has, the
// repartition nodes of a regrouped table, old values on demand, and the calls refused.
// Not ported: shouldPreserveSerdesForOperators (the serdes AbstractStream keeps inside).
// A null options object is refused as the Materialized (or Named) Kafka Streams was given.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { dsl } from "../../../src/topology/dsl/dsl-state.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { Topology } from "../../../src/topology/topology.js";
import { CapturingSupplier, kvt, toStringJoiner } from "./support.js";

const consumed = { key: Serdes.string(), value: Serdes.string() };
const produced = { key: Serdes.string(), value: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** The node names of a described topology. */
function nodeNames(topology: Topology): string[] {
  return [
    ...topology
      .describe()
      .toString()
      .matchAll(/(?:Source|Processor|Sink): (\S+)/g),
  ].map((match) => match[1]!);
}

describe("KTableImplTest", () => {
  async function pipeAndCapture(materialized: boolean) {
    const builder = new StreamsBuilder();
    const table1 = builder.table("topic1", materialized ? { ...consumed, store: "fred" } : consumed);
    const supplier = new CapturingSupplier<string, unknown>();
    table1.toStream().process(supplier.supplier);
    const table2 = table1.mapValues((s) => Number.parseInt(s, 10));
    table2.toStream().process(supplier.supplier);
    const table3 = table2.filter((_key, value) => value % 2 === 0);
    table3.toStream().process(supplier.supplier);
    table1.toStream().to("topic2", produced);
    const table4 = builder.table("topic2", consumed);
    table4.toStream().process(supplier.supplier);

    driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
    await input.pipeInput("A", "01", { timestamp: 5 });
    await input.pipeInput("B", "02", { timestamp: 100 });
    await input.pipeInput("C", "03", { timestamp: 0 });
    await input.pipeInput("D", "04", { timestamp: 0 });
    await input.pipeInput("A", "05", { timestamp: 10 });
    await input.pipeInput("A", "06", { timestamp: 8 });
    await driver.close();
    expect(supplier.processors).toHaveLength(4);
    return supplier.processors;
  }

  const strings = [
    kvt("A", "01", 5),
    kvt("B", "02", 100),
    kvt("C", "03", 0),
    kvt("D", "04", 0),
    kvt("A", "05", 10),
    kvt("A", "06", 8),
  ];
  const numbers = [kvt("A", 1, 5), kvt("B", 2, 100), kvt("C", 3, 0), kvt("D", 4, 0), kvt("A", 5, 10), kvt("A", 6, 8)];

  it("testKTable", async () => {
    const processors = await pipeAndCapture(false);
    expect(processors[0]).toEqual(strings);
    expect(processors[1]).toEqual(numbers);
    expect(processors[2]).toEqual([
      kvt("A", null, 5),
      kvt("B", 2, 100),
      kvt("C", null, 0),
      kvt("D", 4, 0),
      kvt("A", null, 10),
      kvt("A", 6, 8),
    ]);
    expect(processors[3]).toEqual(strings);
  });

  it("testMaterializedKTable", async () => {
    const processors = await pipeAndCapture(true);
    expect(processors[0]).toEqual(strings);
    expect(processors[1]).toEqual(numbers);
    expect(processors[2]).toEqual([kvt("B", 2, 100), kvt("D", 4, 0), kvt("A", 6, 8)]);
    expect(processors[3]).toEqual(strings);
  });

  it("testStateStoreLazyEval: tables nothing reads from keep no store", () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table("topic1", consumed);
    builder.table("topic2", consumed);
    table1.mapValues((s) => Number.parseInt(s, 10)).filter((_key, value) => value % 2 === 0);
    expect(builder.build().stores.size).toBe(0);
  });

  it("testStateStore: a join materializes both tables' sources", () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table("topic1", consumed);
    const table2 = builder.table("topic2", consumed);
    const filtered = table1.mapValues((s) => Number.parseInt(s, 10)).filter((_key, value) => value % 2 === 0);
    table2.join(filtered, (v1, v2) => v1 + String(v2));
    expect(builder.build().stores.size).toBe(2);
  });

  it("shouldNotEnableSendingOldValuesIfNotMaterializedAlreadyAndNotForcedToMaterialize", () => {
    const table = new StreamsBuilder().table("topic1", consumed);
    expect(table[dsl].supplier.enableSendingOldValues(false)).toBe(false);
  });

  it("shouldEnableSendingOldValuesIfNotMaterializedAlreadyButForcedToMaterialize", async () => {
    const builder = new StreamsBuilder();
    const table = builder.table("topic1", consumed);
    expect(table[dsl].supplier.enableSendingOldValues(true)).toBe(true);
    // Forced, the source keeps a store to read old values from, and sends them.
    const supplier = new CapturingSupplier<string, unknown>();
    const topology = builder.build().addProcessor("proc", supplier.supplier, table.name);
    expect(topology.stores.size).toBe(1);
    driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
    await input.pipeInput("A", "1", { timestamp: 1 });
    await input.pipeInput("A", "2", { timestamp: 2 });
    supplier.checkAndClear([
      kvt("A", { newValue: "1", oldValue: null }, 1),
      kvt("A", { newValue: "2", oldValue: "1" }, 2),
    ]);
  });

  it("shouldCreateSourceAndSinkNodesForRepartitioningTopic", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table("topic1", { ...consumed, store: "storeName1" });
    table1
      .groupBy((key, value) => ({ key, value }))
      .aggregate(
        () => "0",
        (_key, value, aggregate) => `${aggregate}+${value}`,
        (_key, value, aggregate) => `${aggregate}-${value}`,
        { store: "mock-result1" },
      );
    table1
      .groupBy((key, value) => ({ key, value }))
      .reduce(
        (value1, value2) => value1 + value2,
        (value1, value2) => value1.replace(value2, ""),
        { store: "mock-result2" },
      );
    const topology = builder.build();
    expect([...topology.stores.keys()].sort()).toEqual(["mock-result1", "mock-result2", "storeName1"]);
    expect(nodeNames(topology)).toEqual(
      expect.arrayContaining([
        "KSTREAM-SINK-0000000003",
        "KSTREAM-SOURCE-0000000004",
        "KSTREAM-SINK-0000000007",
        "KSTREAM-SOURCE-0000000008",
      ]),
    );
    // The repartition topics carry changes whose inner serde is the default one: the aggregates work.
    driver = new TopologyTestDriver(topology, { defaultKeySerde: Serdes.string(), defaultValueSerde: Serdes.string() });
    const input = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
    await input.pipeInput("A", "1", { timestamp: 1 });
    await input.pipeInput("A", "2", { timestamp: 2 });
    expect(await driver.getKeyValueStore<string, string>("mock-result1").get("A")).toBe("0+1-1+2");
    expect(await driver.getKeyValueStore<string, string>("mock-result2").get("A")).toBe("2");
  });

  describe("the calls refused", () => {
    const table = (): KTable<string, string> => new StreamsBuilder().table("test", consumed);
    const absent = null as never;
    const transformer = () => ({ init: () => undefined, transform: (_key: string, value: string | null) => value });
    const cases: [string, (t: KTable<string, string>) => unknown, string][] = [
      ["shouldNotAllowNullPredicateOnFilter", (t) => t.filter(absent), "predicate can't be null"],
      ["shouldNotAllowNullPredicateOnFilterNot", (t) => t.filterNot(absent), "predicate can't be null"],
      ["shouldNotAllowNullMapperOnMapValues", (t) => t.mapValues(absent), "mapper can't be null"],
      // ValueMapper and ValueMapperWithKey are one function type in Eddy.
      ["shouldNotAllowNullMapperOnMapValueWithKey", (t) => t.mapValues(absent), "mapper can't be null"],
      ["shouldNotAllowNullSelectorOnToStream", (t) => t.toStream(absent), "mapper can't be null"],
      ["shouldNotAllowNullSelectorOnGroupBy", (t) => t.groupBy(absent), "selector can't be null"],
      ["shouldNotAllowNullOtherTableOnJoin", (t) => t.join(absent, toStringJoiner), "other can't be null"],
      ["shouldNotAllowNullOtherTableOnLeftJoin", (t) => t.leftJoin(absent, toStringJoiner), "other can't be null"],
      ["shouldNotAllowNullOtherTableOnOuterJoin", (t) => t.outerJoin(absent, toStringJoiner), "other can't be null"],
      ["shouldNotAllowNullJoinerJoin", (t) => t.join(t, absent), "joiner can't be null"],
      ["shouldNotAllowNullJoinerOnLeftJoin", (t) => t.leftJoin(t, absent), "joiner can't be null"],
      ["shouldNotAllowNullJoinerOnOuterJoin", (t) => t.outerJoin(t, absent), "joiner can't be null"],
      [
        "shouldThrowNullPointerOnFilterWhenMaterializedIsNull",
        (t) => t.filter(() => false, absent),
        "materialized can't be null",
      ],
      [
        "shouldThrowNullPointerOnFilterNotWhenMaterializedIsNull",
        (t) => t.filterNot(() => false, absent),
        "materialized can't be null",
      ],
      [
        "shouldThrowNullPointerOnJoinWhenMaterializedIsNull",
        (t) => t.join(t, toStringJoiner, absent),
        "materialized can't be null",
      ],
      [
        "shouldThrowNullPointerOnLeftJoinWhenMaterializedIsNull",
        (t) => t.leftJoin(t, toStringJoiner, absent),
        "materialized can't be null",
      ],
      [
        "shouldThrowNullPointerOnOuterJoinWhenMaterializedIsNull",
        (t) => t.outerJoin(t, toStringJoiner, absent),
        "materialized can't be null",
      ],
      [
        "shouldThrowNullPointerOnTransformValuesWithKeyWhenTransformerSupplierIsNull",
        (t) => t.transformValues(absent),
        "transformerSupplier can't be null",
      ],
      [
        "shouldThrowNullPointerOnTransformValuesWithKeyWhenMaterializedIsNull",
        (t) => t.transformValues(transformer, absent),
        "materialized can't be null",
      ],
      [
        // Java's (String[]) null: here a store name list with a null in it.
        "shouldThrowNullPointerOnTransformValuesWithKeyWhenStoreNamesNull",
        (t) => t.transformValues(transformer, {}, absent),
        "stateStoreNames can't be null",
      ],
    ];

    it.each(cases)("%s", (_name, call, message) => {
      expect(() => call(table())).toThrow(message);
    });

    it("shouldAllowNullStoreInJoin", () => {
      const t = table();
      expect(t.join(t, toStringJoiner).queryableStoreName).toBeUndefined();
    });
  });
});
