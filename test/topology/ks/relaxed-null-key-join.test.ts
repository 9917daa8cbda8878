// Ports of Kafka Streams' RelaxedNullKeyRequirementJoinTest (KIP-962): in a left or outer
// join, a record with a null key joins nothing but is not dropped: it is joined with null
// at once, through a repartition topic too (the repartition keeps null keys when such a
// join is downstream, and drops them otherwise). Default serdes are strings, as the Java
// test configures them.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import type { KStream } from "../../../src/topology/dsl/kstream.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";

const WINDOW = JoinWindows.ofTimeDifferenceAndGrace(60_000, 10_000);
const JOINER = (lv: string | null, rv: string | null): string => `${String(lv)}|${String(rv)}`;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function streams(): {
  builder: StreamsBuilder;
  leftStream: KStream<string, string>;
  rightStream: KStream<string, string>;
} {
  const builder = new StreamsBuilder();
  const leftStream = builder.stream<string, string>("left").repartition();
  const rightStream = builder.stream<string, string>("right").repartition();
  return { builder, leftStream, rightStream };
}

function initTopology(builder: StreamsBuilder) {
  driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: "string", defaultValueSerde: "string" });
  return {
    left: driver.createInputTopic("left", Serdes.string(), Serdes.string()),
    right: driver.createInputTopic("right", Serdes.string(), Serdes.string()),
    out: driver.createOutputTopic("out", Serdes.string(), Serdes.string()),
  };
}

describe("relaxed null-key joins (RelaxedNullKeyRequirementJoinTest)", () => {
  it("testRelaxedLeftStreamStreamJoin", async () => {
    const { builder, leftStream, rightStream } = streams();
    leftStream.leftJoin(rightStream, JOINER, WINDOW).to("out");
    const { left, out } = initTopology(builder);
    await left.pipeInput(null, "leftValue", { timestamp: 1 });
    expect(out.readKeyValuesToList()).toEqual([{ key: null, value: "leftValue|null" }]);
  });

  it("testRelaxedLeftStreamTableJoin", async () => {
    const { builder, leftStream, rightStream } = streams();
    leftStream.leftJoin(rightStream.toTable(), JOINER).to("out");
    const { left, out } = initTopology(builder);
    await left.pipeInput(null, "leftValue", { timestamp: 1 });
    expect(out.readKeyValuesToList()).toEqual([{ key: null, value: "leftValue|null" }]);
  });

  it("testRelaxedOuterStreamStreamJoin", async () => {
    const { builder, leftStream, rightStream } = streams();
    leftStream.outerJoin(rightStream, JOINER, WINDOW).to("out");
    const { left, right, out } = initTopology(builder);
    await right.pipeInput(null, "rightValue", { timestamp: 1 });
    await left.pipeInput(null, "leftValue");
    expect(out.readKeyValuesToList()).toEqual([
      { key: null, value: "null|rightValue" },
      { key: null, value: "leftValue|null" },
    ]);
  });

  it("testRelaxedLeftStreamGlobalTableJoin", async () => {
    const { builder, leftStream } = streams();
    const global = builder.globalTable<string, string>("global");
    leftStream.leftJoin(global, () => null, JOINER).to("out");
    const { left, out } = initTopology(builder);
    await left.pipeInput(null, "leftValue", { timestamp: 1 });
    expect(out.readKeyValuesToList()).toEqual([{ key: null, value: "leftValue|null" }]);
  });

  it("testDropNullKeyRecordsForRepartitionNodesWithNoRelaxedJoinDownstream", async () => {
    const { builder, leftStream } = streams();
    leftStream.repartition().to("out");
    const { left, out } = initTopology(builder);
    await left.pipeInput(null, "leftValue", { timestamp: 1 });
    expect(out.readKeyValuesToList()).toEqual([]);
  });
});
