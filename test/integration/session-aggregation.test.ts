// A session count on Kafka, behind the record cache: its results (the sessions the store
// holds) are the TopologyTestDriver's; its changelog carries Kafka Streams' session keys
// (key bytes, 8-byte end, 8-byte start), a tombstone for a session merged away and none
// for the many that expired (Kafka Streams drops an expired segment without logging it),
// on a topic made compact,delete with retention.ms = retention + 1 day; an instance
// without local state restores the live sessions from it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, SessionWindows, StreamsBuilder, windowedToString } from "../../src/index.js";
import type { KafkaStreams as Streams } from "../../src/index.js";
import { TopologyTestDriver } from "../../src/testing/index.js";
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

const MINUTE = 60_000;
// Recent times on a whole minute: the changelog deletes what is older than its retention.ms.
const T0 = Date.now() - (Date.now() % MINUTE) - 2 * 3_600_000;
const RETENTION = 2 * MINUTE;
const KEYS = ["alice", "bob", "carol"];

function sessionsTopology() {
  const builder = new StreamsBuilder();
  builder
    .stream("sa-visits", { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10_000))
    .count({ store: "sa-sessions", retention: RETENTION });
  return builder.build();
}

/** Each key once a minute for ten minutes (five times the retention), then alice again 5 s after her last visit. */
const VISITS = [
  ...Array.from({ length: 10 }, (_, m) => KEYS.map((key) => ({ key, timestamp: T0 + m * MINUTE }))).flat(),
  { key: "alice", timestamp: T0 + 9 * MINUTE + 5_000 },
];

async function collect<T>(entries: AsyncIterableIterator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

async function sessionsOf(store: { fetch(key: string): AsyncIterableIterator<{ key: unknown; value: number }> }) {
  const all: string[] = [];
  for (const key of KEYS) {
    for (const { key: windowed, value } of await collect(store.fetch(key)))
      all.push(`${windowedToString(windowed as never)}=${value}`);
  }
  return all;
}

describe("session aggregation on Kafka", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-sessions-"));
    await createTopic(cluster.kafka, "sa-visits", 1);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("holds the driver's sessions, logs no tombstone for an expired one, and restores the live ones", async () => {
    const driver = new TopologyTestDriver(sessionsTopology(), { applicationId: "sa" });
    const input = driver.createInputTopic("sa-visits", Serdes.string(), Serdes.string());
    for (const visit of VISITS) await input.pipeInput(visit.key, "visit", { timestamp: visit.timestamp });
    const expected = await sessionsOf(driver.getSessionStore<string, number>("sa-sessions"));
    await driver.close();
    // Stream time T0 + 9 min 5 s: the sessions that end after T0 + 7 min 5 s are live.
    expect(expected).toEqual([
      `[alice@${T0 + 8 * MINUTE}/${T0 + 8 * MINUTE}]=1`,
      `[alice@${T0 + 9 * MINUTE}/${T0 + 9 * MINUTE + 5_000}]=2`,
      `[bob@${T0 + 8 * MINUTE}/${T0 + 8 * MINUTE}]=1`,
      `[bob@${T0 + 9 * MINUTE}/${T0 + 9 * MINUTE}]=1`,
      `[carol@${T0 + 8 * MINUTE}/${T0 + 8 * MINUTE}]=1`,
      `[carol@${T0 + 9 * MINUTE}/${T0 + 9 * MINUTE}]=1`,
    ]);

    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "sa" });
    const first = new KafkaStreams(sessionsTopology(), config, { logger: silentLogger, api: false });
    await first.start();
    try {
      await produce(
        cluster.kafka,
        "sa-visits",
        VISITS.map((v) => ({ partition: 0, key: v.key, value: "visit", timestamp: String(v.timestamp) })),
      );
      await eventually(
        async () => {
          const held = await sessionsOf(first.sessionStore<string, number>("sa-sessions", "0_0"));
          if (JSON.stringify(held) !== JSON.stringify(expected)) throw new Error(`held ${JSON.stringify(held)}`);
          return held;
        },
        20_000,
        "the driver's sessions",
        failedInstance(first),
      );
      // Kafka Streams' SessionKeySchema: key bytes, end, start. Every session was put; the one
      // alice's last visit merged away is deleted; the 24 that expired are not. (The last
      // transaction's records are readable once its markers are written, after the commit on Apache Kafka.)
      const mergedPut = `alice@${T0 + 9 * MINUTE}/${T0 + 9 * MINUTE + 5_000}`;
      const logged = await eventually(
        async () => {
          const records = (await readCommitted(cluster.broker.bootstrap, "sa-sa-sessions-changelog")).map((r) => {
            const key = r.key as Buffer;
            const at = key.length - 16;
            const window = `${key.subarray(0, at).toString()}@${Number(key.readBigInt64BE(at + 8))}/${Number(key.readBigInt64BE(at))}`;
            return r.value === null ? `delete ${window}` : window;
          });
          return records.includes(mergedPut) ? records : undefined;
        },
        20_000,
        "the changelog",
        failedInstance(first),
      );
      expect(logged.filter((record) => record.startsWith("delete"))).toEqual([
        `delete alice@${T0 + 9 * MINUTE}/${T0 + 9 * MINUTE}`,
      ]);
      // The merged-away session's put is folded into its delete when both fell in one commit.
      const merged = `alice@${T0 + 9 * MINUTE}/${T0 + 9 * MINUTE}`;
      const puts = new Set(logged.filter((record) => !record.startsWith("delete") && record !== merged));
      expect(puts.size).toBe(30);
      const admin = cluster.kafka.admin();
      await admin.connect();
      try {
        const described = await admin.describeConfigs({
          resources: [{ type: 2, name: "sa-sa-sessions-changelog", configNames: ["cleanup.policy", "retention.ms"] }],
          includeSynonyms: false,
        });
        const entries = Object.fromEntries(
          described.resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]),
        );
        expect(entries).toEqual({ "cleanup.policy": "compact,delete", "retention.ms": String(RETENTION + 86_400_000) });
      } finally {
        await admin.disconnect();
      }
    } finally {
      await first.close();
    }

    // No local state: the live sessions come back from the changelog, the expired ones stay out.
    await rm(stateDir, { recursive: true, force: true });
    const second: Streams = new KafkaStreams(sessionsTopology(), config, { logger: silentLogger, api: false });
    await second.start();
    try {
      await eventually(async () => (second.state() === "RUNNING" ? true : undefined), 20_000, "RUNNING");
      expect(await sessionsOf(second.sessionStore<string, number>("sa-sessions", "0_0"))).toEqual(expected);
    } finally {
      await second.close();
    }
  });
});
