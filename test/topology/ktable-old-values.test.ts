// Old values through derived tables: what a subtractor downstream of filter(),
// mapValues() and table-table joins receives, materialized or not (Kafka Streams'
// KTableFilter / KTableMapValues with sendOldValues: a node with a store reads the old
// result from it; one without recomputes it from its parent's old value).
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { KTable } from "../../src/topology/dsl/ktable.js";
import type { Topology } from "../../src/topology/topology.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";

interface User {
  region: string;
  spent: number;
}

const users = { key: Serdes.string(), value: Serdes.json<User>() };
let driver: TopologyTestDriver | undefined;

function start(topology: Topology): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, { applicationId: "app", startTime: 0 });
  return driver;
}

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** What the adder and the subtractor of a groupBy(region).aggregate(sum) saw, in order. */
type Call = [op: "add" | "subtract", region: string, value: number];

function sumPerRegion(table: KTable<string, User>, calls: Call[]): void {
  table
    .groupBy((_id, user) => ({ key: user.region, value: user.spent }), {
      key: Serdes.string(),
      value: Serdes.json<number>(),
    })
    .aggregate(
      () => 0,
      (region, spent, total) => {
        calls.push(["add", region, spent]);
        return total + spent;
      },
      (region, spent, total) => {
        calls.push(["subtract", region, spent]);
        return total - spent;
      },
      { store: "sum-per-region", value: Serdes.json<number>() },
    );
}

describe.each([
  ["materialized", true],
  ["not materialized", false],
] as const)("mapValues() %s, then groupBy().aggregate()", (_label, materialized) => {
  it("gives the subtractor the old mapped value when a row changes group, and when it is deleted", async () => {
    const builder = new StreamsBuilder();
    const calls: Call[] = [];
    const cents = builder
      .table("users", users)
      .mapValues(
        (user): User => ({ region: user.region.toUpperCase(), spent: user.spent * 100 }),
        materialized ? { store: "in-cents", value: Serdes.json<User>() } : {},
      );
    sumPerRegion(cents, calls);
    const topology = builder.build();
    // A store of its own answers the old values: the source table needs none.
    expect([...topology.stores.keys()].sort()).toEqual(
      materialized ? ["in-cents", "sum-per-region"] : ["sum-per-region", "users-STATE-STORE-0000000000"],
    );
    const driver = start(topology);
    const input = driver.createInputTopic("users", Serdes.string(), Serdes.json<User>());
    await input.pipeInput("u1", { region: "eu", spent: 1 });
    await input.pipeInput("u2", { region: "eu", spent: 2 });
    await input.pipeInput("u1", { region: "us", spent: 3 });
    await input.pipeInput("u2", { region: "eu", spent: 4 });
    await input.pipeInput("u1", null);
    expect(calls).toEqual([
      ["add", "EU", 100],
      ["add", "EU", 200],
      ["subtract", "EU", 100],
      ["add", "US", 300],
      ["subtract", "EU", 200],
      ["add", "EU", 400],
      ["subtract", "US", 300],
    ]);
    const sums = driver.getKeyValueStore<string, number>("sum-per-region");
    expect(await sums.get("EU")).toBe(400);
    expect(await sums.get("US")).toBe(0);
    if (materialized) {
      const mapped = driver.getKeyValueStore<string, User>("in-cents");
      expect(await mapped.get("u2")).toEqual({ region: "EU", spent: 400 });
      expect(await mapped.get("u1")).toBeUndefined();
    }
  });
});

describe.each([
  ["materialized", true],
  ["not materialized", false],
] as const)("filter() %s, then groupBy().aggregate()", (_label, materialized) => {
  it("retracts a row that stops passing with its old value, and says nothing for a row that never passed", async () => {
    const builder = new StreamsBuilder();
    const calls: Call[] = [];
    const big = builder
      .table("users", users)
      .filter(
        (_id, user) => user.spent >= 10,
        materialized ? { store: "big-spenders", value: Serdes.json<User>() } : {},
      );
    sumPerRegion(big, calls);
    big.toStream().to("big-spenders", users);
    const driver = start(builder.build());
    const input = driver.createInputTopic("users", Serdes.string(), Serdes.json<User>());
    const output = driver.createOutputTopic("big-spenders", Serdes.string(), Serdes.json<User>());
    await input.pipeInput("u1", { region: "eu", spent: 50 });
    await input.pipeInput("u1", { region: "eu", spent: 60 });
    await input.pipeInput("u1", { region: "eu", spent: 5 });
    await input.pipeInput("u2", { region: "us", spent: 1 });
    await input.pipeInput("u2", { region: "us", spent: 2 });
    await input.pipeInput("u2", null);
    await input.pipeInput("u3", { region: "us", spent: 30 });
    await input.pipeInput("u3", null);
    expect(calls).toEqual([
      ["add", "eu", 50],
      ["subtract", "eu", 50],
      ["add", "eu", 60],
      ["subtract", "eu", 60],
      ["add", "us", 30],
      ["subtract", "us", 30],
    ]);
    // With old values on, a row that was and stays filtered out (u2) is not forwarded at all.
    expect(output.readKeyValuesToList()).toEqual([
      { key: "u1", value: { region: "eu", spent: 50 } },
      { key: "u1", value: { region: "eu", spent: 60 } },
      { key: "u1", value: null },
      { key: "u3", value: { region: "us", spent: 30 } },
      { key: "u3", value: null },
    ]);
    const sums = driver.getKeyValueStore<string, number>("sum-per-region");
    expect(await sums.get("eu")).toBe(0);
    expect(await sums.get("us")).toBe(0);
  });
});

describe("old values through chains and joins", () => {
  it("an unmaterialized mapValues over a materialized filter recomputes the old value from the filter's store", async () => {
    const builder = new StreamsBuilder();
    const calls: Call[] = [];
    const doubled = builder
      .table("users", users)
      .filter((_id, user) => user.region !== "hidden", { store: "visible", value: Serdes.json<User>() })
      .mapValues((user): User => ({ ...user, spent: user.spent * 2 }));
    sumPerRegion(doubled, calls);
    const driver = start(builder.build());
    const input = driver.createInputTopic("users", Serdes.string(), Serdes.json<User>());
    await input.pipeInput("u1", { region: "eu", spent: 1 });
    await input.pipeInput("u1", { region: "hidden", spent: 2 });
    await input.pipeInput("u1", { region: "us", spent: 3 });
    expect(calls).toEqual([
      ["add", "eu", 2],
      ["subtract", "eu", 2],
      ["add", "us", 6],
    ]);
    expect(await driver.getKeyValueStore<string, number>("sum-per-region").get("eu")).toBe(0);
  });

  it.each([
    ["a materialized join", true],
    ["an unmaterialized join", false],
  ] as const)(
    "%s of a materialized mapValues gives the subtractor the old joined value",
    async (_label, materializedJoin) => {
      const builder = new StreamsBuilder();
      const calls: Call[] = [];
      const regions = builder
        .table("regions", { key: Serdes.string(), value: Serdes.string() })
        .mapValues((region) => region.toUpperCase(), { store: "regions-upper", value: Serdes.string() });
      const spent = builder.table("spent", { key: Serdes.string(), value: Serdes.json<number>() });
      const joined = regions.leftJoin(
        spent,
        (region, amount): User => ({ region, spent: amount ?? 0 }),
        materializedJoin ? { store: "joined", value: Serdes.json<User>() } : {},
      );
      sumPerRegion(joined, calls);
      const driver = start(builder.build());
      const regionInput = driver.createInputTopic("regions", Serdes.string(), Serdes.string());
      const spentInput = driver.createInputTopic("spent", Serdes.string(), Serdes.json<number>());
      await regionInput.pipeInput("u1", "eu");
      await spentInput.pipeInput("u1", 7);
      await regionInput.pipeInput("u1", "us");
      await spentInput.pipeInput("u1", 8);
      await regionInput.pipeInput("u1", null);
      expect(calls).toEqual([
        ["add", "EU", 0],
        ["subtract", "EU", 0],
        ["add", "EU", 7],
        ["subtract", "EU", 7],
        ["add", "US", 7],
        ["subtract", "US", 7],
        ["add", "US", 8],
        ["subtract", "US", 8],
      ]);
      const sums = driver.getKeyValueStore<string, number>("sum-per-region");
      expect(await sums.get("EU")).toBe(0);
      expect(await sums.get("US")).toBe(0);
    },
  );
});
