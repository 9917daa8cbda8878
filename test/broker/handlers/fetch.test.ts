// Fetch at the protocol level: long polling, size limits, stored bytes served untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../../src/broker/index.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { decodeRecords, readBatchHeader } from "../../../src/broker/protocol/record-batch.js";
import { RawClient } from "../support/raw-client.js";
import { buildBatch } from "../support/record-batch-builder.js";

describe("Fetch", () => {
  let broker: RunningBroker;
  let client: RawClient;
  let producer: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ defaultPartitions: 2 });
    client = await RawClient.connect(broker.bootstrap);
    producer = await RawClient.connect(broker.bootstrap);
  });

  afterAll(async () => {
    client.close();
    producer.close();
    await broker.close();
  });

  async function createTopic(name: string, partitions = 2): Promise<void> {
    const result = await client.request(Api.createTopics, 4, {
      topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(result.topics[0]!.errorCode).toBe(ErrorCode.NONE);
  }

  async function produce(topic: string, partition: number, batch: Buffer): Promise<number> {
    const response = await producer.request(Api.produce, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
    });
    const answer = response.responses[0]!.partitionResponses[0]!;
    expect(answer.errorCode).toBe(ErrorCode.NONE);
    return answer.baseOffset;
  }

  function fetch(
    topic: string,
    partitions: { partition: number; fetchOffset: number; partitionMaxBytes?: number }[],
    options: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; sessionId?: number } = {},
  ) {
    return client.request(Api.fetch, 11, {
      replicaId: -1,
      maxWaitMs: options.maxWaitMs ?? 0,
      minBytes: options.minBytes ?? 1,
      maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: options.sessionId ?? 0,
      sessionEpoch: -1,
      topics: [
        {
          topic,
          partitions: partitions.map((p) => ({
            partition: p.partition,
            currentLeaderEpoch: -1,
            fetchOffset: p.fetchOffset,
            logStartOffset: -1,
            partitionMaxBytes: p.partitionMaxBytes ?? 1024 * 1024,
          })),
        },
      ],
      forgottenTopicsData: [],
      rackId: "",
    });
  }

  it("waits up to max_wait_ms for data, and answers as soon as a produce brings it", async () => {
    await createTopic("poll");
    const started = Date.now();
    const empty = await fetch("poll", [{ partition: 0, fetchOffset: 0 }], { maxWaitMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(empty.responses[0]!.partitions[0]).toMatchObject({
      errorCode: 0,
      highWatermark: 0,
      records: Buffer.alloc(0),
    });

    const waitStarted = Date.now();
    const waiting = fetch(
      "poll",
      [
        { partition: 0, fetchOffset: 0 },
        { partition: 1, fetchOffset: 0 },
      ],
      { maxWaitMs: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await produce("poll", 1, buildBatch([{ key: null, value: Buffer.from("wake up") }]));
    const answer = await waiting;
    expect(Date.now() - waitStarted).toBeLessThan(5_000);
    const records = decodeRecords(answer.responses[0]!.partitions[1]!.records!)!;
    expect(records.map((r) => r.value!.toString())).toEqual(["wake up"]);
  });

  it("keeps waiting until min_bytes have arrived", async () => {
    await createTopic("min-bytes");
    const small = buildBatch([{ key: null, value: Buffer.alloc(10) }]);
    const large = buildBatch([{ key: null, value: Buffer.alloc(3000) }]);
    let settled = false;
    const waiting = fetch("min-bytes", [{ partition: 0, fetchOffset: 0 }], { maxWaitMs: 10_000, minBytes: 2000 }).then(
      (r) => {
        settled = true;
        return r;
      },
    );
    await produce("min-bytes", 0, small);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    await produce("min-bytes", 0, large);
    const answer = await waiting;
    const bytes = answer.responses[0]!.partitions[0]!.records!;
    expect(bytes.length).toBe(small.length + large.length);
  });

  it("returns at least one whole batch even when it exceeds the limits, and only for the first partition", async () => {
    await createTopic("big");
    const big = buildBatch([{ key: null, value: Buffer.alloc(50_000, 1) }]);
    await produce("big", 0, big);
    await produce("big", 1, buildBatch([{ key: null, value: Buffer.alloc(50_000, 2) }]));
    const answer = await fetch(
      "big",
      [
        { partition: 0, fetchOffset: 0, partitionMaxBytes: 1000 },
        { partition: 1, fetchOffset: 0, partitionMaxBytes: 1000 },
      ],
      { maxBytes: 1000 },
    );
    const [first, second] = answer.responses[0]!.partitions;
    expect(first!.records!.length).toBe(big.length);
    expect(second!.records!.length).toBe(0);
    expect(second!.highWatermark).toBe(1);
  });

  it("serves the producer's bytes as stored, only the base offset and leader epoch rewritten", async () => {
    await createTopic("verbatim", 1);
    await produce("verbatim", 0, buildBatch([{ key: Buffer.from("a"), value: Buffer.from("first") }]));
    const sent = buildBatch(
      [
        { key: Buffer.from("k"), value: Buffer.from("gzip me ".repeat(50)), headers: [{ key: "h", value: null }] },
        { key: null, value: null },
      ],
      { compression: "gzip" },
    );
    const original = Buffer.from(sent);
    expect(await produce("verbatim", 0, sent)).toBe(1);
    const answer = await fetch("verbatim", [{ partition: 0, fetchOffset: 1 }]);
    const served = answer.responses[0]!.partitions[0]!.records!;
    expect(served.length).toBe(original.length);
    expect(readBatchHeader(served).baseOffset).toBe(1);
    expect(served.subarray(16)).toEqual(original.subarray(16));
    expect(served.subarray(8, 12)).toEqual(original.subarray(8, 12));
    const records = decodeRecords(served)!;
    expect(records.map((r) => r.offset)).toEqual([1, 2]);
    expect(records[1]!.value).toBeNull();
  });

  it("answers OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION and a refused fetch session", async () => {
    await createTopic("edges", 1);
    await produce("edges", 0, buildBatch([{ key: null, value: Buffer.from("x") }]));
    const beyond = await fetch("edges", [{ partition: 0, fetchOffset: 5 }], { maxWaitMs: 5000 });
    // As Apache Kafka answers a failed partition: no offsets at all (the conformance suite).
    expect(beyond.responses[0]!.partitions[0]).toMatchObject({
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
      highWatermark: -1,
      lastStableOffset: -1,
      logStartOffset: -1,
    });
    const unknown = await fetch("edges", [{ partition: 9, fetchOffset: 0 }], { maxWaitMs: 5000 });
    expect(unknown.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const session = await fetch("edges", [{ partition: 0, fetchOffset: 0 }], { sessionId: 42 });
    expect(session.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    expect(session.responses).toEqual([]);
  });
});
