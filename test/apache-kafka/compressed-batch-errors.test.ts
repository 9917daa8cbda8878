// What Apache Kafka answers a Produce whose compressed batch does not decompress, and the
// embedded broker beside it: the same batches (not gzip, truncated gzip, damaged deflate
// data, not an lz4 frame, not snappy, records that do not parse inside valid gzip) to both,
// on a normal and a compacted topic, must get the same error code and leave the log as it
// was. (Kafka answers UNKNOWN_SERVER_ERROR, not CORRUPT_MESSAGE: its decompressing stream
// throws a KafkaException outside Produce's error mapping.) Runs under `npm run test:kafka`
// (it needs Java).
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { Api } from "../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../src/broker/protocol/error-codes.js";
import { startApacheKafka } from "../support/apache-kafka/index.js";
import type { ApacheKafka } from "../support/apache-kafka/index.js";
import { DEFAULT_KAFKA_LINE, KAFKA_RELEASES } from "../support/apache-kafka/versions.js";
import { testKafkaSelection } from "../support/kafka-under-test/kafka-under-test.js";
import { RawClient } from "../broker/support/raw-client.js";
import { quietLogger } from "../broker/support/quiet-logger.js";
import { batchWithPayload, buildBatch, encodeRecords } from "../broker/support/record-batch-builder.js";

const selection = testKafkaSelection();
const line = selection.kind === "apache" ? selection.line : DEFAULT_KAFKA_LINE;

const GZIP = 1;
const SNAPPY = 2;
const LZ4 = 3;
const TOPICS = ["plain", "compacted"] as const;

const records = encodeRecords([
  { key: Buffer.from("k1"), value: Buffer.from("v1") },
  { key: Buffer.from("k2"), value: Buffer.from("v2") },
]);
const gzip = gzipSync(records);
const damaged = Buffer.from(gzip);
damaged[12]! ^= 0x55;

const CASES: [string, Buffer][] = [
  ["not gzip", batchWithPayload(2, Buffer.from("not gzip at all"), GZIP)],
  ["truncated gzip", batchWithPayload(2, gzip.subarray(0, gzip.length - 12), GZIP)],
  ["damaged deflate data", batchWithPayload(2, damaged, GZIP)],
  ["not an lz4 frame", batchWithPayload(2, Buffer.from("not an lz4 frame"), LZ4)],
  ["not snappy", batchWithPayload(2, Buffer.from([0x0a, 0xff, 0xff, 0xff]), SNAPPY)],
  ["zeros inside valid gzip", batchWithPayload(2, gzipSync(Buffer.alloc(1000)), GZIP)],
  ["one record more than declared", batchWithPayload(1, gzip, GZIP)],
];

let kafka: ApacheKafka;
let broker: RunningBroker;
const clients: RawClient[] = [];

async function createTopics(client: RawClient): Promise<void> {
  const answer = await client.request(Api.createTopics, 4, {
    topics: TOPICS.map((name) => ({
      name,
      numPartitions: 1,
      replicationFactor: -1,
      assignments: [],
      configs: name === "compacted" ? [{ name: "cleanup.policy", value: "compact" }] : [],
    })),
    timeoutMs: 30_000,
    validateOnly: false,
  });
  expect(answer.topics.map((t) => t.errorCode)).toEqual([0, 0]);
}

/** One Produce; a KRaft broker answers NOT_LEADER / UNKNOWN_TOPIC until the new topic's leader is known. */
async function produce(client: RawClient, topic: string, batch: Buffer): Promise<{ errorCode: number; base: number }> {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await client.request(Api.produce, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
    });
    const partition = answer.responses[0]!.partitionResponses[0]!;
    const retriable =
      partition.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
      partition.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (!retriable || attempt > 100) return { errorCode: partition.errorCode, base: Number(partition.baseOffset) };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Each case's error code on each topic, and whether the log moved by exactly the two good batches around them. */
async function answers(client: RawClient): Promise<Record<string, number | boolean>> {
  const out: Record<string, number | boolean> = {};
  const good = () => buildBatch([{ key: Buffer.from("k"), value: Buffer.from("v") }]);
  for (const topic of TOPICS) {
    const before = await produce(client, topic, good());
    for (const [what, batch] of CASES) out[`${topic}: ${what}`] = (await produce(client, topic, batch)).errorCode;
    out[`${topic}: nothing stored`] = (await produce(client, topic, good())).base === before.base + 1;
  }
  return out;
}

beforeAll(async () => {
  kafka = await startApacheKafka({ line });
  broker = await startBroker({ port: 0, autoCreateTopics: false, logger: quietLogger() });
  for (const bootstrap of [kafka.bootstrap, broker.bootstrap]) {
    const client = await RawClient.connect(bootstrap.split(",")[0]!);
    clients.push(client);
    await createTopics(client);
  }
});

afterAll(async () => {
  for (const client of clients) client.close();
  await broker?.close();
  await kafka?.stop({ kill: true });
});

describe(`a compressed batch that does not decompress, on Apache Kafka ${KAFKA_RELEASES[line].version} and the embedded broker`, () => {
  it("gets the same error code from both, and nothing is stored", async () => {
    const [apache, embedded] = [await answers(clients[0]!), await answers(clients[1]!)];
    // Every bad batch refused (Kafka 3.9.2 and 4.4.0 answer UNKNOWN_SERVER_ERROR when the payload
    // does not decompress, INVALID_RECORD when its records do not parse), the good ones stored.
    for (const [what, answer] of Object.entries(apache)) {
      expect({ what, refused: answer === true || (typeof answer === "number" && answer !== 0) }).toEqual({
        what,
        refused: true,
      });
    }
    expect(embedded).toEqual(apache);
  });
});
