// An instance killed with SIGKILL keeps its local state: when it gets its tasks back it
// restores only the changelog records written after its checkpoint (here: by the
// instance that ran the tasks meanwhile), never the whole changelog. And a standby
// holder that takes over restores fewer records than a cold start would.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../src/kafka/client.js";
import { PartitionReader } from "../../src/kafka/partition-reader.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { changelogPartition } from "../../src/stores/checkpoint.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";
import { VISIT_COUNTS, VISIT_COUNTS_OUT, VISITS } from "../integration/support/topologies.js";
import { StreamsProcess } from "./support/processes.js";

const PARTITIONS = 2;

/** Committed data records of a changelog partition from `from` to its end. */
async function changelogRecords(bootstrap: string, topic: string, partition: number, from: number): Promise<number> {
  const reader = await PartitionReader.connect(
    createKafkaClient({ clientId: "count", brokers: [bootstrap], logger: silentLogger }),
    "count",
  );
  try {
    const end = (await reader.endOffsets([{ topic, partition }])).get(`${topic}|${partition}`) ?? 0;
    let position = from;
    let count = 0;
    while (position < end) {
      const [read] = await reader.read([{ topic, partition, offset: position }], {
        maxWaitMs: 50,
        maxBytes: 1 << 20,
        maxBytesPerPartition: 1 << 20,
      });
      if (!read) break;
      count += read.records.length;
      position = read.nextOffset;
    }
    return count;
  } finally {
    await reader.close();
  }
}

describe("restore after kill -9", () => {
  let cluster: TestCluster;
  let root: string;
  const processes: StreamsProcess[] = [];
  let visitsSent = 0;

  // A broker per test: each starts from empty topics.
  beforeEach(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-e2e-restore-"));
    visitsSent = 0;
    await createTopic(cluster.kafka, VISITS, PARTITIONS);
    await createTopic(cluster.kafka, VISIT_COUNTS_OUT, PARTITIONS);
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  const sendVisits = async (topic: string, count: number, urls: number) => {
    const visits = Array.from({ length: count }, (_, i) => {
      const key = `https://example.com/page-${(visitsSent + i) % urls}`;
      return { key, value: `v${visitsSent + i}`, partition: partitionForKey(Buffer.from(key), PARTITIONS) };
    });
    visitsSent += count;
    await produce(cluster.kafka, topic, visits);
  };

  const waitForOutputs = (topic: string, count: number) =>
    eventually(
      async () => ((await readCommitted(cluster.bootstrap, topic)).length >= count ? true : undefined),
      60_000,
      `${count} outputs`,
    );

  it("restores only what came after the checkpoint", { timeout: 120_000 }, async () => {
    const app = "visits-restore";
    const config = (name: string) => ({
      topology: "visits" as const,
      config: testStreamsConfig(cluster.bootstrap, join(root, name), { applicationId: app, cacheMaxBytes: 0 }),
    });
    const changelog = `${app}-${VISIT_COUNTS}-changelog`;

    const a = new StreamsProcess("a", config("a"));
    processes.push(a);
    await a.waitForState("RUNNING");
    await sendVisits(VISITS, 3_000, 300);
    await waitForOutputs(VISIT_COUNTS_OUT, 3_000);
    // The commit that made the outputs visible writes its state and checkpoint a moment
    // after its transaction ends: the crash is meant to come after a checkpoint.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await a.kill();

    // b runs the tasks meanwhile, from scratch, and writes more changelog records.
    const b = new StreamsProcess("b", config("b"));
    processes.push(b);
    await b.waitForState("RUNNING");
    const bCold = b.eventsOf("restore-end").reduce((sum, e) => sum + e.restored, 0);
    let total = 0;
    for (let p = 0; p < PARTITIONS; p += 1) total += await changelogRecords(cluster.bootstrap, changelog, p, 0);
    expect(bCold).toBe(total);
    await sendVisits(VISITS, 1_000, 300);
    await waitForOutputs(VISIT_COUNTS_OUT, 4_000);
    await b.stop();

    // What a expects to restore: the committed changelog records after its checkpoints.
    const expected = new Map<string, number>();
    for (let p = 0; p < PARTITIONS; p += 1) {
      const checkpoint = await LevelDbTaskStorage.peekCheckpoint({
        stateDir: join(root, "a"),
        applicationId: app,
        taskId: `0_${p}`,
      });
      const from = checkpoint?.get(changelogPartition(changelog, p));
      expect(from).toBeGreaterThan(0);
      expected.set(`0_${p}`, await changelogRecords(cluster.bootstrap, changelog, p, from ?? 0));
    }
    let fullChangelog = 0;
    for (let p = 0; p < PARTITIONS; p += 1) fullChangelog += await changelogRecords(cluster.bootstrap, changelog, p, 0);

    const a2 = new StreamsProcess("a2", config("a"));
    processes.push(a2);
    await a2.waitForState("RUNNING");
    const restored = new Map(a2.eventsOf("restore-end").map((e) => [e.taskId, e.restored]));
    expect(restored).toEqual(expected);
    const restoredTotal = [...restored.values()].reduce((x, y) => x + y, 0);
    expect(restoredTotal).toBeGreaterThan(0);
    expect(restoredTotal).toBeLessThan(fullChangelog);
    await a2.stop();
  });

  it(
    "fails over to the standby holder, which restores fewer records than a cold start",
    { timeout: 120_000 },
    async () => {
      const app = "visits-standby";
      const config = (name: string) => ({
        topology: "visits" as const,
        config: testStreamsConfig(cluster.bootstrap, join(root, name), {
          applicationId: app,
          numStandbyReplicas: 1,
          cacheMaxBytes: 0,
        }),
      });
      const changelog = `${app}-${VISIT_COUNTS}-changelog`;
      const a = new StreamsProcess("sa", config("sa"));
      const b = new StreamsProcess("sb", config("sb"));
      processes.push(a, b);
      await Promise.all([a.waitForState("RUNNING"), b.waitForState("RUNNING")]);
      await eventually(
        () =>
          a.eventsOf("assigned").at(-1)?.standby.length === 1 && b.eventsOf("assigned").at(-1)?.standby.length === 1
            ? true
            : undefined,
        30_000,
        "one standby each",
      );
      await sendVisits(VISITS, 4_000, 400);
      await waitForOutputs(VISIT_COUNTS_OUT, 4_000);
      // Give the standbys a moment to read the last commits.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const moved = a.eventsOf("assigned").at(-1)?.active[0] as string;
      const partition = Number(moved.split("_")[1]);
      const cold = await changelogRecords(cluster.bootstrap, changelog, partition, 0);
      const from = b.events.length;
      await a.kill();
      await eventually(
        () => (b.eventsOf("assigned", from).at(-1)?.active.includes(moved) ? true : undefined),
        30_000,
        "b takes the task",
      );
      const restore = b.eventsOf("restore-end", from).find((e) => e.taskId === moved);
      expect(restore).toBeDefined();
      expect(restore!.restored).toBeLessThan(cold);
      expect(cold).toBeGreaterThan(100);
      await b.stop();
    },
  );
});
