// Stream time comes back with restored state, as in Kafka Streams' segmented and versioned
// stores (AbstractRocksDBSegmentedBytesStore.restoreAllInternal, RocksDBVersionedStore.restoreBatch):
// - an instance that restores a window or session store from its changelog advances the
//   store's stream time with each restored record, skips and drops what has expired by it,
//   and its queries (windowStore, sessionStore, HTTP) show the live windows only, before
//   any new record arrives;
// - a standby does the same as it follows the changelog, and its state goes to the active
//   task with its stream time when it is promoted, a versioned store's included (an as-of
//   read older than the history answers nothing, as it did on the instance that left).
//
// Records are stamped within the last hours: windowed changelogs are compact,delete with
// retention.ms = retention + 1 day, as Kafka Streams makes them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KafkaStreams,
  Serdes,
  SessionWindows,
  Stores,
  StreamsBuilder,
  TimeWindows,
  windowedToString,
} from "../../src/index.js";
import type { StreamsConfig } from "../../src/index.js";
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
import { freePort } from "./support/ports.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Two hours ago, on a whole minute (window starts and segments line up with minutes).
const T0 = Date.now() - (Date.now() % MINUTE) - 2 * HOUR;
const RETENTION = 2 * MINUTE; // segments of a minute
const strings = { key: Serdes.string(), value: Serdes.string() };

/** One-minute windows and ten-second sessions, both kept for two minutes. */
function windowsTopology(topic: string) {
  const builder = new StreamsBuilder();
  const grouped = builder.stream(topic, strings).groupByKey();
  grouped
    .windowedBy(TimeWindows.ofSizeWithNoGrace(MINUTE))
    .count({ store: "rt-windows", retention: RETENTION, caching: false });
  grouped
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10_000))
    .count({ store: "rt-sessions", retention: RETENTION, caching: false });
  return builder.build();
}

/** "a" once a minute for six minutes (three times the retention), "b" at the last minute. */
function events(topic: string) {
  return [
    ...[0, 1, 2, 3, 4, 5].map((m) => ({ key: "a", value: `a${m}`, timestamp: T0 + m * MINUTE })),
    { key: "b", value: "b5", timestamp: T0 + 5 * MINUTE },
  ].map((e) => ({ partition: 0, key: e.key, value: e.value, timestamp: String(e.timestamp), topic }));
}

// Stream time is T0 + 5 min: a window or session is live when it starts (ends) after T0 + 3 min.
const LIVE_WINDOWS = [`[a@${T0 + 4 * MINUTE}/${T0 + 5 * MINUTE}]=1`, `[a@${T0 + 5 * MINUTE}/${T0 + 6 * MINUTE}]=1`];
const LIVE_ALL_WINDOWS = [...LIVE_WINDOWS, `[b@${T0 + 5 * MINUTE}/${T0 + 6 * MINUTE}]=1`];
const LIVE_SESSIONS = [`[a@${T0 + 4 * MINUTE}/${T0 + 4 * MINUTE}]=1`, `[a@${T0 + 5 * MINUTE}/${T0 + 5 * MINUTE}]=1`];

async function collect<T>(entries: AsyncIterableIterator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

/** What the instance's window and session stores answer for task 0_0. */
async function queried(streams: KafkaStreams, allowStale = false) {
  const windows = streams.windowStore<string, number>("rt-windows", "0_0", { allowStale });
  const sessions = streams.sessionStore<string, number>("rt-sessions", "0_0", { allowStale });
  return {
    a: (await collect(windows.fetch("a", T0, T0 + 10 * MINUTE))).map(({ key, value }) => `${key}=${value}`),
    backward: (await collect(windows.backwardFetch("a", T0, T0 + 10 * MINUTE))).map(({ key }) => key),
    all: (await collect(windows.fetchAll(T0, T0 + 10 * MINUTE))).map(
      ({ key, value }) => `${windowedToString(key)}=${value}`,
    ),
    expiredOne: await windows.fetch("a", T0 + 3 * MINUTE),
    liveOne: await windows.fetch("a", T0 + 5 * MINUTE),
    sessions: (await collect(sessions.fetch("a"))).map(({ key, value }) => `${windowedToString(key)}=${value}`),
  };
}

const EXPECTED = {
  a: [`${T0 + 4 * MINUTE}=1`, `${T0 + 5 * MINUTE}=1`],
  backward: [T0 + 5 * MINUTE, T0 + 4 * MINUTE],
  all: LIVE_ALL_WINDOWS,
  expiredOne: undefined,
  liveOne: 1,
  sessions: LIVE_SESSIONS,
};

/** The queries' answers once they equal the live windows; until then, what they answered (or why not) is the error. */
function settledOn(streams: KafkaStreams, allowStale = false) {
  return async () => {
    const answers = await queried(streams, allowStale);
    if (JSON.stringify(answers) === JSON.stringify(EXPECTED)) return answers;
    throw new Error(`the stores answered ${JSON.stringify(answers)}`);
  };
}

describe("stream time restored with windowed and versioned state", () => {
  let cluster: TestCluster;
  let root: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-restore-time-"));
    for (const topic of ["rt-events", "rts-events", "rtv-rates", "rtv-orders", "rtv-out"]) {
      await createTopic(cluster.kafka, topic, 1);
    }
  });

  afterAll(async () => {
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  it("restores a window and a session store with their stream time: queries show live windows only", async () => {
    const stateDir = join(root, "restore");
    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "rt" });
    const first = new KafkaStreams(windowsTopology("rt-events"), config, { logger: silentLogger, api: false });
    await first.start();
    try {
      // The first three minutes in a commit of their own, so that the changelog keeps windows
      // that expire later (within one commit, the store drops them before they are logged).
      await produce(cluster.kafka, "rt-events", events("rt-events").slice(0, 3));
      await eventually(
        async () => (await readCommitted(cluster.broker.bootstrap, "rt-rt-windows-changelog")).length >= 3 || undefined,
        30_000,
        "the first windows logged",
        failedInstance(first),
      );
      await produce(cluster.kafka, "rt-events", events("rt-events").slice(3));
      // The running instance answers by its committed stream time too.
      await eventually(settledOn(first), 30_000, "the first instance's windows", failedInstance(first));
    } finally {
      await first.close();
    }
    // Every window was logged: the changelog holds the expired ones too.
    const changelog = await readCommitted(cluster.broker.bootstrap, "rt-rt-windows-changelog");
    expect(changelog.length).toBe(7);

    // No local state: the windows come back from the changelog, and their stream time with them.
    await rm(stateDir, { recursive: true, force: true });
    const port = await freePort();
    const second = new KafkaStreams(
      windowsTopology("rt-events"),
      { ...config, applicationServer: `127.0.0.1:${port}` } satisfies StreamsConfig,
      { logger: silentLogger },
    );
    await second.start();
    try {
      await eventually(async () => (second.state() === "RUNNING" ? true : undefined), 30_000, "RUNNING");
      expect(await eventually(settledOn(second), 10_000, "the restored windows", failedInstance(second))).toEqual(
        EXPECTED,
      );
      // Over HTTP, routed as a point lookup is.
      const base = `http://127.0.0.1:${port}/stores`;
      const windows = await fetch(`${base}/rt-windows/keys/a/windows?from=${T0}&to=${T0 + 10 * MINUTE}`);
      expect(windows.status).toBe(200);
      const page = (await windows.json()) as { windows: Array<{ start: number; value: number }> };
      expect(page.windows.map((w) => [w.start, w.value])).toEqual([
        [T0 + 4 * MINUTE, 1],
        [T0 + 5 * MINUTE, 1],
      ]);
      const sessions = await fetch(`${base}/rt-sessions/keys/a/sessions`);
      expect(sessions.status).toBe(200);
      const sessionPage = (await sessions.json()) as { sessions: Array<{ start: number; end: number }> };
      expect(sessionPage.sessions.map((s) => s.end)).toEqual([T0 + 4 * MINUTE, T0 + 5 * MINUTE]);
    } finally {
      await second.close();
    }
  });

  it("keeps a standby's stream time as it follows the changelog, and hands it to the task when promoted", async () => {
    const config = (name: string) =>
      testStreamsConfig(cluster.broker.bootstrap, join(root, name), {
        applicationId: "rts",
        numStandbyReplicas: 1,
      });
    const a = new KafkaStreams(windowsTopology("rts-events"), config("a"), { logger: silentLogger, api: false });
    const b = new KafkaStreams(windowsTopology("rts-events"), config("b"), { logger: silentLogger, api: false });
    await Promise.all([a.start(), b.start()]);
    try {
      const [active, standby] = await eventually(
        () => {
          if (a.assignedTasks().active.includes("0_0") && b.assignedTasks().standby.includes("0_0")) return [a, b];
          if (b.assignedTasks().active.includes("0_0") && a.assignedTasks().standby.includes("0_0")) return [b, a];
          return undefined;
        },
        30_000,
        "an active task and its standby",
        failedInstance(a, b),
      );
      await produce(cluster.kafka, "rts-events", events("rts-events"));
      await eventually(settledOn(active), 30_000, "the active task's windows", failedInstance(a, b));
      // The standby's copy, queried stale: expired as the active task's is, no new record needed.
      await eventually(settledOn(standby, true), 30_000, "the standby's windows", failedInstance(a, b));

      await active.close();
      await eventually(
        () => (standby.isActiveTaskRunning("0_0") ? true : undefined),
        30_000,
        "the standby promoted",
        failedInstance(standby),
      );
      expect(await eventually(settledOn(standby), 10_000, "the promoted task's windows")).toEqual(EXPECTED);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("promotes a standby of a versioned table with its stream time: a record older than the history joins nothing", async () => {
    const topology = () => {
      const builder = new StreamsBuilder();
      const rates = builder.table("rtv-rates", { ...strings, ...Stores.persistentVersionedKeyValueStore("rtv", HOUR) });
      builder
        .stream("rtv-orders", strings)
        .leftJoin(rates, (order: string, rate: string | null) => `${order}@${String(rate)}`)
        .to("rtv-out", strings);
      return builder.build();
    };
    const config = (name: string) =>
      testStreamsConfig(cluster.broker.bootstrap, join(root, name), {
        applicationId: "rtv",
        numStandbyReplicas: 1,
      });
    const a = new KafkaStreams(topology(), config("va"), { logger: silentLogger, api: false });
    const b = new KafkaStreams(topology(), config("vb"), { logger: silentLogger, api: false });
    await Promise.all([a.start(), b.start()]);
    const record = (key: string, value: string, atMs: number) => ({
      partition: 0,
      key,
      value,
      timestamp: String(T0 + atMs),
    });
    try {
      const [active, standby] = await eventually(
        () => {
          if (a.assignedTasks().active.includes("0_0") && b.assignedTasks().standby.includes("0_0")) return [a, b];
          if (b.assignedTasks().active.includes("0_0") && a.assignedTasks().standby.includes("0_0")) return [b, a];
          return undefined;
        },
        30_000,
        "an active task and its standby",
        failedInstance(a, b),
      );
      await produce(cluster.kafka, "rtv-rates", [
        record("EUR", "0.9", -2 * HOUR),
        record("EUR", "1.0", 10),
        record("EUR", "1.2", 30),
        record("EUR", "1.1", 20),
      ]);
      await eventually(
        async () =>
          (await readCommitted(cluster.broker.bootstrap, "rtv-rtv-changelog")).length >= 4 ? true : undefined,
        30_000,
        "the versions logged",
        failedInstance(a, b),
      );
      // The standby has read every committed version.
      await eventually(
        async () => {
          const task = (await standby.localTasks()).find((t) => t.kind === "standby" && t.taskId === "0_0");
          return task?.lag === 0 ? true : undefined;
        },
        30_000,
        "the standby caught up",
      );
      await active.close();
      await eventually(
        () => (standby.isActiveTaskRunning("0_0") ? true : undefined),
        30_000,
        "the standby promoted",
        failedInstance(standby),
      );
      await produce(cluster.kafka, "rtv-orders", [
        record("EUR", "o1", 25),
        record("EUR", "o0", 5),
        // Older than the history (it starts an hour before 1.2): no rate, as on the instance that left.
        record("EUR", "o-old", -90 * MINUTE),
      ]);
      const out = await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "rtv-out");
          return records.length >= 3 ? records : undefined;
        },
        30_000,
        "the joined orders",
        failedInstance(standby),
      );
      expect(out.map((r) => [r.value?.toString(), r.timestamp])).toEqual([
        ["o1@1.1", T0 + 25],
        ["o0@0.9", T0 + 5],
        ["o-old@null", T0 - 90 * MINUTE],
      ]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
