// Compaction as a kafkajs application sees it: a changelog of 100k updates over 1k keys
// reads back as about one record per key, with every key's newest value, tombstoned keys
// vanish once delete.retention.ms has passed, and keyless records are refused.
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { Api } from "../../src/broker/protocol/apis.js";
import { decodeRecords, readBatchHeader } from "../../src/broker/protocol/record-batch.js";
import { FAST_CONSUMER, kafkaClient } from "./support/kafkajs.js";
import { quietLogger } from "./support/quiet-logger.js";
import { RawClient } from "./support/raw-client.js";
import { waitUntil } from "./support/wait.js";

const TOPIC = "compacted-changelog";
const KEYS = 1000;
const UPDATES = 100_000;
const DELETED = 100;

describe("kafkajs on a compacted topic", () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let raw: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ logger: quietLogger(), groupMinSessionTimeoutMs: 1000, logCleanerBackoffMs: 100 });
    kafka = kafkaClient(broker.bootstrap);
    raw = await RawClient.connect(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          numPartitions: 1,
          configEntries: [
            { name: "cleanup.policy", value: "compact" },
            // About one producer batch of 1000 updates per segment: the active segment then
            // holds at most one batch, the closed ones at most one record per key.
            { name: "segment.bytes", value: "32768" },
            { name: "delete.retention.ms", value: "2000" },
          ],
        },
      ],
    });
    await admin.disconnect();
  });

  afterAll(async () => {
    raw.close();
    await broker.close();
  });

  /** key -> value (null for a tombstone) of every record from offset 0, and how many there are. */
  async function fetchAll(): Promise<{ count: number; latest: Map<string, string | null> }> {
    const response = await raw.request(Api.fetch, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 64 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: TOPIC,
          partitions: [
            { partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 64 << 20 },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: "",
    });
    const bytes = response.responses[0]!.partitions[0]!.records ?? Buffer.alloc(0);
    const latest = new Map<string, string | null>();
    let count = 0;
    for (let at = 0; at < bytes.length;) {
      const header = readBatchHeader(bytes, at);
      const records = decodeRecords(bytes.subarray(at, at + header.size))!;
      expect(records.length).toBeGreaterThan(0);
      for (const r of records) {
        count += 1;
        latest.set(String(r.key), r.value === null ? null : String(r.value));
      }
      at += header.size;
    }
    return { count, latest };
  }

  /** What a kafkajs consumer reads from the beginning up to the "end" record. */
  async function consumeAll(groupId: string): Promise<{ count: number; latest: Map<string, string | null> }> {
    const consumer = kafka.consumer({ groupId, ...FAST_CONSUMER });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const latest = new Map<string, string | null>();
    let count = 0;
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const key = String(message.key);
            count += 1;
            latest.set(key, message.value === null ? null : String(message.value));
            if (key === "end") resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    latest.delete("end");
    return { count: count - 1, latest };
  }

  it("keeps the newest value of every key after 100k updates, in about one record per key", async () => {
    const producer = kafka.producer();
    await producer.connect();
    for (let batch = 0; batch < UPDATES / KEYS; batch++) {
      const messages = Array.from({ length: KEYS }, (_, k) => ({
        partition: 0,
        key: `key-${k}`,
        value: `value-${batch * KEYS + k}`,
      }));
      await producer.send({ topic: TOPIC, acks: -1, messages });
    }
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: 0, key: "end", value: "end" }] });
    await producer.disconnect();

    await waitUntil("the cleaner to compact the changelog", async () => (await fetchAll()).count <= 2 * KEYS + 1);
    const read = await consumeAll("compaction-reader-1");
    expect(read.count).toBeLessThanOrEqual(2 * KEYS);
    expect(read.latest.size).toBe(KEYS);
    for (let k = 0; k < KEYS; k++) expect(read.latest.get(`key-${k}`)).toBe(`value-${UPDATES - KEYS + k}`);
  });

  it("shows tombstones for delete.retention.ms, then drops the deleted keys", async () => {
    const producer = kafka.producer();
    await producer.connect();
    const tombstones = Array.from({ length: DELETED }, (_, k) => ({ partition: 0, key: `key-${k}`, value: null }));
    await producer.send({ topic: TOPIC, acks: -1, messages: tombstones });
    // A following batch rolls the segment, so the tombstones reach the cleaner.
    const later = Array.from({ length: KEYS }, (_, k) => ({ partition: 0, key: `later-${k}`, value: `later-${k}` }));
    await producer.send({ topic: TOPIC, acks: -1, messages: later });
    await producer.send({ topic: TOPIC, acks: -1, messages: later });
    await producer.disconnect();

    await waitUntil("the cleaner to compact the tombstones' segment", async () => {
      const { latest } = await fetchAll();
      return latest.get("key-0") === null && (await fetchAll()).count <= 3 * KEYS + DELETED + 1;
    });
    await waitUntil(
      "the tombstones to pass delete.retention.ms",
      async () => !(await fetchAll()).latest.has("key-0"),
      30_000,
    );
    const read = await consumeAll("compaction-reader-2");
    for (let k = 0; k < DELETED; k++) expect(read.latest.has(`key-${k}`)).toBe(false);
    for (let k = DELETED; k < KEYS; k++) expect(read.latest.get(`key-${k}`)).toBe(`value-${UPDATES - KEYS + k}`);
  });

  it("refuses records without a key with INVALID_RECORD", async () => {
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      await expect(
        producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: 0, key: null, value: "keyless" }] }),
      ).rejects.toMatchObject({
        type: "INVALID_RECORD",
      });
    } finally {
      await producer.disconnect();
    }
  });
});
