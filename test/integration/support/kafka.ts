// Test support: an embedded broker per test file, a kafkajs client on it, and small
// helpers to produce and read topics the way an outside application would.
import kafkajs from "kafkajs";
import type { Kafka } from "kafkajs";
import pino from "pino";
import type { Logger } from "pino";
import { startBroker } from "../../../src/broker/index.js";
import type { RunningBroker } from "../../../src/broker/index.js";

export const silentLogger: Logger = pino({ level: process.env.EDDY_TEST_LOG_LEVEL ?? "silent" });

export interface TestCluster {
  broker: RunningBroker;
  kafka: Kafka;
  close(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const broker = await startBroker({ port: 0, logger: silentLogger });
  const kafka = new kafkajs.Kafka({
    clientId: "eddy-test",
    brokers: [broker.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50 },
  });
  return { broker, kafka, close: () => broker.close() };
}

export async function createTopic(kafka: Kafka, topic: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Produces with explicit partitions (no default-partitioner warning), acks=all. */
export async function produce(
  kafka: Kafka,
  topic: string,
  messages: Array<{ partition: number; key: string | Buffer | null; value: string | Buffer | null; headers?: Record<string, string | Buffer> }>,
): Promise<void> {
  const producer = kafka.producer({ createPartitioner: () => ({ message }) => message.partition ?? 0 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
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
