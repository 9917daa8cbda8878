// The TopologyTestDriver's changelog topics, as Kafka Streams' change-logging stores write
// them under its driver: a record per write of a logged store (per key and commit behind
// the cache), in the store's changelog layout, stamped with the record being processed
// (a timestamped store's with the value's timestamp, suppress()'s buffer's with none); none for a store without logging,
// a global store, or an expired segment of a window or session store.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { SessionWindows } from "../../src/topology/dsl/session-windows.js";
import { BufferConfig, Suppressed } from "../../src/topology/dsl/suppressed.js";
import { TimeWindows } from "../../src/topology/dsl/time-windows.js";
import { Topology } from "../../src/topology/topology.js";
import type { Processor, ProcessorContext } from "../../src/topology/processor.js";
import type { StreamRecord } from "../../src/topology/record.js";
import type { KeyValueStore } from "../../src/stores/key-value-store.js";
import { TopologyTestDriver } from "../../src/testing/index.js";
import type { TopologyTestDriverOptions } from "../../src/testing/index.js";

const APP = "app";
const strings = Serdes.string();
const longs = Serdes.long() as never;
const bytes = Serdes.bytes();

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function start(topology: Topology, options: TopologyTestDriverOptions = {}): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, { applicationId: APP, ...options });
  return driver;
}

/** The raw records of a changelog: key and value bytes as hex, and the timestamp. */
function changelog(d: TopologyTestDriver, store: string) {
  return d
    .createOutputTopic(`${APP}-${store}-changelog`, bytes, bytes)
    .readRecordsToList()
    .map((r) => ({
      key: r.key === null ? null : r.key.toString("hex"),
      value: r.value === null ? null : r.value.toString("hex"),
      timestamp: r.timestamp,
      headers: r.headers.toArray().map((h) => `${h.key}=${h.value?.toString("hex")}`),
    }));
}

const hex = (s: string) => Buffer.from(s).toString("hex");
const long = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b.toString("hex");
};
const int = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b.toString("hex");
};

/** Puts each value under its key `times` times (value, value+1, ...); "delete" deletes the key. */
class Writer implements Processor<string, string, never, never> {
  #store!: KeyValueStore<string, string>;
  constructor(readonly times: number) {}
  init(context: ProcessorContext<never, never>): void {
    this.#store = context.getStateStore<string, string>("kv");
  }
  async process(record: StreamRecord<string, string>): Promise<void> {
    if (record.value === "delete") {
      await this.#store.delete(record.key);
      return;
    }
    for (let i = 0; i < this.times; i++) await this.#store.put(record.key, `${record.value}${i}`);
  }
}

function writerTopology(times: number, store: { caching?: boolean; logging?: boolean }): Topology {
  return new Topology()
    .addSource({ key: strings, value: strings }, "source", "input")
    .addProcessor("writer", () => new Writer(times), "source")
    .addStateStore({ name: "kv", key: strings, value: strings, persistent: false, ...store }, "writer");
}

describe("TopologyTestDriver changelogs", () => {
  it("logs every write of a store without caching, stamped with the record being processed", async () => {
    const d = start(writerTopology(2, {}));
    const input = d.createInputTopic("input", strings, strings);
    await input.pipeInput("a", "x", { timestamp: 100 });
    await input.pipeInput("a", "delete", { timestamp: 50 });
    expect(changelog(d, "kv")).toEqual([
      { key: hex("a"), value: hex("x0"), timestamp: 100, headers: [] },
      { key: hex("a"), value: hex("x1"), timestamp: 100, headers: [] },
      { key: hex("a"), value: null, timestamp: 50, headers: [] },
    ]);
    expect(d.producedTopicNames()).toEqual(new Set([`${APP}-kv-changelog`]));
  });

  it("logs a cached store's last write per key at the commit after each record, keys in the order of their last write", async () => {
    const topology = new Topology()
      .addSource({ key: strings, value: strings }, "source", "input")
      .addProcessor(
        "writer",
        () =>
          new (class implements Processor<string, string, never, never> {
            #store!: KeyValueStore<string, string>;
            init(context: ProcessorContext<never, never>): void {
              this.#store = context.getStateStore<string, string>("kv");
            }
            async process(record: StreamRecord<string, string>): Promise<void> {
              await this.#store.put("b", `${record.value}-b1`);
              await this.#store.put("a", `${record.value}-a`);
              await this.#store.put("b", `${record.value}-b2`);
            }
          })(),
        "source",
      )
      .addStateStore({ name: "kv", key: strings, value: strings, persistent: false, caching: true }, "writer");
    const d = start(topology);
    await d.createInputTopic("input", strings, strings).pipeInput("k", "x", { timestamp: 7 });
    expect(changelog(d, "kv")).toEqual([
      { key: hex("a"), value: hex("x-a"), timestamp: 7, headers: [] },
      { key: hex("b"), value: hex("x-b2"), timestamp: 7, headers: [] },
    ]);
  });

  it("logs every write of a cached store when the cache is off (cacheMaxBytes 0)", async () => {
    const d = start(writerTopology(2, { caching: true }), { cacheMaxBytes: 0 });
    await d.createInputTopic("input", strings, strings).pipeInput("a", "x", { timestamp: 1 });
    expect(changelog(d, "kv").map((r) => r.value)).toEqual([hex("x0"), hex("x1")]);
  });

  it("writes no changelog for a store with logging disabled", async () => {
    const d = start(writerTopology(1, { logging: false }));
    await d.createInputTopic("input", strings, strings).pipeInput("a", "x", { timestamp: 1 });
    expect(d.producedTopicNames()).toEqual(new Set());
    expect(await d.getKeyValueStore<string, string>("kv").get("a")).toBe("x0");
  });

  it("logs a test's own write to a store (stamped 0: no record is being processed)", async () => {
    const d = start(writerTopology(1, {}));
    await d.getKeyValueStore<string, string>("kv").put("z", "v");
    await d.createInputTopic("input", strings, strings).pipeInput("a", "x", { timestamp: 5 });
    expect(changelog(d, "kv")).toEqual([
      { key: hex("z"), value: hex("v"), timestamp: 0, headers: [] },
      { key: hex("a"), value: hex("x0"), timestamp: 5, headers: [] },
    ]);
  });

  it("logs a count's timestamped store as Kafka Streams does: the plain count, stamped with the value's timestamp", async () => {
    const builder = new StreamsBuilder();
    builder.stream("input", { key: strings, value: strings }).groupByKey().count({ store: "counts" });
    const d = start(builder.build());
    const input = d.createInputTopic("input", strings, strings);
    await input.pipeInput("a", "1", { timestamp: 10 });
    await input.pipeInput("a", "2", { timestamp: 30 });
    await input.pipeInput("a", "3", { timestamp: 20 });
    expect(changelog(d, "counts")).toEqual([
      { key: hex("a"), value: long(1), timestamp: 10, headers: [] },
      { key: hex("a"), value: long(2), timestamp: 30, headers: [] },
      // The count's timestamp is the largest of its records' (the value's), not the record's.
      { key: hex("a"), value: long(3), timestamp: 30, headers: [] },
    ]);
  });

  it("logs a window store's rows keyed [key][window start][sequence number], and no record for an expired segment", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input", { key: strings, value: strings })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ store: "windowed" });
    const d = start(builder.build());
    const input = d.createInputTopic("input", strings, strings);
    await input.pipeInput("a", "1", { timestamp: 3 });
    // Far enough on that the first window's segment expires (retention = size + grace).
    await input.pipeInput("a", "2", { timestamp: 100_000 });
    expect(changelog(d, "windowed")).toEqual([
      { key: hex("a") + long(0) + int(0), value: long(1), timestamp: 3, headers: [] },
      { key: hex("a") + long(100_000) + int(0), value: long(1), timestamp: 100_000, headers: [] },
    ]);
  });

  it("logs a session store's rows keyed [key][end][start]; a merged session's old row is a tombstone", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input", { key: strings, value: strings })
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
      .count({ store: "sessions" });
    const d = start(builder.build());
    const input = d.createInputTopic("input", strings, strings);
    await input.pipeInput("a", "1", { timestamp: 5 });
    await input.pipeInput("a", "2", { timestamp: 8 });
    expect(changelog(d, "sessions")).toEqual([
      { key: hex("a") + long(5) + long(5), value: long(1), timestamp: 5, headers: [] },
      { key: hex("a") + long(5) + long(5), value: null, timestamp: 8, headers: [] },
      { key: hex("a") + long(8) + long(5), value: long(2), timestamp: 8, headers: [] },
    ]);
  });

  it("logs suppress()'s buffer at the commit, with its format version header v=3 and no timestamp, and its eviction as a tombstone", async () => {
    const builder = new StreamsBuilder();
    builder
      .table("input", { key: strings, value: strings })
      .suppress(Suppressed.untilTimeLimit(10, BufferConfig.unbounded()).withName("buffer"))
      .toStream()
      .to("output", { key: strings, value: strings });
    const d = start(builder.build());
    const input = d.createInputTopic("input", strings, strings);
    await input.pipeInput("a", "1", { timestamp: 5 });
    await input.pipeInput("b", "2", { timestamp: 20 });
    // Kafka Streams' BufferValue with the buffer time after it: the record context (timestamp,
    // offset, topic, partition, no headers), the prior and old values (-1: none), the new
    // value; sent with no timestamp (InMemoryTimeOrderedKeyValueChangeBuffer.logValue).
    const entry = (value: string, timestamp: number, offset: number) =>
      long(timestamp) +
      long(offset) +
      int(5) +
      hex("input") +
      int(0) +
      int(0) +
      int(-1) +
      int(-1) +
      int(value.length) +
      hex(value) +
      long(timestamp);
    // The second commit logs b's entry and a's eviction in the order of the buffer's HashSet
    // of dirty keys: a (hash 128, bucket 0) before b (hash 129, bucket 1).
    expect(changelog(d, "buffer-store")).toEqual([
      { key: hex("a"), value: entry("1", 5, 0), timestamp: null, headers: ["v=03"] },
      { key: hex("a"), value: null, timestamp: null, headers: [] },
      { key: hex("b"), value: entry("2", 20, 1), timestamp: null, headers: ["v=03"] },
    ]);
    expect(d.createOutputTopic("output", strings, strings).readKeyValuesToList()).toEqual([{ key: "a", value: "1" }]);
  });

  it("gives a global store no changelog: its topic is one", async () => {
    const builder = new StreamsBuilder();
    builder.globalTable("global", { key: strings, value: strings, store: "global-store" });
    const d = start(builder.build());
    await d.createInputTopic("global", strings, strings).pipeInput("a", "1", { timestamp: 1 });
    expect(await d.getKeyValueStore<string, string>("global-store").get("a")).toBe("1");
    expect(d.producedTopicNames()).toEqual(new Set());
  });

  it("logs a versioned store's every version, stamped with the version's timestamp", async () => {
    const builder = new StreamsBuilder();
    builder.table("input", {
      key: strings,
      value: longs,
      store: "versions",
      versioned: { historyRetentionMs: 1000 },
    } as never);
    const d = start(builder.build());
    const input = d.createInputTopic("input", strings, longs);
    await input.pipeInput("a", 1 as never, { timestamp: 50 });
    await input.pipeInput("a", 2 as never, { timestamp: 40 });
    expect(changelog(d, "versions")).toEqual([
      { key: hex("a"), value: long(1), timestamp: 50, headers: [] },
      { key: hex("a"), value: long(2), timestamp: 40, headers: [] },
    ]);
  });
});
