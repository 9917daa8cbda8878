// Ports of the old-value cases of Kafka Streams' KTableKTableInnerJoinTest
// (testNotSendingOldValues, testQueryableNotSendingOldValues, testSendingOldValues),
// KTableKTableLeftJoinTest and KTableKTableOuterJoinTest (testNotSendingOldValue,
// testSendingOldValue): what a processor under the joined table's node receives, as
// Change(new, old) with the later timestamp of both sides.
import { afterEach, describe, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { dsl } from "../../../src/topology/dsl/dsl-state.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import type { Change } from "../../../src/topology/dsl/processors/change.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier, change, kvt, toStringJoiner } from "./support.js";
import type { KeyValueTimestamp } from "./support.js";

const consumed = { key: Serdes.int32(), value: Serdes.string() };
const keys = [0, 1, 2, 3];
type Kind = "join" | "leftJoin" | "outerJoin";
/** [key, new value, old value (with old values sent), timestamp] */
type Row = [number, string | null, string | null, number];

/** checkAndClearProcessResult of each step of the tests, per join kind, as the Java tests list them. */
const EXPECTED: Record<Kind, Row[][]> = {
  join: [
    [],
    [
      [0, "X0+Y0", null, 5],
      [1, "X1+Y1", null, 10],
    ],
    [
      [0, "XX0+Y0", "X0+Y0", 7],
      [1, "XX1+Y1", "X1+Y1", 10],
    ],
    [
      [0, "XX0+YY0", "XX0+Y0", 7],
      [1, "XX1+YY1", "XX1+Y1", 7],
      [2, "XX2+YY2", null, 10],
      [3, "XX3+YY3", null, 15],
    ],
    [
      [0, "XXX0+YY0", "XX0+YY0", 6],
      [1, "XXX1+YY1", "XX1+YY1", 6],
      [2, "XXX2+YY2", "XX2+YY2", 10],
      [3, "XXX3+YY3", "XX3+YY3", 15],
    ],
    [
      [0, null, "XXX0+YY0", 6],
      [1, null, "XXX1+YY1", 7],
    ],
    [
      [2, "XXXX2+YY2", "XXX2+YY2", 13],
      [3, "XXXX3+YY3", "XXX3+YY3", 15],
    ],
    [
      [2, null, "XXXX2+YY2", 10],
      [3, null, "XXXX3+YY3", 20],
    ],
  ],
  leftJoin: [
    [
      [0, "X0+null", null, 5],
      [1, "X1+null", null, 6],
    ],
    [
      [0, "X0+Y0", "X0+null", 5],
      [1, "X1+Y1", "X1+null", 10],
    ],
    [
      [0, "XX0+Y0", "X0+Y0", 7],
      [1, "XX1+Y1", "X1+Y1", 10],
      [2, "XX2+null", null, 7],
      [3, "XX3+null", null, 7],
    ],
    [
      [0, "XX0+YY0", "XX0+Y0", 7],
      [1, "XX1+YY1", "XX1+Y1", 7],
      [2, "XX2+YY2", "XX2+null", 10],
      [3, "XX3+YY3", "XX3+null", 15],
    ],
    [
      [0, "XXX0+YY0", "XX0+YY0", 6],
      [1, "XXX1+YY1", "XX1+YY1", 6],
      [2, "XXX2+YY2", "XX2+YY2", 10],
      [3, "XXX3+YY3", "XX3+YY3", 15],
    ],
    [
      [0, "XXX0+null", "XXX0+YY0", 6],
      [1, "XXX1+null", "XXX1+YY1", 7],
    ],
    [
      [0, "XXXX0+null", "XXX0+null", 13],
      [1, "XXXX1+null", "XXX1+null", 13],
      [2, "XXXX2+YY2", "XXX2+YY2", 13],
      [3, "XXXX3+YY3", "XXX3+YY3", 15],
    ],
    [
      [0, null, "XXXX0+null", 0],
      [1, null, "XXXX1+null", 42],
      [2, null, "XXXX2+YY2", 10],
      [3, null, "XXXX3+YY3", 20],
    ],
  ],
  outerJoin: [
    [
      [0, "X0+null", null, 5],
      [1, "X1+null", null, 6],
    ],
    [
      [0, "X0+Y0", "X0+null", 5],
      [1, "X1+Y1", "X1+null", 10],
    ],
    [
      [0, "XX0+Y0", "X0+Y0", 7],
      [1, "XX1+Y1", "X1+Y1", 10],
      [2, "XX2+null", null, 7],
      [3, "XX3+null", null, 7],
    ],
    [
      [0, "XX0+YY0", "XX0+Y0", 7],
      [1, "XX1+YY1", "XX1+Y1", 7],
      [2, "XX2+YY2", "XX2+null", 10],
      [3, "XX3+YY3", "XX3+null", 15],
    ],
    [
      [0, "XXX0+YY0", "XX0+YY0", 6],
      [1, "XXX1+YY1", "XX1+YY1", 6],
      [2, "XXX2+YY2", "XX2+YY2", 10],
      [3, "XXX3+YY3", "XX3+YY3", 15],
    ],
    [
      [0, "XXX0+null", "XXX0+YY0", 6],
      [1, "XXX1+null", "XXX1+YY1", 7],
    ],
    [
      [0, "XXXX0+null", "XXX0+null", 13],
      [1, "XXXX1+null", "XXX1+null", 13],
      [2, "XXXX2+YY2", "XXX2+YY2", 13],
      [3, "XXXX3+YY3", "XXX3+YY3", 15],
    ],
    [
      [0, null, "XXXX0+null", 0],
      [1, null, "XXXX1+null", 42],
      [2, "null+YY2", "XXXX2+YY2", 10],
      [3, "null+YY3", "XXXX3+YY3", 20],
    ],
  ],
};

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function joined(kind: Kind, left: KTable<number, string>, right: KTable<number, string>, materialized: boolean) {
  // Materialized.with(Serdes.Integer(), Serdes.String()): materialized under a generated name.
  const options = materialized ? { key: Serdes.int32(), value: Serdes.string() } : {};
  return kind === "join"
    ? left.join(right, toStringJoiner, options)
    : kind === "leftJoin"
      ? left.leftJoin(right, toStringJoiner, options)
      : left.outerJoin(right, toStringJoiner, options);
}

const cases = [
  // [kind, Java test, materialized, old values sent]
  ["join", "testNotSendingOldValues", false, false],
  ["join", "testQueryableNotSendingOldValues", true, false],
  ["join", "testSendingOldValues", false, true],
  ["leftJoin", "testNotSendingOldValue", false, false],
  ["leftJoin", "testSendingOldValue", false, true],
  ["outerJoin", "testNotSendingOldValue", false, false],
  ["outerJoin", "testSendingOldValue", false, true],
] as const;

describe("KTable-KTable joins, the changes a processor under the join receives", () => {
  it.each(cases)("%s: %s", async (kind, _test, materialized, sendOldValues) => {
    const builder = new StreamsBuilder();
    const table1 = builder.table("topic1", consumed);
    const table2 = builder.table("topic2", consumed);
    const joinedTable = joined(kind, table1, table2, materialized);
    // ((KTableImpl) joined).enableSendingOldValues(true)
    if (sendOldValues) joinedTable[dsl].supplier.enableSendingOldValues(true);
    const supplier = new CapturingSupplier<number, Change<string>>();
    const topology = builder.build().addProcessor("proc", supplier.supplier, joinedTable.name);
    driver = new TopologyTestDriver(topology, { startTime: 0 });
    const input1 = driver.createInputTopic("topic1", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    const input2 = driver.createInputTopic("topic2", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    const steps = EXPECTED[kind];
    const check = (step: number) =>
      supplier.checkAndClear(
        steps[step]!.map(([key, newValue, oldValue, timestamp]): KeyValueTimestamp<number, Change<string>> => {
          return kvt(key, change(newValue, sendOldValues ? oldValue : null), timestamp);
        }),
      );

    // push two items to the primary stream; the other table is empty
    for (let i = 0; i < 2; i++) await input1.pipeInput(keys[i]!, `X${keys[i]}`, { timestamp: 5 + i });
    // a null key is discarded by the join
    await input1.pipeInput(null, "SomeVal", { timestamp: 42 });
    check(0);

    for (let i = 0; i < 2; i++) await input2.pipeInput(keys[i]!, `Y${keys[i]}`, { timestamp: 10 * i });
    await input2.pipeInput(null, "AnotherVal", { timestamp: 73 });
    check(1);

    for (const key of keys) await input1.pipeInput(key, `XX${key}`, { timestamp: 7 });
    check(2);

    for (const key of keys) await input2.pipeInput(key, `YY${key}`, { timestamp: key * 5 });
    check(3);

    for (const key of keys) await input1.pipeInput(key, `XXX${key}`, { timestamp: 6 });
    check(4);

    // two deletes on the other side
    await input2.pipeInput(keys[0]!, null, { timestamp: 5 });
    await input2.pipeInput(keys[1]!, null, { timestamp: 7 });
    check(5);

    for (const key of keys) await input1.pipeInput(key, `XXXX${key}`, { timestamp: 13 });
    check(6);

    // four deletes on the primary side
    await input1.pipeInput(keys[0]!, null, { timestamp: 0 });
    await input1.pipeInput(keys[1]!, null, { timestamp: 42 });
    await input1.pipeInput(keys[2]!, null, { timestamp: 5 });
    await input1.pipeInput(keys[3]!, null, { timestamp: 20 });
    check(7);
  });
});
