// The kafkajs seam against the embedded broker: on the pinned kafkajs every fast path
// engages (and this file fails when one does not), the same records travel with them off,
// and a request the lean encoder does not write never hands kafkajs runtime-shaped records.
// The environment variable is stubbed per test, so this file checks the same things in
// the CI run that turns the fast paths off for everything else.
import kafkajs from "kafkajs";
import type { Kafka } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createKafkaClient } from "../../../src/kafka/client.js";
import { GroupConsumer } from "../../../src/kafka/group-consumer.js";
import { IdempotentProducer } from "../../../src/kafka/idempotent-producer.js";
import {
  FAST_PATHS_VARIABLE,
  fastPathStatsOf,
  fastPathsOf,
  kafkajsTopicMessages,
} from "../../../src/kafka/kafkajs/index.js";
import { PartitionReader } from "../../../src/kafka/partition-reader.js";
import { explicitPartitioner } from "../../../src/kafka/produce.js";
import { TransactionalProducer } from "../../../src/kafka/transactional-producer.js";
import type { ConsumedRecord, KafkaHeaders, ProducedRecord } from "../../../src/kafka/types.js";
import { createTopic, eventually, silentLogger, startTestCluster } from "../../integration/support/kafka.js";
import type { TestCluster } from "../../integration/support/kafka.js";

const READ = { maxWaitMs: 50, maxBytes: 1 << 20, maxBytesPerPartition: 1 << 20 };

/** A repeated key interleaved with another, and a null value: what only the record format's list can hold. */
const HEADERS: KafkaHeaders = [
  { key: "trace", value: Buffer.from("a") },
  { key: "reply-to", value: Buffer.from("replies") },
  { key: "trace", value: Buffer.from("b") },
  { key: "empty", value: null },
];

function records(topic: string, count: number, label: string): ProducedRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    topic,
    partition: i % 2,
    key: Buffer.from(`${label}-k${i}`),
    value: Buffer.from(`${label}-v${i}`),
    headers: HEADERS,
    timestamp: 1_700_000_000_000 + i,
  }));
}

function headerText(headers: KafkaHeaders): string[] {
  return headers.map(({ key, value }) => `${key}=${value === null ? "null" : value.toString()}`);
}

async function readAll(kafka: Kafka, topic: string): Promise<ConsumedRecord[]> {
  const reader = await PartitionReader.connect(kafka, `${topic}-reader`);
  try {
    const out: ConsumedRecord[] = [];
    for (const partition of [0, 1]) {
      const [end] = [(await reader.endOffsets([{ topic, partition }])).get(`${topic}|${partition}`) ?? 0];
      let offset = 0;
      while (offset < end) {
        const [read] = await reader.read([{ topic, partition, offset }], READ);
        if (!read) break;
        out.push(...read.records);
        offset = read.nextOffset;
      }
    }
    return out;
  } finally {
    await reader.close();
  }
}

async function consumeAll(kafka: Kafka, topic: string, count: number): Promise<ConsumedRecord[]> {
  const seen: ConsumedRecord[] = [];
  const consumer = new GroupConsumer(
    kafka,
    {
      groupId: `${topic}-group`,
      topics: [topic],
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 200,
      rebalanceTimeoutMs: 10_000,
      maxWaitTimeMs: 100,
    },
    {
      subscriptionUserData: () => Buffer.alloc(0),
      assign: async (members) =>
        members.map((m, i) => ({
          memberId: m.memberId,
          partitions: i === 0 ? [0, 1].map((partition) => ({ topic, partition })) : [],
          userData: Buffer.from("assignment user data"),
        })),
      onAssigned: () => undefined,
      onRebalance: async () => undefined,
      onHeartbeat: () => undefined,
      onBatch: async (batch) => {
        for (const record of batch.records) {
          seen.push(record);
          batch.resolve(record.offset);
        }
      },
      onCrash: (error) => {
        throw error;
      },
    },
  );
  await consumer.start();
  try {
    await eventually(() => (seen.length >= count ? true : undefined), 20_000, `${count} records of ${topic}`);
  } finally {
    await consumer.stop();
  }
  return seen;
}

describe("the kafkajs fast paths", () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
    for (const topic of ["fast", "slow", "compressed", "off-by-env"]) await createTopic(cluster.kafka, topic, 2);
  });

  afterAll(async () => {
    await cluster.close();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("engage on the pinned kafkajs: produce, consume and restore all go through Eddy's codecs", async () => {
    vi.stubEnv(FAST_PATHS_VARIABLE, "on");
    const kafka = createKafkaClient({ clientId: "fast", brokers: cluster.bootstrap.split(","), logger: silentLogger });
    expect(fastPathsOf(kafka)).toBe(true);
    const idempotent = new IdempotentProducer(kafka);
    await idempotent.connect();
    await idempotent.send(records("fast", 6, "idempotent"));
    await idempotent.close();
    const transactional = new TransactionalProducer(kafka, {
      transactionalId: "fast-0_0",
      transactionTimeoutMs: 10_000,
    });
    await transactional.init();
    await transactional.send(records("fast", 4, "transactional"));
    await transactional.commit();
    await transactional.close();

    const consumed = await consumeAll(kafka, "fast", 10);
    const restored = await readAll(kafka, "fast");
    const stats = fastPathStatsOf(kafka);
    expect(stats.produceRequestsEncoded).toBeGreaterThanOrEqual(2);
    expect(stats.produceRequestsConverted).toBe(0);
    expect(stats.consumerFetchesDecoded).toBeGreaterThan(0);
    expect(stats.restoreFetchesDecoded).toBeGreaterThan(0);
    // The record format's header list arrives as it was sent: order, repeats and null kept.
    for (const record of [...consumed, ...restored]) {
      expect(headerText(record.headers)).toEqual(["trace=a", "reply-to=replies", "trace=b", "empty=null"]);
    }
    expect(consumed.map((r) => r.value?.toString()).sort()).toEqual(restored.map((r) => r.value?.toString()).sort());
    expect(restored).toHaveLength(10);
  });

  it("stay off with kafkajsFastPaths: false, and the same records travel through kafkajs' own codecs", async () => {
    vi.stubEnv(FAST_PATHS_VARIABLE, "on");
    const kafka = createKafkaClient({
      clientId: "slow",
      brokers: cluster.bootstrap.split(","),
      logger: silentLogger,
      fastPaths: false,
    });
    expect(fastPathsOf(kafka)).toBe(false);
    const producer = new IdempotentProducer(kafka);
    await producer.connect();
    await producer.send(records("slow", 6, "slow"));
    await producer.close();
    const consumed = await consumeAll(kafka, "slow", 6);
    const restored = await readAll(kafka, "slow");
    expect(fastPathStatsOf(kafka)).toEqual({
      produceRequestsEncoded: 0,
      produceRequestsConverted: 0,
      consumerFetchesDecoded: 0,
      restoreFetchesDecoded: 0,
    });
    // kafkajs holds headers by key: a repeated key's values stay in order, after the first
    // occurrence of the key, and a null value travels as an empty one.
    for (const record of [...consumed, ...restored]) {
      expect(headerText(record.headers)).toEqual(["trace=a", "trace=b", "reply-to=replies", "empty="]);
    }
    expect(restored.map((r) => r.key?.toString())).toEqual([
      "slow-k0",
      "slow-k2",
      "slow-k4",
      "slow-k1",
      "slow-k3",
      "slow-k5",
    ]);
  });

  it("stay off for every client when EDDY_KAFKAJS_FAST_PATHS=off", async () => {
    vi.stubEnv(FAST_PATHS_VARIABLE, "off");
    const kafka = createKafkaClient({ clientId: "env", brokers: cluster.bootstrap.split(","), logger: silentLogger });
    expect(fastPathsOf(kafka)).toBe(false);
    const producer = new IdempotentProducer(kafka);
    await producer.connect();
    await producer.send(records("off-by-env", 2, "env"));
    await producer.close();
    expect(await readAll(kafka, "off-by-env")).toHaveLength(2);
    expect(fastPathStatsOf(kafka).produceRequestsEncoded + fastPathStatsOf(kafka).restoreFetchesDecoded).toBe(0);
  });

  it("convert runtime-shaped records before kafkajs' own encoder writes a request the lean one does not (gzip)", async () => {
    vi.stubEnv(FAST_PATHS_VARIABLE, "on");
    const kafka = createKafkaClient({ clientId: "gzip", brokers: cluster.bootstrap.split(","), logger: silentLogger });
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: explicitPartitioner,
    });
    await producer.connect();
    await producer.sendBatch({
      acks: -1,
      compression: kafkajs.CompressionTypes.GZIP,
      topicMessages: kafkajsTopicMessages(records("compressed", 4, "gzip"), fastPathsOf(kafka)),
    });
    await producer.disconnect();
    expect(fastPathStatsOf(kafka)).toMatchObject({ produceRequestsEncoded: 0, produceRequestsConverted: 1 });
    const restored = await readAll(kafka, "compressed");
    expect(restored.map((r) => r.value?.toString()).sort()).toEqual(["gzip-v0", "gzip-v1", "gzip-v2", "gzip-v3"]);
    for (const record of restored) {
      expect(headerText(record.headers)).toEqual(["trace=a", "trace=b", "reply-to=replies", "empty="]);
      expect(record.timestamp).toBeGreaterThanOrEqual(1_700_000_000_000);
      expect(record.timestamp).toBeLessThan(1_700_000_000_004);
    }
  });
});
