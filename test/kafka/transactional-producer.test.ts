import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { createKafkaClient } from "../../src/kafka/client.js";
import { TransactionalProducer } from "../../src/kafka/transactional-producer.js";
import { createTopic, readCommitted, silentLogger, startTestCluster } from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

describe("TransactionalProducer", () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createTopic(cluster.kafka, "in", 1);
    await createTopic(cluster.kafka, "out", 2);
  });

  afterAll(async () => {
    await cluster.close();
  });

  it("sends records and offsets at the same time into one transaction it begins once, and commits both", async () => {
    const kafka = createKafkaClient({
      clientId: "txn-test",
      brokers: [cluster.bootstrap],
      logger: silentLogger,
    });
    const producer = new TransactionalProducer(kafka, {
      transactionalId: "txn-test-0_0",
      transactionTimeoutMs: 10_000,
    });
    const admin = new KafkaAdmin(kafka, silentLogger);
    await admin.connect();
    try {
      await producer.init();
      // init() leaves a transaction open; a commit with nothing in it ends it, so the
      // next send and sendOffsets both find none open and must share the beginning.
      await producer.commit();
      const records = Array.from({ length: 10 }, (_, i) => ({
        topic: "out",
        partition: i % 2,
        key: Buffer.from(`k${i}`),
        value: Buffer.from(`v${i}`),
      }));
      const [produced] = await Promise.all([
        producer.send(records),
        producer.sendOffsets("txn-group", [{ topic: "in", partition: 0, offset: 42 }]),
      ]);
      expect(produced.map((p) => [p.partition, p.lastOffset - p.baseOffset + 1]).sort()).toEqual([
        [0, 5],
        [1, 5],
      ]);
      expect(await readCommitted(cluster.bootstrap, "out")).toEqual([]);
      await producer.commit();
      const committed = await readCommitted(cluster.bootstrap, "out");
      expect(committed.map((r) => r.value?.toString()).sort()).toEqual(records.map((r) => r.value.toString()).sort());
      expect([...(await admin.committedOffsets("txn-group", [{ topic: "in", partition: 0 }]))]).toEqual([["in|0", 42]]);
    } finally {
      await producer.close();
      await admin.close();
    }
  });
});
