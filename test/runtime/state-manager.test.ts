import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../src/kafka/client.js";
import { PartitionReader } from "../../src/kafka/partition-reader.js";
import { TaskStateManager, offsetSum } from "../../src/runtime/state-manager.js";
import { changelogFormat } from "../../src/stores/changelog-format.js";
import { changelogPartition } from "../../src/stores/checkpoint.js";
import { createTopic, produce, silentLogger, startTestCluster } from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

const TOPIC = "app-balances-changelog";

describe("TaskStateManager", () => {
  let cluster: TestCluster;
  let reader: PartitionReader;
  let stateDir: string;
  const location = () => ({ stateDir, applicationId: "app" });
  const format = changelogFormat({ type: "keyValue", timestamped: false });
  const changelogs = [{ store: "balances", topic: TOPIC, partition: 0, format }];

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-state-manager-"));
    // compact,delete: Kafka refuses DeleteRecords on a topic that is only compacted.
    await createTopic(cluster.kafka, TOPIC, 1, { "cleanup.policy": "compact,delete" });
    await produce(
      cluster.kafka,
      TOPIC,
      Array.from({ length: 20 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `v${i}` })),
    );
    reader = await PartitionReader.connect(
      createKafkaClient({ clientId: "t", brokers: [cluster.bootstrap], logger: silentLogger }),
      "t",
    );
  });

  afterAll(async () => {
    await reader.close();
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  async function withCheckpoint(taskId: string, offset: number | undefined): Promise<TaskStateManager> {
    const manager = await TaskStateManager.open({
      taskId,
      changelogs,
      timestampedStores: [],
      persistent: true,
      location: location(),
      logger: silentLogger,
    });
    const checkpoint = offset === undefined ? undefined : new Map([[changelogPartition(TOPIC, 0), offset]]);
    await manager.storage.commit(new Map([["balances", [[Buffer.from("local"), Buffer.from("state")]]]]), checkpoint);
    return manager;
  }

  const localState = async (manager: TaskStateManager) =>
    (await manager.storage.store("balances").get(Buffer.from("local")))?.toString();

  it("restores from a valid checkpoint to the end, keeping the local state", async () => {
    const manager = await withCheckpoint("0_0", 12);
    const plan = await manager.planRestore(reader);
    expect(plan.wiped).toBe(false);
    expect(plan.partitions).toEqual([
      { store: "balances", format, topic: TOPIC, partition: 0, offset: 12, endOffset: 20 },
    ]);
    expect(await localState(manager)).toBe("state");
    expect(offsetSum(await manager.checkpoint())).toBe(12);
    await manager.close();
  });

  it("restores from the log start when there is no checkpoint", async () => {
    const manager = await TaskStateManager.open({
      taskId: "0_1",
      changelogs,
      timestampedStores: [],
      persistent: true,
      location: location(),
      logger: silentLogger,
    });
    expect((await manager.planRestore(reader)).partitions[0]?.offset).toBe(0);
    await manager.close();
  });

  it("wipes state whose checkpoint is beyond the changelog's end (the topic was recreated)", async () => {
    const manager = await withCheckpoint("0_2", 500);
    const plan = await manager.planRestore(reader);
    expect(plan.wiped).toBe(true);
    expect(plan.partitions[0]).toMatchObject({ offset: 0, endOffset: 20 });
    expect(await localState(manager)).toBeUndefined();
    expect((await manager.checkpoint()).size).toBe(0);
    await manager.close();
  });

  it("wipes state whose checkpoint is before the changelog's start (records were deleted)", async () => {
    const manager = await withCheckpoint("0_3", 3);
    const admin = cluster.kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [TOPIC] });
    await admin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: "8" }] });
    await admin.disconnect();
    const plan = await manager.planRestore(reader);
    expect(plan.wiped).toBe(true);
    expect(plan.partitions[0]).toMatchObject({ offset: 8, endOffset: 20 });
    expect(await localState(manager)).toBeUndefined();
    await manager.close();
  });

  it("restores a source topic that is a changelog up to the offset the group committed, none without one", async () => {
    const manager = await TaskStateManager.open({
      taskId: "0_4",
      changelogs: [{ ...changelogs[0]!, sourceTopic: true }],
      timestampedStores: [],
      persistent: true,
      location: location(),
      logger: silentLogger,
    });
    const committedAt = (offset: number) => new Map([[`${TOPIC}|0`, offset]]);
    const [limited] = (await manager.planRestore(reader, committedAt(15))).partitions;
    expect(limited).toMatchObject({ offset: 8, endOffset: 15, stopAtEnd: true });
    // Committed beyond what the topic holds: its end.
    expect((await manager.planRestore(reader, committedAt(99))).partitions[0]).toMatchObject({ endOffset: 20 });
    // Never committed: nothing to restore, the task processes the topic from its reset policy.
    expect((await manager.planRestore(reader, new Map())).partitions[0]).toMatchObject({ endOffset: 0 });
    await manager.close();
  });
});
