// KTable semantics through the driver: sources, filter, mapValues, table-table joins
// and groupBy with a subtractor, on inserts, updates and deletes.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { Topology } from "../../src/topology/topology.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;

function start(topology: Topology, cacheMaxBytes?: number): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, {
    applicationId: "app",
    startTime: 0,
    ...(cacheMaxBytes === undefined ? {} : { cacheMaxBytes }),
  });
  return driver;
}

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("KTable", () => {
  it("table() keeps the latest value per key in its store; a null value deletes and comes out as a tombstone", async () => {
    const builder = new StreamsBuilder();
    builder
      .table("profiles", { ...strings, store: "profiles-store" })
      .toStream()
      .to("profile-updates", strings);
    const driver = start(builder.build());
    const input = driver.createInputTopic("profiles", Serdes.string(), Serdes.string());
    await input.pipeInput("u1", "v1");
    await input.pipeInput("u1", "v2");
    await input.pipeInput("u2", "w1");
    await input.pipeInput("u1", null);
    await input.pipeValue("no key: dropped");
    expect(driver.createOutputTopic("profile-updates", Serdes.string(), Serdes.string()).readKeyValuesToList()).toEqual(
      [
        { key: "u1", value: "v1" },
        { key: "u1", value: "v2" },
        { key: "u2", value: "w1" },
        { key: "u1", value: null },
      ],
    );
    const store = driver.getKeyValueStore<string, string>("profiles-store");
    expect(await store.get("u1")).toBeUndefined();
    expect(await store.get("u2")).toBe("w1");
  });

  it.each([
    ["without the record cache", 0],
    ["with the record cache", undefined],
  ] as const)(
    "filter() turns rows that stop matching into deletes, and mapValues() maps every update (%s)",
    async (_label, cacheMaxBytes) => {
      const builder = new StreamsBuilder();
      const prices = builder.table("prices", { key: Serdes.string(), value: Serdes.int32() });
      prices
        .filter((_key, price) => price >= 100, { store: "expensive" })
        .toStream()
        .to("expensive", { key: Serdes.string(), value: Serdes.int32() });
      prices
        .mapValues((price, key) => `${key} costs ${price}`)
        .toStream()
        .to("labels", strings);
      const driver = start(builder.build(), cacheMaxBytes);
      const input = driver.createInputTopic("prices", Serdes.string(), Serdes.int32());
      await input.pipeInput("tv", 500);
      await input.pipeInput("pen", 2);
      await input.pipeInput("tv", 50);
      await input.pipeInput("tv", null);
      // Kafka Streams semantics without old values: a non-matching update is forwarded as a
      // delete; the record cache forwards a delete only where a row was (the filter's store
      // had "tv" and never "pen").
      expect(driver.createOutputTopic("expensive", Serdes.string(), Serdes.int32()).readKeyValuesToList()).toEqual(
        cacheMaxBytes === 0
          ? [
              { key: "tv", value: 500 },
              { key: "pen", value: null },
              { key: "tv", value: null },
              { key: "tv", value: null },
            ]
          : [
              { key: "tv", value: 500 },
              { key: "tv", value: null },
            ],
      );
      expect(driver.createOutputTopic("labels", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
        "tv costs 500",
        "pen costs 2",
        "tv costs 50",
        null,
      ]);
      expect(await driver.getKeyValueStore<string, number>("expensive").get("tv")).toBeUndefined();
    },
  );

  it("a filter whose parent sends old values skips changes that were and stay filtered out", async () => {
    const builder = new StreamsBuilder();
    const prices = builder.table("prices", { key: Serdes.string(), value: Serdes.int32() });
    const expensive = prices.filter((_key, price) => price >= 100);
    // groupBy needs old values, which makes the filter (and its source) send them.
    expensive
      .groupBy((key, price) => ({ key: "all", value: price }), { key: Serdes.string(), value: Serdes.int32() })
      .count({ store: "count" });
    expensive.toStream().to("expensive", { key: Serdes.string(), value: Serdes.int32() });
    const driver = start(builder.build());
    const input = driver.createInputTopic("prices", Serdes.string(), Serdes.int32());
    await input.pipeInput("pen", 2);
    await input.pipeInput("pen", 3);
    await input.pipeInput("tv", 500);
    await input.pipeInput("tv", 50);
    expect(driver.createOutputTopic("expensive", Serdes.string(), Serdes.int32()).readKeyValuesToList()).toEqual([
      { key: "tv", value: 500 },
      { key: "tv", value: null },
    ]);
    expect(await driver.getKeyValueStore<string, number>("count").get("all")).toBe(0);
  });
});

describe("table-table joins", () => {
  async function run(
    kind: "join" | "leftJoin" | "outerJoin",
    steps: [topic: "left" | "right", key: string, value: string | null][],
  ) {
    const builder = new StreamsBuilder();
    const left = builder.table("left", strings);
    const right = builder.table("right", strings);
    const joiner = (a: string | null, b: string | null): string => `${a ?? "null"}+${b ?? "null"}`;
    const joined =
      kind === "join"
        ? left.join(right, joiner)
        : kind === "leftJoin"
          ? left.leftJoin(right, joiner)
          : left.outerJoin(right, joiner);
    joined.toStream().to("joined", strings);
    const driver = start(builder.build());
    const inputs = {
      left: driver.createInputTopic("left", Serdes.string(), Serdes.string()),
      right: driver.createInputTopic("right", Serdes.string(), Serdes.string()),
    };
    const output = driver.createOutputTopic("joined", Serdes.string(), Serdes.string());
    const outputs: (string | null)[][] = [];
    for (const [topic, key, value] of steps) {
      await inputs[topic].pipeInput(key, value);
      outputs.push(
        output
          .readKeyValuesToList()
          .map((record) => [record.key, record.value])
          .flat(),
      );
    }
    return outputs;
  }

  const steps: [topic: "left" | "right", key: string, value: string | null][] = [
    ["left", "k1", "A1"],
    ["right", "k1", "B1"],
    ["left", "k1", "A2"],
    ["right", "k1", null],
    ["left", "k1", null],
    ["right", "k2", "B2"],
    ["left", "k2", "C2"],
    ["right", "k2", null],
  ];

  it("inner join: a row exists while both sides have one; a delete on either side deletes it", async () => {
    expect(await run("join", steps)).toEqual([
      [],
      ["k1", "A1+B1"],
      ["k1", "A2+B1"],
      ["k1", null],
      [],
      [],
      ["k2", "C2+B2"],
      ["k2", null],
    ]);
  });

  it("left join: every left row, with the right value or null", async () => {
    expect(await run("leftJoin", steps)).toEqual([
      ["k1", "A1+null"],
      ["k1", "A1+B1"],
      ["k1", "A2+B1"],
      ["k1", "A2+null"],
      ["k1", null],
      [],
      ["k2", "C2+B2"],
      ["k2", "C2+null"],
    ]);
  });

  it("outer join: a row while either side has one", async () => {
    expect(await run("outerJoin", steps)).toEqual([
      ["k1", "A1+null"],
      ["k1", "A1+B1"],
      ["k1", "A2+B1"],
      ["k1", "A2+null"],
      ["k1", null],
      ["k2", "null+B2"],
      ["k2", "C2+B2"],
      ["k2", "C2+null"],
    ]);
  });

  it("a join result read by a stream join (value getter through both unmaterialized sides)", async () => {
    const builder = new StreamsBuilder();
    const names = builder.table("names", strings);
    const emails = builder.table("emails", strings);
    const contacts = names.leftJoin(emails, (name, email) => `${name} <${email ?? "?"}>`);
    builder
      .stream("mail", strings)
      .join(contacts, (subject, contact) => `${subject} -> ${contact}`)
      .to("outbox", strings);
    const driver = start(builder.build());
    await driver.createInputTopic("names", Serdes.string(), Serdes.string()).pipeInput("u1", "Ann");
    await driver.createInputTopic("mail", Serdes.string(), Serdes.string()).pipeInput("u1", "hello");
    await driver.createInputTopic("emails", Serdes.string(), Serdes.string()).pipeInput("u1", "ann@example.com");
    await driver.createInputTopic("mail", Serdes.string(), Serdes.string()).pipeInput("u1", "again");
    await driver.createInputTopic("mail", Serdes.string(), Serdes.string()).pipeInput("u2", "nobody");
    expect(driver.createOutputTopic("outbox", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "hello -> Ann <?>",
      "again -> Ann <ann@example.com>",
    ]);
  });

  it("a materialized join keeps its rows in its store", async () => {
    const builder = new StreamsBuilder();
    builder
      .table("a", strings)
      .join(builder.table("b", strings), (x, y) => x + y, { store: "ab", value: Serdes.string() });
    const driver = start(builder.build());
    await driver.createInputTopic("a", Serdes.string(), Serdes.string()).pipeInput("k", "x");
    await driver.createInputTopic("b", Serdes.string(), Serdes.string()).pipeInput("k", "y");
    const store = driver.getKeyValueStore<string, string>("ab");
    expect(await store.get("k")).toBe("xy");
    await driver.createInputTopic("b", Serdes.string(), Serdes.string()).pipeInput("k", null);
    expect(await store.get("k")).toBeUndefined();
  });
});

describe("KTable groupBy with adder and subtractor", () => {
  interface User {
    region: string;
    spent: number;
  }

  function totals() {
    const builder = new StreamsBuilder();
    builder
      .table("users", { key: Serdes.string(), value: Serdes.json<User>() })
      .groupBy((_id, user) => ({ key: user.region, value: user.spent }), {
        key: Serdes.string(),
        value: Serdes.json<number>(),
      })
      .aggregate(
        () => 0,
        (_region, spent, total) => total + spent,
        (_region, spent, total) => total - spent,
        { store: "spent-per-region", value: Serdes.json<number>() },
      )
      .toStream()
      .to("spent-per-region", { key: Serdes.string(), value: Serdes.json<number>() });
    return builder.build();
  }

  it("moves a row between groups on update, subtracts it on delete, and updates in place when the group stays", async () => {
    const driver = start(totals());
    const users = driver.createInputTopic("users", Serdes.string(), Serdes.json<User>());
    const output = driver.createOutputTopic("spent-per-region", Serdes.string(), Serdes.json<number>());
    await users.pipeInput("u1", { region: "eu", spent: 10 });
    await users.pipeInput("u2", { region: "eu", spent: 5 });
    expect(output.readKeyValuesToList()).toEqual([
      { key: "eu", value: 10 },
      { key: "eu", value: 15 },
    ]);
    await users.pipeInput("u1", { region: "eu", spent: 20 });
    expect(output.readKeyValuesToList()).toEqual([{ key: "eu", value: 25 }]);
    await users.pipeInput("u1", { region: "us", spent: 20 });
    expect(output.readKeyValuesToList()).toEqual([
      { key: "eu", value: 5 },
      { key: "us", value: 20 },
    ]);
    await users.pipeInput("u2", null);
    expect(output.readKeyValuesToList()).toEqual([{ key: "eu", value: 0 }]);
    const store = driver.getKeyValueStore<string, number>("spent-per-region");
    expect(await store.get("eu")).toBe(0);
    expect(await store.get("us")).toBe(20);
    expect(driver.producedTopicNames()).toContain("app-spent-per-region-repartition");
  });

  it("count() and reduce() keep counts and values right; a subtractor returning null deletes the group", async () => {
    const builder = new StreamsBuilder();
    const grouped = builder
      .table("users", { key: Serdes.string(), value: Serdes.json<User>() })
      .groupBy((id, user) => ({ key: user.region, value: id }), {
        key: Serdes.string(),
        value: Serdes.string(),
        name: "by-region",
      });
    grouped.count({ store: "users-per-region" });
    grouped.reduce(
      (ids, id) => [...ids.split(","), id].sort().join(","),
      (ids, id) =>
        ids
          .split(",")
          .filter((one) => one !== id)
          .join(",") || null,
      { store: "ids-per-region" },
    );
    const topology = builder.build();
    expect(topology.repartitionTopics.map((topic) => topic.name)).toEqual(["by-region-repartition"]);
    const driver = start(topology);
    const users = driver.createInputTopic("users", Serdes.string(), Serdes.json<User>());
    await users.pipeInput("u1", { region: "eu", spent: 1 });
    await users.pipeInput("u2", { region: "eu", spent: 1 });
    await users.pipeInput("u3", { region: "us", spent: 1 });
    await users.pipeInput("u1", { region: "us", spent: 1 });
    await users.pipeInput("u2", null);
    const counts = driver.getKeyValueStore<string, number>("users-per-region");
    const ids = driver.getKeyValueStore<string, string>("ids-per-region");
    expect(await counts.get("eu")).toBe(0);
    expect(await counts.get("us")).toBe(2);
    expect(await ids.get("us")).toBe("u1,u3");
    expect(await ids.get("eu")).toBeUndefined();
  });
});
