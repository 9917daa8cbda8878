// Every KStream operation, run through the TopologyTestDriver with real processors.
import { afterEach, describe, expect, it } from "vitest";
import type { RecordHeaders } from "../../src/topology/headers.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { Topology } from "../../src/topology/topology.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;

function start(topology: Topology): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, { applicationId: "app", startTime: 0 });
  return driver;
}

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("KStream stateless operations", () => {
  it("filter, filterNot, map, mapValues, flatMap, flatMapValues, selectKey, peek and foreach", async () => {
    const builder = new StreamsBuilder();
    const words = builder.stream("words", strings);
    const peeked: string[] = [];
    const seen: string[] = [];
    words.filter((_key, value) => value.length > 3).to("long", strings);
    words.filterNot((_key, value) => value.length > 3).to("short", strings);
    words
      .map((key, value) => ({ key: value, value: key.length }))
      .to("map", { key: Serdes.string(), value: Serdes.int32() });
    words.mapValues((value, key) => `${key}:${value.toUpperCase()}`).to("map-values", strings);
    words
      .flatMap((key, value) => value.split("").map((letter) => ({ key: letter, value: key })))
      .to("flat-map", strings);
    words.flatMapValues((value) => [value, value]).to("flat-map-values", strings);
    words
      .selectKey((_key, value) => value[0] ?? "")
      .peek((key) => peeked.push(key))
      .to("select-key", strings);
    words.foreach((key, value) => seen.push(`${key}=${value}`));

    const driver = start(builder.build());
    const input = driver.createInputTopic("words", Serdes.string(), Serdes.string());
    await input.pipeInput("k1", "kafka", { timestamp: 5 });
    await input.pipeInput("k2", "ts", { timestamp: 6 });
    const read = (topic: string) =>
      driver.createOutputTopic(topic, Serdes.string(), Serdes.string()).readKeyValuesToList();

    expect(read("long")).toEqual([{ key: "k1", value: "kafka" }]);
    expect(read("short")).toEqual([{ key: "k2", value: "ts" }]);
    expect(driver.createOutputTopic("map", Serdes.string(), Serdes.int32()).readKeyValuesToList()).toEqual([
      { key: "kafka", value: 2 },
      { key: "ts", value: 2 },
    ]);
    expect(read("map-values")).toEqual([
      { key: "k1", value: "k1:KAFKA" },
      { key: "k2", value: "k2:TS" },
    ]);
    expect(read("flat-map").map(({ key }) => key)).toEqual(["k", "a", "f", "k", "a", "t", "s"]);
    expect(read("flat-map-values")).toEqual([
      { key: "k1", value: "kafka" },
      { key: "k1", value: "kafka" },
      { key: "k2", value: "ts" },
      { key: "k2", value: "ts" },
    ]);
    expect(read("select-key")).toEqual([
      { key: "k", value: "kafka" },
      { key: "t", value: "ts" },
    ]);
    expect(peeked).toEqual(["k", "t"]);
    expect(seen).toEqual(["k1=kafka", "k2=ts"]);
  });

  it("keeps timestamps and headers through the chain and into the output topic", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .mapValues((value) => value.toUpperCase())
      .to("out", strings);
    const driver = start(builder.build());
    await driver.createInputTopic("in", Serdes.string(), Serdes.string()).pipeInput("k", "v", {
      timestamp: 42,
      headers: [
        ["trace", "a"],
        ["trace", "b"],
      ],
    });
    const record = driver.createOutputTopic("out", Serdes.string(), Serdes.string()).readRecord();
    expect(record.timestamp).toBe(42);
    expect(record.headers.headers("trace").map((header) => header.value?.toString())).toEqual(["a", "b"]);
    expect(record.headers.lastString("trace")).toBe("b");
  });

  it("stream() of several topics reads them all through one source node", async () => {
    const builder = new StreamsBuilder();
    builder.stream(["eu-orders", "us-orders"], strings).to("all-orders", strings);
    const topology = builder.build();
    // describe() lists the topics in java.util.HashSet order, as Kafka Streams prints them.
    expect(topology.describe().toString()).toContain(
      "Source: KSTREAM-SOURCE-0000000000 (topics: [us-orders, eu-orders])",
    );
    expect(topology.node("KSTREAM-SOURCE-0000000000")).toMatchObject({ topics: ["eu-orders", "us-orders"] });
    const driver = start(topology);
    await driver.createInputTopic("us-orders", Serdes.string(), Serdes.string()).pipeInput("2", "us");
    await driver.createInputTopic("eu-orders", Serdes.string(), Serdes.string()).pipeInput("1", "eu");
    expect(driver.createOutputTopic("all-orders", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "us",
      "eu",
    ]);
  });

  it("merge() interleaves two streams in processing order", async () => {
    const builder = new StreamsBuilder();
    const a = builder.stream("a", strings);
    const b = builder.stream("b", strings);
    // The merged stream has no serdes, as in Kafka Streams: the sink is given them.
    a.merge(b).to("merged", strings);
    const driver = start(builder.build());
    await driver.createInputTopic("a", Serdes.string(), Serdes.string()).pipeInput("1", "from-a");
    await driver.createInputTopic("b", Serdes.string(), Serdes.string()).pipeInput("2", "from-b");
    await driver.createInputTopic("a", Serdes.string(), Serdes.string()).pipeInput("3", "from-a");
    expect(driver.createOutputTopic("merged", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "from-a",
      "from-b",
      "from-a",
    ]);
  });

  it("split() sends each record to the first matching branch, else to the default branch", async () => {
    const builder = new StreamsBuilder();
    const numbers = builder.stream("numbers", { key: Serdes.string(), value: Serdes.int32() });
    const branches = numbers
      .split({ name: "sign-" })
      .branch((_key, value) => value < 0, { name: "negative" })
      .branch((_key, value) => value === 0, { name: "zero", chain: (zero) => zero.mapValues(() => 1000) })
      .branch((_key, value) => value > 100, {
        name: "huge",
        chain: (huge) => huge.to("huge", { key: Serdes.string(), value: Serdes.int32() }),
      })
      .defaultBranch({ name: "positive" });
    expect([...branches.keys()]).toEqual(["sign-negative", "sign-zero", "sign-positive"]);
    const ints = { key: Serdes.string(), value: Serdes.int32() };
    branches.get("sign-negative")?.to("negative", ints);
    branches.get("sign-zero")?.to("zero", ints);
    branches.get("sign-positive")?.to("positive", ints);
    const driver = start(builder.build());
    await driver.createInputTopic("numbers", Serdes.string(), Serdes.int32()).pipeKeyValueList([
      { key: "a", value: -1 },
      { key: "b", value: 0 },
      { key: "c", value: 7 },
      { key: "d", value: 500 },
      { key: "e", value: -3 },
    ]);
    const read = (topic: string) => driver.createOutputTopic(topic, Serdes.string(), Serdes.int32()).readValuesToList();
    expect(read("negative")).toEqual([-1, -3]);
    expect(read("zero")).toEqual([1000]);
    expect(read("positive")).toEqual([7]);
    expect(read("huge")).toEqual([500]);
  });

  it("split() without a default branch drops what no predicate takes", async () => {
    const builder = new StreamsBuilder();
    const branches = builder
      .stream("in", strings)
      .split()
      .branch((key) => key === "keep")
      .noDefaultBranch();
    [...branches.values()][0]?.to("kept", strings);
    const driver = start(builder.build());
    await driver.createInputTopic("in", Serdes.string(), Serdes.string()).pipeKeyValueList([
      { key: "keep", value: "1" },
      { key: "drop", value: "2" },
    ]);
    expect(driver.createOutputTopic("kept", Serdes.string(), Serdes.string()).readValuesToList()).toEqual(["1"]);
  });

  it("to() with a topic extractor writes each record to the topic it picks", async () => {
    const builder = new StreamsBuilder();
    builder.stream("events", strings).to(function byKey(record) {
      return `events-${record.key}`;
    });
    const topology = builder.build();
    expect(topology.describe().toString()).toContain("Sink: KSTREAM-SINK-0000000001 (extractor class: byKey)");
    const driver = start(topology);
    const input = driver.createInputTopic("events", Serdes.string(), Serdes.string());
    await input.pipeInput("a", "1");
    await input.pipeInput("b", "2");
    expect(driver.createOutputTopic("events-a", Serdes.string(), Serdes.string()).readValuesToList()).toEqual(["1"]);
    expect(driver.createOutputTopic("events-b", Serdes.string(), Serdes.string()).readValuesToList()).toEqual(["2"]);
  });

  it("repartition() goes through `<applicationId>-<name>-repartition` and is read back by the next sub-topology", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .selectKey((_key, value) => value)
      .repartition({
        name: "by-value",
        key: Serdes.string(),
        partitioner: (_topic, key, _value, partitions) => key.length % partitions,
      })
      .to("out", strings);
    const topology = builder.build();
    expect(topology.subtopologies).toHaveLength(2);
    expect(topology.repartitionTopics.map((topic) => topic.name)).toEqual(["by-value-repartition"]);
    const driver = start(topology);
    await driver.createInputTopic("in", Serdes.string(), Serdes.string()).pipeInput("k", "v");
    expect(
      driver.createOutputTopic("app-by-value-repartition", Serdes.string(), Serdes.string()).readKeyValue(),
    ).toEqual({ key: "v", value: "v" });
    expect(driver.createOutputTopic("out", Serdes.string(), Serdes.string()).readKeyValue()).toEqual({
      key: "v",
      value: "v",
    });
  });
});

describe("KGroupedStream", () => {
  it("groupBy() repartitions by the new key (dropping null keys) and count() counts per key", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("page-views", strings)
      .groupBy((_user, page) => (page === "" ? (null as unknown as string) : page), { key: Serdes.string() })
      .count()
      .toStream()
      .to("views-per-page", { key: Serdes.string(), value: Serdes.long() });
    const topology = builder.build();
    const driver = start(topology);
    const input = driver.createInputTopic("page-views", Serdes.string(), Serdes.string());
    await input.pipeKeyValueList([
      { key: "ann", value: "/home" },
      { key: "bob", value: "/home" },
      { key: "ann", value: "/about" },
      { key: "cid", value: "" },
    ]);
    expect(driver.producedTopicNames()).toContain("app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition");
    expect(driver.createOutputTopic("views-per-page", Serdes.string(), Serdes.long()).readKeyValuesToList()).toEqual([
      { key: "/home", value: 1 },
      { key: "/home", value: 2 },
      { key: "/about", value: 1 },
    ]);
    const store = driver.getKeyValueStore<string, number>("KSTREAM-AGGREGATE-STATE-STORE-0000000002");
    expect(await store.get("/home")).toBe(2);
  });

  it("reduce() starts with the first value and aggregate() with the initializer; null keys and values are skipped", async () => {
    const builder = new StreamsBuilder();
    const amounts = builder.stream("amounts", { key: Serdes.string(), value: Serdes.int32() }).groupByKey();
    amounts.reduce((total, amount) => total + amount, { store: "sums" });
    amounts.aggregate(
      () => ({ count: 0, max: -Infinity }),
      (_key, amount, stats) => ({ count: stats.count + 1, max: Math.max(stats.max, amount) }),
      {
        store: "stats",
        value: Serdes.json<{ count: number; max: number }>(),
      },
    );
    const driver = start(builder.build());
    const input = driver.createInputTopic("amounts", Serdes.string(), Serdes.int32());
    await input.pipeKeyValueList([
      { key: "a", value: 5 },
      { key: "a", value: 7 },
      { key: "b", value: 1 },
      { key: null, value: 100 },
      { key: "a", value: null },
    ]);
    const sums = driver.getKeyValueStore<string, number>("sums");
    expect(await sums.get("a")).toBe(12);
    expect(await sums.get("b")).toBe(1);
    expect(await driver.getKeyValueStore<string, { count: number; max: number }>("stats").get("a")).toEqual({
      count: 2,
      max: 7,
    });
  });

  it("a named grouping shares one repartition topic between its aggregations", async () => {
    const builder = new StreamsBuilder();
    const grouped = builder
      .stream("in", strings)
      .selectKey((_key, value) => value)
      .groupByKey({ key: Serdes.string(), name: "by-value" });
    grouped.count({ store: "counts" });
    grouped.reduce((a, b) => a + b, { store: "concat" });
    const topology = builder.build();
    expect(topology.repartitionTopics.map((topic) => topic.name)).toEqual(["by-value-repartition"]);
    const driver = start(topology);
    await driver.createInputTopic("in", Serdes.string(), Serdes.string()).pipeKeyValueList([
      { key: "1", value: "x" },
      { key: "2", value: "x" },
    ]);
    expect(await driver.getKeyValueStore<string, number>("counts").get("x")).toBe(2);
    expect(await driver.getKeyValueStore<string, string>("concat").get("x")).toBe("xx");
  });
});

describe("KStream-KTable joins", () => {
  it("join() looks up the table's current value; leftJoin() passes null when there is none; the table side never triggers", async () => {
    const builder = new StreamsBuilder();
    const users = builder.table("users", strings);
    const clicks = builder.stream("clicks", strings);
    clicks.join(users, (page, user, key) => `${key}:${user} clicked ${page}`).to("joined", strings);
    clicks.leftJoin(users, (page, user) => `${user ?? "anonymous"} clicked ${page}`).to("left-joined", strings);
    const driver = start(builder.build());
    const userInput = driver.createInputTopic("users", Serdes.string(), Serdes.string());
    const clickInput = driver.createInputTopic("clicks", Serdes.string(), Serdes.string());
    await clickInput.pipeInput("u1", "/a");
    await userInput.pipeInput("u1", "Ann");
    await clickInput.pipeInput("u1", "/b");
    await userInput.pipeInput("u1", "Annie");
    await clickInput.pipeInput("u1", "/c");
    await userInput.pipeInput("u1", null);
    await clickInput.pipeInput("u1", "/d");
    await clickInput.pipeInput("u1", null);
    expect(driver.createOutputTopic("joined", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "u1:Ann clicked /b",
      "u1:Annie clicked /c",
    ]);
    expect(driver.createOutputTopic("left-joined", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "anonymous clicked /a",
      "Ann clicked /b",
      "Annie clicked /c",
      "anonymous clicked /d",
    ]);
  });

  it("repartitions a re-keyed stream before the join, and records the co-partitioning it needs", async () => {
    const builder = new StreamsBuilder();
    const users = builder.table("users", strings);
    builder
      .stream("orders", strings)
      .selectKey((_orderId, user) => user)
      .join(users, (user, name) => `${user}=${name}`, { key: Serdes.string(), value: Serdes.string() })
      .to("out", strings);
    const topology = builder.build();
    expect(topology.copartitionGroups).toEqual([
      {
        requiredBy: "KSTREAM-JOIN-0000000008",
        sourceNodes: ["KSTREAM-SOURCE-0000000007", "KSTREAM-SOURCE-0000000001"],
        topics: ["users"],
        repartitionTopics: ["KSTREAM-KEY-SELECT-0000000004-repartition"],
      },
    ]);
    const driver = start(topology);
    await driver.createInputTopic("users", Serdes.string(), Serdes.string()).pipeInput("u7", "Uma");
    await driver.createInputTopic("orders", Serdes.string(), Serdes.string()).pipeInput("o1", "u7");
    expect(driver.createOutputTopic("out", Serdes.string(), Serdes.string()).readKeyValue()).toEqual({
      key: "u7",
      value: "u7=Uma",
    });
  });
});

describe("headers on fan-out", () => {
  it("gives each child its own copy of the headers", async () => {
    const builder = new StreamsBuilder();
    const source = builder.stream("in", strings);
    source
      .process<string, string>(() => {
        let forward:
          | ((record: { key: string; value: string; timestamp: number; headers: RecordHeaders }) => Promise<void>)
          | undefined;
        return {
          init(context) {
            forward = (record) => context.forward(record);
          },
          async process(record) {
            record.headers.add("touched-by", "first");
            await forward?.(record);
          },
        };
      })
      .to("first", strings);
    source.to("second", strings);
    const driver = start(builder.build());
    await driver
      .createInputTopic("in", Serdes.string(), Serdes.string())
      .pipeInput("k", "v", { headers: { origin: "test" } });
    expect(driver.createOutputTopic("first", Serdes.string(), Serdes.string()).readRecord().headers.toJSON()).toEqual([
      { key: "origin", value: "test" },
      { key: "touched-by", value: "first" },
    ]);
    expect(driver.createOutputTopic("second", Serdes.string(), Serdes.string()).readRecord().headers.toJSON()).toEqual([
      { key: "origin", value: "test" },
    ]);
  });
});
