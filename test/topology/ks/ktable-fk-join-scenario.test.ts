// Port of the KTableKTableForeignKeyJoinScenarioTest case not in ktable-fk-join.test.ts: a
// foreign-key join's result joined again by primary key with only the second join's serdes
// given (Materialized.with(Integer, String)), the rest the defaults.
//
// Not ported: shouldUseExpectedTopicsWithSerde. Eddy calls the user's serdes for the same
// subscription pseudo-topics (-fk, -pk, -vh), internal and output topics, but a store's
// serdes get no topic in their context where Kafka Streams gives them the store's changelog
// topic, <applicationId>-<store>-changelog.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("KTableKTableForeignKeyJoinScenarioTest", () => {
  it("shouldWorkWithDefaultAndEquiJoinResultSerdes", async () => {
    const builder = new StreamsBuilder();
    const aTable = builder.table<number, string>("A");
    const bTable = builder.table<number, string>("B");
    const fkJoinResult = aTable.join(
      bTable,
      (value) => Number.parseInt(value.split("-")[0]!, 10),
      (aVal, bVal) => `(${aVal},${bVal})`,
      { store: "asdf" },
    );
    aTable
      // Materialized.with(Integer, String): a table-table join keeps its tables' key serde, so only the value serde is given.
      .join(fkJoinResult, (aVal, fkJoinVal) => `(${aVal},${fkJoinVal})`, { value: Serdes.string() })
      .toStream()
      .to("output");
    // validateTopologyCanProcessData
    driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: "int32", defaultValueSerde: "string" });
    await driver.createInputTopic("A", Serdes.int32(), Serdes.string()).pipeInput(1, "999-alpha");
    await driver.createInputTopic("B", Serdes.int32(), Serdes.string()).pipeInput(999, "beta");
    const output = driver.createOutputTopic("output", Serdes.int32(), Serdes.string());
    expect(output.readKeyValuesToMap()).toEqual(new Map([[1, "(999-alpha,(999-alpha,beta))"]]));
  });
});
