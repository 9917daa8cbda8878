// Benchmark of the HTTP API (`npm run bench:api`).
//
// Two instances of an app (visit counts + a bank command handler) run in their own
// processes, each serving the API; the broker runs in a third (`eddy broker`, or a
// single-node Apache Kafka with BENCH_KAFKA=apache: bench/kafka-under-bench.ts), as Kafka
// would; autocannon drives the load from this process. In the same run:
//
//   bare      GET of a bare fastify route returning a constant, served by instance A's
//             process (the baseline: what fastify costs there)
//   local     point lookups at A of keys whose task A runs (LevelDB read, committed state)
//   routed    point lookups at B of the same keys: B forwards each to A and relays it
//   command   POST /commands at A: produce -> consume -> handler -> reply topic -> HTTP
//
// The main figure is the CPU time the serving processes spend per request (from /proc),
// local lookup against bare route: it does not depend on who else uses the cores. On a
// small machine autocannon and the server share the cores, so req/s at saturation may
// measure autocannon as much as the server; the run says so when the bare route's
// process was not busy a whole core while it was driven as fast as it answered (it was
// waiting for the load generator), and req/s ratios of such a run are not the server's.
// Lookups are also measured at a fixed rate below saturation (BENCH_RATE req/s), where
// p50/p99 are the path's own latency. Goals: local CPU per request <= 1.25x the bare
// route's (>= 0.8 of its capacity); routed p99 <= 2x local p99 (at the fixed rate).
//
// Environment: BENCH_SECONDS per scenario (10), BENCH_CONNECTIONS (16), BENCH_RATE (500),
// BENCH_KEYS (2000), BENCH_COMMIT_MS (50: replies leave with the task's commit); BENCH_CPU_PROF=<dir>
// writes the instances' CPU profiles there (node --cpu-prof), to see where a request's time goes;
// BENCH_ONLY=lookup runs only the bare route and the local lookups (a profile of just those).
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import fastify from "fastify";
import kafkajs from "kafkajs";
import pino from "pino";
import { KafkaStreams } from "../src/index.js";
import { partitionForKey } from "../src/kafka/partitioner.js";
import {
  ACCOUNT_COMMANDS,
  ACCOUNT_EVENTS,
  PARTITIONS,
  VISIT_COUNTS,
  VISITS,
  accountCommand,
  apiTestTopology,
} from "../test/api/support/cluster.js";
import { startBenchKafka } from "./kafka-under-bench.js";
import type { BenchKafka } from "./kafka-under-bench.js";

// autocannon ships no types: what this benchmark uses of it.
interface LoadRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  method: "GET" | "POST";
  requests: LoadRequest[];
  overallRate?: number;
}
interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (options: LoadOptions) => Promise<LoadResult>;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const KEYS = Number(process.env.BENCH_KEYS ?? 2000);
const COMMIT_MS = Number(process.env.BENCH_COMMIT_MS ?? 50);
const ONLY_LOOKUP = process.env.BENCH_ONLY === "lookup";
const ACCOUNTS = 200;
const APPLICATION_ID = "bench-api";
const self = fileURLToPath(import.meta.url);

interface ServeOptions {
  bootstrap: string;
  port: number;
  stateDir: string;
}

interface Served {
  url: string;
  host: string;
  bareUrl: string;
}

/** Child mode: one instance (KafkaStreams + API) and, beside it, the bare fastify route. */
async function serve(options: ServeOptions): Promise<void> {
  const logger = pino({ level: "warn" }, pino.destination(2));
  const topology = apiTestTopology();
  const host = `127.0.0.1:${options.port}`;
  const streams = new KafkaStreams(
    topology,
    {
      applicationId: APPLICATION_ID,
      bootstrapServers: options.bootstrap,
      applicationServer: host,
      stateDir: options.stateDir,
      processingGuarantee: "at_least_once",
      commitIntervalMs: COMMIT_MS,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      fetchMaxWaitMs: 100,
      logLevel: "warn",
    },
    // start() serves the API on applicationServer.
    { logger, api: { commands: [{ topic: ACCOUNT_COMMANDS, schema: accountCommand }] } },
  );
  await streams.start();
  const api = streams.apiServer;
  if (api === undefined) throw new Error("the instance serves no API");
  const bare = fastify({ logger: false });
  bare.get("/bare", async () => ({ value: 1 }));
  await bare.listen({ host: "127.0.0.1", port: 0 });
  const address = bare.server.address();
  const barePort = typeof address === "object" && address !== null ? address.port : 0;
  const served: Served = { url: api.url, host, bareUrl: `http://127.0.0.1:${barePort}/bare` };
  process.stdout.write(`${JSON.stringify(served)}\n`);
  process.on("SIGTERM", () => {
    void (async () => {
      await bare.close();
      await streams.close({ timeout: 10_000 });
      process.exit(0);
    })();
  });
}

function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (child.stdout === null) return reject(new Error(`${what}: no stdout`));
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => resolve(line));
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

async function freePort(): Promise<number> {
  const probe = fastify({ logger: false });
  await probe.listen({ host: "127.0.0.1", port: 0 });
  const address = probe.server.address();
  await probe.close();
  return typeof address === "object" && address !== null ? address.port : 0;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Figures {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  non2xx: number;
  errors: number;
  /** CPU time the instances' processes spent per request, microseconds (undefined without /proc). */
  cpuMicros: number | undefined;
  /** The part of cpuMicros spent in the kernel (socket reads and writes, the loopback's TCP). */
  systemMicros: number | undefined;
  /** CPU seconds per second of the serving processes (1 = one core busy all the time). */
  serverBusy: number | undefined;
  /** CPU seconds per second of this process, autocannon's. */
  generatorBusy: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time of processes so far, in seconds, from /proc/<pid>/stat (Linux). */
async function cpuSeconds(pids: readonly number[]): Promise<{ total: number; system: number } | undefined> {
  try {
    let user = 0;
    let system = 0;
    for (const pid of pids) {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      user += Number(fields[11]);
      system += Number(fields[12]);
    }
    return { total: (user + system) / CLOCK_TICKS_PER_SECOND, system: system / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

async function load(
  label: string,
  url: string,
  requests: LoadRequest[],
  pids: readonly number[],
  method: "GET" | "POST" = "GET",
  rate?: number,
): Promise<Figures> {
  const options: LoadOptions = {
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    method,
    requests,
    ...(rate === undefined ? {} : { overallRate: rate }),
  };
  // A short warm-up (JIT, keep-alive pools, LevelDB cache), not measured.
  await autocannon({ ...options, duration: 2 });
  const cpuBefore = await cpuSeconds(pids);
  const generatorBefore = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon(options);
  const wall = (performance.now() - started) / 1000;
  const generator = process.cpuUsage(generatorBefore);
  const cpuAfter = await cpuSeconds(pids);
  const total = result.requests.average * SECONDS;
  return {
    label,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuMicros:
      cpuBefore === undefined || cpuAfter === undefined || total === 0
        ? undefined
        : ((cpuAfter.total - cpuBefore.total) / total) * 1e6,
    systemMicros:
      cpuBefore === undefined || cpuAfter === undefined || total === 0
        ? undefined
        : ((cpuAfter.system - cpuBefore.system) / total) * 1e6,
    serverBusy:
      cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter.total - cpuBefore.total) / wall,
    generatorBusy: (generator.user + generator.system) / 1e6 / wall,
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "eddy-bench-api-"));
  const children: ChildProcess[] = [];
  let broker: BenchKafka | undefined;
  try {
    broker = await startBenchKafka();
    const { bootstrap } = broker;
    console.log(`on the ${broker.label} (${bootstrap})`);
    const kafka = new kafkajs.Kafka({
      clientId: "bench-api",
      brokers: [bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [VISITS, ACCOUNT_COMMANDS, ACCOUNT_EVENTS].map((topic) => ({ topic, numPartitions: PARTITIONS })),
    });
    await admin.disconnect();

    const start = async (name: string): Promise<Served & { pid: number }> => {
      const options: ServeOptions = { bootstrap, port: await freePort(), stateDir: join(dir, name) };
      const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
      const child = spawn(process.execPath, [...profile, "--import", "tsx", self, "serve", JSON.stringify(options)], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      children.push(child);
      return { ...(JSON.parse(await firstLine(child, `instance ${name}`)) as Served), pid: child.pid ?? 0 };
    };
    const [first, second] = await Promise.all([start("a"), start("b")]);
    if (first === undefined || second === undefined) throw new Error("an instance did not start");
    await until(async () => {
      const answers = await Promise.all([first, second].map((i) => fetch(`${i.url}/ready`)));
      return answers.every((r) => r.status === 200);
    }, "both instances to be ready");

    // Visits: key i visited (i % 5) + 1 times.
    const keys = Array.from({ length: KEYS }, (_, i) => `/bench/${String(i).padStart(5, "0")}`);
    const producer = kafka.producer({
      createPartitioner:
        () =>
        ({ message }) =>
          message.partition ?? 0,
    });
    await producer.connect();
    const messages = keys.flatMap((key, i) =>
      Array.from({ length: (i % 5) + 1 }, () => ({
        key,
        value: "v",
        partition: partitionForKey(Buffer.from(key), PARTITIONS),
      })),
    );
    for (let i = 0; i < messages.length; i += 1000)
      await producer.send({ topic: VISITS, messages: messages.slice(i, i + 1000) });
    await producer.disconnect();
    const last = keys[keys.length - 1] ?? "";
    await until(async () => {
      const response = await fetch(`${first.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(last)}`);
      return response.status === 200 && ((await response.json()) as { value: number }).value === ((KEYS - 1) % 5) + 1;
    }, "the visits to be counted");

    // Local = the instance running the most visit-count tasks; routed = the other one, same keys.
    const stores = (await (await fetch(`${first.url}/stores`)).json()) as {
      stores: Array<{ name: string; tasks: Array<{ partition: number; activeHost: string }> }>;
    };
    const tasks = stores.stores.find((s) => s.name === VISIT_COUNTS)?.tasks ?? [];
    const owned = (host: string) =>
      keys.filter(
        (key) => tasks.find((t) => t.partition === partitionForKey(Buffer.from(key), PARTITIONS))?.activeHost === host,
      );
    const [owner, other] = owned(first.host).length >= owned(second.host).length ? [first, second] : [second, first];
    const ownedKeys = owned(owner.host);
    const lookups = ownedKeys
      .slice(0, 500)
      .map((key) => ({ method: "GET" as const, path: `/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(key)}` }));

    // Accounts to deposit into (a deposit on an open account is always accepted).
    for (let i = 0; i < ACCOUNTS; i += 1) {
      const response = await fetch(`${owner.url}/commands/${ACCOUNT_COMMANDS}?key=bench-${i}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "open", owner: `owner-${i}` }),
      });
      if (response.status !== 200) throw new Error(`opening account ${i}: ${response.status} ${await response.text()}`);
    }
    const deposits = Array.from({ length: ACCOUNTS }, (_, i) => ({
      method: "POST" as const,
      path: `/commands/${ACCOUNT_COMMANDS}?key=bench-${i}`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "deposit", amount: 1 }),
    }));

    process.stdout.write(
      `bench:api  ${SECONDS} s per scenario, ${CONNECTIONS} connections, ${ownedKeys.length} keys owned by ${owner.host}, commit interval ${COMMIT_MS} ms\n`,
    );
    const both = [owner.pid, other.pid];
    const bare = await load("bare fastify route", owner.bareUrl, [{ method: "GET", path: "/bare" }], [owner.pid]);
    const local = await load("local lookup", owner.url, lookups, [owner.pid]);
    const rest = ONLY_LOOKUP
      ? undefined
      : {
          routed: await load("routed lookup", other.url, lookups, both),
          command: await load("command round trip", owner.url, deposits, both, "POST"),
          localPaced: await load(`local @${RATE}/s`, owner.url, lookups, [owner.pid], "GET", RATE),
          routedPaced: await load(`routed @${RATE}/s`, other.url, lookups, both, "GET", RATE),
        };

    const rows = [bare, local, ...(rest === undefined ? [] : Object.values(rest))];
    const header = [
      "scenario".padEnd(20),
      "req/s".padStart(9),
      "p50 ms".padStart(7),
      "p99 ms".padStart(7),
      "mean ms".padStart(8),
      "non-2xx".padStart(8),
      "errors".padStart(7),
      "CPU µs/req".padStart(11),
    ];
    process.stdout.write(`\n${header.join(" ")}\n`);
    for (const row of rows) {
      const cells = [
        row.label.padEnd(20),
        row.rps.toFixed(0).padStart(9),
        String(row.p50).padStart(7),
        String(row.p99).padStart(7),
        row.mean.toFixed(2).padStart(8),
        String(row.non2xx).padStart(8),
        String(row.errors).padStart(7),
        (row.cpuMicros === undefined ? "n/a" : row.cpuMicros.toFixed(0)).padStart(11),
        (row.systemMicros === undefined ? "n/a" : row.systemMicros.toFixed(0)).padStart(13),
      ];
      process.stdout.write(`${cells.join(" ")}\n`);
    }
    const cpuRatio =
      bare.cpuMicros !== undefined && local.cpuMicros !== undefined ? local.cpuMicros / bare.cpuMicros : undefined;

    const met = (ok: boolean) => (ok ? "MET" : "NOT MET");
    // Node serves on one thread: a bare route driven as fast as it answers keeps it busy a
    // whole core, unless the generator (or a busy machine) is what it waits for.
    const generatorBound = bare.serverBusy !== undefined && bare.serverBusy < 0.85;
    const busy = (f: Figures) =>
      `server ${f.serverBusy === undefined ? "n/a" : `${(f.serverBusy * 100).toFixed(0)}%`} of a core, ` +
      `autocannon ${(f.generatorBusy * 100).toFixed(0)}%`;
    process.stdout.write(
      `\nbare route: ${busy(bare)}; local lookups: ${busy(local)}\n` +
        (generatorBound
          ? "bare route bound by the load generator (or a busy machine): its server was not busy a whole core, so req/s " +
            "ratios of this run measure autocannon, not the server; CPU per request still holds\n"
          : "") +
        (cpuRatio === undefined
          ? "local lookup CPU / bare route CPU: n/a (no /proc)\n"
          : `local lookup CPU / bare route CPU:           ${cpuRatio.toFixed(2)}x  (goal <= 1.25x) ${met(cpuRatio <= 1.25)}\n` +
            `local lookups / bare route (CPU capacity):    ${(1 / cpuRatio).toFixed(2)}\n`) +
        `local lookups / bare route (req/s):           ${((local.rps / bare.rps) * 100).toFixed(1)}%${generatorBound ? " (generator-bound run)" : ""}\n`,
    );
    if (rest !== undefined) {
      const { routed, localPaced, routedPaced } = rest;
      const routedP99 = routedPaced.p99 / Math.max(localPaced.p99, 1);
      process.stdout.write(
        `routed p99 / local p99 (at ${RATE} req/s):      ${routedP99.toFixed(2)}x  (goal <= 2x) ${met(routedP99 <= 2)}\n` +
          `routed p99 / local p99 (saturated):           ${(routed.p99 / Math.max(local.p99, 1)).toFixed(2)}x\n` +
          `routed / local (req/s):                       ${((routed.rps / local.rps) * 100).toFixed(1)}%\n`,
      );
    }
  } finally {
    for (const child of children.reverse()) {
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)));
    }
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "serve") {
  await serve(JSON.parse(process.argv[3] ?? "{}") as ServeOptions);
} else {
  await main();
}
