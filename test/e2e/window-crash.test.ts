// Hourly windowed counts, exactly-once, across kill -9: two instances as separate OS
// processes count 24 000 visits of 40 keys spread over 40 hours (1 h tumbling windows)
// while one of them is killed with SIGKILL in the middle of the stream, when many windows
// hold part of their records, and restarted. Afterwards every window's count, read over
// HTTP from either instance (routed to the owner) and as the last committed record of the
// output topic, equals the model's: nothing lost, nothing counted twice.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { Serdes } from "../../src/index.js";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  startTestCluster,
  testStreamsConfig,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";
import { HOUR_MS, HOURLY_VISITS, HOURLY_VISITS_OUT, VISITS } from "../integration/support/topologies.js";
import { freePort } from "../integration/support/ports.js";
import { StreamsProcess } from "./support/processes.js";

const PARTITIONS = 4;
const KEYS = Array.from({ length: 40 }, (_, i) => `page-${i}`);
const RECORDS = 24_000;
const BASE = Date.UTC(2026, 11, 1);
const APP = "hourly-e2e";

/** Record i: key i mod 40 (with a stride, so keys interleave), at BASE + i * 6 s: 600 a key, 40 hours. */
function visits(): Array<{ key: string; timestamp: number }> {
  return Array.from({ length: RECORDS }, (_, i) => ({
    key: KEYS[(i * 7) % KEYS.length] ?? "",
    timestamp: BASE + i * 6_000,
  }));
}

/** "key@start" -> count. */
function model(records: ReadonlyArray<{ key: string; timestamp: number }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    const id = `${r.key}@${Math.floor(r.timestamp / HOUR_MS) * HOUR_MS}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe("windowed counts exactly-once across kill -9", () => {
  let cluster: TestCluster;
  let root: string;
  const processes: StreamsProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-e2e-window-crash-"));
    await createTopic(cluster.kafka, VISITS, PARTITIONS);
    await createTopic(cluster.kafka, HOURLY_VISITS_OUT, PARTITIONS);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  it("counts every window exactly once while an instance is killed mid-window", { timeout: 180_000 }, async () => {
    const records = visits();
    const expected = model(records);
    const ports = { a: await freePort(), b: await freePort() };
    const start = (name: "a" | "b") => {
      const p = new StreamsProcess(name, {
        topology: "hourly-visits",
        config: testStreamsConfig(cluster.bootstrap, join(root, name), {
          applicationId: APP,
          applicationServer: `127.0.0.1:${ports[name]}`,
        }),
      });
      processes.push(p);
      return p;
    };
    let sent = 0;
    const sendUpTo = async (until: number) => {
      for (; sent < until; sent += 1_000) {
        const slice = records.slice(sent, Math.min(until, sent + 1_000));
        await produce(
          cluster.kafka,
          VISITS,
          slice.map((r) => ({
            key: r.key,
            value: "visit",
            timestamp: String(r.timestamp),
            partition: partitionForKey(Buffer.from(r.key), PARTITIONS),
          })),
        );
      }
      sent = until;
    };
    const outputs = async () => (await readCommitted(cluster.bootstrap, HOURLY_VISITS_OUT)).length;

    const [a, b] = [start("a"), start("b")];
    await Promise.all([a, b].map((p) => p.waitForState("RUNNING")));
    await sendUpTo(10_000);
    // Killed while it counts: the stream is in the middle of an hour (10 000 records is 16 h 40 min in).
    await eventually(async () => ((await outputs()) >= 200 ? true : undefined), 60_000, "first counts");
    await sendUpTo(14_000);
    await b.kill();
    await sendUpTo(18_000);
    const b2 = start("b");
    await b2.waitForState("RUNNING");
    await sendUpTo(RECORDS);

    // Every window over HTTP, from both instances: each answers for every key (forwarding).
    const windowed = Serdes.timeWindowed(Serdes.string(), HOUR_MS);
    await eventually(
      async () => {
        for (const port of [ports.a, ports.b]) {
          for (const key of KEYS) {
            const response = await fetch(
              `http://127.0.0.1:${port}/stores/${HOURLY_VISITS}/keys/${key}/windows?limit=1000`,
            );
            if (response.status !== 200) return undefined;
            const { windows } = (await response.json()) as { windows: Array<{ start: number; value: number }> };
            const want = [...expected].filter(([id]) => id.startsWith(`${key}@`));
            if (windows.length !== want.length) return undefined;
            for (const w of windows) if (expected.get(`${key}@${w.start}`) !== w.value) return undefined;
          }
        }
        return true;
      },
      120_000,
      "every window's count over HTTP",
    );
    const stored = new Map<string, number>();
    for (const port of [ports.a, ports.b]) {
      for (const key of KEYS) {
        const response = await fetch(`http://127.0.0.1:${port}/stores/${HOURLY_VISITS}/keys/${key}/windows?limit=1000`);
        const { windows } = (await response.json()) as { windows: Array<{ start: number; value: number }> };
        for (const w of windows) stored.set(`${key}@${w.start}`, w.value);
      }
    }
    expect(stored).toEqual(expected);

    // The output topic, read_committed: the last count of each window is the model's.
    const last = new Map<string, number>();
    for (const record of await readCommitted(cluster.bootstrap, HOURLY_VISITS_OUT)) {
      const key = windowed.deserialize(record.key ?? Buffer.alloc(0), { topic: HOURLY_VISITS_OUT, part: "key" });
      last.set(`${key.key}@${key.window.start}`, Number(record.value?.readBigInt64BE() ?? -1n));
    }
    expect(last).toEqual(expected);
    expect(b.events.some((e) => e.event === "closed")).toBe(false);
  });
});
