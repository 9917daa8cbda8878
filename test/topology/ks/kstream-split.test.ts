// Port of Kafka Streams' KStreamSplitTest: split() sends each record to the first branch
// whose predicate holds; branches are named after the split and their name or position;
// a branch consumed by a chain that returns nothing (or null) is left out of the map.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { KStream } from "../../../src/topology/dsl/kstream.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";

const topicName = "topic";
const isEven = (key: number): boolean => key % 2 === 0;
const isMultipleOfThree = (key: number): boolean => key % 3 === 0;
const isMultipleOfFive = (key: number): boolean => key % 5 === 0;
const isMultipleOfSeven = (key: number): boolean => key % 7 === 0;
const isNegative = (key: number): boolean => key < 0;
const produced = { key: Serdes.int32(), value: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function setUp(): { builder: StreamsBuilder; source: KStream<number, string> } {
  const builder = new StreamsBuilder();
  return { builder, source: builder.stream(topicName, produced) };
}

/** withDriver: keys -1..7 piped as "V<key>", then the values on each topic. */
async function valuesOn(builder: StreamsBuilder, topics: string[]): Promise<string[][]> {
  driver = new TopologyTestDriver(builder.build());
  const input = driver.createInputTopic(topicName, Serdes.int32(), Serdes.string());
  for (const key of [-1, 0, 1, 2, 3, 4, 5, 6, 7]) await input.pipeInput(key, `V${key}`);
  const d = driver;
  return topics.map(
    (topic) => d.createOutputTopic(topic, Serdes.int32(), Serdes.string()).readValuesToList() as string[],
  );
}

describe("KStreamSplitTest", () => {
  it("testKStreamSplit", async () => {
    const { builder, source } = setUp();
    const branches = source
      .split()
      .branch(isEven, { chain: (ks) => ks.to("x2", produced) })
      .branch(isMultipleOfThree, { chain: (ks) => ks.to("x3", produced) })
      .branch(isMultipleOfFive, { chain: (ks) => ks.to("x5", produced) })
      .noDefaultBranch();
    expect(branches.size).toBe(0);
    expect(await valuesOn(builder, ["x2", "x3", "x5"])).toEqual([["V0", "V2", "V4", "V6"], ["V3"], ["V5"]]);
  });

  it("testResultingMap", async () => {
    const { builder, source } = setUp();
    const branches = source
      .split({ name: "foo-" })
      .branch(isEven, { name: "bar" })
      .branch(isMultipleOfThree, { chain: () => {} })
      .branch(isMultipleOfFive, { chain: () => null })
      .branch(isNegative, { chain: (ks) => ks })
      .branch(isMultipleOfSeven)
      .defaultBranch();
    expect([...branches.keys()].sort()).toEqual(["foo-0", "foo-4", "foo-5", "foo-bar"]);
    for (const [name, branch] of branches) branch.to(name, produced);
    expect(await valuesOn(builder, ["foo-bar", "foo-4", "foo-5", "foo-0"])).toEqual([
      ["V0", "V2", "V4", "V6"],
      ["V-1"],
      ["V7"],
      ["V1"],
    ]);
  });

  it("testBranchingWithNoTerminalOperation", async () => {
    const { builder, source } = setUp();
    source
      .split()
      .branch(isEven, { chain: (ks) => ks.to("output", produced) })
      .branch(isMultipleOfFive, { chain: (ks) => ks.to("output", produced) });
    expect(await valuesOn(builder, ["output"])).toEqual([["V0", "V2", "V4", "V5", "V6"]]);
  });
});
