// Ports of Kafka Streams' KStreamKTableJoinTest cases with versioned tables and a grace
// period (KIP-923): the join looks the table up as of each stream record's time, stream
// records wait in the `<join>-Buffer` store until stream time passes them by the grace,
// records already older than that join at once, and the checks of the table's versioning
// and history retention, at join() or at build() as Kafka Streams makes them.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { Stores } from "../../../src/topology/stores.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { TestInputTopic } from "../../../src/testing/test-input-topic.js";
import { CapturingSupplier, kvt, toStringJoiner } from "./support.js";
import type { KeyValueTimestamp } from "./support.js";

const streamTopic = "streamTopic";
const expectedKeys = [0, 1, 2, 3];
const consumed = { key: Serdes.int32(), value: Serdes.string() };
const strings = { key: Serdes.string(), value: Serdes.string() };
const EMPTY: KeyValueTimestamp<number, string>[] = [];

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("KStreamKTableJoinTest with a versioned table and a grace period", () => {
  let processor: CapturingSupplier<number, string>;
  let inputStream: TestInputTopic<number, string>;
  let inputTable: TestInputTopic<number, string>;

  function makeJoin(gracePeriodMs: number): void {
    const builder = new StreamsBuilder();
    processor = new CapturingSupplier<number, string>();
    const stream = builder.stream(streamTopic, consumed);
    const table = builder.table("tableTopic2", {
      ...consumed,
      ...Stores.persistentVersionedKeyValueStore("V-grace", 5 * 60_000),
    });
    stream
      .join(table, toStringJoiner, { key: Serdes.int32(), value: Serdes.string(), name: "Grace", gracePeriodMs })
      .process(processor.supplier);
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    inputStream = driver.createInputTopic(streamTopic, Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    inputTable = driver.createInputTopic("tableTopic2", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
  }

  const pushToStream = async (count: number, prefix: string) => {
    for (let i = 0; i < count; i++)
      await inputStream.pipeInput(expectedKeys[i]!, `${prefix}${expectedKeys[i]}`, { timestamp: i });
  };
  const pushToTableNonRandom = async (count: number, prefix: string) => {
    for (let i = 0; i < count; i++)
      await inputTable.pipeInput(expectedKeys[i]!, `${prefix}${expectedKeys[i]}`, { timestamp: 0 });
  };

  it("shouldDelayJoinByGracePeriod", async () => {
    makeJoin(2);
    await pushToTableNonRandom(4, "Y");
    processor.checkAndClear(EMPTY);
    await pushToStream(4, "X");
    processor.checkAndClear([kvt(0, "X0+Y0", 0), kvt(1, "X1+Y1", 1)]);
    await pushToTableNonRandom(4, "YY");
    processor.checkAndClear(EMPTY);
    await pushToStream(4, "X");
    processor.checkAndClear([kvt(0, "X0+YY0", 0), kvt(1, "X1+YY1", 1)]);
    await inputStream.pipeInput(5, "test", { timestamp: 7 });
    processor.checkAndClear([kvt(2, "X2+YY2", 2), kvt(2, "X2+YY2", 2), kvt(3, "X3+YY3", 3), kvt(3, "X3+YY3", 3)]);
    await pushToTableNonRandom(4, "YYY");
    processor.checkAndClear(EMPTY);
  });

  it("shouldHandleLateJoinsWithGracePeriod", async () => {
    makeJoin(2);
    await pushToTableNonRandom(4, "Y");
    processor.checkAndClear(EMPTY);
    await pushToStream(4, "X");
    processor.checkAndClear([kvt(0, "X0+Y0", 0), kvt(1, "X1+Y1", 1)]);
    await pushToStream(1, "X");
    processor.checkAndClear([kvt(0, "X0+Y0", 0)]);
  });

  it("describe(): the join reads the table's store and its buffer, <join name>-Buffer", () => {
    makeJoin(2);
    const description = driver!.topology.describe().toString();
    expect(description).toContain("Processor: Grace (stores: [V-grace, Grace-Buffer])");
    expect(driver!.topology.stores.get("Grace-Buffer")).toMatchObject({ type: "keyValue", logging: true });
  });
});

describe("a stream-table join against a versioned table", () => {
  it("looks the table up as of the stream record's time, without a grace period too", async () => {
    const builder = new StreamsBuilder();
    const capture = new CapturingSupplier<string, string>();
    const table = builder.table("rates", { ...strings, ...Stores.persistentVersionedKeyValueStore("rates", 1_000) });
    builder
      .stream("orders", strings)
      .leftJoin(table, (order: string, rate: string | null) => `${order}@${String(rate)}`)
      .process(capture.supplier);
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const rates = driver.createInputTopic("rates", Serdes.string(), Serdes.string());
    const orders = driver.createInputTopic("orders", Serdes.string(), Serdes.string());
    await rates.pipeInput("EUR", "1.0", { timestamp: 10 });
    await rates.pipeInput("EUR", "1.2", { timestamp: 20 });
    await orders.pipeInput("EUR", "o1", { timestamp: 15 });
    await orders.pipeInput("EUR", "o2", { timestamp: 25 });
    await orders.pipeInput("EUR", "o0", { timestamp: 5 });
    expect(capture.processed()).toEqual([kvt("EUR", "o1@1.0", 15), kvt("EUR", "o2@1.2", 25), kvt("EUR", "o0@null", 5)]);
  });

  it("keeps buffered records in the task's store until they are due, and joins a null-key record of a left join at once", async () => {
    const builder = new StreamsBuilder();
    const capture = new CapturingSupplier<string | null, string>();
    const table = builder.table("t", { ...strings, ...Stores.persistentVersionedKeyValueStore("t", 1_000) });
    builder
      .stream("s", strings)
      .leftJoin(table, (value: string, tableValue: string | null) => `${value}+${String(tableValue)}`, {
        gracePeriodMs: 10,
      })
      .process(capture.supplier);
    driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
    const t = driver.createInputTopic("t", Serdes.string(), Serdes.string());
    const s = driver.createInputTopic("s", Serdes.string(), Serdes.string());
    await s.pipeInput("k", "a", { timestamp: 100, headers: [["h", "1"]] });
    await t.pipeInput("k", "late-row", { timestamp: 95 });
    await s.pipeInput(null, "nokey", { timestamp: 101 });
    expect(capture.processed()).toEqual([kvt(null, "nokey+null", 101)]);
    await s.pipeInput("x", "b", { timestamp: 111 });
    expect(capture.processed()).toEqual([kvt(null, "nokey+null", 101), kvt("k", "a+late-row", 100)]);
  });

  it("shouldFailIfTableIsNotVersioned, shouldFailIfTableIsNotVersionedButMaterializationIsInherited: at join() for a source table, at build() for one derived from it", () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream("topic", strings);
    const tableB = builder.table("topic2", strings);
    expect(() =>
      stream.join(tableB, (a: string, b: string) => a + b, { name: "first-join", gracePeriodMs: 6 }),
    ).toThrow("KTable must be versioned to use a grace period in a stream table join.");

    const inherited = new StreamsBuilder();
    const source = inherited.table("topic2", { ...strings, store: "tableB", persistent: false });
    inherited
      .stream("topic", strings)
      .join(
        source.filter(() => true),
        (a: string, b: string) => a + b,
        { name: "first-join", gracePeriodMs: 6 },
      )
      .to("out-one");
    expect(() => inherited.build()).toThrow("KTable must be versioned to use a grace period in a stream table join.");
  });

  it("shouldNotFailIfTableIsVersionedButMaterializationIsInherited, shouldFailIfGracePeriodIsLongerThanHistoryRetention, shouldFailIfGracePeriodIsLongerThanHistoryRetentionAndInheritedStore", () => {
    const ok = new StreamsBuilder();
    const source = ok.table("topic2", { ...strings, ...Stores.persistentVersionedKeyValueStore("tableB", 300_000) });
    ok.stream("topic", strings)
      .join(
        source.filter(() => true),
        (a: string, b: string) => a + b,
        { name: "first-join", gracePeriodMs: 6 },
      )
      .to("out-one");
    expect(() => ok.build()).not.toThrow();

    for (const [retention, grace, filtered] of [
      [300_000, 360_000, false],
      [0, 6, true],
    ] as const) {
      const builder = new StreamsBuilder();
      const table = builder.table("topic2", { ...strings, ...Stores.persistentVersionedKeyValueStore("V", retention) });
      builder
        .stream("topic", strings)
        .join(filtered ? table.filter(() => true) : table, (a: string, b: string) => a + b, {
          name: "first-join",
          gracePeriodMs: grace,
        })
        .to("out-one");
      expect(() => builder.build()).toThrow("History retention must be at least grace period.");
    }
    const same = new StreamsBuilder();
    const table = same.table("t", { ...strings, ...Stores.persistentVersionedKeyValueStore("V", 10) });
    expect(() => same.stream("s", strings).join(table, (a: string) => a, { gracePeriodMs: -1 })).toThrow(/gracePeriod/);
  });
});
