// Idempotent produce at the protocol level: producer ids from InitProducerId, a batch sent
// twice stored once, sequence gaps and stale epochs refused, transactional batches only
// inside the producer's transaction.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../../src/broker/index.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { kafkaClient } from "../support/kafkajs.js";
import { quietLogger } from "../support/quiet-logger.js";
import { RawClient } from "../support/raw-client.js";
import { buildBatch, type BatchOptions } from "../support/record-batch-builder.js";

describe("idempotent produce", () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ logger: quietLogger() });
    client = await RawClient.connect(broker.bootstrap);
    const created = await client.request(Api.createTopics, 4, {
      topics: ["idem", "idem-wrap", "idem-txn", "idem-epoch"].map((name) => ({
        name,
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [],
      })),
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(created.topics.map((t) => t.errorCode)).toEqual([0, 0, 0, 0]);
  });

  afterAll(async () => {
    client.close();
    await broker.close();
  });

  async function initProducerId(
    transactionalId: string | null = null,
  ): Promise<{ producerId: number; producerEpoch: number }> {
    const answer = await client.request(Api.initProducerId, 1, { transactionalId, transactionTimeoutMs: 60000 });
    expect(answer.errorCode).toBe(ErrorCode.NONE);
    return answer;
  }

  function records(count: number, prefix = "v") {
    return Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`${prefix}${i}`) }));
  }

  async function produce(topic: string, batch: Buffer, transactionalId: string | null = null) {
    const response = await client.request(Api.produce, 7, {
      transactionalId,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
    });
    return response.responses[0]!.partitionResponses[0]!;
  }

  const batch = (count: number, options: BatchOptions) => buildBatch(records(count), options);

  it("hands out a new producer id at epoch 0 to every idempotent producer", async () => {
    const first = await initProducerId();
    const second = await initProducerId();
    expect(first.producerEpoch).toBe(0);
    expect(second.producerEpoch).toBe(0);
    expect(second.producerId).not.toBe(first.producerId);
  });

  it("stores a batch sent twice once, answering the retry with the original offset", async () => {
    const { producerId, producerEpoch } = await initProducerId();
    const first = batch(3, { producerId, producerEpoch, baseSequence: 0 });
    const retry = Buffer.from(first);
    expect(await produce("idem", first)).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await produce("idem", retry)).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await produce("idem", batch(2, { producerId, producerEpoch, baseSequence: 3 }))).toMatchObject({
      errorCode: 0,
      baseOffset: 3,
    });
    // Any of the last five batches is recognised, not only the latest.
    expect(await produce("idem", batch(3, { producerId, producerEpoch, baseSequence: 0 }))).toMatchObject({
      errorCode: 0,
      baseOffset: 0,
    });
    const offsets = await client.request(Api.listOffsets, 3, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: "idem", partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
    });
    expect(offsets.topics[0]!.partitions[0]!.offset).toBe(5);
  });

  it("refuses a sequence gap and a batch older than the last five with OUT_OF_ORDER_SEQUENCE_NUMBER", async () => {
    const { producerId, producerEpoch } = await initProducerId();
    expect((await produce("idem", batch(1, { producerId, producerEpoch, baseSequence: 0 }))).errorCode).toBe(0);
    expect((await produce("idem", batch(1, { producerId, producerEpoch, baseSequence: 2 }))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    for (let seq = 1; seq <= 6; seq++) {
      expect((await produce("idem", batch(1, { producerId, producerEpoch, baseSequence: seq }))).errorCode).toBe(0);
    }
    // Sequence 0 left the last five: it is no longer known as a duplicate.
    expect((await produce("idem", batch(1, { producerId, producerEpoch, baseSequence: 0 }))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    // A new epoch starts at sequence 0.
    expect((await produce("idem", batch(1, { producerId, producerEpoch: 1, baseSequence: 7 }))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect((await produce("idem", batch(1, { producerId, producerEpoch: 1, baseSequence: 0 }))).errorCode).toBe(0);
    expect((await produce("idem", batch(1, { producerId, producerEpoch: 0, baseSequence: 7 }))).errorCode).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
  });

  it("wraps the sequence from 2^31-1 to 0", async () => {
    const { producerId, producerEpoch } = await initProducerId();
    // An unknown producer may start anywhere (its state may have expired).
    expect(
      (await produce("idem-wrap", batch(2, { producerId, producerEpoch, baseSequence: 2147483646 }))).errorCode,
    ).toBe(0);
    expect((await produce("idem-wrap", batch(1, { producerId, producerEpoch, baseSequence: 0 }))).errorCode).toBe(0);
    const retry = await produce("idem-wrap", batch(2, { producerId, producerEpoch, baseSequence: 2147483646 }));
    expect(retry).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });

  it("refuses a batch without a sequence from a producer with an id", async () => {
    const { producerId, producerEpoch } = await initProducerId();
    expect((await produce("idem", batch(1, { producerId, producerEpoch, baseSequence: -1 }))).errorCode).toBe(
      ErrorCode.INVALID_RECORD,
    );
  });

  it("accepts transactional batches only with the transactional id, inside the producer's ongoing transaction", async () => {
    const { producerId, producerEpoch } = await initProducerId("idem-txn-id");
    const transactional = () => batch(1, { producerId, producerEpoch, baseSequence: 0, transactional: true });
    expect((await produce("idem-txn", transactional(), null)).errorCode).toBe(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    );
    expect((await produce("idem-txn", transactional(), "idem-txn-id")).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    const added = await client.request(Api.addPartitionsToTxn, 1, {
      transactionalId: "idem-txn-id",
      producerId,
      producerEpoch,
      topics: [
        { name: "idem-txn", partitions: [0] },
        { name: "missing-topic", partitions: [0] },
      ],
    });
    expect(added.results.map((t) => t.results[0]!.partitionErrorCode)).toEqual([
      ErrorCode.OPERATION_NOT_ATTEMPTED,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    const addedAlone = await client.request(Api.addPartitionsToTxn, 1, {
      transactionalId: "idem-txn-id",
      producerId,
      producerEpoch,
      topics: [{ name: "idem-txn", partitions: [0] }],
    });
    expect(addedAlone.results[0]!.results[0]!.partitionErrorCode).toBe(ErrorCode.NONE);
    expect((await produce("idem-txn", transactional(), "idem-txn-id")).errorCode).toBe(0);
    // Inside its transaction the producer cannot write outside it.
    const plain = batch(1, { producerId, producerEpoch, baseSequence: 1 });
    expect((await produce("idem-txn", plain)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    const ended = await client.request(Api.endTxn, 1, {
      transactionalId: "idem-txn-id",
      producerId,
      producerEpoch,
      committed: true,
    });
    expect(ended.errorCode).toBe(ErrorCode.NONE);
    // A retried EndTxn is answered the same; a different outcome is refused.
    expect(
      (
        await client.request(Api.endTxn, 1, {
          transactionalId: "idem-txn-id",
          producerId,
          producerEpoch,
          committed: true,
        })
      ).errorCode,
    ).toBe(0);
    expect(
      (
        await client.request(Api.endTxn, 1, {
          transactionalId: "idem-txn-id",
          producerId,
          producerEpoch,
          committed: false,
        })
      ).errorCode,
    ).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it("produces with kafkajs' idempotent producer", async () => {
    const kafka = kafkaClient(broker.bootstrap);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 5; i++) {
      await producer.send({
        topic: "idem-epoch",
        acks: -1,
        messages: records(10, `batch${i}-`).map((r) => ({ partition: 0, value: r.value })),
      });
    }
    await producer.disconnect();
    const offsets = await client.request(Api.listOffsets, 3, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: "idem-epoch", partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
    });
    expect(offsets.topics[0]!.partitions[0]!.offset).toBe(50);
  });
});
