// Which repartition topics carry null keys (KIP-962): a repartition drops them unless a left
// or outer join that takes them is downstream of it, however far, as Kafka Streams decides
// once the graph is complete (NodesWithRelaxedNullKeyJoinDownstream).
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";
import { JoinWindows } from "../../src/topology/dsl/join-windows.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const WINDOW = JoinWindows.ofTimeDifferenceWithNoGrace(1000);
const joiner = (left: string | null, right: string | null): string => `${String(left)}|${String(right)}`;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function run(builder: StreamsBuilder): Promise<{ key: string | null; value: string | null }[]> {
  driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: "string", defaultValueSerde: "string" });
  const left = driver.createInputTopic("left", Serdes.string(), Serdes.string());
  await left.pipeInput("a", "keyless", { timestamp: 1 });
  await left.pipeInput("b", "keyed", { timestamp: 2 });
  return driver.createOutputTopic("out", Serdes.string(), Serdes.string()).readKeyValuesToList();
}

describe("null keys through repartition topics", () => {
  it("a key-changed stream's join repartition keeps them for a left join, which joins them with null", async () => {
    const builder = new StreamsBuilder();
    const right = builder.stream("right", strings);
    builder
      .stream("left", strings)
      .selectKey((key) => (key === "a" ? (null as unknown as string) : key))
      .leftJoin(right, joiner, WINDOW)
      .to("out", strings);
    expect(await run(builder)).toEqual([{ key: null, value: "keyless|null" }]);
  });

  it("an inner join's repartition drops them", async () => {
    const builder = new StreamsBuilder();
    const right = builder.stream("right", strings);
    builder
      .stream("left", strings)
      .selectKey((key) => (key === "a" ? (null as unknown as string) : key))
      .join(right, joiner, WINDOW)
      .to("out", strings);
    expect(await run(builder)).toEqual([]);
    expect(driver!.droppedRecords).toBe(0);
  });

  it("repartition() keeps them when a left join is further downstream, past a filter and a second repartition", async () => {
    const builder = new StreamsBuilder();
    const table = builder.table("right", strings);
    builder
      .stream("left", strings)
      .selectKey((key) => (key === "a" ? (null as unknown as string) : key))
      .repartition()
      .filter(() => true)
      .repartition()
      .leftJoin(table, joiner)
      .to("out", strings);
    expect(await run(builder)).toEqual([
      { key: null, value: "keyless|null" },
      { key: "b", value: "keyed|null" },
    ]);
  });

  it("the other side of a left join keeps them too (the join node is one in Kafka Streams), and its join drops and counts them", async () => {
    const builder = new StreamsBuilder();
    const right = builder
      .stream("right", strings)
      .selectKey((key) => (key === "a" ? (null as unknown as string) : key));
    builder.stream("left", strings).leftJoin(right, joiner, WINDOW).to("out", strings);
    driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: "string", defaultValueSerde: "string" });
    await driver
      .createInputTopic("right", Serdes.string(), Serdes.string())
      .pipeInput("a", "keyless", { timestamp: 1 });
    expect(driver.createOutputTopic("out", Serdes.string(), Serdes.string()).readKeyValuesToList()).toEqual([]);
    expect(driver.droppedRecords).toBe(1);
  });

  it("repartition() drops them, uncounted, when no such join is downstream", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("left", strings)
      .selectKey((key) => (key === "a" ? (null as unknown as string) : key))
      .repartition()
      .to("out", strings);
    expect(await run(builder)).toEqual([{ key: "b", value: "keyed" }]);
    expect(driver!.droppedRecords).toBe(0);
  });
});
