// Per-node record counts (Kafka Streams' process-total of stream-processor-node-metrics):
// each node of a task counts the records it is handed, sources the records they forward,
// and the counts outlive the executor; the runtime's rates over them (process-rate).
import { describe, expect, it } from "vitest";
import type { ConsumedRecord } from "../../src/engine/consumed-record.js";
import { ProcessorNodeCounters } from "../../src/engine/node-counters.js";
import type { ProducedRecord, RecordCollector } from "../../src/engine/record-collector.js";
import { keyValueStoreOf } from "../../src/engine/task-stores.js";
import { TaskExecutor } from "../../src/engine/task-executor.js";
import { NODE_RATE_WINDOW_MS, StreamsMetrics } from "../../src/runtime/metrics.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { Topology } from "../../src/topology/topology.js";

const strings = { key: Serdes.string(), value: Serdes.string() };

class ListCollector implements RecordCollector {
  readonly records: ProducedRecord[] = [];
  send(record: ProducedRecord): void {
    this.records.push(record);
  }
  partitionsFor(): number {
    return 1;
  }
}

let offset = 0;
function record(key: string, value: string, timestamp = 1000): ConsumedRecord {
  return {
    topic: "in",
    partition: 0,
    offset: offset++,
    timestamp,
    key: Buffer.from(key),
    value: Buffer.from(value),
    headers: [],
  };
}

/** in -> filter (drops "skip") -> mapValues -> out, and the filter's output also to a second sink. */
function topology(): Topology {
  const builder = new StreamsBuilder();
  const kept = builder.stream("in", strings).filter((_key, value) => value !== "skip");
  kept.to("copy", strings);
  kept.mapValues((value) => value.toUpperCase()).to("out", strings);
  return builder.build();
}

function executor(counters: ProcessorNodeCounters, collector = new ListCollector()): Promise<TaskExecutor> {
  return TaskExecutor.create({
    topology: topology(),
    applicationId: "app",
    subtopology: 0,
    partition: 0,
    collector,
    nodeCounters: counters,
    stores: {
      getStore: (definition, task) =>
        keyValueStoreOf(definition, new InMemoryKeyValueBytesStore(definition.name), task.serdeTopic(definition)),
    },
  });
}

describe("per-node record counts", () => {
  it("counts every record each node is handed, in topology order, and none for unreadable input", async () => {
    const counters = new ProcessorNodeCounters();
    const collector = new ListCollector();
    const task = await executor(counters, collector);
    for (const value of ["a", "skip", "b", "skip", "c"]) await task.processNow(record("k", value));
    // An invalid timestamp is dead-lettered before the source forwards it: no node saw it.
    expect(await task.processNow(record("k", "bad", -5))).toMatchObject({ status: "dead-letter" });

    const totals = counters.totals();
    expect(Object.keys(totals).sort()).toEqual([...topology().nodes.keys()].sort());
    const of = (prefix: string) =>
      Object.entries(totals)
        .filter(([name]) => name.startsWith(prefix))
        .map(([, count]) => count);
    expect(of("KSTREAM-SOURCE-")).toEqual([5]);
    expect(of("KSTREAM-FILTER-")).toEqual([5]);
    expect(of("KSTREAM-MAPVALUES-")).toEqual([3]);
    expect(of("KSTREAM-SINK-")).toEqual([3, 3]);
    expect(collector.records.map((r) => r.topic).sort()).toEqual(["copy", "copy", "copy", "out", "out", "out"]);
  });

  it("goes on counting where it was when the task's executor is made again", async () => {
    const counters = new ProcessorNodeCounters();
    const first = await executor(counters);
    await first.processNow(record("k", "a"));
    await first.close();
    const second = await executor(counters);
    await second.processNow(record("k", "b"));
    expect(Object.values(counters.totals())).toEqual([2, 2, 2, 2, 2]);
  });

  it("has its own counters when the caller gives none (the test driver)", async () => {
    const task = await TaskExecutor.create({
      topology: topology(),
      applicationId: "app",
      subtopology: 0,
      partition: 0,
      collector: new ListCollector(),
      stores: {
        getStore: (definition, task) =>
          keyValueStoreOf(definition, new InMemoryKeyValueBytesStore(definition.name), task.serdeTopic(definition)),
      },
    });
    expect(await task.processNow(record("k", "a"))).toEqual({ status: "processed" });
  });
});

describe("StreamsMetrics.processorNodes (process-total and process-rate)", () => {
  it("gives each task's nodes their totals and a rate over the window, from the task's start at first", () => {
    const metrics = new StreamsMetrics();
    const t0 = 1_000_000;
    const counters = metrics.nodeCounters("0_0", t0);
    expect(metrics.nodeCounters("0_0", t0 + 5)).toBe(counters);
    const source = counters.counter("SOURCE");
    const sink = counters.counter("SINK");
    source.processed = 100;
    sink.processed = 50;
    // First reading, 10 s after the task started: the average since then.
    expect(metrics.processorNodes(t0 + 10_000)).toEqual({
      "0_0": { SOURCE: { processTotal: 100, processRate: 10 }, SINK: { processTotal: 50, processRate: 5 } },
    });
    // Later readings: against the oldest reading still in the window.
    source.processed = 160;
    expect(metrics.processorNodes(t0 + 20_000)["0_0"]?.SOURCE).toEqual({ processTotal: 160, processRate: 6 });
    source.processed = 400;
    // t0 + 10 s fell out of the window; t0 + 20 s is the oldest reading left.
    const later = t0 + 10_000 + NODE_RATE_WINDOW_MS + 1_000;
    expect(metrics.processorNodes(later)["0_0"]?.SOURCE?.processTotal).toBe(400);
    expect(metrics.processorNodes(later)["0_0"]?.SOURCE?.processRate).toBeCloseTo(240 / 21, 6);
    // Nothing new for a whole window: the rate falls to 0, the total stays.
    const idle = later + NODE_RATE_WINDOW_MS + 2_000;
    metrics.processorNodes(idle - 1_500);
    expect(metrics.processorNodes(idle)["0_0"]?.SOURCE).toEqual({ processTotal: 400, processRate: 0 });
    expect(metrics.snapshot().processorNodes["0_0"]?.SINK?.processTotal).toBe(50);
  });

  it("leaves a closed task out until it opens here again, which then counts on", () => {
    const metrics = new StreamsMetrics();
    metrics.nodeCounters("0_0", 0).counter("SOURCE").processed = 7;
    metrics.nodeCounters("0_1", 0).counter("SOURCE").processed = 3;
    metrics.closeNodeCounters("0_1");
    expect(Object.keys(metrics.processorNodes(1_000))).toEqual(["0_0"]);
    const reopened = metrics.nodeCounters("0_1", 2_000);
    reopened.counter("SOURCE").processed += 1;
    expect(metrics.processorNodes(3_000)["0_1"]?.SOURCE?.processTotal).toBe(4);
  });

  it("keeps a bounded number of readings however often it is read", () => {
    const metrics = new StreamsMetrics();
    const counters = metrics.nodeCounters("1_2", 0);
    const node = counters.counter("N");
    for (let at = 1; at <= 10 * NODE_RATE_WINDOW_MS; at += 97) {
      node.processed += 1;
      metrics.processorNodes(at);
    }
    // One reading per second at most, none older than the window.
    const rate = metrics.processorNodes(10 * NODE_RATE_WINDOW_MS + 1)["1_2"]?.N?.processRate ?? 0;
    expect(rate).toBeGreaterThan(9);
    expect(rate).toBeLessThan(11);
    expect(metrics.nodeRateReadings).toBeLessThanOrEqual(NODE_RATE_WINDOW_MS / 1_000 + 1);
    expect(metrics.nodeRateReadings).toBeGreaterThan(NODE_RATE_WINDOW_MS / 1_200);
  });
});
