// Ports of Kafka Streams' KTableKTableInnerJoinTest, KTableKTableLeftJoinTest and
// KTableKTableOuterJoinTest (testJoin, testQueryableJoin): a joined row carries the
// later timestamp of its two sides, deletes included.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { expectOutput, kvt, toStringJoiner } from "./support.js";
import type { KeyValueTimestamp } from "./support.js";

const consumed = { key: Serdes.int32(), value: Serdes.string() };
const keys = [0, 1, 2, 3];
type Kind = "join" | "leftJoin" | "outerJoin";
type Expected = KeyValueTimestamp<number, string>[];

/** The expected output of each step of doTestJoin, per join kind. */
const EXPECTED: Record<Kind, Expected[]> = {
  join: [
    [],
    [kvt(0, "X0+Y0", 5), kvt(1, "X1+Y1", 10)],
    [kvt(0, "XX0+Y0", 7), kvt(1, "XX1+Y1", 10)],
    [kvt(0, "XX0+YY0", 7), kvt(1, "XX1+YY1", 7), kvt(2, "XX2+YY2", 10), kvt(3, "XX3+YY3", 15)],
    [kvt(0, "XXX0+YY0", 6), kvt(1, "XXX1+YY1", 6), kvt(2, "XXX2+YY2", 10), kvt(3, "XXX3+YY3", 15)],
    [kvt(0, null, 6), kvt(1, null, 7)],
    [kvt(2, "XXXX2+YY2", 13), kvt(3, "XXXX3+YY3", 15)],
    [kvt(2, null, 10), kvt(3, null, 20)],
  ],
  leftJoin: [
    [kvt(0, "X0+null", 5), kvt(1, "X1+null", 6)],
    [kvt(0, "X0+Y0", 5), kvt(1, "X1+Y1", 10)],
    [kvt(0, "XX0+Y0", 7), kvt(1, "XX1+Y1", 10), kvt(2, "XX2+null", 7), kvt(3, "XX3+null", 7)],
    [kvt(0, "XX0+YY0", 7), kvt(1, "XX1+YY1", 7), kvt(2, "XX2+YY2", 10), kvt(3, "XX3+YY3", 15)],
    [kvt(0, "XXX0+YY0", 6), kvt(1, "XXX1+YY1", 6), kvt(2, "XXX2+YY2", 10), kvt(3, "XXX3+YY3", 15)],
    [kvt(0, "XXX0+null", 6), kvt(1, "XXX1+null", 7)],
    [kvt(0, "XXXX0+null", 13), kvt(1, "XXXX1+null", 13), kvt(2, "XXXX2+YY2", 13), kvt(3, "XXXX3+YY3", 15)],
    [kvt(0, null, 0), kvt(1, null, 42), kvt(2, null, 10), kvt(3, null, 20)],
  ],
  outerJoin: [
    [kvt(0, "X0+null", 5), kvt(1, "X1+null", 6)],
    [kvt(0, "X0+Y0", 5), kvt(1, "X1+Y1", 10)],
    [kvt(0, "XX0+Y0", 7), kvt(1, "XX1+Y1", 10), kvt(2, "XX2+null", 7), kvt(3, "XX3+null", 7)],
    [kvt(0, "XX0+YY0", 7), kvt(1, "XX1+YY1", 7), kvt(2, "XX2+YY2", 10), kvt(3, "XX3+YY3", 15)],
    [kvt(0, "XXX0+YY0", 6), kvt(1, "XXX1+YY1", 6), kvt(2, "XXX2+YY2", 10), kvt(3, "XXX3+YY3", 15)],
    [kvt(0, "XXX0+null", 6), kvt(1, "XXX1+null", 7)],
    [kvt(0, "XXXX0+null", 13), kvt(1, "XXXX1+null", 13), kvt(2, "XXXX2+YY2", 13), kvt(3, "XXXX3+YY3", 15)],
    [kvt(0, null, 0), kvt(1, null, 42), kvt(2, "null+YY2", 10), kvt(3, "null+YY3", 20)],
  ],
};

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function joined(kind: Kind, left: KTable<number, string>, right: KTable<number, string>, queryable: boolean) {
  const options = queryable ? { store: "joined", value: Serdes.string() } : {};
  return kind === "join"
    ? left.join(right, toStringJoiner, options)
    : kind === "leftJoin"
      ? left.leftJoin(right, toStringJoiner, options)
      : left.outerJoin(right, toStringJoiner, options);
}

describe.each(["join", "leftJoin", "outerJoin"] as const)("KTable-KTable %s", (kind) => {
  it.each([
    ["testJoin", false],
    ["testQueryableJoin", true],
  ] as const)("%s: outputs carry the later timestamp of both sides", async (_name, queryable) => {
    const builder = new StreamsBuilder();
    const table1 = builder.table("topic1", consumed);
    const table2 = builder.table("topic2", consumed);
    joined(kind, table1, table2, queryable).toStream().to("output", { value: Serdes.string() });
    const topology = builder.build();
    expect(topology.copartitionGroups.map((group) => [...group.topics].sort())).toEqual([["topic1", "topic2"]]);
    driver = new TopologyTestDriver(topology, { startTime: 0 });
    const input1 = driver.createInputTopic("topic1", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    const input2 = driver.createInputTopic("topic2", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    const output = driver.createOutputTopic("output", Serdes.int32(), Serdes.string());
    const expected = EXPECTED[kind];

    // push two items to the primary stream; the other table is empty
    for (let i = 0; i < 2; i++) await input1.pipeInput(keys[i]!, `X${keys[i]}`, { timestamp: 5 + i });
    // a null key is discarded by the join
    await input1.pipeInput(null, "SomeVal", { timestamp: 42 });
    expectOutput(output, expected[0]!);

    for (let i = 0; i < 2; i++) await input2.pipeInput(keys[i]!, `Y${keys[i]}`, { timestamp: 10 * i });
    await input2.pipeInput(null, "AnotherVal", { timestamp: 73 });
    expectOutput(output, expected[1]!);

    for (const key of keys) await input1.pipeInput(key, `XX${key}`, { timestamp: 7 });
    expectOutput(output, expected[2]!);

    for (const key of keys) await input2.pipeInput(key, `YY${key}`, { timestamp: key * 5 });
    expectOutput(output, expected[3]!);

    for (const key of keys) await input1.pipeInput(key, `XXX${key}`, { timestamp: 6 });
    expectOutput(output, expected[4]!);

    // two deletes on the other side
    await input2.pipeInput(keys[0]!, null, { timestamp: 5 });
    await input2.pipeInput(keys[1]!, null, { timestamp: 7 });
    expectOutput(output, expected[5]!);

    for (const key of keys) await input1.pipeInput(key, `XXXX${key}`, { timestamp: 13 });
    expectOutput(output, expected[6]!);

    // four deletes on the primary side
    await input1.pipeInput(keys[0]!, null, { timestamp: 0 });
    await input1.pipeInput(keys[1]!, null, { timestamp: 42 });
    await input1.pipeInput(keys[2]!, null, { timestamp: 5 });
    await input1.pipeInput(keys[3]!, null, { timestamp: 20 });
    expectOutput(output, expected[7]!);

    if (queryable) {
      // The joined store keeps each row with its timestamp.
      const store = driver.getTimestampedKeyValueStore<number, string>("joined");
      const rows = [];
      for await (const entry of store.all()) rows.push(entry);
      expect(rows).toEqual(
        kind === "outerJoin"
          ? [
              { key: 2, value: { value: "null+YY2", timestamp: 10 } },
              { key: 3, value: { value: "null+YY3", timestamp: 20 } },
            ]
          : [],
      );
    }
  });
});

describe("KTableKTableLeftJoinTest", () => {
  // Six chained left joins of a reduced table, a join of a join, mapValues between: the
  // record cache of every store folds and evicts while each of 7,000 random updates goes
  // through. Kafka Streams' default cache, and then one small enough to evict on most updates.
  it.each([
    ["shouldNotThrowIllegalStateExceptionWhenMultiCacheEvictions", undefined],
    ["shouldNotThrowIllegalStateExceptionWhenMultiCacheEvictions (a 1 KiB cache)", 1024],
  ] as const)(
    "%s",
    async (_name, cacheMaxBytes) => {
      const inputs = ["agg", "tableOne", "tableTwo", "tableThree", "tableFour", "tableFive", "tableSix"];
      const builder = new StreamsBuilder();
      const longs = { key: Serdes.long(), value: Serdes.string() };
      const inMemory = (store: string) => ({ ...longs, store, persistent: false });
      const concat = (a: string, b: string): string => a + b;
      const aggTable = builder
        .table<number, string>("agg", inMemory("agg-base-store"))
        .groupBy((key, value) => ({ key, value }), longs)
        .reduce(concat, concat, { store: "agg-store", persistent: false });
      const [one, two, three, four, five, six] = inputs
        .slice(1)
        .map((input) => builder.table<number, string>(input, inMemory(`${input}-base-store`)));
      const upper = (value: string): string => value.toUpperCase();
      const eight = six!.leftJoin(one!.mapValues(upper), toStringJoiner);
      aggTable
        .leftJoin(one!, toStringJoiner)
        .leftJoin(two!, toStringJoiner)
        .leftJoin(three!, toStringJoiner)
        .leftJoin(four!, toStringJoiner)
        .leftJoin(five!, toStringJoiner)
        .leftJoin(eight, toStringJoiner)
        .mapValues(upper);
      driver = new TopologyTestDriver(builder.build(), cacheMaxBytes === undefined ? {} : { cacheMaxBytes });
      const values = ["a", "AA", "BBB", "CCCC", "DD", "EEEEEEEE", "F", "GGGGGGGGGGGGGGG", "HHH", "IIIIIIIIII"];
      values.push("J", "KK", "LLLL", "MMMMMMMMMMMMMMMMMMMMMM", "NNNNN", "O", "P", "QQQQQ", "R", "SSSS");
      values.push("T", "UU", "VVVVVVVVVVVVVVVVVVV");
      const topics = inputs.map((input) => driver!.createInputTopic(input, Serdes.long(), Serdes.string()));
      // A seeded generator for the Java test's Random: the same updates on every run.
      let seed = 42;
      const nextInt = (bound: number): number => (seed = (seed * 48271) % 2147483647) % bound;
      for (let i = 0; i < 1000; i++) {
        for (const topic of topics) await topic.pipeInput(nextInt(1000), values[nextInt(values.length)]!);
      }
      expect(await driver.getKeyValueStore<number, string>("agg-store").approximateNumEntries()).toBeGreaterThan(0);
    },
    60_000,
  );
});
