// Window and session stores queried over every local task (Kafka Streams'
// CompositeReadOnlyWindowStore and CompositeReadOnlySessionStore): one instance holds the
// three tasks of a three-partition topic; windowStore(name) and sessionStore(name), without
// a task, answer a key's windows and sessions from whichever task holds it, and fetchAll /
// all across all three, as the per-task stores together hold them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, SessionWindows, StreamsBuilder, TimeWindows } from "../../src/index.js";
import { StoreNotQueryableError } from "../../src/runtime/errors.js";
import {
  createTopic,
  eventually,
  failedInstance,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

// Recent times, a whole minute: windowed changelogs are compact,delete with retention.ms =
// retention + 1 day, as Kafka Streams makes them, so Apache Kafka deletes records stamped long ago.
const T0 = Date.now() - (Date.now() % 60_000) - 3_600_000;
const KEYS = ["alice", "bob", "carol", "dave", "erin", "frank"];

async function collect<T>(entries: AsyncIterableIterator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

describe("window and session stores over every local task", () => {
  let cluster: TestCluster;
  let stateDir: string;
  let streams: KafkaStreams;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-window-queries-"));
    await createTopic(cluster.kafka, "clicks", 3);
    const builder = new StreamsBuilder();
    const grouped = builder.stream("clicks", { key: Serdes.string(), value: Serdes.string() }).groupByKey();
    // Kept an hour: with the default retention (size + grace, gap + grace) the first window and
    // session expire once the third click arrives, and queries no longer show them, as in Kafka Streams.
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10_000)).count({ store: "clicks-per-10s", retention: 3_600_000 });
    grouped
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5_000))
      .count({ store: "click-sessions", retention: 3_600_000 });
    const producer = cluster.kafka.producer();
    await producer.connect();
    // Each key: two clicks in the first 10 s window, one in the next.
    await producer.send({
      topic: "clicks",
      acks: -1,
      // In time order: the windows have no grace.
      messages: [0, 4_000, 12_000].flatMap((offset) =>
        KEYS.map((key) => ({ key, value: "c", timestamp: String(T0 + offset) })),
      ),
    });
    await producer.disconnect();
    streams = new KafkaStreams(
      builder.build(),
      testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "window-queries" }),
      { logger: silentLogger, api: false },
    );
    await streams.start();
    await eventually(
      async () => {
        try {
          const all = await collect(streams.windowStore<string, number>("clicks-per-10s").all());
          return all.reduce((sum, { value }) => sum + value, 0) === 3 * KEYS.length ? all : undefined;
        } catch (error) {
          if (error instanceof StoreNotQueryableError) return undefined;
          throw error;
        }
      },
      30_000,
      "every click counted and committed",
      failedInstance(streams),
    );
  });

  afterAll(async () => {
    await streams?.close();
    await cluster?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("spans three tasks, and answers each key's windows from the task that holds it", async () => {
    const tasks = new Set(KEYS.map((key) => streams.queryMetadataForKey("clicks-per-10s", key).taskId));
    expect(tasks.size).toBeGreaterThan(1);
    const windows = streams.windowStore<string, number>("clicks-per-10s");
    // T0 starts a window: two clicks in [T0, T0 + 10 s), one in the next.
    const start = T0;
    for (const key of KEYS) {
      const forward = await collect(windows.fetch(key, 0, Number.MAX_SAFE_INTEGER));
      expect(forward).toEqual([
        { key: start, value: 2 },
        { key: start + 10_000, value: 1 },
      ]);
      expect(await collect(windows.backwardFetch(key, 0, Number.MAX_SAFE_INTEGER))).toEqual([...forward].reverse());
      expect(await windows.fetch(key, start)).toBe(forward[0]!.value);
      const perTask = streams.windowStore<string, number>(
        "clicks-per-10s",
        streams.queryMetadataForKey("clicks-per-10s", key).taskId,
      );
      expect(await collect(perTask.fetch(key, 0, Number.MAX_SAFE_INTEGER))).toEqual(forward);
    }
    expect(await collect(windows.fetch("nobody", 0, Number.MAX_SAFE_INTEGER))).toEqual([]);
    expect(await windows.fetch("nobody", start)).toBeUndefined();
  });

  it("fetchAll and all go through every task", async () => {
    const windows = streams.windowStore<string, number>("clicks-per-10s");
    const all = await collect(windows.fetchAll(0, Number.MAX_SAFE_INTEGER));
    expect(new Set(all.map((w) => w.key.key))).toEqual(new Set(KEYS));
    expect(all.reduce((sum, w) => sum + w.value, 0)).toBe(3 * KEYS.length);
    expect(await collect(windows.all())).toEqual(all);
    const backward = await collect(windows.backwardFetchAll(0, Number.MAX_SAFE_INTEGER));
    expect(backward).toHaveLength(all.length);
  });

  it("finds each key's sessions from the task that holds it", async () => {
    const sessions = streams.sessionStore<string, number>("click-sessions");
    for (const key of KEYS) {
      // 8 s between the second and third clicks, the gap 5 s: two sessions.
      const first = { key: { key, window: { start: T0, end: T0 + 4_000 } }, value: 2 };
      const second = { key: { key, window: { start: T0 + 12_000, end: T0 + 12_000 } }, value: 1 };
      expect(await collect(sessions.fetch(key))).toEqual([first, second]);
      expect(await collect(sessions.findSessions(key, T0 + 5_000, T0 + 12_000))).toEqual([second]);
      expect(await sessions.fetchSession(key, T0, T0 + 4_000)).toBe(2);
    }
    expect(await collect(sessions.fetch("nobody"))).toEqual([]);
    expect(await sessions.fetchSession("nobody", T0, T0)).toBeUndefined();
  });

  it("names the store that is not of the kind asked for", () => {
    expect(() => streams.windowStore("click-sessions")).toThrow(StoreNotQueryableError);
    expect(() => streams.sessionStore("clicks-per-10s")).toThrow("is a window store, not a session store");
    expect(() => streams.windowStore("nope")).toThrow('The topology has no store "nope"');
  });
});
