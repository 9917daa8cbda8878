// Ports of Kafka Streams' KTableAggregateTest and KTableReduceTest: a grouped table's
// aggregate, count and reduce, each update subtracting the old row before adding the new
// one, in one record when the group stays (no transient state, KIP-904), the aggregate's
// timestamp the later of its own and the record's; over a versioned table, a record older
// than its key's latest changes nothing downstream. Not ported: the upgrade.from=3.3 case
// testShouldSendTransientStateWhenUpgrading (Eddy has no upgrade.from config).
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { KeyValue } from "../../../src/stores/key-value-store.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { Stores } from "../../../src/topology/stores.js";
import { CapturingSupplier, expectOutput, kvt } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
/** MockInitializer.STRING_INIT, MockAggregator.TOSTRING_ADDER and TOSTRING_REMOVER. */
const STRING_INIT = (): string => "0";
const TOSTRING_ADDER = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;
const TOSTRING_REMOVER = (_key: string, value: string, aggregate: string): string => `${aggregate}-${value}`;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function start(builder: StreamsBuilder): TopologyTestDriver {
  driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
  return driver;
}

describe("KTableAggregateTest", () => {
  it("testAggBasic", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string | null>();
    builder
      .table("topic1", strings)
      .groupBy((key, value) => ({ key, value }), strings)
      .aggregate(STRING_INIT, TOSTRING_ADDER, TOSTRING_REMOVER, { store: "topic1-Canonized", value: Serdes.string() })
      .toStream()
      .process(supplier.supplier);
    const input = start(builder).createInputTopic("topic1", Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    for (const [key, value, timestamp] of [
      ["A", "1", 10],
      ["B", "2", 15],
      ["A", "3", 20],
      ["B", "4", 18],
      ["C", "5", 5],
      ["D", "6", 25],
      ["B", "7", 15],
      ["C", "8", 10],
    ] as const)
      await input.pipeInput(key, value, { timestamp });
    expect(supplier.processed()).toEqual([
      kvt("A", "0+1", 10),
      kvt("B", "0+2", 15),
      kvt("A", "0+1-1+3", 20),
      kvt("B", "0+2-2+4", 18),
      kvt("C", "0+5", 5),
      kvt("D", "0+6", 25),
      kvt("B", "0+2-2+4-4+7", 18),
      kvt("C", "0+5-5+8", 10),
    ]);
  });

  it("testAggRepartition", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string | null>();
    builder
      .table("topic1", strings)
      .groupBy((key, value): KeyValue<string, string> => {
        // A null group key, or no pair at all: the row is in no group.
        if (key === "null") return { key: null as unknown as string, value };
        if (key === "NULL") return null as unknown as KeyValue<string, string>;
        return { key: value, value };
      }, strings)
      .aggregate(STRING_INIT, TOSTRING_ADDER, TOSTRING_REMOVER, { store: "topic1-Canonized", value: Serdes.string() })
      .toStream()
      .process(supplier.supplier);
    const input = start(builder).createInputTopic("topic1", Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    for (const [key, value, timestamp] of [
      ["A", "1", 10],
      ["A", null, 15],
      ["A", "1", 12],
      ["B", "2", 20],
      ["null", "3", 25],
      ["B", "4", 23],
      ["NULL", "5", 24],
      ["B", "7", 22],
    ] as const)
      await input.pipeInput(key, value, { timestamp });
    expect(supplier.processed()).toEqual([
      kvt("1", "0+1", 10),
      kvt("1", "0+1-1", 15),
      kvt("1", "0+1-1+1", 15),
      kvt("2", "0+2", 20),
      kvt("2", "0+2-2", 23),
      kvt("4", "0+4", 23),
      kvt("4", "0+4-4", 23),
      kvt("7", "0+7", 22),
    ]);
  });

  it.each([
    ["testCount", true],
    ["testCountWithInternalStore", false],
  ] as const)("%s", async (_name, named) => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, number | null>();
    builder
      .table("count-test-input", strings)
      .groupBy((_key, value) => ({ key: value, value }), strings)
      .count(named ? { store: "count" } : undefined)
      .toStream()
      .process(supplier.supplier);
    const input = start(builder).createInputTopic("count-test-input", Serdes.string(), Serdes.string(), {
      startTimestamp: 0,
    });
    await input.pipeInput("A", "green", { timestamp: 10 });
    await input.pipeInput("B", "green", { timestamp: 9 });
    await input.pipeInput("A", "blue", { timestamp: 12 });
    await input.pipeInput("C", "yellow", { timestamp: 15 });
    await input.pipeInput("D", "green", { timestamp: 11 });
    expect(supplier.processed()).toEqual([
      kvt("green", 1, 10),
      kvt("green", 2, 10),
      kvt("green", 1, 12),
      kvt("blue", 1, 12),
      kvt("yellow", 1, 15),
      kvt("green", 2, 12),
    ]);
  });

  it("testAggOfVersionedStore", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string | null>();
    builder
      .table("topic1", { ...strings, ...Stores.persistentVersionedKeyValueStore("versioned", 300_000) })
      .groupBy((key, value): KeyValue<string, string> => {
        if (key === "null") return { key: null as unknown as string, value };
        if (key === "NULL") return null as unknown as KeyValue<string, string>;
        return { key: value, value };
      }, strings)
      .aggregate(STRING_INIT, TOSTRING_ADDER, TOSTRING_REMOVER, { store: "topic1-Canonized", value: Serdes.string() })
      .toStream()
      .process(supplier.supplier);
    const input = start(builder).createInputTopic("topic1", Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    for (const [key, value, timestamp] of [
      ["A", "1", 10],
      ["A", null, 15],
      ["A", "1", 12], // out of order: ignored
      ["B", "2", 20],
      ["null", "3", 25],
      ["B", "4", 23],
      ["NULL", "5", 24],
      ["B", "7", 22], // out of order: ignored
    ] as const)
      await input.pipeInput(key, value, { timestamp });
    expect(supplier.processed()).toEqual([
      kvt("1", "0+1", 10),
      kvt("1", "0+1-1", 15),
      kvt("2", "0+2", 20),
      kvt("2", "0+2-2", 23),
      kvt("4", "0+4", 23),
    ]);
  });

  it("testCountOfVersionedStore", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, number | null>();
    builder
      .table("count-test-input", { ...strings, ...Stores.persistentVersionedKeyValueStore("versioned", 300_000) })
      .groupBy((_key, value) => ({ key: value, value }), strings)
      .count()
      .toStream()
      .process(supplier.supplier);
    const input = start(builder).createInputTopic("count-test-input", Serdes.string(), Serdes.string(), {
      startTimestamp: 0,
    });
    await input.pipeInput("A", "green", { timestamp: 10 });
    await input.pipeInput("B", "green", { timestamp: 9 });
    await input.pipeInput("A", "blue", { timestamp: 12 });
    await input.pipeInput("A", "blue", { timestamp: 11 }); // out of order: ignored
    await input.pipeInput("C", "yellow", { timestamp: 15 });
    await input.pipeInput("D", "green", { timestamp: 11 });
    expect(supplier.processed()).toEqual([
      kvt("green", 1, 10),
      kvt("green", 2, 10),
      kvt("green", 1, 12),
      kvt("blue", 1, 12),
      kvt("yellow", 1, 15),
      kvt("green", 2, 12),
    ]);
  });

  it("testRemoveOldBeforeAddNew", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string | null>();
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
      .process(supplier.supplier);
    const input = start(builder).createInputTopic("count-test-input", Serdes.string(), Serdes.string(), {
      startTimestamp: 0,
    });
    await input.pipeInput("11", "A", { timestamp: 10 });
    await input.pipeInput("12", "B", { timestamp: 8 });
    await input.pipeInput("11", null, { timestamp: 12 });
    await input.pipeInput("12", "C", { timestamp: 6 });
    expect(supplier.processed()).toEqual([kvt("1", "1", 10), kvt("1", "12", 10), kvt("1", "2", 12), kvt("1", "2", 12)]);
  });

  it("testShouldNotSendTransientStateIfNotUpgrading", async () => {
    const builder = new StreamsBuilder();
    builder
      .table("input-topic", strings)
      .groupBy((key, value) => ({ key, value }), strings)
      .count()
      .toStream()
      .to("output-topic", { key: Serdes.string(), value: Serdes.long() });
    const d = start(builder);
    const input = d.createInputTopic("input-topic", Serdes.string(), Serdes.string(), { startTimestamp: 0 });
    const output = d.createOutputTopic("output-topic", Serdes.string(), Serdes.long());
    await input.pipeInput("1", "", { timestamp: 8 });
    await input.pipeInput("1", "", { timestamp: 9 });
    expectOutput(output, [kvt("1", 1, 8), kvt("1", 1, 9)]);
  });

  /** NoEqualsImpl: a key type without equals(); Eddy compares group keys by their bytes. */
  it.each([
    ["testNoEqualsAndSameObject", (key: { x: string }) => ({ key, value: key })],
    [
      "a new but equal key object (testNoEqualsAndNotSameObject's mapper)",
      (_key: { x: string }, value: { x: string }) => ({ key: { x: value.x }, value }),
    ],
  ] as const)("%s: no transient state when the group key stays", async (_name, mapper) => {
    const builder = new StreamsBuilder();
    const noEquals = Serdes.json<{ x: string }>();
    builder
      .table("input-topic", { key: noEquals, value: noEquals })
      .groupBy(mapper, { key: noEquals, value: noEquals })
      .count()
      .toStream()
      .to("output-topic", { key: noEquals, value: Serdes.long() });
    const d = start(builder);
    const input = d.createInputTopic("input-topic", noEquals, noEquals, { startTimestamp: 0 });
    const output = d.createOutputTopic("output-topic", noEquals, Serdes.long());
    await input.pipeInput({ x: "1" }, { x: "1" }, { timestamp: 8 });
    await input.pipeInput({ x: "1" }, { x: "1" }, { timestamp: 9 });
    expectOutput(output, [kvt({ x: "1" }, 1, 8), kvt({ x: "1" }, 1, 9)]);
  });
});

describe("KTableReduceTest", () => {
  it("shouldAddAndSubtract (through the DSL: a table of sets reduced by union and difference)", async () => {
    const builder = new StreamsBuilder();
    const sets = Serdes.json<string[]>();
    const union = (left: string[], right: string[]): string[] => [...new Set([...left, ...right])].sort();
    const difference = (left: string[], right: string[]): string[] => left.filter((item) => !right.includes(item));
    builder
      .table("topic", { key: Serdes.string(), value: sets })
      .groupBy((key, value) => ({ key, value }), { key: Serdes.string(), value: sets })
      .reduce(union, difference, { store: "myStore", value: sets });
    const d = start(builder);
    const input = d.createInputTopic("topic", Serdes.string(), sets, { startTimestamp: 0 });
    const myStore = d.getTimestampedKeyValueStore<string, string[]>("myStore");
    await input.pipeInput("A", ["a"], { timestamp: 10 });
    expect(await myStore.get("A")).toEqual({ value: ["a"], timestamp: 10 });
    await input.pipeInput("A", ["b"], { timestamp: 15 });
    expect(await myStore.get("A")).toEqual({ value: ["b"], timestamp: 15 });
    await input.pipeInput("A", null, { timestamp: 12 });
    expect(await myStore.get("A")).toEqual({ value: [], timestamp: 15 });
  });
});
