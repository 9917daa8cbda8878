// Ports of Kafka Streams' KStreamKTableJoinTest and KStreamKTableLeftJoinTest: each stream
// record looks up the table; the table never triggers; a delete in the table stops the
// matches. The versioned-table and grace-period cases are in kstream-ktable-join-grace.test.ts;
// the describe() cases of KStreamKTableJoinTest are in ../kafka-naming.test.ts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { TestInputTopic } from "../../../src/testing/test-input-topic.js";
import { CapturingSupplier, kvt, toStringJoiner } from "./support.js";
import type { KeyValueTimestamp } from "./support.js";

const streamTopic = "streamTopic";
const tableTopic = "tableTopic";
const expectedKeys = [0, 1, 2, 3];
const consumed = { key: Serdes.int32(), value: Serdes.string() };
const EMPTY: KeyValueTimestamp<number, string>[] = [];

describe.each([false, true])("KStream-KTable join (leftJoin: %s)", (leftJoin) => {
  let driver: TopologyTestDriver;
  let supplier: CapturingSupplier<number, string>;
  let inputStream: TestInputTopic<number, string>;
  let inputTable: TestInputTopic<number, string>;
  // Stands in for the Java tests' Random(currentTimeMillis): the table's timestamps never show in the output.
  let seed = 17;
  const nextTimestamp = (): number => (seed = (seed * 48271) % 2147483647);

  beforeEach(() => {
    const builder = new StreamsBuilder();
    supplier = new CapturingSupplier<number, string>();
    const stream = builder.stream(streamTopic, consumed);
    const table = builder.table(tableTopic, consumed);
    (leftJoin ? stream.leftJoin(table, toStringJoiner) : stream.join(table, toStringJoiner)).process(supplier.supplier);
    driver = new TopologyTestDriver(builder.build());
    inputStream = driver.createInputTopic(streamTopic, Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    inputTable = driver.createInputTopic(tableTopic, Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
  });

  afterEach(async () => {
    await driver.close();
  });

  const pushToStream = async (count: number, prefix: string) => {
    for (let i = 0; i < count; i++)
      await inputStream.pipeInput(expectedKeys[i]!, `${prefix}${expectedKeys[i]}`, { timestamp: i });
  };
  const pushToTable = async (count: number, prefix: string) => {
    for (let i = 0; i < count; i++)
      await inputTable.pipeInput(expectedKeys[i]!, `${prefix}${expectedKeys[i]}`, { timestamp: nextTimestamp() });
  };
  const pushNullValueToTable = async (count: number) => {
    for (let i = 0; i < count; i++) await inputTable.pipeInput(expectedKeys[i]!, null);
  };
  /** The inner join's expectation, or the left join's where they differ. */
  const expected = (inner: KeyValueTimestamp<number, string>[], left = inner) => (leftJoin ? left : inner);

  it("shouldRequireCopartitionedStreams", () => {
    const groups = driver.topology.copartitionGroups;
    expect(groups).toHaveLength(1);
    expect([...groups[0]!.topics, ...groups[0]!.repartitionTopics].sort()).toEqual([streamTopic, tableTopic].sort());
  });

  it("shouldNotJoinWithEmptyTableOnStreamUpdates / shouldJoinWithEmptyTableOnStreamUpdates", async () => {
    await pushToStream(2, "X");
    supplier.checkAndClear(expected(EMPTY, [kvt(0, "X0+null", 0), kvt(1, "X1+null", 1)]));
  });

  it("shouldNotJoinOnTableUpdates", async () => {
    await pushToStream(2, "X");
    supplier.checkAndClear(expected(EMPTY, [kvt(0, "X0+null", 0), kvt(1, "X1+null", 1)]));

    await pushToTable(2, "Y");
    supplier.checkAndClear(EMPTY);

    await pushToStream(4, "X");
    supplier.checkAndClear(
      expected(
        [kvt(0, "X0+Y0", 0), kvt(1, "X1+Y1", 1)],
        [kvt(0, "X0+Y0", 0), kvt(1, "X1+Y1", 1), kvt(2, "X2+null", 2), kvt(3, "X3+null", 3)],
      ),
    );

    await pushToTable(4, "YY");
    supplier.checkAndClear(EMPTY);

    await pushToStream(4, "X");
    supplier.checkAndClear([kvt(0, "X0+YY0", 0), kvt(1, "X1+YY1", 1), kvt(2, "X2+YY2", 2), kvt(3, "X3+YY3", 3)]);

    await pushToTable(4, "YYY");
    supplier.checkAndClear(EMPTY);
  });

  it("shouldJoinOnlyIfMatchFoundOnStreamUpdates / shouldJoinRegardlessIfMatchFoundOnStreamUpdates", async () => {
    await pushToTable(2, "Y");
    supplier.checkAndClear(EMPTY);
    await pushToStream(4, "X");
    supplier.checkAndClear(
      expected(
        [kvt(0, "X0+Y0", 0), kvt(1, "X1+Y1", 1)],
        [kvt(0, "X0+Y0", 0), kvt(1, "X1+Y1", 1), kvt(2, "X2+null", 2), kvt(3, "X3+null", 3)],
      ),
    );
  });

  it("shouldClearTableEntryOnNullValueUpdates", async () => {
    await pushToTable(4, "Y");
    supplier.checkAndClear(EMPTY);
    await pushToStream(4, "X");
    supplier.checkAndClear([kvt(0, "X0+Y0", 0), kvt(1, "X1+Y1", 1), kvt(2, "X2+Y2", 2), kvt(3, "X3+Y3", 3)]);
    await pushNullValueToTable(2);
    supplier.checkAndClear(EMPTY);
    await pushToStream(4, "XX");
    supplier.checkAndClear(
      expected(
        [kvt(2, "XX2+Y2", 2), kvt(3, "XX3+Y3", 3)],
        [kvt(0, "XX0+null", 0), kvt(1, "XX1+null", 1), kvt(2, "XX2+Y2", 2), kvt(3, "XX3+Y3", 3)],
      ),
    );
  });

  it("shouldLogAndMeterWhenSkippingNullLeftValue", async () => {
    await inputStream.pipeInput(1, null);
    supplier.checkAndClear(EMPTY);
    expect(driver.droppedRecords).toBe(1);
  });

  it("shouldLogAndMeterWhenSkippingNullLeftKey (inner join) / a null key joins with null (left join, KIP-962)", async () => {
    await inputStream.pipeInput(null, "A", { timestamp: 3 });
    supplier.checkAndClear(expected(EMPTY, [kvt<number, string>(null, "A+null", 3)]));
    expect(driver.droppedRecords).toBe(leftJoin ? 0 : 1);
  });
});
