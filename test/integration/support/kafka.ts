// Test support: a Kafka per test file (the embedded broker, or Apache Kafka under
// EDDY_TEST_KAFKA: test/support/kafka-under-test), a kafkajs client on it, and small helpers
// to produce and read topics the way an outside application would.
import kafkajs from "kafkajs";
import type { Kafka } from "kafkajs";
import pino from "pino";
import type { Logger } from "pino";
import type { BrokerOptions } from "../../../src/broker/index.js";
import { KafkaAdmin } from "../../../src/kafka/admin-client.js";
import { createKafkaClient } from "../../../src/kafka/client.js";
import { PartitionReader } from "../../../src/kafka/partition-reader.js";
import type { ConsumedRecord } from "../../../src/kafka/types.js";
import { lastHeader } from "../../../src/kafka/types.js";
import type { StreamsConfig } from "../../../src/index.js";
import { startKafkaUnderTest } from "../../support/kafka-under-test/kafka-under-test.js";
import type { KafkaUnderTest } from "../../support/kafka-under-test/kafka-under-test.js";

export const silentLogger: Logger = pino({ level: process.env.EDDY_TEST_LOG_LEVEL ?? "silent" });

export interface TestCluster {
  /** The Kafka this file runs on: the embedded broker or Apache Kafka. */
  readonly broker: KafkaUnderTest;
  readonly bootstrap: string;
  readonly kafka: Kafka;
  close(): Promise<void>;
}

/** A Kafka for this test file; `options` configure the embedded broker (Apache Kafka's test settings match them). */
export async function startTestCluster(options: BrokerOptions = {}): Promise<TestCluster> {
  // Short group session bounds, so that a killed member is noticed in seconds; the cleaner looks
  // for work every half second, as on Apache Kafka's test nodes (test/support/apache-kafka).
  const broker = await startKafkaUnderTest({
    logger: silentLogger,
    groupMinSessionTimeoutMs: 1_000,
    logCleanerBackoffMs: 500,
    ...options,
  });
  const kafka = new kafkajs.Kafka({
    clientId: "eddy-test",
    brokers: broker.bootstrap.split(","),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50 },
  });
  return { broker, bootstrap: broker.bootstrap, kafka, close: () => broker.close() };
}

/** Creates a topic and waits until its partitions have leaders (Eddy's own admin client does both). */
export async function createTopic(
  kafka: Kafka,
  topic: string,
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  const admin = new KafkaAdmin(kafka, silentLogger);
  await admin.connect();
  try {
    await admin.createTopics([{ name: topic, partitions, replicationFactor: -1, configs }]);
  } finally {
    await admin.close();
  }
}

/**
 * Produces with explicit partitions (no default-partitioner warning), acks=all, idempotently:
 * under load a plain producer's retry can write a batch twice (Apache Kafka kept 20 records of
 * a partition given 10), and tests count what they wrote.
 */
export async function produce(
  kafka: Kafka,
  topic: string,
  messages: Array<{
    partition: number;
    key: string | Buffer | null;
    value: string | Buffer | null;
    headers?: Record<string, string | Buffer>;
    /** Epoch milliseconds, as text (kafkajs' form). */
    timestamp?: string;
  }>,
): Promise<void> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner:
      () =>
      ({ message }) =>
        message.partition ?? 0,
  });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Polls `check` until it returns a value other than undefined, or fails after
 * `timeoutMs`, or at once when `abort` returns an error (an instance went to ERROR).
 */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
  what = "condition",
  abort?: () => Error | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const fatal = abort?.();
    if (fatal) throw fatal;
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

/** Everything committed on a topic (read_committed), partition by partition, in offset order. */
export async function readCommitted(bootstrap: string, topic: string): Promise<ConsumedRecord[]> {
  const kafka = createKafkaClient({ clientId: "eddy-test-reader", brokers: [bootstrap], logger: silentLogger });
  const reader = await PartitionReader.connect(kafka, "eddy-test-reader");
  try {
    const admin = new KafkaAdmin(kafka, silentLogger);
    await admin.connect();
    const partitions = (await admin.partitionCounts([topic])).get(topic) ?? 0;
    await admin.close();
    const tps = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
    const ends = await reader.endOffsets(tps);
    const records: ConsumedRecord[] = [];
    for (const tp of tps) {
      const end = ends.get(`${topic}|${tp.partition}`) ?? 0;
      let position = 0;
      while (position < end) {
        const [read] = await reader.read([{ ...tp, offset: position }], {
          maxWaitMs: 100,
          maxBytes: 4 << 20,
          maxBytesPerPartition: 1 << 20,
        });
        if (!read) break;
        records.push(...read.records);
        position = read.nextOffset;
      }
    }
    return records;
  } finally {
    await reader.close();
  }
}

/** KafkaStreams settings for tests: fast failure detection and commits, a fresh state directory. */
export function testStreamsConfig(
  bootstrap: string,
  stateDir: string,
  overrides: Partial<StreamsConfig> = {},
): StreamsConfig {
  return {
    applicationId: "test-app",
    bootstrapServers: bootstrap,
    stateDir,
    sessionTimeoutMs: 3_000,
    heartbeatIntervalMs: 300,
    fetchMaxWaitMs: 100,
    commitIntervalMs: 100,
    logLevel: "silent",
    ...overrides,
  };
}

/** For eventually(): the fatal error of the first instance in ERROR. */
export function failedInstance(
  ...instances: Array<{ state(): string; fatalError: Error | undefined }>
): () => Error | undefined {
  return () => {
    const failed = instances.find((i) => i.state() === "ERROR");
    return failed
      ? new Error(`an instance is in ERROR: ${failed.fatalError?.message ?? "?"}`, { cause: failed.fatalError })
      : undefined;
  };
}

/** The correlation-id header of a reply or command. */
export function correlationId(record: ConsumedRecord): string {
  return lastHeader(record.headers, "correlation-id")?.toString() ?? "";
}
