// Ports of Kafka Streams' RestoreIntegrationTest cases of stores whose changelog is their source
// topic: a read-only store (Topology.addReadOnlyStateStore) and a source table under
// topology.optimization "all". Each partition holds 500 records; the group committed 400 of
// them and the task's state was checkpointed at 100, so the task restores 300 records per
// partition from the source topic and processes the last 100. Kafka Streams writes its
// .checkpoint file; Eddy's checkpoint lives in the task's LevelDB, written here the same way.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder, Topology } from "../../src/index.js";
import type { KeyValueStore, ProcessorContext, StreamRecord } from "../../src/index.js";
import { changelogPartition } from "../../src/stores/checkpoint.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import {
  createTopic,
  eventually,
  failedInstance,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const PER_PARTITION = 500;
const OFFSET_LIMIT_DELTA = 100;
const OFFSET_CHECKPOINTED = 100;
const ints = { key: Serdes.int32(), value: Serdes.int32() };

describe("RestoreIntegrationTest: restoring from the source topic", () => {
  let cluster: TestCluster;
  let root: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-restore-from-source-"));
  });

  afterAll(async () => {
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  /** createStateForRestoration + setCommittedOffset + the tasks' checkpoints. */
  async function prepare(appId: string, topic: string, timestampedStores: string[]): Promise<string> {
    await createTopic(cluster.kafka, topic, 2);
    const producer = cluster.kafka.producer({ idempotent: true });
    await producer.connect();
    const int = (n: number) => Serdes.int32().serialize(n);
    for (let partition = 0; partition < 2; partition += 1) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: PER_PARTITION }, (_, i) => {
          const n = partition * PER_PARTITION + i;
          return { partition, key: int(n), value: int(n) };
        }),
      });
    }
    await producer.disconnect();
    const admin = cluster.kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: appId,
      topic,
      partitions: [0, 1].map((partition) => ({ partition, offset: String(PER_PARTITION - OFFSET_LIMIT_DELTA) })),
    });
    await admin.disconnect();
    const stateDir = join(root, appId);
    for (let partition = 0; partition < 2; partition += 1) {
      const storage = await LevelDbTaskStorage.open({
        stateDir,
        applicationId: appId,
        taskId: `0_${partition}`,
        timestampedStores,
      });
      await storage.commit(new Map(), new Map([[changelogPartition(topic, partition), OFFSET_CHECKPOINTED]]));
      await storage.close();
    }
    return stateDir;
  }

  /** Starts the topology; resolves with the records restored once `received` reaches both partitions' deltas. */
  async function run(topology: Topology, appId: string, stateDir: string, received: () => number): Promise<number> {
    const streams = new KafkaStreams(
      topology,
      testStreamsConfig(cluster.bootstrap, stateDir, { applicationId: appId, cacheMaxBytes: 0 }),
      { logger: silentLogger },
    );
    let restored = 0;
    streams.setGlobalStateRestoreListener({ onBatchRestored: (event) => (restored += event.numRestored) });
    try {
      await streams.start();
      await eventually(
        () => (received() >= OFFSET_LIMIT_DELTA * 2 ? true : undefined),
        60_000,
        `${OFFSET_LIMIT_DELTA * 2} records processed`,
        failedInstance(streams),
      );
      // Nothing beyond the committed offsets is processed twice.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received()).toBe(OFFSET_LIMIT_DELTA * 2);
      return restored;
    } finally {
      await streams.close();
    }
  }

  it("shouldRestoreStateFromSourceTopicForReadOnlyStore", async () => {
    const appId = "restore-read-only";
    const topic = "restore-read-only-input";
    const stateDir = await prepare(appId, topic, []);
    let numReceived = 0;
    const topology = new Topology().addReadOnlyStateStore<number, number>(
      { name: "store", ...ints },
      "readOnlySource",
      ints,
      topic,
      "readOnlyProcessor",
      () => {
        let store!: KeyValueStore<number, number>;
        return {
          init: (context: ProcessorContext<never, never>) => {
            store = context.getStateStore<number, number>("store");
          },
          process: async (record: StreamRecord<number, number>) => {
            await store.put(record.key, record.value);
            numReceived += 1;
          },
        };
      },
    );
    const restored = await run(topology, appId, stateDir, () => numReceived);
    expect(restored).toBe(PER_PARTITION * 2 - OFFSET_LIMIT_DELTA * 2 - OFFSET_CHECKPOINTED * 2);
  });

  it("shouldRestoreStateFromSourceTopicForGlobalTable", async () => {
    const appId = "restore-source-table";
    const topic = "restore-source-table-input";
    const stateDir = await prepare(appId, topic, ["store"]);
    let numReceived = 0;
    const builder = new StreamsBuilder();
    builder
      .table(topic, { ...ints, store: "store" })
      .toStream()
      .foreach(() => {
        numReceived += 1;
      });
    const topology = builder.build({ topologyOptimization: "all" });
    const restored = await run(topology, appId, stateDir, () => numReceived);
    expect(restored).toBe(PER_PARTITION * 2 - OFFSET_LIMIT_DELTA * 2 - OFFSET_CHECKPOINTED * 2);
  });
});
