// Output records the broker would refuse (larger than the topic's max.message.bytes, no
// key on a compacted topic): productionExceptionHandler "fail" stops the application
// before any of it is committed, as Kafka Streams' default; "continue" sends them to the
// dead-letter topic and goes on, every other record delivered. Topics whose
// max.message.bytes is below the producer's request size get batches that fit them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeadLetterHeaders,
  KafkaStreams,
  RecordTooLargeError,
  Serdes,
  StreamsBuilder,
  StreamsState,
} from "../../src/index.js";
import type { Topology } from "../../src/index.js";
import { lastHeader } from "../../src/kafka/types.js";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const strings = { key: Serdes.string(), value: Serdes.string() };

/** Values copied to `small` (max.message.bytes 2000); values starting "nokey" go keyless to the compacted `latest`. */
function copyTopology(prefix: string): Topology {
  const builder = new StreamsBuilder();
  const input = builder.stream(`${prefix}-in`, strings);
  input.filter((_key, value) => !value.startsWith("nokey")).to(`${prefix}-small`, strings);
  input
    .filter((_key, value) => value.startsWith("nokey"))
    .selectKey(() => null as unknown as string)
    .to(`${prefix}-latest`, strings);
  return builder.build();
}

async function topics(cluster: TestCluster, prefix: string): Promise<void> {
  await createTopic(cluster.kafka, `${prefix}-in`, 1);
  await createTopic(cluster.kafka, `${prefix}-small`, 1, { "max.message.bytes": "2000" });
  await createTopic(cluster.kafka, `${prefix}-latest`, 1, { "cleanup.policy": "compact" });
}

const text = (value: Buffer | null | undefined): string | undefined => value?.toString();

describe("productionExceptionHandler", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-production-"));
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('"fail" (the default) stops the application on a record too large for its topic; nothing of its transaction is committed', async () => {
    await topics(cluster, "fail");
    await produce(cluster.kafka, "fail-in", [
      { partition: 0, key: "a", value: "small" },
      { partition: 0, key: "b", value: "x".repeat(5000) },
      { partition: 0, key: "c", value: "after" },
    ]);
    const streams = new KafkaStreams(
      copyTopology("fail"),
      testStreamsConfig(cluster.broker.bootstrap, join(stateDir, "fail"), {
        applicationId: "fail",
        commitIntervalMs: 60_000,
      }),
      { logger: silentLogger, api: false },
    );
    await streams.start();
    try {
      await eventually(() => streams.state() === StreamsState.ERROR || undefined);
      expect(streams.fatalError).toBeInstanceOf(RecordTooLargeError);
      expect(streams.fatalError?.message).toMatch(/more than the 2000 that topic "fail-small" accepts/);
      expect(await readCommitted(cluster.broker.bootstrap, "fail-small")).toEqual([]);
    } finally {
      await streams.close();
    }
  });

  it('"continue" dead-letters refused records (a too-large one without its payload) and delivers all the others', async () => {
    await topics(cluster, "cont");
    // Enough 600-byte records that one partition batch of them would pass 2000 bytes.
    const many = Array.from({ length: 12 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `${i}`.padEnd(600, ".") }));
    await produce(cluster.kafka, "cont-in", [
      { partition: 0, key: "a", value: "small" },
      { partition: 0, key: "b", value: "y".repeat(5000) },
      { partition: 0, key: "n", value: "nokey-1" },
      ...many,
    ]);
    const streams = new KafkaStreams(
      copyTopology("cont"),
      testStreamsConfig(cluster.broker.bootstrap, join(stateDir, "continue"), {
        applicationId: "cont",
        productionExceptionHandler: "continue",
      }),
      { logger: silentLogger, api: false },
    );
    await streams.start();
    try {
      const delivered = await eventually(async () => {
        const records = await readCommitted(cluster.broker.bootstrap, "cont-small");
        return records.length >= 13 ? records : undefined;
      });
      expect(delivered.map((record) => text(record.key))).toEqual(["a", ...many.map((m) => m.key)]);
      const letters = await eventually(async () => {
        const records = await readCommitted(cluster.broker.bootstrap, "cont-dlq");
        return records.length >= 2 ? records : undefined;
      });
      const header = (index: number, name: string): string | undefined =>
        text(lastHeader(letters[index]?.headers ?? [], name));
      expect(header(0, DeadLetterHeaders.errorCode)).toBe("EDDY_ERR_RECORD_TOO_LARGE");
      expect(header(0, DeadLetterHeaders.targetTopic)).toBe("cont-small");
      expect(header(0, DeadLetterHeaders.topic)).toBe("cont-in");
      expect(header(0, DeadLetterHeaders.offset)).toBe("1");
      expect(header(0, DeadLetterHeaders.valueSize)).toBe("5000");
      expect(letters[0]?.value).toBeNull();
      expect(header(1, DeadLetterHeaders.errorCode)).toBe("EDDY_ERR_INVALID_RECORD");
      expect(header(1, DeadLetterHeaders.targetTopic)).toBe("cont-latest");
      expect(text(letters[1]?.value)).toBe("nokey-1");
      expect(await readCommitted(cluster.broker.bootstrap, "cont-latest")).toEqual([]);
      expect(streams.metrics().refusedRecords).toBe(2);
      expect(streams.state()).toBe(StreamsState.RUNNING);
    } finally {
      await streams.close();
    }
  });
});
