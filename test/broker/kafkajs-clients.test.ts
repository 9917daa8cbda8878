// Produce and consume through the embedded broker with unmodified kafkajs 2.2.4.
import { randomBytes } from "node:crypto";
import { CompressionTypes, type Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { consume, kafkaClient } from "./support/kafkajs.js";

describe("kafkajs against the embedded broker", () => {
  let broker: RunningBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker({ groupMinSessionTimeoutMs: 500 });
    kafka = kafkaClient(broker.bootstrap);
  });

  afterAll(async () => {
    await broker.close();
  });

  it("round-trips records on a single-partition topic, in order", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "one", numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `value-${i}` }));
    await producer.send({ topic: "one", acks: -1, messages: sent.slice(0, 20) });
    await producer.send({ topic: "one", acks: 1, messages: sent.slice(20) });
    await producer.disconnect();
    const got = await consume(kafka, "one", 50, "one-reader");
    expect(got.map((r) => r.message.offset)).toEqual(sent.map((_, i) => String(i)));
    expect(got.map((r) => ({ key: r.message.key?.toString(), value: r.message.value?.toString() }))).toEqual(sent);
  });

  it("places keyed records on 12 partitions exactly where Java's murmur2 partitioner puts them", async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "twelve", numPartitions: 12 }] });
    await admin.disconnect();
    await producer.connect();
    const keys = Array.from({ length: 600 }, (_, i) => `customer-${i * 7919}`);
    for (let i = 0; i < keys.length; i += 100) {
      await producer.send({
        topic: "twelve",
        messages: keys.slice(i, i + 100).map((key, j) => ({ key, value: String(i + j) })),
      });
    }
    await producer.disconnect();
    const got = await consume(kafka, "twelve", keys.length, "twelve-reader");
    const partitionsUsed = new Set<number>();
    for (const { partition, message } of got) {
      expect(partition).toBe(partitionForKey(message.key!, 12));
      partitionsUsed.add(partition);
    }
    expect(partitionsUsed.size).toBe(12);
    // Within a partition, records keep the order they were produced in.
    for (let p = 0; p < 12; p++) {
      const values = got.filter((r) => r.partition === p).map((r) => Number(r.message.value!.toString()));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
    expect(new Set(got.map((r) => r.message.key!.toString())).size).toBe(keys.length);
  });

  it("keeps binary keys and values, null values and headers byte for byte, gzip batches too", async () => {
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 40 }, (_, i) => ({
      key: randomBytes(1 + (i % 17)),
      value: i % 5 === 0 ? null : randomBytes(i * 31),
      headers: { trace: randomBytes(8), empty: Buffer.alloc(0), "ünïcode-name": `v${i}` },
    }));
    await producer.send({ topic: "bytes", compression: CompressionTypes.GZIP, messages: messages.slice(0, 20) });
    await producer.send({ topic: "bytes", compression: CompressionTypes.None, messages: messages.slice(20) });
    await producer.disconnect();
    const got = await consume(kafka, "bytes", messages.length, "bytes-reader");
    expect(got).toHaveLength(messages.length);
    got.forEach(({ message }, i) => {
      const sent = messages[i]!;
      expect(message.key).toEqual(sent.key);
      if (sent.value === null) expect(message.value).toBeNull();
      else expect(message.value).toEqual(sent.value);
      expect(message.headers!.trace).toEqual(sent.headers.trace);
      expect(message.headers!.empty).toEqual(Buffer.alloc(0));
      expect(message.headers!["ünïcode-name"]).toEqual(Buffer.from(`v${i}`));
    });
  });

  it("auto-creates a topic on first use with the broker's default partition count", async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "created-on-demand", messages: [{ value: "x" }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: ["created-on-demand"] });
    await admin.disconnect();
    expect(metadata.topics[0]!.partitions).toHaveLength(1);
  });
});
