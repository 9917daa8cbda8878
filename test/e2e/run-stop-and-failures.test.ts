// `eddy run` as an operator and a supervisor meet it: the first SIGTERM stops it within
// a few seconds whatever it is doing (connecting to a broker that is not there,
// restoring, running, after a broker restart), a broker that cannot be reached is one
// clear line (then quiet retries, then a clear failure), a taken port is one line that
// names the port and the flag, and logs are readable on a terminal, JSON otherwise.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker } from "../../src/broker/index.js";
import type { RunningBroker } from "../../src/broker/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { createTopic, eventually, silentLogger } from "../integration/support/kafka.js";
import { freePort } from "../integration/support/ports.js";
import { CHAOS_COMMANDS, CHAOS_EVENTS, CHAOS_VISITS } from "./fixtures/chaos-app.js";
import { CliProcess, EDDY_BIN, REPO_ROOT } from "./support/cli-process.js";

const APP = "test/e2e/fixtures/chaos-app.ts";
const PARTITIONS = 2;
/**
 * "Within a few seconds": the close timeout (5 s) plus the time to exit, with room for a
 * loaded 2-core machine (a run at load 40 took 6.9 s); an instance that ignores the first
 * signal runs until the 15 s guard below.
 */
const STOP_WITHIN_MS = 10_000;

describe("eddy run: stopping and failing", () => {
  let root: string;
  let broker: RunningBroker;
  let brokerPort: number;
  const processes: CliProcess[] = [];

  const startEmbedded = async () => {
    broker = await startBroker({
      port: brokerPort,
      dataDir: join(root, "broker"),
      logger: silentLogger,
      groupMinSessionTimeoutMs: 1_000,
    });
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "eddy-run-stop-"));
    brokerPort = await freePort();
    await startEmbedded();
    const kafka = new kafkajs.Kafka({ clientId: "t", brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    for (const topic of [CHAOS_VISITS, CHAOS_COMMANDS, CHAOS_EVENTS]) await createTopic(kafka, topic, PARTITIONS);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await broker?.close();
    await rm(root, { recursive: true, force: true });
  });

  const eddyRun = async (
    name: string,
    options: { bootstrap?: string; applicationId?: string; apiPort?: number; env?: Record<string, string> } = {},
  ) => {
    const apiPort = options.apiPort ?? (await freePort());
    const process = new CliProcess(
      name,
      [
        "run",
        APP,
        "--application-id",
        options.applicationId ?? `stop-${name}`,
        "--bootstrap",
        options.bootstrap ?? broker.bootstrap,
        "--application-server",
        `127.0.0.1:${apiPort}`,
        "--state-dir",
        join(root, name),
        "--log-level",
        "info",
      ],
      { env: { EDDY_SESSION_TIMEOUT_MS: "6000", EDDY_HEARTBEAT_INTERVAL_MS: "500", ...options.env } },
    );
    processes.push(process);
    return { process, url: `http://127.0.0.1:${apiPort}` };
  };

  const expectQuickStop = async (process: CliProcess) => {
    const stopped = await Promise.race([
      process.stop("SIGTERM"),
      new Promise<"late">((resolve) => setTimeout(() => resolve("late"), 15_000)),
    ]);
    expect(stopped, process.stderr.slice(-3000)).not.toBe("late");
    if (stopped === "late") return;
    expect(stopped.code, process.stderr.slice(-3000)).toBe(0);
    expect(stopped.ms).toBeLessThan(STOP_WITHIN_MS);
  };

  const stateOf = async (url: string) => {
    try {
      return ((await (await fetch(`${url}/health`)).json()) as { state: string }).state;
    } catch {
      return undefined;
    }
  };

  it("stops at the first SIGTERM while it waits for a broker that is not there", async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    const { process } = await eddyRun("connecting", { bootstrap: nowhere });
    await process.waitFor(/Cannot reach Kafka at 127\.0\.0\.1:\d+/, 30_000, "stderr");
    await expectQuickStop(process);
  });

  it("says once which broker it cannot reach and what to do, retries quietly, and gives up after taskTimeoutMs", async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    const { process } = await eddyRun("unreachable", {
      bootstrap: nowhere,
      env: { EDDY_TASK_TIMEOUT_MS: "4000", EDDY_LOG_FORMAT: "json" },
    });
    const exit = await process.exited;
    expect(exit.code).toBe(1);
    const lines = process.stderr.split("\n").filter((line) => line.trim() !== "");
    const warnings = lines.filter((line) => line.includes('"level":40') || line.includes('"level":50'));
    // The first line says it all; no warning per connection attempt.
    expect(warnings[0]).toContain(`Cannot reach Kafka at ${nowhere} (connection refused)`);
    expect(warnings[0]).toContain("npx eddy broker");
    expect(warnings.length).toBeLessThanOrEqual(3);
    expect(lines.at(-1)).toMatch(new RegExp(`^eddy run: cannot start: Cannot reach Kafka at ${nowhere}`));
    expect(process.stderr).not.toMatch(/\n\s+at /);
  });

  it("names the taken port and the flag that moves it, in one line without a stack trace", async () => {
    const busy: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      busy.listen(0, "127.0.0.1", () => resolve((busy.address() as { port: number }).port)),
    );
    try {
      const { process } = await eddyRun("busy-port", { apiPort: port, env: { EDDY_LOG_FORMAT: "json" } });
      const exit = await process.exited;
      expect(exit.code).toBe(1);
      const last = process.stderr.trim().split("\n").at(-1) ?? "";
      expect(last).toBe(
        `eddy run: cannot start: port ${port} is taken on 127.0.0.1: stop what runs there, or give this instance a free one with --application-server 127.0.0.1:<port> (or EDDY_APPLICATION_SERVER)`,
      );
      expect(process.stderr).not.toMatch(/\n\s+at /);
      expect(process.stderr).not.toContain("EADDRINUSE");
    } finally {
      busy.close();
    }
  });

  it("stops at the first SIGTERM while it runs", async () => {
    const { process, url } = await eddyRun("running");
    await process.waitFor(/started/);
    await eventually(async () => ((await stateOf(url)) === "RUNNING" ? true : undefined), 30_000, "RUNNING");
    await expectQuickStop(process);
  });

  it("stops at the first SIGTERM while it restores a large store", async () => {
    // A changelog of 200 000 counts, written straight to the changelog topic: a new
    // instance restores them all before it runs.
    const applicationId = "stop-restoring";
    const changelog = `${applicationId}-chaos-counts-changelog`;
    const kafka = new kafkajs.Kafka({ clientId: "t", brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    await createTopic(kafka, changelog, PARTITIONS, { "cleanup.policy": "compact" });
    const producer = kafka.producer();
    await producer.connect();
    const count = Buffer.alloc(8);
    count.writeBigInt64BE(1n);
    for (let batch = 0; batch < 20; batch += 1) {
      await producer.send({
        topic: changelog,
        acks: -1,
        messages: Array.from({ length: 10_000 }, (_, i) => {
          const key = `key-${batch * 10_000 + i}`;
          return { key, value: count, partition: partitionForKey(Buffer.from(key), PARTITIONS) };
        }),
      });
    }
    await producer.disconnect();
    const { process } = await eddyRun("restoring", { applicationId, env: { EDDY_LOG_FORMAT: "json" } });
    await process.waitFor(/restoring task state/, 60_000, "stderr");
    await expectQuickStop(process);
    // Writing 200 000 records and starting a process take most of a minute on a busy machine:
    // the bound that matters is expectQuickStop's.
  }, 180_000);

  it("stops at the first SIGTERM after a broker restart", async () => {
    const { process, url } = await eddyRun("after-restart");
    await process.waitFor(/started/);
    await eventually(async () => ((await stateOf(url)) === "RUNNING" ? true : undefined), 30_000, "RUNNING");
    await broker.close();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await startEmbedded();
    await eventually(async () => ((await stateOf(url)) === "RUNNING" ? true : undefined), 60_000, "RUNNING again");
    await expectQuickStop(process);
  });

  it("logs readable lines on a terminal and JSON lines otherwise", async () => {
    const configFile = join(root, "bad.json");
    await writeFile(
      configFile,
      JSON.stringify({ applicationId: "logs", bootstrapServers: `127.0.0.1:${await freePort()}` }),
    );
    const env = { ...globalThis.process.env, EDDY_TASK_TIMEOUT_MS: "1500", EDDY_LOG_FORMAT: "" };
    const args = [EDDY_BIN, "run", APP, "--config", configFile];
    // A pseudo-terminal, as an operator's shell has: `script` runs the command on one.
    const run = (command: string, commandArgs: string[]): string => {
      try {
        return execFileSync(command, commandArgs, {
          cwd: REPO_ROOT,
          env,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
      } catch (error) {
        // It gives up on the broker: exit code 1, and what it printed.
        return `${(error as { stdout: string }).stdout}${(error as { stderr: string }).stderr}`;
      }
    };
    const onTerminal = run("script", [
      "-qec",
      [globalThis.process.execPath, ...args].map((a) => `'${a}'`).join(" "),
      "/dev/null",
    ]);
    expect(onTerminal).toMatch(/WARN.*Cannot reach Kafka/);
    expect(onTerminal).not.toMatch(/^\{"level"/m);
    const piped = run(globalThis.process.execPath, args);
    expect(piped).toMatch(/^\{"level":40,.*"msg":"Cannot reach Kafka/m);
  });
});
