// Ports of Kafka Streams' StreamsBuilderTest cases of DslStoreSuppliers: which kind of store
// (persistent or in memory; key-value, window or session) the DSL makes, as an operation
// says (Materialized.withStoreType is Eddy's `persistent`; StreamJoined's
// withDslStoreSuppliers and its window store suppliers), else as the StreamsBuilder's
// TopologyConfig says, else as the application's config says (dslStoreSuppliers, read
// here from the TopologyTestDriver's options), in that order. Kafka Streams' assertion
// unwraps each store down to InMemoryKeyValueStore, RocksDBWindowStore...; Eddy's store
// definitions say the same: the store's type and whether it is persistent.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { BuiltInDslStoreSuppliers } from "../../../src/topology/dsl-store-suppliers.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { StreamJoined } from "../../../src/topology/dsl/stream-joined.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { TopologyConfig } from "../../../src/topology/dsl/streams-builder.js";
import { TimeWindows } from "../../../src/topology/dsl/time-windows.js";
import { Stores } from "../../../src/topology/stores.js";
import type { Topology } from "../../../src/topology/topology.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { KafkaStreams } from "../../../src/app/kafka-streams.js";
import { silentLogger } from "../../integration/support/kafka.js";
import type { TopologyTestDriverOptions } from "../../../src/testing/topology-test-driver.js";

const { IN_MEMORY, ROCKS_DB } = BuiltInDslStoreSuppliers;
const HOUR = 3_600_000;
const STREAM_TOPIC = "stream-topic";
const STREAM_TOPIC_TWO = "stream-topic-two";
const STREAM_OPERATION_NAME = "stream-operation";
/** StreamsTestUtils.getStreamsConfig(Serdes.String(), Serdes.String()). */
const props: TopologyTestDriverOptions = { defaultKeySerde: Serdes.string(), defaultValueSerde: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

type StoreKind =
  "InMemoryKeyValueStore" | "RocksDBStore" | "InMemoryWindowStore" | "RocksDBWindowStore" | "InMemorySessionStore";

/**
 * assertTypesForStateStore over the topology the application runs: `rewriteTopology(new
 * StreamsConfig(props))` is the driver's, with `config` as the props' dsl.store.suppliers.class.
 */
function expectStores(topology: Topology, config: TopologyTestDriverOptions, ...expected: StoreKind[]): void {
  driver = new TopologyTestDriver(topology, { ...props, ...config });
  const kinds = [...driver.topology.stores.values()].map((store): string => {
    const kind = { keyValue: "KeyValueStore", window: "WindowStore", session: "SessionStore" }[store.type as string];
    if (kind === "KeyValueStore") return store.persistent ? "RocksDBStore" : "InMemoryKeyValueStore";
    return `${store.persistent ? "RocksDB" : "InMemory"}${kind ?? store.type}`;
  });
  expect(kinds).toEqual(expected);
}

const count = (config?: TopologyConfig, persistent?: boolean) => {
  const builder = new StreamsBuilder(config);
  builder
    .stream("topic")
    .groupByKey()
    .count(persistent === undefined ? {} : { store: "store", persistent })
    .toStream();
  return builder.build();
};

// Kafka Streams windows these by JoinWindows.ofTimeDifferenceAndGrace(1 h, 0), a 2 h window;
// Eddy's windowedBy() takes TimeWindows, SlidingWindows and SessionWindows.
const windowedCount = (config?: TopologyConfig, persistent?: boolean) => {
  const builder = new StreamsBuilder(config);
  builder
    .stream("topic")
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(2 * HOUR, 0))
    .count(persistent === undefined ? {} : { store: "store", persistent })
    .toStream();
  return builder.build();
};

const sessionCount = (config?: TopologyConfig, persistent?: boolean) => {
  const builder = new StreamsBuilder(config);
  builder
    .stream("topic")
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(HOUR, 0))
    .count(persistent === undefined ? {} : { store: "store", persistent })
    .toStream();
  return builder.build();
};

describe("StreamsBuilderTest: the DSL's key-value, window and session stores", () => {
  it("shouldUseDslStoreSupplierDefinedInMaterialized", () => {
    expectStores(count(undefined, false), {}, "InMemoryKeyValueStore");
  });

  it("shouldUseDslStoreSupplierDefinedInMaterializedOverTopologyOverrides", () => {
    expectStores(count({ dslStoreSuppliers: ROCKS_DB }, false), {}, "InMemoryKeyValueStore");
  });

  it("shouldUseDslStoreSupplierOverStoreType", () => {
    expectStores(count({ defaultDslStore: ROCKS_DB, dslStoreSuppliers: IN_MEMORY }), {}, "InMemoryKeyValueStore");
  });

  it("shouldUseTopologyOverrideStoreTypeOverConfiguredDslStoreSupplier", () => {
    expectStores(count({ defaultDslStore: IN_MEMORY }), { dslStoreSuppliers: ROCKS_DB }, "InMemoryKeyValueStore");
  });

  it("shouldUseDslStoreSupplierDefinedConfiguredInStreamsConfig", () => {
    expectStores(count(), { dslStoreSuppliers: IN_MEMORY }, "InMemoryKeyValueStore");
  });

  it("shouldUseDslStoreSupplierDefinedConfiguredInTopologyConfigOverStreamsConfig", () => {
    expectStores(count({ dslStoreSuppliers: IN_MEMORY }), { dslStoreSuppliers: ROCKS_DB }, "InMemoryKeyValueStore");
  });

  it("shouldUseDslStoreSupplierDefinedInMaterializedForWindowedOperation", () => {
    expectStores(windowedCount(undefined, false), {}, "InMemoryWindowStore");
  });

  it("shouldUseDslStoreSupplierDefinedConfiguredInStreamsConfigForWindowedOperation", () => {
    expectStores(windowedCount(), { dslStoreSuppliers: IN_MEMORY }, "InMemoryWindowStore");
  });

  it("shouldUseDslStoreSupplierDefinedConfiguredInTopologyConfigOverStreamsConfigForWindowedOperation", () => {
    expectStores(
      windowedCount({ dslStoreSuppliers: IN_MEMORY }),
      { dslStoreSuppliers: ROCKS_DB },
      "InMemoryWindowStore",
    );
  });

  it("shouldUseDslStoreSupplierDefinedInMaterializedForSessionWindowedOperation", () => {
    expectStores(sessionCount(undefined, false), {}, "InMemorySessionStore");
  });

  it("shouldUseDslStoreSupplierDefinedConfiguredInStreamsConfigForSessionWindowedOperation", () => {
    expectStores(sessionCount(), { dslStoreSuppliers: IN_MEMORY }, "InMemorySessionStore");
  });

  it("shouldUseDslStoreSupplierDefinedConfiguredInTopologyConfigOverStreamsConfigForSessionWindowedOperation", () => {
    expectStores(
      sessionCount({ dslStoreSuppliers: IN_MEMORY }),
      { dslStoreSuppliers: ROCKS_DB },
      "InMemorySessionStore",
    );
  });

  it("KafkaStreams runs the DSL's stores as its config's dslStoreSuppliers says, unless the topology said", async () => {
    const config = {
      applicationId: "app",
      bootstrapServers: "127.0.0.1:9",
      defaultKeySerde: "string" as const,
      defaultValueSerde: "string" as const,
      dslStoreSuppliers: IN_MEMORY,
    };
    const streams = new KafkaStreams(count(), config, { logger: silentLogger });
    const overridden = new KafkaStreams(count({ dslStoreSuppliers: ROCKS_DB }), config, { logger: silentLogger });
    try {
      expect([...streams.topology.stores.values()].map((store) => store.persistent)).toEqual([false]);
      expect([...overridden.topology.stores.values()].map((store) => store.persistent)).toEqual([true]);
    } finally {
      await streams.close();
      await overridden.close();
    }
  });

  it("persistent by default, as Kafka Streams' rocksDB; the config's defaultDslStore when no dslStoreSuppliers", () => {
    expectStores(count(), {}, "RocksDBStore");
    expectStores(sessionCount(), { defaultDslStore: IN_MEMORY }, "InMemorySessionStore");
    expectStores(windowedCount(), { defaultDslStore: IN_MEMORY, dslStoreSuppliers: ROCKS_DB }, "RocksDBWindowStore");
  });
});

describe("StreamsBuilderTest: the stores of an outer stream-stream join", () => {
  const windows = JoinWindows.ofTimeDifferenceWithNoGrace(HOUR);
  const retention = windows.size() + windows.gracePeriodMs();
  const thisSupplier = () => Stores.inMemoryWindowStore("thisSupplier", retention, windows.size(), true);
  const otherSupplier = () => Stores.persistentWindowStore("otherSupplier", retention, windows.size(), true);

  function outerJoin(joined: StreamJoined<string, string, string>, config?: TopologyConfig): Topology {
    const builder = new StreamsBuilder(config);
    const streamOne = builder.stream<string, string>(STREAM_TOPIC);
    const streamTwo = builder.stream<string, string>(STREAM_TOPIC_TWO);
    streamOne.outerJoin(streamTwo, (value1: string | null) => value1, windows, joined);
    return builder.build();
  }

  const named = () => StreamJoined.as<string, string, string>(STREAM_OPERATION_NAME).withName(STREAM_OPERATION_NAME);

  it("shouldUseSpecifiedDslStoreSuppliersForAllOuterJoinOperationBetweenKStreamAndKStream", () => {
    expectStores(
      outerJoin(named().withDslStoreSuppliers(IN_MEMORY)),
      {},
      "InMemoryWindowStore",
      "InMemoryWindowStore",
      "InMemoryKeyValueStore",
    );
  });

  it("shouldUseConfiguredInStreamsConfigIfNoTopologyOverrideDslStoreSuppliersForAllOuterJoinOperationBetweenKStreamAndKStream", () => {
    expectStores(
      outerJoin(named()),
      { dslStoreSuppliers: IN_MEMORY },
      "InMemoryWindowStore",
      "InMemoryWindowStore",
      "InMemoryKeyValueStore",
    );
  });

  it("shouldUseConfiguredTopologyOverrideDslStoreSuppliersForAllOuterJoinOperationBetweenKStreamAndKStream", () => {
    expectStores(
      outerJoin(named(), { dslStoreSuppliers: IN_MEMORY }),
      { dslStoreSuppliers: ROCKS_DB },
      "InMemoryWindowStore",
      "InMemoryWindowStore",
      "InMemoryKeyValueStore",
    );
  });

  it("shouldUseSpecifiedStoreSupplierForEachOuterJoinOperationBetweenKStreamAndKStreamAndUseSameTypeAsThisSupplierForOuter", () => {
    expectStores(
      outerJoin(named().withThisStoreSupplier(thisSupplier()).withOtherStoreSupplier(otherSupplier())),
      {},
      "InMemoryWindowStore",
      "RocksDBWindowStore",
      "InMemoryKeyValueStore",
    );
  });

  it("shouldUseSpecifiedStoreSuppliersOuterJoinStoreEvenIfThisSupplierIsSupplied", () => {
    expectStores(
      outerJoin(
        named()
          .withDslStoreSuppliers(ROCKS_DB)
          .withThisStoreSupplier(thisSupplier())
          .withOtherStoreSupplier(otherSupplier()),
      ),
      {},
      "InMemoryWindowStore",
      "RocksDBWindowStore",
      "RocksDBStore",
    );
  });

  it("shouldUseThisStoreSupplierEvenIfDslStoreSuppliersConfiguredInTopologyConfig", () => {
    expectStores(
      outerJoin(named().withThisStoreSupplier(thisSupplier()).withOtherStoreSupplier(otherSupplier()), {
        dslStoreSuppliers: ROCKS_DB,
      }),
      {},
      "InMemoryWindowStore",
      "RocksDBWindowStore",
      "InMemoryKeyValueStore",
    );
  });

  it("names the stores after the suppliers, the shared one after this side's", () => {
    const topology = outerJoin(named().withThisStoreSupplier(thisSupplier()).withOtherStoreSupplier(otherSupplier()));
    expect([...topology.stores.keys()]).toEqual([
      "thisSupplier",
      "otherSupplier",
      "thisSupplier-outer-shared-join-store",
    ]);
  });
});
