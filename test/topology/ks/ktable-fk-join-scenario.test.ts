// Ports of the KTableKTableForeignKeyJoinScenarioTest cases not in ktable-fk-join.test.ts: a
// foreign-key join's result joined again by primary key with only the second join's serdes
// given (Materialized.with(Integer, String)), the rest the defaults; and the topics the
// user's serdes are told (UniqueTopicSerdeScope): the subscription's pseudo topics, the
// internal topics, the tables' changelogs and the output topic, and no others.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { UniqueTopicSerdeScope } from "./unique-topic-serde-scope.js";

const LEFT_TABLE = "left_table";
const RIGHT_TABLE = "right_table";
const OUTPUT = "output-topic";

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

  it("shouldUseExpectedTopicsWithSerde", async () => {
    const applicationId = "ktable-ktable-joinOnForeignKey";
    const serdeScope = new UniqueTopicSerdeScope();
    const builder = new StreamsBuilder();

    const left = builder.table(LEFT_TABLE, {
      key: serdeScope.decorateSerde(Serdes.int32(), true),
      value: serdeScope.decorateSerde(Serdes.string(), false),
    });
    const right = builder.table(RIGHT_TABLE, {
      key: serdeScope.decorateSerde(Serdes.int32(), true),
      value: serdeScope.decorateSerde(Serdes.string(), false),
    });

    left
      .join(
        right,
        (value) => Number.parseInt(value.split("|")[1]!, 10),
        (value1, value2) => `(${value1},${value2})`,
        // Materialized.with(null, serde): the result's value serde, no store.
        { value: serdeScope.decorateSerde(Serdes.string(), false) },
      )
      .toStream()
      .to(OUTPUT);

    driver = new TopologyTestDriver(builder.build(), { applicationId });
    const leftInput = driver.createInputTopic(LEFT_TABLE, Serdes.int32(), Serdes.string());
    const rightInput = driver.createInputTopic(RIGHT_TABLE, Serdes.int32(), Serdes.string());
    await leftInput.pipeInput(2, "lhsValue1|1");
    await rightInput.pipeInput(1, "rhsValue1");
    await driver.close();
    driver = undefined;

    // verifying primarily that no extra pseudo-topics were used, but it's nice to also verify the rest of the
    // topics our serdes serialize data for
    expect(serdeScope.registeredTopics()).toEqual(
      new Set([
        // expected pseudo-topics
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic-fk--key`,
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic-pk--key`,
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic-vh--value`,
        // internal topics
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic--key`,
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic--key`,
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic--value`,
        `${applicationId}-left_table-STATE-STORE-0000000000-changelog--key`,
        `${applicationId}-left_table-STATE-STORE-0000000000-changelog--value`,
        `${applicationId}-right_table-STATE-STORE-0000000003-changelog--key`,
        `${applicationId}-right_table-STATE-STORE-0000000003-changelog--value`,
        // output topics
        "output-topic--key",
        "output-topic--value",
      ]),
    );
  });
});
