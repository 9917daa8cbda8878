// The stream thread fetches at most 64 KiB per partition (512 KiB per fetch) to keep the
// instance's memory near its working set. Kafka answers a fetch with at least one whole
// record batch however small the limit (KIP-74), so records far larger than it still flow:
// here 200 KiB values among small ones, in order, each processed once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import { createTopic, eventually, produce, readCommitted, silentLogger, startTestCluster } from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

describe("fetch sizes", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-fetch-sizes-"));
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("passes records larger than a partition's fetch limit, in order, exactly once", async () => {
    await createTopic(cluster.kafka, "blobs", 2);
    await createTopic(cluster.kafka, "blob-sizes", 2);
    const big = 200 * 1024;
    const messages = Array.from({ length: 40 }, (_, i) => ({
      partition: i % 2,
      key: `k${i % 2}`,
      value: Buffer.alloc(i % 4 === 0 ? big + i : 10 + i, i),
    }));
    for (let i = 0; i < messages.length; i += 10) await produce(cluster.kafka, "blobs", messages.slice(i, i + 10));

    const builder = new StreamsBuilder();
    builder
      .stream("blobs", { key: Serdes.string(), value: Serdes.bytes() })
      .mapValues((value) => `${value.length}:${value[0]}`)
      .to("blob-sizes", { key: Serdes.string(), value: Serdes.string() });
    const streams = new KafkaStreams(
      builder.build(),
      { applicationId: "fetch-sizes", bootstrapServers: cluster.bootstrap, stateDir },
      { logger: silentLogger },
    );
    await streams.start();
    try {
      const out = await eventually(async () => {
        const records = await readCommitted(cluster.bootstrap, "blob-sizes");
        return records.length >= messages.length ? records : undefined;
      }, 60_000);
      // Each key's records in its input order (keys partition the output as a Java producer would).
      for (const key of ["k0", "k1"]) {
        const expected = messages.filter((m) => m.key === key).map((m) => `${m.value.length}:${m.value[0]}`);
        const got = out.filter((r) => r.key?.toString() === key).map((r) => r.value?.toString());
        expect(got).toEqual(expected);
      }
    } finally {
      await streams.close();
    }
  });
});
