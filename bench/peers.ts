// `npm run bench:peers`: Eddy side by side with Kafka Streams, @kafkats/flow, Quix Streams
// and Faust, on one Apache Kafka node, with the same inputs, in one run (issue 18).
//
// Every system runs alone, one instance, in a process of its own (bench/peers/<system>/),
// exactly-once where it has it, its defaults otherwise; the topologies are the URL-visit
// count (all of them) and the bank's command handler (Eddy and Kafka Streams). Measured,
// each the same way for every system (bench/peers/measure.ts):
//
//   throughput   records/s until lag 0 over the inputs written before it starts
//                (1 M visits over 10 k codes; 300 k bank commands over 10 k accounts; 6 partitions)
//   latency      input timestamp to output arrival, p50 / p99, at a fixed offered load of 5 k visits/s
//   restore      a 1 M-record changelog restored into an empty state directory, until the
//                system says RUNNING (Kafka Streams, Eddy, @kafkats/flow) or processes a
//                probe record (Quix Streams, Faust)
//   memory, CPU  peak RSS of the count and of the bank (VmHWM); CPU-seconds per 100 k records
//
// Three runs of everything, interleaved (run 1 of every system, then run 2...), the best
// counts. It takes 30 to 60 minutes and is not part of `npm test` or CI. It installs what
// it needs: Apache Kafka's jars and Kafka Streams through Maven, Quix Streams and Faust
// from PyPI into bench/peers/.venv (git-ignored).
//
//   npm run bench:peers                              everything
//   npm run bench:peers -- --only eddy,kafka-streams some systems
//   npm run bench:peers -- --phases throughput       some phases (throughput, latency, restore)
//   npm run bench:peers -- --topologies count        some topologies of the throughput phase (count, bank)
//   npm run bench:peers -- --runs 1
//   npm run bench:peers -- --bootstrap host:port     a running Kafka instead of starting one
//   npm run bench:peers -- --bootstrap ... --reuse S the inputs run S wrote there (sizes as then)
//   npm run bench:peers -- --write                   also rewrite the peers section of BENCHMARKS.md
//
// Environment: BENCH_PEERS_VISITS, _CODES, _COMMANDS, _ACCOUNTS, _RESTORE (input sizes),
// BENCH_PEERS_RATE (5000), BENCH_PEERS_LATENCY_SECONDS (30), BENCH_PEERS_HEAP (512m: the JVM's -Xmx
// and Node's --max-old-space-size; BENCH_PEERS_JVM_HEAP is an older name for it),
// BENCH_PEERS_KAFKA_STREAMS_VERSION (the broker's), BENCH_PEERS_VERBOSE (peers' stderr),
// BENCH_PEERS_NODE_FLAGS (extra flags for the Node peers: "--cpu-prof --cpu-prof-dir=DIR" profiles them).
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import kafkajs from "kafkajs";
import { createTopics, inputTopics, writeInputs } from "./peers/inputs.js";
import type { InputSizes } from "./peers/inputs.js";
import { startKafka } from "./peers/kafka.js";
import {
  latencyAtFixedLoad,
  sleep,
  throughputUntilLagZero,
  waitForEmptyGroup,
  waitUntilProcessing,
} from "./peers/measure.js";
import type { Throughput } from "./peers/measure.js";
import { PeerProcess, killAllPeers } from "./peers/processes.js";
import { goalLines, goals, machine, markdownSection, table } from "./peers/report.js";
import type { SystemResults } from "./peers/report.js";
import { kafkaStreamsVersion, peerSystems } from "./peers/systems.js";
import type { PeerSystem, SystemName, TopologyName } from "./peers/systems.js";

const { values: args } = parseArgs({
  options: {
    only: { type: "string" },
    phases: { type: "string", default: "throughput,latency,restore" },
    topologies: { type: "string", default: "count,bank" },
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "3" },
    bootstrap: { type: "string" },
    // With --bootstrap: the inputs an earlier run wrote (its stamp, printed at its start), not written again.
    reuse: { type: "string" },
    write: { type: "boolean", default: false },
  },
});
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const SIZES: InputSizes = {
  partitions: 6,
  visits: env("BENCH_PEERS_VISITS", 1_000_000),
  codes: env("BENCH_PEERS_CODES", 10_000),
  commands: env("BENCH_PEERS_COMMANDS", 300_000),
  accounts: env("BENCH_PEERS_ACCOUNTS", 10_000),
  restore: env("BENCH_PEERS_RESTORE", 1_000_000),
};
const RATE = env("BENCH_PEERS_RATE", 5_000);
/** A throughput run stops this long after its first commit, lag 0 or not (Faust and @kafkats/flow need 20 min for 1 M). */
const LIMIT_MS = env("BENCH_PEERS_LIMIT_SECONDS", 180) * 1000;
const TIMING = { startTimeoutMs: 5 * 60_000, limitMs: LIMIT_MS };
const LATENCY_MS = env("BENCH_PEERS_LATENCY_SECONDS", 30) * 1000;
const RUNS = Number(args.runs);
const PHASES = new Set(args.phases.split(","));
const TOPOLOGIES = new Set(args.topologies.split(","));
const STAMP = Date.now().toString(36);
const Topics = inputTopics(args.reuse ?? STAMP);
const log = (line: string): void => console.log(line);

const loadAtStart = loadavg();
const stateRoot = await mkdtemp(join(tmpdir(), "eddy-bench-peers-"));
const kafkaNode = args.bootstrap === undefined ? await startKafka(log) : undefined;
const bootstrap = args.bootstrap ?? (kafkaNode as NonNullable<typeof kafkaNode>).bootstrap;
const kafka = new kafkajs.Kafka({ clientId: "bench-peers", brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();

const onSignal = (): void => {
  killAllPeers();
  void kafkaNode?.stop().finally(() => process.exit(130));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

/** One peer process with a fresh state directory (or the one given) and its environment. */
async function startPeer(
  system: PeerSystem,
  label: string,
  vars: Record<string, string>,
  stateDir?: string,
): Promise<{ peer: PeerProcess; stateDir: string }> {
  const dir = stateDir ?? (await mkdtemp(join(stateRoot, `${system.name}-`)));
  await mkdir(dir, { recursive: true });
  const peer = new PeerProcess(
    `${system.name} ${label}`,
    system.start({
      PEER_BOOTSTRAP: bootstrap,
      PEER_STATE_DIR: dir,
      PEER_PARTITIONS: String(SIZES.partitions),
      ...vars,
    }),
  );
  return { peer, stateDir: dir };
}

function topologyVars(topology: TopologyName, id: string, input: string): Record<string, string> {
  return topology === "count"
    ? { PEER_TOPOLOGY: "count", PEER_INPUT: input, PEER_OUTPUT: `${id}-counts` }
    : { PEER_TOPOLOGY: "bank", PEER_INPUT: input, PEER_EVENTS: `${id}-events`, PEER_REPLIES: `${id}-replies` };
}

async function outputTopics(topology: TopologyName, id: string): Promise<void> {
  const names = topology === "count" ? [`${id}-counts`] : [`${id}-events`, `${id}-replies`];
  await createTopics(
    kafka,
    names.map((topic) => ({ topic, partitions: SIZES.partitions })),
  );
}

/** The busiest threads' CPU per 100 k records, and how much of the run each was on a core. */
function busiestThreads(measured: Throughput): string {
  if (measured.threads === undefined) return "no per-thread figures";
  const share = (per100k: number) => ((per100k * measured.records) / 100_000 / measured.seconds) * 100;
  const each = measured.threads.map(
    ({ name, cpuSecondsPer100k }) =>
      `${name} ${cpuSecondsPer100k.toFixed(2)} (${share(cpuSecondsPer100k).toFixed(0)}% of the run)`,
  );
  return `threads: ${each.join(", ")}`;
}

async function throughputRun(
  system: PeerSystem,
  topology: TopologyName,
  run: number,
  results: SystemResults,
): Promise<void> {
  const id = `peers-${system.name}-${topology}-${STAMP}-${run}`;
  const input = topology === "count" ? Topics.visits : Topics.commands;
  await outputTopics(topology, id);
  const { peer, stateDir } = await startPeer(system, `${topology} #${run}`, {
    PEER_APP_ID: id,
    ...topologyVars(topology, id, input),
  });
  try {
    const measured = await throughputUntilLagZero(admin, peer, id, input, TIMING);
    (results.throughput[topology] ??= []).push(measured);
    log(
      `${system.name.padEnd(14)} ${topology.padEnd(5)} #${run}: ${Math.round(measured.recordsPerSecond).toLocaleString("en-US").padStart(9)} records/s ` +
        `(${measured.records.toLocaleString("en-US")} in ${measured.seconds.toFixed(2)} s), ` +
        `${measured.cpuSecondsPer100k.toFixed(2)} CPU-s/100k (${busiestThreads(measured)}), ` +
        `load ${loadavg()[0]?.toFixed(2)}, peak RSS ${Math.round(measured.peakRssBytes / 2 ** 20)} MiB` +
        (measured.complete
          ? ""
          : `; stopped at the time limit, ${(measured.committedShare * 100).toFixed(0)}% of the input committed`),
    );
  } finally {
    await peer.stop();
    await rm(stateDir, { recursive: true, force: true });
    // Eddy's transactions: commits, and the "previous transaction still ending" answers met.
    const txn = peer.lines.find((line) => line.startsWith("TXN "));
    if (txn !== undefined) log(`${system.name.padEnd(14)} ${topology.padEnd(5)} #${run}: transactions ${txn.slice(4)}`);
  }
}

async function latencyRun(system: PeerSystem, run: number, results: SystemResults): Promise<void> {
  const id = `peers-${system.name}-latency-${STAMP}-${run}`;
  const input = `${id}-visits`;
  await createTopics(kafka, [{ topic: input, partitions: SIZES.partitions }]);
  await outputTopics("count", id);
  const { peer, stateDir } = await startPeer(system, `latency #${run}`, {
    PEER_APP_ID: id,
    ...topologyVars("count", id, input),
  });
  try {
    await waitUntilProcessing(kafka, peer, input, `${id}-counts`, 180_000);
    const measured = await latencyAtFixedLoad({
      kafka,
      input,
      output: `${id}-counts`,
      codes: SIZES.codes,
      ratePerSecond: RATE,
      durationMs: LATENCY_MS,
      warmupMs: Math.min(5_000, LATENCY_MS / 4),
      decodeCount: (value) => system.decodeCount(value),
      peer,
    });
    results.latency.push(measured);
    log(
      measured.samples === 0
        ? `${system.name.padEnd(14)} latency #${run}: fell behind, no output for the visits offered after the warm-up ` +
            `(${Math.round(measured.offeredPerSecond)} visits/s offered)`
        : `${system.name.padEnd(14)} latency #${run}: p50 ${measured.p50} ms, p99 ${measured.p99} ms ` +
            `(${measured.samples.toLocaleString("en-US")} outputs, ${Math.round(measured.offeredPerSecond)} visits/s offered)`,
    );
  } finally {
    await peer.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** Counts the restore topic once (a changelog of SIZES.restore records), then restores it RUNS times into an empty state directory. */
async function restoreRuns(system: PeerSystem, results: SystemResults): Promise<void> {
  const id = `peers-${system.name}-restore-${STAMP}`;
  const vars = { PEER_APP_ID: id, ...topologyVars("count", id, Topics.restore) };
  await outputTopics("count", id);
  const filling = await startPeer(system, "restore: filling the changelog", vars);
  try {
    const filled = await throughputUntilLagZero(admin, filling.peer, id, Topics.restore, {
      ...TIMING,
      limitMs: 30 * 60_000,
    });
    if (!filled.complete) throw new Error(`${system.name} did not count the restore input in 30 minutes`);
  } finally {
    await filling.peer.stop();
    await rm(filling.stateDir, { recursive: true, force: true });
  }
  for (let run = 1; run <= RUNS; run += 1) {
    // A member that did not leave the group on close (Kafka Streams') holds it until its session times out.
    await waitForEmptyGroup(admin, id, 120_000);
    const { peer, stateDir } = await startPeer(system, `restore #${run}`, vars);
    try {
      const startLine = await peer.waitForLine((line) => line.startsWith("STATE STARTING"), 120_000);
      if (system.readiness === "probe") {
        const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
        await producer.connect();
        await producer.send({ topic: Topics.restore, acks: -1, messages: [{ key: "__probe__", value: "{}" }] });
        await producer.disconnect();
      }
      const ready = await peer.waitForLine(
        (line) => (system.readiness === "probe" ? line.startsWith("PROBE ") : line.startsWith("STATE RUNNING")),
        30 * 60_000,
      );
      const seconds = (Number(ready.split(" ").at(-1)) - Number(startLine.split(" ").at(-1))) / 1000;
      results.restore.push({ records: SIZES.restore, seconds });
      log(
        `${system.name.padEnd(14)} restore #${run}: ${seconds.toFixed(2)} s to ${system.readiness === "probe" ? "process again" : "RUNNING"} ` +
          `(${Math.round(SIZES.restore / seconds).toLocaleString("en-US")} records/s)`,
      );
    } finally {
      await peer.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  const only = args.only?.split(",") as SystemName[] | undefined;
  const systems = peerSystems({ kafkaStreamsVersion: kafkaStreamsVersion(kafkaNode?.version) }).filter(
    (s) => only === undefined || only.includes(s.name),
  );
  for (const system of systems) await system.prepare(log);
  await admin.connect();
  if (args.reuse === undefined) {
    log(`inputs: stamp ${STAMP} (--reuse ${STAMP} reads them again on the same cluster)`);
    await writeInputs(kafka, Topics, SIZES, log);
  }
  const results: SystemResults[] = systems.map((system) => ({ system, throughput: {}, latency: [], restore: [] }));
  // A system that fails a measurement is reported and left out of that figure; the others go on.
  const attempt = async (what: string, measure: () => Promise<void>): Promise<void> => {
    try {
      await measure();
    } catch (error) {
      log(`${what} FAILED: ${(error as Error).message.split("\n")[0]}`);
    }
  };
  for (let run = 1; run <= RUNS; run += 1) {
    for (const r of results) {
      if (PHASES.has("throughput"))
        for (const topology of r.system.topologies.filter((t) => TOPOLOGIES.has(t)))
          await attempt(`${r.system.name} ${topology} #${run}`, () => throughputRun(r.system, topology, run, r));
      if (PHASES.has("latency")) await attempt(`${r.system.name} latency #${run}`, () => latencyRun(r.system, run, r));
    }
  }
  // Restore is compared with Kafka Streams only; the others restore when named with --only.
  if (PHASES.has("restore"))
    for (const r of results)
      if (only !== undefined || r.system.restoreByDefault)
        await attempt(`${r.system.name} restore`, () => restoreRuns(r.system, r));

  const m = machine(kafkaNode?.version ?? `at ${bootstrap}`, loadAtStart);
  console.log(`\n${table(results)}\n`);
  for (const line of goalLines(goals(results))) console.log(line);
  console.log(`\nload average: ${m.loadAtStart} at the start, ${m.loadAtEnd} at the end`);
  await mkdir(new URL("results/", import.meta.url), { recursive: true });
  await writeFile(new URL("results/peers.json", import.meta.url), JSON.stringify({ machine: m, results }, null, 2));
  if (args.write) await writeBenchmarks(markdownSection(results, m, RUNS));
}

const BEGIN = "<!-- peers:begin -->";
const END = "<!-- peers:end -->";

/** Replaces the peers section of BENCHMARKS.md (between its markers), keeping the rest. */
async function writeBenchmarks(section: string): Promise<void> {
  const path = new URL("../BENCHMARKS.md", import.meta.url);
  const text = await readFile(path, "utf8");
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`BENCHMARKS.md has no ${BEGIN} ... ${END} section to replace`);
  await writeFile(path, `${text.slice(0, start + BEGIN.length)}\n${section}\n${text.slice(end)}`);
  log("BENCHMARKS.md: peers section rewritten");
}

try {
  await main();
} finally {
  killAllPeers();
  await admin.disconnect().catch(() => undefined);
  await kafkaNode?.stop();
  await rm(stateRoot, { recursive: true, force: true });
}
await sleep(0);
