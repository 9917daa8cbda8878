// The deprecated JoinWindows.of() (and grace()) as Kafka Streams keeps it: left and outer
// joins emit a record's null result at once, without the shared store of waiting records
// the spurious-result fix (KS 3.1) added. Ports KStreamKStreamLeftJoinTest's and
// KStreamKStreamOuterJoinTest's *OldApi cases and StreamsBuilderTest's
// shouldNotAddThirdStateStoreIfStreamStreamJoinFixIsDisabledViaOldApi.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { InvalidOperationError } from "../../../src/topology/errors.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { StreamJoined } from "../../../src/topology/dsl/stream-joined.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier, kvt, toStringJoiner } from "./support.js";

const consumed = { key: Serdes.int32(), value: Serdes.string() };
const PROPS = { defaultKeySerde: Serdes.string(), defaultValueSerde: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("JoinWindows.of(): the joins without the spurious-result fix", () => {
  it("keeps Kafka Streams' grace of 24 h - 2 x the difference, and refuses grace() on the new windows", () => {
    expect(JoinWindows.of(100).gracePeriodMs()).toBe(24 * 3_600_000 - 200);
    expect(JoinWindows.of(100).grace(10).gracePeriodMs()).toBe(10);
    expect(JoinWindows.of(13 * 3_600_000).gracePeriodMs()).toBe(0);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(100).grace(10)).toThrow(InvalidOperationError);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(100).grace(10)).toThrow(/Cannot call grace\(\)/);
  });

  it("shouldNotAddThirdStateStoreIfStreamStreamJoinFixIsDisabledViaOldApi", () => {
    const builder = new StreamsBuilder();
    const streamOne = builder.stream<string, string>("stream-topic");
    const streamTwo = builder.stream<string, string>("stream-topic-two");
    streamOne.leftJoin(
      streamTwo,
      (value1: string) => value1,
      JoinWindows.of(3_600_000),
      StreamJoined.as<string, string, string>("stream-operation").withName("stream-operation"),
    );
    const topology = builder.build();
    expect([...topology.stores.keys()]).toEqual([
      "stream-operation-this-join-store",
      "stream-operation-outer-other-join-store",
    ]);
    expect([...topology.nodes.keys()]).toEqual([
      "KSTREAM-SOURCE-0000000000",
      "KSTREAM-SOURCE-0000000001",
      "stream-operation-this-windowed",
      "stream-operation-other-windowed",
      "stream-operation-this-join",
      "stream-operation-outer-other-join",
      "stream-operation-merge",
    ]);
  });

  it("testLeftJoinWithSpuriousResultFixDisabledOldApi", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<number, string>();
    builder
      .stream("topic1", consumed)
      .leftJoin(
        builder.stream("topic2", consumed),
        toStringJoiner,
        JoinWindows.of(100),
        StreamJoined.with(Serdes.int32(), Serdes.string(), Serdes.string()),
      )
      .process(supplier.supplier);
    driver = new TopologyTestDriver(builder.build(), PROPS);
    const input1 = driver.createInputTopic("topic1", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    const input2 = driver.createInputTopic("topic2", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    // Only 2 window stores should be available
    expect(driver.topology.stores.size).toBe(2);
    for (const key of [0, 1]) await input1.pipeInput(key, `A${key}`);
    supplier.checkAndClear([kvt(0, "A0+null", 0), kvt(1, "A1+null", 0)]);
    for (const key of [0, 1]) await input2.pipeInput(key, `a${key}`);
    supplier.checkAndClear([kvt(0, "A0+a0", 0), kvt(1, "A1+a1", 0)]);
  });

  it("testLeftJoinDuplicatesWithSpuriousResultFixDisabledOldApi", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<number, string>();
    builder
      .stream("topic1", consumed)
      .leftJoin(
        builder.stream("topic2", consumed),
        toStringJoiner,
        JoinWindows.of(100).grace(10),
        StreamJoined.with(Serdes.int32(), Serdes.string(), Serdes.string()),
      )
      .process(supplier.supplier);
    driver = new TopologyTestDriver(builder.build(), PROPS);
    const input1 = driver.createInputTopic("topic1", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    const input2 = driver.createInputTopic("topic2", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    expect(driver.topology.stores.size).toBe(2);
    await input1.pipeInput(0, "A0", { timestamp: 0 });
    await input1.pipeInput(0, "A0-0", { timestamp: 0 });
    await input2.pipeInput(0, "a0", { timestamp: 0 });
    supplier.checkAndClear([kvt(0, "A0+null", 0), kvt(0, "A0-0+null", 0), kvt(0, "A0+a0", 0), kvt(0, "A0-0+a0", 0)]);
  });

  it("testOuterJoinDuplicatesWithFixDisabledOldApi", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<number, string>();
    builder
      .stream("topic1", consumed)
      .outerJoin(
        builder.stream("topic2", { key: Serdes.int32(), value: Serdes.long() }),
        toStringJoiner,
        JoinWindows.of(100).grace(10),
        StreamJoined.with(Serdes.int32(), Serdes.string(), Serdes.long()),
      )
      .process(supplier.supplier);
    driver = new TopologyTestDriver(builder.build(), PROPS);
    const input1 = driver.createInputTopic("topic1", Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
    const input2 = driver.createInputTopic("topic2", Serdes.int32(), Serdes.long(), { startTimestamp: 0 });
    expect(driver.topology.stores.size).toBe(2);
    await input1.pipeInput(0, "A0", { timestamp: 0 });
    await input1.pipeInput(0, "A0-0", { timestamp: 0 });
    await input2.pipeInput(0, 10, { timestamp: 0 });
    await input2.pipeInput(1, 21, { timestamp: 0 });
    supplier.checkAndClear([
      kvt(0, "A0+null", 0),
      kvt(0, "A0-0+null", 0),
      kvt(0, "A0+10", 0),
      kvt(0, "A0-0+10", 0),
      kvt(1, "null+21", 0),
    ]);
  });
});
