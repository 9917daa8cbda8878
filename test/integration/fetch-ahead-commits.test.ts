// Fetching ahead of processing never moves a committed offset: under exactly_once_v2 an
// instance closed in the middle of its input commits what its tasks processed (the next
// Fetch was already answered with later records), and the next instance goes on from there,
// so that every record is processed once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import {
  createTopic,
  eventually,
  produce,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const INPUT = "ahead-in";
const RECORDS = 3_000;
/** About 800 KB in all: a fetch (64 KiB a partition) brings a tenth of it. */
const PADDING = "p".repeat(200);

function topology(seen: number[]) {
  const builder = new StreamsBuilder();
  builder.stream(INPUT, { key: Serdes.string(), value: Serdes.string() }).processValues<string>(() => ({
    async process(record) {
      seen.push(Number(record.value.split(":")[0]));
      // Slow enough that the fetch ahead is answered long before a batch is done.
      if (seen.length % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  }));
  return builder.build();
}

describe("committed offsets while fetching ahead", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-fetch-ahead-"));
    await createTopic(cluster.kafka, INPUT, 1);
    // Small sends: many record batches, so that a fetch stops well before the end.
    for (let i = 0; i < RECORDS; i += 50)
      await produce(
        cluster.kafka,
        INPUT,
        Array.from({ length: 50 }, (_, j) => ({ partition: 0, key: `k${(i + j) % 7}`, value: `${i + j}:${PADDING}` })),
      );
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("are the processed positions, and the next instance processes each record once more never", async () => {
    const config = (name: string) =>
      testStreamsConfig(cluster.bootstrap, join(stateDir, name), {
        applicationId: "fetch-ahead",
        processingGuarantee: "exactly_once_v2",
      });
    const first: number[] = [];
    const a = new KafkaStreams(topology(first), config("a"), { logger: silentLogger, api: false });
    await a.start();
    await eventually(() => (first.length >= 500 ? true : undefined), 30_000, "the first instance under way");
    await a.close();
    expect(first.length).toBeLessThan(RECORDS);

    const admin = new KafkaAdmin(cluster.kafka, silentLogger);
    await admin.connect();
    try {
      const committed = await admin.committedOffsets("fetch-ahead", [{ topic: INPUT, partition: 0 }]);
      expect(committed.get(`${INPUT}|0`)).toBe(first.length);
    } finally {
      await admin.close();
    }

    const second: number[] = [];
    const b = new KafkaStreams(topology(second), config("b"), { logger: silentLogger, api: false });
    await b.start();
    try {
      await eventually(() => (first.length + second.length >= RECORDS ? true : undefined), 60_000, "the rest");
      expect([...first, ...second]).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
    } finally {
      await b.close();
    }
  });
});
