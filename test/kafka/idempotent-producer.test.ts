import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../src/kafka/client.js";
import { IdempotentProducer } from "../../src/kafka/idempotent-producer.js";
import { createTopic, readCommitted, silentLogger, startTestCluster } from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

describe("IdempotentProducer", () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createTopic(cluster.kafka, "out", 3);
  });

  afterAll(async () => {
    await cluster.close();
  });

  it("answers concurrent sends (tasks share the producer) with the partitions each wrote, every partition in order", async () => {
    const kafka = createKafkaClient({
      clientId: "idem-test",
      brokers: [cluster.bootstrap],
      logger: silentLogger,
    });
    const producer = new IdempotentProducer(kafka);
    await producer.connect();
    try {
      const batch = (partition: number, from: number, count: number) =>
        Array.from({ length: count }, (_, i) => ({
          topic: "out",
          partition,
          key: Buffer.from(`k${partition}`),
          value: Buffer.from(`${partition}:${from + i}`),
        }));
      // Three "tasks" send at once, and the first of them again before anything returned.
      const answers = await Promise.all([
        producer.send(batch(0, 0, 50)),
        producer.send(batch(1, 0, 30)),
        producer.send(batch(2, 0, 20)),
        producer.send(batch(0, 50, 10)),
      ]);
      expect(answers.map((offsets) => [...new Set(offsets.map((o) => o.partition))])).toEqual([[0], [1], [2], [0]]);
      const last = (offsets: (typeof answers)[number]) => Math.max(...offsets.map((o) => o.lastOffset));
      expect(last(answers[1]!)).toBe(29);
      expect(last(answers[2]!)).toBe(19);
      expect(last(answers[3]!)).toBe(59);
      const written = await readCommitted(cluster.bootstrap, "out");
      for (const [partition, count] of [
        [0, 60],
        [1, 30],
        [2, 20],
      ] as const) {
        const values = written.filter((r) => r.partition === partition).map((r) => r.value?.toString());
        expect(values).toEqual(Array.from({ length: count }, (_, i) => `${partition}:${i}`));
      }
    } finally {
      await producer.close();
    }
  });
});
