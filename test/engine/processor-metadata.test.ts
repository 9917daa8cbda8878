// The processor metadata API of a task's processors (Kafka Streams' addProcessorMetadataKeyValue
// / processorMetadataForKey) and the committed partition times a task starts from, on the task
// executor alone: what the runtime commits with the offsets and hands back at the next start.
import { describe, expect, it } from "vitest";
import type { ConsumedRecord } from "../../src/engine/consumed-record.js";
import { ProcessorMetadata } from "../../src/engine/processor-metadata.js";
import type { ProducedRecord, RecordCollector } from "../../src/engine/record-collector.js";
import { TaskExecutor } from "../../src/engine/task-executor.js";
import type { TaskExecutorOptions } from "../../src/engine/task-executor.js";
import { keyValueStoreOf } from "../../src/engine/task-stores.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { FixedKeyProcessorContext } from "../../src/topology/processor.js";
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

function executorOf(topology: Topology, committed?: TaskExecutorOptions["committed"]): Promise<TaskExecutor> {
  return TaskExecutor.create({
    topology,
    applicationId: "app",
    subtopology: 0,
    partition: 0,
    collector: new ListCollector(),
    stores: {
      getStore: (definition, task) =>
        keyValueStoreOf(definition, new InMemoryKeyValueBytesStore(definition.name), task.serdeTopic(definition)),
    },
    ...(committed === undefined ? {} : { committed }),
  });
}

let offset = 0;
function record(topic: string, value: string, timestamp: number): ConsumedRecord {
  return {
    topic,
    partition: 0,
    offset: offset++,
    timestamp,
    key: Buffer.from("k"),
    value: Buffer.from(value),
    headers: [],
  };
}

/** Each processor keeps the largest timestamp it saw under its key, as an emit-on-close aggregation keeps its last emit. */
function trackingTopology(seen: Array<number | undefined>): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(["left", "right"], strings)
    .processValues<string>(() => {
      let context: FixedKeyProcessorContext<string, string>;
      return {
        init(c) {
          context = c;
          seen.push(context.processorMetadataForKey("fixed-key"));
        },
        process(r) {
          const last = context.processorMetadataForKey("fixed-key") ?? -1;
          if (r.timestamp > last) context.addProcessorMetadataKeyValue("fixed-key", r.timestamp);
        },
      };
    })
    .process<string, string>(() => ({
      init(context) {
        seen.push(context.processorMetadataForKey("plain"));
        context.addProcessorMetadataKeyValue("plain", 1);
      },
      process() {},
    }));
  return builder.build();
}

describe("processor metadata on the task executor", () => {
  it("starts empty, and tracks each input topic's partition time from its records", async () => {
    const seen: Array<number | undefined> = [];
    const executor = await executorOf(trackingTopology(seen));
    expect(seen).toEqual([undefined, undefined]);
    expect([executor.partitionTime("left"), executor.partitionTime("right"), executor.streamTime]).toEqual([
      -1, -1, -1,
    ]);
    // Set in init(): a commit must carry it.
    expect(executor.processorMetadata.needsCommit).toBe(true);
    await executor.process(record("left", "a", 500));
    await executor.process(record("right", "b", 300));
    await executor.process(record("left", "c", 400));
    expect([executor.partitionTime("left"), executor.partitionTime("right"), executor.streamTime]).toEqual([
      500, 300, 500,
    ]);
    expect(new Map(executor.processorMetadata.entries())).toEqual(
      new Map([
        ["plain", 1],
        ["fixed-key", 500],
      ]),
    );
    await executor.close();
  });

  it("starts from what the last owner committed: processors read it in init(), stream time is the largest partition time", async () => {
    const committed = new ProcessorMetadata();
    committed.put("fixed-key", 900);
    committed.needsCommit = false;
    const seen: Array<number | undefined> = [];
    const executor = await executorOf(trackingTopology(seen), {
      partitionTimes: new Map([
        ["left", 900],
        ["right", 700],
      ]),
      processorMetadata: committed,
    });
    expect(seen).toEqual([900, undefined]);
    expect([executor.partitionTime("left"), executor.partitionTime("right"), executor.streamTime]).toEqual([
      900, 700, 900,
    ]);
    // An older record moves neither its partition time nor the metadata.
    await executor.process(record("left", "old", 100));
    expect([executor.partitionTime("left"), executor.processorMetadata.get("fixed-key")]).toEqual([900, 900]);
    await executor.process(record("right", "new", 1_000));
    expect([executor.partitionTime("right"), executor.streamTime]).toEqual([1_000, 1_000]);
    expect(executor.processorMetadata.get("fixed-key")).toBe(1_000);
    await executor.close();
  });
});
