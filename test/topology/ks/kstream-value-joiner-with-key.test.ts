// Port of Kafka Streams' KStreamImplValueJoinerWithKeyTest: every join of a stream (with a
// stream, a table, a global table; inner, left and outer) hands its joiner the key. The
// Java ValueJoinerWithKey (key, left, right) is a joiner (left, right, key) here; the
// stream-stream cases also pass Kafka Streams' ValueJoinerWithKey object, apply(key, ...).
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import type { ValueJoinerWithKey } from "../../../src/topology/dsl/stream-joined.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";

const ints = { key: Serdes.string(), value: Serdes.int32() };
const joinWindows = JoinWindows.ofTimeDifferenceAndGrace(100, 24 * 60 * 60 * 1000);
const streamJoined = { key: Serdes.string(), value: Serdes.int32(), otherValue: Serdes.int32() };
const produced = { key: Serdes.string(), value: Serdes.string() };
const valueJoinerWithKey = (left: number, right: number | null, key: string): string => `${key}:${left + (right ?? 0)}`;
const javaStyleJoiner: ValueJoinerWithKey<string, number, number, string> = {
  apply: (key, left, right) => `${key}:${left + right}`,
};

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function setup() {
  const builder = new StreamsBuilder();
  return {
    builder,
    leftStream: builder.stream("left", ints),
    rightStream: builder.stream("right", ints),
    ktable: builder.table("ktableTopic", ints),
    globalKTable: builder.globalTable("globalTopic", ints),
  };
}

/** runJoinTopology: a table is fed first (joins fire from the stream side); two streams left then right. */
async function runJoinTopology(builder: StreamsBuilder, isTableJoin: boolean, rightTopic: string) {
  driver = new TopologyTestDriver(builder.build());
  const rightInput = driver.createInputTopic(rightTopic, Serdes.string(), Serdes.int32());
  const leftInput = driver.createInputTopic("left", Serdes.string(), Serdes.int32());
  const output = driver.createOutputTopic("joined-result", Serdes.string(), Serdes.string());
  if (isTableJoin) {
    await rightInput.pipeInput("A", 2);
    await leftInput.pipeInput("A", 3);
  } else {
    await leftInput.pipeInput("A", 3);
    await rightInput.pipeInput("A", 2);
  }
  expect(output.readKeyValuesToList()).toEqual([{ key: "A", value: "A:5" }]);
}

describe("KStreamImplValueJoinerWithKeyTest", () => {
  it.each([
    ["shouldIncludeKeyInStreamSteamJoinResults", "join"],
    ["shouldIncludeKeyInStreamLeftJoinResults", "leftJoin"],
    ["shouldIncludeKeyInStreamOuterJoinResults", "outerJoin"],
  ] as const)("%s", async (_name, op) => {
    const { builder, leftStream, rightStream } = setup();
    const joiner = (left: number | null, right: number | null, key: string) =>
      valueJoinerWithKey(left ?? 0, right, key);
    const joinedStream =
      op === "join"
        ? leftStream.join(rightStream, joiner, joinWindows, streamJoined)
        : op === "leftJoin"
          ? leftStream.leftJoin(rightStream, joiner, joinWindows, streamJoined)
          : leftStream.outerJoin(rightStream, joiner, joinWindows, streamJoined);
    joinedStream.to("joined-result", produced);
    await runJoinTopology(builder, false, "right");
  });

  it("shouldIncludeKeyInStreamSteamJoinResults, with a ValueJoinerWithKey object", async () => {
    const { builder, leftStream, rightStream } = setup();
    leftStream.join(rightStream, javaStyleJoiner, joinWindows, streamJoined).to("joined-result", produced);
    await runJoinTopology(builder, false, "right");
  });

  it("shouldIncludeKeyInStreamTableJoinResults", async () => {
    const { builder, leftStream, ktable } = setup();
    leftStream.join(ktable, valueJoinerWithKey).to("joined-result", produced);
    await runJoinTopology(builder, true, "ktableTopic");
  });

  it("shouldIncludeKeyInStreamTableLeftJoinResults", async () => {
    const { builder, leftStream, ktable } = setup();
    leftStream.leftJoin(ktable, valueJoinerWithKey).to("joined-result", produced);
    await runJoinTopology(builder, true, "ktableTopic");
  });

  it("shouldIncludeKeyInStreamGlobalTableJoinResults", async () => {
    const { builder, leftStream, globalKTable } = setup();
    leftStream.join(globalKTable, (key) => key, valueJoinerWithKey).to("joined-result", produced);
    await runJoinTopology(builder, true, "globalTopic");
  });

  it("shouldIncludeKeyInStreamGlobalTableLeftJoinResults", async () => {
    const { builder, leftStream, globalKTable } = setup();
    leftStream.leftJoin(globalKTable, (key) => key, valueJoinerWithKey).to("joined-result", produced);
    await runJoinTopology(builder, true, "globalTopic");
  });
});
