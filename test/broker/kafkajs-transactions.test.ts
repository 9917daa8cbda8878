// Transactions with unmodified kafkajs against the embedded broker: what read_committed and
// read_uncommitted consumers see, offsets committed with the transaction, fencing of an older
// producer, and a transaction left open by a client that died.
import type { Kafka, KafkaMessage, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { Api } from "../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../src/broker/protocol/error-codes.js";
import { FAST_CONSUMER, kafkaClient } from "./support/kafkajs.js";
import { quietLogger } from "./support/quiet-logger.js";
import { RawClient } from "./support/raw-client.js";
import { buildBatch } from "./support/record-batch-builder.js";
import { waitUntil } from "./support/wait.js";

const END = "end";

describe("kafkajs transactions", () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  const producers: Producer[] = [];

  beforeAll(async () => {
    broker = await startBroker({ logger: quietLogger(), groupMinSessionTimeoutMs: 1000 });
    kafka = kafkaClient(broker.bootstrap);
  });

  afterAll(async () => {
    await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
    await broker.close();
  });

  async function createTopic(topic: string, numPartitions = 1): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions }] });
    await admin.disconnect();
  }

  async function transactionalProducer(transactionalId: string, transactionTimeout?: number): Promise<Producer> {
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout });
    await producer.connect();
    producers.push(producer);
    return producer;
  }

  /** A committed, non-transactional record after the records under test: reading stops there. */
  async function sendEnd(topic: string): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: END }] });
    await producer.disconnect();
  }

  /** Everything a consumer of partition 0 reads, in order, up to the END record. */
  async function readToEnd(
    topic: string,
    readUncommitted: boolean,
    startAt?: number,
  ): Promise<{ offset: number; value: string }[]> {
    const groupId = `reader-${topic}-${readUncommitted}-${startAt ?? "start"}`;
    if (startAt !== undefined) {
      // A commit outside group membership (what admin.setOffsets ends up sending, without its
      // five-second fetch round).
      const raw = await RawClient.connect(broker.bootstrap);
      const committed = await raw.request(Api.offsetCommit, 5, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: "",
        topics: [
          { name: topic, partitions: [{ partitionIndex: 0, committedOffset: startAt, committedMetadata: null }] },
        ],
      });
      raw.close();
      expect(committed.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    }
    const consumer = kafka.consumer({ groupId, readUncommitted, ...FAST_CONSUMER });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: { offset: number; value: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }: { message: KafkaMessage }) => {
            const value = String(message.value);
            if (value === END) resolve();
            else seen.push({ offset: Number(message.offset), value });
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    return seen;
  }

  it("shows a committed transaction to read_committed and read_uncommitted consumers, an aborted one only to read_uncommitted", async () => {
    await createTopic("txn-visibility");
    const producer = await transactionalProducer("visibility");
    const committed = await producer.transaction();
    await committed.send({
      topic: "txn-visibility",
      messages: [
        { partition: 0, value: "c1" },
        { partition: 0, value: "c2" },
      ],
    });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic: "txn-visibility", messages: [{ partition: 0, value: "a1" }] });
    await aborted.send({ topic: "txn-visibility", messages: [{ partition: 0, value: "a2" }] });
    await aborted.abort();
    await sendEnd("txn-visibility");

    expect((await readToEnd("txn-visibility", false)).map((r) => r.value)).toEqual(["c1", "c2"]);
    expect((await readToEnd("txn-visibility", true)).map((r) => r.value)).toEqual(["c1", "c2", "a1", "a2"]);
  });

  it("shows a read_committed consumer exactly the committed records of two interleaved producers, in offset order", async () => {
    await createTopic("txn-interleaved");
    const p1 = await transactionalProducer("interleaved-1");
    const p2 = await transactionalProducer("interleaved-2");
    const send = (t: Awaited<ReturnType<Producer["transaction"]>>, value: string) =>
      t.send({ topic: "txn-interleaved", messages: [{ partition: 0, value }] });
    const committedValues = new Set<string>();

    let t1 = await p1.transaction();
    let t2 = await p2.transaction();
    await send(t1, "p1-aborted-1");
    await send(t2, "p2-committed-1");
    await send(t1, "p1-aborted-2");
    await send(t2, "p2-committed-2");
    await t1.abort();
    await send(t2, "p2-committed-3");
    await t2.commit();
    ["p2-committed-1", "p2-committed-2", "p2-committed-3"].forEach((v) => committedValues.add(v));

    t1 = await p1.transaction();
    t2 = await p2.transaction();
    await send(t2, "p2-aborted-1");
    await send(t1, "p1-committed-1");
    await send(t2, "p2-aborted-2");
    await send(t1, "p1-committed-2");
    await t1.commit();
    await t2.abort();
    ["p1-committed-1", "p1-committed-2"].forEach((v) => committedValues.add(v));

    t1 = await p1.transaction();
    await send(t1, "p1-committed-3");
    await t1.commit();
    committedValues.add("p1-committed-3");
    await sendEnd("txn-interleaved");

    const everything = await readToEnd("txn-interleaved", true);
    expect(everything).toHaveLength(10);
    const expected = everything.filter((r) => committedValues.has(r.value));
    const committed = await readToEnd("txn-interleaved", false);
    expect(committed).toEqual(expected);
    expect(committed.map((r) => r.offset)).toEqual([...committed.map((r) => r.offset)].sort((a, b) => a - b));
  });

  it("filters aborted records for a consumer that starts inside two aborted transactions", async () => {
    // Offsets: 0 p1, 1 p2, 2 p2, 3 p1, 4/5 abort markers. A consumer starting at 2 is inside
    // both transactions; its first record belongs to the transaction that started second.
    await createTopic("txn-inside");
    const p1 = await transactionalProducer("inside-1");
    const p2 = await transactionalProducer("inside-2");
    const t1 = await p1.transaction();
    const t2 = await p2.transaction();
    await t1.send({ topic: "txn-inside", messages: [{ partition: 0, value: "p1-a" }] });
    await t2.send({ topic: "txn-inside", messages: [{ partition: 0, value: "p2-a" }] });
    await t2.send({ topic: "txn-inside", messages: [{ partition: 0, value: "p2-b" }] });
    await t1.send({ topic: "txn-inside", messages: [{ partition: 0, value: "p1-b" }] });
    await t1.abort();
    await t2.abort();
    const t3 = await p1.transaction();
    await t3.send({ topic: "txn-inside", messages: [{ partition: 0, value: "p1-committed" }] });
    await t3.commit();
    await sendEnd("txn-inside");

    expect((await readToEnd("txn-inside", false, 2)).map((r) => r.value)).toEqual(["p1-committed"]);
    expect((await readToEnd("txn-inside", true, 2)).map((r) => r.value)).toEqual(["p2-b", "p1-b", "p1-committed"]);
  });

  it("moves a group's committed offsets with sendOffsets only when the transaction commits", async () => {
    await createTopic("txn-offsets-in");
    await createTopic("txn-offsets-out");
    const admin = kafka.admin();
    await admin.connect();
    const committedOffset = async () =>
      (await admin.fetchOffsets({ groupId: "txn-offsets-group", topics: ["txn-offsets-in"] }))[0]!.partitions[0]!
        .offset;
    try {
      const producer = await transactionalProducer("offsets");
      const first = await producer.transaction();
      await first.send({ topic: "txn-offsets-out", messages: [{ partition: 0, value: "out-1" }] });
      await first.sendOffsets({
        consumerGroupId: "txn-offsets-group",
        topics: [{ topic: "txn-offsets-in", partitions: [{ partition: 0, offset: "7" }] }],
      });
      expect(await committedOffset()).toBe("-1");
      await first.commit();
      expect(await committedOffset()).toBe("7");

      const second = await producer.transaction();
      await second.sendOffsets({
        consumerGroupId: "txn-offsets-group",
        topics: [{ topic: "txn-offsets-in", partitions: [{ partition: 0, offset: "9" }] }],
      });
      await second.abort();
      expect(await committedOffset()).toBe("7");
    } finally {
      await admin.disconnect();
    }
  });

  it("fences the older of two producers with the same transactional id and aborts its open transaction", async () => {
    await createTopic("txn-fenced");
    const older = await transactionalProducer("shared-id");
    const open = await older.transaction();
    await open.send({ topic: "txn-fenced", messages: [{ partition: 0, value: "from-older" }] });

    // kafkajs sends the transactional InitProducerId with its first transaction.
    const newer = await transactionalProducer("shared-id");
    const current = await newer.transaction();
    await expect(
      open.send({ topic: "txn-fenced", messages: [{ partition: 0, value: "older-again" }] }),
    ).rejects.toMatchObject({
      type: "INVALID_PRODUCER_EPOCH",
    });
    await expect(open.commit()).rejects.toMatchObject({ type: "INVALID_PRODUCER_EPOCH" });

    await current.send({ topic: "txn-fenced", messages: [{ partition: 0, value: "from-newer" }] });
    await current.commit();
    await sendEnd("txn-fenced");

    expect((await readToEnd("txn-fenced", false)).map((r) => r.value)).toEqual(["from-newer"]);
    expect((await readToEnd("txn-fenced", true)).map((r) => r.value)).toEqual(["from-older", "from-newer"]);
  });

  it("aborts the transaction of a client that died once its timeout passes, so the partition's LSO moves on", async () => {
    await createTopic("txn-abandoned");
    const raw = await RawClient.connect(broker.bootstrap);
    const init = await raw.request(Api.initProducerId, 1, { transactionalId: "abandoned", transactionTimeoutMs: 1500 });
    expect(init.errorCode).toBe(ErrorCode.NONE);
    const added = await raw.request(Api.addPartitionsToTxn, 1, {
      transactionalId: "abandoned",
      producerId: init.producerId,
      producerEpoch: init.producerEpoch,
      topics: [{ name: "txn-abandoned", partitions: [0] }],
    });
    expect(added.results[0]!.results[0]!.partitionErrorCode).toBe(ErrorCode.NONE);
    const batch = buildBatch([{ key: null, value: Buffer.from("never-committed") }], {
      producerId: init.producerId,
      producerEpoch: init.producerEpoch,
      baseSequence: 0,
      transactional: true,
    });
    const produced = await raw.request(Api.produce, 7, {
      transactionalId: "abandoned",
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: "txn-abandoned", partitionData: [{ index: 0, records: batch }] }],
    });
    expect(produced.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE);
    raw.close();

    const committed = kafka.producer();
    await committed.connect();
    await committed.send({ topic: "txn-abandoned", acks: -1, messages: [{ partition: 0, value: "after" }] });
    await committed.disconnect();

    const probe = await RawClient.connect(broker.bootstrap);
    const lso = async () =>
      (
        await probe.request(Api.listOffsets, 3, {
          replicaId: -1,
          isolationLevel: 1,
          topics: [{ name: "txn-abandoned", partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
        })
      ).topics[0]!.partitions[0]!.offset;
    try {
      // The open transaction's first record holds the LSO at 0: "after" is not readable yet.
      expect(await lso()).toBe(0);
      await sendEnd("txn-abandoned");
      await waitUntil("the abandoned transaction to be aborted", async () => (await lso()) > 0);
      expect((await readToEnd("txn-abandoned", false)).map((r) => r.value)).toEqual(["after"]);
    } finally {
      probe.close();
    }
  });
});
