// Apache Kafka for tests and benchmarks: one KRaft node, or a cluster of three (replication
// factor 3, min.insync.replicas 2), each node a real JVM on free loopback ports, started from
// the jars pom.xml resolves. startApacheKafka() returns once every node answers; stop() stops
// them and removes their data, keeping the log files that failure messages name.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { freePort } from "../../integration/support/ports.js";
import { ApacheKafkaError } from "./errors.js";
import { kafkaLibs } from "./jars.js";
import { ApacheKafkaNode } from "./kafka-node.js";
import type { NodeAddress } from "./server-properties.js";
import { findJava } from "./toolchain.js";
import { DEFAULT_KAFKA_LINE, KAFKA_RELEASES } from "./versions.js";
import type { KafkaLine, KafkaRelease } from "./versions.js";

export interface ApacheKafkaOptions {
  /** "3.9" or "4" (the default). */
  readonly line?: KafkaLine;
  /** 1 (the default) or more nodes, each broker and controller. */
  readonly nodes?: number;
  /**
   * server.properties entries on top of the harness's (server-properties.ts); a function
   * gets each node's address, for entries that name its ports (extra listeners).
   */
  readonly config?:
    | Readonly<Record<string, string | number | boolean>>
    | ((node: NodeAddress) => Readonly<Record<string, string | number | boolean>>);
  /** SCRAM users created when the nodes are formatted, as StorageTool's --add-scram takes them. */
  readonly scram?: readonly string[];
  /** -Xmx of each node in MiB (default 512, at most 512: several JVMs share two cores). */
  readonly heapMb?: number;
  /** How long to wait for the nodes to answer (default 90 s). */
  readonly startTimeoutMs?: number;
}

export interface ApacheKafka {
  readonly release: KafkaRelease;
  /** host:port of every node, comma-separated, as clients take it. */
  readonly bootstrap: string;
  readonly nodes: readonly ApacheKafkaNode[];
  /** Every node's log file. */
  readonly logFiles: readonly string[];
  /** The directory holding the nodes' data and logs. */
  readonly dir: string;
  node(id: number): ApacheKafkaNode;
  /** Starts a stopped or killed node again (same ports, same data) and waits until the cluster has it back. */
  restart(id: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `count` brokers (default: every running node) are registered and answer metadata. */
  waitForBrokers(count?: number, timeoutMs?: number): Promise<void>;
  /** Stops every node (kill -9 with `{ kill: true }`) and removes the data; the logs stay. */
  stop(options?: { kill?: boolean }): Promise<void>;
}

const RUN_DIR_PREFIX = "eddy-apache-kafka-";
/** Run directories older than this are an earlier run's leftovers. */
const STALE_RUN_MS = 24 * 3600_000;

/** A cluster id as `kafka-storage random-uuid` prints it (base64url of 16 bytes, never starting with "-"). */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

export async function startApacheKafka(options: ApacheKafkaOptions = {}): Promise<ApacheKafka> {
  const release = KAFKA_RELEASES[options.line ?? DEFAULT_KAFKA_LINE];
  const java = findJava();
  const libs = await kafkaLibs(release);
  const count = options.nodes ?? 1;
  const heapMb = Math.min(options.heapMb ?? 512, 512);
  await pruneStaleRuns();
  // Free ports are only free until someone binds them: another run may take one first, so a
  // cluster whose node cannot bind its ports starts again on others.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const dir = await mkdtemp(join(tmpdir(), RUN_DIR_PREFIX));
    const addresses: NodeAddress[] = [];
    for (let id = 1; id <= count; id += 1)
      addresses.push({ id, port: await freePort(), controllerPort: await freePort() });
    const nodes = addresses.map((address) => new ApacheKafkaNode(address, dir, { release, java, libs, heapMb }));
    const cluster = makeCluster(release, dir, nodes);
    try {
      const clusterId = randomClusterId();
      const config = options.config;
      await Promise.all(
        nodes.map((node) =>
          node.format(
            clusterId,
            addresses,
            typeof config === "function" ? config(node.address) : config,
            options.scram,
          ),
        ),
      );
      await Promise.all(nodes.map((node) => node.start()));
      await cluster.waitForBrokers(count, options.startTimeoutMs ?? 90_000);
      return cluster;
    } catch (error) {
      lastError = error;
      await cluster.stop({ kill: true });
      const logs = await Promise.all(nodes.map((node) => node.logTail(200)));
      if (!logs.some((log) => log.includes("Address already in use"))) throw error;
    }
  }
  throw lastError;
}

function makeCluster(release: KafkaRelease, dir: string, nodes: readonly ApacheKafkaNode[]): ApacheKafka {
  const node = (id: number): ApacheKafkaNode => {
    const found = nodes.find((n) => n.id === id);
    if (found === undefined) throw new ApacheKafkaError("EDDY_ERR_TEST_KAFKA_NODE", `there is no node ${id}`);
    return found;
  };
  const cluster: ApacheKafka = {
    release,
    bootstrap: nodes.map((n) => n.bootstrap).join(","),
    nodes,
    logFiles: nodes.map((n) => n.logFile),
    dir,
    node,
    async restart(id, timeoutMs = 90_000) {
      await node(id).start();
      await cluster.waitForBrokers(undefined, timeoutMs);
    },
    async waitForBrokers(count, timeoutMs = 90_000) {
      await waitForBrokers(nodes, count ?? nodes.filter((n) => n.state === "running").length, timeoutMs);
    },
    async stop(options = {}) {
      await Promise.all(nodes.map((n) => (options.kill === true ? n.kill() : n.stop())));
      await Promise.all(nodes.map((n) => rm(n.dataDir, { recursive: true, force: true })));
    },
  };
  return cluster;
}

/**
 * Polls Metadata through each running node in turn until every one answers itself (a restarted
 * node's registration from before its death would otherwise count) and lists `count` brokers.
 */
async function waitForBrokers(nodes: readonly ApacheKafkaNode[], count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const answered = new Set<number>();
  let seen = 0;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const dead = nodes.find((n) => n.crashed);
    if (dead !== undefined)
      throw new ApacheKafkaError(
        "EDDY_ERR_TEST_KAFKA_START",
        `node ${dead.id} exited before the cluster answered: see ${dead.logFile}\n${await dead.logTail()}`,
      );
    const waiting = nodes.filter((n) => n.state === "running" && !answered.has(n.id));
    if (waiting.length === 0) return;
    for (const node of waiting) {
      try {
        seen = await brokersSeenBy(node);
        if (seen >= count) answered.add(node.id);
      } catch (error) {
        lastError = error;
      }
    }
    if (nodes.every((n) => n.state !== "running" || answered.has(n.id))) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new ApacheKafkaError(
    "EDDY_ERR_TEST_KAFKA_START",
    `Apache Kafka did not answer with ${count} broker(s) within ${timeoutMs} ms (saw ${seen}` +
      `${lastError === undefined ? "" : `; last error: ${String(lastError)}`}): see ${nodes.map((n) => n.logFile).join(", ")}`,
  );
}

/** How many brokers `node` lists in its Metadata answer (asked of that node alone). */
async function brokersSeenBy(node: ApacheKafkaNode): Promise<number> {
  const kafka = new kafkajs.Kafka({
    clientId: "eddy-test-harness",
    brokers: [node.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const described = await admin.describeCluster();
    return described.controller === null ? 0 : described.brokers.length;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Removes the run directories (data and logs) that earlier runs left behind long ago. */
async function pruneStaleRuns(): Promise<void> {
  const root = tmpdir();
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const entry of entries.filter((e) => e.startsWith(RUN_DIR_PREFIX))) {
    const path = join(root, entry);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > STALE_RUN_MS)
      await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}
