// Produce at the protocol level: what Kafka's log validator refuses, and acks semantics.
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../../src/broker/index.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { RawClient } from "../support/raw-client.js";
import { quietLogger } from "../support/quiet-logger.js";
import { batchWithPayload, buildBatch, encodeRecords } from "../support/record-batch-builder.js";

describe("Produce", () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ autoCreateTopics: false, logger: quietLogger() });
    client = await RawClient.connect(broker.bootstrap);
    const created = await client.request(Api.createTopics, 4, {
      topics: [
        { name: "plain", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        {
          name: "small",
          numPartitions: 1,
          replicationFactor: -1,
          assignments: [],
          configs: [{ name: "max.message.bytes", value: "500" }],
        },
        {
          name: "durable",
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: "min.insync.replicas", value: "2" }],
        },
        {
          name: "compacted",
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: "cleanup.policy", value: "compact" }],
        },
        {
          name: "recent",
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: [
            { name: "message.timestamp.before.max.ms", value: "60000" },
            { name: "message.timestamp.after.max.ms", value: "60000" },
          ],
        },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(created.topics.map((t) => t.errorCode)).toEqual([0, 0, 0, 0, 0]);
  });

  afterAll(async () => {
    client.close();
    await broker.close();
  });

  async function produce(topic: string, records: Buffer | null, acks = -1, version = 7) {
    const response = await client.request(Api.produce, version, {
      transactionalId: null,
      acks,
      timeoutMs: 1000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
    });
    return response.responses[0]!.partitionResponses[0]!;
  }

  const batch = (value = "v") => buildBatch([{ key: null, value: Buffer.from(value) }]);

  it("answers with the base offset, log start offset and no append time on CreateTime topics", async () => {
    expect(await produce("plain", batch())).toEqual({
      index: 0,
      errorCode: 0,
      baseOffset: 0,
      logAppendTimeMs: -1,
      logStartOffset: 0,
      // v8's fields, absent from v7: decoded as their defaults.
      recordErrors: [],
      errorMessage: null,
    });
    expect(
      (
        await produce(
          "plain",
          buildBatch([
            { key: null, value: null },
            { key: null, value: null },
          ]),
          1,
        )
      ).baseOffset,
    ).toBe(1);
    expect((await produce("plain", batch(), -1, 3)).baseOffset).toBe(3);
  });

  it("refuses a batch whose CRC does not match", async () => {
    const corrupt = batch("payload");
    corrupt[corrupt.length - 1]! ^= 0xff;
    expect((await produce("plain", corrupt)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it("refuses two batches in one partition, empty records and control batches from clients", async () => {
    expect((await produce("plain", Buffer.concat([batch(), batch()]))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await produce("plain", null)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    const control = buildBatch([{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }], {
      attributes: 0x30,
    });
    expect((await produce("plain", control)).errorCode).toBe(ErrorCode.INVALID_RECORD);
  });

  it("refuses batches over the topic's max.message.bytes", async () => {
    expect((await produce("small", batch("x".repeat(100)))).errorCode).toBe(ErrorCode.NONE);
    const answer = await produce("small", batch("x".repeat(600)));
    expect(answer).toMatchObject({ errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1 });
  });

  it("takes acks=-1 though min.insync.replicas exceeds the single replica: Kafka caps it at the replica count", async () => {
    expect((await produce("durable", batch(), -1)).errorCode).toBe(ErrorCode.NONE);
    expect((await produce("durable", batch(), 1)).errorCode).toBe(ErrorCode.NONE);
  });

  it("refuses CreateTime records outside message.timestamp.before/after.max.ms", async () => {
    const at = (timestamp: number) => buildBatch([{ key: null, value: Buffer.from("t"), timestamp }]);
    expect((await produce("recent", at(Date.now()))).errorCode).toBe(ErrorCode.NONE);
    expect((await produce("recent", at(Date.now() - 3_600_000))).errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect((await produce("recent", at(Date.now() + 3_600_000))).errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect((await produce("plain", at(0))).errorCode).toBe(ErrorCode.NONE);
  });

  it("answers INVALID_REQUIRED_ACKS and UNKNOWN_TOPIC_OR_PARTITION per partition", async () => {
    expect((await produce("plain", batch(), 2)).errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    expect((await produce("missing", batch())).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  describe("compressed batches, opened on every topic as Kafka does", () => {
    const GZIP = 1;
    const SNAPPY = 2;
    const LZ4 = 3;
    const records = encodeRecords([
      { key: Buffer.from("k1"), value: Buffer.from("v1") },
      { key: Buffer.from("k2"), value: Buffer.from("v2") },
    ]);

    it("answers a payload that does not decompress with Kafka's UNKNOWN_SERVER_ERROR, and stores nothing", async () => {
      const gzip = gzipSync(records);
      const damaged = Buffer.from(gzip);
      damaged[12]! ^= 0x55;
      const payloads: [string, Buffer, number][] = [
        ["not gzip", Buffer.from("not gzip at all"), GZIP],
        ["truncated gzip", gzip.subarray(0, gzip.length - 12), GZIP],
        ["damaged deflate data", damaged, GZIP],
        ["not an lz4 frame", Buffer.from("not an lz4 frame"), LZ4],
        ["not snappy", Buffer.from([0x0a, 0xff, 0xff, 0xff]), SNAPPY],
      ];
      const keyed = () => buildBatch([{ key: Buffer.from("k"), value: Buffer.from("v") }]);
      for (const topic of ["plain", "compacted"]) {
        const before = (await produce(topic, keyed())).baseOffset;
        for (const [what, payload, codec] of payloads) {
          const answer = await produce(topic, batchWithPayload(2, payload, codec));
          expect({ topic, what, errorCode: answer.errorCode }).toEqual({
            topic,
            what,
            errorCode: ErrorCode.UNKNOWN_SERVER_ERROR,
          });
        }
        expect((await produce(topic, keyed())).baseOffset).toBe(before + 1);
      }
    });

    it("answers records that do not parse inside a valid compressed payload with INVALID_RECORD", async () => {
      const cases: [string, Buffer, number][] = [
        ["zeros", gzipSync(Buffer.alloc(1000)), 2],
        ["one record more than declared", gzipSync(records), 1],
        ["one record less than declared", gzipSync(records), 3],
        ["bytes after the records", gzipSync(Buffer.concat([records, Buffer.from([0, 0])])), 2],
      ];
      for (const [what, payload, count] of cases) {
        const answer = await produce("plain", batchWithPayload(count, payload, GZIP));
        expect({ what, errorCode: answer.errorCode }).toEqual({ what, errorCode: ErrorCode.INVALID_RECORD });
      }
      expect((await produce("plain", batchWithPayload(2, gzipSync(records), GZIP))).errorCode).toBe(ErrorCode.NONE);
    });

    it("stops decompressing at max.message.bytes and answers MESSAGE_TOO_LARGE", async () => {
      // 3000 bytes of records that gzip to a few dozen, on a topic with max.message.bytes 500.
      const large = encodeRecords([{ key: Buffer.from("k"), value: Buffer.alloc(3000, "x") }]);
      const compressed = batchWithPayload(1, gzipSync(large), GZIP);
      expect(compressed.length).toBeLessThan(500);
      expect(await produce("small", compressed)).toMatchObject({
        errorCode: ErrorCode.MESSAGE_TOO_LARGE,
        baseOffset: -1,
      });
      expect((await produce("plain", compressed)).errorCode).toBe(ErrorCode.NONE);
    });
  });
});
