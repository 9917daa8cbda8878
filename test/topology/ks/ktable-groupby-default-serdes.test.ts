// KTable.groupBy() without serdes, as Kafka Streams has it: the repartition topic and the
// aggregate's store take the default serdes of the configuration (KGroupedTable's
// Grouped.with(null, null) falls back to default.key.serde / default.value.serde). With
// no default either, Kafka Streams fails when the task starts; Eddy refuses the topology
// when it is built, naming groupBy() and the configuration's field.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** table("input") regrouped by its value and counted, without a serde for groupBy() or count(). */
function regroupedCount(): StreamsBuilder {
  const builder = new StreamsBuilder();
  builder
    .table<string, string>("input", { key: Serdes.string(), value: Serdes.string() })
    .groupBy((key, value) => ({ key: value, value: key }))
    .count({ store: "count-by-value" })
    .toStream()
    .to("output", { key: Serdes.string(), value: Serdes.long() as never });
  return builder;
}

describe("KTable.groupBy() without serdes", () => {
  it("repartitions and aggregates with the configuration's default serdes", async () => {
    driver = new TopologyTestDriver(regroupedCount().build(), {
      applicationId: "app",
      defaultKeySerde: "string",
      defaultValueSerde: "string",
    });
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    await input.pipeInput("a", "x", { timestamp: 10 });
    await input.pipeInput("b", "x", { timestamp: 20 });
    await input.pipeInput("a", "y", { timestamp: 30 });
    expect(readAll(driver.createOutputTopic("output", Serdes.string(), Serdes.long()))).toEqual([
      kvt("x", 1, 10),
      kvt("x", 2, 20),
      kvt("x", 1, 30),
      kvt("y", 1, 30),
    ]);
    // The repartition topic's key is the new key, written with the default key serde.
    const repartition = driver.createOutputTopic("app-count-by-value-repartition", Serdes.string(), Serdes.bytes());
    expect(repartition.readRecordsToList().map((r) => r.key)).toEqual(["x", "x", "x", "y"]);
    expect(await driver.getKeyValueStore<string, number>("count-by-value").get("x")).toBe(1);
  });

  it("refuses the topology at build time when the configuration has no default serde either", () => {
    expect(() => new TopologyTestDriver(regroupedCount().build())).toThrow(
      /Sink \S+ \(topic: count-by-value-repartition\) has no key serde .*pass \{ key: <serde> \} to groupBy\(\), or set defaultKeySerde/,
    );
  });
});
