// Stream time survives a clean restart over the same state directory. An instance that
// stops and starts again with its LevelDB state and checkpoint current restores nothing,
// so no changelog record brings the stores' clocks back (restore-time.test.ts covers that
// path): each window, session and versioned store reads its stream time from its task's
// LevelDB, committed there with the rows it was written by. Before any new record,
// queries (windowStore, sessionStore, HTTP windows, sessions and ?asOf) hide what had
// expired on the instance that stopped, as they did there. A damaged stream time does not
// stop the instance: it logs why and starts that store's clock unknown, as before Eddy kept it.
//
// Records are stamped within the last hours: windowed changelogs are compact,delete with
// retention.ms = retention + 1 day, as Kafka Streams makes them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
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
import { streamTimeKey } from "../../src/stores/leveldb-key-layout.js";
import { taskStateDirectory } from "../../src/stores/state-directory.js";
import {
  createTopic,
  eventually,
  failedInstance,
  produce,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";
import { freePort } from "./support/ports.js";
import { recordedLogger } from "./support/recorded-logger.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Two hours ago, on a whole minute (window starts and segments line up with minutes).
const T0 = Date.now() - (Date.now() % MINUTE) - 2 * HOUR;
const RETENTION = 2 * MINUTE; // segments of a minute
const strings = { key: Serdes.string(), value: Serdes.string() };

/** One-minute windows and ten-second sessions, both kept for two minutes. */
function windowsTopology() {
  const builder = new StreamsBuilder();
  const grouped = builder.stream("rst-events", strings).groupByKey();
  grouped
    .windowedBy(TimeWindows.ofSizeWithNoGrace(MINUTE))
    .count({ store: "rst-windows", retention: RETENTION, caching: false });
  grouped
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10_000))
    .count({ store: "rst-sessions", retention: RETENTION, caching: false });
  return builder.build();
}

/** A rate table kept as a versioned store with an hour of history. */
function ratesTopology() {
  const builder = new StreamsBuilder();
  builder.table("rst-rates", { ...strings, ...Stores.persistentVersionedKeyValueStore("rst-rates-store", HOUR) });
  return builder.build();
}

async function collect<T>(entries: AsyncIterableIterator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

/** What the instance's window and session stores answer, directly and over HTTP. */
async function queried(streams: KafkaStreams, port: number) {
  const windows = streams.windowStore<string, number>("rst-windows", "0_0");
  const sessions = streams.sessionStore<string, number>("rst-sessions", "0_0");
  const base = `http://127.0.0.1:${port}/stores`;
  const httpWindows = (await (
    await fetch(`${base}/rst-windows/keys/a/windows?from=${T0}&to=${T0 + 10 * MINUTE}`)
  ).json()) as { windows: Array<{ start: number; value: number }> };
  const httpSessions = (await (await fetch(`${base}/rst-sessions/keys/a/sessions`)).json()) as {
    sessions: Array<{ end: number }>;
  };
  return {
    a: (await collect(windows.fetch("a", T0, T0 + 10 * MINUTE))).map(({ key, value }) => `${key}=${value}`),
    all: (await collect(windows.fetchAll(T0, T0 + 10 * MINUTE))).map(
      ({ key, value }) => `${windowedToString(key)}=${value}`,
    ),
    expiredOne: await windows.fetch("a", T0 + 3 * MINUTE),
    sessions: (await collect(sessions.fetch("a"))).map(({ key }) => key.window.end),
    httpWindows: httpWindows.windows.map((w) => `${w.start}=${w.value}`),
    httpSessions: httpSessions.sessions.map((s) => s.end),
  };
}

// Stream time is T0 + 5 min: a window (session) is live when it starts (ends) after T0 + 3 min.
// The rows of T0 + 3 min are still on disk (their one-minute segment is live), hidden by the clock.
const LIVE = {
  a: [`${T0 + 4 * MINUTE}=1`, `${T0 + 5 * MINUTE}=1`],
  all: [
    `[a@${T0 + 4 * MINUTE}/${T0 + 5 * MINUTE}]=1`,
    `[a@${T0 + 5 * MINUTE}/${T0 + 6 * MINUTE}]=1`,
    `[b@${T0 + 5 * MINUTE}/${T0 + 6 * MINUTE}]=1`,
  ],
  expiredOne: undefined,
  sessions: [T0 + 4 * MINUTE, T0 + 5 * MINUTE],
  httpWindows: [`${T0 + 4 * MINUTE}=1`, `${T0 + 5 * MINUTE}=1`],
  httpSessions: [T0 + 4 * MINUTE, T0 + 5 * MINUTE],
};

/** Started, its task 0_0 running on local state alone (nothing restored), its API up. */
async function startedWithoutRestore(streams: KafkaStreams): Promise<void> {
  await streams.start();
  await eventually(
    async () => {
      if (streams.state() !== "RUNNING" || !streams.isActiveTaskRunning("0_0")) return undefined;
      return (await streams.localTasks()).find((t) => t.taskId === "0_0" && t.kind === "active");
    },
    30_000,
    "task 0_0 running",
    failedInstance(streams),
  ).then((task) => expect(task.restore?.restored ?? 0).toBe(0));
}

describe("stream time across a restart over the same state directory", () => {
  let cluster: TestCluster;
  let root: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-restart-stream-time-"));
    for (const topic of ["rst-events", "rst-rates"]) await createTopic(cluster.kafka, topic, 1);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  it("hides expired windows and sessions at once, with nothing restored and no new record", async () => {
    const stateDir = join(root, "windows");
    const config = (port: number): StreamsConfig => ({
      ...testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "rst" }),
      applicationServer: `127.0.0.1:${port}`,
    });
    const firstPort = await freePort();
    const first = new KafkaStreams(windowsTopology(), config(firstPort), { logger: silentLogger });
    await first.start();
    try {
      // "a" once a minute for six minutes (three times the retention), "b" at the last minute.
      await produce(cluster.kafka, "rst-events", [
        ...[0, 1, 2, 3, 4, 5].map((m) => ({
          partition: 0,
          key: "a",
          value: `a${m}`,
          timestamp: String(T0 + m * MINUTE),
        })),
        { partition: 0, key: "b", value: "b5", timestamp: String(T0 + 5 * MINUTE) },
      ]);
      await eventually(
        async () => {
          const answers = await queried(first, firstPort).catch(() => undefined);
          return JSON.stringify(answers) === JSON.stringify(LIVE) ? answers : undefined;
        },
        30_000,
        "the first instance's live windows",
        failedInstance(first),
      );
    } finally {
      await first.close();
    }

    const secondPort = await freePort();
    const second = new KafkaStreams(windowsTopology(), config(secondPort), { logger: silentLogger });
    try {
      await startedWithoutRestore(second);
      // At once: no eventually, no new record.
      expect(await queried(second, secondPort)).toEqual(LIVE);
    } finally {
      await second.close();
    }

    // A damaged stream time: the instance starts all the same, says why, and that store's
    // clock starts unknown (its windows of the live segment show until the next record).
    const directory = taskStateDirectory(stateDir, "rst", "0_0");
    const db = new ClassicLevel<Buffer, Buffer>(directory, { keyEncoding: "buffer", valueEncoding: "buffer" });
    await db.open();
    await db.put(streamTimeKey("rst-windows"), Buffer.from("garbage"));
    await db.close();
    const recorded = recordedLogger(500, "warn");
    const thirdPort = await freePort();
    const third = new KafkaStreams(windowsTopology(), config(thirdPort), { logger: recorded.logger });
    try {
      await startedWithoutRestore(third);
      const answers = await queried(third, thirdPort);
      expect(answers.a).toEqual([`${T0 + 3 * MINUTE}=1`, ...LIVE.a]);
      expect(answers.expiredOne).toBe(1);
      // The session store's clock was not damaged.
      expect(answers.sessions).toEqual(LIVE.sessions);
      expect(recorded.lines().join("\n")).toMatch(/the stream time of store \\"rst-windows\\" is unreadable/);
    } finally {
      await third.close();
    }
  });

  it("answers ?asOf older than a versioned store's history with nothing at once, with nothing restored", async () => {
    const stateDir = join(root, "versioned");
    const config = (port: number): StreamsConfig => ({
      ...testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "rstv" }),
      applicationServer: `127.0.0.1:${port}`,
    });
    const asOf = (port: number, at: number) =>
      fetch(`http://127.0.0.1:${port}/stores/rst-rates-store/keys/EUR?asOf=${at}`).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as { value?: string },
      }));
    const firstPort = await freePort();
    const first = new KafkaStreams(ratesTopology(), config(firstPort), { logger: silentLogger });
    await first.start();
    try {
      await produce(cluster.kafka, "rst-rates", [
        { partition: 0, key: "EUR", value: "0.9", timestamp: String(T0 - 2 * HOUR) },
        { partition: 0, key: "EUR", value: "1.0", timestamp: String(T0 + 10) },
      ]);
      // Stream time T0 + 10: the history reaches back to T0 + 10 - 1 h, and a read older finds nothing.
      await eventually(
        async () => {
          const latest = await asOf(firstPort, T0 + 20).catch(() => undefined);
          return latest?.body.value === "1.0" ? latest : undefined;
        },
        30_000,
        "the first instance's latest rate",
        failedInstance(first),
      );
      expect((await asOf(firstPort, T0 - 90 * MINUTE)).status).toBe(404);
    } finally {
      await first.close();
    }

    const secondPort = await freePort();
    const second = new KafkaStreams(ratesTopology(), config(secondPort), { logger: silentLogger });
    try {
      await startedWithoutRestore(second);
      expect((await asOf(secondPort, T0 + 20)).body.value).toBe("1.0");
      const beyondHistory = await asOf(secondPort, T0 - 90 * MINUTE);
      expect(beyondHistory.status).toBe(404);
      expect(beyondHistory.body).toMatchObject({ code: "EDDY_ERR_KEY_NOT_FOUND" });
    } finally {
      await second.close();
    }
  });
});
