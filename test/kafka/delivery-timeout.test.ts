// Kafka's delivery.timeout.ms: a producer retries what the broker refuses with a retriable
// error only so long, then fails the send with an error the runtime retries from its commit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../src/kafka/client.js";
import { DeliveryTimeoutError, classifyKafkaError } from "../../src/kafka/errors.js";
import { IdempotentProducer } from "../../src/kafka/idempotent-producer.js";
import { acknowledgedWithin, sendRetry } from "../../src/kafka/produce.js";
import { TransactionalProducer } from "../../src/kafka/transactional-producer.js";
import { createTopic, silentLogger, startTestCluster } from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

const record = (topic: string) => ({ topic, partition: 0, key: Buffer.from("k"), value: Buffer.from("v") });

describe("acknowledgedWithin", () => {
  it("answers the send's answer when it comes first", async () => {
    await expect(acknowledgedWithin(Promise.resolve("ok"), [record("a")], 1_000)).resolves.toBe("ok");
  });

  it("fails with a retriable DeliveryTimeoutError naming the topics once the timeout passes", async () => {
    const never = new Promise<never>(() => undefined);
    const error = await acknowledgedWithin(never, [record("a"), record("b"), record("a")], 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryTimeoutError);
    expect(error).toMatchObject({ code: "EDDY_ERR_DELIVERY_TIMEOUT", topics: ["a", "b"] });
    expect((error as Error).message).toContain("deliveryTimeoutMs (20 ms)");
    expect(classifyKafkaError(error)).toBe("retriable");
    expect(classifyKafkaError(new Error("a processor failed", { cause: error }))).toBe("retriable");
  });

  it("passes on the send's own failure", async () => {
    await expect(acknowledgedWithin(Promise.reject(new Error("refused")), [record("a")], 1_000)).rejects.toThrow(
      "refused",
    );
  });

  it("gives kafkajs retries enough to fill the timeout at the longest backoff, and no more", () => {
    const retry = sendRetry(120_000);
    expect(retry.retries * retry.maxRetryTime).toBeGreaterThanOrEqual(120_000);
    expect(retry.retries).toBeLessThan(40);
  });
});

describe("a producer sending to a topic that was deleted", () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });

  afterAll(async () => {
    await cluster.close();
  });

  async function deleted(topic: string): Promise<void> {
    const admin = cluster.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  }

  const client = () =>
    createKafkaClient({ clientId: "delivery-test", brokers: [cluster.bootstrap], logger: silentLogger });

  it("fails an at-least-once send after deliveryTimeoutMs", async () => {
    await createTopic(cluster.kafka, "gone-a", 1);
    const producer = new IdempotentProducer(client(), 1_500);
    await producer.connect();
    try {
      await producer.send([record("gone-a")]);
      await deleted("gone-a");
      await expect(producer.send([record("gone-a")])).rejects.toBeInstanceOf(DeliveryTimeoutError);
    } finally {
      await producer.close();
    }
  });

  it("fails a transactional send after deliveryTimeoutMs, and the transaction can be aborted", async () => {
    await createTopic(cluster.kafka, "gone-b", 1);
    const producer = new TransactionalProducer(client(), {
      transactionalId: "delivery-test",
      transactionTimeoutMs: 10_000,
      deliveryTimeoutMs: 1_500,
    });
    await producer.init();
    try {
      await producer.send([record("gone-b")]);
      await producer.commit();
      await deleted("gone-b");
      await expect(producer.send([record("gone-b")])).rejects.toBeInstanceOf(DeliveryTimeoutError);
      await producer.abort();
      expect(producer.inTransaction).toBe(false);
    } finally {
      await producer.close();
    }
  });
});
