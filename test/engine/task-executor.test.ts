// The task executor on its own, the way the Kafka runtime drives it: raw records in,
// serialized records out through a RecordCollector, stores from a provider.
import { describe, expect, it } from "vitest";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";
import type { KeyValueStore } from "../../src/stores/key-value-store.js";
import { DeserializationError, SerializationError } from "../../src/serdes/errors.js";
import { RecordHeaders } from "../../src/topology/headers.js";
import type { ProcessorContext } from "../../src/topology/processor.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { StoreDefinition, Topology } from "../../src/topology/topology.js";
import type { ConsumedRecord } from "../../src/engine/consumed-record.js";
import {
  InvalidTimestampError,
  NotASourceTopicError,
  ProcessorError,
  TaskClosedError,
} from "../../src/engine/processing-errors.js";
import type { ProducedRecord, RecordCollector } from "../../src/engine/record-collector.js";
import { keyValueStoreOf, plainKeyValueStoreOf, taskStoreOf } from "../../src/engine/task-stores.js";
import { RecordCache } from "../../src/stores/record-cache.js";
import { TaskExecutor } from "../../src/engine/task-executor.js";
import { FetchedRecord } from "../../src/kafka/wire/fetched-record.js";

const strings = { key: Serdes.string(), value: Serdes.string() };

class ListCollector implements RecordCollector {
  readonly records: ProducedRecord[] = [];
  partitions = 4;
  send(record: ProducedRecord): void {
    this.records.push(record);
  }
  partitionsFor(): number {
    return this.partitions;
  }
}

interface Harness {
  executor: TaskExecutor;
  collector: ListCollector;
  opened: StoreDefinition[];
  stores: Map<string, KeyValueStore<unknown, unknown>>;
}

async function harness(topology: Topology, subtopology = 0, partition = 3, clock?: () => number): Promise<Harness> {
  const collector = new ListCollector();
  const opened: StoreDefinition[] = [];
  const stores = new Map<string, KeyValueStore<unknown, unknown>>();
  const executor = await TaskExecutor.create({
    topology,
    applicationId: "app",
    subtopology,
    partition,
    collector,
    ...(clock !== undefined ? { clock } : {}),
    stores: {
      getStore(definition, task) {
        opened.push(definition);
        const store = keyValueStoreOf(
          definition,
          new InMemoryKeyValueBytesStore(definition.name),
          task.serdeTopic(definition),
        );
        // The tests read the plain values; processors get the store as the topology declares it.
        stores.set(definition.name, plainKeyValueStoreOf(definition, store));
        return store;
      },
    },
  });
  return { executor, collector, opened, stores };
}

let offset = 0;
function record(
  topic: string,
  key: string | null,
  value: string | Buffer | null,
  timestamp = 1000,
  headers: ConsumedRecord["headers"] = [],
): ConsumedRecord {
  return {
    topic,
    partition: 3,
    offset: offset++,
    timestamp,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers,
  };
}

describe("TaskExecutor", () => {
  it("processNow() answers at once when every node finished synchronously, and with a promise when one waits", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .mapValues((value) => value.toUpperCase())
      .to("out", strings);
    builder.stream("counted", strings).groupByKey().count({ store: "counts" });
    const topology = builder.build();
    const { executor, collector } = await harness(topology, 0);
    const outcome = executor.processNow(record("in", "k", "v"));
    expect(outcome).toEqual({ status: "processed" });
    expect(collector.records.map((r) => r.value?.toString())).toEqual(["V"]);
    expect(executor.processNow(record("in", "k", "v", -5))).toMatchObject({ status: "dead-letter" });
    expect(() => executor.processNow(record("elsewhere", "k", "v"))).toThrow(NotASourceTopicError);

    const counting = await harness(topology, 1);
    const pending = counting.executor.processNow(record("counted", "k", "v"));
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual({ status: "processed" });
    expect(await counting.stores.get("counts")?.get("k")).toBe(1);
  });

  it("counts without a promise once the key's aggregate is cached, with stores wired as the runtime wires them", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("visits", strings)
      .filter((key) => key !== "bot")
      .groupByKey()
      .count({ store: "counts" })
      .toStream()
      .to("counts-out", { key: Serdes.string(), value: Serdes.long() });
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const collector = new ListCollector();
    const executor = await TaskExecutor.create({
      topology: builder.build(),
      applicationId: "app",
      subtopology: 0,
      partition: 0,
      collector,
      stores: {
        getStore: (definition, task) =>
          taskStoreOf(definition, overlay.store(definition.name), task, new RecordCache(1 << 20)),
      },
    });
    // The first record of a key reads the store (a promise); later ones find it in the cache.
    const first = executor.processNow(record("visits", "home", "v"));
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ status: "processed" });
    expect(executor.processNow(record("visits", "home", "v"))).toEqual({ status: "processed" });
    expect(executor.processNow(record("visits", "bot", "v"))).toEqual({ status: "processed" });
    expect(executor.processNow(record("visits", "home", "v"))).toEqual({ status: "processed" });
    // The record cache folds the key's updates: the flush (at commit) forwards the latest once.
    expect(collector.records).toEqual([]);
    expect(overlay.store("counts").pendingCount).toBe(1);
    await executor.flushCaches();
    expect(collector.records.map((r) => [r.key?.toString(), r.value?.readBigInt64BE(0)])).toEqual([["home", 3n]]);
  });

  it("flushes the cache downstream in each write's record context, waiting only for a processor that waits", async () => {
    const seen: Array<[string, number | undefined, number, string | undefined]> = [];
    const builder = new StreamsBuilder();
    builder
      .stream("visits", strings)
      .groupByKey()
      .count({ store: "counts" })
      .toStream()
      .process<string, number | null>(() => {
        let context!: ProcessorContext<string, number | null>;
        return {
          init(c) {
            context = c;
          },
          process(r) {
            const origin = context.recordContext();
            seen.push([r.key, context.recordMetadata()?.offset, origin.timestamp, origin.headers.lastString("h")]);
            const forwarded = context.forward(r);
            // One key's processing waits: the flush goes on after it, in the order of the writes.
            return r.key === "slow"
              ? new Promise((resolve) => setTimeout(resolve, 5)).then(() => forwarded)
              : forwarded;
          },
        };
      })
      .to("counts-out", { key: Serdes.string(), value: Serdes.long() });
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const collector = new ListCollector();
    const executor = await TaskExecutor.create({
      topology: builder.build(),
      applicationId: "app",
      subtopology: 0,
      partition: 0,
      collector,
      stores: {
        getStore: (definition, task) =>
          taskStoreOf(definition, overlay.store(definition.name), task, new RecordCache(1 << 20)),
      },
    });
    const first = offset;
    for (const [key, timestamp] of [
      ["a", 10],
      ["slow", 20],
      ["b", 30],
      ["a", 40],
    ] as const) {
      await executor.processNow(
        record("visits", key, "v", timestamp, [{ key: "h", value: Buffer.from(`${key}@${timestamp}`) }]),
      );
    }
    await executor.flushCaches();
    expect(seen).toEqual([
      ["slow", first + 1, 20, "slow@20"],
      ["b", first + 2, 30, "b@30"],
      ["a", first + 3, 40, "a@40"],
    ]);
    expect(collector.records.map((r) => [r.key?.toString(), r.value?.readBigInt64BE(0), r.timestamp])).toEqual([
      ["slow", 1n, 20],
      ["b", 1n, 30],
      ["a", 2n, 40],
    ]);
    expect(collector.records.map((r) => r.headers.map((h) => h.value?.toString()))).toEqual([
      ["slow@20"],
      ["b@30"],
      ["a@40"],
    ]);
  });

  it("deserializes, runs the processors and hands serialized records to the collector", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .mapValues((value) => value.length)
      .to("out", { key: Serdes.string(), value: Serdes.int32() });
    const { executor, collector } = await harness(builder.build());
    expect(executor.taskId).toBe("0_3");
    expect(executor.sourceTopics).toEqual(["in"]);
    const outcome = await executor.process(record("in", "k", "four", 1234, [{ key: "h", value: Buffer.from("v") }]));
    expect(outcome).toEqual({ status: "processed" });
    expect(collector.records).toEqual([
      {
        topic: "out",
        partition: undefined,
        key: Buffer.from("k"),
        value: Buffer.from([0, 0, 0, 4]),
        headers: [{ key: "h", value: Buffer.from("v") }],
        timestamp: 1234,
      },
    ]);
    expect(executor.streamTime).toBe(1234);
  });

  it("reads and writes repartition topics under `<applicationId>-`, one sub-topology per task", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .selectKey((_key, value) => value)
      .repartition({ name: "by-value", key: Serdes.string() })
      .to("out", strings);
    const topology = builder.build();
    const upstream = await harness(topology, 0);
    await upstream.executor.process(record("in", "k", "v"));
    expect(upstream.collector.records.map((produced) => produced.topic)).toEqual(["app-by-value-repartition"]);
    const downstream = await harness(topology, 1);
    expect(downstream.executor.sourceTopics).toEqual(["app-by-value-repartition"]);
    await downstream.executor.process(record("app-by-value-repartition", "v", "v"));
    expect(downstream.collector.records.map((produced) => produced.topic)).toEqual(["out"]);
    await expect(downstream.executor.process(record("in", "k", "v"))).rejects.toThrow(NotASourceTopicError);
  });

  it("opens only the stores of its sub-topology", async () => {
    const builder = new StreamsBuilder();
    builder.stream("a", strings).groupByKey().count({ store: "a-counts" });
    builder.stream("b", strings).groupByKey().count({ store: "b-counts" });
    const { opened, stores, executor } = await harness(builder.build(), 1);
    expect(opened.map((definition) => definition.name)).toEqual(["b-counts"]);
    await executor.process(record("b", "x", "1"));
    expect(await stores.get("b-counts")?.get("x")).toBe(1);
  });

  it("reports an undecodable record or an invalid timestamp as a dead letter, processes nothing, and carries on", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", { key: Serdes.string(), value: Serdes.int32() })
      .to("out", { key: Serdes.string(), value: Serdes.int32() });
    const { executor, collector } = await harness(builder.build());
    const bad = await executor.process(record("in", "k", Buffer.from([1, 2]), 5000));
    expect(bad.status).toBe("dead-letter");
    const error = (bad as { error: DeserializationError }).error;
    expect(error).toBeInstanceOf(DeserializationError);
    expect(error.context).toEqual({ topic: "in", part: "value" });
    const negative = await executor.process(record("in", "k", Buffer.from([0, 0, 0, 1]), -1));
    expect(negative).toMatchObject({ status: "dead-letter", error: { code: "EDDY_ERR_INVALID_TIMESTAMP" } });
    expect((negative as { error: unknown }).error).toBeInstanceOf(InvalidTimestampError);
    expect(collector.records).toEqual([]);
    expect(executor.streamTime).toBe(-1);
    expect(await executor.process(record("in", "k", Buffer.from([0, 0, 0, 7]), 10))).toEqual({ status: "processed" });
    expect(collector.records).toHaveLength(1);
  });

  it("reads a fetched record's key and value in place with serdes that can, and through a view with the others", async () => {
    // Keys and values back to back in one buffer, as in a Fetch response; its last two bytes are not UTF-8.
    const wire = Buffer.concat([Buffer.from('xx-kéy-{"n":1}'), Buffer.from([0xff, 0xfe])]);
    const keyAt = 3;
    const keyLength = Buffer.byteLength("kéy");
    const jsonAt = keyAt + keyLength + 1;
    const fetched = (key: [number, number], value: [number, number]) =>
      new FetchedRecord("in", 3, offset++, 1000, wire, key[0], key[1], value[0], value[1], []);
    const builder = new StreamsBuilder();
    const seen: unknown[] = [];
    builder
      .stream("in", { key: Serdes.string(), value: Serdes.json() })
      .peek((key, value) => seen.push([key, value]))
      .to("out", { key: Serdes.string(), value: Serdes.json() });
    const { executor, collector } = await harness(builder.build());
    // The string key in place, the JSON value (no deserializeAt) through the view.
    expect(await executor.process(fetched([keyAt, keyLength], [jsonAt, 7]))).toEqual({ status: "processed" });
    // Null key and value, and an empty key.
    expect(await executor.process(fetched([0, -1], [0, -1]))).toEqual({ status: "processed" });
    expect(await executor.process(fetched([0, 0], [jsonAt, 7]))).toEqual({ status: "processed" });
    expect(seen).toEqual([
      ["kéy", { n: 1 }],
      [null, null],
      ["", { n: 1 }],
    ]);
    expect(collector.records.map((r) => r.key?.toString() ?? null)).toEqual(["kéy", null, ""]);
    // Invalid UTF-8 read in place is refused as deserialize() refuses it.
    const bad = await executor.process(fetched([wire.length - 2, 2], [jsonAt, 7]));
    expect(bad).toMatchObject({ status: "dead-letter", error: { context: { topic: "in", part: "key" } } });
    expect((bad as { error: Error }).error.message).toMatch(/not valid UTF-8/);
    expect(() => Serdes.string().deserialize(wire.subarray(wire.length - 2))).toThrow(/not valid UTF-8/);

    // A serde that reads in place is never handed a view of a fetched record's bytes.
    const inPlaceOnly = {
      name: "in-place-only",
      serialize: (value: string) => Buffer.from(value),
      deserialize: (): string => {
        throw new Error("a view was made");
      },
      deserializeAt: (bytes: Buffer, start: number, end: number) => `${bytes.toString("utf8", start, end)}@${start}`,
    };
    const other = new StreamsBuilder();
    const read: unknown[] = [];
    other.stream("in", { key: inPlaceOnly, value: inPlaceOnly }).foreach((key, value) => read.push([key, value]));
    const { executor: inPlace } = await harness(other.build());
    await inPlace.process(fetched([keyAt, keyLength], [0, 2]));
    expect(read).toEqual([["kéy@3", "xx@0"]]);
  });

  it("wraps any error a deserializer throws in a DeserializationError", async () => {
    const fragile = {
      name: "fragile",
      serialize: (value: string) => Buffer.from(value),
      deserialize: (): string => {
        throw new TypeError("boom");
      },
    };
    const builder = new StreamsBuilder();
    builder.stream("in", { key: fragile, value: Serdes.string() }).to("out", strings);
    const { executor } = await harness(builder.build());
    const outcome = await executor.process(record("in", "k", "v"));
    expect(outcome).toMatchObject({
      status: "dead-letter",
      error: { code: "EDDY_ERR_DESERIALIZATION", context: { topic: "in", part: "key" } },
    });
    expect((outcome as { error: Error }).error.message).toMatch(
      /Serde fragile cannot deserialize the key of topic "in": boom/,
    );
  });

  it("fails with a ProcessorError naming the node, the task and the record when user code throws", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .mapValues(
        (value) => {
          if (value === "bad") throw new RangeError("no bad values");
          return value;
        },
        { name: "validate" },
      )
      .to("out", strings);
    const { executor, collector } = await harness(builder.build());
    const failure = await executor.process(record("in", "k", "bad")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProcessorError);
    expect(failure).toMatchObject({ node: "validate", taskId: "0_3", record: { topic: "in", partition: 3 } });
    expect((failure as Error).message).toMatch(
      /^Failed in processor validate of task 0_3 on in-3 at offset \d+: no bad values$/,
    );
    expect(collector.records).toEqual([]);
    expect(await executor.process(record("in", "k", "good"))).toEqual({ status: "processed" });
  });

  it("fails at the sink that cannot serialize, and checks a custom partitioner's answer", async () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream("in", strings);
    stream
      .mapValues((value) => Number(value))
      .to("ints", { key: Serdes.string(), value: Serdes.int32(), name: "int-sink" });
    stream.to("partitioned", {
      ...strings,
      partitioner: (_topic, key, _value, count) => (key === "far" ? count : key.length % count),
    });
    const { executor, collector } = await harness(builder.build());
    const failure = await executor.process(record("in", "k", "1.5")).catch((error: unknown) => error);
    expect(failure).toMatchObject({ node: "int-sink", code: "EDDY_ERR_PROCESSOR" });
    expect((failure as Error).cause).toBeInstanceOf(SerializationError);
    await executor.process(record("in", "abcde", "2"));
    expect(collector.records.map((produced) => [produced.topic, produced.partition])).toEqual([
      ["ints", undefined],
      ["partitioned", 1],
    ]);
    await expect(executor.process(record("in", "far", "3"))).rejects.toThrow(
      /chose partition 4, but "partitioned" has 4/,
    );
  });

  it("runs one call at a time, in call order, even when the caller does not wait", async () => {
    const builder = new StreamsBuilder();
    const order: string[] = [];
    builder.stream("in", strings).process(() => ({
      async process(incoming) {
        order.push(`start ${incoming.value}`);
        await new Promise((resolve) => setTimeout(resolve, incoming.value === "slow" ? 20 : 0));
        order.push(`end ${incoming.value}`);
      },
    }));
    const { executor } = await harness(builder.build());
    await Promise.all([executor.process(record("in", "k", "slow")), executor.process(record("in", "k", "fast"))]);
    expect(order).toEqual(["start slow", "end slow", "start fast", "end fast"]);
  });

  it("fires wall-clock punctuators from its clock, gives punctuators no record metadata, and closes processors once", async () => {
    let now = 0;
    const seen: unknown[] = [];
    let closed = 0;
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .process<string, string>(() => {
        let context: ProcessorContext<string, string>;
        return {
          init(c) {
            context = c;
            context.schedule(100, "wall-clock-time", async (time) => {
              seen.push({ time, metadata: context.recordMetadata(), system: context.currentSystemTimeMs() });
              await context.forward({
                key: "tick",
                value: String(time),
                timestamp: time,
                headers: new RecordHeaders(),
              });
            });
          },
          process() {},
          close() {
            closed++;
          },
        };
      })
      .to("ticks", strings);
    const { executor, collector } = await harness(builder.build(), 0, 0, () => now);
    now = 99;
    expect(await executor.punctuateWallClock()).toBe(0);
    now = 150;
    expect(await executor.punctuateWallClock()).toBe(1);
    expect(seen).toEqual([{ time: 150, metadata: undefined, system: 150 }]);
    expect(collector.records.map((produced) => produced.value?.toString())).toEqual(["150"]);
    await executor.close();
    await executor.close();
    expect(closed).toBe(1);
    await expect(executor.process(record("in", "k", "v"))).rejects.toThrow(TaskClosedError);
  });
});
