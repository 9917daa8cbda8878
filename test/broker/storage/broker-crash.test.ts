// kill -9 of the broker process (`eddy broker --data-dir`) under acks=-1 load: after a
// restart on the same directory and port, every acknowledged record is there exactly once
// (idempotent producers' retries across the crash are recognised as duplicates), committed
// offsets are as they were, and a transaction left open by the crash can still be committed.
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import { Api } from "../../../src/broker/protocol/apis.js";
import { FAST_CONSUMER } from "../support/kafkajs.js";
import { spawnBroker } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";

describe("a broker killed with kill -9", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "eddy-crash-"));
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loses nothing acknowledged with acks=-1, keeps offsets, and lets an open transaction commit after the restart", async () => {
    const first = await spawnBroker(dataDir, 0);
    children.push(first.child);
    const kafka = new Kafka({
      clientId: "crash-test",
      brokers: [first.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 12, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: "crash-load", numPartitions: 2, configEntries: [{ name: "segment.bytes", value: "65536" }] },
        { topic: "crash-txn", numPartitions: 1 },
      ],
    });
    await admin.disconnect();

    const raw = await RawClient.connect(first.bootstrap);
    const committed = await raw.request(Api.offsetCommit, 5, {
      groupId: "crash-plain",
      generationIdOrMemberEpoch: -1,
      memberId: "",
      topics: [
        { name: "crash-load", partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: null }] },
      ],
    });
    raw.close();
    expect(committed.topics[0]!.partitions[0]!.errorCode).toBe(0);

    const transactional = kafka.producer({ transactionalId: "crash-txn-id", idempotent: true, maxInFlightRequests: 1 });
    await transactional.connect();
    const done = await transactional.transaction();
    await done.send({ topic: "crash-txn", messages: [{ partition: 0, value: "before-crash" }] });
    await done.sendOffsets({
      consumerGroupId: "crash-group",
      topics: [{ topic: "crash-load", partitions: [{ partition: 0, offset: "11" }] }],
    });
    await done.commit();
    const open = await transactional.transaction();
    await open.send({ topic: "crash-txn", messages: [{ partition: 0, value: "open-at-crash" }] });

    // Load: idempotent and plain producers, each sending batches of 20 unique values.
    const acknowledged = new Set<string>();
    const idempotentValues = new Set<string>();
    let stop = false;
    let batches = 0;
    const producers: Producer[] = [];
    const load = async (name: string, idempotent: boolean) => {
      const producer = kafka.producer(idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {});
      producers.push(producer);
      await producer.connect();
      for (let i = 0; !stop; i++) {
        const values = Array.from({ length: 20 }, (_, j) => `${name}-${i}-${j}`);
        if (idempotent) for (const v of values) idempotentValues.add(v);
        try {
          await producer.send({
            topic: "crash-load",
            acks: -1,
            messages: values.map((value, j) => ({ partition: j % 2, value })),
          });
          for (const v of values) acknowledged.add(v);
          batches += 1;
        } catch {
          // Not acknowledged: it may or may not be in the log.
        }
      }
    };
    const loads = [load("idem-a", true), load("idem-b", true), load("plain-a", false), load("plain-b", false)];
    while (batches < 200) await new Promise((resolve) => setTimeout(resolve, 20));

    first.child.kill("SIGKILL");
    await once(first.child, "exit");
    stop = true;
    const second = await spawnBroker(dataDir, first.port);
    children.push(second.child);
    await Promise.all(loads);
    await Promise.all(producers.map((p) => p.disconnect()));

    await open.commit();
    await transactional.disconnect();

    const admin2 = kafka.admin();
    await admin2.connect();
    const ends = await admin2.fetchTopicOffsets("crash-load");
    const total = ends.reduce((sum, p) => sum + Number(p.high), 0);
    const plain = await admin2.fetchOffsets({ groupId: "crash-plain", topics: ["crash-load"] });
    const txnGroup = await admin2.fetchOffsets({ groupId: "crash-group", topics: ["crash-load"] });
    await admin2.disconnect();
    expect(plain[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe("5");
    expect(txnGroup[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe("11");

    const read = async (topic: string, count: number, readUncommitted: boolean): Promise<string[]> => {
      // The CLI broker keeps Kafka's group.min.session.timeout.ms of 6 s.
      const consumer = kafka.consumer({
        groupId: `crash-reader-${topic}-${readUncommitted}`,
        readUncommitted,
        ...FAST_CONSUMER,
        sessionTimeout: 6000,
        rebalanceTimeout: 10000,
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const values: string[] = [];
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              values.push(String(message.value));
              if (values.length === count) resolve();
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
      return values;
    };
    const stored = await read("crash-load", total, true);
    const counts = new Map<string, number>();
    for (const value of stored) counts.set(value, (counts.get(value) ?? 0) + 1);
    const missing = [...acknowledged].filter((value) => !counts.has(value));
    expect(missing).toEqual([]);
    const duplicated = [...idempotentValues].filter((value) => (counts.get(value) ?? 0) > 1);
    expect(duplicated).toEqual([]);
    expect(await read("crash-txn", 2, false)).toEqual(["before-crash", "open-at-crash"]);
  });
});
