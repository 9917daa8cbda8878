// Truthful progress: input lag does not count transaction markers (0 once every record
// is processed), and restore progress counts records and reaches its total.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import { createTopic, eventually, silentLogger, startTestCluster, testStreamsConfig } from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const INPUT = "progress-in";
const PARTITIONS = 2;
const TRANSACTIONS = 12;
const KEYS = 30;

function countingTopology() {
  const builder = new StreamsBuilder();
  builder.stream(INPUT, { key: Serdes.string(), value: Serdes.string() }).groupByKey().count({ store: "counts" });
  return builder.build();
}

describe("lag and restore progress", () => {
  let cluster: TestCluster;
  let stateRoot: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateRoot = await mkdtemp(join(tmpdir(), "eddy-progress-"));
    await createTopic(cluster.kafka, INPUT, PARTITIONS);
    // The input comes from a transactional producer: a commit marker after every transaction.
    const producer = cluster.kafka.producer({
      transactionalId: "progress-upstream",
      maxInFlightRequests: 1,
      idempotent: true,
    });
    await producer.connect();
    for (let t = 0; t < TRANSACTIONS; t += 1) {
      const transaction = await producer.transaction();
      await transaction.send({
        topic: INPUT,
        messages: Array.from({ length: 5 }, (_, i) => ({
          key: `k${(t * 5 + i) % KEYS}`,
          value: "v",
          partition: (t + i) % PARTITIONS,
        })),
      });
      await transaction.commit();
    }
    await producer.disconnect();
  });

  afterAll(async () => {
    await cluster?.close();
    await rm(stateRoot, { recursive: true, force: true });
  });

  const start = async (name: string) => {
    const streams = new KafkaStreams(
      countingTopology(),
      testStreamsConfig(cluster.broker.bootstrap, join(stateRoot, name), { applicationId: "progress" }),
      { logger: silentLogger, api: false },
    );
    await streams.start();
    return streams;
  };

  it("reports no lag once every record is processed, whatever the markers between them", async () => {
    const streams = await start("first");
    try {
      await eventually(() => (streams.metrics().recordsProcessed === TRANSACTIONS * 5 ? true : undefined), 20_000);
      const lags = await eventually(
        async () => {
          const tasks = await streams.localTasks();
          return tasks.length === PARTITIONS && tasks.every((t) => t.state === "running" && t.lag === 0)
            ? tasks
            : undefined;
        },
        5_000,
        "every task's lag to be 0",
      );
      expect(lags.map((t) => t.lag)).toEqual([0, 0]);
    } finally {
      await streams.close();
    }
  });

  it("restores a task's state counting records, up to its total", async () => {
    // A new instance with an empty state directory restores the counts from the
    // changelog, whose records are each followed by a commit marker.
    const streams = await start("second");
    try {
      await eventually(() => (streams.isReady() ? true : undefined), 20_000);
      const tasks = await streams.localTasks();
      expect(tasks).toHaveLength(PARTITIONS);
      let restored = 0;
      for (const task of tasks) {
        expect(task.restore).toMatchObject({ done: true });
        expect(task.restore?.total).toBe(task.restore?.restored);
        restored += task.restore?.restored ?? 0;
      }
      // One changelog record per key per commit at most; at least one per key.
      expect(restored).toBeGreaterThanOrEqual(KEYS);
      expect(await streams.store<string, number>("counts", tasks[0]!.taskId).get("k0")).toBeTypeOf("number");
    } finally {
      await streams.close();
    }
  });
});
