// The data directory across restarts of an in-process broker: a clean stop keeps topics,
// records, committed offsets and open transactions; a torn or corrupt tail left by a crash is
// cut off; a directory in use is refused.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kafka } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, startBroker, type RunningBroker } from "../../../src/broker/index.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { FAST_CONSUMER, kafkaClient } from "../support/kafkajs.js";
import { quietLogger } from "../support/quiet-logger.js";
import { RawClient } from "../support/raw-client.js";

const SEGMENT = "00000000000000000000.log";

describe("data directory", () => {
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "eddy-data-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function start(dataDir: string, port = 0): Promise<RunningBroker> {
    const broker = await startBroker({ dataDir, port, logger: quietLogger(), groupMinSessionTimeoutMs: 1000 });
    cleanups.push(() => broker.close());
    return broker;
  }

  async function lastStableOffset(client: RawClient, topic: string, partition = 0): Promise<number> {
    const answer = await client.request(Api.listOffsets, 3, {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: -1 }] }],
    });
    return answer.topics[0]!.partitions[0]!.offset;
  }

  async function readValues(kafka: Kafka, topic: string, readUncommitted: boolean, count: number): Promise<string[]> {
    const consumer = kafka.consumer({
      groupId: `read-${topic}-${readUncommitted}-${Math.random()}`,
      readUncommitted,
      ...FAST_CONSUMER,
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
  }

  it("keeps topics with their configs, records, committed offsets and an open transaction across a clean restart", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const port = first.port;
    let kafka = kafkaClient(first.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: "kept",
          numPartitions: 2,
          configEntries: [
            { name: "retention.ms", value: "3600000" },
            { name: "segment.bytes", value: "1024" },
          ],
        },
        { topic: "kept-txn", numPartitions: 1 },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 10; i++) {
      await producer.send({
        topic: "kept",
        acks: -1,
        messages: Array.from({ length: 5 }, (_, j) => ({ partition: j % 2, value: `v${i * 5 + j}` })),
      });
    }
    await producer.disconnect();
    const committer = await RawClient.connect(first.bootstrap);
    const commit = await committer.request(Api.offsetCommit, 5, {
      groupId: "kept-group",
      generationIdOrMemberEpoch: -1,
      memberId: "",
      topics: [
        {
          name: "kept",
          partitions: [
            { partitionIndex: 0, committedOffset: 10, committedMetadata: null },
            { partitionIndex: 1, committedOffset: 7, committedMetadata: null },
          ],
        },
      ],
    });
    committer.close();
    expect(commit.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([0, 0]);

    const transactional = kafka.producer({
      transactionalId: "kept-txn-id",
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60000,
    });
    await transactional.connect();
    const committed = await transactional.transaction();
    await committed.send({ topic: "kept-txn", messages: [{ partition: 0, value: "committed" }] });
    await committed.sendOffsets({
      consumerGroupId: "txn-group",
      topics: [{ topic: "kept", partitions: [{ partition: 0, offset: "3" }] }],
    });
    await committed.commit();
    const aborted = await transactional.transaction();
    await aborted.send({ topic: "kept-txn", messages: [{ partition: 0, value: "aborted" }] });
    await aborted.abort();
    const open = await transactional.transaction();
    await open.send({ topic: "kept-txn", messages: [{ partition: 0, value: "open" }] });
    await open.sendOffsets({
      consumerGroupId: "txn-group",
      topics: [{ topic: "kept", partitions: [{ partition: 0, offset: "4" }] }],
    });

    const offsetsBefore = await admin.fetchTopicOffsets("kept");
    const raw = await RawClient.connect(first.bootstrap);
    const lsoBefore = await lastStableOffset(raw, "kept-txn");
    const idempotentBefore = await raw.request(Api.initProducerId, 1, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
    });
    raw.close();
    await admin.disconnect();
    await first.close();

    // Same port: the transactional producer reconnects to the restarted broker by itself.
    const second = await start(dataDir, port);
    kafka = kafkaClient(second.bootstrap);
    const admin2 = kafka.admin();
    await admin2.connect();
    cleanups.push(() => admin2.disconnect());
    expect(await admin2.fetchTopicOffsets("kept")).toEqual(offsetsBefore);
    const configs = await admin2.describeConfigs({
      resources: [{ type: 2, name: "kept", configNames: ["retention.ms"] }],
      includeSynonyms: false,
    });
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe("3600000");
    const groupOffsets = await admin2.fetchOffsets({ groupId: "kept-group", topics: ["kept"] });
    expect(groupOffsets[0]!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, "10"],
      [1, "7"],
    ]);
    const txnOffsets = async () =>
      (await admin2.fetchOffsets({ groupId: "txn-group", topics: ["kept"] }))[0]!.partitions.find(
        (p) => p.partition === 0,
      )!.offset;
    expect(await txnOffsets()).toBe("3");
    expect((await readValues(kafka, "kept", true, 50)).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `v${i}`).sort(),
    );

    const raw2 = await RawClient.connect(second.bootstrap);
    cleanups.push(() => raw2.close());
    expect(await lastStableOffset(raw2, "kept-txn")).toBe(lsoBefore);
    const idempotentAfter = await raw2.request(Api.initProducerId, 1, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
    });
    expect(idempotentAfter.producerId).toBeGreaterThan(idempotentBefore.producerId);

    // The transaction left open before the restart is still open, and its producer can end it.
    await open.commit();
    await transactional.disconnect();
    expect(await txnOffsets()).toBe("4");
    expect(await readValues(kafka, "kept-txn", false, 2)).toEqual(["committed", "open"]);
    expect(await readValues(kafka, "kept-txn", true, 3)).toEqual(["committed", "aborted", "open"]);
  });

  it("cuts a torn tail and a batch that fails its CRC after a crash, and appends after them", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const kafka = kafkaClient(first.bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 3; i++)
      await producer.send({ topic: "torn", acks: -1, messages: [{ partition: 0, value: `ok-${i}` }] });
    await producer.disconnect();
    await first.close();
    const segment = join(dataDir, "torn-0", SEGMENT);
    const intact = readFileSync(segment);
    // What a kill leaves behind: no clean-shutdown marker, and no producer snapshot at the log
    // end (only a clean stop writes that one), so recovery checks the log from its start.
    const killed = () => {
      unlinkSync(join(dataDir, ".clean-shutdown"));
      for (const file of readdirSync(join(dataDir, "torn-0")))
        if (file.endsWith(".snapshot")) unlinkSync(join(dataDir, "torn-0", file));
    };

    // Killed in the middle of writing a batch: half a header at the end.
    appendFileSync(segment, intact.subarray(0, 30));
    killed();
    const second = await start(dataDir);
    const kafka2 = kafkaClient(second.bootstrap);
    expect((await kafka2.admin().fetchTopicOffsets("torn"))[0]!.high).toBe("3");
    expect(readFileSync(segment)).toEqual(intact);
    await second.close();

    // A last batch whose bytes changed after it was written fails its CRC.
    const damaged = Buffer.from(intact);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 2) ^ 0xff, damaged.length - 2);
    writeFileSync(segment, damaged);
    killed();
    const third = await start(dataDir);
    const kafka3 = kafkaClient(third.bootstrap);
    const admin = kafka3.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    expect((await admin.fetchTopicOffsets("torn"))[0]!.high).toBe("2");
    const again = kafka3.producer();
    await again.connect();
    await again.send({ topic: "torn", acks: -1, messages: [{ partition: 0, value: "after-recovery" }] });
    await again.disconnect();
    expect(await readValues(kafka3, "torn", true, 3)).toEqual(["ok-0", "ok-1", "after-recovery"]);
  });

  it("refuses a data directory that a running broker holds", async () => {
    const dataDir = tempDir();
    await start(dataDir);
    await expect(startBroker({ dataDir, logger: quietLogger() })).rejects.toBeInstanceOf(DataDirLockedError);
  });

  it("forgets a deleted topic, and a topic created again under its name starts empty", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const client = await RawClient.connect(first.bootstrap);
    const create = () =>
      client.request(Api.createTopics, 4, {
        topics: [{ name: "reborn", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 1000,
        validateOnly: false,
      });
    expect((await create()).topics[0]!.errorCode).toBe(ErrorCode.NONE);
    const kafka = kafkaClient(first.bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "reborn", acks: -1, messages: [{ partition: 0, value: "old" }] });
    await producer.disconnect();
    expect(
      (await client.request(Api.deleteTopics, 1, { topicNames: ["reborn"], timeoutMs: 1000 })).responses[0]!.errorCode,
    ).toBe(0);
    expect((await create()).topics[0]!.errorCode).toBe(ErrorCode.NONE);
    client.close();
    await first.close();
    const second = await start(dataDir);
    const admin = kafkaClient(second.bootstrap).admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    expect((await admin.fetchTopicOffsets("reborn"))[0]!.high).toBe("0");
  });
});
