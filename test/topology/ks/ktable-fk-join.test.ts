// Ports of Kafka Streams' foreign-key join tests (KIP-213): KTableKTableForeignKeyJoinIntegrationTest
// (inner and left, materialized or not, with a rejoin downstream or not; its serdes decorated
// by UniqueTopicSerdeScope, which fails a topic told two types of data), the
// KTableKTableForeignKeyJoinScenarioTest cases on default serdes, and KStreamImplTest's
// shouldSupportForeignKeyTableTableJoinWithKTableFromKStream (describe() text and names).
// Then what the internal topics carry: a response made for an older value of the row is
// dropped (the hash check), and the subscription store is keyed as Kafka Streams keys it.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { UniqueTopicSerdeScope } from "./unique-topic-serde-scope.js";
import type { KeyValueStore } from "../../../src/stores/key-value-store.js";
import { murmur3Hash128 } from "../../../src/topology/dsl/processors/fk-join/murmur3.js";
import { subscriptionResponseWrapperSerde } from "../../../src/topology/dsl/processors/fk-join/subscription-response-wrapper.js";

const LEFT_TABLE = "left_table";
const RIGHT_TABLE = "right_table";
const OUTPUT = "output-topic";
const REJOIN_OUTPUT = "rejoin-output-topic";
const strings = { key: Serdes.string(), value: Serdes.string() };
const base = 1_600_000_000_000;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

interface Case {
  leftJoin: boolean;
  materialized: boolean;
  rejoin: boolean;
}

const cases: Case[] = [];
for (const leftJoin of [true, false])
  for (const materialized of [true, false])
    for (const rejoin of [true, false]) cases.push({ leftJoin, materialized, rejoin });
const label = ({ leftJoin, materialized, rejoin }: Case): string =>
  `${leftJoin ? "leftJoin" : "join"}${materialized ? ", materialized" : ""}${rejoin ? ", rejoined" : ""}`;

const splitExtractor = (value: string): string | null => value.split("|")[1] ?? null;

/** KTableKTableForeignKeyJoinIntegrationTest.getTopology. */
function topology(
  { leftJoin, materialized, rejoin }: Case,
  extractor: (value: string) => string | null = splitExtractor,
): TopologyTestDriver {
  // Every serde decorated, as the Java test's: a topic told two types of data fails the test.
  const serdeScope = new UniqueTopicSerdeScope();
  const decorated = () => ({
    key: serdeScope.decorateSerde(Serdes.string(), true),
    value: serdeScope.decorateSerde(Serdes.string(), false),
  });
  const builder = new StreamsBuilder();
  const left = builder.table(LEFT_TABLE, decorated());
  const right = builder.table(RIGHT_TABLE, decorated());
  const joiner = (value1: string | null, value2: string | null): string => `(${value1},${value2})`;
  const rejoiner = (value1: string | null, value2: string | null): string => `rejoin(${value1},${value2})`;
  const main = materialized
    ? { store: "store", persistent: false, value: serdeScope.decorateSerde(Serdes.string(), false) }
    : { value: serdeScope.decorateSerde(Serdes.string(), false) };
  const rejoinOptions = materialized
    ? { store: "store-rejoin", persistent: false, value: serdeScope.decorateSerde(Serdes.string(), false) }
    : { value: serdeScope.decorateSerde(Serdes.string(), false) };
  const fkJoin = leftJoin ? left.leftJoin(right, extractor, joiner, main) : left.join(right, extractor, joiner, main);
  fkJoin.toStream().to(OUTPUT);
  if (rejoin) {
    (leftJoin ? fkJoin.leftJoin(left, rejoiner, rejoinOptions) : fkJoin.join(left, rejoiner, rejoinOptions))
      .toStream()
      .to(REJOIN_OUTPUT);
  }
  return new TopologyTestDriver(builder.build());
}

function topics(d: TopologyTestDriver) {
  return {
    left: d.createInputTopic(LEFT_TABLE, Serdes.string(), Serdes.string()),
    right: d.createInputTopic(RIGHT_TABLE, Serdes.string(), Serdes.string()),
    output: d.createOutputTopic(OUTPUT, Serdes.string(), Serdes.string()),
    rejoinOutput: d.createOutputTopic(REJOIN_OUTPUT, Serdes.string(), Serdes.string()),
  };
}

type Rows = Record<string, string | null>;
const toMap = (rows: Rows): Map<string, string | null> => new Map(Object.entries(rows));

async function storeRows(store: KeyValueStore<string, string>): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  for await (const { key, value } of store.all()) rows.set(key, value);
  return rows;
}

describe.each(cases)("foreign-key $leftJoin (KTableKTableForeignKeyJoinIntegrationTest)", (testCase) => {
  const { leftJoin, materialized, rejoin } = testCase;
  const expectStore = async (rows: Rows): Promise<void> => {
    if (materialized) expect(await storeRows(driver!.getKeyValueStore<string, string>("store"))).toEqual(toMap(rows));
  };

  it(`doJoinFromLeftThenDeleteLeftEntity (${label(testCase)})`, async () => {
    driver = topology(testCase);
    const { left, right, output, rejoinOutput } = topics(driver);
    await right.pipeInput("rhs1", "rhsValue1", { timestamp: base });
    await right.pipeInput("rhs2", "rhsValue2", { timestamp: base + 1 });
    await right.pipeInput("rhs3", "rhsValue3", { timestamp: base + 2 });
    expect(output.readKeyValuesToMap()).toEqual(new Map());
    if (rejoin) expect(rejoinOutput.readKeyValuesToMap()).toEqual(new Map());
    await expectStore({});

    await left.pipeInput("lhs1", "lhsValue1|rhs1", { timestamp: base + 3 });
    await left.pipeInput("lhs2", "lhsValue2|rhs2", { timestamp: base + 4 });
    const joined = { lhs1: "(lhsValue1|rhs1,rhsValue1)", lhs2: "(lhsValue2|rhs2,rhsValue2)" };
    expect(output.readKeyValuesToMap()).toEqual(toMap(joined));
    if (rejoin) {
      expect(rejoinOutput.readKeyValuesToMap()).toEqual(
        toMap({
          lhs1: "rejoin((lhsValue1|rhs1,rhsValue1),lhsValue1|rhs1)",
          lhs2: "rejoin((lhsValue2|rhs2,rhsValue2),lhsValue2|rhs2)",
        }),
      );
    }
    await expectStore(joined);

    await left.pipeInput("lhs3", "lhsValue3|rhs1", { timestamp: base + 5 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs3: "(lhsValue3|rhs1,rhsValue1)" }));
    if (rejoin) {
      expect(rejoinOutput.readKeyValuesToMap()).toEqual(
        toMap({ lhs3: "rejoin((lhsValue3|rhs1,rhsValue1),lhsValue3|rhs1)" }),
      );
    }
    await expectStore({ ...joined, lhs3: "(lhsValue3|rhs1,rhsValue1)" });

    await left.pipeInput("lhs1", null, { timestamp: base + 6 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: null }));
    if (rejoin) expect(rejoinOutput.readKeyValuesToMap()).toEqual(toMap({ lhs1: null }));
    await expectStore({ lhs2: "(lhsValue2|rhs2,rhsValue2)", lhs3: "(lhsValue3|rhs1,rhsValue1)" });
  });

  it(`doJoinFromRightThenDeleteRightEntity (${label(testCase)})`, async () => {
    driver = topology(testCase);
    const { left, right, output } = topics(driver);
    await left.pipeInput("lhs1", "lhsValue1|rhs1", { timestamp: base });
    await left.pipeInput("lhs2", "lhsValue2|rhs2", { timestamp: base + 1 });
    await left.pipeInput("lhs3", "lhsValue3|rhs1", { timestamp: base + 2 });
    const halves = { lhs1: "(lhsValue1|rhs1,null)", lhs2: "(lhsValue2|rhs2,null)", lhs3: "(lhsValue3|rhs1,null)" };
    expect(output.readKeyValuesToMap()).toEqual(toMap(leftJoin ? halves : {}));
    await expectStore(leftJoin ? halves : {});

    await right.pipeInput("rhs1", "rhsValue1", { timestamp: base + 3 });
    const rhs1 = { lhs1: "(lhsValue1|rhs1,rhsValue1)", lhs3: "(lhsValue3|rhs1,rhsValue1)" };
    expect(output.readKeyValuesToMap()).toEqual(toMap(rhs1));
    await expectStore(leftJoin ? { ...halves, ...rhs1 } : rhs1);

    await right.pipeInput("rhs2", "rhsValue2", { timestamp: base + 4 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs2: "(lhsValue2|rhs2,rhsValue2)" }));
    const all = { ...rhs1, lhs2: "(lhsValue2|rhs2,rhsValue2)" };
    await expectStore(all);

    await right.pipeInput("rhs3", "rhsValue3", { timestamp: base + 5 });
    expect(output.readKeyValuesToMap()).toEqual(new Map());
    await expectStore(all);

    await right.pipeInput("rhs1", null, { timestamp: base + 6 });
    expect(output.readKeyValuesToMap()).toEqual(
      toMap({ lhs1: leftJoin ? "(lhsValue1|rhs1,null)" : null, lhs3: leftJoin ? "(lhsValue3|rhs1,null)" : null }),
    );
    await expectStore(
      leftJoin
        ? { lhs1: "(lhsValue1|rhs1,null)", lhs2: "(lhsValue2|rhs2,rhsValue2)", lhs3: "(lhsValue3|rhs1,null)" }
        : { lhs2: "(lhsValue2|rhs2,rhsValue2)" },
    );
  });

  it(`shouldEmitTombstoneWhenDeletingNonJoiningRecords (${label(testCase)})`, async () => {
    driver = topology(testCase);
    const { left, output } = topics(driver);
    await left.pipeInput("lhs1", "lhsValue1|rhs1", { timestamp: base });
    const expected: Rows = leftJoin ? { lhs1: "(lhsValue1|rhs1,null)" } : {};
    expect(output.readKeyValuesToMap()).toEqual(toMap(expected));
    await expectStore(expected);
    // An inner join cannot know whether it emitted a result before: the tombstone goes out anyway.
    await left.pipeInput("lhs1", null, { timestamp: base + 1 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: null }));
    await expectStore({});
    // Deleting a row that is not there is idempotent.
    await left.pipeInput("lhs1", null, { timestamp: base + 2 });
    expect(output.readKeyValuesToMap()).toEqual(new Map());
    await expectStore({});
  });

  it(`shouldNotEmitTombstonesWhenDeletingNonExistingRecords (${label(testCase)})`, async () => {
    driver = topology(testCase);
    const { left, output } = topics(driver);
    await left.pipeInput("lhs1", null, { timestamp: base });
    expect(output.readKeyValuesToMap()).toEqual(new Map());
    await expectStore({});
  });

  it(`joinShouldProduceNullsWhenValueHasNonMatchingForeignKey (${label(testCase)})`, async () => {
    driver = topology(testCase);
    const { left, right, output } = topics(driver);
    await left.pipeInput("lhs1", "lhsValue1|rhs1", { timestamp: base });
    expect(output.readKeyValuesToMap()).toEqual(toMap(leftJoin ? { lhs1: "(lhsValue1|rhs1,null)" } : {}));
    await expectStore(leftJoin ? { lhs1: "(lhsValue1|rhs1,null)" } : {});
    // Moving to another missing foreign key: an (unneeded) tombstone for the inner join.
    await left.pipeInput("lhs1", "lhsValue1|rhs2", { timestamp: base + 1 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: leftJoin ? "(lhsValue1|rhs2,null)" : null }));
    await expectStore(leftJoin ? { lhs1: "(lhsValue1|rhs2,null)" } : {});
    await left.pipeInput("lhs1", "lhsValue1|rhs3", { timestamp: base + 2 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: leftJoin ? "(lhsValue1|rhs3,null)" : null }));
    await expectStore(leftJoin ? { lhs1: "(lhsValue1|rhs3,null)" } : {});
    // A right row nobody subscribes to any more changes nothing.
    await right.pipeInput("rhs1", "rhsValue1", { timestamp: base + 3 });
    expect(output.readKeyValuesToMap()).toEqual(new Map());
    await expectStore(leftJoin ? { lhs1: "(lhsValue1|rhs3,null)" } : {});
    await left.pipeInput("lhs1", "lhsValue1|rhs1", { timestamp: base + 4 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: "(lhsValue1|rhs1,rhsValue1)" }));
    await expectStore({ lhs1: "(lhsValue1|rhs1,rhsValue1)" });
    await left.pipeInput("lhs1", "lhsValue1|rhs2", { timestamp: base + 5 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: leftJoin ? "(lhsValue1|rhs2,null)" : null }));
    await expectStore(leftJoin ? { lhs1: "(lhsValue1|rhs2,null)" } : {});
  });

  it(`shouldUnsubscribeOldForeignKeyIfLeftSideIsUpdated (${label(testCase)})`, async () => {
    driver = topology(testCase);
    const { left, right, output } = topics(driver);
    await right.pipeInput("rhs1", "rhsValue1", { timestamp: base });
    await right.pipeInput("rhs2", "rhsValue2", { timestamp: base + 1 });
    expect(output.readKeyValuesToMap()).toEqual(new Map());
    await left.pipeInput("lhs1", "lhsValue1|rhs1", { timestamp: base + 2 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: "(lhsValue1|rhs1,rhsValue1)" }));
    await expectStore({ lhs1: "(lhsValue1|rhs1,rhsValue1)" });
    await left.pipeInput("lhs1", "lhsValue1|rhs2", { timestamp: base + 3 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: "(lhsValue1|rhs2,rhsValue2)" }));
    await expectStore({ lhs1: "(lhsValue1|rhs2,rhsValue2)" });
    // The old foreign key's update reaches no one.
    await right.pipeInput("rhs1", "rhsValue1Delta", { timestamp: base + 4 });
    expect(output.readKeyValuesToMap()).toEqual(new Map());
    await expectStore({ lhs1: "(lhsValue1|rhs2,rhsValue2)" });
  });
});

describe.each(cases.filter((c) => c.leftJoin))("foreign-key left join: null foreign keys", (testCase) => {
  it(`shouldEmitRecordOnNullForeignKeyForLeftJoins (${label(testCase)})`, async () => {
    driver = topology(testCase, () => null);
    const { left, output } = topics(driver);
    await left.pipeInput("lhs1", "lhsValue1|rhs1", { timestamp: base });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: "(lhsValue1|rhs1,null)" }));
    if (testCase.materialized) {
      expect(await storeRows(driver.getKeyValueStore("store"))).toEqual(toMap({ lhs1: "(lhsValue1|rhs1,null)" }));
    }
  });

  it(`shouldEmitRecordWhenOldAndNewFkDiffer (${label(testCase)})`, async () => {
    driver = topology(testCase, (value) => {
      const split = value.split("|")[1] ?? null;
      return split === "returnNull" ? null : split;
    });
    const { left, output } = topics(driver);
    const subscriptionStoreName = [...driver.topology.stores.keys()].find((name) =>
      name.includes("SUBSCRIPTION-STATE-STORE"),
    );
    expect(subscriptionStoreName).toBeDefined();
    const subscriptions = driver.getKeyValueStore<Buffer, unknown>(subscriptionStoreName as string);
    // Kafka Streams' subscriptionStoreKey("lhs1", "rhs1"): {4 bytes fk length}{fk}{pk}.
    const key = Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from("rhs1"), Buffer.from("lhs1")]);
    await left.pipeInput("lhs1", "lhsValue1|rhs1", { timestamp: base });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: "(lhsValue1|rhs1,null)" }));
    expect(await subscriptions.get(key)).toBeDefined();
    await left.pipeInput("lhs1", "lhsValue1|returnNull", { timestamp: base });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: "(lhsValue1|returnNull,null)" }));
    expect(await subscriptions.get(key)).toBeUndefined();
  });
});

describe("foreign-key join on default serdes (KTableKTableForeignKeyJoinScenarioTest)", () => {
  const fkOf = (value: string): number => Number.parseInt(value.split("-")[0] as string, 10);
  const fkJoiner = (aVal: string, bVal: string): string => `(${aVal},${bVal})`;

  async function validate(builder: StreamsBuilder): Promise<void> {
    driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: "int32", defaultValueSerde: "string" });
    const a = driver.createInputTopic("A", Serdes.int32(), Serdes.string());
    const b = driver.createInputTopic("B", Serdes.int32(), Serdes.string());
    const output = driver.createOutputTopic("output", Serdes.int32(), Serdes.string());
    await a.pipeInput(1, "999-alpha");
    await b.pipeInput(999, "beta");
    expect(output.readKeyValuesToMap()).toEqual(new Map([[1, "(999-alpha,(999-alpha,beta))"]]));
  }

  it("shouldWorkWithDefaultSerdes", async () => {
    const builder = new StreamsBuilder();
    const aTable = builder.table<number, string>("A");
    const bTable = builder.table<number, string>("B");
    const fkJoinResult = aTable.join(bTable, fkOf, fkJoiner, { store: "asdf" });
    aTable
      .join(fkJoinResult, (aVal, fkJoinVal) => `(${aVal},${fkJoinVal})`)
      .toStream()
      .to("output");
    await validate(builder);
  });

  it("shouldWorkWithDefaultAndConsumedSerdes", async () => {
    const builder = new StreamsBuilder();
    const aTable = builder.table("A", { key: Serdes.int32(), value: Serdes.string() });
    const bTable = builder.table<number, string>("B");
    const fkJoinResult = aTable.join(bTable, fkOf, fkJoiner, { store: "asdf" });
    aTable
      .join(fkJoinResult, (aVal, fkJoinVal) => `(${aVal},${fkJoinVal})`)
      .toStream()
      .to("output");
    await validate(builder);
  });

  it("shouldWorkWithDefaultAndJoinResultSerdes", async () => {
    const builder = new StreamsBuilder();
    const aTable = builder.table<number, string>("A");
    const bTable = builder.table<number, string>("B");
    const fkJoinResult = aTable.join(bTable, fkOf, fkJoiner, { store: "asdf", value: Serdes.string() });
    aTable
      .join(fkJoinResult, (aVal, fkJoinVal) => `(${aVal},${fkJoinVal})`)
      .toStream()
      .to("output");
    await validate(builder);
  });

  it("shouldWorkWithDefaultAndProducedSerdes", async () => {
    const builder = new StreamsBuilder();
    const aTable = builder.table<number, string>("A");
    const bTable = builder.table<number, string>("B");
    const fkJoinResult = aTable.join(bTable, fkOf, fkJoiner, { store: "asdf" });
    aTable
      .join(fkJoinResult, (aVal, fkJoinVal) => `(${aVal},${fkJoinVal})`)
      .toStream()
      .to("output", { key: Serdes.int32(), value: Serdes.string() });
    await validate(builder);
  });
});

describe("foreign-key join topology (KStreamImplTest)", () => {
  it("shouldSupportForeignKeyTableTableJoinWithKTableFromKStream: Kafka Streams' nodes, stores, topics and sub-topologies", async () => {
    const builder = new StreamsBuilder();
    const leftTable = builder.stream("input1", strings).toTable();
    const rightTable = builder.stream("input2", strings).toTable();
    leftTable
      .join(
        rightTable,
        (value) => value.split("|")[1] as string,
        (value1, value2) => `(${value1},${value2})`,
      )
      .toStream()
      .to("output");
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KTABLE-SOURCE-0000000016 (topics: [KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic])\n" +
        "      --> KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input1])\n" +
        "      --> KSTREAM-TOTABLE-0000000001\n" +
        "    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000002])\n" +
        "      --> KTABLE-FK-JOIN-OUTPUT-0000000018\n" +
        "      <-- KTABLE-SOURCE-0000000016\n" +
        "    Processor: KSTREAM-TOTABLE-0000000001 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000002])\n" +
        "      --> KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KTABLE-FK-JOIN-OUTPUT-0000000018 (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000020\n" +
        "      <-- KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017\n" +
        "    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007 (stores: [])\n" +
        "      --> KTABLE-SINK-0000000008\n" +
        "      <-- KSTREAM-TOTABLE-0000000001\n" +
        "    Processor: KTABLE-TOSTREAM-0000000020 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000021\n" +
        "      <-- KTABLE-FK-JOIN-OUTPUT-0000000018\n" +
        "    Sink: KSTREAM-SINK-0000000021 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000020\n" +
        "    Sink: KTABLE-SINK-0000000008 (topic: KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic)\n" +
        "      <-- KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000003 (topics: [input2])\n" +
        "      --> KSTREAM-TOTABLE-0000000004\n" +
        "    Source: KTABLE-SOURCE-0000000009 (topics: [KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic])\n" +
        "      --> KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011\n" +
        "    Processor: KSTREAM-TOTABLE-0000000004 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000005])\n" +
        "      --> KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013\n" +
        "      <-- KSTREAM-SOURCE-0000000003\n" +
        "    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011 (stores: [KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010])\n" +
        "      --> KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000012\n" +
        "      <-- KTABLE-SOURCE-0000000009\n" +
        "    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000012 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000005])\n" +
        "      --> KTABLE-SINK-0000000015\n" +
        "      <-- KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011\n" +
        "    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013 (stores: [KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010])\n" +
        "      --> KTABLE-SINK-0000000015\n" +
        "      <-- KSTREAM-TOTABLE-0000000004\n" +
        "    Sink: KTABLE-SINK-0000000015 (topic: KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic)\n" +
        "      <-- KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000012, KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013\n\n",
    );
  });

  it("names every node, store and topic after the user's name (TableJoined.as)", () => {
    const builder = new StreamsBuilder();
    const left = builder.table("left", strings);
    const right = builder.table("right", strings);
    left.join(
      right,
      (value) => value,
      (a, b) => a + b,
      { name: "orders-products" },
    );
    const topology = builder.build();
    const names = [...topology.nodes.keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        "orders-products-subscription-registration-processor",
        "orders-products-subscription-registration-sink",
        "orders-products-subscription-registration-source",
        "orders-products-subscription-receive",
        "orders-products-subscription-join-foreign",
        "orders-products-foreign-join-subscription",
        "orders-products-subscription-response-sink",
        "orders-products-subscription-response-source",
        "orders-products-subscription-response-resolver",
        "orders-products-result",
      ]),
    );
    expect(topology.repartitionTopics.map((topic) => topic.name)).toEqual([
      "orders-products-subscription-registration-topic",
      "orders-products-subscription-response-topic",
    ]);
    expect([...topology.stores.keys()]).toContain("orders-products-subscription-store");
  });
});

describe("the hash check (KIP-213): a response for an older value of the row is dropped", () => {
  it("joins a response carrying the hash of the row's current value, and drops one carrying an older value's", async () => {
    const builder = new StreamsBuilder();
    const left = builder.table(LEFT_TABLE, strings);
    const right = builder.table(RIGHT_TABLE, strings);
    left
      .join(right, splitExtractor, (a, b) => `(${a},${b})`, { value: Serdes.string() })
      .toStream()
      .to(OUTPUT);
    driver = new TopologyTestDriver(builder.build(), { applicationId: "fk-app" });
    const { left: leftInput, right: rightInput, output } = topics(driver);
    await rightInput.pipeInput("rhs1", "rhsValue1", { timestamp: base });
    await leftInput.pipeInput("lhs1", "old|rhs1", { timestamp: base + 1 });
    await leftInput.pipeInput("lhs1", "new|rhs1", { timestamp: base + 2 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: "(new|rhs1,rhsValue1)" }));

    // A response as the right side would have sent it while the row was still "old|rhs1".
    const responses = driver.createInputTopic(
      "fk-app-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic",
      Serdes.string(),
      subscriptionResponseWrapperSerde(Serdes.string()),
    );
    const hashOf = (value: string) => murmur3Hash128(Buffer.from(value));
    const response = (value: string, foreignValue: string) => ({
      originalValueHash: hashOf(value),
      foreignValue,
      version: 0,
      primaryPartition: 0,
    });
    await responses.pipeInput("lhs1", response("old|rhs1", "stale"), { timestamp: base + 3 });
    expect(output.readKeyValuesToMap()).toEqual(new Map());
    expect(driver.droppedRecords).toBeGreaterThan(0);
    await responses.pipeInput("lhs1", response("new|rhs1", "fresh"), { timestamp: base + 4 });
    expect(output.readRecordsToList().map(({ key, value, timestamp }) => ({ key, value, timestamp }))).toEqual([
      { key: "lhs1", value: "(new|rhs1,fresh)", timestamp: base + 4 },
    ]);
  });

  it("dead-letters a subscription of an unknown wrapper version or damaged bytes, with a code of its own, and goes on", async () => {
    const builder = new StreamsBuilder();
    const left = builder.table(LEFT_TABLE, strings);
    const right = builder.table(RIGHT_TABLE, strings);
    left
      .join(right, splitExtractor, (a, b) => `(${a},${b})`, { value: Serdes.string() })
      .toStream()
      .to(OUTPUT);
    driver = new TopologyTestDriver(builder.build(), { applicationId: "fk-app" });
    const { left: leftInput, right: rightInput, output } = topics(driver);
    const bytes = Serdes.bytes();
    const registrations = driver.createInputTopic(
      "fk-app-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic",
      Serdes.string(),
      bytes,
    );
    const responses = driver.createInputTopic(
      "fk-app-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic",
      Serdes.string(),
      bytes,
    );
    await registrations.pipeInput("rhs1", Buffer.from([0x85, 2, 0x6c]), { timestamp: base });
    await registrations.pipeInput("rhs1", Buffer.from([0x81, 9, 0x6c, 0, 0, 0, 0]), { timestamp: base });
    await responses.pipeInput("lhs1", Buffer.from([0x83]), { timestamp: base });
    const letters = driver.createOutputTopic("fk-app-dlq", Serdes.string(), bytes).readRecordsToList();
    expect(letters.map((letter) => [letter.key, letter.headers.lastString("eddy-dlq-error-code")])).toEqual([
      ["rhs1", "EDDY_ERR_SUBSCRIPTION_VERSION"],
      ["rhs1", "EDDY_ERR_SUBSCRIPTION_DAMAGED"],
      ["lhs1", "EDDY_ERR_SUBSCRIPTION_VERSION"],
    ]);
    // The join goes on.
    await rightInput.pipeInput("rhs1", "rhsValue1", { timestamp: base + 1 });
    await leftInput.pipeInput("lhs1", "a|rhs1", { timestamp: base + 2 });
    expect(output.readKeyValuesToMap()).toEqual(toMap({ lhs1: "(a|rhs1,rhsValue1)" }));
  });
});
