// Timestamped stores on Kafka: the changelog of a DSL store is what Kafka Streams writes
// (the plain value, the row's timestamp as the record's timestamp), and a store restored
// from it gets its timestamps back, so aggregates go on forwarding the right ones.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import {
  createTopic,
  eventually,
  failedInstance,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

// Stamped within the last hour: Apache Kafka's retention (7 days by default) deletes records
// stamped near 1970 at its next check, even from the active segment, and a later read or
// restore then finds them gone.
const T0 = Date.now() - (Date.now() % 60_000) - 60 * 60_000;

function countTopology() {
  const builder = new StreamsBuilder();
  builder
    .stream("events", { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ store: "counts" })
    .toStream()
    .to("counts-out");
  return builder.build();
}

describe("timestamped stores on Kafka", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-timestamped-"));
    await createTopic(cluster.kafka, "events", 1);
    await createTopic(cluster.kafka, "counts-out", 1);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  async function produceAt(key: string, offsetMs: number): Promise<void> {
    const producer = cluster.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "events",
      acks: -1,
      messages: [{ key, value: "v", timestamp: String(T0 + offsetMs), partition: 0 }],
    });
    await producer.disconnect();
  }

  async function outputs(count: number): Promise<Array<[string, number]>> {
    return eventually(async () => {
      const records = await readCommitted(cluster.broker.bootstrap, "counts-out");
      return records.length >= count
        ? records.map((r): [string, number] => [String(r.value?.readBigInt64BE(0)), r.timestamp - T0])
        : undefined;
    });
  }

  it("logs plain values stamped with their row's time, and restores the time with the value", async () => {
    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "ts", cacheMaxBytes: 0 });
    const first = new KafkaStreams(countTopology(), config, { logger: silentLogger, api: false });
    await first.start();
    await produceAt("a", 100);
    await produceAt("a", 50);
    expect(await outputs(2)).toEqual([
      ["1", 100],
      ["2", 100],
    ]);
    await eventually(
      async () => {
        const changelog = await readCommitted(cluster.broker.bootstrap, "ts-counts-changelog");
        const last = changelog[changelog.length - 1];
        // Kafka Streams' layout: the count as a plain 8-byte long, the row's timestamp on the record.
        return last?.value?.length === 8 && last.value.readBigInt64BE(0) === 2n && last.timestamp === T0 + 100
          ? true
          : undefined;
      },
      20_000,
      "the changelog record of count 2",
      failedInstance(first),
    );
    await first.close();

    // A new instance with no local state restores from the changelog.
    await rm(stateDir, { recursive: true, force: true });
    const second = new KafkaStreams(countTopology(), config, { logger: silentLogger, api: false });
    await second.start();
    await produceAt("a", 60);
    // Restored with its timestamp (100): the new count is still stamped 100, not 60.
    expect((await outputs(3))[2]).toEqual(["3", 100]);
    await second.close();
  });
});
