// A versioned table on Kafka: its changelog is Kafka Streams' (one record per version, the
// plain key and value, the version's timestamp as the record's; min.compaction.lag.ms =
// history retention + 24 h), and an instance that starts without local state restores the
// history from it, so a late stream record still joins the row valid at its time, and the
// store's stream time with it, so a record older than the history joins no row, as before.
//
// The versions' timestamps are recent, as a live application's are: min.compaction.lag.ms keeps
// a version from the cleaner only until its timestamp is that old in the broker's clock. Versions
// stamped years ago (this test once used 2023's) are compacted down to each key's last record as
// soon as their segment closes, and on Kafka the commit marker closes it (segment.ms counts in
// record time, from the segment's first batch: test/broker/log/partition-log.test.ts), so a
// restore got only 1.2 and o1 joined null, whenever the cleaner ran before the restore. Kafka
// Streams' versioned changelogs have the same contract.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, Stores, StreamsBuilder } from "../../src/index.js";
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

// Ten minutes ago, on a whole second.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
const HOUR = 3_600_000;
const strings = { key: Serdes.string(), value: Serdes.string() };

function ratesTopology() {
  const builder = new StreamsBuilder();
  const rates = builder.table("vt-rates", { ...strings, ...Stores.persistentVersionedKeyValueStore("rates", HOUR) });
  builder
    .stream("vt-orders", strings)
    .leftJoin(rates, (order: string, rate: string | null) => `${order}@${String(rate)}`)
    .to("vt-out", strings);
  return builder.build();
}

describe("a versioned table on Kafka", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-versioned-"));
    for (const topic of ["vt-rates", "vt-orders", "vt-out"]) await createTopic(cluster.kafka, topic, 1);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("changelogs every version as Kafka Streams does and restores the history on an instance without local state", async () => {
    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "vt" });
    const record = (key: string, value: string, offsetMs: number) => ({
      partition: 0,
      key,
      value,
      timestamp: String(T0 + offsetMs),
    });
    const first = new KafkaStreams(ratesTopology(), config, { logger: silentLogger, api: false });
    await first.start();
    try {
      await produce(cluster.kafka, "vt-rates", [
        record("EUR", "0.9", -2 * HOUR), // older than the history once 1.0 arrives, yet a version a read may reach
        record("EUR", "1.0", 10),
        record("EUR", "1.2", 30),
        record("EUR", "1.1", 20), // out of order: a version of the past
      ]);
      const changelog = await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "vt-rates-changelog");
          return records.length >= 4 ? records : undefined;
        },
        20_000,
        "the versioned store's changelog",
        failedInstance(first),
      );
      // One record per version. Kafka Streams logs them in put order; Eddy logs a commit's
      // versions of a key in time order (its overlay is ordered by row), which restores the same history.
      expect(
        changelog
          .map((r) => [r.key?.toString(), r.value?.toString(), r.timestamp])
          .sort((a, b) => Number(a[2]) - Number(b[2])),
      ).toEqual([
        ["EUR", "0.9", T0 - 2 * HOUR],
        ["EUR", "1.0", T0 + 10],
        ["EUR", "1.1", T0 + 20],
        ["EUR", "1.2", T0 + 30],
      ]);
      const admin = cluster.kafka.admin();
      await admin.connect();
      try {
        const described = await admin.describeConfigs({
          resources: [
            { type: 2, name: "vt-rates-changelog", configNames: ["min.compaction.lag.ms", "cleanup.policy"] },
          ],
          includeSynonyms: false,
        });
        const entries = Object.fromEntries(
          described.resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]),
        );
        expect(entries).toEqual({ "min.compaction.lag.ms": String(HOUR + 86_400_000), "cleanup.policy": "compact" });
      } finally {
        await admin.disconnect();
      }
    } finally {
      await first.close();
    }

    await rm(stateDir, { recursive: true, force: true });
    const second = new KafkaStreams(ratesTopology(), config, { logger: silentLogger, api: false });
    await second.start();
    try {
      await produce(cluster.kafka, "vt-orders", [
        record("EUR", "o1", 25),
        record("EUR", "o2", 40),
        record("EUR", "o0", 5),
        // Older than the restored history (it starts an hour before 1.2): no rate, as before the
        // restore, because the restore brought the store's stream time back with its versions.
        record("EUR", "o-old", -90 * 60_000),
      ]);
      const out = await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "vt-out");
          return records.length >= 4 ? records : undefined;
        },
        30_000,
        "the joined orders",
        failedInstance(second),
      );
      expect(out.map((r) => [r.value?.toString(), r.timestamp])).toEqual([
        ["o1@1.1", T0 + 25],
        ["o2@1.2", T0 + 40],
        ["o0@0.9", T0 + 5],
        ["o-old@null", T0 - 90 * 60_000],
      ]);
    } finally {
      await second.close();
    }
  });
});
