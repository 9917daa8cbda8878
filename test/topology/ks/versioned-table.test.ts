// Versioned tables (KIP-914) through the TopologyTestDriver: a table() materialized with
// Stores.persistentVersionedKeyValueStore() keeps out-of-order updates as versions of the
// past (forwarded, marked not latest, as Kafka Streams' KTableSource forwards them) and drops
// updates older than its history retention; the driver's getVersionedKeyValueStore() (as
// TopologyTestDriverTest checks it: each getter answers only for its own kind of store);
// Stores' checks (StoresTest's messages); the changelog topic's compaction lag.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { Stores } from "../../../src/topology/stores.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { WrongStoreTypeError } from "../../../src/testing/errors.js";
import { StoreNotFoundError } from "../../../src/stores/errors.js";
import type { Topology } from "../../../src/topology/topology.js";
import type { Change } from "../../../src/topology/dsl/processors/change.js";
import type { VersionedKeyValueStore } from "../../../src/stores/versioned-key-value-store.js";
import { PUT_RETURN_CODE_VALID_TO_UNDEFINED } from "../../../src/stores/versioned-key-value-store.js";
import { TopologyMetadata } from "../../../src/runtime/topology-metadata.js";
import { InvalidOperationError } from "../../../src/topology/errors.js";
import { dsl } from "../../../src/topology/dsl/dsl-state.js";
import { CapturingSupplier, kvt } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function start(topology: Topology): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, { startTime: 0 });
  return driver;
}

describe("a table materialized in a versioned store", () => {
  it("forwards in-order and out-of-order updates, drops those older than the history retention, keeps every version", async () => {
    const builder = new StreamsBuilder();
    const capture = new CapturingSupplier<string, string | null>();
    builder
      .table("prices", { ...strings, ...Stores.persistentVersionedKeyValueStore("prices-store", 100) })
      .toStream()
      .process(capture.supplier);
    const d = start(builder.build());
    const input = d.createInputTopic("prices", Serdes.string(), Serdes.string());
    await input.pipeInput("A", "a10", { timestamp: 10 });
    await input.pipeInput("A", "a20", { timestamp: 20 });
    await input.pipeInput("A", "a15", { timestamp: 15 }); // out of order, within the history
    await input.pipeInput("B", "b200", { timestamp: 200 });
    await input.pipeInput("A", "a50", { timestamp: 50 }); // older than 200 - 100: dropped
    await input.pipeInput("A", null, { timestamp: 210 });
    expect(capture.processed()).toEqual([
      kvt("A", "a10", 10),
      kvt("A", "a20", 20),
      kvt("A", "a15", 15),
      kvt("B", "b200", 200),
      kvt("A", null, 210),
    ]);
    expect(d.droppedRecords).toBe(1);
    const store = d.getVersionedKeyValueStore<string, string>("prices-store");
    expect(await store.get("A")).toBeNull();
    expect(await store.get("A", 205)).toEqual({ value: "a20", timestamp: 20, validTo: 210 });
    expect(await store.get("B")).toEqual({ value: "b200", timestamp: 200 });
    // The driver's store is the task's: a put through it is what processors read next.
    expect(await store.put("C", "c", 205)).toBe(PUT_RETURN_CODE_VALID_TO_UNDEFINED);
    expect(await store.delete("C", 206)).toEqual({ value: "c", timestamp: 205 });
  });

  it("marks an out-of-order update not latest, with the current row as the old value", async () => {
    const builder = new StreamsBuilder();
    const table = builder.table("t", { ...strings, ...Stores.persistentVersionedKeyValueStore("t-store", 1_000) });
    table[dsl].supplier.enableSendingOldValues(true);
    const changes: Change<string>[] = [];
    const topology = builder.build().addProcessor(
      "capture",
      () => ({
        process: (record: { value: Change<string> }) => {
          changes.push(record.value);
        },
      }),
      table.name,
    );
    const input = start(topology).createInputTopic("t", Serdes.string(), Serdes.string());
    await input.pipeInput("k", "v2", { timestamp: 20 });
    await input.pipeInput("k", "v1", { timestamp: 10 });
    await input.pipeInput("k", "v3", { timestamp: 30 });
    expect(changes).toEqual([
      { newValue: "v2", oldValue: null, isLatest: true },
      { newValue: "v1", oldValue: "v2", isLatest: false },
      { newValue: "v3", oldValue: "v2", isLatest: true },
    ]);
  });

  it("a filter and a transformValues downstream pass isLatest on, and read the versioned row through their getters", async () => {
    const builder = new StreamsBuilder();
    const table = builder
      .table("t", { ...strings, ...Stores.persistentVersionedKeyValueStore("t-store", 1_000) })
      .filter((_key, value) => value !== "hidden")
      .transformValues<string>(() => ({ transform: (_key, value) => (value === null ? null : value.toUpperCase()) }));
    const changes: Change<string>[] = [];
    const view = table[dsl].supplier.view();
    expect(view.versioned).toEqual({ historyRetentionMs: 1_000 });
    const getter = view.get();
    const topology = builder
      .build()
      .addProcessor(
        "capture",
        () => ({
          init: (context: never) => getter.init(context),
          process: async (record: { value: Change<string>; timestamp: number }) => {
            changes.push(record.value);
            if (record.timestamp === 10) {
              expect(await getter.getAsOf!("k", 15)).toEqual({ value: "V1", timestamp: 10 });
              expect(await getter.getAsOf!("k", 25)).toEqual({ value: "V2", timestamp: 20 });
              expect(await getter.get("k")).toEqual({ value: "V2", timestamp: 20 });
            }
          },
        }),
        table.name,
      )
      .connectProcessorAndStateStores("capture", "t-store");
    const input = start(topology).createInputTopic("t", Serdes.string(), Serdes.string());
    await input.pipeInput("k", "v2", { timestamp: 20 });
    await input.pipeInput("k", "v1", { timestamp: 10 });
    expect(changes).toEqual([
      { newValue: "V2", oldValue: null },
      { newValue: "V1", oldValue: null, isLatest: false },
    ]);
  });

  it("describe() lists the versioned store on the table source, and the changelog keeps versions for the retention and a day", () => {
    const builder = new StreamsBuilder();
    builder.table("t", { ...strings, ...Stores.persistentVersionedKeyValueStore("t-store", 300_000) }).toStream();
    const topology = builder.build();
    expect(topology.describe().toString()).toContain("Processor: KTABLE-SOURCE-0000000001 (stores: [t-store])");
    const definition = topology.stores.get("t-store")!;
    expect(definition).toMatchObject({
      type: "versioned",
      timestamped: false,
      caching: false,
      versioned: { historyRetentionMs: 300_000, segmentIntervalMs: 60_000 },
    });
    const metadata = TopologyMetadata.resolve(topology, "app", new Map([["t", 2]]), "app-dlq");
    expect(metadata.internalTopics(1)[0]).toEqual({
      name: "app-t-store-changelog",
      kind: "changelog",
      partitions: 2,
      configs: { "cleanup.policy": "compact", "min.compaction.lag.ms": String(300_000 + 86_400_000) },
    });
  });
});

describe("TopologyTestDriverTest: each store getter answers for its own kind of store", () => {
  it("getVersionedKeyValueStore() for a versioned store added with versionedKeyValueStoreBuilder(), and only for it", async () => {
    const builder = new StreamsBuilder();
    builder
      .addStateStore(
        Stores.versionedKeyValueStoreBuilder(
          Stores.persistentVersionedKeyValueStore("keyValueVersionedStore", 60_000, 5_000),
          Serdes.string(),
          Serdes.string(),
        ),
      )
      .addStateStore({ name: "keyValueStore", key: Serdes.string(), value: Serdes.string() })
      .addStateStore({ name: "timestampedStore", key: Serdes.string(), value: Serdes.string(), timestamped: true });
    builder.stream("in", strings).process(
      () => {
        let versioned: VersionedKeyValueStore<string, string>;
        return {
          init: (context) => {
            versioned = context.getStateStore("keyValueVersionedStore") as unknown as VersionedKeyValueStore<
              string,
              string
            >;
          },
          process: async (record) => {
            await versioned.put(record.key, record.value, record.timestamp);
          },
        };
      },
      { stores: ["keyValueVersionedStore", "keyValueStore", "timestampedStore"] },
    );
    const d = start(builder.build());
    await d.createInputTopic("in", Serdes.string(), Serdes.string()).pipeInput("k", "v", { timestamp: 7 });
    expect(await d.getVersionedKeyValueStore<string, string>("keyValueVersionedStore").get("k")).toEqual({
      value: "v",
      timestamp: 7,
    });
    // Kafka Streams' driver answers null where Eddy's names the right getter.
    expect(() => d.getVersionedKeyValueStore("keyValueStore")).toThrow(WrongStoreTypeError);
    expect(() => d.getVersionedKeyValueStore("timestampedStore")).toThrow(/getTimestampedKeyValueStore\(\)/);
    expect(() => d.getKeyValueStore("keyValueVersionedStore")).toThrow(/getVersionedKeyValueStore\(\)/);
    expect(() => d.getTimestampedKeyValueStore("keyValueVersionedStore")).toThrow(WrongStoreTypeError);
    expect(() => d.getVersionedKeyValueStore("missing")).toThrow(StoreNotFoundError);
  });
});

describe("a versioned store a processor supplier brings (ConnectedStoreProvider.stores())", () => {
  it("is added as a versioned store, as one added with addStateStore() is", async () => {
    const builder = new StreamsBuilder();
    builder.stream("in", strings).process({
      get: () => {
        let versioned: VersionedKeyValueStore<string, string>;
        return {
          init: (context) => {
            versioned = context.getStateStore("supplied-versions") as unknown as VersionedKeyValueStore<string, string>;
          },
          process: async (record) => {
            await versioned.put(record.key, record.value, record.timestamp);
          },
        };
      },
      stores: () => [
        Stores.versionedKeyValueStoreBuilder(
          Stores.persistentVersionedKeyValueStore("supplied-versions", 60_000, 5_000),
          Serdes.string(),
          Serdes.string(),
        ),
      ],
    });
    const d = start(builder.build());
    const input = d.createInputTopic("in", Serdes.string(), Serdes.string());
    await input.pipeInput("k", "v1", { timestamp: 10 });
    await input.pipeInput("k", "v2", { timestamp: 20 });
    const store = d.getVersionedKeyValueStore<string, string>("supplied-versions");
    expect(await store.get("k")).toEqual({ value: "v2", timestamp: 20 });
    expect(await store.get("k", 15)).toEqual({ value: "v1", timestamp: 10, validTo: 20 });
  });
});

describe("StoresTest: versioned store arguments", () => {
  it("refuses what Kafka Streams refuses, with its messages", () => {
    expect(() => Stores.persistentVersionedKeyValueStore(null as never, 1)).toThrow("name cannot be null");
    expect(() => Stores.persistentVersionedKeyValueStore("s", -1)).toThrow("historyRetention cannot be negative");
    expect(() => Stores.persistentVersionedKeyValueStore("s", 1, 0)).toThrow(
      "segmentInterval cannot be zero or negative",
    );
    expect(() => Stores.persistentVersionedKeyValueStore("s", 1.5)).toThrow(InvalidOperationError);
    expect(() => Stores.persistentVersionedKeyValueStore("s", 1, Number.NaN)).toThrow(InvalidOperationError);
    expect(() => Stores.versionedKeyValueStoreBuilder(null as never, Serdes.string(), Serdes.string())).toThrow(
      "storeSupplier cannot be null",
    );
    expect(Stores.persistentVersionedKeyValueStore("s", 1_000, 10)).toEqual({
      store: "s",
      versioned: { historyRetentionMs: 1_000, segmentIntervalMs: 10 },
    });
  });

  it("a versioned store is neither timestamped nor in memory", () => {
    const versioned = { historyRetentionMs: 1 };
    expect(() =>
      new StreamsBuilder().addStateStore({
        name: "s",
        key: Serdes.string(),
        value: Serdes.string(),
        versioned,
        timestamped: true,
      }),
    ).toThrow(/both versioned and timestamped/);
    expect(() => new StreamsBuilder().table("t", { ...strings, store: "s", versioned, persistent: false })).toThrow(
      /persistent only/,
    );
  });
});

describe("out-of-order updates of a versioned table downstream (KIP-914)", () => {
  it("a table-table join and a groupBy aggregation skip them; the join counts them dropped", async () => {
    const builder = new StreamsBuilder();
    const left = builder.table("left", { ...strings, ...Stores.persistentVersionedKeyValueStore("left-store", 1_000) });
    const right = builder.table("right", { ...strings, store: "right-store" });
    const joined = new CapturingSupplier<string, string | null>();
    left
      .join(right, (a: string, b: string) => `${a}+${b}`)
      .toStream()
      .process(joined.supplier);
    const counts = new CapturingSupplier<string, number | null>();
    left
      .groupBy((_key, value) => ({ key: value.slice(0, 1), value }), { key: Serdes.string(), value: Serdes.string() })
      .count({ store: "counts", caching: false })
      .toStream()
      .process(counts.supplier);
    const d = new TopologyTestDriver(builder.build(), { startTime: 0, cacheMaxBytes: 0 });
    driver = d;
    await d.createInputTopic("right", Serdes.string(), Serdes.string()).pipeInput("k", "r", { timestamp: 1 });
    const input = d.createInputTopic("left", Serdes.string(), Serdes.string());
    await input.pipeInput("k", "a2", { timestamp: 20 });
    await input.pipeInput("k", "b1", { timestamp: 10 }); // out of order: history only
    await input.pipeInput("k", "b3", { timestamp: 30 });
    expect(joined.processed()).toEqual([kvt("k", "a2+r", 20), kvt("k", "b3+r", 30)]);
    expect(counts.processed()).toEqual([kvt("a", 1, 20), kvt("a", 0, 30), kvt("b", 1, 30)]);
    expect(d.droppedRecords).toBe(1);
  });
});
