// Ports of Kafka Streams' KStreamKStreamSelfJoinTest: a stream joined with itself (the
// same KStream, or two streams of one topic) built with topology.optimization "all", which
// rewrites it into one KStreamKStreamSelfJoin processor over one window store, gives the
// records of the plain inner join, built without it. The Java test compares the two
// drivers' outputs; here both are compared with the plain join's records, written out.
// In each step a record meets itself once: the "this" side's join runs before the record is
// in the "other" side's window store, the "other" side's after it is in the "this" side's.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

const topic1 = "topic1";
const strings = { key: Serdes.string(), value: Serdes.string() };
const streamJoined = { key: Serdes.string(), value: Serdes.string(), otherValue: Serdes.string() };
const valueJoiner = (v: string, v2: string) => v + v2;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** topic1 joined with itself (one stream, or two streams of topic1), built with or without the optimization. */
function selfJoinTopology(twoStreams: boolean, windows: JoinWindows, optimization: string) {
  const builder = new StreamsBuilder();
  const stream1 = builder.stream(topic1, strings);
  const stream2 = twoStreams ? builder.stream(topic1, strings) : stream1;
  stream1.join(stream2, valueJoiner, windows, streamJoined as never).to("output", strings);
  return builder.build({ topologyOptimization: optimization });
}

/** The records piped through the plain join and through the self-join: the outputs, which must be alike. */
async function selfJoin(twoStreams: boolean, windows: JoinWindows, input: [string, string, number][]) {
  const outputs = [];
  for (const optimization of ["none", "all"]) {
    driver = new TopologyTestDriver(selfJoinTopology(twoStreams, windows, optimization));
    const inputTopic = driver.createInputTopic(topic1, Serdes.string(), Serdes.string());
    for (const [key, value, timestamp] of input) await inputTopic.pipeInput(key, value, { timestamp });
    outputs.push(readAll(driver.createOutputTopic("output", Serdes.string(), Serdes.string())));
    await driver.close();
    driver = undefined;
  }
  expect(outputs[1]).toEqual(outputs[0]);
  return outputs[1];
}

const shortInput: [string, string, number][] = [
  ["A", "1", 1],
  ["B", "1", 2],
  ["A", "2", 3],
  ["B", "2", 4],
  ["B", "3", 5],
];
const shortExpected = [
  kvt("A", "11", 1),
  kvt("B", "11", 2),
  kvt("A", "21", 3),
  kvt("A", "12", 3),
  kvt("A", "22", 3),
  kvt("B", "21", 4),
  kvt("B", "12", 4),
  kvt("B", "22", 4),
  kvt("B", "31", 5),
  kvt("B", "32", 5),
  kvt("B", "13", 5),
  kvt("B", "23", 5),
  kvt("B", "33", 5),
];

describe("KStreamKStreamSelfJoinTest", () => {
  it("shouldMatchInnerJoinWithSelfJoinWithSingleStream", async () => {
    expect(await selfJoin(false, JoinWindows.ofTimeDifferenceWithNoGrace(100), shortInput)).toEqual(shortExpected);
  });

  it("shouldMatchInnerJoinWithSelfJoinWithTwoStreams", async () => {
    expect(await selfJoin(true, JoinWindows.ofTimeDifferenceWithNoGrace(100), shortInput)).toEqual(shortExpected);
  });

  it("shouldMatchInnerJoinWithSelfJoinDifferentBeforeAfterWindows", async () => {
    const output = await selfJoin(true, JoinWindows.ofTimeDifferenceAndGrace(11_000, 10_000), [
      ["A", "1", 0],
      ["A", "2", 11000],
      ["B", "1", 12000],
      ["A", "3", 13000],
      ["A", "4", 15000],
      ["C", "1", 16000],
      ["D", "1", 17000],
      ["A", "5", 30000],
    ]);
    expect(output).toEqual([
      kvt("A", "11", 0),
      kvt("A", "21", 11000),
      kvt("A", "12", 11000),
      kvt("A", "22", 11000),
      kvt("B", "11", 12000),
      kvt("A", "32", 13000),
      kvt("A", "23", 13000),
      kvt("A", "33", 13000),
      kvt("A", "42", 15000),
      kvt("A", "43", 15000),
      kvt("A", "24", 15000),
      kvt("A", "34", 15000),
      kvt("A", "44", 15000),
      kvt("C", "11", 16000),
      kvt("D", "11", 17000),
      kvt("A", "55", 30000),
    ]);
  });

  it("shouldMatchInnerJoinWithSelfJoinOutOfOrderMessages", async () => {
    const output = await selfJoin(true, JoinWindows.ofTimeDifferenceWithNoGrace(10_000), [
      ["A", "1", 0],
      ["A", "2", 9999],
      ["B", "1", 11000],
      ["A", "3", 13000],
      ["A", "4", 15000],
      ["C", "1", 16000],
      ["D", "1", 17000],
      ["A", "5", 30000],
      ["A", "5", 6000],
    ]);
    expect(output).toEqual([
      kvt("A", "11", 0),
      kvt("A", "21", 9999),
      kvt("A", "12", 9999),
      kvt("A", "22", 9999),
      kvt("B", "11", 11000),
      kvt("A", "32", 13000),
      kvt("A", "23", 13000),
      kvt("A", "33", 13000),
      kvt("A", "42", 15000),
      kvt("A", "43", 15000),
      kvt("A", "24", 15000),
      kvt("A", "34", 15000),
      kvt("A", "44", 15000),
      kvt("C", "11", 16000),
      kvt("D", "11", 17000),
      kvt("A", "55", 30000),
      // The late A:5 at 6000 is too old for the window stores (retention 20 s behind stream time
      // 30000): it is not stored, and meets only the windows still live, A:3 and A:4.
      kvt("A", "53", 13000),
      kvt("A", "54", 15000),
      kvt("A", "35", 13000),
      kvt("A", "45", 15000),
    ]);
  });

  it("rewrites the join into one processor over this side's store (StreamStreamJoinNode.writeToTopology)", () => {
    const windows = JoinWindows.ofTimeDifferenceWithNoGrace(100);
    expect(selfJoinTopology(false, windows, "single.store.self.join").describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [topic1])\n" +
        "      --> KSTREAM-WINDOWED-0000000001\n" +
        "    Processor: KSTREAM-WINDOWED-0000000001 (stores: [KSTREAM-JOINTHIS-0000000003-store])\n" +
        "      --> KSTREAM-MERGE-0000000005\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KSTREAM-MERGE-0000000005 (stores: [KSTREAM-JOINTHIS-0000000003-store])\n" +
        "      --> KSTREAM-SINK-0000000006\n" +
        "      <-- KSTREAM-WINDOWED-0000000001\n" +
        "    Sink: KSTREAM-SINK-0000000006 (topic: output)\n" +
        "      <-- KSTREAM-MERGE-0000000005\n\n",
    );
    // Two streams of topic1 are one source node (the second spends an index, as in Kafka Streams).
    expect([...selfJoinTopology(true, windows, "all").stores.keys()]).toEqual(["KSTREAM-JOINTHIS-0000000004-store"]);
    // Without the rule, or with streams of different nodes, the join keeps both sides.
    expect([...selfJoinTopology(false, windows, "none").stores.keys()]).toEqual([
      "KSTREAM-JOINTHIS-0000000003-store",
      "KSTREAM-JOINOTHER-0000000004-store",
    ]);
    const builder = new StreamsBuilder();
    const stream = builder.stream(topic1, strings);
    stream
      .join(
        stream.filter(() => true),
        valueJoiner,
        windows,
        streamJoined as never,
      )
      .to("output", strings);
    expect(builder.build({ topologyOptimization: "all" }).stores.size).toBe(2);
  });
});
