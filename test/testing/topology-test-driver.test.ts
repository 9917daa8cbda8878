// The TopologyTestDriver's own contract: input and output topics, feedback of topics
// the topology reads, the dead-letter topic, stores (memory and LevelDB), the clock.
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StoreNotFoundError } from "../../src/stores/errors.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { Topology } from "../../src/topology/topology.js";
import { DeadLetterHeaders } from "../../src/engine/dead-letter.js";
import {
  DriverClosedError,
  NoOutputRecordError,
  TopologyTestDriver,
  UnknownTopicError,
} from "../../src/testing/index.js";
import type { TopologyTestDriverOptions } from "../../src/testing/index.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const drivers: TopologyTestDriver[] = [];

function start(topology: Topology, options: TopologyTestDriverOptions = {}): TopologyTestDriver {
  const driver = new TopologyTestDriver(topology, { applicationId: "app", startTime: 0, ...options });
  drivers.push(driver);
  return driver;
}

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
});

function passThrough(): Topology {
  const builder = new StreamsBuilder();
  builder.stream("in", strings).to("out", strings);
  return builder.build();
}

describe("TestInputTopic", () => {
  it("stamps records with the topic's time, advancing it by autoAdvance, unless a timestamp is given", async () => {
    const driver = start(passThrough());
    const input = driver.createInputTopic("in", Serdes.string(), Serdes.string(), {
      startTimestamp: 100,
      autoAdvance: 5,
    });
    const output = driver.createOutputTopic("out", Serdes.string(), Serdes.string());
    await input.pipeInput("a", "1");
    await input.pipeInput("b", "2", { timestamp: 7 });
    await input.pipeValue("3");
    input.advanceTime(1000);
    await input.pipeRecord({ key: "d", value: "4", headers: { h: ["x", "y"] } });
    await input.pipeKeyValueList(
      [
        { key: "e", value: "5" },
        { key: "f", value: "6" },
      ],
      { startTimestamp: 50, advance: 2 },
    );
    await input.pipeValueList(["7"]);
    await input.pipeRecordList([{ value: "8", timestamp: 1 }]);
    const records = output.readRecordsToList();
    expect(records.map((record) => [record.key, record.value, record.timestamp])).toEqual([
      ["a", "1", 100],
      ["b", "2", 7],
      [null, "3", 105],
      ["d", "4", 1110],
      ["e", "5", 50],
      ["f", "6", 52],
      [null, "7", 1115],
      [null, "8", 1],
    ]);
    expect(records[3]?.headers.headers("h").map((header) => header.value?.toString())).toEqual(["x", "y"]);
    expect(input.currentTime).toBe(1120);
  });

  it("refuses a record piped into a topic no source node reads", async () => {
    const driver = start(passThrough());
    const nope = driver.createInputTopic("nope", Serdes.string(), Serdes.string());
    await expect(nope.pipeInput("k", "v")).rejects.toThrow(UnknownTopicError);
    await expect(nope.pipeInput("k", "v")).rejects.toThrow(/reads: in\)/);
  });
});

describe("TestOutputTopic", () => {
  it("reads in order, one record at a time or all at once, and shares the queue between readers", async () => {
    const driver = start(passThrough());
    const input = driver.createInputTopic("in", Serdes.string(), Serdes.string());
    await input.pipeKeyValueList([
      { key: "a", value: "1" },
      { key: "b", value: "2" },
      { key: "a", value: "3" },
      { key: "c", value: null },
    ]);
    const output = driver.createOutputTopic("out", Serdes.string(), Serdes.string());
    const sameTopic = driver.createOutputTopic("out", Serdes.string(), Serdes.string());
    expect(output.getQueueSize()).toBe(4);
    expect(output.readValue()).toBe("1");
    expect(sameTopic.readKeyValue()).toEqual({ key: "b", value: "2" });
    expect(output.readKeyValuesToMap()).toEqual(
      new Map([
        ["a", "3"],
        ["c", null],
      ]),
    );
    expect(output.isEmpty()).toBe(true);
    expect(() => output.readRecord()).toThrow(NoOutputRecordError);
    expect(driver.producedTopicNames()).toEqual(new Set(["out"]));
  });
});

describe("TopologyTestDriver", () => {
  it("feeds what the topology writes to a topic it reads back into it", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("a", strings)
      .mapValues((value) => `${value}>a`)
      .to("b", strings);
    builder
      .stream("b", strings)
      .mapValues((value) => `${value}>b`)
      .to("c", strings);
    const driver = start(builder.build());
    await driver.createInputTopic("a", Serdes.string(), Serdes.string()).pipeInput("k", "v");
    expect(driver.createOutputTopic("c", Serdes.string(), Serdes.string()).readValue()).toBe("v>a>b");
    expect(driver.createOutputTopic("b", Serdes.string(), Serdes.string()).readValue()).toBe("v>a");
  });

  it("sends an undecodable record to `<applicationId>-dlq` with its bytes and the error, and carries on", async () => {
    const builder = new StreamsBuilder();
    builder.stream("numbers", { key: Serdes.string(), value: Serdes.int32() }).groupByKey().count({ store: "counts" });
    const driver = start(builder.build(), { applicationId: "calc" });
    const raw = driver.createInputTopic("numbers", Serdes.string(), Serdes.string());
    const numbers = driver.createInputTopic("numbers", Serdes.string(), Serdes.int32());
    await numbers.pipeInput("k", 1);
    await raw.pipeInput("k", "not a number", { headers: { trace: "t-9" } });
    await numbers.pipeInput("k", 2);
    const dead = driver.createOutputTopic("calc-dlq", Serdes.string(), Serdes.string()).readRecordsToList();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.key).toBe("k");
    expect(dead[0]?.value).toBe("not a number");
    expect(dead[0]?.headers.lastString("trace")).toBe("t-9");
    expect(dead[0]?.headers.lastString(DeadLetterHeaders.errorCode)).toBe("EDDY_ERR_DESERIALIZATION");
    expect(dead[0]?.headers.lastString(DeadLetterHeaders.errorMessage)).toMatch(/int32.*value of topic "numbers"/);
    expect(dead[0]?.headers.lastString(DeadLetterHeaders.offset)).toBe("1");
    expect(await driver.getKeyValueStore<string, number>("counts").get("k")).toBe(2);
  });

  it("gives stores that processors see and tests may write, and names unknown stores", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .groupByKey()
      .count({ store: "counts" })
      .toStream()
      .to("out", { key: Serdes.string(), value: Serdes.long() });
    const driver = start(builder.build());
    const counts = driver.getKeyValueStore<string, number>("counts");
    await counts.put("k", 41);
    await driver.createInputTopic("in", Serdes.string(), Serdes.string()).pipeInput("k", "x");
    expect(driver.createOutputTopic("out", Serdes.string(), Serdes.long()).readValue()).toBe(42);
    expect(() => driver.getKeyValueStore("nope")).toThrow(StoreNotFoundError);
  });

  it("keeps stores in LevelDB on request, in a temporary directory it removes, or in the given one", async () => {
    const builder = new StreamsBuilder();
    builder.stream("in", strings).groupByKey().count({ store: "counts" });
    const topology = builder.build();
    const temporary = start(topology, { stores: "leveldb" });
    await temporary.createInputTopic("in", Serdes.string(), Serdes.string()).pipeInput("k", "x");
    expect(await temporary.getKeyValueStore<string, number>("counts").get("k")).toBe(1);
    const directory = temporary.stateDirectory;
    expect(directory).toBeDefined();
    expect((await stat(directory as string)).isDirectory()).toBe(true);
    await temporary.close();
    await expect(stat(directory as string)).rejects.toMatchObject({ code: "ENOENT" });

    const stateDir = await mkdtemp(join(tmpdir(), "eddy-driver-test-"));
    try {
      const first = start(topology, { stores: "leveldb", stateDir, keepState: true });
      await first.createInputTopic("in", Serdes.string(), Serdes.string()).pipeKeyValueList([
        { key: "k", value: "1" },
        { key: "k", value: "2" },
      ]);
      await first.close();
      expect((await stat(join(stateDir, "app", "0_0"))).isDirectory()).toBe(true);
      const second = start(topology, { stores: "leveldb", stateDir });
      await second.createInputTopic("in", Serdes.string(), Serdes.string()).pipeInput("k", "3");
      expect(await second.getKeyValueStore<string, number>("counts").get("k")).toBe(3);
      await second.close();
      // Without keepState, close() cleans the application's state away, as Kafka Streams' driver does.
      await expect(stat(join(stateDir, "app"))).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it("refuses to work after close()", async () => {
    const driver = start(passThrough());
    const input = driver.createInputTopic("in", Serdes.string(), Serdes.string());
    await driver.close();
    await expect(input.pipeInput("k", "v")).rejects.toThrow(DriverClosedError);
    await expect(driver.advanceWallClockTime(1)).rejects.toThrow(DriverClosedError);
  });
});
