// The systems `npm run bench:peers` compares, each a process of its own started with the
// same environment (PEER_BOOTSTRAP, PEER_APP_ID, PEER_STATE_DIR, PEER_INPUT, PEER_OUTPUT,
// ...): how to build it, how to start it, what it prints when it is ready, and how its
// counts are written.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./processes.js";

export type SystemName = "eddy" | "kafka-streams" | "kafkats-flow" | "quix" | "faust";
export type TopologyName = "count" | "bank";

/** How a restarted instance says that it restored its state and processes. */
export type Readiness =
  /** It prints "STATE RUNNING <epoch ms>" (its own state machine); the restore starts at its first "STATE ..." line. */
  | "state"
  /** It prints "PROBE <epoch ms>" when it processes a record keyed "__probe__"; the restore starts at "STATE STARTING". */
  | "probe";

export interface PeerSystem {
  readonly name: SystemName;
  /** The processing guarantee it runs with, as the table says it. */
  readonly guarantee: string;
  /** Where its state lives, as the table says it. */
  readonly store: string;
  readonly topologies: readonly TopologyName[];
  readonly readiness: Readiness;
  /** Whether `npm run bench:peers` measures its restore without being named in --only. */
  readonly restoreByDefault: boolean;
  /** A count as it travels on the output topic. */
  decodeCount(value: Buffer): number;
  /** Builds or installs what it needs (once; cached). */
  prepare(log: (line: string) => void): Promise<void>;
  start(env: Record<string, string>): ChildProcess;
}

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VENV = join(HERE, ".venv");
const BUILD = join(HERE, ".build");
const PYTHON = join(VENV, "bin", "python");
/** What the virtual environment holds; a change of these reinstalls it. */
const PYTHON_PACKAGES = ["quixstreams==3.28.1", "faust-streaming==0.15.3", "rocksdict==0.3.29"];
/**
 * Every peer on a JavaScript or Java runtime gets the same heap cap, as each is deployed:
 * a JVM's -Xmx, Node's --max-old-space-size (README.md, "Memory"). Without one, V8 sizes
 * its old generation from the machine's memory and lets garbage pile up long before it
 * collects it: on a 24 GiB machine Eddy's count peaked at ~200 MiB RSS for ~21 MiB of live
 * heap, ~145 MiB with the cap, the JVM's 512 MiB.
 */
export const PEER_HEAP = process.env.BENCH_PEERS_HEAP ?? process.env.BENCH_PEERS_JVM_HEAP ?? "512m";

/** A JVM heap size ("512m", "1g", or bytes) in MiB, for Node's --max-old-space-size. */
export function heapMebibytes(size: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(size.trim());
  if (match === null) throw new Error(`BENCH_PEERS_HEAP is "${size}": use a size as -Xmx takes it, e.g. 512m or 1g`);
  const unit = { "": 1 / 2 ** 20, k: 1 / 1024, m: 1, g: 1024 }[(match[2] ?? "").toLowerCase()] ?? 1;
  return Math.max(16, Math.round(Number(match[1]) * unit));
}

/**
 * Extra flags for the Node peers, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them
 * (Node refuses --cpu-prof in NODE_OPTIONS).
 */
const NODE_FLAGS = (process.env.BENCH_PEERS_NODE_FLAGS ?? "").split(" ").filter((flag) => flag !== "");

/** How Node peers start: their bundle, under the same heap cap as the JVM's. */
const nodeArgs = (entry: string): string[] => [
  `--max-old-space-size=${heapMebibytes(PEER_HEAP)}`,
  ...NODE_FLAGS,
  entry,
];

/**
 * The TypeScript peers run as JavaScript bundled by esbuild (bench/peers/.build, git-ignored),
 * as an application runs in production: tsx's on-the-fly compilation would cost them tens
 * of MiB of memory and seconds of start-up that no deployment pays. The dependencies stay
 * in node_modules; Eddy's sources are bundled through the package's "development" export.
 */
async function bundle(entry: string, outdir: string): Promise<string> {
  const { build } = await import("esbuild");
  const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  await build({
    entryPoints: [entry],
    outdir,
    bundle: true,
    // Dynamic imports (the HTTP API Eddy loads only when asked) stay lazy chunks.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: ["development"],
    external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }),
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  return join(outdir, basename(entry).replace(/\.ts$/, ".mjs"));
}

const longCount = (value: Buffer): number => (value.length === 8 ? Number(value.readBigInt64BE(0)) : Number.NaN);
const textCount = (value: Buffer): number => Number(value.toString("utf8"));

function spawnPeer(command: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
}

/** The newest modification time under a directory (sources of a build). */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

let venvReady: Promise<void> | undefined;

/** One virtual environment (bench/peers/.venv, git-ignored) for both Python peers. */
function prepareVenv(log: (line: string) => void): Promise<void> {
  venvReady ??= (async () => {
    const marker = join(VENV, "eddy-bench-packages.txt");
    const wanted = PYTHON_PACKAGES.join("\n");
    if (existsSync(marker) && (await readFile(marker, "utf8")) === wanted) return;
    log(`python: making ${VENV} (${PYTHON_PACKAGES.join(", ")})`);
    if (!existsSync(PYTHON)) await run("python3", ["-m", "venv", VENV]);
    await run(PYTHON, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...PYTHON_PACKAGES]);
    await writeFile(marker, wanted);
  })();
  return venvReady;
}

/** The Kafka Streams version the bench builds against: the broker's, unless told otherwise. */
export function kafkaStreamsVersion(brokerVersion: string | undefined): string {
  return process.env.BENCH_PEERS_KAFKA_STREAMS_VERSION ?? brokerVersion ?? "3.9.1";
}

export function peerSystems(options: { kafkaStreamsVersion: string }): PeerSystem[] {
  const ksDir = join(HERE, "kafka-streams");
  const ksJar = join(ksDir, "target", `peers-kafka-streams-${options.kafkaStreamsVersion}.jar`);
  let eddyEntry = "";
  let kafkatsEntry = "";
  return [
    {
      name: "eddy",
      guarantee: "exactly_once_v2 (one transaction per instance per commit interval)",
      store: "LevelDB",
      topologies: ["count", "bank"],
      readiness: "state",
      restoreByDefault: true,
      decodeCount: longCount,
      prepare: async () => {
        eddyEntry = await bundle(join(HERE, "eddy", "app.ts"), join(BUILD, "eddy"));
      },
      start: (env) => spawnPeer(process.execPath, nodeArgs(eddyEntry), env),
    },
    {
      name: "kafka-streams",
      guarantee: "exactly_once_v2",
      store: "RocksDB",
      topologies: ["count", "bank"],
      readiness: "state",
      restoreByDefault: true,
      decodeCount: longCount,
      prepare: async (log) => {
        if (existsSync(ksJar) && statSync(ksJar).mtimeMs >= newest(join(ksDir, "src"))) return;
        log(`kafka-streams: mvn package (kafka-streams ${options.kafkaStreamsVersion})`);
        await run("mvn", ["-q", "-B", "package", `-Dkafka.version=${options.kafkaStreamsVersion}`], { cwd: ksDir });
        // One jar per version, so that switching versions does not rebuild every time.
        await copyFile(join(ksDir, "target", "peers-kafka-streams.jar"), ksJar);
      },
      start: (env) =>
        spawnPeer("java", [`-Xmx${PEER_HEAP}`, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-jar", ksJar], env),
    },
    {
      name: "kafkats-flow",
      guarantee: "exactly_once",
      store: "in memory (its only store) + changelog",
      topologies: ["count"],
      readiness: "state",
      restoreByDefault: false,
      decodeCount: textCount,
      prepare: async () => {
        kafkatsEntry = await bundle(join(HERE, "kafkats-flow", "count.ts"), join(BUILD, "kafkats-flow"));
      },
      start: (env) => spawnPeer(process.execPath, nodeArgs(kafkatsEntry), env),
    },
    {
      name: "quix",
      guarantee: "exactly-once",
      store: "RocksDB",
      topologies: ["count"],
      readiness: "probe",
      restoreByDefault: false,
      decodeCount: textCount,
      prepare: prepareVenv,
      start: (env) => spawnPeer(PYTHON, [join(HERE, "quix", "count.py")], env),
    },
    {
      name: "faust",
      guarantee: "exactly_once",
      store: "RocksDB (rocksdict)",
      topologies: ["count"],
      readiness: "probe",
      restoreByDefault: false,
      decodeCount: textCount,
      prepare: prepareVenv,
      start: (env) => spawnPeer(PYTHON, [join(HERE, "faust", "count.py")], env),
    },
  ];
}
