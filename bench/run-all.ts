// `npm run bench`: runs every benchmark of bench/ one after the other (the machine is
// shared: never two at once), each in its own process as `npm run bench:<name>` would, and
// prints ONE table of the figures each reports against its baseline and its goal.
//
// The benchmarks print their own lines (bench/<name>.ts says what each measures and why);
// this script reads them: every line with a "(goal >= X)" or "(goal <= X)" becomes a row,
// its met/NOT met computed here from the figure, and a few figures without goals are kept
// for context. Their full output goes to bench/results/<name>.log (not committed).
//
//   npm run bench                       all of them
//   npm run bench -- stores api         some of them
//   npm run bench -- --write            also rewrite BENCHMARKS.md with the table and the machine
//   npm run bench -- --kafka apache     runtime and api on a single-node Apache Kafka (newest 4.x;
//                                       apache-3.9 for 3.9), each baseline on that same broker
//
// Each benchmark's own environment variables (BENCH_RECORDS, BENCH_RUNS, ...) pass through.
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { DEFAULT_KAFKA_LINE, KAFKA_RELEASES } from "../test/support/apache-kafka/versions.js";
import { BENCH_KAFKA_VARIABLE, benchKafkaLine } from "./kafka-under-bench.js";

const BENCHMARKS = ["wire", "broker", "stores", "runtime", "windows", "api"] as const;
type BenchName = (typeof BENCHMARKS)[number];
/** The benchmarks that run on any Kafka (`--kafka apache`); the others measure the embedded broker or none. */
const ON_ANY_KAFKA: readonly BenchName[] = ["runtime", "api"];

export interface Row {
  readonly bench: BenchName;
  readonly figure: string;
  /** The measured figure as printed (with its unit). */
  readonly value: string;
  /** What it is compared with, when the line says. */
  readonly against: string;
  /** The figure against its baseline, as the benchmark computed it. */
  readonly ratio: string;
  readonly goal: string;
  /** undefined: a figure without a goal. */
  readonly met: boolean | undefined;
}

const ROOT = new URL("../", import.meta.url);
const RESULTS = new URL("bench/results/", ROOT);

const GOAL_LINE =
  /^(?<label>.*?)[:\s]\s*(?<value>-?\d+(?:\.\d+)?)(?<unit>x|%)?\s*\(goal\s*(?<op>>=|<=)\s*(?<goal>\d+(?:\.\d+)?)(?<goalUnit>x|%)?/;
const STORE_LINE = /^(?<what>\w+)\s+store\s+(?<store>[\d,]+) ops\/s\s+raw\s+(?<raw>[\d,]+) ops\/s/;

function clean(label: string): string {
  return label
    .replace(/\s+/g, " ")
    .replace(/[\s:]+$/, "")
    .trim();
}

/** Rows of every goal line of a benchmark's output. */
export function goalRows(bench: BenchName, output: string): Row[] {
  const rows: Row[] = [];
  for (const raw of output.split("\n")) {
    const line = raw.trim();
    const match = GOAL_LINE.exec(line);
    if (!match?.groups) continue;
    const { label = "", value = "", unit = "", op = "", goal = "", goalUnit = "" } = match.groups;
    const measured = Number(value);
    const target = Number(goal);
    const met = op === ">=" ? measured >= target : measured <= target;
    const store = STORE_LINE.exec(line);
    if (store?.groups) {
      rows.push({
        bench,
        figure: `${store.groups.what} / raw LevelDB`,
        value: `${store.groups.store} ops/s`,
        against: `${store.groups.raw} ops/s`,
        ratio: `${value}${unit}`,
        goal: `${op} ${goal}${goalUnit}`,
        met,
      });
      continue;
    }
    rows.push({
      bench,
      figure: clean(label.replace(/ratio$/, "")),
      value: "",
      against: "",
      ratio: `${value}${unit}`,
      goal: `${op} ${goal}${goalUnit}`,
      met,
    });
  }
  return rows;
}

/** For a goal row: the lines of the benchmark's best runs that hold its figure and its baseline. */
const GOAL_FIGURES: ReadonlyArray<{ bench: BenchName; figure: RegExp; measured: RegExp; baseline: RegExp }> = [
  {
    bench: "broker",
    figure: /^kcat\/kafkajs consume/,
    measured: /^consume\s+kcat\s+[\d,]+ records in [^:]+:\s+([\d,]+ records\/s)/,
    baseline: /^consume\s+kafkajs\s+[\d,]+ records in [^:]+:\s+([\d,]+ records\/s)/,
  },
  {
    bench: "runtime",
    figure: /^exactly_once_v2 \//,
    measured: /^eddy bank exactly_once_v2\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
    baseline: /^raw kafkajs transactional passthrough\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
  },
  {
    bench: "runtime",
    figure: /^exactly_once \(v1\) \//,
    measured: /^eddy bank exactly_once\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
    baseline: /^raw kafkajs transactional passthrough\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
  },
  {
    bench: "runtime",
    figure: /^at_least_once/,
    measured: /^eddy bank at_least_once\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
    baseline: /^raw kafkajs at-least-once passthrough\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
  },
  {
    bench: "runtime",
    figure: /^restore/,
    measured: /^restore\s+eddy changelog reader\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
    baseline: /^restore\s+raw LevelDB batched puts\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
  },
  {
    bench: "api",
    figure: /^local lookup CPU \/ bare route CPU/,
    measured: /^local lookup\s+(?:\S+\s+){6}(\d+)$/,
    baseline: /^bare fastify route\s+(?:\S+\s+){6}(\d+)$/,
  },
  {
    bench: "windows",
    figure: /^live hourly count \/ count/,
    measured: /^live hourly count\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
    baseline: /^count\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
  },
  {
    bench: "windows",
    figure: /^hourly count \/ count/,
    measured: /^hourly count\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
    baseline: /^count\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
  },
  {
    bench: "windows",
    figure: /^window store fetch/,
    measured: /^window store fetch\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
    baseline: /^raw LevelDB range scan\s+[\d,]+ in [^:]+:\s+([\d,]+ records\/s)/,
  },
  {
    bench: "api",
    figure: /^routed p99 \/ local p99/,
    measured: /^routed @\d+\/s\s+\d+\s+\d+\s+(\d+)\s/,
    baseline: /^local @\d+\/s\s+\d+\s+\d+\s+(\d+)\s/,
  },
];

/** Fills in the measured figure and its baseline of goal rows, from the best runs' lines (those without a run number). */
export function withFigures(bench: BenchName, rows: readonly Row[], output: string): Row[] {
  const best = output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => !/#\d/.test(line));
  const last = (pattern: RegExp) =>
    best
      .map((line) => pattern.exec(line)?.[1])
      .filter((found) => found !== undefined)
      .at(-1);
  const unit = (figure: RegExp) =>
    figure.source.includes("p99") ? " ms p99" : figure.source.includes("CPU") ? " µs/req" : "";
  return rows.map((row) => {
    if (row.value !== "" || row.goal === "") return row;
    const spec = GOAL_FIGURES.find((one) => one.bench === bench && one.figure.test(row.figure));
    if (spec === undefined) return row;
    const measured = last(spec.measured);
    const baseline = last(spec.baseline);
    return {
      ...row,
      value: measured === undefined ? "" : `${measured}${unit(spec.figure)}`,
      against: baseline === undefined ? "" : `${baseline}${unit(spec.figure)}`,
    };
  });
}

/** Figures without goals that the table keeps for context, per benchmark. */
export function contextRows(bench: BenchName, output: string): Row[] {
  const rows: Row[] = [];
  const figure = (name: string, value: string, ratio = "") =>
    rows.push({ bench, figure: name, value, against: "", ratio, goal: "", met: undefined });
  const lines = output.split("\n").map((line) => line.trim());
  switch (bench) {
    case "broker": {
      const capacity = lines.find((line) => line.startsWith("broker serving capacity"));
      const capacityMatch = capacity === undefined ? null : /:\s*([\d.]+x)/.exec(capacity);
      if (capacityMatch?.[1] !== undefined)
        figure("raw fetch (broker capacity) / kafkajs consume", "", capacityMatch[1]);
      for (const line of lines) {
        const txn =
          /^(\S+): transactional\/plain produce ([\d.]+x); read_committed\/read_uncommitted consume: kafkajs ([\d.]+x), kcat ([\d.]+x)/.exec(
            line,
          );
        if (txn) {
          figure(`${txn[1]}: transactional / plain produce`, "", txn[2] ?? "");
          figure(`${txn[1]}: read_committed / read_uncommitted consume (kcat)`, "", txn[4] ?? "");
        }
        const disk = /^data-dir\/in-memory: produce plain ([\d.]+x), produce transactional ([\d.]+x)/.exec(line);
        if (disk) figure("data directory / in memory: produce", "", disk[1] ?? "");
      }
      break;
    }
    case "runtime":
      break;
    case "windows":
      for (const line of lines) {
        const replay = /^hourly count \/ count\s+([\d.]+)$/.exec(line);
        if (replay) figure("hourly count / count, a 72 h replay (a new window per record)", "", replay[1] ?? "");
        const session = /^session count \/ count\s+([\d.]+)$/.exec(line);
        if (session) figure("session count / count", "", session[1] ?? "");
      }
      break;
    case "api": {
      for (const line of lines) {
        const command = /^command round trip\s+(\d+)\s+(\d+)\s+(\d+)/.exec(line);
        if (command)
          figure("command round trip (HTTP -> Kafka -> handler -> reply)", `${command[1]} req/s, p99 ${command[3]} ms`);
        const routed = /^routed lookup\s+(\d+)\s+(\d+)\s+(\d+)/.exec(line);
        if (routed)
          figure("routed lookup (forwarded to the owner), saturated", `${routed[1]} req/s, p99 ${routed[3]} ms`);
      }
      break;
    }
    case "stores":
    case "wire":
      break;
  }
  return rows;
}

interface Outcome {
  readonly bench: BenchName;
  readonly exitCode: number | null;
  readonly seconds: number;
  readonly rows: Row[];
}

async function runBench(bench: BenchName, suffix: string): Promise<Outcome> {
  const started = performance.now();
  const script = fileURLToPath(new URL(`bench/${bench}.ts`, ROOT));
  const tsx = fileURLToPath(new URL("node_modules/tsx/dist/cli.mjs", ROOT));
  const child = spawn(process.execPath, [tsx, script], {
    cwd: fileURLToPath(ROOT),
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const relay = (chunk: Buffer, to: NodeJS.WriteStream) => {
    const text = chunk.toString();
    output += text;
    to.write(text.replace(/^(?=.)/gm, `[${bench}] `));
  };
  child.stdout.on("data", (chunk: Buffer) => relay(chunk, process.stdout));
  child.stderr.on("data", (chunk: Buffer) => relay(chunk, process.stderr));
  const exitCode = await new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  await writeFile(new URL(`${bench}${suffix}.log`, RESULTS), output);
  return {
    bench,
    exitCode,
    seconds: (performance.now() - started) / 1000,
    rows: [...withFigures(bench, goalRows(bench, output), output), ...contextRows(bench, output)],
  };
}

export function renderTable(outcomes: readonly Outcome[]): string {
  const header = ["benchmark", "figure", "measured", "baseline", "ratio", "goal", "met"];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const outcome of outcomes) {
    if (outcome.rows.length === 0) {
      lines.push(
        `| ${outcome.bench} | no figures found in its output (exit code ${outcome.exitCode}); see bench/results/${outcome.bench}.log | | | | | |`,
      );
      continue;
    }
    for (const row of outcome.rows) {
      const met = row.met === undefined ? "" : row.met ? "yes" : "**no**";
      lines.push(
        `| ${row.bench} | ${row.figure} | ${row.value} | ${row.against} | ${row.ratio} | ${row.goal} | ${met} |`,
      );
    }
  }
  return lines.join("\n");
}

export function machine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? "unknown CPU";
  return [
    `- CPU: ${model}, ${cpu.length} cores`,
    `- RAM: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node.js: ${process.version} (${process.platform} ${process.arch})`,
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    `- load average when the run started: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(", ")} (the machine is shared; every benchmark compares against a baseline measured in the same run)`,
  ].join("\n");
}

async function writeBenchmarksMd(table: string, outcomes: readonly Outcome[], machineText: string): Promise<void> {
  const durations = outcomes
    .map((o) => `${o.bench} ${Math.round(o.seconds)} s${o.exitCode === 0 ? "" : ` (exit code ${o.exitCode})`}`)
    .join(", ");
  const text = `# Benchmarks

The latest \`npm run bench -- --write\`: every benchmark of \`bench/\`, each measuring Eddy against a
baseline in the same run (raw LevelDB, raw kafkajs passthroughs, kafkajs against kcat, a bare
fastify route), so the ratios hold on any machine while the absolute figures are this machine's.
What each figure measures, and why the goal is what it is, is written at the top of
\`bench/<name>.ts\`; \`npm run bench:<name>\` runs one of them and prints all of its figures.

## The machine

${machineText}

## Figures

${table}

Durations: ${durations}.
`;
  const kept = keptSections(await readFile(new URL("BENCHMARKS.md", ROOT), "utf8").catch(() => ""));
  await writeFile(new URL("BENCHMARKS.md", ROOT), kept === "" ? text : `${text}\n${kept}`);
}

/** The sections of BENCHMARKS.md this script does not write (windows, Apache Kafka, peers...): kept as they are. */
export function keptSections(markdown: string): string {
  const own = new Set(["The machine", "Figures"]);
  const sections = markdown.split(/^(?=## )/m).filter((part) => part.startsWith("## "));
  const kept = sections.filter((section) => !own.has(section.slice(3, section.indexOf("\n")).trim())).join("");
  return kept === "" ? "" : `${kept.trimEnd()}\n`;
}

async function main(): Promise<number> {
  let args = process.argv.slice(2);
  const write = args.includes("--write");
  let kafka: string | undefined;
  const at = args.findIndex((arg) => arg === "--kafka" || arg.startsWith("--kafka="));
  if (at >= 0) {
    const arg = args[at] as string;
    kafka = arg.includes("=") ? arg.slice("--kafka=".length) : args[at + 1];
    args = args.filter((_, i) => i !== at && (arg.includes("=") || i !== at + 1));
    try {
      benchKafkaLine(kafka ?? "");
    } catch {
      process.stderr.write(`npm run bench: --kafka takes embedded, apache, apache-4 or apache-3.9 (got "${kafka}")\n`);
      return 2;
    }
  }
  const onApache = kafka !== undefined && benchKafkaLine(kafka) !== undefined;
  const names = args.filter((arg) => !arg.startsWith("--"));
  for (const name of names) {
    if (!BENCHMARKS.includes(name as BenchName)) {
      process.stderr.write(`npm run bench: unknown benchmark "${name}" (known: ${BENCHMARKS.join(", ")})\n`);
      return 2;
    }
    if (onApache && !ON_ANY_KAFKA.includes(name as BenchName)) {
      process.stderr.write(
        `npm run bench: ${name} does not run on Apache Kafka (it measures the embedded broker, or no broker); --kafka runs ${ON_ANY_KAFKA.join(" and ")}\n`,
      );
      return 2;
    }
  }
  const selected = names.length > 0 ? (names as BenchName[]) : onApache ? [...ON_ANY_KAFKA] : [...BENCHMARKS];
  if (kafka !== undefined) process.env[BENCH_KAFKA_VARIABLE] = kafka;
  await mkdir(RESULTS, { recursive: true });
  const machineText = `${machine()}\n- Kafka: ${onApache ? `single-node Apache Kafka ${KAFKA_RELEASES[benchKafkaLine(kafka) ?? DEFAULT_KAFKA_LINE].version} (KRaft, JVM heap 512 MiB), baselines on the same broker` : "the embedded broker (eddy broker, its own process)"}`;
  const outcomes: Outcome[] = [];
  for (const bench of selected) {
    process.stdout.write(`\n=== bench:${bench} ===\n`);
    outcomes.push(await runBench(bench, onApache ? "-apache" : ""));
  }
  const table = renderTable(outcomes);
  process.stdout.write(`\n${machineText}\n\n${table}\n`);
  await writeFile(new URL(onApache ? "latest-apache.md" : "latest.md", RESULTS), `${machineText}\n\n${table}\n`);
  if (write && onApache) {
    process.stdout.write(
      "\n--write rewrites BENCHMARKS.md from a run on the embedded broker only; this table is in bench/results/latest-apache.md\n",
    );
  } else if (write) {
    await writeBenchmarksMd(table, outcomes, machineText);
    process.stdout.write("\nBENCHMARKS.md written\n");
  }
  const failed = outcomes.filter((o) => o.exitCode !== 0 || o.rows.some((row) => row.met === false));
  return failed.length === 0 ? 0 : 1;
}

// Run only as a script, so that a test can import the parsers.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
