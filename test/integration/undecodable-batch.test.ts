// The finding of issue 16: one 82-byte gzip batch that does not decompress, on every
// partition of account-commands, stopped the bank (every command answered 504 for minutes,
// kafkajs failing the fetch at that offset again and again) while /health said UP. Such a
// batch is now a record no consumer can read: it goes to the dead-letter topic as stored,
// with its offsets, and the commands after it are processed.
//
// The broker refuses such a batch on Produce now (as Apache Kafka does), so the test puts it
// where a broker that did not check (this one, before) left it: into the partition's log,
// written over a valid batch of the same size while the broker is stopped.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { Api } from "../../src/broker/protocol/apis.js";
import { crc32c } from "../../src/bytes/crc32c.js";
import { KafkaStreams } from "../../src/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { RawClient } from "../broker/support/raw-client.js";
import { batchWithPayload } from "../broker/support/record-batch-builder.js";
import {
  ACCOUNT_COMMANDS,
  ACCOUNT_EVENTS,
  VISITS,
  accountCommand,
  apiTestTopology,
  getJson,
  postJson,
} from "../api/support/cluster.js";
import { createTopic, eventually, readCommitted, silentLogger, testStreamsConfig } from "./support/kafka.js";
import { freePort } from "./support/ports.js";

const PARTITIONS = 4;
const APPLICATION_ID = "undecodable-bank";
const SNAPPY = 2;
const GZIP = 1;

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** One record of 19 bytes (key "acc-1", a 7-byte value) as a raw snappy payload of 21 bytes: a batch of 82. */
function validSnappyRecord(): Buffer {
  const body = Buffer.concat([
    Buffer.from([0, 0, 0]), // attributes, timestamp delta, offset delta
    Buffer.from([10]), // key length 5 (zigzag)
    Buffer.from("acc-x"),
    Buffer.from([14]), // value length 7
    Buffer.from('"12345"'),
    Buffer.from([0]), // no headers
  ]);
  const record = Buffer.concat([Buffer.from([body.length * 2]), body]);
  // Snappy: the uncompressed length, then one literal of it.
  return Buffer.concat([Buffer.from([record.length, (record.length - 1) << 2]), record]);
}

/** Rewrites the batch at `position` of a segment: gzip codec, `payload` as its records, a valid CRC. */
async function corruptBatch(segment: string, position: number, payload: Buffer): Promise<Buffer> {
  const bytes = await readFile(segment);
  const size = 12 + bytes.readInt32BE(position + 8);
  const batch = bytes.subarray(position, position + size);
  expect(payload.length).toBe(size - 61);
  batch.writeInt16BE((batch.readInt16BE(21) & ~0x07) | GZIP, 21);
  payload.copy(batch, 61);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
  await writeFile(segment, bytes);
  return Buffer.from(batch);
}

describe("a batch the application cannot decode", () => {
  it("is dead-lettered with its offsets on every partition of account-commands, and the bank goes on", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "eddy-undecodable-"));
    const stateDir = await mkdtemp(join(tmpdir(), "eddy-undecodable-state-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));

    // A broker with a data directory, the bank's topics, and one valid 82-byte batch per partition.
    let broker: RunningBroker = await startBroker({ port: 0, dataDir, logger: silentLogger });
    const setup = new kafkajs.Kafka({ brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    for (const topic of [VISITS, ACCOUNT_COMMANDS, ACCOUNT_EVENTS]) await createTopic(setup, topic, PARTITIONS);
    const raw = await RawClient.connect(broker.bootstrap);
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      const answer = await raw.request(Api.produce, 7, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [
          {
            name: ACCOUNT_COMMANDS,
            partitionData: [{ index: partition, records: batchWithPayload(1, validSnappyRecord(), SNAPPY) }],
          },
        ],
      });
      expect(answer.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
    raw.close();
    await broker.close();

    // Each becomes a gzip batch of 82 bytes that does not decompress (21 bytes of garbage).
    const corrupt: Buffer[] = [];
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      const segment = join(dataDir, `${ACCOUNT_COMMANDS}-${partition}`, "00000000000000000000.log");
      corrupt.push(await corruptBatch(segment, 0, Buffer.from("\x1f\x8b\x08 this is not gzip!", "latin1")));
    }
    expect(corrupt.map((b) => b.length)).toEqual([82, 82, 82, 82]);

    broker = await startBroker({ port: 0, dataDir, logger: silentLogger, groupMinSessionTimeoutMs: 1_000 });
    cleanups.push(() => broker.close());
    const port = await freePort();
    const streams = new KafkaStreams(
      apiTestTopology(),
      testStreamsConfig(broker.bootstrap, stateDir, {
        applicationId: APPLICATION_ID,
        applicationServer: `127.0.0.1:${port}`,
        processingGuarantee: "exactly_once",
      }),
      { logger: silentLogger, api: { commands: [{ topic: ACCOUNT_COMMANDS, schema: accountCommand }] } },
    );
    cleanups.push(() => streams.close({ timeout: 20_000 }));
    await streams.start();
    const url = streams.apiServer!.url;

    // A command on every partition, each behind its partition's undecodable batch.
    const keys: string[] = [];
    for (let i = 0; keys.length < PARTITIONS; i += 1) {
      const key = `acc-${i}`;
      if (partitionForKey(key, PARTITIONS) === keys.length) keys.push(key);
    }
    const answers = await Promise.all(
      keys.map((key) => postJson(`${url}/commands/${ACCOUNT_COMMANDS}?key=${key}`, { type: "open", owner: key })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);

    const letters = await eventually(async () => {
      const records = await readCommitted(broker.bootstrap, `${APPLICATION_ID}-dlq`);
      return records.length >= PARTITIONS ? records : undefined;
    });
    const header = (record: (typeof letters)[number], name: string) =>
      record.headers.find((h) => h.key === name)?.value?.toString();
    expect(
      letters
        .map((r) => ({
          code: header(r, "eddy-dlq-error-code"),
          topic: header(r, "eddy-dlq-topic"),
          partition: Number(header(r, "eddy-dlq-partition")),
          offsets: [header(r, "eddy-dlq-offset"), header(r, "eddy-dlq-last-offset")],
          value: r.value,
        }))
        .sort((a, b) => a.partition - b.partition),
    ).toEqual(
      corrupt.map((bytes, partition) => ({
        code: "EDDY_ERR_UNDECODABLE_BATCH",
        topic: ACCOUNT_COMMANDS,
        partition,
        offsets: ["0", "0"],
        value: bytes,
      })),
    );
    expect(header(letters[0]!, "eddy-dlq-error-message")).toContain("gzip payload does not decompress");

    const health = await getJson(`${url}/health`);
    expect(health).toMatchObject({ status: 200, body: { status: "UP" } });
    expect((await getJson(`${url}/ready`)).status).toBe(200);
  });
});
