// kafkajs opens a socket at every Connection.connect() call, and calls it for every request
// made while the connection is down: requests sent side by side across a reconnect (one send
// per partition, the tasks' restores sharing one reader) opened a socket each, left all but one
// open, and queued writes on a socket still connecting ("11 connect listeners added",
// MaxListenersExceededWarning). connectOnce gives each connection one attempt at a time.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startBroker } from "../../../src/broker/index.js";
import type { RunningBroker } from "../../../src/broker/index.js";
import { createKafkaClient } from "../../../src/kafka/client.js";
import { IdempotentProducer } from "../../../src/kafka/idempotent-producer.js";
import { ClusterReader } from "../../../src/kafka/kafkajs/cluster-reader.js";
import { registerClient } from "../../../src/kafka/kafkajs/client-hooks.js";
import { PartitionReader } from "../../../src/kafka/partition-reader.js";
import type { ProducedRecord } from "../../../src/kafka/types.js";
import { createTopic, silentLogger } from "../../integration/support/kafka.js";

const PARTITIONS = 32;
const TOPIC = "many-partitions";
const sockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
const readOptions = { maxWaitMs: 10, maxBytes: 1 << 20, maxBytesPerPartition: 1 << 20 };
const positions = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition, offset: 0 }));

describe("one connect attempt per connection", () => {
  let dataDir: string;
  let broker: RunningBroker;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);

  /** The broker goes away and comes back on the same port: every client connection is closed. */
  async function restartBroker(): Promise<void> {
    const port = broker.port;
    await broker.close();
    broker = await startBroker({ port, dataDir, logger: silentLogger });
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "eddy-connect-once-"));
    broker = await startBroker({ port: 0, dataDir, logger: silentLogger });
    const admin = new kafkajs.Kafka({ clientId: "t", brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    await createTopic(admin, TOPIC, PARTITIONS);
  });

  afterAll(async () => {
    await broker.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    warnings.length = 0;
    process.on("warning", onWarning);
  });

  afterEach(() => {
    process.off("warning", onWarning);
  });

  /** Reads every partition side by side until one round succeeds (the first after a restart may meet a closed connection). */
  async function readAll(read: (position: (typeof positions)[number]) => Promise<unknown>): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const results = await Promise.allSettled(positions.map(read));
      if (results.every((r) => r.status === "fulfilled")) return;
    }
    throw new Error("the reads kept failing");
  }

  it("side-by-side reads and sends across a reconnect open one socket per connection and warn nothing", async () => {
    const baseline = sockets();
    const kafka = createKafkaClient({ clientId: "connect-once", brokers: [broker.bootstrap], logger: silentLogger });
    const reader = await PartitionReader.connect(kafka, "connect-once");
    const producer = new IdempotentProducer(kafka, 30_000);
    try {
      await producer.connect();
      const records: ProducedRecord[] = positions.map(({ partition }) => ({
        topic: TOPIC,
        partition,
        key: Buffer.from("k"),
        value: Buffer.from("v"),
      }));
      await producer.send(records);
      await readAll((p) => reader.read([p], readOptions));
      for (let round = 0; round < 3; round += 1) {
        await restartBroker();
        // Sends go one partition per call: 32 requests wait for the producer's reconnect.
        await Promise.all([producer.send(records), producer.send(records)]);
        await readAll((p) => reader.read([p], readOptions));
        // Both ends of each socket are in this process: the reader's and the producer's
        // connections to the broker (and a bootstrap one each) are a handful, not one per request.
        expect(sockets() - baseline).toBeLessThanOrEqual(16);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warnings.map((w) => w.message)).toEqual([]);
    } finally {
      await producer.close();
      await reader.close();
    }
  });

  it("is needed: without it kafkajs opens a socket per request waiting for the connection", async () => {
    const kafka = new kafkajs.Kafka({ clientId: "t", brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    // No fixes at all: kafkajs as it comes.
    registerClient(kafka, false, []);
    const reader = await ClusterReader.connect(kafka, "without-fix");
    try {
      const before = sockets();
      await readAll((p) => reader.fetch([p], readOptions));
      expect(sockets() - before).toBeGreaterThan(PARTITIONS);
    } finally {
      await reader.close();
    }
  });
});
