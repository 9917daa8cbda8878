import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../src/kafka/client.js";
import { PartitionReader } from "../../src/kafka/partition-reader.js";
import { ChangelogReader } from "../../src/runtime/changelog-reader.js";
import type { StateRestoreListener } from "../../src/runtime/state-restore-listener.js";
import { StreamsMetrics } from "../../src/runtime/metrics.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import { windowRetention } from "../../src/stores/segmented-retention.js";
import { windowStartOf, windowStoreKey } from "../../src/stores/window-key-schema.js";
import { createTopic, eventually, produce, silentLogger, startTestCluster } from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

const TOPIC = "app-counts-changelog";

async function storeContents(storage: LevelDbTaskStorage, store: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const [k, v] of storage.store(store).iterate({})) out[k.toString()] = v.toString();
  return out;
}

describe("ChangelogReader", () => {
  let cluster: TestCluster;
  let reader: PartitionReader;
  let changelogs: ChangelogReader;
  let stateDir: string;
  const events: string[] = [];
  const listener: StateRestoreListener = {
    onRestoreStart: (e) => events.push(`start ${e.partition} ${e.startOffset}->${e.endOffset}`),
    onRestoreEnd: (e) => events.push(`end ${e.partition} ${e.totalRestored}`),
  };
  const metrics = new StreamsMetrics();

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createTopic(cluster.kafka, TOPIC, 2, { "cleanup.policy": "compact" });
    stateDir = await mkdtemp(join(tmpdir(), "eddy-changelog-reader-"));
    reader = await PartitionReader.connect(
      createKafkaClient({ clientId: "t", brokers: [cluster.bootstrap], logger: silentLogger }),
      "t",
    );
    changelogs = new ChangelogReader(reader, { logger: silentLogger, metrics, listener, standbyMaxWaitMs: 50 });
  });

  afterAll(async () => {
    await changelogs.close();
    await reader.close();
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("restores from the checkpoint to the end, then only the delta", async () => {
    // 1000 updates of 100 keys on partition 1, with deletes of k0..k9 at the end.
    await produce(
      cluster.kafka,
      TOPIC,
      Array.from({ length: 1000 }, (_, i) => ({ partition: 1, key: `k${i % 100}`, value: `v${i}` })),
    );
    await produce(
      cluster.kafka,
      TOPIC,
      Array.from({ length: 10 }, (_, i) => ({ partition: 1, key: `k${i}`, value: null })),
    );
    const storage = await LevelDbTaskStorage.open({ stateDir, applicationId: "app", taskId: "0_1" });
    const partition = { store: "counts", topic: TOPIC, partition: 1 };
    const first = await changelogs.restore({
      taskId: "0_1",
      storage,
      partitions: [{ ...partition, offset: 0, endOffset: 1010 }],
    });
    expect(first.restored).toBe(1010);
    expect(first.positions.get(`${TOPIC}|1`)).toBe(1010);
    const contents = await storeContents(storage, "counts");
    expect(Object.keys(contents)).toHaveLength(90);
    expect(contents.k99).toBe("v999");
    expect(contents.k5).toBeUndefined();
    expect((await storage.readCheckpoint()).get(`${TOPIC}:1`)).toBe(1010);
    expect(events).toEqual(["start 1 0->1010", "end 1 1010"]);

    const at = Date.now() - 60_000;
    await produce(
      cluster.kafka,
      TOPIC,
      Array.from({ length: 25 }, (_, i) => ({
        partition: 1,
        key: `k${i}`,
        value: `new${i}`,
        timestamp: String(at + (i === 7 ? 100 : i)),
      })),
    );
    const checkpoint = (await storage.readCheckpoint()).get(`${TOPIC}:1`) ?? 0;
    const delta = await changelogs.restore({
      taskId: "0_1",
      storage,
      partitions: [{ ...partition, offset: checkpoint, endOffset: 1035 }],
    });
    expect(delta.restored).toBe(25);
    // The latest timestamp restored per store: a versioned store's stream time when its task opens it.
    expect(delta.restoredStreamTimes).toEqual(new Map([["counts", at + 100]]));
    expect((await storeContents(storage, "counts")).k5).toBe("new5");
    expect(metrics.recordsRestored).toBe(1035);
    await storage.close();
  });

  it("stops at a given end even when the changelog has more", async () => {
    const storage = await LevelDbTaskStorage.open({ stateDir, applicationId: "app", taskId: "9_1" });
    const result = await changelogs.restore({
      taskId: "9_1",
      storage,
      partitions: [{ store: "counts", topic: TOPIC, partition: 1, offset: 1000, endOffset: 1010 }],
    });
    expect(result.positions.get(`${TOPIC}|1`)).toBeGreaterThanOrEqual(1010);
    expect(result.aborted).toBe(false);
    await storage.close();
  });

  it("keeps a standby copy following its changelog, and reports where it stands", async () => {
    const storage = await LevelDbTaskStorage.open({ stateDir, applicationId: "app", taskId: "0_0" });
    changelogs.addStandby("0_0", storage, [{ store: "counts", topic: TOPIC, partition: 0, offset: 0 }]);
    await produce(
      cluster.kafka,
      TOPIC,
      Array.from({ length: 50 }, (_, i) => ({ partition: 0, key: `s${i}`, value: `x${i}` })),
    );
    await eventually(() => (changelogs.standbyPositions("0_0")?.get(`${TOPIC}|0`) === 50 ? true : undefined));
    await produce(cluster.kafka, TOPIC, [{ partition: 0, key: "s1", value: "later" }]);
    await eventually(() => (changelogs.standbyPositions("0_0")?.get(`${TOPIC}|0`) === 51 ? true : undefined));
    const positions = await changelogs.removeStandby("0_0");
    expect(positions?.get(`${TOPIC}|0`)).toBe(51);
    expect(changelogs.standbyTasks()).toEqual([]);
    const contents = await storeContents(storage, "counts");
    expect(Object.keys(contents)).toHaveLength(50);
    expect(contents.s1).toBe("later");
    expect((await storage.readCheckpoint()).get(`${TOPIC}:0`)).toBe(51);
    await storage.close();
  });

  it("advances a window store's stream time as it restores and follows, and drops what expires by it", async () => {
    const topic = "app-windows-changelog";
    await createTopic(cluster.kafka, topic, 1, { "cleanup.policy": "compact,delete" });
    const minute = 60_000;
    const t0 = Date.now() - (Date.now() % minute) - 3_600_000;
    const window = (m: number) => ({
      partition: 0,
      key: windowStoreKey(Buffer.from("a"), t0 + m * minute),
      value: `a${m}`,
      timestamp: String(t0 + m * minute),
    });
    // Six one-minute windows kept two minutes: the restore keeps the last three.
    await produce(cluster.kafka, topic, [0, 1, 2, 3, 4, 5].map(window));
    const storage = await LevelDbTaskStorage.open({ stateDir, applicationId: "app", taskId: "5_0" });
    const position = { store: "windows", topic, partition: 0, retention: windowRetention(2 * minute) };
    const starts = async () => {
      const out: number[] = [];
      for await (const [key] of storage.store("windows").iterate({})) out.push((windowStartOf(key) - t0) / minute);
      return out;
    };
    await changelogs.restore({ taskId: "5_0", storage, partitions: [{ ...position, offset: 0, endOffset: 6 }] });
    expect(storage.streamTimes.get("windows")).toBe(t0 + 5 * minute);
    expect(await starts()).toEqual([3, 4, 5]);

    // As a standby: two more minutes expire minutes 3 and 4.
    changelogs.addStandby("5_0", storage, [{ ...position, offset: 6 }]);
    await produce(cluster.kafka, topic, [window(7)]);
    await eventually(() => (changelogs.standbyPositions("5_0")?.get(`${topic}|0`) === 7 ? true : undefined));
    await changelogs.removeStandby("5_0");
    expect(storage.streamTimes.get("windows")).toBe(t0 + 7 * minute);
    expect(await starts()).toEqual([5, 7]);
    await storage.close();
  });
});
