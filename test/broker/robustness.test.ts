// Bad input on one connection costs that connection at most: the broker answers what
// Kafka answers (UNSUPPORTED_VERSION for ApiVersions) or closes it, and keeps serving.
import { Writable } from "node:stream";
import type { Kafka } from "kafkajs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { Api } from "../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../src/broker/protocol/error-codes.js";
import { ByteReader } from "../../src/bytes/byte-reader.js";
import { consume, kafkaClient } from "./support/kafkajs.js";
import { RawClient } from "./support/raw-client.js";

function header(apiKey: number, version: number, correlationId: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(4 + 2 + 2 + 4 + 2);
  head.writeInt32BE(2 + 2 + 4 + 2 + body.length, 0);
  head.writeInt16BE(apiKey, 4);
  head.writeInt16BE(version, 6);
  head.writeInt32BE(correlationId, 8);
  head.writeInt16BE(-1, 12);
  return Buffer.concat([head, body]);
}

describe("the broker under bad input", () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let round = 0;
  const logLines: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: "warn" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    }),
  );

  beforeAll(async () => {
    broker = await startBroker({ autoCreateTopics: false, groupMinSessionTimeoutMs: 500, logger });
    kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "steady", numPartitions: 1 }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    await broker.close();
  });

  /** A well-behaved client creates a topic, produces and consumes on the same broker meanwhile. */
  async function othersCarryOn(): Promise<void> {
    round += 1;
    const topic = `steady-${round}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: `round-${round}` }] });
    await producer.disconnect();
    const got = await consume(kafka, topic, 1, `readers-${round}`);
    expect(got[0]!.message.value!.toString()).toBe(`round-${round}`);
  }

  async function expectClosed(client: RawClient): Promise<void> {
    await client.closed;
    expect(client.isClosed).toBe(true);
  }

  it("closes a connection that sends a malformed request", async () => {
    const client = await RawClient.connect(broker.bootstrap);
    // Metadata v1 whose topic array claims 5 names but carries 3 bytes.
    client.writeRaw(header(Api.metadata.spec.apiKey, 1, 1, Buffer.from([0, 0, 0, 5, 0, 1, 0x61])));
    await expectClosed(client);
    await othersCarryOn();
  });

  it("closes a connection that sends an unknown API key", async () => {
    const client = await RawClient.connect(broker.bootstrap);
    client.writeRaw(header(999, 0, 1));
    await expectClosed(client);
    expect(logLines.some((line) => line.level === 40 && line.msg.includes("unknown API key 999"))).toBe(true);
    await othersCarryOn();
  });

  it("closes a connection that asks for a version it does not support", async () => {
    const client = await RawClient.connect(broker.bootstrap);
    client.writeRaw(header(Api.fetch.spec.apiKey, 99, 1));
    await expectClosed(client);
    await othersCarryOn();
  });

  it("closes a connection announcing a frame over the request size limit, without waiting for it", async () => {
    const client = await RawClient.connect(broker.bootstrap);
    const size = Buffer.alloc(4);
    size.writeInt32BE(200 * 1024 * 1024, 0);
    client.writeRaw(size);
    await expectClosed(client);
    const negative = await RawClient.connect(broker.bootstrap);
    negative.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    await expectClosed(negative);
    await othersCarryOn();
  });

  it("answers an ApiVersions version it does not know with UNSUPPORTED_VERSION in a v0 body, and stays open", async () => {
    const client = await RawClient.connect(broker.bootstrap);
    const correlationId = client.nextId();
    const answer = client.awaitFrame(correlationId);
    // A v4 request: header v2 (tagged fields), compact strings in the body.
    const body = Buffer.concat([
      Buffer.from([0]),
      Buffer.from([5]),
      Buffer.from("test"),
      Buffer.from([4]),
      Buffer.from("1.0"),
      Buffer.from([0]),
    ]);
    client.writeRaw(header(Api.apiVersions.spec.apiKey, 4, correlationId, body));
    const frame = await answer;
    const reader = new ByteReader(frame, 4);
    const response = Api.apiVersions.decodeResponse(0, reader);
    expect(response.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(response.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 3 }]);
    expect(reader.remaining).toBe(0);
    const v3 = await client.request(Api.apiVersions, 3, {
      clientSoftwareName: "raw-test",
      clientSoftwareVersion: "1.0",
    });
    expect(v3.errorCode).toBe(ErrorCode.NONE);
    expect(v3.apiKeys.find((k) => k.apiKey === Api.fetch.spec.apiKey)).toEqual({
      apiKey: 1,
      minVersion: 4,
      maxVersion: 11,
    });
    const invalid = await client.request(Api.apiVersions, 3, {
      clientSoftwareName: "bad name",
      clientSoftwareVersion: "1.0",
    });
    expect(invalid.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    client.close();
  });

  it("never answers acks=0 produce, and closes the connection when such a produce fails", async () => {
    const client = await RawClient.connect(broker.bootstrap);
    const { buildBatch } = await import("./support/record-batch-builder.js");
    const silent = client.frame(Api.produce, 7, {
      transactionalId: null,
      acks: 0,
      timeoutMs: 1000,
      topicData: [
        {
          name: "steady",
          partitionData: [{ index: 0, records: buildBatch([{ key: null, value: Buffer.from("fire-and-forget") }]) }],
        },
      ],
    });
    let answered = false;
    void client.awaitFrame(silent.correlationId).then(
      () => (answered = true),
      () => undefined,
    );
    client.writeRaw(silent.bytes);
    // The next request's answer arrives first: nothing was written for the acks=0 one.
    const metadata = await client.request(Api.metadata, 1, { topics: [{ name: "steady" }] });
    expect(metadata.topics[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(answered).toBe(false);
    const offsets = await client.request(Api.listOffsets, 1, {
      replicaId: -1,
      topics: [{ name: "steady", partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
    });
    expect(offsets.topics[0]!.partitions[0]!.offset).toBeGreaterThan(0);

    const failing = client.frame(Api.produce, 7, {
      transactionalId: null,
      acks: 0,
      timeoutMs: 1000,
      topicData: [
        {
          name: "no-such-topic",
          partitionData: [{ index: 0, records: buildBatch([{ key: null, value: Buffer.from("x") }]) }],
        },
      ],
    });
    client.writeRaw(failing.bytes);
    await expectClosed(client);
    await othersCarryOn();
  });
});
