// A key-changing operation goes through a repartition topic, as in Kafka Streams: the
// runtime creates it with its upstream's partition count, the downstream sub-topology's
// tasks read it, and records already processed and committed are deleted from it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import { createKafkaClient } from "../../src/kafka/client.js";
import { PartitionReader } from "../../src/kafka/partition-reader.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import {
  createTopic,
  eventually,
  failedInstance,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

/** Page views keyed by page, counted per visitor (the value): the key changes, hence a repartition topic. */
function perVisitorTopology() {
  const builder = new StreamsBuilder();
  builder
    .stream("page-views", { key: Serdes.string(), value: Serdes.string() })
    .groupBy((_page, visitor) => visitor, { key: Serdes.string(), name: "by-visitor" })
    .count({ store: "views-per-visitor" })
    .toStream()
    .to("views-per-visitor-out", { key: Serdes.string(), value: Serdes.long() });
  return builder.build();
}

describe("repartition topics", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-repartition-"));
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("are created, read by the downstream tasks, and purged once processed", async () => {
    await createTopic(cluster.kafka, "page-views", 3);
    await createTopic(cluster.kafka, "views-per-visitor-out", 3);
    const views = Array.from({ length: 900 }, (_, i) => ({ key: `/page/${i % 13}`, value: `visitor-${i % 17}` }));
    await produce(
      cluster.kafka,
      "page-views",
      views.map((v) => ({ ...v, partition: partitionForKey(Buffer.from(v.key), 3) })),
    );
    const streams = new KafkaStreams(
      perVisitorTopology(),
      testStreamsConfig(cluster.bootstrap, stateDir, {
        applicationId: "views",
        repartitionPurgeIntervalMs: 200,
        // Every update downstream (no record cache): the test counts them.
        cacheMaxBytes: 0,
      }),
      { logger: silentLogger },
    );
    await streams.start();
    try {
      const out = await eventually(
        async () => {
          const records = await readCommitted(cluster.bootstrap, "views-per-visitor-out");
          return records.length >= views.length ? records : undefined;
        },
        20_000,
        "the counts",
        failedInstance(streams),
      );
      const last = new Map(out.map((r) => [r.key?.toString(), Serdes.long().deserialize(r.value as Buffer)]));
      for (let v = 0; v < 17; v += 1)
        expect(last.get(`visitor-${v}`)).toBe(views.filter((x) => x.value === `visitor-${v}`).length);
      expect(streams.assignedTasks().active).toEqual(["0_0", "0_1", "0_2", "1_0", "1_1", "1_2"]);

      const reader = await PartitionReader.connect(
        createKafkaClient({ clientId: "t", brokers: [cluster.bootstrap], logger: silentLogger }),
        "t",
      );
      const repartition = [0, 1, 2].map((partition) => ({ topic: "views-by-visitor-repartition", partition }));
      await eventually(
        async () => {
          const [starts, ends] = await Promise.all([
            reader.beginningOffsets(repartition),
            reader.endOffsets(repartition),
          ]);
          const purged = repartition.every((tp) => {
            const key = `${tp.topic}|${tp.partition}`;
            return (ends.get(key) ?? 0) === 0 || (starts.get(key) ?? 0) > 0;
          });
          return purged ? true : undefined;
        },
        20_000,
        "processed repartition records to be deleted",
      );
      await reader.close();
    } finally {
      await streams.close();
    }
  });
});
