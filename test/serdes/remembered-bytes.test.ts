// A table's flush tells the serde of its store's keys the bytes the store kept of each key
// it forwards, and a sink with the same serde writes those bytes instead of encoding the
// key again; a sink with another serde, or a key changed on the way, serializes as before.
import { afterEach, describe, expect, it } from "vitest";
import { rememberSerialized } from "../../src/serdes/remembered-bytes.js";
import type { Serde } from "../../src/serdes/serde.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";
import { TaskExecutor } from "../../src/engine/task-executor.js";
import { taskStoreOf } from "../../src/engine/task-stores.js";
import type { ProducedRecord } from "../../src/engine/record-collector.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import { RecordCache } from "../../src/stores/record-cache.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** UTF-8 strings like Serdes.string(), but another serde, which remembers nothing. */
const otherStrings: Serde<string> = {
  name: "other-strings",
  serialize: (value) => Buffer.from(value, "utf8"),
  deserialize: (bytes) => bytes.toString("utf8"),
};

describe("rememberSerialized", () => {
  it("Serdes.string() answers the remembered value with the remembered bytes, and any other value anew", () => {
    const bytes = Buffer.from("visit", "utf8");
    rememberSerialized(Serdes.string(), "visit", bytes);
    expect(Serdes.string().serialize("visit")).toBe(bytes);
    const other = Serdes.string().serialize("visits");
    expect(other).not.toBe(bytes);
    expect(other.toString("utf8")).toBe("visits");
  });

  it("is nothing to a serde that does not remember", () => {
    const bytes = Buffer.from("visit", "utf8");
    rememberSerialized(otherStrings, "visit", bytes);
    expect(otherStrings.serialize("visit")).not.toBe(bytes);
  });
});

/** The count's task over the record cache and an overlay (as the runtime runs it), its sink's records kept. */
async function countTask(sinkKeys: Serde<string>) {
  const builder = new StreamsBuilder();
  builder
    .stream("in", { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ store: "counts" })
    .toStream()
    .to("out", { key: sinkKeys, value: Serdes.long() });
  const cache = new RecordCache(1 << 20);
  const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
  const sent: ProducedRecord[] = [];
  const executor = await TaskExecutor.create({
    topology: builder.build(),
    applicationId: "remembered",
    subtopology: 0,
    partition: 0,
    stores: {
      getStore: (definition, task) =>
        taskStoreOf(definition, overlay.store(definition.name), task, cache, overlay.streamTime(definition.name)),
    },
    collector: { send: (record) => void sent.push(record), partitionsFor: () => 1 },
  });
  let offset = 0;
  const process = async (key: string): Promise<void> => {
    const outcome = executor.processNow({
      topic: "in",
      partition: 0,
      offset: offset++,
      timestamp: 1_000 + offset,
      key: Buffer.from(key, "utf8"),
      value: Buffer.from("x"),
      headers: [],
    });
    if (outcome instanceof Promise) await outcome;
  };
  /** The store's key bytes, as its changelog records will carry them. */
  const storedKeys = (): Buffer[] => {
    const keys: Buffer[] = [];
    overlay.store("counts").forEachPending((key) => keys.push(key));
    return keys;
  };
  return { executor, sent, process, storedKeys };
}

/** A count over string keys, its table forwarded (its keys changed by `mapKey`) to "out". */
function countTo(mapKey: (key: string) => string) {
  const builder = new StreamsBuilder();
  builder
    .stream("in", { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ store: "counts" })
    .toStream()
    .selectKey((key) => mapKey(key))
    .to("out", { key: Serdes.string(), value: Serdes.long() });
  driver = new TopologyTestDriver(builder.build(), { applicationId: "remembered", startTime: 0 });
  return {
    input: driver.createInputTopic("in", Serdes.string(), Serdes.string()),
    output: driver.createOutputTopic("out", Serdes.string(), Serdes.long()),
  };
}

describe("a table's flush and the sink after it", () => {
  it("the sink writes the very bytes the store keeps of the key when its key serde is the store's", async () => {
    const { executor, sent, process, storedKeys } = await countTask(Serdes.string());
    for (const key of ["ünïcode", "plain", "ünïcode"]) await process(key);
    await executor.flushCaches();
    expect(sent.map((r) => [r.key?.toString("utf8"), r.value?.readBigInt64BE(0)])).toEqual([
      ["plain", 1n],
      ["ünïcode", 2n],
    ]);
    const stored = storedKeys();
    for (const record of sent) expect(stored.some((key) => key === record.key)).toBe(true);
  });

  it("a sink with another key serde serializes the key itself, to the same bytes", async () => {
    const { executor, sent, process, storedKeys } = await countTask(otherStrings);
    await process("a");
    await executor.flushCaches();
    expect(sent.map((r) => r.key?.toString("utf8"))).toEqual(["a"]);
    expect(storedKeys().some((key) => key === sent[0]?.key)).toBe(false);
  });

  it("a key changed between the flush and the sink is serialized as it is then", async () => {
    const { input, output } = countTo((key) => `${key}!`);
    await input.pipeInput("a", "x", { timestamp: 1 });
    await input.pipeInput("b", "x", { timestamp: 2 });
    await input.pipeInput("a", "x", { timestamp: 3 });
    expect(output.readKeyValuesToList()).toEqual([
      { key: "a!", value: 1 },
      { key: "b!", value: 1 },
      { key: "a!", value: 2 },
    ]);
  });
});
