// The results of `npm run bench:peers`: the best of the runs per system and figure, the
// table, Eddy's ratios against each peer with their goals (issue 18), and the section of
// BENCHMARKS.md that `--write` replaces.
import { cpus, loadavg, totalmem } from "node:os";
import type { Latency, Throughput } from "./measure.js";
import { PEER_HEAP, heapMebibytes } from "./systems.js";
import type { PeerSystem, SystemName, TopologyName } from "./systems.js";

export interface Restore {
  readonly records: number;
  readonly seconds: number;
}

export interface SystemResults {
  readonly system: PeerSystem;
  readonly throughput: Partial<Record<TopologyName, Throughput[]>>;
  readonly latency: Latency[];
  readonly restore: Restore[];
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: string;
  readonly node: string;
  readonly kafka: string;
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
  readonly date: string;
}

export function machine(kafka: string, loadAtStart: readonly number[]): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    kafka,
    loadAtStart: loadAtStart.map((l) => l.toFixed(2)).join(", "),
    loadAtEnd: loadavg()
      .map((l) => l.toFixed(2))
      .join(", "),
    date: new Date().toISOString().slice(0, 10),
  };
}

const bestThroughput = (runs: readonly Throughput[] | undefined): Throughput | undefined =>
  runs?.reduce<Throughput | undefined>(
    (b, r) => (b === undefined || r.recordsPerSecond > b.recordsPerSecond ? r : b),
    undefined,
  );
/** The run with the lowest p99; a run that fell behind (no samples) counts only when every run did. */
const bestLatency = (runs: readonly Latency[]): Latency | undefined =>
  runs.reduce<Latency | undefined>(
    (b, r) => (b === undefined || (b.samples === 0 && r.samples > 0) || (r.samples > 0 && r.p99 < b.p99) ? r : b),
    undefined,
  );
const latencyText = (l: Latency): string =>
  l.samples === 0 ? "fell behind the load" : `${int(l.p50)} / ${int(l.p99)} ms`;
const bestRestore = (runs: readonly Restore[]): Restore | undefined =>
  runs.reduce<Restore | undefined>((b, r) => (b === undefined || r.seconds < b.seconds ? r : b), undefined);
/** Memory: the smallest peak of a topology's throughput runs (every run's peak is printed as it comes). */
const bestRss = (runs: readonly Throughput[] | undefined): number | undefined =>
  runs?.reduce<number | undefined>((b, r) => (b === undefined || r.peakRssBytes < b ? r.peakRssBytes : b), undefined);
const bestCpu = (runs: readonly Throughput[] | undefined): number | undefined =>
  runs?.reduce<number | undefined>(
    (b, r) => (b === undefined || r.cpuSecondsPer100k < b ? r.cpuSecondsPer100k : b),
    undefined,
  );

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const p99 = (l: Latency | undefined): number | undefined => (l === undefined || l.samples === 0 ? undefined : l.p99);
/** A throughput figure; a run stopped at the time limit says how far it got. */
const rate = (t: Throughput): string =>
  t.complete
    ? int(t.recordsPerSecond)
    : `${int(t.recordsPerSecond)} (stopped at ${(t.committedShare * 100).toFixed(0)}%)`;
const mib = (bytes: number): string => `${int(bytes / 2 ** 20)} MiB`;
const or = (value: string | undefined): string => value ?? "n/a";

export function table(results: readonly SystemResults[]): string {
  const rows = [
    "| system | guarantee | store | count: records/s | bank: records/s | latency at 5 k/s: p50 / p99 | restore 1 M: s (records/s) | peak RSS: count / bank | CPU-s per 100 k: count / bank |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const count = bestThroughput(r.throughput.count);
    const bank = bestThroughput(r.throughput.bank);
    const latency = bestLatency(r.latency);
    const restore = bestRestore(r.restore);
    const rssCount = bestRss(r.throughput.count);
    const rssBank = bestRss(r.throughput.bank);
    const cpuCount = bestCpu(r.throughput.count);
    const cpuBank = bestCpu(r.throughput.bank);
    rows.push(
      `| ${r.system.name} | ${r.system.guarantee} | ${r.system.store} | ${or(count && rate(count))} | ` +
        `${or(bank && rate(bank))} | ${or(latency && latencyText(latency))} | ` +
        `${or(restore && `${restore.seconds.toFixed(1)} (${int(restore.records / restore.seconds)})`)} | ${or(rssCount === undefined ? undefined : mib(rssCount))} / ${or(rssBank === undefined ? undefined : mib(rssBank))} | ` +
        `${or(cpuCount?.toFixed(2))} / ${or(cpuBank?.toFixed(2))} |`,
    );
  }
  return rows.join("\n");
}

interface Goal {
  readonly figure: string;
  readonly peer: SystemName;
  readonly ratio: number | undefined;
  readonly op: ">=" | "<=";
  readonly goal: number;
}

/** Eddy against each peer: the goals of issue 18, each a ratio measured in this run. */
export function goals(results: readonly SystemResults[]): Goal[] {
  const of = (name: SystemName) => results.find((r) => r.system.name === name);
  const eddy = of("eddy");
  const ks = of("kafka-streams");
  const out: Goal[] = [];
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? undefined : a / b;
  if (eddy && ks) {
    out.push({
      figure: "count throughput / Kafka Streams",
      peer: "kafka-streams",
      ratio: ratio(
        bestThroughput(eddy.throughput.count)?.recordsPerSecond,
        bestThroughput(ks.throughput.count)?.recordsPerSecond,
      ),
      op: ">=",
      goal: 1,
    });
    out.push({
      figure: "bank throughput / Kafka Streams",
      peer: "kafka-streams",
      ratio: ratio(
        bestThroughput(eddy.throughput.bank)?.recordsPerSecond,
        bestThroughput(ks.throughput.bank)?.recordsPerSecond,
      ),
      op: ">=",
      goal: 1,
    });
    const restore = (r: SystemResults) => {
      const best = bestRestore(r.restore);
      return best && best.records / best.seconds;
    };
    out.push({
      figure: "restore rate / Kafka Streams",
      peer: "kafka-streams",
      ratio: ratio(restore(eddy), restore(ks)),
      op: ">=",
      goal: 1,
    });
    out.push({
      figure: "p99 latency at 5 k/s / Kafka Streams",
      peer: "kafka-streams",
      ratio: ratio(p99(bestLatency(eddy.latency)), p99(bestLatency(ks.latency))),
      op: "<=",
      goal: 1,
    });
    out.push({
      figure: "peak RSS (count) / Kafka Streams",
      peer: "kafka-streams",
      ratio: ratio(bestRss(eddy.throughput.count), bestRss(ks.throughput.count)),
      op: "<=",
      goal: 0.5,
    });
    out.push({
      figure: "peak RSS (bank) / Kafka Streams",
      peer: "kafka-streams",
      ratio: ratio(bestRss(eddy.throughput.bank), bestRss(ks.throughput.bank)),
      op: "<=",
      goal: 0.5,
    });
  }
  for (const peer of ["kafkats-flow", "quix", "faust"] as const) {
    const other = of(peer);
    if (!eddy || !other) continue;
    out.push({
      figure: `count throughput / ${peer}`,
      peer,
      ratio: ratio(
        bestThroughput(eddy.throughput.count)?.recordsPerSecond,
        bestThroughput(other.throughput.count)?.recordsPerSecond,
      ),
      op: ">=",
      goal: 2,
    });
  }
  return out;
}

export function goalLines(list: readonly Goal[]): string[] {
  return list.map((g) => {
    const met =
      g.ratio === undefined
        ? "not measured"
        : (g.op === ">=" ? g.ratio >= g.goal : g.ratio <= g.goal)
          ? "MET"
          : "NOT MET";
    return `eddy ${g.figure}: ${g.ratio === undefined ? "n/a" : `${g.ratio.toFixed(2)}x`} (goal ${g.op} ${g.goal.toFixed(1)}x) ${met}`;
  });
}

export function markdownSection(results: readonly SystemResults[], m: Machine, runs: number): string {
  const goalRows = goals(results).map((g) => {
    const met =
      g.ratio === undefined
        ? "not measured"
        : (g.op === ">=" ? g.ratio >= g.goal : g.ratio <= g.goal)
          ? "yes"
          : "**no**";
    return `| ${g.figure} | ${g.ratio === undefined ? "n/a" : `${g.ratio.toFixed(2)}x`} | ${g.op} ${g.goal.toFixed(1)}x | ${met} |`;
  });
  return [
    `The latest \`npm run bench:peers -- --write\` (${runs} runs of everything, the best counts), on ${m.date}:`,
    `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node.js ${m.node}, Apache Kafka ${m.kafka} (one node);`,
    `load average ${m.loadAtStart} when the run started, ${m.loadAtEnd} when it ended;`,
    `every JVM and Node peer with a ${PEER_HEAP} heap cap (-Xmx${PEER_HEAP}, --max-old-space-size=${heapMebibytes(PEER_HEAP)}).`,
    "",
    table(results),
    "",
    "| Eddy's figure | ratio | goal | met |",
    "|---|---|---|---|",
    ...goalRows,
  ].join("\n");
}
